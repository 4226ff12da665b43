"""Reads of the action plan and the interventions, always on behalf of a viewer and through
`consent.policy`: every item (the plan, each sub-goal, activity, follow-up and intervention) is
decided by the one door; what the viewer may not see is only counted, by owner and category.
The agreed versions are part of the plan: shown only when the plan itself is allowed.

Rule: a fixed number of queries, whatever the number of goals, activities or reviews.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from samsyn.cases.models import Case, CaseMember
from samsyn.cases.rules import runs_case
from samsyn.cases.selectors import Hidden, decide_all, hidden_summary
from samsyn.consent import policy
from samsyn.consent.selectors import CaseHeader, case_header
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.organisations.models import Organisation, Person, RoleAssignment
from samsyn.plans.models import (
    ActionPlan,
    Activity,
    GoalReview,
    Intervention,
    InterventionKind,
    LifeDomain,
    PlanVersion,
    SubGoal,
)
from samsyn.plans.services import plan_changes


@dataclass(frozen=True)
class ActivityView:
    activity: Activity
    why: str


@dataclass(frozen=True)
class ReviewView:
    review: GoalReview
    why: str


@dataclass
class GoalView:
    subgoal: SubGoal
    why: str
    activities: list[ActivityView] = field(default_factory=list)
    reviews: list[ReviewView] = field(default_factory=list)


@dataclass(frozen=True)
class DomainGroup:
    domain: str
    label: str
    goals: list[GoalView]


@dataclass(frozen=True)
class InterventionView:
    intervention: Intervention
    why: str
    own: bool  # recorded by the viewer's organisation: they may change it


@dataclass(frozen=True)
class OrganisationInterventions:
    organisation: str
    items: list[InterventionView]


@dataclass(frozen=True)
class VersionView:
    """An agreed version, with what changed as far as the viewer may see."""

    version: PlanVersion
    changes: list[str]


@dataclass(frozen=True)
class PlanPage:
    case: Case
    header: CaseHeader
    identified: bool
    runs_case: bool
    plan: ActionPlan | None  # None when there is none, or the viewer may not see it
    plan_why: str
    plan_hidden: bool  # a plan exists, but the viewer may not see it
    domains: list[DomainGroup]
    goals: list[GoalView]  # the active sub-goals the viewer may see, in plan order
    removed: list[GoalView]  # sub-goals taken out of the plan
    loose_activities: list[ActivityView]  # activities without a (visible) sub-goal
    versions: list[VersionView]
    interventions: list[OrganisationInterventions]
    hidden: Hidden
    youth_first_name: str  # only when the viewer may know who the youth is

    @property
    def next_version(self) -> int:
        return (self.plan.version if self.plan else 0) + 1


def _identity(access: policy.CaseAccess) -> bool:
    case = access.case
    return access.note(
        access.identity(), object_type="cases.youth", object_code=str(case.youth.code)
    ).allowed


def _interventions(
    access: policy.CaseAccess, viewer: Person, identified: bool, hidden: Counter[tuple[str, str]]
) -> list[OrganisationInterventions]:
    by_owner: dict[str, list[InterventionView]] = {}
    for item, decision in decide_all(
        access,
        Intervention.objects.filter(case=access.case).select_related(
            "kind", "decided_by", "owner", "category"
        ),
        hidden,
    ):
        if decision.allowed:
            by_owner.setdefault(item.owner.name, []).append(
                InterventionView(
                    intervention=item,
                    why=decision.explain(identified=identified),
                    own=item.owner_id == viewer.organisation_id,
                )
            )
    return [OrganisationInterventions(name, items) for name, items in sorted(by_owner.items())]


def _seen_only(snapshot: dict[str, Any], seen: set[str]) -> dict[str, Any]:
    """A version's snapshot with only the sub-goals and activities the viewer may see now."""
    return {
        **snapshot,
        "subgoals": [
            {
                **goal,
                "activities": [a for a in goal.get("activities", []) if a["code"] in seen],
            }
            for goal in snapshot.get("subgoals", [])
            if goal["code"] in seen
        ],
    }


def _versions(plan: ActionPlan | None, *, seen: set[str]) -> list[VersionView]:
    """The agreed versions, each with what changed since the one before, worked out from the
    snapshots narrowed to what the viewer may see: a sub-goal the viewer may not see (no
    consent, or restricted, D50) is not named in any version's changes."""
    if plan is None:
        return []
    versions = list(PlanVersion.objects.filter(plan=plan).select_related("agreed_by"))
    views = []
    for index, version in enumerate(versions):  # newest first
        before = (
            _seen_only(versions[index + 1].snapshot, seen) if index + 1 < len(versions) else None
        )
        views.append(
            VersionView(
                version=version,
                changes=plan_changes(before, _seen_only(version.snapshot, seen)),
            )
        )
    return views


