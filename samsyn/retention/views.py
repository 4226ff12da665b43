"""Gallring: the administrators' page (rules, dry-run report, holds, erasure records) and the
legal-hold tab of a case. Every view starts with an access helper that answers 404."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.cases import selectors as case_selectors
from samsyn.cases.models import Case
from samsyn.consent.selectors import case_header
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations import selectors as org_selectors
from samsyn.organisations.forms import apply_service_error
from samsyn.retention import selectors, services
from samsyn.retention.forms import AdminHoldForm, HoldForm, RuleForm
from samsyn.retention.models import CLOCK_EVENTS, RetentionKind


@login_required
def overview(request: AuthedHttpRequest) -> HttpResponse:
    org_selectors.admin_require(viewer=request.user)
    return render(
        request,
        "retention/overview.html",
        {
            "rows": selectors.retention_overview(viewer=request.user, today=timezone.localdate()),
            "clock_events": CLOCK_EVENTS,
            "hold_form": AdminHoldForm(),
        },
    )


@login_required
def rule_edit(request: AuthedHttpRequest, code: UUID, kind: str) -> HttpResponse:
    viewer = request.user
    municipality = org_selectors.municipality_get_for_admin(viewer=viewer, code=str(code))
    if kind not in RetentionKind.values:
        raise Http404
    rule = services.rules_for(municipality)[kind]
    initial = {
        "months": rule.months,
        "action": rule.action,
        "decision_reference": rule.decision_reference,
    }
    form = RuleForm(request.POST or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_set(
                actor=viewer, municipality=municipality, kind=kind, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Gallringsregeln är sparad."))
            return redirect("retention:overview")
    return render(
        request,
        "retention/rule_form.html",
        {
            "form": form,
            "municipality": municipality,
            "rule": rule,
            "clock_event": CLOCK_EVENTS[kind],
        },
    )


@login_required
@require_POST
def hold_set(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    municipality = org_selectors.municipality_get_for_admin(viewer=viewer, code=str(code))
    form = AdminHoldForm(request.POST)
    if form.is_valid():
        case_code = form.cleaned_data["case_code"].strip().upper()
        case = Case.objects.filter(municipality=municipality, anonymous_code=case_code).first()
        if case is None:
            messages.error(
                request,
                _("Det finns inget ärende med koden %(code)s i kommunen.") % {"code": case_code},
            )
            return redirect("retention:overview")
        try:
            services.hold_set(actor=viewer, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("%(code)s är undantaget från gallring.") % {"code": case_code}
            )
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("retention:overview")


@login_required
@require_POST
def hold_lift(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    org_selectors.admin_require(viewer=viewer)
    case = selectors.case_for_admin_hold(viewer=viewer, code=code)
    _lift(request, case)
    return redirect("retention:overview")


def _lift(request: AuthedHttpRequest, case: Case) -> None:
    try:
        services.hold_lift(actor=request.user, case=case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        raise Http404 from exc
    else:
        messages.success(
            request,
            _("Undantaget från gallring för %(code)s är hävt.") % {"code": case.anonymous_code},
        )


@login_required
def case_hold(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = case_selectors.case_get_for_viewer(viewer=viewer, code=code)
    can_hold = selectors.case_for_hold(case=case, viewer=viewer)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and not can_hold:
        raise Http404
    if request.method == "POST" and form.is_valid():
        try:
            services.hold_set(actor=viewer, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Ärendet är undantaget från gallring."))
            return redirect("retention_case:hold", code=case.code)
    holds = list(selectors.holds_of(case))
    return render(
        request,
        "retention/case_hold.html",
        {
            "case": case,
            "header": case_header(viewer=viewer, case=case, identified=False),
            "form": form,
            "standing": next((h for h in holds if h.lifted_at is None), None),
            "holds": holds,
            "can_hold": can_hold,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def case_hold_lift(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = case_selectors.case_get_for_viewer(viewer=viewer, code=code)
    if not selectors.case_for_hold(case=case, viewer=viewer):
        raise Http404
    _lift(request, case)
    return redirect("retention_case:hold", code=case.code)
