"""Every URL, every kind of visitor: generated from the URL configuration (issue 11).

`TABLE` below has one row per URL name: the name, the object its URL is made for (a key of
`_objects`, "-" for none), the method the test uses, and what each visitor must get. A new URL
without a row fails `test_every_url_has_an_entry`, so nobody can add a page without deciding
who may see it. Nobody is told that something exists that they may not see: people outside a
case, an organisation or a municipality get 404 ("not found"), never 403.

The visitors (columns):

    ano  anonymous
    coo  the case's coordinator (owner organisation: social services, a member of the case)
    off  a case officer (handläggare) of the owner organisation, a member of the case
    mgr  a manager (chef/beredningsgrupp) of the owner organisation, not a member
    stg  styrgrupp/analytiker of the owner organisation, not a member (the portal's feedback
         recipient in the municipality)
    nat  a national coordinator (nationell samordnare), in the owner organisation, not a member
    adm  an administrator of the owner organisation
    pol  a police officer (recipient organisation), a member of the case, with a live consent
         from the guardian to the police covering school data (and nothing else: not identity)
    po2  another police officer in the same organisation, not a member of the case
    out  a coordinator of social services in another municipality
    oad  an administrator in that other municipality
    yth  the case's youth, signed in to the portal (/ung/)
    gdn  the guardian who gave the consent, signed in to the portal
    yt2  the youth of another case (same municipality and owner), signed in to the portal
    tco  an API token (read and write) of the coordinator
    tpo  an API token (read and write) of the police officer
    tou  an API token (read and write) of the outside coordinator

The cells: L = a redirect to the staff sign-in (/konto/logga-in/), P = a redirect to the
portal's sign-in (/ung/logga-in/), a number = that status. "GET" rows are read with GET;
"POST" rows (the route takes POST only) are sent an empty form (the API a body its document
accepts but its service refuses, `API_BODIES`), so what is checked is who gets past the door,
not what the form says. Every request runs in a savepoint that is rolled back, so a POST
changes nothing for the rows after it. Whatever the status, no answer may hold a text of
`SECRETS` (the family's name, a note, the plan) for a visitor who may not see it.

Rules the table follows (DOMAIN.md "Who may do what", docs/decisions.md):
- Staff pages treat a portal session and an API token as nobody (L); portal pages treat a staff
  session and a token as nobody (P); the API answers tokens only (401 for sessions, D44).
- Case pages answer the case's members only (404 for every other role, whatever it is: the
  manager, styrgrupp, national coordinator and administrators see no case content); the
  police see the case through the one door (D10), de-identified, with what the consent covers.
- Those who run the case (the owner's coordinator and case officer) write; other members write
  only their own organisation's items (notes, counts).
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from tests.conftest import inform, make_person, make_portal_account, url_routes

pytestmark = pytest.mark.security

LOGIN = "login"  # a redirect to the staff sign-in page
PORTAL_LOGIN = "portal_login"  # a redirect to the portal's own sign-in page (/ung/logga-in/)

TABLE = """
name                                     object            method ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou

# --- everyone                                                    ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou
core:start                               -                 GET    L   200 200 200 200 200 200 200 200 200 200 L   L   L   L   L   L
healthz                                  -                 GET    200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200
set_language                             -                 GET    302 302 302 302 302 302 302 302 302 302 302 302 302 302 302 302 302

# --- staff sign-in and own account                               ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou
accounts:login                           -                 GET    200 302 302 302 302 302 302 302 302 302 302 200 200 200 200 200 200
accounts:verify                          -                 GET    L   302 302 302 302 302 302 302 302 302 302 L   L   L   L   L   L
accounts:enrol                           -                 GET    L   302 302 302 302 302 302 302 302 302 302 L   L   L   L   L   L
# Staff pages: a portal session or an API token is nobody (L).
accounts:logout                          -                 POST   L   L   L   L   L   L   L   L   L   L   L   L   L   L   L   L   L
accounts:account                         -                 GET    L   200 200 200 200 200 200 200 200 200 200 L   L   L   L   L   L
accounts:logout_everywhere               -                 POST   L   L   L   L   L   L   L   L   L   L   L   L   L   L   L   L   L
accounts:recovery_codes                  -                 POST   L   200 200 200 200 200 200 200 200 200 200 L   L   L   L   L   L
accounts:password_change                 -                 GET    L   200 200 200 200 200 200 200 200 200 200 L   L   L   L   L   L
api_tokens:list                          -                 GET    L   200 200 200 200 200 200 200 200 200 200 L   L   L   L   L   L
# The page of one's own tokens: D44's revocation by an administrator has no page (404).
api_tokens:revoke                        api_token         POST   L   404 404 404 404 404 404 302 404 404 404 L   L   L   L   L   L

