"""Reads for the work list, the incoming referrals and the beredningsgrupp's agenda.

Rule (ARCHITECTURE.md, invariant 7): each page costs a fixed number of queries whatever the
number of cases. Filters, counts and the overdue rules are SQL over the viewer's cases; what a
page shows is loaded in bulk for that page's case ids only. Who the youth is goes through the
one door: `policy.case_accesses` for the rows shown, `policy.identified_cases` for a search by
name or personnummer, so that a search never reveals a case the viewer may not identify.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.lifecycle import ENDED
from samsyn.cases.models import (
    Case,
    CaseState,
    FollowUp,
    PreparationRecommendation,
    Referral,
    ReferralKind,
)
from samsyn.cases.rules import on_preparation_group, opens_cases
from samsyn.cases.selectors import DeidentifiedYouth, deidentified
from samsyn.consent import policy
from samsyn.consent.models import Consent
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.organisations.models import Person, Role

PAGE_SIZE = 25
SOON_DAYS = 30  # a follow-up or a consent end this close is shown as coming up
UNASSIGNED_DAYS = 14  # a referral nobody has taken for longer than this is overdue
INCOMING_LIMIT = 50
AGENDA_STATES = (CaseState.PREPARATION, CaseState.MOTIVATION)

ONGOING = "pagaende"
ALL = "alla"

# The lifecycle order: the list reads from the newest referral to the last follow-up.
STATE_ORDER = [
    CaseState.REFERRED,
    CaseState.MOTIVATION,
    CaseState.PREPARATION,
    CaseState.SCREENING,
    CaseState.INFORMATION,
    CaseState.DECIDED,
    CaseState.ACTIVE,
    CaseState.CLOSED,
    CaseState.FOLLOWED_UP,
    CaseState.DECLINED,
]


# --- search --------------------------------------------------------------------------------


class SearchKind(StrEnum):
    NONE = ""
    CODE = "code"
    NAME = "name"
    PERSONNUMMER = "personnummer"


_CODE = re.compile(r"^SIG-[A-Z0-9]{0,6}$")
_NUMBER_SEPARATORS = re.compile(r"[\s+-]")


def search_parse(text: str) -> tuple[SearchKind, str]:
    """What a search box text is: a case code ("SIG-…", any case, a prefix will do), a
    personnummer (digits, with or without the hyphen, in part) or a name."""
    text = " ".join(text.split())
    if not text:
        return SearchKind.NONE, ""
    if _CODE.match(text.upper()):
        return SearchKind.CODE, text.upper()
    digits = _NUMBER_SEPARATORS.sub("", text)
    if digits.isdigit():
        return SearchKind.PERSONNUMMER, digits
    return SearchKind.NAME, text


def _personnummer_q(digits: str) -> Q:
    # Stored as twelve digits: ten typed digits are YYMMDDNNNN, the end of the stored number.
    if len(digits) == 12:
        return Q(youth__personnummer=digits)
    if len(digits) == 10:
        return Q(youth__personnummer__endswith=digits)
    return Q(youth__personnummer__contains=digits)


def _name_q(text: str) -> Q:
    condition = Q()
    for word in text.split():
        condition &= Q(youth__first_name__icontains=word) | Q(youth__last_name__icontains=word)
    return condition


def _search(
    viewer: Person, cases: QuerySet[Case], kind: SearchKind, term: str, today: date
) -> QuerySet[Case]:
    if kind == SearchKind.CODE:
        # Codes are stored in capitals and `search_parse` gives capitals: a plain prefix.
        return cases.filter(anonymous_code__startswith=term)
    if kind == SearchKind.NONE:
        return cases
    # Only among the cases where the viewer may know who the youth is: otherwise a hit
    # (or the count of hits) would tell them that this person has a case.
    identified = policy.identified_cases(viewer=viewer, cases=cases, today=today)
    if kind == SearchKind.PERSONNUMMER:
        return identified.filter(_personnummer_q(term))
    return identified.filter(_name_q(term))


# --- what is overdue -----------------------------------------------------------------------


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _overdue_q(viewer: Person, today: date) -> Q:
    """Cases with something overdue, in SQL; `_badges` says the same for the rows shown.

    Follow-ups and unassigned referrals are the owner organisation's work, so they count for
    its people only; a lapsed consent (ended, not renewed, not revoked) counts for every member
    of an ongoing case, as the consent page shows it to them too.
    """
    late_followup = Exists(
        FollowUp.objects.filter(case=OuterRef("pk"), done_on__isnull=True, due_on__lt=today)
    )
    unassigned = Q(
        state=CaseState.REFERRED,
        coordinator__isnull=True,
        state_since__lt=_start_of(today - timedelta(days=UNASSIGNED_DAYS)),
    )
    lapsed_consent = Exists(
        Consent.objects.current().filter(case=OuterRef("pk"), valid_until__lt=today)
    )
    own = Q(owner_id=viewer.organisation_id) & (Q(late_followup) | unassigned)
    return own | (~Q(state__in=ENDED) & Q(lapsed_consent))


@dataclass(frozen=True)
class Badge:
    text: str
    overdue: bool  # False: coming up within SOON_DAYS


def _badges_for_page(viewer: Person, cases: list[Case], today: date) -> dict[int, list[Badge]]:
    """The overdue and coming-up badges of the page's cases, in two queries."""
    badges: dict[int, list[Badge]] = defaultdict(list)
    if not cases:
        return badges
    soon = today + timedelta(days=SOON_DAYS)
    own = {c.pk for c in cases if c.owner_id == viewer.organisation_id}
    ongoing = {c.pk for c in cases if c.state not in ENDED}
    for case_id, months, due_on in FollowUp.objects.filter(
        case_id__in=own, done_on__isnull=True, due_on__lte=soon
    ).values_list("case_id", "months_after", "due_on"):
        if due_on < today:
            text = _("Uppföljning %(months)s mån försenad") % {"months": months}
        else:
            text = _("Uppföljning %(months)s mån senast %(day)s") % {
                "months": months,
                "day": due_on.isoformat(),
            }
        badges[case_id].append(Badge(text, due_on < today))
    for case_id, until in (
        Consent.objects.current()
        .filter(case_id__in=ongoing, valid_until__lte=soon)
        .order_by("valid_until")
        .values_list("case_id", "valid_until")
    ):
        if until is None:  # excluded by the query; says so to the type checker
            continue
        if until < today:
            text = _("Samtycke gick ut %(day)s") % {"day": until.isoformat()}
        else:
            text = _("Samtycke går ut %(day)s") % {"day": until.isoformat()}
        badges[case_id].append(Badge(text, until < today))
    for case in cases:
        waiting = _days_in_state(case, today)
        if (
            case.pk in own
            and case.state == CaseState.REFERRED
            and case.coordinator_id is None
            and waiting > UNASSIGNED_DAYS
        ):
            text = _("Ingen samordnare på %(days)s dagar") % {"days": waiting}
            badges[case.pk].append(Badge(text, True))
    return badges


