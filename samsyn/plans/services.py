"""Writes for the action plan and the interventions: validated, atomic, audited.

Rules: the coordinator and case officers of the owner organisation (`runs_case`) write the plan
(long-term goal, sub-goals, follow-ups, agreed versions); any member records activities for
their own organisation; each organisation records and changes only its own interventions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.cases.models import Case, CaseMember
from samsyn.cases.rules import require_member, require_runs_case, runs_case
from samsyn.cases.services import audit_case, category_by_slug
from samsyn.consent.models import DataCategory
from samsyn.lib.concurrency import check_seen, fingerprint
from samsyn.organisations.models import Organisation, Person
from samsyn.plans.models import (
    ActionPlan,
    Activity,
    GoalReview,
    GoalStatus,
    Intervention,
    InterventionKind,
    InterventionStatus,
    LifeDomain,
    PlanVersion,
    SubGoal,
)

PLAN_CATEGORY = "plan"


def _require_same_case(item: Any, case: Case, field: str) -> None:
    if item is not None and item.case_id != case.pk:
        raise ValidationError({field: _("Uppgiften hör inte till ärendet.")})


def _plan_of(case: Case) -> ActionPlan:
    plan = ActionPlan.objects.filter(case=case).first()
    if plan is None:
        raise ValidationError(_("Skriv först det långsiktiga målet i planen."))
    return plan


def may_create_activity_for(actor: Person, case: Case, organisation: Organisation) -> bool:
    """A member records activities for their own organisation; the coordinator and case
    officers for any organisation taking part in the case."""
    if actor.organisation_id == organisation.pk:
        return True
    return runs_case(actor, case) and member_organisations(case).filter(pk=organisation.pk).exists()


def member_organisations(case: Case) -> Any:
    return Organisation.objects.filter(
        pk__in=CaseMember.objects.filter(case=case).values("person__organisation")
    ).order_by("name")


# --- activities and follow-ups (also called from meetings) ---------------------------------


@transaction.atomic
def activity_create(
    *,
    actor: Person,
    case: Case,
    description: str,
    responsible_organisation: Organisation,
    responsible_person: Person | None = None,
    subgoal: SubGoal | None = None,
    due_on: date | None = None,
    follow_up_on: date | None = None,
    meeting: Any = None,
    youth_does: bool = False,
) -> Activity:
    """Record who does what, by when, and when it is followed up.

    Rule: any member records activities for their own organisation; the coordinator and case
    officers for any organisation of the case's members; the responsible person takes part in
    the case and belongs to the responsible organisation. Owned by the recording organisation,
    in the category "plan".
    """
    require_member(actor, case)
    if actor.organisation is None:
        raise PermissionDenied(_("Du hör inte till någon organisation."))
    if not may_create_activity_for(actor, case, responsible_organisation):
        raise ValidationError(
            {
                "responsible_organisation": _(
                    "Du kan bara lägga in aktiviteter för din egen organisation."
                )
            }
        )
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = [_("Skriv vad som ska göras.")]
    if responsible_person is not None:
        if not CaseMember.objects.filter(case=case, person=responsible_person).exists():
            errors["responsible_person"] = [_("Personen deltar inte i ärendet.")]
        elif responsible_person.organisation_id != responsible_organisation.pk:
            errors["responsible_person"] = [_("Personen hör inte till den organisationen.")]
    if subgoal is not None and (subgoal.case_id != case.pk or not subgoal.is_active):
        errors["subgoal"] = [_("Delmålet hör inte till planen.")]
    if meeting is not None and meeting.case_id != case.pk:
        errors["meeting"] = [_("Mötet hör inte till ärendet.")]
    if due_on and follow_up_on and follow_up_on < due_on:
        errors["follow_up_on"] = [_("Uppföljningen kan inte ligga före klart-datumet.")]
    if errors:
        raise ValidationError(errors)
    activity = Activity(
        case=case,
        owner=actor.organisation,
        category=category_by_slug(PLAN_CATEGORY),
        created_by=actor,
        subgoal=subgoal,
        description=description.strip(),
        responsible_person=responsible_person,
        responsible_organisation=responsible_organisation,
        youth_does=youth_does,
        due_on=due_on,
        follow_up_on=follow_up_on,
        meeting=meeting,
    )
    activity.full_clean()
    activity.save()
    audit_case(
        actor,
        Action.CREATE,
        case,
        activity,
        category=PLAN_CATEGORY,
        responsible_organisation=responsible_organisation.pk,
    )
    return activity


@transaction.atomic
def activity_done(*, actor: Person, case: Case, activity: Activity, done_on: date) -> Activity:
    """Mark an activity done. Rule: its recording organisation, the responsible organisation,
    or the coordinator and case officers."""
    require_member(actor, case)
    _require_same_case(activity, case, "activity")
    if not (
        runs_case(actor, case)
        or actor.organisation_id in (activity.owner_id, activity.responsible_organisation_id)
    ):
        raise PermissionDenied(_("Du kan bara klarmarkera din egen organisations aktiviteter."))
    if done_on < activity.created_at.date():
        raise ValidationError({"done_on": _("Datumet ligger före aktiviteten lades in.")})
    activity.done_on = done_on
    activity.full_clean()
    activity.save(update_fields=["done_on", "updated_at"])
    audit_case(actor, Action.UPDATE, case, activity, done_on=done_on.isoformat())
    return activity


@transaction.atomic
def goal_review_record(
    *,
    actor: Person,
    case: Case,
    subgoal: SubGoal,
    status: str,
    reviewed_on: date,
    comment: str = "",
    meeting: Any = None,
) -> GoalReview:
    """Follow up a sub-goal (usually at a network meeting): its status then, and why. Sets the
    sub-goal's status. Rule: only the coordinator and case officers."""
    require_runs_case(actor, case)
    errors: dict[str, list[str]] = {}
    if subgoal.case_id != case.pk:
        errors["subgoal"] = [_("Delmålet hör inte till planen.")]
    if status not in GoalStatus.values:
        errors["status"] = [_("Välj en status.")]
    if meeting is not None and meeting.case_id != case.pk:
        errors["meeting"] = [_("Mötet hör inte till ärendet.")]
    if errors:
        raise ValidationError(errors)
    review = GoalReview(
        case=case,
        owner=case.owner,
        category=category_by_slug(PLAN_CATEGORY),
        created_by=actor,
        subgoal=subgoal,
        meeting=meeting,
        reviewed_on=reviewed_on,
        status=status,
        comment=comment.strip(),
    )
    review.full_clean()
    review.save()
    before = subgoal.status
    if before != status:
        subgoal.status = status
        subgoal.save(update_fields=["status", "updated_at"])
    audit_case(actor, Action.CREATE, case, review, before=before, after=status)
    return review