# --- administration: the administrators of the municipality (D8)
#                                                                 ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou
# oad sees the lists of its own municipality, never the objects of this one.
webhooks:list                            -                 GET    L   404 404 404 404 404 200 404 404 404 200 L   L   L   L   L   L
webhooks:detail                          webhook           GET    L   404 404 404 404 404 200 404 404 404 404 L   L   L   L   L   L
webhooks:toggle                          webhook           POST   L   404 404 404 404 404 302 404 404 404 404 L   L   L   L   L   L
webhooks:delete                          webhook           POST   L   404 404 404 404 404 302 404 404 404 404 L   L   L   L   L   L
audit:search                             -                 GET    L   404 404 404 404 404 200 404 404 404 200 L   L   L   L   L   L
audit:export_csv                         -                 GET    L   404 404 404 404 404 200 404 404 404 200 L   L   L   L   L   L
dataprotection:register_extract          -                 GET    L   404 404 404 404 404 200 404 404 404 200 L   L   L   L   L   L
# D48: the register extract is the administrators'; the case export only the owner's coordinator's
# in the case.
dataprotection:case_export               case              GET    L   200 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L
organisations:overview                   -                 GET    L   404 404 404 404 404 200 404 404 404 200 L   L   L   L   L   L
# Municipalities, data categories (D12) and instruments are the superusers' (none here).
organisations:municipality_create        -                 GET    L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L
organisations:district_create            municipality      GET    L   404 404 404 404 404 200 404 404 404 404 L   L   L   L   L   L
organisations:district_edit              district          GET    L   404 404 404 404 404 200 404 404 404 404 L   L   L   L   L   L
organisations:district_policy_create     district          POST   L   404 404 404 404 404 302 404 404 404 404 L   L   L   L   L   L
organisations:policy_edit                policy            GET    L   404 404 404 404 404 200 404 404 404 404 L   L   L   L   L   L
organisations:policy_remove              district_policy   POST   L   404 404 404 404 404 302 404 404 404 404 L   L   L   L   L   L
organisations:organisation_list          -                 GET    L   404 404 404 404 404 200 404 404 404 200 L   L   L   L   L   L
organisations:organisation_create        -                 GET    L   404 404 404 404 404 200 404 404 404 200 L   L   L   L   L   L
organisations:organisation_edit          organisation      GET    L   404 404 404 404 404 200 404 404 404 404 L   L   L   L   L   L
organisations:person_list                -                 GET    L   404 404 404 404 404 200 404 404 404 200 L   L   L   L   L   L
organisations:person_create              -                 GET    L   404 404 404 404 404 200 404 404 404 200 L   L   L   L   L   L
organisations:person_edit                person            GET    L   404 404 404 404 404 200 404 404 404 404 L   L   L   L   L   L
organisations:person_password            person            POST   L   404 404 404 404 404 200 404 404 404 404 L   L   L   L   L   L
organisations:person_second_factor_reset person            POST   L   404 404 404 404 404 302 404 404 404 404 L   L   L   L   L   L
organisations:person_sessions_end        person            POST   L   404 404 404 404 404 302 404 404 404 404 L   L   L   L   L   L
categories:list                          -                 GET    L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L
categories:edit                          category          GET    L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L
instruments:list                         -                 GET    L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L
instruments:create                       -                 GET    L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L
instruments:edit                         instrument        GET    L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L
retention:overview                       -                 GET    L   404 404 404 404 404 200 404 404 404 200 L   L   L   L   L   L
retention:rule_edit                      retention_rule    GET    L   404 404 404 404 404 200 404 404 404 404 L   L   L   L   L   L
retention:hold_set                       municipality      POST   L   404 404 404 404 404 302 404 404 404 404 L   L   L   L   L   L
retention:hold_lift                      case              POST   L   404 404 404 404 404 302 404 404 404 404 L   L   L   L   L   L
# Administrators and social services' coordinators, each for their own municipality (D47).
imports:index                            -                 GET    L   200 404 404 404 404 200 404 404 200 200 L   L   L   L   L   L
imports:upload                           import_kind       GET    L   200 404 404 404 404 200 404 404 200 200 L   L   L   L   L   L
imports:template                         import_kind       GET    L   200 404 404 404 404 200 404 404 200 200 L   L   L   L   L   L

