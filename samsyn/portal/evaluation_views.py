"""The youths' evaluations, aggregated per year and district with small counts suppressed:
for styrgrupp/analytiker, about their own municipality only (404 for everyone else)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from samsyn.lib.http import AuthedHttpRequest
from samsyn.portal import voice_selectors


@login_required
def report(request: AuthedHttpRequest) -> HttpResponse:
    municipality = voice_selectors.evaluation_report_municipality(viewer=request.user)
    try:
        year: int | None = int(request.GET.get("ar", ""))
    except ValueError:
        year = None
    result = voice_selectors.evaluation_report(municipality=municipality, year=year)
    return render(
        request,
        "portal/voice/report.html",
        {
            "municipality": municipality,
            "report": result,
            "scale": voice_selectors.SCALE,
            "no_answer_label": voice_selectors.NO_ANSWER_LABEL,
        },
    )
