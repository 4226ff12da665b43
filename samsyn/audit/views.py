"""The administrators' search of the audit log, on screen and as CSV."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit import selectors
from samsyn.audit.forms import AuditSearchForm
from samsyn.audit.models import Action, AuditRecord
from samsyn.audit.services import audit_record
from samsyn.lib.csvexport import chunked, csv_download
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations.models import Person
from samsyn.organisations.selectors import admin_require

PAGE_SIZE = 50


def _query(form: AuditSearchForm) -> selectors.AuditQuery:
    return selectors.AuditQuery(
        person=form.cleaned_data["person"] or "",
        case=form.cleaned_data["case"],
        action=form.cleaned_data["action"] or "",
        date_from=form.cleaned_data["date_from"],
        date_to=form.cleaned_data["date_to"],
    )


def _log_search(
    viewer: Person, query: selectors.AuditQuery, people: list[Person], action: str, **extra: Any
) -> None:
    # Searching the log is itself a read of personal data: record whom it was about, by code.
    audit_record(
        actor=viewer,
        action=action,
        object_type="audit.auditrecord",
        case_code=query.case,
        basis="role:administrator",
        detail={
            "people": [str(p.code) for p in people],
            "action": query.action,
            "from": query.date_from.isoformat() if query.date_from else None,
            "to": query.date_to.isoformat() if query.date_to else None,
            **extra,
        },
    )


@login_required
def search(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    admin_require(viewer=viewer)
    form = AuditSearchForm(request.GET or None)
    page = None
    people: list[Person] = []
    if form.is_valid():
        query = _query(form)
        records, people = selectors.audit_search(viewer=viewer, query=query)
        page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("sida"))
        _log_search(viewer, query, people, Action.SEARCH, page=page.number)
    rows = list(page.object_list) if page is not None else []
    names = selectors.organisation_names({r.organisation_code for r in rows if r.organisation_code})
    export_query = request.GET.copy()
    export_query.pop("sida", None)
    # htmx asks for the results only; the same template serves the full page without JS.
    template = "audit/search.html#results" if request.htmx else "audit/search.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": [
                (
                    r,
                    names.get(r.organisation_code, ""),
                    selectors.object_type_label(r.object_type),
                    selectors.basis_label(r.basis),
                    selectors.field_labels(r.object_type, r.detail.get("fields") or []),
                )
                for r in rows
            ],
            "people_found": len(people),
            "export_query": export_query.urlencode(),
            "seal_status": selectors.audit_seal_status(),
        },
    )


def _csv_rows(records: Iterable[AuditRecord]) -> Iterator[list[Any]]:
    for chunk in chunked(records, 500):
        names = selectors.organisation_names(
            {r.organisation_code for r in chunk if r.organisation_code}
        )
        for record in chunk:
            yield [
                timezone.localtime(record.at).isoformat(timespec="seconds"),
                record.actor_username,
                names.get(record.organisation_code, "") if record.organisation_code else "",
                record.get_action_display(),
                record.object_type,
                record.object_code,
                record.case_code or "",
                record.subject_code or "",
                selectors.basis_label(record.basis),
                record.request_id,
                record.ip_address or "",
            ]


@login_required
def export_csv(request: AuthedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    viewer = request.user
    admin_require(viewer=viewer)
    form = AuditSearchForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/search.html", {"form": form, "page": None}, status=400)
    query = _query(form)
    records, people = selectors.audit_search(viewer=viewer, query=query)
    _log_search(viewer, query, people, Action.EXPORT, format="csv")
    header = [
        _("Tidpunkt"),
        _("Användarnamn"),
        _("Organisation"),
        _("Händelse"),
        _("Objekttyp"),
        _("Objekt"),
        _("Ärende"),
        _("Registrerad"),
        _("Grund"),
        _("Anrops-id"),
        _("IP-adress"),
    ]
    return csv_download(
        header=header,
        rows=_csv_rows(records.iterator(chunk_size=2000)),
        name="granskningslogg",
    )
