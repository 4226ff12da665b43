"""Reads of case data, always on behalf of a viewer and always through `consent.policy`.

Views never look at case data themselves: they get these view objects, in which anything the
viewer may not see has already been left out (so it cannot reach their browser).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from samsyn.cases.lifecycle import next_states
from samsyn.cases.models import (
    Case,
    CaseMember,
    CaseProfile,
    CaseState,
    CaseTransition,
    Closure,
    FollowUp,
    Guardian,
    InformationGiven,
    InformationPoint,
    JournalNote,
    OutcomeCount,
    PreparationRecommendation,
    Referral,
    Representation,
    SigDecision,
    Youth,
)
from samsyn.cases.rules import runs_case
from samsyn.consent import policy
from samsyn.consent.models import Consent
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.organisations.models import Person, Role, RoleAssignment
from samsyn.organisations.selectors import missing_actor_kinds, policy_for


def age_band(age: int) -> str:
    """Coarse enough not to identify: the bands the follow-up reports use."""
    for low, high in ((0, 12), (13, 14), (15, 17), (18, 20), (21, 25)):
        if low <= age <= high:
            return f"{low}–{high}"
    return "26+"


@dataclass(frozen=True)
class DeidentifiedYouth:
    """What a viewer without consent to identity may know (beredningsgrupp)."""

    anonymous_code: str
    age_band: str
    sex: str
    district: str
    summary: str


def _cases_for(viewer: Person) -> QuerySet[Case]:
    return Case.objects.filter(members__person=viewer).select_related(
        "youth", "district", "owner", "municipality"
    )


def case_get_for_viewer(*, viewer: Person, code: Any) -> Case:
    """The case, if the viewer takes part in it; 404 otherwise (never "forbidden")."""
    return get_by_code_or_404(_cases_for(viewer), code)


def deidentified(case: Case, *, today: date) -> DeidentifiedYouth:
    youth = case.youth
    return DeidentifiedYouth(
        anonymous_code=case.anonymous_code,
        age_band=age_band(youth.age(today)),
        sex=youth.get_sex_display(),
        district=case.district.name if case.district else "",
        summary=case.summary,
    )


@dataclass(frozen=True)
class NoteView:
    code: Any
    decision: policy.Decision
    note: JournalNote | None  # None when the viewer may not see it


@dataclass(frozen=True)
class CasePage:
    case: Case
    access: policy.CaseAccess
    identity: policy.Decision
    youth: Youth | None  # None unless identity is allowed
    anonymous: DeidentifiedYouth
    guardians: list[Guardian]  # empty unless identity is allowed
    members: list[CaseMember]
    notes: list[NoteView]
    hidden: Hidden  # (owner, category, count) the viewer cannot see
    runs_case: bool


def case_page(*, viewer: Person, case: Case) -> CasePage:
    """The case as the viewer may see it; every decision goes to the audit log.

    Rule: a fixed number of queries, whatever the number of notes, consents or members.
    """
    access = policy.case_access(viewer=viewer, case=case)
    identity = access.note(
        access.identity(), object_type="cases.youth", object_code=str(case.youth.code)
    )
    guardians = list(case.youth.guardians.all()) if identity.allowed else []
    members = list(
        CaseMember.objects.filter(case=case)
        .select_related("person__organisation")
        .prefetch_related(
            Prefetch("person__role_assignments", queryset=RoleAssignment.objects.all())
        )
        .order_by("person__organisation__name", "person__last_name")
    )
    notes: list[NoteView] = []
    hidden: Counter[tuple[str, str]] = Counter()
    for note in JournalNote.objects.filter(case=case).select_related(
        "owner", "category", "created_by"
    ):
        decision = access.note(
            access.decide_item(note), object_type="cases.journalnote", object_code=str(note.code)
        )
        if decision.allowed:
            notes.append(NoteView(code=note.code, decision=decision, note=note))
        else:
            hidden[(decision.owner_name, decision.category_name)] += 1
    access.record()
    return CasePage(
        case=case,
        access=access,
        identity=identity,
        youth=case.youth if identity.allowed else None,
        anonymous=deidentified(case, today=access.today),
        guardians=guardians,
        members=members,
        notes=notes,
        hidden=hidden_summary(hidden),
        runs_case=runs_case(viewer, case),
    )


def consents_for_case(*, access: policy.CaseAccess) -> list[Consent]:
    """All consents of the case, newest first, with their history (already loaded)."""
    return sorted(access.consents, key=lambda c: (c.given_on, c.created_at), reverse=True)


def consents_expiring(*, viewer: Person, within_days: int = 30) -> list[Consent]:
    """Live consents in the viewer's cases that end within `within_days` (a reminder list)."""
    today = timezone.localdate()
    return list(
        Consent.objects.current()
        .filter(
            case__members__person=viewer,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=within_days),
        )
        .select_related("case", "releasing_organisation")
        .order_by("valid_until")
    )