# --- the plan -------------------------------------------------------------------------------


def goal_fingerprint(plan: ActionPlan | None) -> str:
    """What the long-term goal form's writer saw (D53): no plan, or this goal."""
    return fingerprint(plan.long_term_goal if plan else None)


def subgoal_fingerprint(subgoal: SubGoal) -> str:
    """What a sub-goal's edit form's writer saw (D53)."""
    return fingerprint(
        [subgoal.domain, subgoal.goal, subgoal.youth_words, subgoal.status, subgoal.is_active]
    )


def plan_fingerprint(plan: ActionPlan, snapshot: dict[str, Any] | None = None) -> str:
    """What the person agreeing the plan saw (D53): everything a version records (the plan's
    snapshot), without the labels, which follow the viewer's language."""
    content = snapshot or _snapshot(plan)
    return fingerprint(
        {
            **content,
            "subgoals": [
                {k: v for k, v in s.items() if k not in ("domain_label", "status_label")}
                for s in content["subgoals"]
            ],
        }
    )


@transaction.atomic
def plan_save(
    *, actor: Person, case: Case, long_term_goal: str, seen: str | None = None
) -> ActionPlan:
    """Write (or rewrite) the long-term goal, in the youth's own words. Rule: only the
    coordinator and case officers; the plan is the owner organisation's, category "plan".
    `seen` is the goal_fingerprint of what the writer saw; another text is a conflict."""
    require_runs_case(actor, case)
    if not long_term_goal.strip():
        raise ValidationError({"long_term_goal": _("Skriv det långsiktiga målet.")})
    plan = ActionPlan.objects.select_for_update().filter(case=case).first()
    check_seen(
        seen,
        goal_fingerprint(plan),
        field="long_term_goal",
        message=_(
            "Någon annan har ändrat det långsiktiga målet sedan du öppnade sidan. Din text finns "
            "kvar här nedan: spara igen för att ersätta det som står nu, eller ändra först. Det "
            "som står nu: ”%(now)s”"
        )
        % {"now": plan.long_term_goal if plan else ""},
    )
    creating = plan is None
    if plan is None:
        plan = ActionPlan(
            case=case, owner=case.owner, category=category_by_slug(PLAN_CATEGORY), created_by=actor
        )
    elif plan.long_term_goal == long_term_goal.strip():
        return plan
    plan.long_term_goal = long_term_goal.strip()
    plan.full_clean()
    plan.save()
    audit_case(
        actor,
        Action.CREATE if creating else Action.UPDATE,
        case,
        plan,
        fields=["long_term_goal"],
        category=PLAN_CATEGORY,
    )
    return plan


