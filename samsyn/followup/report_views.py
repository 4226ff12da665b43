"""The operational follow-up report and its exports: styrgrupp/analytiker of the municipality
only (404 for everyone else). Aggregates only, small counts suppressed (`selectors`)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.followup import exports, selectors
from samsyn.lib.csvexport import csv_download
from samsyn.lib.http import AuthedHttpRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return default


def report_for(request: AuthedHttpRequest) -> tuple[selectors.Report, selectors.Choices]:
    scope, choices = selectors.report_scope(
        viewer=request.user,
        municipality=request.GET.get("kommun", ""),
        district=request.GET.get("stadsdel", ""),
    )
    year = timezone.localdate().year
    start = _date(request.GET.get("fran"), date(year, 1, 1))
    end = _date(request.GET.get("till"), date(year, 12, 31))
    if start > end:
        start, end = end, start
    report = selectors.operational_report(scope=scope, start=start, end=end)
    return report, choices


def audit_export(request: AuthedHttpRequest, report: selectors.Report, kind: str) -> None:
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        target=report.scope.municipality,
        detail={
            "report": "followup",
            "format": kind,
            "from": report.start.isoformat(),
            "to": report.end.isoformat(),
            "municipality": report.scope.municipality.pk if report.scope.municipality else None,
            "district": report.scope.district.pk if report.scope.district else None,
        },
    )


def file_name(report: selectors.Report) -> str:
    return f"uppfoljning-{report.start.isoformat()}-{report.end.isoformat()}"


@login_required
def report(request: AuthedHttpRequest) -> HttpResponse:
    result, choices = report_for(request)
    query = request.GET.urlencode()
    return render(
        request,
        "followup/report.html",
        {"report": result, "choices": choices, "query": query},
    )


@login_required
def export_csv(request: AuthedHttpRequest) -> StreamingHttpResponse:
    result, _choices = report_for(request)
    audit_export(request, result, "csv")
    rows = list(exports.csv_rows(result))
    return csv_download(header=exports.report_heading(result), rows=rows, name=file_name(result))


@login_required
def export_xlsx(request: AuthedHttpRequest) -> HttpResponse:
    result, _choices = report_for(request)
    audit_export(request, result, "xlsx")
    response = HttpResponse(exports.xlsx_bytes(result), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name(result)}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