# --- the lifecycle page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """An item the viewer may see, with the reason shown beside it."""

    item: Any
    why: str


@dataclass(frozen=True)
class TimelineEntry:
    at: Any
    from_state: str
    to_state: str
    reason: str  # empty when the viewer may not see why
    by: str
    visible: bool


@dataclass(frozen=True)
class InformationRow:
    point: int
    label: str
    given: list[InformationGiven]


@dataclass(frozen=True)
class LifecyclePage:
    case: Case
    access: policy.CaseAccess
    identified: bool
    runs_case: bool
    state: str
    state_label: str
    next_states: list[tuple[str, str]]
    referrals: list[Shown]
    information: list[InformationRow] | None  # None when the viewer may not see it
    information_complete: bool
    decision: Shown | None
    closure: Shown | None
    followups: list[FollowUp]
    timeline: list[TimelineEntry]
    representations: list[Representation]
    members: list[CaseMember]
    hidden: Hidden
    has_live_consent: bool
    recommendations: list[PreparationRecommendation]
    missing_kinds: list[str]  # actor kinds local policy requires but nobody represents


Hidden = list[tuple[str, str, int]]  # (owner, category, count) the viewer may not see


def hidden_summary(counter: Counter[tuple[str, str]]) -> Hidden:
    """What the viewer may not see, as (owner, category, count) rows in a stable order."""
    return [(owner, category, n) for (owner, category), n in sorted(counter.items())]


def decide_all(
    access: policy.CaseAccess, items: Iterable[Any], hidden: Counter[tuple[str, str]]
) -> list[tuple[Any, policy.Decision]]:
    """Decide each item for the viewer, queue the decision for the audit log, and count what
    is hidden by owner and category."""
    decided = []
    for item in items:
        decision = access.note(
            access.decide_item(item),
            object_type=item._meta.label_lower,
            object_code=str(item.code),
        )
        decided.append((item, decision))
        if not decision.allowed:
            hidden[(decision.owner_name, decision.category_name)] += 1
    return decided


def lifecycle_page(*, viewer: Person, case: Case) -> LifecyclePage:
    """The case's course for the viewer: state, referral, information, decision, group,
    closure, follow-ups and timeline, each item decided by the one door.

    Rule: a fixed number of queries, whatever the number of items.
    """
    access = policy.case_access(viewer=viewer, case=case)
    identity = access.note(
        access.identity(), object_type="cases.youth", object_code=str(case.youth.code)
    )
    identified = identity.allowed
    hidden: Counter[tuple[str, str]] = Counter()

    def shown(items: Iterable[Any]) -> list[Shown]:
        return [
            Shown(item, decision.explain(identified=identified))
            for item, decision in decide_all(access, items, hidden)
            if decision.allowed
        ]

    referrals = shown(
        Referral.objects.filter(case=case).select_related(
            "source_organisation", "source_person", "owner", "category"
        )
    )
    given = shown(InformationGiven.objects.filter(case=case).select_related("informed_by", "owner"))
    information: list[InformationRow] | None = None
    if given or runs_case(viewer, case):
        by_point: dict[int, list[InformationGiven]] = {}
        for entry in given:
            by_point.setdefault(entry.item.point, []).append(entry.item)
        information = [
            InformationRow(point=value, label=str(label), given=by_point.get(value, []))
            for value, label in InformationPoint.choices
        ]
    decisions = shown(
        SigDecision.objects.filter(case=case).select_related("decision_maker", "owner")
    )
    closures = shown(Closure.objects.filter(case=case).select_related("owner"))
    followups = [
        s.item for s in shown(FollowUp.objects.filter(case=case).select_related("done_by"))
    ]
    timeline = []
    for item, decision in decide_all(
        access,
        CaseTransition.objects.filter(case=case).select_related("created_by"),
        Counter(),  # the state itself is known to every member; only the reason is hidden
    ):
        timeline.append(
            TimelineEntry(
                at=item.created_at,
                from_state=item.get_from_state_display() if item.from_state else "",
                to_state=item.get_to_state_display(),
                reason=item.reason if decision.allowed else "",
                by=str(item.created_by) if decision.allowed else "",
                visible=decision.allowed,
            )
        )
    representations = list(
        Representation.objects.filter(case=case).select_related("person", "organisation")
    )
    members = list(
        CaseMember.objects.filter(case=case)
        .select_related("person__organisation")
        .prefetch_related(
            Prefetch("person__role_assignments", queryset=RoleAssignment.objects.all())
        )
        .order_by("person__organisation__name", "person__last_name")
    )
    access.record()
    runs = runs_case(viewer, case)
    return LifecyclePage(
        case=case,
        access=access,
        identified=identified,
        runs_case=runs,
        state=case.state,
        state_label=case.get_state_display(),
        next_states=[(s, str(CaseState(s).label)) for s in next_states(case.state)] if runs else [],
        referrals=referrals,
        information=information,
        information_complete=information is not None and all(row.given for row in information),
        decision=decisions[0] if decisions else None,
        closure=closures[0] if closures else None,
        followups=followups,
        timeline=timeline,
        representations=representations,
        members=members,
        hidden=hidden_summary(hidden),
        has_live_consent=any(c.is_live(access.today) for c in access.consents),
        recommendations=list(case.recommendations.select_related("recorded_by")),
        missing_kinds=missing_actor_kinds(
            policy=policy_for(municipality=case.municipality, district=case.district),
            organisations=[m.person.organisation for m in members if m.person.organisation],
        ),
    )


