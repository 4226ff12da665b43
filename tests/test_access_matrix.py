"""Every URL, every kind of visitor: generated from the URL configuration.

A new URL without an entry in MATRIX fails `test_every_url_has_an_entry`, so nobody can add a
page without deciding who may see it. Outsiders get 404 ("not found"), never 403.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import inform

ANON, STAFF, OUTSIDE_ADMIN, ADMIN = "anonymous", "staff", "outside_admin", "admin"
LOGIN = "login"  # a redirect to the sign-in page
PORTAL_LOGIN = "portal_login"  # a redirect to the portal's own sign-in page (/ung/logga-in/)

# name: (kwargs factory key or None, expected GET status per visitor, POST-only?)
MATRIX: dict[str, tuple[str | None, dict[str, int | str], bool]] = {
    "core:start": (None, {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "healthz": (None, {ANON: 200, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    # The API answers API tokens only (tests/test_api.py): a signed-in session is not enough.
    "api:api-root": (None, {ANON: 404, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "api:case_list": (None, {ANON: 401, STAFF: 401, OUTSIDE_ADMIN: 401, ADMIN: 401}, False),
    # The resources (tests/test_api_resources.py): tokens only, like api:case_list.
    "api:case_detail": ("case", {ANON: 401, STAFF: 401, OUTSIDE_ADMIN: 401, ADMIN: 401}, False),
    "api:case_referrals": (
        "case",
        {ANON: 401, STAFF: 401, OUTSIDE_ADMIN: 401, ADMIN: 401},
        False,
    ),
    "api:case_consents": (
        "case",
        {ANON: 401, STAFF: 401, OUTSIDE_ADMIN: 401, ADMIN: 401},
        False,
    ),
    "api:case_interventions": (
        "case",
        {ANON: 401, STAFF: 401, OUTSIDE_ADMIN: 401, ADMIN: 401},
        False,
    ),
    "api:case_note_create": (
        "case",
        {ANON: 405, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "api:case_plan": ("case", {ANON: 401, STAFF: 401, OUTSIDE_ADMIN: 401, ADMIN: 401}, False),
    "api:case_meetings": ("case", {ANON: 401, STAFF: 401, OUTSIDE_ADMIN: 401, ADMIN: 401}, False),
    # The same URL as api:case_meetings (GET lists, POST plans).
    "api:case_meeting_plan": (
        "case",
        {ANON: 401, STAFF: 401, OUTSIDE_ADMIN: 401, ADMIN: 401},
        False,
    ),
    "api:meeting_detail": (
        "api_meeting",
        {ANON: 401, STAFF: 401, OUTSIDE_ADMIN: 401, ADMIN: 401},
        False,
    ),
    "api:referral_create": (
        None,
        {ANON: 405, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "api:report_operational": (
        None,
        {ANON: 401, STAFF: 401, OUTSIDE_ADMIN: 401, ADMIN: 401},
        False,
    ),
    # The document describes the API, holds no data, and is what an integrator reads first.
    "api:openapi-json": (None, {ANON: 200, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "api_tokens:list": (None, {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "api_tokens:revoke": (
        "api_token",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    # Webhooks: the administrators of the organisation's municipality only.
    "webhooks:list": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "webhooks:detail": (
        "webhook",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 200},
        False,
    ),
    "webhooks:toggle": (
        "webhook",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "webhooks:delete": (
        "webhook",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "set_language": (None, {ANON: 302, STAFF: 302, OUTSIDE_ADMIN: 302, ADMIN: 302}, False),
    "accounts:login": (None, {ANON: 200, STAFF: 302, OUTSIDE_ADMIN: 302, ADMIN: 302}, False),
    "accounts:verify": (None, {ANON: LOGIN, STAFF: 302, OUTSIDE_ADMIN: 302, ADMIN: 302}, False),
    "accounts:enrol": (None, {ANON: LOGIN, STAFF: 302, OUTSIDE_ADMIN: 302, ADMIN: 302}, False),
    "accounts:logout": (None, {ANON: 405, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "accounts:account": (None, {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "accounts:logout_everywhere": (
        None,
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "accounts:recovery_codes": (
        None,
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "accounts:password_change": (
        None,
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "audit:search": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "audit:export_csv": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    # D48: the register extract is the administrators'; the case export the owner's coordinator's.
    "dataprotection:register_extract": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "dataprotection:case_export": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "organisations:overview": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "organisations:municipality_create": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "organisations:district_create": (
        "municipality",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 200},
        False,
    ),
    "organisations:district_edit": (
        "district",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 200},
        False,
    ),
    "organisations:district_policy_create": (
        "district",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "organisations:policy_edit": (
        "policy",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 200},
        False,
    ),
    "organisations:policy_remove": (
        "district_policy",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "organisations:organisation_list": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "organisations:organisation_create": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "organisations:organisation_edit": (
        "organisation",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 200},
        False,
    ),
    "organisations:person_list": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "organisations:person_create": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "organisations:person_edit": (
        "person",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 200},
        False,
    ),
    "organisations:person_password": (
        "person",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "organisations:person_second_factor_reset": (
        "person",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "organisations:person_sessions_end": (
        "person",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "categories:list": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "categories:edit": (
        "category",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "instruments:list": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "instruments:create": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "instruments:edit": (
        "instrument",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "assessments:overview": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "assessments:assessment_create": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    # Without a chosen instrument the page asks which one.
    "assessments:measurement_create": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "plans:plan": ("case", {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "plans:plan_save": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "plans:subgoal_create": (
        "case",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "plans:subgoal_edit": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "plans:subgoal_remove": (
        "case",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "plans:goal_review": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "plans:activity_create": (
        "case",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "plans:activity_done": (
        "case",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "plans:agree": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "plans:interventions": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    # The matrix case has no plan yet: nothing to print (tests/test_plans.py prints one).
    "plans:youth_pdf": ("case", {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "plans:plan_pdf": ("case", {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "followup_case:overview": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "followup_case:chart": (
        "case",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "meetings:list": ("case", {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "meetings:plan": ("case", {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "meetings:detail": (
        "meeting",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "meetings:ics": ("meeting", {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "meetings:invite": ("meeting", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "meetings:prepare": (
        "meeting",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "meetings:record": ("meeting", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "meetings:decide": ("meeting", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "meetings:follow_up": (
        "meeting",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "meetings:cancel": ("meeting", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "cases:list": (None, {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "cases:create": (None, {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    # The beredningsgrupp's agenda: managers and coordinators of the area only.
    "cases:agenda": (None, {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "cases:recommend": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "cases:receive": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "cases:detail": ("case", {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "cases:guardian_add": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "cases:member_add": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "cases:member_remove": (
        "case",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "cases:note_create": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "cases:lifecycle": ("case", {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "cases:transition": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "cases:information": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "cases:decision": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "cases:group": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "cases:mandate": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "cases:close": ("case", {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "cases:followup": (
        "followup",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "cases:profile": ("case", {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "cases:profile_save": (
        "case",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "cases:outcome_save": (
        "case",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "cases:information_sheet": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "cases:information_sheet_pdf": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    # The court summary: for those who run the case (the coordinator is STAFF here).
    "cases:statement": ("case", {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "cases:statement_pdf": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    # Everyone signed in sees their own reminders (none for those outside every case).
    "reminders:dashboard": (None, {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "consent:list": ("case", {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "consent:create": ("case", {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    # Without a chosen scope the blank form sends the coordinator back to choose one.
    "consent:blank_form_pdf": (
        "case",
        {ANON: LOGIN, STAFF: 302, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "consent:form_pdf": (
        "consent",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "consent:document": (
        "consent",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "consent:renew": ("consent", {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "consent:revoke": ("consent", {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "consent:disclosures": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "consent:disclosures_csv": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    # --- the portal (issue 7). Portal pages need a portal session: staff sessions do not count.
    "portal:start": (
        None,
        {ANON: PORTAL_LOGIN, STAFF: PORTAL_LOGIN, OUTSIDE_ADMIN: PORTAL_LOGIN, ADMIN: PORTAL_LOGIN},
        False,
    ),
    "portal:redeem": (None, {ANON: 200, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "portal:login": (None, {ANON: 200, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "portal:unlock": (
        None,
        {ANON: PORTAL_LOGIN, STAFF: PORTAL_LOGIN, OUTSIDE_ADMIN: PORTAL_LOGIN, ADMIN: PORTAL_LOGIN},
        False,
    ),
    "portal:logout": (None, {ANON: 405, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "portal:about": (None, {ANON: 200, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "portal:plan": (
        None,
        {ANON: PORTAL_LOGIN, STAFF: PORTAL_LOGIN, OUTSIDE_ADMIN: PORTAL_LOGIN, ADMIN: PORTAL_LOGIN},
        False,
    ),
    "portal:meetings": (
        None,
        {ANON: PORTAL_LOGIN, STAFF: PORTAL_LOGIN, OUTSIDE_ADMIN: PORTAL_LOGIN, ADMIN: PORTAL_LOGIN},
        False,
    ),
    "portal:meeting": (
        "portal_meeting",
        {ANON: PORTAL_LOGIN, STAFF: PORTAL_LOGIN, OUTSIDE_ADMIN: PORTAL_LOGIN, ADMIN: PORTAL_LOGIN},
        False,
    ),
    "portal:meeting_calendar": (
        "portal_meeting",
        {ANON: PORTAL_LOGIN, STAFF: PORTAL_LOGIN, OUTSIDE_ADMIN: PORTAL_LOGIN, ADMIN: PORTAL_LOGIN},
        False,
    ),
    "portal:consents": (
        None,
        {ANON: PORTAL_LOGIN, STAFF: PORTAL_LOGIN, OUTSIDE_ADMIN: PORTAL_LOGIN, ADMIN: PORTAL_LOGIN},
        False,
    ),
    "portal:consent_withdraw": (
        "portal_consent",
        {ANON: PORTAL_LOGIN, STAFF: PORTAL_LOGIN, OUTSIDE_ADMIN: PORTAL_LOGIN, ADMIN: PORTAL_LOGIN},
        False,
    ),
    "portal:guardian_share": (
        None,
        {ANON: PORTAL_LOGIN, STAFF: PORTAL_LOGIN, OUTSIDE_ADMIN: PORTAL_LOGIN, ADMIN: PORTAL_LOGIN},
        False,
    ),
    "portal:seen": (
        None,
        {ANON: PORTAL_LOGIN, STAFF: PORTAL_LOGIN, OUTSIDE_ADMIN: PORTAL_LOGIN, ADMIN: PORTAL_LOGIN},
        False,
    ),
    "portal:feedback": (
        None,
        {ANON: PORTAL_LOGIN, STAFF: PORTAL_LOGIN, OUTSIDE_ADMIN: PORTAL_LOGIN, ADMIN: PORTAL_LOGIN},
        False,
    ),
    "portal:evaluation": (
        None,
        {ANON: PORTAL_LOGIN, STAFF: PORTAL_LOGIN, OUTSIDE_ADMIN: PORTAL_LOGIN, ADMIN: PORTAL_LOGIN},
        False,
    ),
    # The coordinator's portal tab on the case (STAFF is the case's coordinator).
    "portal_staff:overview": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "portal_staff:invite": (
        "case",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "portal_staff:invitation_revoke": (
        "portal_invitation",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "portal_staff:account_reset": (
        "portal_account",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "portal_staff:notice_read": (
        "portal_notice",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    # Rectification and restriction of one item (STAFF owns the note); lifting needs a
    # live restriction, so it is 404 for the unrestricted note.
    "rectification:item": (
        "rectify_note",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "rectification:correct": (
        "rectify_note",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "rectification:restrict": (
        "rectify_note",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "rectification:lift": (
        "rectify_note",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    # Feedback: only for the person it was routed (or lifted) to; nobody here is one.
    "feedback:inbox": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "feedback:detail": (
        "feedback",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "feedback:escalate": (
        "feedback",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    # The evaluation report: styrgrupp/analytiker only.
    "evaluations:report": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    # --- follow-up (issue 8): aggregates for styrgrupp/analytiker (and national) only.
    "followup:report": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "followup:export_csv": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "followup:export_xlsx": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "followup:export_pdf": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "followup:chart": ("chart", {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "followup:costs": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "followup:needs": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404}, False),
    "followup:needs_import": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    # Gallring: the municipality's administrators (OUTSIDE_ADMIN sees their own municipality).
    "retention:overview": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "retention:rule_edit": (
        "retention_rule",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 200},
        False,
    ),
    "retention:hold_set": (
        "municipality",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "retention:hold_lift": (
        "case",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    # The case's legal-hold tab: those who run the case (STAFF is its coordinator).
    "retention_case:hold": (
        "case",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "retention_case:hold_lift": (
        "case",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    # Imports: the municipality's administrator and social services coordinators, each for
    # their own municipality (tests/test_imports.py has the police officer's 404).
    "imports:index": (None, {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "imports:upload": (
        "import_kind",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "imports:template": (
        "import_kind",
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
}

# Routes whose POST does something to an object: outsiders must get 404 and change nothing.
GUARDED_POSTS = [
    name for name, (key, _, _) in MATRIX.items() if name.startswith("organisations:") and key
]
GUARDED_POSTS.append("api_tokens:revoke")  # somebody else's API token
GUARDED_POSTS += ["retention:rule_edit", "retention:hold_set", "retention:hold_lift"]
GUARDED_POSTS += ["webhooks:toggle", "webhooks:delete"]  # another municipality's webhook


def _names(patterns: list[Any], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_has_an_entry():
    missing = _names(get_resolver().url_patterns) - set(MATRIX)
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"


def _case_objects(world) -> dict[str, Any]:
    """A case run by the coordinator (STAFF), with the police taking part, a consent and a note."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from samsyn.cases import services as cases
    from samsyn.consent import services as consents
    from samsyn.consent.models import ConsentForm, DataCategory, GiverRole

    case = cases.case_create(
        reason="Skolfrånvaro och misstänkt stöld.",
        actor=world.coordinator,
        first_name="Kim",
        last_name="Matrisson",
        date_of_birth=date(2012, 3, 4),
        district=world.district,
    )
    cases.member_add(actor=world.coordinator, case=case, person=world.police)
    guardian = cases.guardian_add(
        actor=world.coordinator, case=case, first_name="Vera", last_name="Matrisson"
    )
    inform(case, world.coordinator)
    school = DataCategory.objects.get(slug="skola")
    consent = consents.consent_record(
        actor=world.coordinator,
        case=case,
        categories=[school],
        recipients=[world.recipient_org],
        givers=[consents.Giver(GiverRole.GUARDIAN, guardian)],
        form=ConsentForm.WRITTEN,
        document=SimpleUploadedFile("samtycke.pdf", b"%PDF-1.4 test", "application/pdf"),
        given_on=date.today(),
    )
    note = cases.note_create(
        actor=world.coordinator, case=case, category=school, title="Frånvaro", text="30 %"
    )
    from samsyn.cases.models import FollowUp

    followup = FollowUp.objects.create(
        case=case,
        owner=case.owner,
        category=DataCategory.objects.get(slug="socialtjanst"),
        created_by=world.coordinator,
        months_after=6,
        due_on=date.today(),
    )
    return {
        "case": case,
        "followup": {"code": case.code, "followup_code": followup.code},
        "consent": {"code": case.code, "consent_code": consent.code},
        "category": {"slug": "skola"},
        "note": note,
        "rectify_note": {"code": case.code, "kind": "anteckning", "item_code": note.code},
        "chart": {"key": "oversikt"},
    }