# --- the work list, referrals and the beredningsgrupp            ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou
cases:list                               -                 GET    L   200 200 200 200 200 200 200 200 200 200 L   L   L   L   L   L
reminders:dashboard                      -                 GET    L   200 200 200 200 200 200 200 200 200 200 L   L   L   L   L   L
# Anyone in case work refers (D16); styrgrupp, national coordinators and administrators do not.
cases:create                             -                 GET    L   200 200 200 404 404 404 200 200 200 404 L   L   L   L   L   L
# The beredningsgrupp: managers and coordinators, each of their own area (D21).
cases:agenda                             -                 GET    L   200 404 200 404 404 404 404 404 200 404 L   L   L   L   L   L
# The case is "aktualiserad" with a coordinator: not on the agenda and not an incoming referral.
cases:recommend                          case              POST   L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L
cases:receive                            case              POST   L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L

# --- one case: its members read, those who run it (coordinator, case officer) write
#                                                                 ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou
# Nobody outside the case sees it, whatever their role (404).
cases:detail                             case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
# A member who does not run the case gets the case page back with the form's errors; with a valid
# form, 403 (a member, so no 404 needed).
cases:guardian_add                       case              POST   L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
cases:member_add                         case              POST   L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
# An empty form names nobody: 404 for everyone (also cases:mandate, plans:activity_done).
cases:member_remove                      case              POST   L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L
cases:note_create                        case              POST   L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
cases:lifecycle                          case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
cases:transition                         case              POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
cases:information                        case              POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
cases:decision                           case              POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
cases:group                              case              POST   L   302 302 404 404 404 404 404 404 404 404 L   L   L   L   L   L
cases:close                              case              POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
cases:mandate                            case              POST   L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L
cases:followup                           followup          POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
cases:profile                            case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
cases:profile_save                       case              POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
cases:outcome_save                       case              POST   L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
cases:information_sheet                  case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
cases:information_sheet_pdf              case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
cases:statement                          case              GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
cases:statement_pdf                      case              GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L

# --- one case: consents (the police see the case de-identified: no identity consent)
#                                                                 ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou
consent:list                             case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
consent:create                           case              GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
# Without a chosen scope the blank form sends the coordinator back to choose one. The consent's
# forms and scan name the family: 404 without identity (D13, D14).
consent:blank_form_pdf                   case              GET    L   302 302 404 404 404 404 404 404 404 404 L   L   L   L   L   L
consent:form_pdf                         consent           GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
consent:document                         consent           GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
consent:renew                            consent           GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
# The police see the consent (a member) but only its releasing organisation or the owner records a
# revocation.
consent:revoke                           consent           GET    L   200 200 404 404 404 404 403 404 404 404 L   L   L   L   L   L
consent:disclosures                      case              GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
consent:disclosures_csv                  case              GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L

# --- one case: assessment, plan, follow-up                       ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou
assessments:overview                     case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
# Every member records its own organisation's assessments and measurements.
assessments:assessment_create            case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
assessments:measurement_create           case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
plans:plan                               case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
plans:plan_save                          case              POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
plans:subgoal_create                     case              POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
plans:subgoal_edit                       case              POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
plans:subgoal_remove                     case              POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
plans:goal_review                        case              POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
# Any member records activities for its own organisation.
plans:activity_create                    case              POST   L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
plans:activity_done                      case              POST   L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L
plans:agree                              case              POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
plans:interventions                      case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
plans:youth_pdf                          case              GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
plans:plan_pdf                           case              GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
followup_case:overview                   case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
# No measurements in the case: no chart to draw.
followup_case:chart                      case              GET    L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L

# --- one case: meetings                                          ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou
meetings:list                            case              GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
meetings:plan                            case              GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
meetings:detail                          meeting           GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
meetings:ics                             meeting           GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
meetings:invite                          meeting           POST   L   302 302 404 404 404 404 404 404 404 404 L   L   L   L   L   L
meetings:prepare                         meeting           POST   L   302 302 404 404 404 404 404 404 404 404 L   L   L   L   L   L
meetings:record                          meeting           POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
meetings:decide                          meeting           POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
meetings:follow_up                       meeting           POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
meetings:cancel                          meeting           POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L

