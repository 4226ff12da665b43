"""The measuring half of `make bench`: time the key operations on whatever data is in the
database and write `results.md` and `results.json`.

Run by `manage.py bench_run` (which sets Django up); `run()` is the whole harness. For each
operation it measures:

- the server time through Django's test client, in this process (median and p95 over
  `repeat` requests after `warmup`), and the queries of one request (`CaptureQueriesContext`,
  on a separate request so that recording them does not slow the timed ones);
- the same over HTTP to gunicorn (2 workers) on loopback, with `http.client`;
- the lower bound: one hand-written SQL query returning the rows the page shows, timed the
  same way; the ratio is the test client's median over the query's median.

Then the throughput of the case page and the youth portal's plan page (wrk, 2 threads, 8
connections, bounded in time), whether every case-page read that wrk was served is in the
audit log (by the responses' X-Request-ID), and the gunicorn workers' memory (/proc).

Whom and what to measure is resolved from the database, never hard-coded: the coordinator
with the most active cases, that coordinator's richest active case with a plan, meetings and
consents, and so on (`resolve`). What the data lacks (a steering-group member, an
administrator, a national coordinator, a youth portal account, an API token) is made for the
bench through the project's own models and services, and named in the results.

Percentiles are nearest-rank: with 30 samples the p95 is the 29th fastest.
"""

from __future__ import annotations

import contextlib
import gc
import http.client
import json
import math
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import import_module, metadata
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts.services import TOTP_DEVICE_NAME
from samsyn.api import services as api_services
from samsyn.api.models import ApiToken
from samsyn.api.models import Scope as TokenScope
from samsyn.audit.models import AuditRecord
from samsyn.cases.lifecycle import ENDED
from samsyn.cases.models import (
    Case,
    CaseMember,
    CaseState,
    CaseTransition,
    Guardian,
    JournalNote,
    Referral,
    Youth,
)
from samsyn.cases.worklist import PAGE_SIZE as WORKLIST_PAGE_SIZE
from samsyn.cases.worklist import STATE_ORDER
from samsyn.consent import policy
from samsyn.consent.models import Consent, ConsentGiver, DataCategory
from samsyn.followup import jobs
from samsyn.followup import selectors as followup
from samsyn.followup.models import ReportRun, RunStatus
from samsyn.meetings.models import Attendance, Meeting
from samsyn.organisations.models import (
    District,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    RoleAssignment,
)
from samsyn.plans.models import ActionPlan, Activity, GoalReview, Intervention, SubGoal
from samsyn.portal import account_services as portal_accounts
from samsyn.portal import auth as portal_auth
from samsyn.portal.models import AccountKind, PortalAccount

BASE_DIR = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).resolve().with_name("wrk_report.lua")
HOST = "127.0.0.1"
AUDIT_PAGE_SIZE = 50  # samsyn.audit.views.PAGE_SIZE
API_PAGE_SIZE = 25  # samsyn.api.routers.common.DEFAULT_PAGE_SIZE
MB = 1024 * 1024

Log = Callable[[str], None]


# --- figures --------------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: a figure that was actually measured)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Timing:
    """Repeated measurements of one thing, in milliseconds, with the status of each."""

    samples_ms: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.samples_ms)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None

    @property
    def p95(self) -> float | None:
        return percentile(self.samples_ms, 0.95) if self.samples_ms else None

    @property
    def ok(self) -> bool:
        return bool(self.statuses) and all(s == 200 for s in self.statuses)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "median_ms": _round(self.median),
            "p95_ms": _round(self.p95),
            "min_ms": _round(min(self.samples_ms)) if self.samples_ms else None,
            "max_ms": _round(max(self.samples_ms)) if self.samples_ms else None,
            "samples_ms": [round(s, 2) for s in self.samples_ms],
            "statuses": sorted(set(self.statuses)),
            "ok": self.ok,
        }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


# --- the lower bound: one hand-written query ---------------------------------------------------


@dataclass(frozen=True)
class LowerBound:
    sql: str
    params: list[Any]
    describes: str


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _t(model: type[models.Model]) -> str:
    return _q(model._meta.db_table)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field), f"{model.__name__}.{name} is not a column"
    return found


def _c(alias: str, model: type[models.Model], name: str) -> str:
    return f"{alias}.{_q(_field(model, name).column)}"


def _v(model: type[models.Model], name: str, value: Any) -> Any:
    """A parameter as the column stores it (UUIDs are 32 hex characters in SQLite)."""
    return _field(model, name).get_db_prep_value(value, connection, prepared=False)


WIDTH = 7  # columns of every part of a UNION ALL lower bound (label + 6 texts)


def _part(label: str, columns: list[str], rest: str) -> str:
    """One SELECT of a UNION ALL: a label and WIDTH - 1 text columns (padded with NULL), so
    the parts line up on PostgreSQL as well as on SQLite."""
    texts = [f"CAST({c} AS TEXT)" for c in columns]
    texts += ["CAST(NULL AS TEXT)"] * (WIDTH - 1 - len(columns))
    return f"SELECT '{label}', {', '.join(texts)} {rest}"


def _union(parts: list[str]) -> str:
    return " UNION ALL ".join(parts)


def _person_name(alias: str) -> list[str]:
    return [_c(alias, Person, "first_name"), _c(alias, Person, "last_name")]


def lower_worklist(coordinator: Person, page_size: int) -> LowerBound:
    """The work list's first page: the viewer's ongoing cases, in the page's order, with the
    youth, district, owner and coordinator named."""
    order = " ".join(f"WHEN %s THEN {i}" for i in range(len(STATE_ORDER)))
    ended = ", ".join(["%s"] * len(ENDED))
    sql = (
        f"SELECT {_c('c', Case, 'code')}, {_c('c', Case, 'anonymous_code')}, "  # noqa: S608
        f"{_c('c', Case, 'state')}, {_c('c', Case, 'opened_on')}, {_c('c', Case, 'state_since')}, "
        f"{_c('y', Youth, 'first_name')}, {_c('y', Youth, 'last_name')}, "
        f"{_c('y', Youth, 'date_of_birth')}, {_c('d', District, 'name')}, "
        f"{_c('o', Organisation, 'name')}, {', '.join(_person_name('p'))} "
        f"FROM {_t(Case)} c "
        f"JOIN {_t(CaseMember)} m ON {_c('m', CaseMember, 'case')} = {_c('c', Case, 'id')} "
        f"AND {_c('m', CaseMember, 'person')} = %s "
        f"JOIN {_t(Youth)} y ON {_c('y', Youth, 'id')} = {_c('c', Case, 'youth')} "
        f"LEFT JOIN {_t(District)} d ON {_c('d', District, 'id')} = {_c('c', Case, 'district')} "
        f"JOIN {_t(Organisation)} o ON {_c('o', Organisation, 'id')} = {_c('c', Case, 'owner')} "
        f"LEFT JOIN {_t(Person)} p ON {_c('p', Person, 'id')} = {_c('c', Case, 'coordinator')} "
        f"WHERE {_c('c', Case, 'state')} NOT IN ({ended}) "
        f"ORDER BY CASE {_c('c', Case, 'state')} {order} ELSE {len(STATE_ORDER)} END, "
        f"{_c('c', Case, 'opened_on')}, {_c('c', Case, 'id')} LIMIT {int(page_size)}"
    )
    params: list[Any] = [coordinator.pk, *sorted(ENDED), *STATE_ORDER]
    return LowerBound(sql, params, f"first {page_size} ongoing cases of the viewer, joined")


def lower_case_page(case: Case) -> LowerBound:
    """The case page's rows: the case and youth, the guardians, the members with their
    organisations, and the journal notes with owner and category."""
    case_id = case.pk
    parts = [
        _part(
            "case",
            [
                _c("c", Case, "anonymous_code"),
                _c("c", Case, "state"),
                _c("y", Youth, "first_name"),
                _c("y", Youth, "last_name"),
                _c("y", Youth, "personnummer"),
                _c("o", Organisation, "name"),
            ],
            f"FROM {_t(Case)} c JOIN {_t(Youth)} y ON {_c('y', Youth, 'id')} = "
            f"{_c('c', Case, 'youth')} JOIN {_t(Organisation)} o ON "
            f"{_c('o', Organisation, 'id')} = {_c('c', Case, 'owner')} "
            f"WHERE {_c('c', Case, 'id')} = %s",
        ),
        _part(
            "guardian",
            [_c("g", Guardian, "first_name"), _c("g", Guardian, "last_name")],
            f"FROM {_t(Guardian)} g WHERE {_c('g', Guardian, 'youth')} = %s",
        ),
        _part(
            "member",
            [*_person_name("p"), _c("o", Organisation, "name")],
            f"FROM {_t(CaseMember)} m JOIN {_t(Person)} p ON {_c('p', Person, 'id')} = "
            f"{_c('m', CaseMember, 'person')} LEFT JOIN {_t(Organisation)} o ON "
            f"{_c('o', Organisation, 'id')} = {_c('p', Person, 'organisation')} "
            f"WHERE {_c('m', CaseMember, 'case')} = %s",
        ),
        _part(
            "note",
            [
                _c("n", JournalNote, "title"),
                _c("n", JournalNote, "text"),
                _c("n", JournalNote, "occurred_on"),
                _c("o", Organisation, "name"),
                _c("k", DataCategory, "name"),
            ],
            f"FROM {_t(JournalNote)} n JOIN {_t(Organisation)} o ON "
            f"{_c('o', Organisation, 'id')} = {_c('n', JournalNote, 'owner')} "
            f"JOIN {_t(DataCategory)} k ON {_c('k', DataCategory, 'id')} = "
            f"{_c('n', JournalNote, 'category')} WHERE {_c('n', JournalNote, 'case')} = %s",
        ),
    ]
    return LowerBound(
        _union(parts),
        [case_id, case.youth_id, case_id, case_id],
        "case + youth, guardians, members, notes (UNION ALL)",
    )


