"""Reads of a case's meetings, always on behalf of a viewer and through `consent.policy`.

Every meeting is decided by the one door. A viewer it refuses (a member without consent to
the category "plan") sees the meeting de-identified: when and where, what kind, and which
professionals come from which organisation; never the agenda, the preparation, the minutes,
the decisions, the guardians or the youth. The view objects below leave that out, so it never
reaches the template.

Rule: a fixed number of queries, whatever the number of meetings, attendees or decisions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.cases.models import Case, CaseMember, Guardian, Representation
from samsyn.cases.rules import runs_case
from samsyn.cases.selectors import Hidden, hidden_summary
from samsyn.consent import policy
from samsyn.consent.selectors import CaseHeader, case_header
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.meetings import cadence
from samsyn.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
from samsyn.organisations.models import LocalPolicy, Organisation, Person
from samsyn.organisations.selectors import policy_for
from samsyn.plans.models import Activity, GoalReview, SubGoal


@dataclass(frozen=True)
class Attendee:
    """One person at a meeting. `key` names them in the attendance form."""

    key: str
    name: str
    organisation: str
    attended: bool | None
    has_mandate: bool = False


@dataclass(frozen=True)
class OrganisationAttendees:
    organisation: str
    people: list[Attendee]


@dataclass
class MeetingView:
    """A meeting as the viewer may see it. When `allowed` is False only the de-identified
    facts are filled in: the rest is empty."""

    code: Any
    kind: str
    kind_label: str
    status: str
    status_label: str
    starts_at: datetime
    ends_at: datetime
    location: str
    invitation_sent_at: datetime | None
    held_on: date | None
    premeeting_of: Any  # the code of the network meeting a förmöte precedes
    professionals: list[OrganisationAttendees]
    allowed: bool
    why: str
    agenda: str = ""
    minutes: str = ""
    preparation: list[tuple[str, str]] = field(default_factory=list)
    youth_prepared_on: date | None = None
    youth: Attendee | None = None
    guardians: list[Attendee] = field(default_factory=list)
    rectification_marks: Any = None  # "Begränsad"/"Rättad" and the owner's actions

    @property
    def is_premeeting(self) -> bool:
        return self.kind == MeetingKind.PREMEETING

    @property
    def is_open(self) -> bool:
        return self.status in (MeetingStatus.PLANNED, MeetingStatus.INVITED)

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD

    @property
    def attendee_count(self) -> int:
        return sum(len(group.people) for group in self.professionals)


PREPARATION = [
    ("prep_about", Meeting._meta.get_field("prep_about")),
    ("prep_outcome", Meeting._meta.get_field("prep_outcome")),
    ("prep_who", Meeting._meta.get_field("prep_who")),
    ("prep_topics", Meeting._meta.get_field("prep_topics")),
    ("prep_after", Meeting._meta.get_field("prep_after")),
]


def with_attendances(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings with who is invited and who came, in the order the pages list them:
    by organisation, then by name."""
    return meetings.prefetch_related(
        Prefetch(
            "attendances",
            queryset=Attendance.objects.select_related(
                "person", "organisation", "guardian"
            ).order_by("organisation__name", "person__last_name", "person__first_name", "pk"),
        )
    )


def _meetings(case: Case) -> QuerySet[Meeting]:
    return with_attendances(
        Meeting.objects.filter(case=case).select_related("owner", "category", "premeeting_of")
    )


def _person_key(person: Person) -> str:
    return f"p-{person.code}"