# --- one case: its portal tab, legal hold and rectification      ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou
portal_staff:overview                    case              GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
portal_staff:invite                      case              POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
portal_staff:invitation_revoke           portal_invitation POST   L   302 302 404 404 404 404 404 404 404 404 L   L   L   L   L   L
portal_staff:account_reset               portal_account    POST   L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
portal_staff:notice_read                 portal_notice     POST   L   302 302 404 404 404 404 404 404 404 404 L   L   L   L   L   L
# The case officer reads the tab; only the owner's coordinators set and lift (D49).
retention_case:hold                      case              GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
retention_case:hold_lift                 case              POST   L   302 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L
# The school note: the police read it under the consent; only the owner corrects and restricts
# (D50).
rectification:item                       rectify_note      GET    L   200 200 404 404 404 404 200 404 404 404 L   L   L   L   L   L
rectification:correct                    rectify_note      GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
rectification:restrict                   rectify_note      GET    L   200 200 404 404 404 404 404 404 404 404 L   L   L   L   L   L
# Lifting needs a live restriction: 404 for the unrestricted note.
rectification:lift                       rectify_note      GET    L   404 404 404 404 404 404 404 404 404 404 L   L   L   L   L   L

# --- aggregates: styrgrupp/analytiker, national coordinators; feedback to its recipient
#                                                                 ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou
# Feedback: only for the person it was routed to (here styrgrupp, D30).
feedback:inbox                           -                 GET    L   404 404 404 200 404 404 404 404 404 404 L   L   L   L   L   L
feedback:detail                          feedback          GET    L   404 404 404 200 404 404 404 404 404 404 L   L   L   L   L   L
feedback:escalate                        feedback          POST   L   404 404 404 200 404 404 404 404 404 404 L   L   L   L   L   L
# The evaluation report: styrgrupp/analytiker only; the follow-up also national coordinators, who
# read the needs but import none (D35, D38).
evaluations:report                       -                 GET    L   404 404 404 200 404 404 404 404 404 404 L   L   L   L   L   L
followup:report                          -                 GET    L   404 404 404 200 200 404 404 404 404 404 L   L   L   L   L   L
followup:export_csv                      -                 GET    L   404 404 404 200 200 404 404 404 404 404 L   L   L   L   L   L
followup:export_xlsx                     -                 GET    L   404 404 404 200 200 404 404 404 404 404 L   L   L   L   L   L
followup:export_pdf                      -                 GET    L   404 404 404 200 200 404 404 404 404 404 L   L   L   L   L   L
followup:chart                           chart             GET    L   404 404 404 200 200 404 404 404 404 404 L   L   L   L   L   L
followup:costs                           -                 GET    L   404 404 404 200 200 404 404 404 404 404 L   L   L   L   L   L
followup:needs                           -                 GET    L   404 404 404 200 200 404 404 404 404 404 L   L   L   L   L   L
followup:needs_import                    -                 GET    L   404 404 404 200 404 404 404 404 404 404 L   L   L   L   L   L

# --- the portal (/ung/): portal sessions only                    ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou
# A staff session or a token is nobody in the portal (D27).
portal:start                             -                 GET    P   P   P   P   P   P   P   P   P   P   P   200 200 200 P   P   P
portal:redeem                            -                 GET    200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200
portal:login                             -                 GET    200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200
portal:unlock                            -                 GET    P   P   P   P   P   P   P   P   P   P   P   302 302 302 P   P   P
portal:logout                            -                 POST   P   P   P   P   P   P   P   P   P   P   P   P   P   P   P   P   P
portal:about                             -                 GET    200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200
portal:plan                              -                 GET    P   P   P   P   P   P   P   P   P   P   P   200 200 200 P   P   P
portal:meetings                          -                 GET    P   P   P   P   P   P   P   P   P   P   P   200 200 200 P   P   P
# A network meeting: the youth's; the guardian is not invited to it (D28); another case's youth
# gets 404.
portal:meeting                           portal_meeting    GET    P   P   P   P   P   P   P   P   P   P   P   200 404 404 P   P   P
portal:meeting_calendar                  portal_meeting    GET    P   P   P   P   P   P   P   P   P   P   P   200 404 404 P   P   P
portal:consents                          -                 GET    P   P   P   P   P   P   P   P   P   P   P   200 200 200 P   P   P
# The guardian gave the consent and may withdraw it; the youth (under 15) did not give it (D29).
portal:consent_withdraw                  portal_consent    GET    P   P   P   P   P   P   P   P   P   P   P   404 200 404 P   P   P
# The youth's own choice: never a guardian's page.
portal:guardian_share                    -                 GET    P   P   P   P   P   P   P   P   P   P   P   200 404 200 P   P   P
portal:seen                              -                 GET    P   P   P   P   P   P   P   P   P   P   P   200 200 200 P   P   P
portal:feedback                          -                 GET    P   P   P   P   P   P   P   P   P   P   P   200 200 200 P   P   P
# Before the closure the page only says that the evaluation comes later.
portal:evaluation                        -                 GET    P   P   P   P   P   P   P   P   P   P   P   200 200 200 P   P   P