def _m2m(model: type[models.Model], name: str) -> tuple[str, str, str]:
    """The through table of a many-to-many field and its two columns."""
    m2m = model._meta.get_field(name)
    through = m2m.remote_field.through  # type: ignore[union-attr]
    return (
        _q(through._meta.db_table),
        _q(m2m.m2m_column_name()),  # type: ignore[union-attr]
        _q(m2m.m2m_reverse_name()),  # type: ignore[union-attr]
    )


def lower_consents(case: Case, *, givers: bool) -> LowerBound:
    """The case's consents with their categories and recipients (what a decision reads), and
    for the consent page also the givers."""
    categories, cat_consent, cat_category = _m2m(Consent, "categories")
    recipients, rec_consent, rec_organisation = _m2m(Consent, "recipients")
    consent_cols = [
        _c("s", Consent, "code"),
        _c("s", Consent, "given_on"),
        _c("s", Consent, "valid_until"),
        _c("s", Consent, "revoked_at"),
    ]
    parts = [
        _part(
            "category",
            [*consent_cols, _c("k", DataCategory, "name")],
            f"FROM {_t(Consent)} s JOIN {categories} x ON x.{cat_consent} = "
            f"{_c('s', Consent, 'id')} JOIN {_t(DataCategory)} k ON "
            f"{_c('k', DataCategory, 'id')} = x.{cat_category} "
            f"WHERE {_c('s', Consent, 'case')} = %s",
        ),
        _part(
            "recipient",
            [*consent_cols, _c("o", Organisation, "name")],
            f"FROM {_t(Consent)} s JOIN {recipients} x ON x.{rec_consent} = "
            f"{_c('s', Consent, 'id')} JOIN {_t(Organisation)} o ON "
            f"{_c('o', Organisation, 'id')} = x.{rec_organisation} "
            f"WHERE {_c('s', Consent, 'case')} = %s",
        ),
    ]
    params: list[Any] = [case.pk, case.pk]
    if givers:
        parts.append(
            _part(
                "giver",
                [
                    _c("s", Consent, "code"),
                    _c("v", ConsentGiver, "role"),
                    _c("g", Guardian, "first_name"),
                    _c("g", Guardian, "last_name"),
                ],
                f"FROM {_t(Consent)} s JOIN {_t(ConsentGiver)} v ON "
                f"{_c('v', ConsentGiver, 'consent')} = {_c('s', Consent, 'id')} "
                f"LEFT JOIN {_t(Guardian)} g ON {_c('g', Guardian, 'id')} = "
                f"{_c('v', ConsentGiver, 'guardian')} WHERE {_c('s', Consent, 'case')} = %s",
            )
        )
        params.append(case.pk)
    what = "consents × categories, × recipients" + (", givers" if givers else "")
    return LowerBound(_union(parts), params, what + " (UNION ALL)")


def _plan_parts(*, active_only: bool) -> list[str]:
    active = f" AND {_c('s', SubGoal, 'is_active')} = %s" if active_only else ""
    return [
        _part(
            "plan",
            [_c("a", ActionPlan, "long_term_goal")],
            f"FROM {_t(ActionPlan)} a WHERE {_c('a', ActionPlan, 'case')} = %s",
        ),
        _part(
            "subgoal",
            [
                _c("s", SubGoal, "domain"),
                _c("s", SubGoal, "goal"),
                _c("s", SubGoal, "youth_words"),
                _c("s", SubGoal, "status"),
            ],
            f"FROM {_t(SubGoal)} s WHERE {_c('s', SubGoal, 'case')} = %s{active}",
        ),
        _part(
            "activity",
            [
                _c("a", Activity, "description"),
                _c("a", Activity, "due_on"),
                _c("a", Activity, "done_on"),
                _c("o", Organisation, "name"),
                *_person_name("p"),
            ],
            f"FROM {_t(Activity)} a LEFT JOIN {_t(Organisation)} o ON "
            f"{_c('o', Organisation, 'id')} = {_c('a', Activity, 'responsible_organisation')} "
            f"LEFT JOIN {_t(Person)} p ON {_c('p', Person, 'id')} = "
            f"{_c('a', Activity, 'responsible_person')} WHERE {_c('a', Activity, 'case')} = %s",
        ),
        _part(
            "review",
            [
                _c("r", GoalReview, "reviewed_on"),
                _c("r", GoalReview, "status"),
                _c("r", GoalReview, "comment"),
            ],
            f"FROM {_t(GoalReview)} r WHERE {_c('r', GoalReview, 'case')} = %s",
        ),
    ]


def lower_plan(case: Case) -> LowerBound:
    """The plan page's rows: plan, sub-goals, activities (with who), reviews, interventions."""
    parts = [
        *_plan_parts(active_only=False),
        _part(
            "intervention",
            [
                _c("i", Intervention, "description"),
                _c("i", Intervention, "status"),
                _c("i", Intervention, "started_on"),
                _c("i", Intervention, "ended_on"),
            ],
            f"FROM {_t(Intervention)} i WHERE {_c('i', Intervention, 'case')} = %s",
        ),
    ]
    return LowerBound(
        _union(parts),
        [case.pk] * 5,
        "plan, sub-goals, activities + who, reviews, interventions (UNION ALL)",
    )


def lower_portal_plan(case: Case) -> LowerBound:
    """The portal plan: plan, sub-goals still in it, activities and reviews."""
    return LowerBound(
        _union(_plan_parts(active_only=True)),
        [case.pk, case.pk, True, case.pk, case.pk],
        "plan, active sub-goals, activities + who, reviews (UNION ALL)",
    )


def lower_meeting(case: Case, meeting: Meeting) -> LowerBound:
    """The meeting page's rows: the meeting, its attendance (named), the decisions
    (activities) and goal reviews made at it, and the sub-goals that can be followed up."""
    parts = [
        _part(
            "meeting",
            [
                _c("m", Meeting, "starts_at"),
                _c("m", Meeting, "location"),
                _c("m", Meeting, "agenda"),
                _c("m", Meeting, "minutes"),
                _c("m", Meeting, "status"),
            ],
            f"FROM {_t(Meeting)} m WHERE {_c('m', Meeting, 'id')} = %s "
            f"OR {_c('m', Meeting, 'premeeting_of')} = %s",
        ),
        _part(
            "attendance",
            [
                *_person_name("p"),
                _c("o", Organisation, "name"),
                _c("g", Guardian, "first_name"),
                _c("t", Attendance, "is_youth"),
                _c("t", Attendance, "attended"),
            ],
            f"FROM {_t(Attendance)} t LEFT JOIN {_t(Person)} p ON {_c('p', Person, 'id')} = "
            f"{_c('t', Attendance, 'person')} LEFT JOIN {_t(Organisation)} o ON "
            f"{_c('o', Organisation, 'id')} = {_c('t', Attendance, 'organisation')} "
            f"LEFT JOIN {_t(Guardian)} g ON {_c('g', Guardian, 'id')} = "
            f"{_c('t', Attendance, 'guardian')} WHERE {_c('t', Attendance, 'meeting')} = %s",
        ),
        _part(
            "decision",
            [_c("a", Activity, "description"), _c("a", Activity, "due_on")],
            f"FROM {_t(Activity)} a WHERE {_c('a', Activity, 'meeting')} = %s",
        ),
        _part(
            "review",
            [_c("r", GoalReview, "status"), _c("r", GoalReview, "comment")],
            f"FROM {_t(GoalReview)} r WHERE {_c('r', GoalReview, 'meeting')} = %s",
        ),
        _part(
            "subgoal",
            [_c("s", SubGoal, "goal"), _c("s", SubGoal, "status")],
            f"FROM {_t(SubGoal)} s WHERE {_c('s', SubGoal, 'case')} = %s "
            f"AND {_c('s', SubGoal, 'is_active')} = %s",
        ),
    ]
    m = meeting.pk
    return LowerBound(
        _union(parts),
        [m, m, m, m, m, case.pk, True],
        "meeting (+ pre-meetings), attendance named, decisions, reviews, sub-goals (UNION ALL)",
    )


def lower_report(municipality: Municipality | None, start: date, end: date) -> LowerBound:
    """The report's headline counts (its first query) for the area, in one aggregate."""
    c_opened, c_decided = _c("c", Case, "opened_on"), _c("c", Case, "decided_on")
    c_started, c_closed = _c("c", Case, "started_on"), _c("c", Case, "closed_on")
    where, params = "", []
    sql = (
        f"SELECT COUNT(*), "  # noqa: S608
        f"SUM(CASE WHEN {c_opened} BETWEEN %s AND %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {c_decided} BETWEEN %s AND %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {c_started} BETWEEN %s AND %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {c_started} <= %s AND ({c_closed} IS NULL OR {c_closed} >= %s) "
        f"THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {c_closed} BETWEEN %s AND %s THEN 1 ELSE 0 END) "
        f"FROM {_t(Case)} c"
    )
    days = [_v(Case, "opened_on", d) for d in (start, end)]
    params = [*days, *days, *days, days[1], days[0], *days]
    if municipality is not None:
        where = f" WHERE {_c('c', Case, 'municipality')} = %s"
        params.append(municipality.pk)
    return LowerBound(sql + where, params, "headline counts of the area (one aggregate)")


