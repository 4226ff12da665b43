"""The action plan: the long-term goal, sub-goals per life domain with their activities and
follow-ups, through `plans.selectors.plan_page` (the Plan page's selector)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from samsyn.api.routers.cases import InterventionOut, intervention_rows
from samsyn.api.routers.common import HiddenRow, etagged, hidden_rows, person
from samsyn.cases import selectors
from samsyn.plans.selectors import ActivityView, GoalView, plan_page

router = Router(tags=["plans"])


class ActivityOut(Schema):
    code: UUID
    description: str
    responsible: str
    youth_does: bool
    due_on: date | None
    follow_up_on: date | None
    done_on: date | None
    why: str


class ReviewOut(Schema):
    code: UUID
    reviewed_on: date
    status: str
    status_label: str
    comment: str
    why: str


class GoalOut(Schema):
    code: UUID
    domain: str
    domain_label: str
    goal: str
    youth_words: str
    status: str
    status_label: str
    active: bool
    why: str
    activities: list[ActivityOut]
    reviews: list[ReviewOut]


class DomainOut(Schema):
    domain: str
    label: str
    goals: list[GoalOut]


class PlanOut(Schema):
    identified: bool
    exists: bool
    hidden_plan: bool
    long_term_goal: str
    version: int
    why: str
    domains: list[DomainOut]
    removed: list[GoalOut]
    other_activities: list[ActivityOut]
    interventions: list[InterventionOut]
    hidden: list[HiddenRow]


def _activity(view: ActivityView) -> dict[str, Any]:
    a = view.activity
    responsible = a.responsible_person or a.responsible_organisation
    return {
        "code": a.code,
        "description": a.description,
        "responsible": str(responsible) if responsible else "",
        "youth_does": a.youth_does,
        "due_on": a.due_on,
        "follow_up_on": a.follow_up_on,
        "done_on": a.done_on,
        "why": view.why,
    }


def _goal(view: GoalView) -> dict[str, Any]:
    g = view.subgoal
    return {
        "code": g.code,
        "domain": g.domain,
        "domain_label": g.get_domain_display(),
        "goal": g.goal,
        "youth_words": g.youth_words,
        "status": g.status,
        "status_label": g.get_status_display(),
        "active": g.is_active,
        "why": view.why,
        "activities": [_activity(a) for a in view.activities],
        "reviews": [
            {
                "code": r.review.code,
                "reviewed_on": r.review.reviewed_on,
                "status": r.review.status,
                "status_label": r.review.get_status_display(),
                "comment": r.review.comment,
                "why": r.why,
            }
            for r in view.reviews
        ],
    }


@router.get("/arenden/{code}/plan/", response={200: PlanOut, 304: None}, summary="The action plan")
def case_plan(request: HttpRequest, code: UUID) -> HttpResponse:
    """The plan as the Plan page shows it to the person: what they may see, the rest counted."""
    viewer = person(request)
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    page = plan_page(viewer=viewer, case=case)
    plan = page.plan
    data = {
        "identified": page.identified,
        "exists": plan is not None,
        "hidden_plan": page.plan_hidden,
        "long_term_goal": plan.long_term_goal if plan else "",
        "version": plan.version if plan else 0,
        "why": page.plan_why,
        "domains": [
            {"domain": d.domain, "label": d.label, "goals": [_goal(g) for g in d.goals]}
            for d in page.domains
        ],
        "removed": [_goal(g) for g in page.removed],
        "other_activities": [_activity(a) for a in page.loose_activities],
        "interventions": intervention_rows(page.interventions),
        "hidden": hidden_rows(page.hidden),
    }
    return etagged(request, PlanOut, data)