# --- the API (/api/v1/): API tokens only                         ano coo off mgr stg nat adm pol po2 out oad yth gdn yt2 tco tpo tou
# No reference page is served (D44): 404 for everyone.
api:api-root                             -                 GET    404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404
# The document describes the API, holds no data, and is what an integrator reads first.
api:openapi-json                         -                 GET    200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200
# A session (staff or portal) is not enough: 401. A token acts as its person (D44, D45): the
# case's members read it, the police de-identified and under the consent; the outside
# coordinator's list is empty and the case is 404.
api:case_list                            -                 GET    401 401 401 401 401 401 401 401 401 401 401 401 401 401 200 200 200
api:case_detail                          case              GET    401 401 401 401 401 401 401 401 401 401 401 401 401 401 200 200 404
api:case_referrals                       case              GET    401 401 401 401 401 401 401 401 401 401 401 401 401 401 200 200 404
api:case_consents                        case              GET    401 401 401 401 401 401 401 401 401 401 401 401 401 401 200 200 404
api:case_interventions                   case              GET    401 401 401 401 401 401 401 401 401 401 401 401 401 401 200 200 404
api:case_plan                            case              GET    401 401 401 401 401 401 401 401 401 401 401 401 401 401 200 200 404
api:case_meetings                        case              GET    401 401 401 401 401 401 401 401 401 401 401 401 401 401 200 200 404
api:case_note_create                     case              POST   401 401 401 401 401 401 401 401 401 401 401 401 401 401 422 422 404
# The same URL as api:case_meetings (GET lists, POST plans): planning is for those who run the
# case.
api:case_meeting_plan                    case              POST   401 401 401 401 401 401 401 401 401 401 401 401 401 401 422 404 404
api:meeting_detail                       api_meeting       GET    401 401 401 401 401 401 401 401 401 401 401 401 401 401 200 200 404
api:referral_create                      -                 POST   401 401 401 401 401 401 401 401 401 401 401 401 401 401 422 422 422
# styrgrupp/analytiker and national coordinators only, as the page.
api:report_operational                   -                 GET    401 401 401 401 401 401 401 401 401 401 401 401 401 401 404 404 404
"""


def _parse(table: str) -> tuple[list[str], dict[str, tuple[str | None, dict[str, Any], bool]]]:
    """The table as (visitors, {url name: (object key, {visitor: expected}, POST?)})."""
    lines = [line.split(" #")[0].rstrip() for line in table.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    visitors = lines[0].split()[3:]  # "name", "object", "method", then the visitors
    matrix: dict[str, tuple[str | None, dict[str, Any], bool]] = {}
    for line in lines[1:]:
        name, key, method, *cells = line.split()
        if len(cells) != len(visitors) or method not in ("GET", "POST") or name in matrix:
            raise ValueError(f"access matrix: bad row {line!r}")
        expected = {
            visitor: {"L": LOGIN, "P": PORTAL_LOGIN}.get(cell) or int(cell)
            for visitor, cell in zip(visitors, cells, strict=True)
        }
        matrix[name] = (None if key == "-" else key, expected, method == "POST")
    return visitors, matrix


VISITORS, MATRIX = _parse(TABLE)

# Routes whose POST does something to an object: outsiders must get 404 and change nothing.
GUARDED_POSTS = [
    name for name, (key, _, _) in MATRIX.items() if name.startswith("organisations:") and key
]
GUARDED_POSTS.append("api_tokens:revoke")  # somebody else's API token
GUARDED_POSTS += ["retention:rule_edit", "retention:hold_set", "retention:hold_lift"]
GUARDED_POSTS += ["webhooks:toggle", "webhooks:delete"]  # another municipality's webhook


def test_every_url_has_an_entry():
    missing = {name for name, _view, _converters in url_routes()} - set(MATRIX)
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"


# The staff role each staff visitor holds: a role without a column fails the test below.
ROLE_OF = {
    "coo": "samordnare",
    "off": "handlaggare",
    "mgr": "chef",
    "stg": "styrgrupp",
    "nat": "nationell",
    "adm": "administrator",
    "pol": "aktorsrepresentant",
    "po2": "aktorsrepresentant",
    "out": "samordnare",
    "oad": "administrator",
}


def test_every_role_has_a_visitor():
    from samsyn.organisations.models import Role

    assert set(ROLE_OF) <= set(VISITORS)
    missing = set(Role.values) - set(ROLE_OF.values())
    assert not missing, f"add a visitor (a column) with these roles: {sorted(missing)}"


def _born(years: int) -> date:
    """A birthday that makes the youth `years` old today (and for the next months)."""
    return date.today() - timedelta(days=years * 365 + 120)


def _case_objects(world) -> dict[str, Any]:
    """A case run by the coordinator, with the case officer and the police taking part, a
    consent from the guardian to the police for school data, a school note and a plan."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from samsyn.cases import services as cases
    from samsyn.consent import services as consents
    from samsyn.consent.models import ConsentForm, DataCategory, GiverRole

    case = cases.case_create(
        reason="Skolfrånvaro och misstänkt stöld.",
        actor=world.coordinator,
        first_name="Kim",
        last_name="Matrisson",
        date_of_birth=_born(13),  # the guardians consent alone below 15 (D11)
        district=world.district,
    )
    cases.member_add(actor=world.coordinator, case=case, person=world.police)
    cases.member_add(actor=world.coordinator, case=case, person=world.case_officer)
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
        actor=world.coordinator,
        case=case,
        category=school,
        title="Frånvaro",
        text="Matrisnotering: 30 procent",
    )
    from samsyn.cases.models import FollowUp
    from samsyn.plans.models import ActionPlan

    # Made directly, like the meeting below: the case is not decided yet.
    ActionPlan.objects.create(
        case=case,
        owner=case.owner,
        category=DataCategory.objects.get(slug="plan"),
        created_by=world.coordinator,
        long_term_goal="Matrismal: klara nian.",
    )
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
        "guardian": guardian,
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