def lower_stored_report(key: str) -> LowerBound:
    """Serving a stored report: read its row by key."""
    sql = (
        f"SELECT {_c('r', ReportRun, 'result')} FROM {_t(ReportRun)} r "  # noqa: S608
        f"WHERE {_c('r', ReportRun, 'key')} = %s"
    )
    return LowerBound(sql, [key], "the stored result's row, by key")


def lower_audit(municipality: Municipality, person: Person) -> LowerBound:
    """The audit search's first page for a person (same conditions as the selector)."""
    a = AuditRecord
    columns = [
        _c("a", a, name)
        for name in (
            "id",
            "at",
            "action",
            "actor_username",
            "organisation_code",
            "object_type",
            "object_code",
            "case_code",
            "subject_code",
            "basis",
            "detail",
        )
    ]
    sql = (
        f"SELECT {', '.join(columns)} FROM {_t(a)} a "  # noqa: S608
        f"WHERE {_c('a', a, 'municipality_code')} = %s AND ("
        f"{_c('a', a, 'actor_code')} = %s OR {_c('a', a, 'subject_code')} = %s "
        f"OR ({_c('a', a, 'object_type')} = %s AND {_c('a', a, 'object_code')} = %s) "
        f"OR UPPER({_c('a', a, 'actor_username')}) = UPPER(%s)) "
        f"ORDER BY {_c('a', a, 'at')} DESC, {_c('a', a, 'id')} DESC LIMIT {AUDIT_PAGE_SIZE}"
    )
    params = [
        _v(a, "municipality_code", municipality.code),
        _v(a, "actor_code", person.code),
        _v(a, "subject_code", person.code),
        "organisations.person",
        str(person.code),
        person.username,
    ]
    return LowerBound(sql, params, f"first {AUDIT_PAGE_SIZE} records about/by the person")


# --- whom and what to measure ----------------------------------------------------------------


@dataclass
class Subjects:
    """What the operations are measured on, resolved from the database."""

    coordinator: Person
    coordinator_active_cases: int
    case: Case | None
    case_items: dict[str, int]
    meeting: Meeting | None
    other_member: Person | None
    account: PortalAccount | None
    municipality: Municipality | None
    municipality_cases: int
    steering: Person | None
    national: Person | None
    admin: Person | None
    token: ApiToken | None
    token_raw: str
    year: int
    created: list[str]

    def describe(self) -> dict[str, Any]:
        """Codes and usernames only: the results may be shared, youths' names are not."""
        case = self.case
        return {
            "coordinator": self.coordinator.username,
            "coordinator_active_cases": self.coordinator_active_cases,
            "case": case.anonymous_code if case else None,
            "case_items": self.case_items,
            "meeting": str(self.meeting.code) if self.meeting else None,
            "other_member": self.other_member.username if self.other_member else None,
            "portal_account": self.account.username if self.account else None,
            "municipality": self.municipality.name if self.municipality else None,
            "municipality_cases": self.municipality_cases,
            "steering": self.steering.username if self.steering else None,
            "national": self.national.username if self.national else None,
            "admin": self.admin.username if self.admin else None,
            "api_token": self.token.prefix if self.token else None,
            "year": self.year,
            "created_for_the_bench": self.created,
        }


def _count_of(model: type[models.Model], **extra: Any) -> Coalesce:
    """A correlated COUNT of the case's rows in `model` (no join fan-out)."""
    rows = (
        model._default_manager.filter(case=OuterRef("pk"), **extra)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _has_device(person: Person) -> bool:
    return TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def _ensure_device(person: Person, created: list[str]) -> None:
    """Staff need the second factor: a confirmed TOTP device, made if the person has none."""
    if not _has_device(person):
        TOTPDevice.objects.create(user=person, name=TOTP_DEVICE_NAME, confirmed=True)
        created.append(f"TOTP device for {person.username}")


def _bench_person(
    username: str, organisation: Organisation | None, role: str, created: list[str]
) -> Person:
    """A person for the bench with one role (as tests/conftest.make_person makes them)."""
    person = Person.objects.filter(username=username).first()
    if person is None:
        person = Person(
            username=username, organisation=organisation, first_name="Bench", last_name=role
        )
        person.set_unusable_password()
        person.save()
        created.append(f"person {username} ({role})")
    RoleAssignment.objects.get_or_create(person=person, role=role)
    _ensure_device(person, created)
    return person


def _with_role(role: str, **where: Any) -> Person | None:
    """An active person with the role (one with a second factor first), lowest id first."""
    people = Person.objects.filter(is_active=True, role_assignments__role=role, **where)
    with_device = people.filter(
        pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id")
    ).order_by("pk")
    return with_device.first() or people.order_by("pk").first()


def _portal_account(case: Case, coordinator: Person, created: list[str]) -> PortalAccount:
    """The youth's active portal account, or one made the way the portal makes them: an
    invitation from the coordinator, redeemed."""
    account = PortalAccount.objects.filter(
        case=case, kind=AccountKind.YOUTH, is_active=True
    ).first()
    if account is not None:
        return account
    _invitation, code = portal_accounts.invitation_create(
        actor=coordinator, case=case, kind=AccountKind.YOUTH
    )
    password = secrets.token_urlsafe(18)
    pin = "2580"
    account = portal_accounts.invitation_redeem(
        code=code,
        username=f"bench.{case.anonymous_code.lower()}",
        password=password,
        password_again=password,
        pin=pin,
        pin_again=pin,
        ip=HOST,
    )
    created.append(f"portal account {account.username} (invitation redeemed)")
    return account


def resolve(*, log: Log, year: int | None = None) -> Subjects:
    """Find (or make) whom and what to measure. See the module docstring."""
    created: list[str] = []
    coordinator = (
        Person.objects.filter(is_active=True, role_assignments__role=Role.COORDINATOR)
        .annotate(
            active=Count(
                "coordinated_cases",
                filter=Q(coordinated_cases__state=CaseState.ACTIVE),
                distinct=True,
            )
        )
        .order_by("-active", "pk")
        .first()
    )
    if coordinator is None:
        raise RuntimeError("No active coordinator (role samordnare) in the database.")
    active_cases = int(getattr(coordinator, "active", 0))
    _ensure_device(coordinator, created)

    cases = (
        Case.objects.filter(
            coordinator=coordinator, state=CaseState.ACTIVE, members__person=coordinator
        )
        .select_related("youth", "municipality", "owner")
        .annotate(
            n_plans=_count_of(ActionPlan),
            n_meetings=_count_of(Meeting),
            n_consents=_count_of(Consent),
            n_notes=_count_of(JournalNote),
            n_subgoals=_count_of(SubGoal),
            n_activities=_count_of(Activity),
            n_portal=_count_of(PortalAccount, kind=AccountKind.YOUTH, is_active=True),
        )
        .filter(n_plans__gt=0, n_meetings__gt=0, n_consents__gt=0)
    )
    # The richest such case (a youth portal account first): the heavier end of what a
    # coordinator opens, and the portal page on the same case.
    ranked = sorted(
        cases,
        key=lambda c: (
            -min(int(c.n_portal), 1),
            -(
                int(c.n_meetings)
                + int(c.n_consents)
                + int(c.n_notes)
                + int(c.n_subgoals)
                + int(c.n_activities)
            ),
            c.pk,
        ),
    )
    case = ranked[0] if ranked else None
    items: dict[str, int] = {}
    meeting = other = account = None
    if case is not None:
        items = {
            name: int(getattr(case, f"n_{name}"))
            for name in ("plans", "meetings", "consents", "notes", "subgoals", "activities")
        }
        items["members"] = CaseMember.objects.filter(case=case).count()
        meeting = Meeting.objects.filter(case=case).order_by("-starts_at", "-pk").first()
        other = (
            Person.objects.filter(
                case_memberships__case=case, is_active=True, organisation__isnull=False
            )
            .exclude(organisation_id=case.owner_id)
            .order_by("pk")
            .first()
        )
        account = _portal_account(case, coordinator, created)

    municipality = (
        Municipality.objects.annotate(n=Count("cases")).order_by("-n", "pk").first()
        if Municipality.objects.exists()
        else None
    )
    municipality_cases = int(getattr(municipality, "n", 0)) if municipality else 0
    steering = national = admin = None
    if municipality is not None:
        steering = _with_role(Role.STEERING, organisation__municipality=municipality)
        if steering is None:
            organisation = (
                Organisation.objects.filter(municipality=municipality)
                .order_by(
                    # social services first: the steering group sits there
                    Coalesce(
                        Subquery(
                            Organisation.objects.filter(
                                pk=OuterRef("pk"), kind=OrganisationKind.SOCIAL_SERVICES
                            ).values("pk")[:1]
                        ),
                        0,
                    ).desc(),
                    "pk",
                )
                .first()
            )
            if organisation is not None:
                steering = _bench_person(
                    f"bench.styrgrupp.{municipality.pk}", organisation, Role.STEERING, created
                )
        else:
            _ensure_device(steering, created)
    national = _with_role(Role.NATIONAL)
    if national is None:
        national = _bench_person("bench.nationell", None, Role.NATIONAL, created)
    else:
        _ensure_device(national, created)
    organisation = coordinator.organisation
    if organisation is not None:
        admin = _with_role(
            Role.ADMINISTRATOR, organisation__municipality_id=organisation.municipality_id
        )
        if admin is None:
            admin = _bench_person(
                f"bench.admin.{organisation.municipality_id}",
                organisation,
                Role.ADMINISTRATOR,
                created,
            )
        else:
            _ensure_device(admin, created)
    token, raw = api_services.token_create(
        actor=coordinator, name="bench_run", scope=TokenScope.READ, days=1
    )
    created.append(f"API token {token.prefix}… for {coordinator.username} (revoked at the end)")
    subjects = Subjects(
        coordinator=coordinator,
        coordinator_active_cases=active_cases,
        case=case,
        case_items=items,
        meeting=meeting,
        other_member=other,
        account=account,
        municipality=municipality,
        municipality_cases=municipality_cases,
        steering=steering,
        national=national,
        admin=admin,
        token=token,
        token_raw=raw,
        year=year or timezone.localdate().year - 1,
        created=created,
    )
    log(f"bench: measuring on {json.dumps(subjects.describe(), ensure_ascii=False)}")
    return subjects


# --- signed-in clients -----------------------------------------------------------------------


def staff_client(person: Person) -> Client:
    """Signed in with both factors, as tests/conftest.sign_in_client does: a real session in
    the database, so its cookie also works against gunicorn."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(person, backend="samsyn.accounts.backends.UsernameOrEmailBackend")
    device = TOTPDevice.objects.filter(user=person, confirmed=True).order_by("pk").first()
    if device is None:
        raise RuntimeError(f"{person.username} has no confirmed TOTP device")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def portal_client(account: PortalAccount) -> Client:
    """A portal session made by the portal's own `auth.sign_in` (unlocked, fresh key)."""
    request = RequestFactory().get(reverse("portal:login"))
    engine = import_module(settings.SESSION_ENGINE)
    request.session = engine.SessionStore()
    request.user = AnonymousUser()
    portal_auth.sign_in(request, account)
    request.session.save()
    client = Client(HTTP_HOST=HOST)
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key or ""
    return client


def refresh_session(client: Client | None) -> None:
    """Keep a session alive between the phases of a long run, as a reader would: the staff
    session slides from its last request, a portal session locks after
    PORTAL_PIN_IDLE_MINUTES without one (then every portal page redirects to the PIN)."""
    name = settings.SESSION_COOKIE_NAME
    if client is None or name not in client.cookies:
        return
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore(session_key=client.cookies[name].value)
    if not session.exists(session.session_key):
        return
    if portal_auth.ACCOUNT_KEY in session:
        session[portal_auth.SEEN_KEY] = time.time()
        session[portal_auth.LOCKED_KEY] = False
    session.save()


def session_cookie(client: Client) -> dict[str, str]:
    name = settings.SESSION_COOKIE_NAME
    return {"Cookie": f"{name}={client.cookies[name].value}"}


# --- the operations --------------------------------------------------------------------------


@dataclass
class Operation:
    """One thing measured: a page (GET `path` with `client`) or an in-process `call` that
    returns a status (200 when it did its work)."""

    key: str
    label: str
    viewer: str
    path: str = ""
    client: Client | None = None
    headers: dict[str, str] = field(default_factory=dict)  # for HTTP: the cookie or the token
    call: Callable[[], int] | None = None
    prepare: Callable[[], None] | None = None  # before each sample, not timed
    setup: Callable[[], None] | None = None  # once, before the warm-up
    verify: Callable[[], str] | None = None  # after measuring: what went wrong, if anything
    lower: Callable[[], LowerBound | None] | None = None
    over_http: bool = True
    cold: bool = False  # repeated `cold_repeat` times, no warm-up
    note: str = ""
    # results
    client_timing: Timing | None = None
    http_timing: Timing | None = None
    queries: int | None = None
    sql_ms: float | None = None  # time in the database driver during the counted request
    lower_timing: Timing | None = None
    lower_rows: int | None = None
    lower_describes: str = ""
    error: str = ""
    skipped: str = ""

    @property
    def ratio(self) -> float | None:
        page = self.client_timing.median if self.client_timing else None
        low = self.lower_timing.median if self.lower_timing else None
        if page is None or not low:
            return None
        return page / low

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "viewer": self.viewer,
            "path": self.path,
            "note": self.note,
            "test_client": self.client_timing.as_dict() if self.client_timing else None,
            "http": self.http_timing.as_dict() if self.http_timing else None,
            "queries": self.queries,
            "sql_ms": _round(self.sql_ms),
            "lower_bound": (
                {**self.lower_timing.as_dict(), "rows": self.lower_rows}
                | {"describes": self.lower_describes}
                if self.lower_timing
                else None
            ),
            "ratio": _round(self.ratio, 2),
            "error": self.error,
            "skipped": self.skipped,
        }