def _instrument() -> Any:
    from samsyn.organisations.models import Instrument

    return Instrument.objects.get(short_name="ESTER")


def _meeting() -> dict[str, Any]:
    """A meeting in the matrix case (set up directly: the case is not decided yet)."""
    from django.utils import timezone

    from samsyn.cases.models import Case
    from samsyn.consent.models import DataCategory
    from samsyn.meetings.models import Meeting

    case = Case.objects.get(youth__last_name="Matrisson")
    meeting = Meeting.objects.create(
        case=case,
        owner=case.owner,
        category=DataCategory.objects.get(slug="plan"),
        created_by=case.coordinator,
        starts_at=timezone.now(),
        ends_at=timezone.now(),
    )
    return {"code": case.code, "meeting_code": meeting.code}


def _portal_objects(world) -> dict[str, Any]:
    """A portal account, invitation, notice and feedback in the matrix case."""
    from django.utils import timezone

    from samsyn.cases.models import Case
    from samsyn.consent.models import Consent
    from samsyn.meetings.models import Meeting
    from samsyn.portal.models import (
        Feedback,
        PortalAccount,
        PortalInvitation,
        PortalNotice,
    )

    case = Case.objects.get(youth__last_name="Matrisson")
    account = PortalAccount.objects.create(
        case=case, kind="ungdom", username="kim.matris", created_by=world.coordinator
    )
    invitation = PortalInvitation.objects.create(
        case=case,
        kind="ungdom",
        secret_hash="0" * 64,
        created_by=world.coordinator,
        expires_at=timezone.now(),
    )
    notice = PortalNotice.objects.create(case=case, kind="konto_skapat", text="Konto skapat.")
    feedback = Feedback.objects.create(
        municipality=world.municipality,
        recipient=world.steering,
        anonymous=True,
        text="Synpunkt.",
        received_on=timezone.localdate(),
    )
    return {
        "portal_meeting": {"meeting_code": Meeting.objects.filter(case=case).first().code},
        "portal_consent": {"consent_code": Consent.objects.filter(case=case).first().code},
        "portal_account": {"code": case.code, "account_code": account.code},
        "portal_invitation": {"code": case.code, "invitation_code": invitation.code},
        "portal_notice": {"code": case.code, "notice_code": notice.code},
        "feedback": feedback,
    }