def plan_page(*, viewer: Person, case: Case) -> PlanPage:
    """The plan as the viewer may see it; every decision goes to the audit log."""
    access = policy.case_access(viewer=viewer, case=case)
    identified = _identity(access)
    hidden: Counter[tuple[str, str]] = Counter()

    plans = decide_all(
        access, ActionPlan.objects.filter(case=case).select_related("owner", "category"), hidden
    )
    plan, plan_why = None, ""
    for item, decision in plans:
        if decision.allowed:
            plan, plan_why = item, decision.explain(identified=identified)

    goals: dict[int, GoalView] = {}
    for item, decision in decide_all(
        access, SubGoal.objects.filter(case=case).select_related("owner", "category"), hidden
    ):
        if decision.allowed:
            goals[item.pk] = GoalView(item, decision.explain(identified=identified))

    loose: list[ActivityView] = []
    for item, decision in decide_all(
        access,
        Activity.objects.filter(case=case).select_related(
            "responsible_person", "responsible_organisation", "meeting", "owner"
        ),
        hidden,
    ):
        if not decision.allowed:
            continue
        view = ActivityView(item, decision.explain(identified=identified))
        goal = goals.get(item.subgoal_id) if item.subgoal_id else None
        if goal is not None:
            goal.activities.append(view)
        else:
            loose.append(view)

    for item, decision in decide_all(
        access,
        GoalReview.objects.filter(case=case).select_related("meeting", "created_by", "owner"),
        hidden,
    ):
        goal = goals.get(item.subgoal_id)
        if decision.allowed and goal is not None:
            goal.reviews.append(ReviewView(item, decision.explain(identified=identified)))

    interventions = _interventions(access, viewer, identified, hidden)
    versions = _versions(
        plan,
        seen={str(goal.subgoal.code) for goal in goals.values()}
        | {str(view.activity.code) for goal in goals.values() for view in goal.activities},
    )
    access.record()

    active = [g for g in goals.values() if g.subgoal.is_active]
    domains = []
    for value, label in LifeDomain.choices:
        in_domain = [g for g in active if g.subgoal.domain == value]
        if in_domain:
            domains.append(DomainGroup(domain=value, label=str(label), goals=in_domain))
    return PlanPage(
        case=case,
        header=case_header(viewer=viewer, case=case, identified=identified),
        identified=identified,
        runs_case=runs_case(viewer, case),
        plan=plan,
        plan_why=plan_why,
        plan_hidden=bool(plans) and plan is None,
        domains=domains,
        goals=[g for group in domains for g in group.goals],
        removed=[g for g in goals.values() if not g.subgoal.is_active],
        loose_activities=loose,
        versions=versions,
        interventions=interventions,
        hidden=hidden_summary(hidden),
        youth_first_name=case.youth.first_name if identified else "",
    )


@dataclass(frozen=True)
class InterventionsPage:
    header: CaseHeader
    identified: bool
    interventions: list[OrganisationInterventions]
    hidden: Hidden


def interventions_page(*, viewer: Person, case: Case) -> InterventionsPage:
    """The case's interventions per organisation, decided by the one door."""
    access = policy.case_access(viewer=viewer, case=case)
    identified = _identity(access)
    hidden: Counter[tuple[str, str]] = Counter()
    interventions = _interventions(access, viewer, identified, hidden)
    access.record()
    return InterventionsPage(
        header=case_header(viewer=viewer, case=case, identified=identified),
        identified=identified,
        interventions=interventions,
        hidden=hidden_summary(hidden),
    )


# --- for the forms ----------------------------------------------------------------------------


def own_intervention(*, viewer: Person, case: Case, code: Any) -> Intervention:
    """One of the viewer's own organisation's interventions in the case (404 otherwise)."""
    return get_by_code_or_404(
        Intervention.objects.filter(case=case, owner_id=viewer.organisation_id).select_related(
            "kind"
        ),
        code,
    )


def intervention_kinds(*, including: InterventionKind | None = None) -> QuerySet[InterventionKind]:
    """The active kinds, and the kind of the intervention being changed even if retired."""
    kinds = Q(is_active=True)
    if including is not None:
        kinds |= Q(pk=including.pk)
    return InterventionKind.objects.filter(kinds)


def case_members(*, case: Case) -> list[Person]:
    """The people taking part in the case (anyone may be made responsible for an activity)."""
    return [
        m.person
        for m in CaseMember.objects.filter(case=case, person__is_active=True)
        .select_related("person__organisation")
        .prefetch_related(
            Prefetch("person__role_assignments", queryset=RoleAssignment.objects.all())
        )
        .order_by("person__organisation__name", "person__last_name", "person__first_name")
    ]


def activity_organisations(*, viewer: Person, case: Case) -> list[Organisation]:
    """For whom the viewer may record activities: their own organisation; the coordinator and
    case officers for every organisation taking part in the case."""
    if runs_case(viewer, case):
        return list(
            Organisation.objects.filter(
                pk__in=CaseMember.objects.filter(case=case).values("person__organisation")
            ).order_by("name")
        )
    return [viewer.organisation] if viewer.organisation is not None else []