def _other_youth_account(world) -> Any:
    """The portal account of the youth of another case (same owner and district)."""
    from samsyn.cases import services as cases

    other = cases.case_create(
        reason="Misstänkt för rån.",
        actor=world.coordinator,
        first_name="Robin",
        last_name="Annansson",
        date_of_birth=_born(14),
        district=world.district,
    )
    return make_portal_account(other, "ungdom", username="robin.annan")


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
        "other_youth_account": _other_youth_account(world),  # not in a URL: visitor yt2
    }


def _url(name: str, key: str | None, objects: dict[str, Any]) -> str:
    if key is None:
        return reverse(name)
    target = objects[key]
    return reverse(name, kwargs=target if isinstance(target, dict) else {"code": target.code})


def _token(person) -> str:
    from samsyn.api import services
    from samsyn.api.models import Scope

    _token, raw = services.token_create(actor=person, name="System", scope=Scope.WRITE, days=30)
    return raw


def _visitor(kind: str, world, client, objects: dict[str, Any]):
    """`client` as visitor `kind` (a column of TABLE)."""
    from samsyn.organisations.models import Role
    from samsyn.portal.models import PortalAccount
    from tests.conftest import sign_in_client

    def staff(person):
        def sign_in():
            assert person.has_role(ROLE_OF[kind]), kind  # the column is what it says
            return sign_in_client(client, person)

        return sign_in

    def portal(account):
        def sign_in():
            import time

            from samsyn.portal import auth

            signed_in = account()
            session = client.session  # what the `portal_login` fixture does
            session[auth.ACCOUNT_KEY] = signed_in.pk
            session[auth.GENERATION_KEY] = str(signed_in.session_generation)
            session[auth.SEEN_KEY] = time.time()
            session[auth.LOCKED_KEY] = False
            session[auth.PIN_FAILURES_KEY] = 0
            session.save()
            return client

        return sign_in

    def token(person):
        def with_token():
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {_token(person)}"
            return client

        return with_token

    case = objects["case"]
    return {
        "ano": lambda: client,
        "coo": staff(world.coordinator),
        "off": staff(world.case_officer),
        "mgr": staff(world.manager),
        "stg": staff(world.steering),
        "nat": staff(make_person("nationell", world.owner_org, Role.NATIONAL)),
        "adm": staff(world.admin),
        "pol": staff(world.police),
        "po2": staff(make_person("polis2", world.recipient_org, Role.ACTOR_REPRESENTATIVE)),
        "out": staff(world.outsider),
        "oad": staff(world.outsider_admin),
        "yth": portal(lambda: PortalAccount.objects.get(case=case, kind="ungdom")),
        "gdn": portal(
            lambda: make_portal_account(case, "vardnadshavare", objects["guardian"], "vera.vh")
        ),
        "yt2": portal(lambda: objects["other_youth_account"]),
        "tco": token(world.coordinator),
        "tpo": token(world.police),
        "tou": token(world.outsider),
    }[kind]()


