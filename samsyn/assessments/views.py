"""The assessment page of a case: risk and protection assessments, and instrument measurements
compared over time.

Every view starts with `case_get_for_viewer` (404 outside the case). What the page shows
comes from `selectors.assessment_page`, in which the one door has already left out what the
viewer may not see.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from samsyn.assessments import selectors, services
from samsyn.assessments.forms import AssessmentForm, InstrumentChoiceForm, MeasurementForm
from samsyn.cases.selectors import case_get_for_viewer
from samsyn.consent.selectors import active_categories
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations.forms import submit
from samsyn.organisations.models import Person


def _preselected(viewer: Person) -> dict[str, Any]:
    # Each organisation's own category has the organisation kind's slug (socialtjanst, polis…).
    return {"category": viewer.organisation.kind} if viewer.organisation else {}


@login_required
def overview(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = case_get_for_viewer(viewer=viewer, code=code)
    page = selectors.assessment_page(viewer=viewer, case=case)
    return render(
        request,
        "assessments/overview.html",
        {
            "header": page.header,
            "assessments": page.assessments,
            "measurements": page.measurements,
        },
    )


@login_required
def assessment_create(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = case_get_for_viewer(viewer=viewer, code=code)
    form = AssessmentForm(
        request.POST or None, categories=active_categories(), initial=_preselected(viewer)
    )
    if request.method == "POST" and submit(
        request,
        form,
        lambda data: services.assessment_record(actor=viewer, case=case, **form.service_data()),
        _("Bedömningen är sparad."),
    ):
        return redirect("assessments:overview", code=case.code)
    header = selectors.header_for_form(viewer=viewer, case=case)
    return render(request, "assessments/assessment_form.html", {"header": header, "form": form})


@login_required
def measurement_create(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = case_get_for_viewer(viewer=viewer, code=code)
    chosen = request.GET.get("instrument")
    instrument = selectors.instrument_for_case(case=case, code=chosen) if chosen else None
    if instrument is None:
        instruments = selectors.instruments_for_case(case=case)
        context = {
            "header": selectors.header_for_form(viewer=viewer, case=case),
            "choice": InstrumentChoiceForm(instruments=instruments),
            "instruments": instruments,
        }
        return render(request, "assessments/measurement_form.html", context)
    form = MeasurementForm(
        request.POST or None,
        instrument=instrument,
        domains=list(instrument.domains.all()),
        categories=active_categories(),
        initial=_preselected(viewer),
    )
    if request.method == "POST" and submit(
        request,
        form,
        lambda data: services.measurement_record(actor=viewer, case=case, **form.service_data()),
        _("Mätningen är sparad."),
    ):
        return redirect("assessments:overview", code=case.code)
    header = selectors.header_for_form(viewer=viewer, case=case)
    context = {"header": header, "form": form, "instrument": instrument}
    return render(request, "assessments/measurement_form.html", context)
