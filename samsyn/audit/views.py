"""The administrators' search of the audit log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from samsyn.audit import selectors
from samsyn.audit.forms import AuditSearchForm
from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations.models import Person
from samsyn.organisations.selectors import admin_require

PAGE_SIZE = 50


@login_required
def search(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    admin_require(viewer=viewer)
    form = AuditSearchForm(request.GET or None)
    page = None
    people: list[Person] = []
    if form.is_valid():
        query = selectors.AuditQuery(
            person=form.cleaned_data["person"] or "",
            case=form.cleaned_data["case"],
            action=form.cleaned_data["action"] or "",
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
        records, people = selectors.audit_search(viewer=viewer, query=query)
        page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("sida"))
        # Searching the log is itself a read of personal data: record whom it was about.
        audit_record(
            actor=viewer,
            action=Action.SEARCH,
            object_type="audit.auditrecord",
            case_code=query.case,
            basis="role:administrator",
            detail={
                "people": [str(p.code) for p in people],
                "action": query.action,
                "from": query.date_from.isoformat() if query.date_from else None,
                "to": query.date_to.isoformat() if query.date_to else None,
                "page": page.number,
            },
        )
    rows = list(page.object_list) if page else []
    names = selectors.organisation_names({r.organisation_code for r in rows if r.organisation_code})
    # htmx asks for the results only; the same template serves the full page without JS.
    template = "audit/search.html#results" if request.htmx else "audit/search.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": [
                (r, names.get(r.organisation_code, ""), selectors.object_type_label(r.object_type))
                for r in rows
            ],
            "people_found": len(people),
            "querystring": request.GET.copy(),
        },
    )