def _view(
    meeting: Meeting,
    decision: policy.Decision,
    *,
    identified: bool,
    mandates: set[int],
) -> MeetingView:
    groups: dict[str, list[Attendee]] = {}
    youth: Attendee | None = None
    guardians: list[Attendee] = []
    for row in meeting.attendances.all():
        if row.person is not None:
            organisation = row.organisation.name if row.organisation else ""
            groups.setdefault(organisation, []).append(
                Attendee(
                    key=_person_key(row.person),
                    name=str(row.person),
                    organisation=organisation,
                    attended=row.attended,
                    has_mandate=row.person_id in mandates,
                )
            )
        elif not decision.allowed:
            continue  # the youth and guardians are not shown without consent
        elif row.is_youth:
            youth = Attendee(
                key="youth", name=_("Ungdomen"), organisation="", attended=row.attended
            )
        elif row.guardian is not None:
            guardians.append(
                Attendee(
                    key=f"g-{row.guardian.code}",
                    name=str(row.guardian) if identified else _("Vårdnadshavare"),
                    organisation="",
                    attended=row.attended,
                )
            )
    view = MeetingView(
        code=meeting.code,
        kind=meeting.kind,
        kind_label=str(meeting.get_kind_display()),
        status=meeting.status,
        status_label=str(meeting.get_status_display()),
        starts_at=timezone.localtime(meeting.starts_at),
        ends_at=timezone.localtime(meeting.ends_at),
        location=meeting.location,
        invitation_sent_at=meeting.invitation_sent_at,
        held_on=meeting.held_on,
        premeeting_of=meeting.premeeting_of.code if meeting.premeeting_of else None,
        professionals=[OrganisationAttendees(name, people) for name, people in groups.items()],
        allowed=decision.allowed,
        why=decision.explain(identified=identified),
    )
    if decision.allowed:
        view.agenda = meeting.agenda
        view.minutes = meeting.minutes
        view.preparation = [
            (str(f.verbose_name), getattr(meeting, name)) for name, f in PREPARATION
        ]
        view.youth_prepared_on = meeting.youth_prepared_on
        view.youth = youth
        view.guardians = guardians
        view.rectification_marks = getattr(meeting, "rectification_marks", None)
    return view


def _identified(access: policy.CaseAccess) -> bool:
    case = access.case
    return access.note(
        access.identity(), object_type="cases.youth", object_code=str(case.youth.code)
    ).allowed


def _decide(
    access: policy.CaseAccess, items: Iterable[Any], hidden: Counter[tuple[str, str]]
) -> list[tuple[Any, policy.Decision]]:
    """Decide each item, queue the decision for the audit log, count what is hidden."""
    decided = []
    for item in items:
        decision = access.note(
            access.decide_item(item), object_type=item._meta.label_lower, object_code=str(item.code)
        )
        decided.append((item, decision))
        if not decision.allowed:
            hidden[(decision.owner_name, decision.category_name)] += 1
    return decided


def _mandates(case: Case) -> set[int]:
    return set(
        Representation.objects.filter(
            case=case, ended_on__isnull=True, has_mandate=True
        ).values_list("person_id", flat=True)
    )


# --- the list of a case's meetings -----------------------------------------------------------


@dataclass(frozen=True)
class ContinuityRow:
    """Who represented one organisation at each held meeting (the Huddinge evaluation: one
    youth met five different police officers)."""

    organisation: str
    cells: list[str]  # per held meeting, oldest first: the names of those who came
    names: list[str]  # the different people who came, in order of their first meeting

    @property
    def people(self) -> int:
        """How many different people have represented it."""
        return len(self.names)

    @property
    def meetings(self) -> int:
        """At how many of the held meetings someone from it came."""
        return sum(1 for cell in self.cells if cell)


@dataclass(frozen=True)
class MeetingsPage:
    header: CaseHeader
    identified: bool
    runs_case: bool
    upcoming: list[MeetingView]
    held: list[MeetingView]
    cancelled: list[MeetingView]
    proposed: datetime | None  # the next network meeting by the local cadence
    due: date | None  # by when the next network meeting should be held
    overdue: bool
    cadence_weeks: int
    premeeting_policy: bool
    continuity_dates: list[date]
    continuity: list[ContinuityRow]
    hidden: Hidden


def continuity(held: list[Meeting]) -> tuple[list[date], list[ContinuityRow]]:
    """Per organisation, who came to each held meeting (attendances prefetched): the days of
    the meetings, oldest first, and one row per organisation."""
    meetings = sorted(held, key=lambda m: m.starts_at)
    by_organisation: dict[str, dict[int, list[str]]] = {}
    people: dict[str, dict[int, str]] = {}
    for index, meeting in enumerate(meetings):
        for row in meeting.attendances.all():
            if row.person is None or not row.attended:
                continue
            name = row.organisation.name if row.organisation else "–"
            by_organisation.setdefault(name, {}).setdefault(index, []).append(str(row.person))
            people.setdefault(name, {}).setdefault(row.person.pk, str(row.person))
    rows = [
        ContinuityRow(
            organisation=name,
            cells=[", ".join(cells.get(i, [])) for i in range(len(meetings))],
            names=list(people[name].values()),
        )
        for name, cells in sorted(by_organisation.items())
    ]
    return [cadence.meeting_day(m) for m in meetings], rows