# What the API's POST rows send: valid for the document (an empty body would be refused by
# its schema, 422, before anybody asks who the token is), refused by the service for those
# who may write (422), so that the cell shows who gets past the door.
API_BODIES: dict[str, dict[str, Any]] = {
    "api:case_note_create": {"category": "ingen-sadan", "title": "Matris", "text": "Matris."},
    "api:case_meeting_plan": {"kind": "natverksmote", "starts_at": "1999-12-31T10:00:00Z"},
    "api:referral_create": {"first_name": "Robin", "last_name": "Matris", "reason": "Matris."},
}


def _visit(http, name: str, url: str, post: bool):
    """One request, in a savepoint that is rolled back (with the client's cookies as they were),
    so that no row changes what the next one finds."""
    cookies = copy.deepcopy(http.cookies)
    with transaction.atomic():
        if not post:
            response = http.get(url)
        elif name.startswith("api:"):
            response = http.post(url, API_BODIES[name], content_type="application/json")
        else:
            response = http.post(url, {})
        transaction.set_rollback(True)
    http.cookies = cookies
    return response


def _answered(response, want: Any) -> bool:
    if want == LOGIN:
        return response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")
    if want == PORTAL_LOGIN:
        return response.status_code == 302 and response["Location"].startswith("/ung/logga-in/")
    return response.status_code == want


def _shown(response) -> str:
    if response.status_code == 302:
        return f"302 to {response['Location']}"
    return str(response.status_code)


# Texts that must never reach a visitor outside the set next to them, whatever the status of
# the answer (ASCII, so that JSON escaping cannot hide them): the one door (D10, D13, D28).
SECRETS: dict[bytes, set[str]] = {
    # The youth's and the guardian's family name: identity, which the police's consent does
    # not cover; the youth and the guardian see their own.
    b"Matrisson": {"coo", "off", "yth", "gdn", "tco"},
    # The other case's youth: its coordinator (the same person) and that youth only.
    b"Annansson": {"coo", "tco", "yt2"},
    # The school note: owner organisation and the police under the consent. Journal notes are
    # not shown in the portal.
    b"Matrisnotering": {"coo", "off", "pol", "tco", "tpo"},
    # The plan's long-term goal: the owner organisation, the youth, and the guardian (the
    # guardians decide below 15); not the police (no consent to the plan category).
    b"Matrismal": {"coo", "off", "yth", "gdn", "tco"},
}


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_url_answers_each_visitor_as_the_matrix_says(world, client, visitor):
    objects = _objects(world)
    http = _visitor(visitor, world, client, objects)
    wrong = []
    for name, (key, expected, post) in MATRIX.items():
        response = _visit(http, name, _url(name, key, objects), post)
        if not _answered(response, expected[visitor]):
            wrong.append(f"{name}: expected {expected[visitor]}, got {_shown(response)}")
        body = _body(response)
        for secret in (text for text, allowed in SECRETS.items() if visitor not in allowed):
            if secret in body:
                wrong.append(f"{name}: the answer holds {secret.decode()} ({_shown(response)})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("visitor", ["coo", "oad"])
def test_outsiders_posting_to_objects_get_404_and_change_nothing(world, client, visitor):
    from samsyn.audit.models import AuditRecord
    from samsyn.organisations.models import District, LocalPolicy, Organisation, Person

    objects = _objects(world)
    http = _visitor(visitor, world, client, objects)
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


@pytest.mark.parametrize("who", ["outsider", "manager", "steering", "outsider_admin", "admin"])
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