UNCLAIMED_AFTER = 30.0  # seconds a background run may wait for a runner before we give up


def _wait_for_run(where: dict[str, Any], timeout: float) -> ReportRun | None:
    """Wait until no run of this report is waiting or running (a background run). Gives up
    after `timeout`, or after UNCLAIMED_AFTER when nobody starts the run (the task runner
    without a `db_worker`, or a transaction that never commits)."""
    started = time.monotonic()
    while True:
        run = ReportRun.objects.filter(**where).order_by("-updated_at", "-pk").first()
        if run is None or not run.in_progress:
            return run
        waited = time.monotonic() - started
        if waited > timeout or (run.status == RunStatus.WAITING and waited > UNCLAIMED_AFTER):
            return run
        time.sleep(0.1)


def _report_ops(
    *,
    key: str,
    label: str,
    viewer: Person | None,
    municipality: Municipality | None,
    year: int,
    secure: bool,
    report_timeout: float,
) -> list[Operation]:
    """The report three ways: the computation itself, the page when nothing is stored (the
    jobs path: computed in the request, or in the background while the page shows progress),
    and the page served from the stored result."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    scope = followup.Scope(municipality)
    where: dict[str, Any] = {
        "kind": jobs.OPERATIONAL,
        "municipality": municipality,
        "district": None,
        "period_start": start,
        "period_end": end,
    }
    query: dict[str, Any] = {"fran": start.isoformat(), "till": end.isoformat()}
    if municipality is not None:
        query["kommun"] = municipality.pk
    path = f"{reverse('followup:report')}?{urlencode(query)}"
    area = municipality.name if municipality is not None else "all municipalities"
    if viewer is None:
        return [
            Operation(key=f"{key}_{part}", label=f"{label}: {part}", viewer="", skipped="no viewer")
            for part in ("cold", "cold_page", "served")
        ]
    client = staff_client(viewer)

    def compute() -> int:
        with translation.override(settings.LANGUAGE_CODE):
            followup.operational_report(scope=scope, start=start, end=end)
        return 200

    def forget() -> None:
        ReportRun.objects.filter(**where).delete()

    def cold_page() -> int:
        response = client.get(path, secure=secure)
        run = _wait_for_run(where, report_timeout)
        if run is None or run.status != RunStatus.DONE:
            return 599  # not computed in time (or failed): counted as a failure
        return int(response.status_code)

    used: dict[str, str] = {}

    def ready() -> None:
        run = _wait_for_run(where, report_timeout)
        if run is None or run.status != RunStatus.DONE:
            cold_page()
            run = _wait_for_run(where, report_timeout)
        if run is None or run.status != RunStatus.DONE:
            state = run.get_status_display() if run is not None else "no run"
            raise RuntimeError(f"no stored result to serve ({state})")
        used["key"] = run.key

    def still_stored() -> str:
        # A change to the data gives a new key: the page would have computed (or shown the
        # progress of) a new run instead of serving the stored one.
        if ReportRun.objects.filter(**where).exclude(key=used.get("key", "")).exists():
            return "the data changed while measuring: a new run was made, not the stored one"
        return ""

    def stored() -> LowerBound | None:
        key = used.get("key")
        return lower_stored_report(key) if key else None

    return [
        Operation(
            key=f"{key}_cold",
            label=f"{label}: computation (selectors.operational_report)",
            viewer=viewer.username,
            call=compute,
            cold=True,
            over_http=False,
            lower=lambda: lower_report(municipality, start, end),
            note=f"{area}, {year}",
        ),
        Operation(
            key=f"{key}_cold_page",
            label=f"{label}: page, nothing stored (jobs path)",
            viewer=viewer.username,
            path=path,
            client=client,
            call=cold_page,
            prepare=forget,
            cold=True,
            over_http=False,
            lower=lambda: lower_report(municipality, start, end),
            note="ReportRun rows of this report deleted before each sample; includes the wait "
            "for a background run",
        ),
        Operation(
            key=f"{key}_served",
            label=f"{label}: page served from the stored result",
            viewer=viewer.username,
            path=path,
            client=client,
            headers=session_cookie(client),
            setup=ready,
            verify=still_stored,
            lower=stored,
        ),
    ]


def build_operations(subjects: Subjects, *, secure: bool, report_timeout: float) -> list[Operation]:
    s = subjects
    coordinator = staff_client(s.coordinator)
    cookie = session_cookie(coordinator)
    who = s.coordinator.username
    ops = [
        Operation(
            key="worklist",
            label="Coordinator work list",
            viewer=who,
            path=reverse("cases:list"),
            client=coordinator,
            headers=cookie,
            lower=lambda: lower_worklist(s.coordinator, WORKLIST_PAGE_SIZE),
            note=f"{s.coordinator_active_cases} active cases coordinated",
        ),
        Operation(
            key="start",
            label="Coordinator start page",
            viewer=who,
            path=reverse("core:start"),
            client=coordinator,
            headers=cookie,
            note="the page after sign-in; the work list is Ärenden",
        ),
    ]
    case = s.case
    if case is None:
        for key, label in (
            ("case", "Case page"),
            ("consent_decision", "Consent decision for the case page"),
            ("consent_page", "Consent page"),
            ("plan", "Plan page"),
            ("meeting", "Meeting page"),
            ("portal_plan", "Youth portal plan page"),
        ):
            ops.append(
                Operation(
                    key=key,
                    label=label,
                    viewer=who,
                    skipped="no active case of the coordinator with a plan, meetings and consents",
                )
            )
    else:
        code = case.code
        notes = list(
            JournalNote.objects.filter(case=case).select_related("owner", "category", "created_by")
        )

        def decide(viewer: Person) -> Callable[[], int]:
            def decision() -> int:
                access = policy.case_access(viewer=viewer, case=case)
                access.identity()
                for note in notes:
                    access.decide_item(note)
                return 200

            return decision

        ops += [
            Operation(
                key="case",
                label="Case page",
                viewer=who,
                path=reverse("cases:detail", kwargs={"code": code}),
                client=coordinator,
                headers=cookie,
                lower=lambda: lower_case_page(case),
                note=f"{case.anonymous_code}: {_counts(s.case_items)}",
            ),
            Operation(
                key="consent_decision",
                label="Consent decision for the case page (policy, in-process)",
                viewer=who,
                call=decide(s.coordinator),
                over_http=False,
                lower=lambda: lower_consents(case, givers=False),
                note="policy.case_access + identity() + decide_item() per journal note, "
                "nothing written",
            ),
        ]
        if s.other_member is not None:
            ops.append(
                Operation(
                    key="consent_decision_other",
                    label="Consent decision, member of another organisation (in-process)",
                    viewer=s.other_member.username,
                    call=decide(s.other_member),
                    over_http=False,
                    lower=lambda: lower_consents(case, givers=False),
                    note="decided by consent, not by owning the data",
                )
            )
        ops.append(
            Operation(
                key="consent_page",
                label="Consent page (consent:list)",
                viewer=who,
                path=reverse("consent:list", kwargs={"code": code}),
                client=coordinator,
                headers=cookie,
                lower=lambda: lower_consents(case, givers=True),
            )
        )
        ops.append(
            Operation(
                key="plan",
                label="Plan page",
                viewer=who,
                path=reverse("plans:plan", kwargs={"code": code}),
                client=coordinator,
                headers=cookie,
                lower=lambda: lower_plan(case),
            )
        )
        meeting = s.meeting
        if meeting is not None:
            ops.append(
                Operation(
                    key="meeting",
                    label="Meeting page (latest meeting)",
                    viewer=who,
                    path=reverse(
                        "meetings:detail", kwargs={"code": code, "meeting_code": meeting.code}
                    ),
                    client=coordinator,
                    headers=cookie,
                    lower=lambda: lower_meeting(case, meeting),
                )
            )
        if s.account is not None:
            youth = portal_client(s.account)
            ops.append(
                Operation(
                    key="portal_plan",
                    label="Youth portal plan page",
                    viewer=s.account.username,
                    path=reverse("portal:plan"),
                    client=youth,
                    headers=session_cookie(youth),
                    lower=lambda: lower_portal_plan(case),
                )
            )
    ops += _report_ops(
        key="report_municipality",
        label="Operational report, municipality-year",
        viewer=s.steering,
        municipality=s.municipality,
        year=s.year,
        secure=secure,
        report_timeout=report_timeout,
    )
    ops += _report_ops(
        key="report_national",
        label="National report",
        viewer=s.national,
        municipality=None,
        year=s.year,
        secure=secure,
        report_timeout=report_timeout,
    )
    if s.admin is not None and s.admin.organisation is not None:
        admin = staff_client(s.admin)
        audit_municipality = s.admin.organisation.municipality
        ops.append(
            Operation(
                key="audit_search",
                label="Audit search by person",
                viewer=s.admin.username,
                path=f"{reverse('audit:search')}?{urlencode({'person': who})}",
                client=admin,
                headers=session_cookie(admin),
                lower=lambda: lower_audit(audit_municipality, s.coordinator),
                note=f"person={who} (staff; youths are searched by case code)",
            )
        )
    else:
        ops.append(
            Operation(
                key="audit_search",
                label="Audit search by person",
                viewer="",
                skipped="no administrator",
            )
        )
    bearer = {"Authorization": f"Bearer {s.token_raw}"}
    api = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=bearer["Authorization"])
    ops.append(
        Operation(
            key="api_cases",
            label="API case list (/api/v1/arenden/)",
            viewer=f"{who} (token)",
            path="/api/v1/arenden/",
            client=api,
            headers=bearer,
            lower=lambda: lower_worklist(s.coordinator, API_PAGE_SIZE),
        )
    )
    return ops


# --- measuring in-process ---------------------------------------------------------------------


class _SqlClock:
    """`connection.execute_wrapper` that adds up the time spent in the database driver."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self, execute: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(*args)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def _split(op: Operation) -> str:
    """Where a page's time goes, from its counted request: the SQL and the rest (Python)."""
    if op.sql_ms is None or op.client_timing is None or op.client_timing.median is None:
        return ""
    total = op.client_timing.median
    return (
        f"of its {total:.0f} ms (test-client median) {op.sql_ms:.0f} ms is SQL in "
        f"{op.queries} queries and about {max(0.0, total - op.sql_ms):.0f} ms is Python: the "
        "ORM, the consent decisions and the template (decision D52)"
    )