def _webhook(world) -> Any:
    from samsyn.webhooks.models import Webhook

    return Webhook.objects.create(
        organisation=world.recipient_org, url="https://example.org/hook", secret="whsec_test"
    )


def _api_token(world) -> Any:
    from samsyn.api import services

    token, _raw = services.token_create(
        actor=world.police, name="Polisens system", scope="read", days=30
    )
    return token


def _api_meeting() -> Any:
    from samsyn.meetings.models import Meeting

    return Meeting.objects.get(case__youth__last_name="Matrisson")  # made by _meeting()


def _objects(world) -> dict[str, Any]:
    from samsyn.organisations.models import LocalPolicy

    district_policy = LocalPolicy.objects.create(
        municipality=world.municipality, district=world.district
    )
    return {
        **_case_objects(world),
        "municipality": world.municipality,
        "retention_rule": {"code": world.municipality.code, "kind": "arenden"},
        "district": world.district,
        "policy": LocalPolicy.objects.get(municipality=world.municipality, district__isnull=True),
        "district_policy": district_policy,
        "organisation": world.recipient_org,
        "person": world.police,
        "instrument": _instrument(),
        "meeting": _meeting(),
        "api_meeting": _api_meeting(),
        "api_token": _api_token(world),
        "webhook": _webhook(world),
        "import_kind": {"kind": "aktualiseringar"},
        **_portal_objects(world),
    }


