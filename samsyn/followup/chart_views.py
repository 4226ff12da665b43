"""The operational report's charts as SVG images (/uppfoljning/diagram/<key>.svg), with the
page's query string (period, municipality, district): for the viewers of the report only
(`report_views.ready_report_for`: 404 for everyone else), 404 for a table without a chart.
While a large report is still computed in the background the answer is 503 with Retry-After:
the page only shows its charts once the report is ready, so this is a stale or early link."""

from __future__ import annotations

from csp.decorators import csp
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET

from samsyn.followup import report_charts, report_views
from samsyn.lib.http import AuthedHttpRequest


@login_required
@require_GET
# The SVG styles its shapes with style attributes; it has no script and loads nothing.
@csp({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]
def chart(request: AuthedHttpRequest, key: str) -> HttpResponse:
    found = report_views.ready_report_for(request)
    if isinstance(found, HttpResponseRedirect):
        busy = HttpResponse(status=503)
        busy["Retry-After"] = "10"
        busy["Cache-Control"] = "private, no-store"
        return busy
    result, _choices = found
    svg = report_charts.chart_svg(result, key)
    if svg is None:
        raise Http404
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