def _timed(op: Operation, secure: bool) -> tuple[float, int]:
    started = time.perf_counter()
    if op.call is not None:
        status = op.call()
    else:
        assert op.client is not None
        status = int(op.client.get(op.path, secure=secure).status_code)
    return (time.perf_counter() - started) * 1000, status


def _sample(op: Operation, secure: bool) -> tuple[float, int]:
    if op.prepare is not None:
        op.prepare()
    sample = _timed(op, secure)
    gc.collect()  # after the request, untimed: gunicorn.conf.py's post_request does the same
    return sample


def measure_in_process(
    op: Operation,
    *,
    repeat: int,
    warmup: int,
    cold_repeat: int,
    secure: bool,
    budget: float,
) -> None:
    """Time `op` through the test client (or its call) and count the queries of one run (a
    separate run: recording the queries would slow the timed ones). A cold operation has no
    warm-up, and its counted run is also one of its samples."""
    if op.setup is not None:
        op.setup()
    timing = Timing()
    if not op.cold:
        for _ in range(warmup):
            _sample(op, secure)
    if op.prepare is not None:
        op.prepare()
    clock = _SqlClock()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(clock):
        ms, status = _timed(op, secure)
    op.queries = len(captured.captured_queries)
    op.sql_ms = clock.ms
    timing.statuses.append(status)
    if op.cold:
        timing.samples_ms.append(ms)
    n = cold_repeat if op.cold else repeat
    deadline = time.monotonic() + budget
    while timing.n < n and (timing.n == 0 or time.monotonic() < deadline):
        ms, status = _sample(op, secure)
        timing.samples_ms.append(ms)
        timing.statuses.append(status)
    op.client_timing = timing


def measure_lower(op: Operation, *, repeat: int, warmup: int, budget: float) -> None:
    if op.lower is None:
        return
    bound = op.lower()
    if bound is None:
        return
    op.lower_describes = bound.describes
    timing = Timing()
    deadline = time.monotonic() + budget
    with connection.cursor() as cursor:
        for i in range(warmup + repeat):
            started = time.perf_counter()
            cursor.execute(bound.sql, bound.params)
            rows = cursor.fetchall()
            elapsed = (time.perf_counter() - started) * 1000
            if i >= warmup:
                timing.samples_ms.append(elapsed)
                timing.statuses.append(200)
            if timing.n and time.monotonic() > deadline:
                break
    op.lower_rows = len(rows)
    op.lower_timing = timing