@transaction.atomic
def subgoal_save(
    *,
    actor: Person,
    case: Case,
    subgoal: SubGoal | None = None,
    domain: str,
    goal: str,
    youth_words: str = "",
    status: str | None = None,
    seen: str | None = None,
) -> SubGoal:
    """Add a sub-goal in a life domain, or change one. Rule: only the coordinator and case
    officers; a removed sub-goal is not changed. `seen` is the subgoal_fingerprint of what the
    writer saw; a sub-goal changed since is a conflict."""
    require_runs_case(actor, case)
    plan = _plan_of(case)
    if subgoal is not None:
        subgoal = SubGoal.objects.select_for_update().get(pk=subgoal.pk)
    errors: dict[str, list[str]] = {}
    if domain not in LifeDomain.values:
        errors["domain"] = [_("Välj ett livsområde.")]
    if not goal.strip():
        errors["goal"] = [_("Skriv delmålet.")]
    if status is not None and status not in GoalStatus.values:
        errors["status"] = [_("Välj en status.")]
    if subgoal is not None and (subgoal.case_id != case.pk or not subgoal.is_active):
        errors["subgoal"] = [_("Delmålet hör inte till planen.")]
    if errors:
        raise ValidationError(errors)
    if subgoal is not None:
        check_seen(
            seen,
            subgoal_fingerprint(subgoal),
            field=None,
            message=_(
                "Någon annan har ändrat delmålet sedan du öppnade sidan. Dina ändringar finns "
                "kvar här nedan: spara igen för att ersätta det som står nu, eller ändra först. "
                "Det som står nu: ”%(now)s” (%(status)s)"
            )
            % {"now": subgoal.goal, "status": GoalStatus(subgoal.status).label},
        )
    creating = subgoal is None
    if subgoal is None:
        subgoal = SubGoal(
            case=case,
            owner=case.owner,
            category=category_by_slug(PLAN_CATEGORY),
            created_by=actor,
            plan=plan,
        )
    before = {"domain": subgoal.domain, "status": subgoal.status}
    subgoal.domain = domain
    subgoal.goal = goal.strip()
    subgoal.youth_words = youth_words.strip()
    if status is not None:
        subgoal.status = status
    subgoal.full_clean()
    subgoal.save()
    audit_case(
        actor,
        Action.CREATE if creating else Action.UPDATE,
        case,
        subgoal,
        before=None if creating else before,
        after={"domain": subgoal.domain, "status": subgoal.status},
    )
    return subgoal


