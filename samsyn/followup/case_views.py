"""The individual follow-up of one case: the page, and its charts as SVG.

Every view starts with `case_get_for_viewer` (404 outside the case). What they show comes
from `case_selectors`, in which the one door has already left out what the viewer may not see.
"""

from __future__ import annotations

from uuid import UUID

from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samsyn.assessments.selectors import Comparison
from samsyn.cases.selectors import case_get_for_viewer
from samsyn.followup import case_selectors, charts
from samsyn.lib.http import AuthedHttpRequest


def chart_texts(comparison: Comparison) -> tuple[str, str]:
    """The chart's title and its one-sentence description (the table beside it has the values)."""
    title = _("%(instrument)s: skattning per område och tillfälle") % {
        "instrument": comparison.instrument
    }
    description = _(
        "Linjediagram med en linje per område av %(name)s över %(n)s tillfällen, skala "
        "%(scale)s. Värdena finns i tabellen bredvid diagrammet."
    ) % {"name": comparison.name, "n": len(comparison.occasions), "scale": comparison.scale}
    return title, description


@login_required
@require_GET
def overview(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case = case_get_for_viewer(viewer=request.user, code=code)
    page = case_selectors.case_followup_page(viewer=request.user, case=case)
    return render(
        request,
        "followup/case_followup.html",
        {
            "page": page,
            "header": page.header,
            "charts": [(c, *chart_texts(c)) for c in page.comparisons],
        },
    )


@login_required
@require_GET
# The SVG styles its shapes with style attributes; it has no script (default-src 'none').
@csp_replace(  # type: ignore[arg-type]  # typed for views taking only the request
    {
        "default-src": ["'none'"],
        "script-src": ["'none'"],
        "img-src": ["'none'"],
        "font-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
    }
)
def chart(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    """One instrument's scores as an SVG image (?instrument=ESTER); 404 when the viewer may see
    no measurement of it."""
    case = case_get_for_viewer(viewer=request.user, code=code)
    comparison = case_selectors.instrument_comparison(
        viewer=request.user, case=case, instrument=request.GET.get("instrument", "")
    )
    if comparison is None:
        raise Http404
    title, description = chart_texts(comparison)
    response = HttpResponse(
        charts.scores_chart(comparison, title=title, description=description),
        content_type="image/svg+xml; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response