# --- gunicorn, HTTP and wrk -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env() -> dict[str, str]:
    """Production settings on loopback: the same database and secret key as this process
    (the sessions made here are signed with it), no debug, no TLS redirect."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY_FILE", "DATABASE_URL_FILE")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "samsyn.settings"),
            "SAMSYN_DEBUG": "0",
            "SECRET_KEY": str(settings.SECRET_KEY),
            "SAMSYN_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": HOST,
        }
    )
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(database["NAME"])
    else:
        user = urllib.parse.quote(str(database.get("USER") or ""), safe="")
        password = urllib.parse.quote(str(database.get("PASSWORD") or ""), safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = database.get("HOST") or "localhost"
        port = f":{database['PORT']}" if database.get("PORT") else ""
        scheme = "postgres" if connection.vendor == "postgresql" else connection.vendor
        env["DATABASE_URL"] = f"{scheme}://{auth}{host}{port}/{database['NAME']}"
    return env


def collect_static(env: dict[str, str], log: Log) -> None:
    """Production settings serve hashed static files from a manifest: collect them first."""
    log("bench: collectstatic (production settings need the manifest) …")
    subprocess.run(  # noqa: S603
        [sys.executable, str(BASE_DIR / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )


class Gunicorn:
    """gunicorn with 2 workers on a free loopback port; always stopped by `stop()`."""

    def __init__(self, env: dict[str, str], workers: int = 2) -> None:
        self.env = env
        self.workers = workers
        self.port = _free_port()
        handle, name = tempfile.mkstemp(prefix="samsyn-bench-gunicorn-", suffix=".log")
        os.close(handle)
        self.log_path = Path(name)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        with self.log_path.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "samsyn.wsgi:application",
                    "--workers",
                    str(self.workers),
                    "--bind",
                    f"{HOST}:{self.port}",
                    "--timeout",
                    "300",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {self.log_path}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _body, _ms = self.get("/healthz", {})
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz in {timeout:.0f} s")

    def get(
        self, path: str, headers: dict[str, str], conn: http.client.HTTPConnection | None = None
    ) -> tuple[int, bytes, float]:
        own = conn is None
        conn = conn or http.client.HTTPConnection(HOST, self.port, timeout=300)
        try:
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            return response.status, body, (time.perf_counter() - started) * 1000
        finally:
            if own:
                conn.close()

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        if children.exists():
            return [int(pid) for pid in children.read_text().split()]
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(stat.parent.name))
        return pids

    def memory(self) -> list[dict[str, Any]]:
        """VmRSS (now) and VmHWM (peak) of each worker, in MB, from /proc."""
        rows = []
        for pid in self.worker_pids():
            figures: dict[str, Any] = {"pid": pid}
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    name, _sep, value = line.partition(":")
                    if name in ("VmRSS", "VmHWM"):
                        figures[name] = round(int(value.split()[0]) / 1024, 1)
            rows.append(figures)
        return rows

    def stop(self) -> None:
        """TERM to the master (it stops its workers), KILL to each if it does not."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        workers = self.worker_pids()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            for pid in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            process.kill()
            process.wait(timeout=10)

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


def measure_http(
    op: Operation, server: Gunicorn, *, repeat: int, warmup: int, budget: float
) -> None:
    """Time `op`'s page over HTTP (a kept-alive connection; gunicorn's sync workers close it
    after each response, and http.client opens the next one)."""
    conn = http.client.HTTPConnection(HOST, server.port, timeout=300)
    timing = Timing()
    deadline = time.monotonic() + budget
    try:
        for i in range(warmup + repeat):
            status, _body, ms = server.get(op.path, op.headers, conn)
            if i >= warmup:
                timing.samples_ms.append(ms)
                timing.statuses.append(status)
            if timing.n and time.monotonic() > deadline:
                break
    finally:
        conn.close()
    op.http_timing = timing


def wrk_version() -> str | None:
    wrk = _wrk()
    if wrk is None:
        return None
    result = subprocess.run(  # noqa: S603
        [wrk, "--version"], capture_output=True, text=True, check=False
    )
    first = (result.stdout or result.stderr).splitlines()
    return first[0].strip() if first else "wrk"


def _wrk() -> str | None:
    for candidate in ("/usr/bin/wrk", "/usr/local/bin/wrk"):
        if Path(candidate).exists():
            return candidate
    return None


def run_wrk(
    *, server: Gunicorn, path: str, headers: dict[str, str], duration: int, log: Log
) -> dict[str, Any]:
    """wrk -t2 -c8 for `duration` seconds; the figures and the 2xx responses' request ids."""
    wrk = _wrk()
    assert wrk is not None
    with tempfile.NamedTemporaryFile(prefix="samsyn-bench-ids-", suffix=".txt") as ids_file:
        command = [
            wrk,
            "-t2",
            "-c8",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(WRK_SCRIPT),
        ]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        command.append(f"http://{HOST}:{server.port}{path}")
        log(f"bench: wrk {duration} s on {path} …")
        result = subprocess.run(  # noqa: S603
            command,
            capture_output=True,
            text=True,
            env={**os.environ, "WRK_IDS_FILE": ids_file.name},
            timeout=duration + 120,
            check=False,
        )
        line = next((ln for ln in result.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
        if line is None:
            raise RuntimeError(f"wrk gave no report: {result.stdout}\n{result.stderr}")
        figures: dict[str, Any] = json.loads(line.removeprefix("WRK_JSON "))
        ids = [i for i in Path(ids_file.name).read_text().split() if i]
    seconds = figures["duration_us"] / 1e6
    statuses = {int(k): v for k, v in figures["statuses"].items()}
    ok = sum(n for status, n in statuses.items() if 200 <= status < 300)
    errors = figures["errors"]
    return {
        "path": path,
        "threads": 2,
        "connections": 8,
        "duration_s": round(seconds, 2),
        "requests": figures["requests"],
        "requests_per_s": round(figures["requests"] / seconds, 1) if seconds else 0.0,
        "ok_2xx": ok,
        "non_2xx": sum(n for status, n in statuses.items() if not 200 <= status < 300),
        "statuses": statuses,
        "socket_errors": errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        "errors": errors,
        "latency_ms": {k: round(v / 1000, 2) for k, v in figures["latency_us"].items()},
        "request_ids": ids,
    }


def audit_check(before_id: int, request_ids: list[str]) -> dict[str, Any]:
    """Whether every response wrk was served has its read in the audit log (by request id)."""
    added = AuditRecord.objects.filter(id__gt=before_id)
    logged = set(added.exclude(request_id="").values_list("request_id", flat=True).distinct())
    served = set(request_ids)
    missing = served - logged
    return {
        "audit_rows_added": added.count(),
        "requests_audited": len(logged),
        "responses_2xx_with_id": len(request_ids),
        "responses_missing_from_audit": len(missing),
        "all_audited": bool(served) and not missing and len(served) == len(request_ids),
    }


# --- the machine and the data ----------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    cpuinfo = _read("/proc/cpuinfo")
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.lower().startswith(("model name", "hardware", "cpu model"))
        ),
        platform.processor() or platform.machine(),
    )
    meminfo = {
        line.split(":")[0]: line.split(":")[1].strip()
        for line in _read("/proc/meminfo").splitlines()
    }
    mem_kb = int(meminfo.get("MemTotal", "0 kB").split()[0])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = str(cursor.fetchone()[0])
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = str(cursor.fetchone()[0])
        else:
            version = ""
    return {
        "cpu_model": model,
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cgroup_cpu_max": _read("/sys/fs/cgroup/cpu.max").strip() or None,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "load_average": _read("/proc/loadavg").split()[:3],
        "kernel": platform.release(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": _version("gunicorn"),
        "psycopg": _version("psycopg"),
        "wrk": wrk_version(),
        "db_vendor": connection.vendor,
        "db_version": version,
        "db_name": str(settings.DATABASES["default"]["NAME"]),
        "debug": bool(settings.DEBUG),
        "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE", ""),
    }