@transaction.atomic
def subgoal_remove(*, actor: Person, case: Case, subgoal: SubGoal) -> SubGoal:
    """Take a sub-goal out of the plan; it is kept, inactive, with its history."""
    require_runs_case(actor, case)
    if subgoal.case_id != case.pk:
        raise ValidationError({"subgoal": _("Delmålet hör inte till planen.")})
    if not subgoal.is_active:
        raise ValidationError({"subgoal": _("Delmålet är redan borttaget.")})
    subgoal.is_active = False
    subgoal.save(update_fields=["is_active", "updated_at"])
    audit_case(actor, Action.UPDATE, case, subgoal, is_active=False)
    return subgoal


def _snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The plan as it stands: the long-term goal and the active sub-goals with activities."""
    subgoals = list(
        SubGoal.objects.filter(plan=plan, is_active=True).prefetch_related(
            "activities__responsible_person", "activities__responsible_organisation"
        )
    )
    return {
        "long_term_goal": plan.long_term_goal,
        "subgoals": [
            {
                "code": str(s.code),
                "domain": s.domain,
                "domain_label": str(LifeDomain(s.domain).label),
                "goal": s.goal,
                "youth_words": s.youth_words,
                "status": s.status,
                "status_label": str(GoalStatus(s.status).label),
                "activities": [
                    {
                        "code": str(a.code),
                        "description": a.description,
                        "person": str(a.responsible_person) if a.responsible_person else "",
                        "organisation": a.responsible_organisation.name,
                        "youth_does": a.youth_does,
                        "due_on": a.due_on.isoformat() if a.due_on else None,
                        "follow_up_on": a.follow_up_on.isoformat() if a.follow_up_on else None,
                        "done_on": a.done_on.isoformat() if a.done_on else None,
                    }
                    for a in s.activities.all()
                ],
            }
            for s in subgoals
        ],
    }


def _short(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def plan_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """What changed between two snapshots, as plain Swedish sentences."""
    if before is None:
        return [_("Första versionen av planen.")]
    changes: list[str] = []
    if before.get("long_term_goal") != after.get("long_term_goal"):
        changes.append(_("Nytt långsiktigt mål: %(goal)s") % {"goal": after["long_term_goal"]})
    old = {s["code"]: s for s in before.get("subgoals", [])}
    new = {s["code"]: s for s in after.get("subgoals", [])}
    for code, goal in new.items():
        label = goal["domain_label"]
        if code not in old:
            changes.append(
                _("Nytt delmål inom %(domain)s: %(goal)s")
                % {"domain": label, "goal": _short(goal["goal"])}
            )
            continue
        previous = old[code]
        if previous["goal"] != goal["goal"] or previous["domain"] != goal["domain"]:
            changes.append(
                _("Delmålet inom %(domain)s har ändrats till: %(goal)s")
                % {"domain": label, "goal": _short(goal["goal"])}
            )
        if previous["youth_words"] != goal["youth_words"]:
            changes.append(
                _("Ungdomens ord för delmålet ”%(goal)s” har ändrats.")
                % {"goal": _short(goal["goal"])}
            )
        if previous["status"] != goal["status"]:
            changes.append(
                _("Status för ”%(goal)s” ändrad från %(before)s till %(after)s")
                % {
                    "goal": _short(goal["goal"]),
                    "before": previous["status_label"],
                    "after": goal["status_label"],
                }
            )
        old_activities = {a["code"] for a in previous.get("activities", [])}
        for activity in goal.get("activities", []):
            if activity["code"] not in old_activities:
                changes.append(
                    _("Ny aktivitet för ”%(goal)s”: %(activity)s")
                    % {"goal": _short(goal["goal"]), "activity": _short(activity["description"])}
                )
    for code, goal in old.items():
        if code not in new:
            changes.append(
                _("Delmålet ”%(goal)s” har tagits bort") % {"goal": _short(goal["goal"])}
            )
    return changes or [_("Inga ändringar sedan förra versionen.")]


@transaction.atomic
def plan_agree(
    *, actor: Person, case: Case, agreed_on: date, seen: str | None = None
) -> PlanVersion:
    """Agree the plan as it stands: a new numbered version with what changed since the
    previous one. Rule: only the coordinator and case officers. `seen` is the plan_fingerprint
    of the plan the person read: a plan changed since is a conflict (nobody agrees to
    something they have not seen)."""
    require_runs_case(actor, case)
    plan = ActionPlan.objects.select_for_update().filter(case=case).first()
    if plan is None:
        raise ValidationError(_("Skriv först det långsiktiga målet i planen."))
    snapshot = _snapshot(plan)
    check_seen(
        seen,
        plan_fingerprint(plan, snapshot),
        field=None,
        message=_(
            "Planen har ändrats sedan du öppnade sidan. Läs igenom den igen här ovanför och "
            "godkänn den sedan."
        ),
    )
    previous = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    if previous is not None and agreed_on < previous.agreed_on:
        raise ValidationError(
            {"agreed_on": _("Datumet ligger före den förra versionen av planen.")}
        )
    version = PlanVersion(
        plan=plan,
        number=plan.version + 1,
        agreed_on=agreed_on,
        agreed_by=actor,
        snapshot=snapshot,
        changes=plan_changes(previous.snapshot if previous else None, snapshot),
    )
    version.full_clean()
    version.save()
    plan.version = version.number
    plan.save(update_fields=["version", "updated_at"])
    audit_case(
        actor, Action.CREATE, case, plan, version=version.number, changes=len(version.changes)
    )
    return version


# --- interventions --------------------------------------------------------------------------


def _interventioncategory_by_slug(organisation: Organisation) -> DataCategory:
    """The organisation's own category (its kind's slug: socialtjanst, polis, skola…), else
    the plan's."""
    own = DataCategory.objects.filter(slug=organisation.kind).first()
    return own or category_by_slug(PLAN_CATEGORY)