def meetings_page(*, viewer: Person, case: Case) -> MeetingsPage:
    """The case's meetings as the viewer may see them, the next meeting the local cadence
    proposes, and which person represented each organisation at each held meeting."""
    access = policy.case_access(viewer=viewer, case=case)
    identified = _identified(access)
    hidden: Counter[tuple[str, str]] = Counter()
    mandates = _mandates(case)
    decided = [
        (m, d)
        for m, d in _decide(access, _meetings(case).order_by("starts_at"), hidden)
        if d.basis != policy.Basis.RESTRICTED  # hidden, not even shown de-identified
    ]
    access.record()
    views = [(m, _view(m, d, identified=identified, mandates=mandates)) for m, d in decided]
    local = policy_for(municipality=case.municipality, district=case.district)
    runs = runs_case(viewer, case)
    today = timezone.localdate()
    due = cadence.next_meeting_due(case=case, today=today)
    held = [m for m, _v in views if m.status == MeetingStatus.HELD]
    dates, rows = continuity(held)
    return MeetingsPage(
        header=case_header(viewer=viewer, case=case, identified=identified),
        identified=identified,
        runs_case=runs,
        upcoming=[v for _m, v in views if v.is_open],
        held=[v for _m, v in reversed(views) if v.is_held],
        cancelled=[v for _m, v in views if v.status == MeetingStatus.CANCELLED],
        proposed=cadence.next_meeting_slot(case=case) if runs else None,
        due=due,
        overdue=due is not None and due < today,
        cadence_weeks=cadence.cadence_weeks(local),
        premeeting_policy=bool(local and local.premeeting),
        continuity_dates=dates,
        continuity=rows,
        hidden=hidden_summary(hidden),
    )


# --- one meeting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionView:
    activity: Activity
    why: str


@dataclass(frozen=True)
class ReviewView:
    review: GoalReview
    why: str


@dataclass(frozen=True)
class MeetingPage:
    header: CaseHeader
    identified: bool
    runs_case: bool
    meeting: MeetingView
    decisions: list[DecisionView]
    reviews: list[ReviewView]
    subgoals: list[SubGoal]  # the active sub-goals of the plan the viewer may see
    premeetings: list[MeetingView]
    hidden: Hidden


def meeting_get(*, case: Case, code: Any) -> Meeting:
    """One of the case's meetings (404 otherwise); the caller has checked the case."""
    return get_by_code_or_404(
        Meeting.objects.filter(case=case).select_related("case", "premeeting_of"), code
    )


def meeting_page(*, viewer: Person, case: Case, meeting: Meeting) -> MeetingPage:
    """One meeting as the viewer may see it, with its decisions (activities), the follow-ups
    of sub-goals made at it, and the sub-goals that can be followed up."""
    access = policy.case_access(viewer=viewer, case=case)
    identified = _identified(access)
    hidden: Counter[tuple[str, str]] = Counter()
    mandates = _mandates(case)
    loaded = (
        _meetings(case).filter(Q(pk=meeting.pk) | Q(premeeting_of=meeting)).order_by("starts_at")
    )
    decided = {m.pk: (m, d) for m, d in _decide(access, loaded, hidden)}
    item, decision = decided[meeting.pk]
    if decision.basis == policy.Basis.RESTRICTED:
        access.record()
        raise Http404
    decided = {pk: md for pk, md in decided.items() if md[1].basis != policy.Basis.RESTRICTED}
    view = _view(item, decision, identified=identified, mandates=mandates)
    decisions: list[DecisionView] = []
    reviews: list[ReviewView] = []
    subgoals: list[SubGoal] = []
    if decision.allowed:
        decisions = [
            DecisionView(a, d.explain(identified=identified))
            for a, d in _decide(
                access,
                Activity.objects.filter(case=case, meeting=meeting).select_related(
                    "responsible_person", "responsible_organisation", "subgoal", "owner", "category"
                ),
                hidden,
            )
            if d.allowed
        ]
        reviews = [
            ReviewView(r, d.explain(identified=identified))
            for r, d in _decide(
                access,
                GoalReview.objects.filter(case=case, meeting=meeting)
                .select_related("subgoal", "owner", "category")
                .order_by("subgoal__sort_order", "subgoal__created_at", "created_at"),
                hidden,
            )
            if d.allowed
        ]
        subgoals = [
            s
            for s, d in _decide(
                access,
                SubGoal.objects.filter(case=case, is_active=True).select_related(
                    "owner", "category"
                ),
                hidden,
            )
            if d.allowed
        ]
    access.record()
    runs = runs_case(viewer, case)
    return MeetingPage(
        header=case_header(viewer=viewer, case=case, identified=identified),
        identified=identified,
        runs_case=runs,
        meeting=view,
        decisions=decisions,
        reviews=reviews,
        subgoals=subgoals,
        premeetings=[
            _view(m, d, identified=identified, mandates=mandates)
            for pk, (m, d) in decided.items()
            if pk != meeting.pk
        ],
        hidden=hidden_summary(hidden),
    )