def _days_in_state(case: Case, today: date) -> int:
    return (today - timezone.localdate(case.state_since)).days


# --- the work list -------------------------------------------------------------------------


@dataclass(frozen=True)
class WorklistQuery:
    state: str = ONGOING
    mine: bool = False
    overdue: bool = False
    text: str = ""
    district: Any = None  # a district's code: only the cases of that district (the API)


@dataclass(frozen=True)
class StateCount:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class WorkRow:
    code: UUID
    label: str
    identified: bool
    anonymous: DeidentifiedYouth
    state: str
    state_label: str
    days_in_state: int
    owner: str
    coordinator: str
    opened_on: date
    badges: list[Badge]

    @property
    def overdue(self) -> bool:
        return any(b.overdue for b in self.badges)


@dataclass
class Worklist:
    page: Page[Case]
    rows: list[WorkRow]
    counts: list[StateCount]
    search: SearchKind


def _viewer_cases(viewer: Person) -> QuerySet[Case]:
    return Case.objects.filter(members__person=viewer)


def _state_order() -> SqlCase:
    return SqlCase(
        *[When(state=state, then=Value(i)) for i, state in enumerate(STATE_ORDER)],
        default=Value(len(STATE_ORDER)),
        output_field=IntegerField(),
    )


def _state_filter(cases: QuerySet[Case], state: str) -> QuerySet[Case]:
    if state == ONGOING:
        return cases.exclude(state__in=ENDED)
    if state in CaseState.values:
        return cases.filter(state=state)
    return cases