def _url(name: str, key: str | None, objects: dict[str, Any]) -> str:
    if key is None:
        return reverse(name)
    target = objects[key]
    return reverse(name, kwargs=target if isinstance(target, dict) else {"code": target.code})


def _visitor(kind: str, world, client, login):
    return {
        ANON: lambda: client,
        STAFF: lambda: login(world.coordinator),
        OUTSIDE_ADMIN: lambda: login(world.outsider_admin),
        ADMIN: lambda: login(world.admin),
    }[kind]()


@pytest.mark.parametrize("visitor", [ANON, STAFF, OUTSIDE_ADMIN, ADMIN])
def test_every_url_answers_each_visitor_as_the_matrix_says(world, client, login, visitor):
    objects = _objects(world)
    http = _visitor(visitor, world, client, login)
    wrong = []
    for name, (key, expected, _post_only) in MATRIX.items():
        response = http.get(_url(name, key, objects))
        want = expected[visitor]
        if want == LOGIN:
            ok = response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")
        elif want == PORTAL_LOGIN:
            ok = response.status_code == 302 and response["Location"].startswith("/ung/logga-in/")
        else:
            ok = response.status_code == want
        if not ok:
            wrong.append(f"{name}: expected {want}, got {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("visitor", [STAFF, OUTSIDE_ADMIN])
def test_outsiders_posting_to_objects_get_404_and_change_nothing(world, client, login, visitor):
    from samsyn.audit.models import AuditRecord
    from samsyn.organisations.models import District, LocalPolicy, Organisation, Person

    objects = _objects(world)
    http = _visitor(visitor, world, client, login)
    before = (
        AuditRecord.objects.exclude(action__in=["sign_in", "second_factor_ok"]).count(),
        list(
            Person.objects.order_by("pk").values_list("password", "session_generation", "is_active")
        ),
        list(Organisation.objects.order_by("pk").values_list("name", "kind")),
        list(District.objects.order_by("pk").values_list("name", flat=True)),
        LocalPolicy.objects.count(),
    )
    for name in GUARDED_POSTS:
        key = MATRIX[name][0]
        response = http.post(_url(name, key, objects), {"name": "Hijacked", "password": "x" * 20})
        assert response.status_code == 404, name
    after = (
        AuditRecord.objects.exclude(action__in=["sign_in", "second_factor_ok"]).count(),
        list(
            Person.objects.order_by("pk").values_list("password", "session_generation", "is_active")
        ),
        list(Organisation.objects.order_by("pk").values_list("name", "kind")),
        list(District.objects.order_by("pk").values_list("name", flat=True)),
        LocalPolicy.objects.count(),
    )
    assert after == before


# Every route about one case: people outside the case get 404 whatever they send.
CASE_ROUTES = [
    name for name, (key, _, _) in MATRIX.items() if name.startswith(("cases:", "consent:")) and key
]
CASE_ROUTES += [name for name, (key, _, _) in MATRIX.items() if name.startswith("assessments:")]
CASE_ROUTES += [name for name, (key, _, _) in MATRIX.items() if name.startswith("plans:")]
CASE_ROUTES += [name for name, (key, _, _) in MATRIX.items() if name.startswith("meetings:")]
CASE_GET_ONLY = {
    "cases:lifecycle",
    "cases:profile",
    "cases:information_sheet",
    "cases:information_sheet_pdf",
    "consent:document",
    "consent:blank_form_pdf",
    "consent:form_pdf",
    "consent:disclosures",
    "consent:disclosures_csv",
}
CASE_GET_ONLY |= {"cases:statement", "cases:statement_pdf"}
CASE_GET_ONLY |= {"plans:plan", "plans:youth_pdf", "plans:plan_pdf"}
CASE_GET_ONLY |= {"meetings:list", "meetings:detail", "meetings:ics"}
CASE_ROUTES += [name for name, (key, _, _) in MATRIX.items() if name.startswith("followup_case:")]
CASE_GET_ONLY |= {"followup_case:overview", "followup_case:chart"}
CASE_ROUTES += [name for name, (key, _, _) in MATRIX.items() if name.startswith("portal_staff:")]
CASE_GET_ONLY |= {"portal_staff:overview"}
CASE_ROUTES += [name for name in MATRIX if name.startswith("retention_case:")]
CASE_ROUTES.append("dataprotection:case_export")
CASE_ROUTES += [name for name, (key, _, _) in MATRIX.items() if name.startswith("rectification:")]
CASE_GET_ONLY |= {"rectification:item"}


def _case_state() -> tuple[Any, ...]:
    from samsyn.audit.models import AuditRecord
    from samsyn.cases.models import Case, CaseMember, Guardian, JournalNote
    from samsyn.consent.models import Consent, ConsentGiver

    return (
        AuditRecord.objects.exclude(action__in=["sign_in", "second_factor_ok"]).count(),
        Case.objects.count(),
        sorted(CaseMember.objects.values_list("case_id", "person_id")),
        Guardian.objects.count(),
        JournalNote.objects.count(),
        Consent.objects.count(),
        ConsentGiver.objects.count(),
        Consent.objects.filter(revoked_at__isnull=False).count(),
    )


@pytest.mark.parametrize("who", ["outsider", "manager", "outsider_admin", "admin"])
def test_people_outside_the_case_get_404_on_every_case_route_and_change_nothing(
    world, client, login, who
):
    objects = _objects(world)
    http = login(getattr(world, who))
    data = {
        "ny-person": str(world.outsider.code),
        "person": str(world.police.code),
        "vh-first_name": "Kapad",
        "vh-last_name": "Vårdnadshavare",
        "vh-role": "vardnadshavare",
        "ant-category": "skola",
        "ant-title": "Kapad",
        "ant-text": "Kapad",
        "categories": "skola",
        "recipients": str(world.outsider_org.code),
        "givers": "ungdom",
        "form": "muntligt",
        "oral_note": "Kapad",
        "given_on": date.today().isoformat(),
        "revoked_by": "Kapad",
        "how": "Kapad",
    }
    before = _case_state()
    wrong = []
    for name in CASE_ROUTES:
        url = _url(name, MATRIX[name][0], objects)
        response = http.get(url) if name in CASE_GET_ONLY else http.post(url, data)
        if response.status_code != 404:
            wrong.append(f"{name}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert _case_state() == before
