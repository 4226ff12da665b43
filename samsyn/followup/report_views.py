"""The operational follow-up report and its exports: styrgrupp/analytiker of the municipality
and national coordinators only (404 for everyone else). Aggregates only, small counts
suppressed (`selectors`).

The report is computed once per question and state of the data and stored (`jobs`): a large
area is computed in the background while the page shows the progress; the exports of a
report that is not ready yet go to the page, which shows the progress, instead of computing
in the request."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRefresh

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.followup import exports, jobs, selectors
from samsyn.followup.models import ReportRun
from samsyn.lib.csvexport import csv_download
from samsyn.lib.http import AuthedHttpRequest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return default


def period(request: AuthedHttpRequest) -> tuple[date, date]:
    """The period of the follow-up pages (`fran`, `till`): this calendar year unless given, a
    date that cannot be read is left at its default, and a reversed period is turned round."""
    year = timezone.localdate().year
    start = _date(request.GET.get("fran"), date(year, 1, 1))
    end = _date(request.GET.get("till"), date(year, 12, 31))
    return min(start, end), max(start, end)


def _question(
    request: AuthedHttpRequest,
) -> tuple[selectors.Scope, date, date, selectors.Choices]:
    """The area (resolved from the viewer first: 404 for everyone else) and the period."""
    scope, choices = selectors.report_scope(
        viewer=request.user,
        municipality=request.GET.get("kommun", ""),
        district=request.GET.get("stadsdel", ""),
    )
    start, end = period(request)
    return scope, start, end, choices


def _page_url(request: AuthedHttpRequest) -> str:
    query = request.GET.urlencode()
    return reverse("followup:report") + (f"?{query}" if query else "")


def ready_report_for(
    request: AuthedHttpRequest,
) -> tuple[selectors.Report, selectors.Choices] | HttpResponseRedirect:
    """The report when it is ready; else (a large area still being computed in the
    background) a redirect to the report page, which shows the progress."""
    scope, start, end, choices = _question(request)
    found = jobs.obtain(scope=scope, start=start, end=end, requested_by=request.user)
    if isinstance(found, ReportRun):
        return redirect(_page_url(request))
    return found, choices


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
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: AuthedHttpRequest) -> HttpResponse:
    """The report; while a large one is computed, its progress (the page asks again by itself
    and shows the report when it is done). POST starts a failed run again."""
    scope, start, end, choices = _question(request)
    if request.method == "POST":
        jobs.retry(scope=scope, start=start, end=end, requested_by=request.user)
        return redirect(_page_url(request))
    found = jobs.obtain(scope=scope, start=start, end=end, requested_by=request.user)
    query = request.GET.urlencode()
    if isinstance(found, ReportRun):
        if request.htmx and not found.in_progress:
            return HttpResponseClientRefresh()  # failed: the whole page shows it
        response = render(
            request,
            "followup/report_progress.html",
            {
                "run": found,
                "scope": scope,
                "start": start,
                "end": end,
                "choices": choices,
                "query": query,
            },
        )
        response["Cache-Control"] = "private, no-store"
        return response
    if request.htmx:
        return HttpResponseClientRefresh()  # done while the progress page asked
    return render(
        request,
        "followup/report.html",
        {"report": found, "choices": choices, "query": query},
    )


@login_required
def export_csv(request: AuthedHttpRequest) -> HttpResponseBase:
    found = ready_report_for(request)
    if isinstance(found, HttpResponseRedirect):
        return found
    result, _choices = found
    audit_export(request, result, "csv")
    rows = list(exports.csv_rows(result))
    return csv_download(header=exports.report_heading(result), rows=rows, name=file_name(result))


@login_required
def export_xlsx(request: AuthedHttpRequest) -> HttpResponse:
    found = ready_report_for(request)
    if isinstance(found, HttpResponseRedirect):
        return found
    result, _choices = found
    audit_export(request, result, "xlsx")
    response = HttpResponse(exports.xlsx_bytes(result), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name(result)}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
