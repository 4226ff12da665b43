"""The plan pages of a case: the action plan (goals, activities, follow-ups, agreed versions),
its two PDFs, and the interventions.

Every view starts with `case_get_for_viewer` (404 outside the case). What the pages show comes
from `selectors.plan_page` / `selectors.interventions_page`, in which the one door has already
left out what the viewer may not see; the forms offer only what the viewer can see and choose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.models import Case
from samsyn.cases.rules import runs_case
from samsyn.cases.selectors import case_get_for_viewer
from samsyn.lib.http import AuthedHttpRequest
from samsyn.lib.pdf import pdf_response, render_pdf
from samsyn.organisations.forms import submit
from samsyn.plans import selectors, services
from samsyn.plans.forms import (
    ActivityDoneForm,
    ActivityForm,
    AgreeForm,
    GoalReviewForm,
    InterventionForm,
    PlanForm,
    SubGoalEditForm,
    SubGoalForm,
    SubGoalRefForm,
    goal_labels,
)
from samsyn.plans.selectors import PlanPage


def _done_candidates(request: AuthedHttpRequest, page: PlanPage) -> list[Any]:
    viewer = request.user
    activities = [a.activity for g in page.goals for a in g.activities]
    activities += [a.activity for a in page.loose_activities]
    return [
        a
        for a in activities
        if a.done_on is None
        and (
            page.runs_case or viewer.organisation_id in (a.owner_id, a.responsible_organisation_id)
        )
    ]


def _forms(request: AuthedHttpRequest, case: Case, page: PlanPage, bound: dict[str, Any]) -> Any:
    viewer = request.user
    today = timezone.localdate()
    subgoals = [g.subgoal for g in page.goals]
    organisations = selectors.activity_organisations(viewer=viewer, case=case)
    activity_form = bound.get("activity_form") or ActivityForm(
        subgoals=subgoals,
        organisations=organisations,
        people=selectors.case_members(case=case),
        initial={"responsible_organisation": viewer.organisation_id},
    )
    done = _done_candidates(request, page)
    result: dict[str, Any] = {
        "activity_form": activity_form,
        "done_codes": {a.code for a in done},
        "done_on": today,
    }
    if page.runs_case:
        result |= {
            "plan_form": bound.get("plan_form")
            or PlanForm(
                initial={
                    "long_term_goal": page.plan.long_term_goal if page.plan else "",
                    "seen": services.goal_fingerprint(page.plan),
                }
            ),
            "subgoal_form": bound.get("subgoal_form") or SubGoalForm(prefix="nytt"),
            "agree_form": bound.get("agree_form")
            or AgreeForm(
                initial={
                    "agreed_on": today,
                    "seen": services.plan_fingerprint(page.plan) if page.plan else "",
                }
            ),
        }
    result["domain_rows"] = _domain_rows(page, subgoals, bound)
    return result


def _domain_rows(page: PlanPage, subgoals: list[Any], bound: dict[str, Any]) -> list[Any]:
    """Per life domain, each visible sub-goal with its own edit and follow-up forms (for the
    coordinator; ids made unique per goal)."""
    today = timezone.localdate()
    failed = bound.get("failed_goal")
    labels = goal_labels(subgoals)
    rows = []
    for group in page.domains:
        goals = []
        for goal in group.goals:
            code = goal.subgoal.code
            edit_form = review_form = None
            if page.runs_case:
                edit_form = (
                    bound.get("edit_form")
                    if failed == code and bound.get("edit_form")
                    else SubGoalEditForm(
                        subgoals=subgoals,
                        labels=labels,
                        auto_id=f"id_e{code.hex[:8]}_%s",
                        initial={
                            "subgoal": code,
                            "domain": goal.subgoal.domain,
                            "goal": goal.subgoal.goal,
                            "youth_words": goal.subgoal.youth_words,
                            "status": goal.subgoal.status,
                            "seen": services.subgoal_fingerprint(goal.subgoal),
                        },
                    )
                )
                review_form = (
                    bound.get("review_form")
                    if failed == code and bound.get("review_form")
                    else GoalReviewForm(
                        subgoals=subgoals,
                        labels=labels,
                        auto_id=f"id_u{code.hex[:8]}_%s",
                        initial={"subgoal": code, "reviewed_on": today},
                    )
                )
            goals.append((goal, edit_form, review_form))
        rows.append((group, goals))
    return rows


def plan_response(request: AuthedHttpRequest, case: Case, **bound: Any) -> HttpResponse:
    page = selectors.plan_page(viewer=request.user, case=case)
    context = {"header": page.header, "page": page, **_forms(request, case, page, bound)}
    return render(request, "plans/plan.html", context)


@login_required
@require_GET
def plan(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case = case_get_for_viewer(viewer=request.user, code=code)
    return plan_response(request, case)


def _post(
    request: AuthedHttpRequest,
    code: UUID,
    *,
    form_name: str,
    make_form: Callable[[Case, PlanPage | None], django_forms.Form],
    act: Callable[[Case, dict[str, Any]], Any],
    success: str,
    runs_only: bool = True,
    needs_page: bool = False,
) -> HttpResponse:
    """Parse the form, call the service, redirect; on error show the page with the form's
    errors (nothing was written: every service is one transaction)."""
    viewer = request.user
    case = case_get_for_viewer(viewer=viewer, code=code)
    if runs_only and not runs_case(viewer, case):
        raise Http404
    page = selectors.plan_page(viewer=viewer, case=case) if needs_page else None
    form = make_form(case, page)
    try:
        saved = submit(request, form, lambda data: act(case, data), success)
    except PermissionDenied as exc:
        raise Http404 from exc
    if saved:
        return redirect("plans:plan", code=case.code)
    return plan_response(request, case, **{form_name: form, "failed_goal": _chosen(form)})


def _chosen(form: django_forms.Form) -> Any:
    """The code of the sub-goal a failed form was about, to show its errors in place."""
    if "subgoal" not in form.fields:
        return None
    chosen = getattr(form, "cleaned_data", {}).get("subgoal")
    if chosen is not None:
        return chosen.code
    try:
        return UUID(str(form.data.get("subgoal")))
    except ValueError:
        return None


def _visible_subgoals(page: PlanPage | None) -> list[Any]:
    return [g.subgoal for g in page.goals] if page else []


@login_required
@require_POST
def plan_save(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _post(
        request,
        code,
        form_name="plan_form",
        make_form=lambda case, page: PlanForm(request.POST),
        act=lambda case, data: services.plan_save(actor=request.user, case=case, **data),
        success=_("Det långsiktiga målet är sparat."),
    )


@login_required
@require_POST
def subgoal_create(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _post(
        request,
        code,
        form_name="subgoal_form",
        make_form=lambda case, page: SubGoalForm(request.POST, prefix="nytt"),
        act=lambda case, data: services.subgoal_save(actor=request.user, case=case, **data),
        success=_("Delmålet är sparat."),
    )


@login_required
@require_POST
def subgoal_edit(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = case_get_for_viewer(viewer=viewer, code=code)
    if not runs_case(viewer, case):
        raise Http404
    page = selectors.plan_page(viewer=viewer, case=case)
    form = SubGoalEditForm(request.POST, subgoals=_visible_subgoals(page))
    if submit(
        request,
        form,
        lambda data: services.subgoal_save(actor=viewer, case=case, **data),
        _("Delmålet är sparat."),
    ):
        return redirect("plans:plan", code=case.code)
    return plan_response(request, case, edit_form=form, failed_goal=_chosen(form))


@login_required
@require_POST
def subgoal_remove(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _post(
        request,
        code,
        form_name="remove_form",
        make_form=lambda case, page: SubGoalRefForm(request.POST, subgoals=_visible_subgoals(page)),
        act=lambda case, data: services.subgoal_remove(actor=request.user, case=case, **data),
        success=_("Delmålet är borttaget ur planen."),
        needs_page=True,
    )


@login_required
@require_POST
def goal_review(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _post(
        request,
        code,
        form_name="review_form",
        make_form=lambda case, page: GoalReviewForm(request.POST, subgoals=_visible_subgoals(page)),
        act=lambda case, data: services.goal_review_record(actor=request.user, case=case, **data),
        success=_("Uppföljningen är sparad."),
        needs_page=True,
    )


@login_required
@require_POST
def activity_create(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    return _post(
        request,
        code,
        form_name="activity_form",
        make_form=lambda case, page: ActivityForm(
            request.POST,
            subgoals=_visible_subgoals(page),
            organisations=selectors.activity_organisations(viewer=viewer, case=case),
            people=selectors.case_members(case=case),
        ),
        act=lambda case, data: services.activity_create(actor=viewer, case=case, **data),
        success=_("Aktiviteten är sparad."),
        runs_only=False,
        needs_page=True,
    )


@login_required
@require_POST
def activity_done(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = case_get_for_viewer(viewer=viewer, code=code)
    page = selectors.plan_page(viewer=viewer, case=case)
    form = ActivityDoneForm(request.POST, activities=_done_candidates(request, page))
    if not form.is_valid():
        raise Http404
    try:
        services.activity_done(actor=viewer, case=case, **form.cleaned_data)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Aktiviteten är markerad som klar."))
    return redirect("plans:plan", code=case.code)


@login_required
@require_POST
def agree(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _post(
        request,
        code,
        form_name="agree_form",
        make_form=lambda case, page: AgreeForm(request.POST),
        act=lambda case, data: services.plan_agree(actor=request.user, case=case, **data),
        success=_("Planen är godkänd som en ny version."),
    )


# --- interventions --------------------------------------------------------------------------


@login_required
def interventions(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = case_get_for_viewer(viewer=viewer, code=code)
    chosen = request.POST.get("intervention") or request.GET.get("insats")
    existing = selectors.own_intervention(viewer=viewer, case=case, code=chosen) if chosen else None
    kinds = selectors.intervention_kinds(including=existing.kind if existing else None)
    initial: dict[str, Any] = {"started_on": timezone.localdate()}
    if existing is not None:
        initial = {
            "kind": existing.kind,
            "description": existing.description,
            "started_on": existing.started_on,
            "ended_on": existing.ended_on,
            "status": existing.status,
        }
    form = InterventionForm(
        request.POST if request.method == "POST" else None, kinds=kinds, initial=initial
    )
    if request.method == "POST":
        try:
            saved = submit(
                request,
                form,
                lambda data: services.intervention_save(
                    actor=viewer, case=case, intervention=existing, **data
                ),
                _("Insatsen är sparad."),
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        if saved:
            return redirect("plans:interventions", code=case.code)
    page = selectors.interventions_page(viewer=viewer, case=case)
    return render(
        request,
        "plans/interventions.html",
        {
            "header": page.header,
            "page": page,
            "form": form,
            "editing": existing,
            "organisation": viewer.organisation,
        },
    )


# --- the PDFs -------------------------------------------------------------------------------


def _pdf(request: AuthedHttpRequest, code: UUID, *, template: str, filename: str) -> HttpResponse:
    viewer = request.user
    case = case_get_for_viewer(viewer=viewer, code=code)
    page = selectors.plan_page(viewer=viewer, case=case)
    if page.plan is None:
        raise Http404
    body = render_pdf(
        request=request,
        template=template,
        context={"page": page, "printed_on": timezone.localdate()},
    )
    audit_record(
        actor=viewer,
        action=Action.EXPORT,
        target=page.plan,
        object_type="plans.actionplan",
        case_code=case.code,
        subject_code=case.youth.code,
        municipality_code=case.municipality.code,
        detail={"format": "pdf", "document": filename, "version": page.plan.version},
    )
    return pdf_response(body, filename)


@login_required
@require_GET
def youth_pdf(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _pdf(request, code, template="plans/youth_plan_pdf.html", filename="min-plan.pdf")


@login_required
@require_GET
def plan_pdf(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _pdf(request, code, template="plans/plan_pdf.html", filename="atgardsplan.pdf")