# --- for the forms ----------------------------------------------------------------------------


def case_people(*, case: Case) -> list[Person]:
    """The active people taking part in the case: whom a meeting can invite."""
    return [
        m.person
        for m in CaseMember.objects.filter(case=case, person__is_active=True)
        .select_related("person__organisation")
        .order_by("person__organisation__name", "person__last_name", "person__first_name")
    ]


def case_people_queryset(*, case: Case) -> QuerySet[Person]:
    return (
        Person.objects.filter(case_memberships__case=case, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "last_name", "first_name")
    )


def guardians_for(*, viewer: Person, case: Case) -> QuerySet[Guardian]:
    """The youth's guardians, for inviting them: only for a viewer who may know who they are
    (the coordinator, whose organisation owns the case)."""
    if not policy.case_access(viewer=viewer, case=case).identity().allowed:
        return Guardian.objects.none()
    return Guardian.objects.filter(youth_id=case.youth_id).order_by("created_at")


def network_meetings_open(*, case: Case) -> QuerySet[Meeting]:
    """Network meetings a förmöte may precede: planned or invited."""
    return Meeting.objects.filter(
        case=case,
        kind=MeetingKind.NETWORK,
        status__in=[MeetingStatus.PLANNED, MeetingStatus.INVITED],
    ).order_by("starts_at")


def decision_organisations(*, case: Case) -> QuerySet[Organisation]:
    """The organisations taking part in the case: who can be responsible for a decision."""
    return Organisation.objects.filter(
        pk__in=CaseMember.objects.filter(case=case).values("person__organisation")
    ).order_by("name")


def subgoals_queryset(*, case: Case, allowed: list[SubGoal]) -> QuerySet[SubGoal]:
    return SubGoal.objects.filter(case=case, is_active=True, pk__in=[s.pk for s in allowed])


def meeting_policy(*, case: Case) -> LocalPolicy | None:
    return policy_for(municipality=case.municipality, district=case.district)


def attendance_by_key(*, meeting: Meeting) -> dict[str, Attendance]:
    """The meeting's invitees by the keys the attendance form uses."""
    rows: dict[str, Attendance] = {}
    for row in Attendance.objects.filter(meeting=meeting).select_related("person", "guardian"):
        if row.person is not None:
            rows[_person_key(row.person)] = row
        elif row.guardian is not None:
            rows[f"g-{row.guardian.code}"] = row
        elif row.is_youth:
            rows["youth"] = row
    return rows


def meeting_calendar(*, viewer: Person, case: Case, meeting: Meeting) -> Meeting:
    """The meeting for its calendar file, which holds only what every member may know (the
    anonymous code, time and place); the decision is still logged, as for a page."""
    access = policy.case_access(viewer=viewer, case=case)
    decision = access.note(
        access.decide_item(meeting), object_type="meetings.meeting", object_code=str(meeting.code)
    )
    access.record()
    if decision.basis == policy.Basis.RESTRICTED:
        raise Http404
    return meeting


def uninvited_people(*, case: Case, meeting: Meeting) -> QuerySet[Person]:
    """Case members not invited to the meeting: they can be recorded as having come."""
    return case_people_queryset(case=case).exclude(
        pk__in=Attendance.objects.filter(meeting=meeting, person__isnull=False).values("person")
    )


def open_network_meeting(*, case: Case, code: Any) -> Meeting | None:
    """A planned network meeting of the case by its code, or None (a förmöte's main meeting)."""
    if not code:
        return None
    try:
        return network_meetings_open(case=case).filter(code=code).first()
    except (ValueError, ValidationError):
        return None


def visible_subgoals(*, viewer: Person, case: Case) -> list[SubGoal]:
    """The active sub-goals of the plan the viewer may see (decided and logged)."""
    access = policy.case_access(viewer=viewer, case=case)
    allowed = [
        s
        for s, d in _decide(
            access,
            SubGoal.objects.filter(case=case, is_active=True).select_related("owner", "category"),
            Counter(),
        )
        if d.allowed
    ]
    access.record()
    return allowed