# --- background and outcome (the Huddinge variables) ------------------------------------------


@dataclass(frozen=True)
class ProfilePage:
    case: Case
    identified: bool
    runs_case: bool
    profile: Shown | None
    profile_hidden: bool
    counts: list[Shown]
    hidden: Hidden
    age_at_start: int | None
    legal_basis: str


def profile_page(*, viewer: Person, case: Case) -> ProfilePage:
    """The baseline variables and the before/during/after counts, decided by the one door."""
    access = policy.case_access(viewer=viewer, case=case)
    identity = access.note(
        access.identity(), object_type="cases.youth", object_code=str(case.youth.code)
    )
    identified = identity.allowed
    hidden: Counter[tuple[str, str]] = Counter()
    profiles = decide_all(access, CaseProfile.objects.filter(case=case), hidden)
    counts = decide_all(
        access, OutcomeCount.objects.filter(case=case).select_related("owner"), hidden
    )
    decisions = decide_all(access, SigDecision.objects.filter(case=case), Counter())
    access.record()
    shown_profile = next(
        (Shown(p, d.explain(identified=identified)) for p, d in profiles if d.allowed), None
    )
    decision = next((item for item, d in decisions if d.allowed), None)
    start = case.started_on or case.decided_on
    return ProfilePage(
        case=case,
        identified=identified,
        runs_case=runs_case(viewer, case),
        profile=shown_profile,
        profile_hidden=bool(profiles) and shown_profile is None,
        counts=[Shown(c, d.explain(identified=identified)) for c, d in counts if d.allowed],
        hidden=hidden_summary(hidden),
        age_at_start=case.youth.age(start) if (start and identified) else None,
        legal_basis=decision.get_legal_basis_display() if decision else "",
    )


def followup_for_case(*, case: Case, code: Any) -> FollowUp:
    """One of the case's follow-ups, for the form that records it (404 otherwise)."""
    return get_by_code_or_404(FollowUp.objects.filter(case=case), code)


def decision_makers(*, case: Case) -> QuerySet[Person]:
    """Who may be named as decision-maker: case officers and managers of the owner."""
    return (
        Person.objects.filter(
            organisation_id=case.owner_id,
            is_active=True,
            role_assignments__role__in=[Role.CASE_OFFICER, Role.MANAGER],
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def case_people(*, case: Case) -> QuerySet[Person]:
    """Active people of the case's municipality (for naming coordinator, lots, contact police)."""
    return (
        Person.objects.filter(
            is_active=True,
            organisation__municipality_id=case.municipality_id,
            organisation__is_active=True,
        )
        .select_related("organisation")
        .order_by("organisation__name", "last_name", "first_name")
    )
