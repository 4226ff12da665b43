"""The individual follow-up of one case ("Uppföljning"), always on behalf of a viewer and
through `consent.policy`, like every other case page.

What it shows, each item decided by the one door (what the viewer may not see is only
counted, by owner and category):
- goal attainment: each sub-goal with its status at every follow-up (`GoalReview`), by date,
  grouped per life domain;
- instrument scores over time (the assessments' comparison: domains × occasions), also drawn
  as a chart (`followup.charts`);
- police reports, concern reports and convictions before, during and after, per counting
  organisation (D19: never presented as an effect);
- network meetings held against the local cadence, and the continuity of the professionals
  who came. When and which professionals came is known to every member (D24), so meetings
  are decided for the audit log but counted also when the viewer may not see their contents.

Rule: a fixed number of queries, whatever the number of goals, reviews, measurements, counts
or meetings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from django.db.models import Prefetch

from samsyn.assessments.selectors import Comparison, measurements_for_case
from samsyn.cases.models import Case, Measure, OutcomeCount, Period, Representation
from samsyn.cases.selectors import Hidden, decide_all, hidden_summary
from samsyn.consent import policy
from samsyn.consent.selectors import CaseHeader, case_header
from samsyn.meetings import cadence
from samsyn.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
from samsyn.meetings.selectors import continuity as meeting_continuity
from samsyn.organisations.models import Person
from samsyn.organisations.selectors import policy_for
from samsyn.plans.models import GoalReview, GoalStatus, LifeDomain, SubGoal

STOCKHOLM = cadence.STOCKHOLM


# --- goal attainment --------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusAt:
    on: date
    status: str
    label: str


@dataclass(frozen=True)
class GoalHistory:
    code: object
    goal: str
    status: str  # the sub-goal's status now
    status_label: str
    is_active: bool
    history: list[StatusAt]  # the follow-ups the viewer may see, oldest first


@dataclass(frozen=True)
class DomainAttainment:
    domain: str
    label: str
    goals: list[GoalHistory]
    achieved: int  # sub-goals in the plan now "uppnått"
    partly: int
    total: int  # active sub-goals


# --- counts before, during, after ---------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeRow:
    measure: str
    owner: str
    values: list[int | None]  # before, during, after; None when not recorded


# --- meetings and continuity ------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingCadence:
    weeks: int  # the local cadence
    held: int  # network meetings held
    expected: int  # whole cadence periods in the SIG so far (or in all of it, once closed)
    dates: list[date]
    longest_gap_weeks: float | None  # the longest time without a network meeting in the SIG
    gaps_over: int  # periods longer than the cadence
    period_start: date | None
    period_end: date | None


@dataclass(frozen=True)
class ContinuityRow:
    organisation: str
    people: list[str]  # the different people who came to held meetings, in order of first visit
    meetings: int  # held meetings at which someone from the organisation came
    representatives: list[str]  # representatives in the group over time, with their periods

    @property
    def changes(self) -> int:
        return max(len(self.people) - 1, 0)


@dataclass(frozen=True)
class CaseFollowupPage:
    case: Case
    header: CaseHeader
    identified: bool
    domains: list[DomainAttainment]
    removed: list[GoalHistory]  # sub-goals taken out of the plan, with their history
    comparisons: list[Comparison]
    outcomes: list[OutcomeRow]
    periods: list[str]  # the column labels of `outcomes`
    cadence: MeetingCadence
    continuity: list[ContinuityRow]
    hidden: Hidden


def _identity(access: policy.CaseAccess) -> bool:
    return access.note(
        access.identity(), object_type="cases.youth", object_code=str(access.case.youth.code)
    ).allowed


def _goals(
    access: policy.CaseAccess, hidden: Counter[tuple[str, str]]
) -> tuple[list[DomainAttainment], list[GoalHistory]]:
    case = access.case
    goals = [
        item
        for item, decision in decide_all(
            access, SubGoal.objects.filter(case=case).select_related("owner", "category"), hidden
        )
        if decision.allowed
    ]
    reviews: dict[int, list[StatusAt]] = {}
    for item, decision in decide_all(
        access,
        GoalReview.objects.filter(case=case)
        .select_related("owner", "category")
        .order_by("reviewed_on", "created_at", "pk"),
        hidden,
    ):
        if decision.allowed:
            reviews.setdefault(item.subgoal_id, []).append(
                StatusAt(item.reviewed_on, item.status, str(item.get_status_display()))
            )
    histories = {
        g.pk: GoalHistory(
            code=g.code,
            goal=g.goal,
            status=g.status,
            status_label=str(g.get_status_display()),
            is_active=g.is_active,
            history=reviews.get(g.pk, []),
        )
        for g in goals
    }
    domains = []
    for value, label in LifeDomain.choices:
        in_domain = [histories[g.pk] for g in goals if g.is_active and g.domain == value]
        if in_domain:
            domains.append(
                DomainAttainment(
                    domain=value,
                    label=str(label),
                    goals=in_domain,
                    achieved=sum(g.status == GoalStatus.ACHIEVED for g in in_domain),
                    partly=sum(g.status == GoalStatus.PARTLY for g in in_domain),
                    total=len(in_domain),
                )
            )
    removed = [histories[g.pk] for g in goals if not g.is_active]
    return domains, removed


def _outcomes(access: policy.CaseAccess, hidden: Counter[tuple[str, str]]) -> list[OutcomeRow]:
    table: dict[tuple[str, str], dict[str, int]] = {}
    for item, decision in decide_all(
        access,
        OutcomeCount.objects.filter(case=access.case).select_related("owner", "category"),
        hidden,
    ):
        if decision.allowed:
            table.setdefault((item.measure, item.owner.name), {})[item.period] = item.count
    order = {value: n for n, value in enumerate(Measure.values)}
    labels = dict(Measure.choices)
    return [
        OutcomeRow(
            measure=str(labels[measure]),
            owner=owner,
            values=[values.get(period) for period in Period.values],
        )
        for (measure, owner), values in sorted(table.items(), key=lambda e: (order[e[0][0]], e[0]))
    ]


def cadence_gaps(
    case: Case, held: list[Meeting], today: date
) -> tuple[list[date], date | None, date, list[tuple[date, date]]]:
    """The case's held network meeting days, the start and end of its SIG as the cadence sees
    them, and the gaps (from, to): start → first meeting → … → last meeting → closure (or
    today)."""
    days = [cadence.meeting_day(m) for m in held if m.kind == MeetingKind.NETWORK]
    return gaps_between(
        days, started=case.started_on, decided=case.decided_on, closed=case.closed_on, today=today
    )


def gaps_between(
    days: list[date],
    *,
    started: date | None,
    decided: date | None,
    closed: date | None,
    today: date,
) -> tuple[list[date], date | None, date, list[tuple[date, date]]]:
    """`cadence_gaps` from the network meetings' days and the case's dates alone (the report
    reads only those, for thousands of cases)."""
    dates = sorted(days)
    start = started or decided or (dates[0] if dates else None)
    end = closed or today
    points = [d for d in dates if start is None or d >= start]
    edges = ([start] if start else []) + points + ([end] if start or points else [])
    return dates, start, end, [(a, b) for a, b in pairwise(edges) if b >= a]


def meeting_cadence(case: Case, held: list[Meeting], weeks: int, today: date) -> MeetingCadence:
    dates, start, end, spans = cadence_gaps(case, held, today)
    gaps = [(later - earlier).days for earlier, later in spans]
    expected = (end - start).days // (weeks * 7) if start and end >= start else 0
    return MeetingCadence(
        weeks=weeks,
        held=len(dates),
        expected=expected,
        dates=dates,
        longest_gap_weeks=round(max(gaps) / 7, 1) if gaps else None,
        gaps_over=sum(g > weeks * 7 for g in gaps),
        period_start=start,
        period_end=end if start else None,
    )


def _continuity(held: list[Meeting], representations: list[Representation]) -> list[ContinuityRow]:
    """Who came from each organisation (`meetings.selectors.continuity`), beside who
    represented it in the group over time."""
    came = {row.organisation: row for row in meeting_continuity(held)[1]}
    represented: dict[str, list[str]] = {}
    for r in representations:
        until = r.ended_on.isoformat() if r.ended_on else "…"
        represented.setdefault(r.organisation.name, []).append(
            f"{r.person} ({r.get_function_display()}, {r.started_on.isoformat()}–{until})"
        )
    return [
        ContinuityRow(
            organisation=name,
            people=came[name].names if name in came else [],
            meetings=came[name].meetings if name in came else 0,
            representatives=represented.get(name, []),
        )
        for name in sorted(set(came) | set(represented))
    ]


def case_followup_page(*, viewer: Person, case: Case) -> CaseFollowupPage:
    """The individual follow-up as the viewer may see it; every decision goes to the audit log
    in one insert. Rule: a fixed number of queries, whatever the number of items."""
    access = policy.case_access(viewer=viewer, case=case)
    identified = _identity(access)
    hidden: Counter[tuple[str, str]] = Counter()
    domains, removed = _goals(access, hidden)
    measurements = measurements_for_case(access=access, identified=identified)
    for owner, category, n in measurements.hidden:
        hidden[(owner, category)] += n
    outcomes = _outcomes(access, hidden)
    meetings = [
        item
        for item, _decision in decide_all(
            access,
            Meeting.objects.filter(case=case, status=MeetingStatus.HELD)
            .exclude(kind=MeetingKind.PREMEETING)
            .select_related("owner", "category")
            .prefetch_related(
                Prefetch(  # professionals only: the youth and guardians are not needed here
                    "attendances",
                    queryset=Attendance.objects.filter(person__isnull=False)
                    .select_related("person", "organisation")
                    .order_by("pk"),
                )
            ),
            Counter(),  # when and who came is known to every member (D24)
        )
        if _decision.basis != policy.Basis.RESTRICTED  # a restricted meeting is not shown (D50)
    ]
    representations = list(
        Representation.objects.filter(case=case).select_related("person", "organisation")
    )
    access.record()
    local = policy_for(municipality=case.municipality, district=case.district)
    weeks = cadence.cadence_weeks(local)
    return CaseFollowupPage(
        case=case,
        header=case_header(viewer=viewer, case=case, identified=identified),
        identified=identified,
        domains=domains,
        removed=removed,
        comparisons=measurements.comparisons,
        outcomes=outcomes,
        periods=[str(label) for label in Period.labels],
        cadence=meeting_cadence(case, meetings, weeks, access.today),
        continuity=_continuity(meetings, representations),
        hidden=hidden_summary(hidden),
    )


def instrument_comparison(*, viewer: Person, case: Case, instrument: str) -> Comparison | None:
    """The scores of one instrument (by short name) the viewer may see, for its chart; None when
    there are none. Every decision goes to the audit log."""
    access = policy.case_access(viewer=viewer, case=case)
    identified = _identity(access)
    overview = measurements_for_case(access=access, identified=identified)
    access.record()
    return next((c for c in overview.comparisons if c.instrument == instrument), None)