def _counts(cases: QuerySet[Case]) -> list[StateCount]:
    """Per state, in one GROUP BY; "ongoing" and "all" are sums of it."""
    per_state = dict(
        cases.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    ongoing = sum(n for state, n in per_state.items() if state not in ENDED)
    return [
        StateCount(ONGOING, _("Pågående"), ongoing),
        *[StateCount(s, str(CaseState(s).label), per_state.get(s, 0)) for s in STATE_ORDER],
        StateCount(ALL, _("Alla"), sum(per_state.values())),
    ]


def _log_search(viewer: Person, kind: SearchKind, term: str, page: Page[Case]) -> None:
    # A search is a read: record its kind, how many it found and which cases the page showed.
    # The text itself only for a case code: a name or personnummer is personal data, and the
    # audit log holds codes, never personal data (`audit_record`). Each row shown is also
    # logged as its own identity decision.
    detail: dict[str, Any] = {
        "kind": str(kind),
        "hits": page.paginator.count,
        "page": page.number,
        "cases": [str(case.code) for case in page.object_list],
    }
    if kind == SearchKind.CODE:
        detail["text"] = term
    audit_record(
        actor=viewer,
        action=Action.SEARCH,
        object_type="cases.case",
        detail=detail,
    )


def worklist(
    *,
    viewer: Person,
    query: WorklistQuery,
    page_number: Any = 1,
    today: date | None = None,
    page_size: int = PAGE_SIZE,
) -> Worklist:
    """The cases the viewer takes part in, filtered, counted and paginated, each named only
    when the viewer may see who it is, with what is overdue.

    Rule: a fixed number of queries per page, whatever the number of cases.
    """
    today = today or timezone.localdate()
    kind, term = search_parse(query.text)
    cases = _viewer_cases(viewer)
    if query.mine:
        cases = cases.filter(coordinator=viewer)
    if query.overdue:
        cases = cases.filter(_overdue_q(viewer, today))
    if query.district is not None:
        cases = cases.filter(district__code=query.district)
    cases = _search(viewer, cases, kind, term, today)
    counts = _counts(cases)
    listed = (
        _state_filter(cases, query.state)
        .select_related("youth", "district", "owner", "municipality", "coordinator")
        .order_by(_state_order(), "opened_on", "pk")
    )
    page = Paginator(listed, page_size).get_page(page_number)
    page_cases = list(page.object_list)
    accesses = policy.case_accesses(viewer=viewer, cases=page_cases, today=today)
    badges = _badges_for_page(viewer, page_cases, today)
    rows = []
    for case in page_cases:
        access = accesses[case.pk]
        identity = access.note(
            access.identity(), object_type="cases.youth", object_code=str(case.youth.code)
        )
        rows.append(
            WorkRow(
                code=case.code,
                label=str(case.youth) if identity.allowed else case.anonymous_code,
                identified=identity.allowed,
                anonymous=deidentified(case, today=today),
                state=case.state,
                state_label=case.get_state_display(),
                days_in_state=_days_in_state(case, today),
                owner=case.owner.name,
                coordinator=str(case.coordinator) if case.coordinator else "",
                opened_on=case.opened_on,
                badges=badges.get(case.pk, []),
            )
        )
    policy.record_all(accesses.values())
    if kind != SearchKind.NONE:
        _log_search(viewer, kind, term, page)
    return Worklist(page=page, rows=rows, counts=counts, search=kind)


def overdue_count(*, viewer: Person, today: date | None = None) -> int:
    """How many of the viewer's cases have something overdue (the start page's link)."""
    today = today or timezone.localdate()
    return _viewer_cases(viewer).filter(_overdue_q(viewer, today)).count()


# --- incoming referrals --------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingReferral:
    code: UUID
    anonymous: DeidentifiedYouth
    opened_on: date
    days_waiting: int
    kind: str


def receives_referrals(person: Person) -> bool:
    """Coordinators and case officers of social services take referrals to their organisation."""
    return person.is_active and opens_cases(person)


def _incoming(viewer: Person) -> QuerySet[Case]:
    if not receives_referrals(viewer):
        return Case.objects.none()
    return Case.objects.filter(owner_id=viewer.organisation_id, coordinator__isnull=True).exclude(
        state__in=ENDED
    )


def incoming_referral_get_for_viewer(*, viewer: Person, code: Any) -> Case:
    """A referral to the viewer's organisation that nobody has taken; 404 otherwise."""
    return get_by_code_or_404(_incoming(viewer).select_related("youth", "municipality"), code)


def incoming_referrals(
    *, viewer: Person, today: date | None = None
) -> tuple[list[IncomingReferral], bool]:
    """Referrals to the viewer's organisation that nobody has taken, oldest first, shown
    de-identified only (the list is for choosing whom to take, not for reading the case).
    Also says whether there are more than `INCOMING_LIMIT`."""
    today = today or timezone.localdate()
    cases = list(
        _incoming(viewer)
        .select_related("youth", "district")
        .order_by("opened_on", "pk")[: INCOMING_LIMIT + 1]
    )
    more = len(cases) > INCOMING_LIMIT
    cases = cases[:INCOMING_LIMIT]
    kinds = dict(
        Referral.objects.filter(case_id__in=[c.pk for c in cases])
        .order_by("referred_on", "pk")
        .values_list("case_id", "kind")
    )
    return [
        IncomingReferral(
            code=case.code,
            anonymous=deidentified(case, today=today),
            opened_on=case.opened_on,
            days_waiting=(today - case.opened_on).days,
            kind=str(ReferralKind(kinds[case.pk]).label) if case.pk in kinds else "",
        )
        for case in cases
    ], more


# --- the beredningsgrupp's agenda ----------------------------------------------------------


def agenda_allowed(person: Person) -> bool:
    """Who sits in a beredningsgrupp: managers and coordinators (`rules.on_preparation_group`
    decides per case). Costs no query once the person's roles are loaded."""
    return (
        person.is_active
        and person.organisation_id is not None
        and (person.has_role(Role.MANAGER) or person.has_role(Role.COORDINATOR))
    )


def _agenda(viewer: Person) -> QuerySet[Case]:
    """`on_preparation_group` in SQL: the viewer's municipality, or their district when their
    organisation is tied to one; cases under preparation or in the motivation phase."""
    if not agenda_allowed(viewer) or viewer.organisation is None:
        return Case.objects.none()
    organisation = viewer.organisation
    cases = Case.objects.filter(
        municipality_id=organisation.municipality_id, state__in=AGENDA_STATES
    )
    if organisation.district_id is not None:
        cases = cases.filter(district_id=organisation.district_id)
    return cases


def agenda_case_get_for_viewer(*, viewer: Person, code: Any) -> Case:
    """A case on the viewer's agenda; 404 otherwise."""
    case = get_by_code_or_404(_agenda(viewer).select_related("youth", "municipality"), code)
    if not on_preparation_group(viewer, case):  # the rule itself, should the SQL drift
        raise Http404
    return case


@dataclass(frozen=True)
class AgendaRow:
    code: UUID
    anonymous: DeidentifiedYouth
    state_label: str
    opened_on: date
    days_since_referral: int
    recommendations: list[PreparationRecommendation]


def agenda(
    *, viewer: Person, page_number: Any = 1, today: date | None = None
) -> tuple[Page[Case], list[AgendaRow]]:
    """The cases the viewer's beredningsgrupp discusses, de-identified only (the agenda is
    shown on a screen in the meeting), oldest referral first, with earlier recommendations.

    Rule: no name, personnummer, address or school, even for people who could see them; a
    fixed number of queries whatever the number of cases.
    """
    today = today or timezone.localdate()
    listed = _agenda(viewer).select_related("youth", "district").order_by("opened_on", "pk")
    page = Paginator(listed, PAGE_SIZE).get_page(page_number)
    cases = list(page.object_list)
    earlier: dict[int, list[PreparationRecommendation]] = defaultdict(list)
    for entry in PreparationRecommendation.objects.filter(
        case_id__in=[c.pk for c in cases]
    ).order_by("-meeting_on", "-created_at"):
        earlier[entry.case_id].append(entry)
    return page, [
        AgendaRow(
            code=case.code,
            anonymous=deidentified(case, today=today),
            state_label=case.get_state_display(),
            opened_on=case.opened_on,
            days_since_referral=(today - case.opened_on).days,
            recommendations=earlier.get(case.pk, []),
        )
        for case in cases
    ]