def settle(log: Log) -> dict[str, Any] | None:
    """On PostgreSQL, VACUUM (ANALYZE) and CHECKPOINT first. A freshly loaded database has no
    planner statistics, no visibility map and no hint bits until autovacuum (which may be off)
    gets to it; until then plans are poor, every first read of a page writes it, and the
    figures depend on when that happens. Measured after it, the database is in the state a
    running one is in. Inside a transaction (a test on PostgreSQL) only ANALYZE can run."""
    if connection.vendor != "postgresql":
        return None
    done: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for step in (
            ("ANALYZE",) if connection.in_atomic_block else ("VACUUM (ANALYZE)", "CHECKPOINT")
        ):
            log(f"bench: {step} …")
            started = time.monotonic()
            try:
                cursor.execute(step)
            except DatabaseError as error:  # CHECKPOINT needs superuser or pg_checkpoint
                done[step] = f"failed: {error}".strip()
                continue
            done[step] = round(time.monotonic() - started, 1)
    return done


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def git_revision() -> dict[str, Any]:
    """The commit measured (read-only git)."""

    def git(*args: str) -> str:
        result = subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout.strip() if result.returncode == 0 else ""

    return {
        "commit": git("rev-parse", "HEAD") or None,
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


DATA_MODELS: tuple[tuple[str, type[models.Model]], ...] = (
    ("municipalities", Municipality),
    ("districts", District),
    ("organisations", Organisation),
    ("people", Person),
    ("youths", Youth),
    ("guardians", Guardian),
    ("cases", Case),
    ("case_members", CaseMember),
    ("case_transitions", CaseTransition),
    ("referrals", Referral),
    ("journal_notes", JournalNote),
    ("consents", Consent),
    ("action_plans", ActionPlan),
    ("subgoals", SubGoal),
    ("activities", Activity),
    ("goal_reviews", GoalReview),
    ("meetings", Meeting),
    ("attendances", Attendance),
    ("portal_accounts", PortalAccount),
    ("audit_records", AuditRecord),
    ("report_runs", ReportRun),
)


def data_size() -> dict[str, Any]:
    counts: dict[str, Any] = {name: model._default_manager.count() for name, model in DATA_MODELS}
    counts["cases_by_state"] = dict(
        Case.objects.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    return counts


# --- the targets -----------------------------------------------------------------------------

PAGE_TARGET_MS = 150.0
RATIO_TARGET = 3.0
PAGE_TARGET_KEYS = ("worklist", "case", "plan", "meeting", "portal_plan")
MUNICIPALITY_TARGET_MS = 1000.0
NATIONAL_TARGET_MS = 5000.0
THROUGHPUT_TARGET = 300.0
RSS_TARGET_MB = 300.0


@dataclass
class Target:
    name: str
    measured: str
    met: bool | None  # None: not measured
    cause: str = ""  # when not met: what the figures say the time goes to

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "measured": self.measured, "met": self.met, "cause": self.cause}


def _worst_p95(op: Operation) -> tuple[float | None, str]:
    """The larger p95 of the test client and HTTP (the target is about the server)."""
    figures = [
        (t.p95, where)
        for t, where in ((op.client_timing, "test client"), (op.http_timing, "HTTP"))
        if t is not None and t.p95 is not None
    ]
    if not figures:
        return None, ""
    return max(figures)


def _throughput_cause(op: Operation | None, rate: float) -> str:
    """Two sync workers on two cores serve at most about 2 / (CPU time of a page) per second."""
    if op is None or op.http_timing is None or op.http_timing.median is None:
        return ""
    page = op.http_timing.median
    return (
        f"a case page takes {page:.0f} ms of server time (HTTP median, one request at a time), "
        f"so two workers on two cores, which PostgreSQL and wrk share, can serve at most about "
        f"{2000 / page:.0f} a second; {THROUGHPUT_TARGET:.0f} a second needs at most "
        f"{2000 / THROUGHPUT_TARGET:.1f} ms a page; {_split(op)}"
    )


def evaluate(
    ops: dict[str, Operation], throughput: list[dict[str, Any]], memory: list[dict[str, Any]]
) -> list[Target]:
    """Each target met or not, from the figures measured (nothing assumed)."""
    targets: list[Target] = []
    for key in PAGE_TARGET_KEYS:
        op = ops.get(key)
        name = op.label if op else key
        p95, where = _worst_p95(op) if op else (None, "")
        if op is None or p95 is None:
            targets.append(Target(f"{name}: p95 < {PAGE_TARGET_MS:.0f} ms", "not measured", None))
        else:
            ok = op.client_timing is not None and op.client_timing.ok
            ok = ok and (op.http_timing is None or op.http_timing.ok)
            targets.append(
                Target(
                    f"{name}: p95 < {PAGE_TARGET_MS:.0f} ms",
                    f"{p95:.1f} ms ({where}, the larger p95)" + ("" if ok else ", errors"),
                    p95 < PAGE_TARGET_MS and ok,
                    _split(op),
                )
            )
        ratio = op.ratio if op else None
        targets.append(
            Target(
                f"{name}: ratio to the SQL lower bound ≤ {RATIO_TARGET:.0f}",
                f"{ratio:.1f}" if ratio is not None else "not measured",
                None if ratio is None else ratio <= RATIO_TARGET,
                _split(op) if op else "",
            )
        )
    for key, limit, what in (
        ("report_municipality", MUNICIPALITY_TARGET_MS, "Operational report municipality-year"),
        ("report_national", NATIONAL_TARGET_MS, "National report"),
    ):
        cold = ops.get(f"{key}_cold")
        median = cold.client_timing.median if cold and cold.client_timing else None
        ok = bool(cold and cold.client_timing and cold.client_timing.ok)
        targets.append(
            Target(
                f"{what}: computed (cold) < {limit / 1000:g} s",
                f"{median / 1000:.2f} s median" if median is not None else "not measured",
                None if median is None else (median < limit and ok),
            )
        )
        served = ops.get(f"{key}_served")
        p95, where = _worst_p95(served) if served else (None, "")
        ok = bool(served and served.client_timing and served.client_timing.ok)
        targets.append(
            Target(
                f"{what}: page served from the stored result < {limit / 1000:g} s "
                "(recomputed after any change to the data)",
                f"{p95 / 1000:.3f} s p95 ({where})" if p95 is not None else "not measured",
                None if p95 is None else (p95 < limit and ok),
            )
        )
    case = next((t for t in throughput if t["key"] == "case"), None)
    if case is None:
        targets.append(
            Target(
                f"Case page ≥ {THROUGHPUT_TARGET:.0f} req/s (2 workers), every read audited, "
                "no errors",
                "not measured",
                None,
            )
        )
    else:
        audit = case.get("audit", {})
        errors = case["non_2xx"] + case["socket_errors"]
        targets.append(
            Target(
                f"Case page ≥ {THROUGHPUT_TARGET:.0f} req/s (2 workers), every read audited, "
                "no errors",
                f"{case['requests_per_s']:.1f} req/s, {errors} errors, "
                f"{audit.get('responses_missing_from_audit', '?')} of "
                f"{audit.get('responses_2xx_with_id', '?')} reads missing from the audit log",
                case["requests_per_s"] >= THROUGHPUT_TARGET
                and errors == 0
                and bool(audit.get("all_audited")),
                _throughput_cause(ops.get("case"), case["requests_per_s"]),
            )
        )
    rss = [m["VmRSS"] for m in memory if "VmRSS" in m]
    targets.append(
        Target(
            f"Worker RSS < {RSS_TARGET_MB:.0f} MB after the run",
            f"{max(rss):.1f} MB (largest of {len(rss)} workers)" if rss else "not measured",
            None if not rss else max(rss) < RSS_TARGET_MB,
        )
    )
    return targets


# --- writing the results ---------------------------------------------------------------------


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {name}" for name, n in counts.items())


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _status(timing: Timing | None) -> str:
    if timing is None or timing.ok:
        return ""
    return " ⚠ " + ",".join(str(s) for s in sorted(set(timing.statuses)))


def markdown(result: dict[str, Any], ops: list[Operation], targets: list[Target]) -> str:
    m = result["machine"]
    lines = [
        "# samsyn benchmark results",
        "",
        f"Measured {result['finished_at']} on commit `{result['git']['commit'] or '?'}`"
        + (" (with uncommitted changes)" if result["git"]["dirty"] else "")
        + f" by `manage.py bench_run` in {result['elapsed_s']:.0f} s.",
        "",
        "Reproduce: `make bench` (`manage.py bench_seed --scale N`, then "
        f"`manage.py {result['command']}`).",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu_model']}, {m['cpu_count']} cores ({m['cpus_usable']} usable"
        + (f", cgroup cpu.max {m['cgroup_cpu_max']}" if m["cgroup_cpu_max"] else "")
        + ")",
        f"- RAM: {m['ram_gb']} GB; load average at start {' '.join(m['load_average'])}",
        f"- OS: {m['os']}",
        f"- Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']}, "
        f"wrk: {m['wrk'] or 'not installed'}",
        f"- Database: {m['db_vendor']} {m['db_version']}"
        + (
            f", psycopg {m['psycopg']}; before measuring "
            + ", ".join(
                f"{step} ({took} s)" if isinstance(took, float) else f"{step} ({took})"
                for step, took in (m["settled"] or {}).items()
            )
            if m["db_vendor"] == "postgresql"
            else ""
        ),
        f"- Settings: `{m['settings_module']}`; DEBUG off for every measurement (gunicorn "
        "runs with SAMSYN_DEBUG=0; in this process DEBUG"
        + (" was on in the settings and is overridden)" if m["debug"] else " is off)"),
    ]
    if m["db_vendor"] != "postgresql" or (m["cpus_usable"] or 0) != 2:
        lines.append(
            "- The targets are set for 2 cores and PostgreSQL; this run differs "
            f"({m['cpus_usable']} cores, {m['db_vendor']})."
        )
    data = result["data"]
    lines += ["", "## Data", ""]
    lines.append(
        ", ".join(f"{name.replace('_', ' ')} {data[name]:,}" for name, _model in DATA_MODELS) + "."
    )
    lines.append("")
    lines.append(
        "Cases by state: "
        + ", ".join(f"{state} {n:,}" for state, n in sorted(data["cases_by_state"].items()))
        + "."
    )
    subjects = result["subjects"]
    lines += [
        "",
        "Measured on: coordinator "
        f"`{subjects['coordinator']}` ({subjects['coordinator_active_cases']} active cases), "
        f"case `{subjects['case']}` ({_counts(subjects['case_items'])}), "
        f"portal account `{subjects['portal_account']}`, municipality {subjects['municipality']} "
        f"({subjects['municipality_cases']:,} cases, steering group `{subjects['steering']}`), "
        f"national coordinator `{subjects['national']}`, administrator `{subjects['admin']}`, "
        f"period {subjects['year']}.",
    ]
    if subjects["created_for_the_bench"]:
        lines.append("Made for the bench: " + "; ".join(subjects["created_for_the_bench"]) + ".")
    settings_used = result["settings"]
    lines += [
        "",
        "## Server time per operation",
        "",
        f"{settings_used['repeat']} timed requests after {settings_used['warmup']} warm-up "
        f"requests each (cold report rows: {settings_used['cold_repeat']}, no warm-up); times in "
        "ms, p95 nearest-rank. Queries and SQL in the page: one request of the test client (the "
        "time spent in the database driver). Ratio: test-client median / SQL lower-bound median.",
        "",
        "| operation | median test client | p95 test client | median HTTP | p95 HTTP "
        "| queries | SQL in the page | SQL lower bound median | ratio |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for op in ops:
        if op.skipped or op.error:
            why = op.skipped or f"error: {op.error}"
            lines.append(f"| {op.label} | {why} | | | | | | | |")
            continue
        tc, ht = op.client_timing, op.http_timing
        lines.append(
            f"| {op.label} | {_ms(tc.median if tc else None)}{_status(tc)} "
            f"| {_ms(tc.p95 if tc else None)} "
            f"| {_ms(ht.median if ht else None)}{_status(ht)} | {_ms(ht.p95 if ht else None)} "
            f"| {op.queries if op.queries is not None else '–'} | {_ms(op.sql_ms)} "
            f"| {_ms(op.lower_timing.median if op.lower_timing else None)} "
            f"| {f'{op.ratio:.1f}' if op.ratio is not None else '–'} |"
        )
    lines += ["", "What each row is:", ""]
    for op in ops:
        what = op.path or "in-process call"
        bits = [f"`{what}` as `{op.viewer}`" if op.viewer else f"`{what}`"]
        if op.note:
            bits.append(op.note)
        if op.lower_describes:
            bits.append(f"lower bound: {op.lower_describes}, {op.lower_rows} rows")
        lines.append(f"- {op.label}: " + "; ".join(bits) + ".")
    lines += ["", "## Throughput", ""]
    if result["throughput_skipped"]:
        lines.append(result["throughput_skipped"])
    else:
        lines += [
            "wrk, 2 threads, 8 connections, gunicorn 2 sync workers, the same signed-in session "
            "on every request.",
            "",
            "| page | req/s | requests | non-2xx | socket errors | latency p50 | p95 | p99 "
            "| max | audited reads |",
            "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
        ]
        for row in result["throughput"]:
            audit = row.get("audit", {})
            latency = row["latency_ms"]
            lines.append(
                f"| {row['label']} | {row['requests_per_s']:.1f} | {row['requests']:,} "
                f"| {row['non_2xx']} | {row['socket_errors']} | {latency['p50']} ms "
                f"| {latency['p95']} ms | {latency['p99']} ms | {latency['max']} ms "
                f"| {audit.get('requests_audited', '?')} requests audited "
                f"({audit.get('audit_rows_added', '?')} rows) for "
                f"{audit.get('responses_2xx_with_id', '?')} 2xx; "
                f"{audit.get('responses_missing_from_audit', '?')} missing |"
            )
    lines += ["", "## Worker memory", ""]
    if result["memory"]:
        for row in result["memory"]:
            lines.append(
                f"- gunicorn worker {row['pid']}: VmRSS {row.get('VmRSS', '?')} MB "
                f"(peak VmHWM {row.get('VmHWM', '?')} MB) after the run"
            )
    else:
        lines.append("Not measured (no HTTP run).")
    lines += ["", "## Targets", ""]
    lines.append("Computed from the figures above (2 cores, PostgreSQL, N=1 is where they apply).")
    lines.append("")
    for target in targets:
        verdict = {True: "met", False: "NOT met", None: "not measured"}[target.met]
        lines.append(f"- **{verdict}** — {target.name}: {target.measured}")
        if target.met is False and target.cause:
            lines.append(f"  - Where the time goes: {target.cause}.")
    if result["errors"]:
        lines += ["", "## Errors", ""]
        lines += [f"- {error}" for error in result["errors"]]
    lines.append("")
    return "\n".join(lines)


# --- the whole run ---------------------------------------------------------------------------


@contextlib.contextmanager
def _host_allowed() -> Iterator[None]:
    """The test client's Host must pass ALLOWED_HOSTS (empty in production without env)."""
    from django.http.request import validate_host

    if validate_host(HOST, settings.ALLOWED_HOSTS):
        yield
    else:
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, HOST]):
            yield