@transaction.atomic
def intervention_save(
    *,
    actor: Person,
    case: Case,
    intervention: Intervention | None = None,
    kind: InterventionKind,
    description: str,
    started_on: date,
    ended_on: date | None = None,
    status: str,
) -> Intervention:
    """Record or change one of the actor's organisation's interventions. Rule: each
    organisation records and changes only its own interventions (DOMAIN step 9)."""
    require_member(actor, case)
    organisation = actor.organisation
    if organisation is None:
        raise PermissionDenied(_("Du hör inte till någon organisation."))
    if intervention is not None and (
        intervention.case_id != case.pk or intervention.owner_id != organisation.pk
    ):
        raise PermissionDenied(_("Bara den organisation som beslutat insatsen kan ändra den."))
    errors: dict[str, list[str]] = {}
    if not kind.is_active and (intervention is None or intervention.kind_id != kind.pk):
        errors["kind"] = [_("Den insatsen används inte längre.")]
    if status not in InterventionStatus.values:
        errors["status"] = [_("Välj en status.")]
    if ended_on is not None and ended_on < started_on:
        errors["ended_on"] = [_("Slutdatumet kan inte ligga före startdatumet.")]
    if errors:
        raise ValidationError(errors)
    creating = intervention is None
    if intervention is None:
        intervention = Intervention(
            case=case,
            owner=organisation,
            category=_interventioncategory_by_slug(organisation),
            created_by=actor,
        )
    before = {
        "kind": intervention.kind_id if not creating else None,
        "status": intervention.status,
        "ended_on": intervention.ended_on.isoformat() if intervention.ended_on else None,
    }
    intervention.kind = kind
    intervention.description = description.strip()
    intervention.decided_by = actor
    intervention.started_on = started_on
    intervention.ended_on = ended_on
    intervention.status = status
    intervention.full_clean()
    intervention.save()
    audit_case(
        actor,
        Action.CREATE if creating else Action.UPDATE,
        case,
        intervention,
        category=intervention.category.slug,
        before=None if creating else before,
        after={
            "kind": kind.pk,
            "status": status,
            "ended_on": ended_on.isoformat() if ended_on else None,
        },
    )
    return intervention
