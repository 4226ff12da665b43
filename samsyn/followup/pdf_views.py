"""The operational report as a PDF for the styrgrupp's meeting: the same tables (and charts)
as the page, for the same viewers (404 for everyone else). Exporting is audited like the
spreadsheets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from samsyn.followup import report_charts, report_views, selectors
from samsyn.lib.http import AuthedHttpRequest
from samsyn.lib.pdf import pdf_response, render_pdf


@login_required
def export_pdf(request: AuthedHttpRequest) -> HttpResponseBase:
    found = report_views.ready_report_for(request)
    if isinstance(found, HttpResponseRedirect):
        return found  # still computed in the background: the page shows the progress
    result, _choices = found
    report_views.audit_export(request, result, "pdf")
    body = render_pdf(
        request=request,
        template="followup/report_pdf.html",
        context={
            "report": result,
            "sections": [
                (table, _inline_chart(result, table, n)) for n, table in enumerate(result.tables)
            ],
            "printed": timezone.localtime(),
        },
    )
    return pdf_response(body, f"{report_views.file_name(result)}.pdf")


def _inline_chart(report: selectors.Report, table: selectors.Table, n: int) -> SafeString | None:
    """The table's chart to inline in the PDF (the same SVG as the page's image), its ids
    unique in the document. The SVG is ours: its text is escaped, it has no script."""
    if not table.charted:
        return None
    svg = report_charts.chart_svg(report, table.key, ids=f"diagram-{n}")
    return mark_safe(svg) if svg is not None else None  # noqa: S308