def _uses_manifest() -> bool:
    backend = str(settings.STORAGES.get("staticfiles", {}).get("BACKEND", ""))
    return "Manifest" in backend


def run(
    *,
    repeat: int = 30,
    warmup: int = 3,
    out: Path = Path("bench"),
    http: bool = True,
    throughput: bool = True,
    duration: int = 10,
    cold_repeat: int = 3,
    op_budget: float = 60.0,
    report_timeout: float = 600.0,
    command: str = "bench_run",
    log: Log = print,
) -> dict[str, Any]:
    """Measure everything and write `out/results.md` and `out/results.json`."""
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    env = server_env() if http else {}
    if http:
        collect_static(env, log)
    elif _uses_manifest():
        collect_static({**os.environ}, log)
    settled = settle(log)
    about = machine()
    about["settled"] = settled
    data = data_size()
    log(f"bench: data {json.dumps({k: v for k, v in data.items() if k != 'cases_by_state'})}")
    secure = bool(settings.SECURE_SSL_REDIRECT)
    throughput_rows: list[dict[str, Any]] = []
    memory: list[dict[str, Any]] = []
    throughput_skipped = ""
    # Debug mode logs every query and renders differently: the in-process figures are taken
    # without it, as gunicorn runs (`python -m bench` runs manage.py with SAMSYN_DEBUG=1).
    with _host_allowed(), override_settings(DEBUG=False):
        subjects = resolve(log=log)
        ops = build_operations(subjects, secure=secure, report_timeout=report_timeout)
        # As a gunicorn worker does (samsyn/wsgi.py, gunicorn.conf.py): what is loaded by now
        # lives as long as the process and is frozen out of the cyclic collector's way, and the
        # collector runs between requests (`_sample`), not in the middle of one.
        gc.freeze()
        gc.disable()
        try:
            for op in ops:
                if op.skipped:
                    continue
                log(f"bench: {op.label} …")
                try:
                    measure_in_process(
                        op,
                        repeat=repeat,
                        warmup=warmup,
                        cold_repeat=cold_repeat,
                        secure=secure,
                        budget=op_budget,
                    )
                    measure_lower(op, repeat=repeat, warmup=warmup, budget=op_budget)
                    op.error = op.verify() if op.verify is not None else ""
                    if op.error:
                        errors.append(f"{op.label}: {op.error}")
                except Exception as error:  # recorded in the results, the run goes on
                    op.error = f"{type(error).__name__}: {error}"
                    errors.append(f"{op.label}: {op.error}")
            if http:
                server = Gunicorn(env)
                try:
                    log(f"bench: gunicorn on {HOST}:{server.port} …")
                    server.start()
                    for op in ops:
                        if op.skipped or op.error or not op.over_http or not op.path:
                            continue
                        log(f"bench: HTTP {op.label} …")
                        refresh_session(op.client)
                        measure_http(op, server, repeat=repeat, warmup=warmup, budget=op_budget)
                        problem = op.verify() if op.verify is not None else ""
                        if problem:
                            errors.append(f"{op.label} over HTTP: {problem}")
                            op.http_timing = None
                    if not throughput:
                        throughput_skipped = "Not run (--no-throughput)."
                    elif _wrk() is None:
                        throughput_skipped = (
                            "Not run: wrk is not installed (`apt-get install wrk`; "
                            "`make bench` installs it)."
                        )
                    else:
                        by_key = {op.key: op for op in ops}
                        for key, label in (
                            ("case", "Case page"),
                            ("portal_plan", "Youth portal plan page"),
                        ):
                            page = by_key.get(key)
                            if page is None or page.skipped or page.error:
                                continue
                            before = (
                                AuditRecord.objects.order_by("-id")
                                .values_list("id", flat=True)
                                .first()
                                or 0
                            )
                            refresh_session(page.client)
                            row = run_wrk(
                                server=server,
                                path=page.path,
                                headers=page.headers,
                                duration=duration,
                                log=log,
                            )
                            row["audit"] = audit_check(before, row.pop("request_ids"))
                            row["key"], row["label"] = key, label
                            throughput_rows.append(row)
                    memory = server.memory()
                except Exception as error:
                    errors.append(f"HTTP: {type(error).__name__}: {error}")
                    tail = server.log_tail()
                    if tail:
                        errors.append(f"gunicorn log ({server.log_path}):\n```\n{tail}\n```")
                else:
                    failed = any(o.http_timing and not o.http_timing.ok for o in ops) or any(
                        r["non_2xx"] or r["socket_errors"] for r in throughput_rows
                    )
                    if failed:
                        errors.append(f"Some HTTP requests failed; gunicorn log: {server.log_path}")
                    else:
                        server.log_path.unlink(missing_ok=True)
                finally:
                    server.stop()
            else:
                throughput_skipped = "Not run (--no-http)."
        finally:
            gc.enable()
            gc.unfreeze()
            if subjects.token is not None:
                api_services.token_revoke(actor=subjects.coordinator, token=subjects.token)
    by_key = {op.key: op for op in ops}
    targets = evaluate(by_key, throughput_rows, memory)
    result: dict[str, Any] = {
        "schema": 1,
        "finished_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "elapsed_s": round(time.monotonic() - started, 1),
        "command": command,
        "git": git_revision(),
        "machine": about,
        "settings": {
            "repeat": repeat,
            "warmup": warmup,
            "cold_repeat": cold_repeat,
            "http": http,
            "throughput": throughput,
            "duration_s": duration,
            "op_budget_s": op_budget,
        },
        "data": data,
        "subjects": subjects.describe(),
        "operations": [op.as_dict() for op in ops],
        "throughput": throughput_rows,
        "throughput_skipped": throughput_skipped,
        "memory": memory,
        "targets": [t.as_dict() for t in targets],
        "errors": errors,
    }
    (out / "results.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    (out / "results.md").write_text(markdown(result, ops, targets))
    log(f"bench: wrote {out / 'results.md'} and {out / 'results.json'}")
    return result
