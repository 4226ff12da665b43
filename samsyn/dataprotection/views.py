"""Thin views over the case export and the register extract (D48).

Personnummer never travels in a URL (URLs end up in logs): the register extract is a POST
form, and its PDF and JSON are POSTs of the same form.
"""

from __future__ import annotations

import json
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from samsyn.consent import policy
from samsyn.consent import selectors as consent_selectors
from samsyn.dataprotection import export, selectors, services
from samsyn.dataprotection.forms import CaseExportForm, ExtractForm
from samsyn.dataprotection.pdf import render_extract_pdf
from samsyn.lib.http import AuthedHttpRequest
from samsyn.lib.pdf import pdf_response
from samsyn.organisations.forms import apply_service_error
from samsyn.organisations.models import Organisation


def _json_response(document: dict[str, object], filename: str) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _covered(access: policy.CaseAccess, recipients: list[Organisation]) -> list[Organisation]:
    """The recipients a live consent lets the owner release the youth's identity to."""
    return [r for r in recipients if export.recipient_access(access, r).identity().allowed]


@login_required
@require_http_methods(["GET", "POST"])
def case_export(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case = selectors.export_case_get(viewer=request.user, code=code)
    recipients = export.transfer_recipients(case=case)
    form = CaseExportForm(request.POST or None, recipients=recipients)
    if request.method == "POST" and form.is_valid():
        try:
            built = services.case_export(
                actor=request.user, case=case, recipient=form.cleaned_data["recipient"]
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            return _json_response(built.document, f"arende-{case.anonymous_code}-export.json")
    access = policy.case_access(viewer=request.user, case=case)
    # The page names the youth in its header: a read like any other.
    identity = access.note(
        access.identity(), object_type="cases.youth", object_code=str(case.youth.code)
    )
    access.record()
    return render(
        request,
        "dataprotection/case_export.html",
        {
            "header": consent_selectors.case_header(
                viewer=request.user, case=case, identified=identity.allowed
            ),
            "form": form,
            "covered": _covered(access, recipients),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_extract(request: AuthedHttpRequest) -> HttpResponse:
    selectors.extract_require(viewer=request.user)
    form = ExtractForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        output = form.cleaned_data["output"] or "html"
        try:
            result = services.register_extract(
                actor=request.user, personnummer=form.cleaned_data["personnummer"], output=output
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            stem = f"registerutdrag-{result.personnummer.replace('-', '')}"
            if output == "json" and result.found:
                return _json_response(result.as_json(), f"{stem}.json")
            if output == "pdf" and result.found:
                body = render_extract_pdf(request=request, extract=result)
                return pdf_response(body, f"{stem}.pdf", attachment=True)
    return render(
        request,
        "dataprotection/register_extract.html",
        {"form": form, "result": result},
        status=400 if form.errors else 200,
    )
