"""The operational report as a PDF for the styrgrupp's meeting: the same tables (and charts)
as the page, for the same viewers (404 for everyone else). Exporting is audited like the
spreadsheets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone

from samsyn.followup import report_views
from samsyn.lib.http import AuthedHttpRequest
from samsyn.lib.pdf import pdf_response, render_pdf


@login_required
def export_pdf(request: AuthedHttpRequest) -> HttpResponse:
    result, _choices = report_views.report_for(request)
    report_views.audit_export(request, result, "pdf")
    body = render_pdf(
        request=request,
        template="followup/report_pdf.html",
        context={"report": result, "printed": timezone.localtime()},
    )
    return pdf_response(body, f"{report_views.file_name(result)}.pdf")
