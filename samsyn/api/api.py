"""The REST API at /api/v1/ (issue 9): django-ninja with its OpenAPI document at
/api/v1/openapi.json.

Every operation acts as the token's person, through the same selectors as the pages: the same
roles, the same consent policy (`consent.policy`), the same audit records. Errors are RFC 9457
problem details (`application/problem+json`) in the language of `Accept-Language` (Swedish
unless English is asked for). The document is served at /api/v1/openapi.json; no reference
page is served (Swagger UI would be fetched from a CDN)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from samsyn.api import services
from samsyn.cases import worklist as cases_worklist
from samsyn.organisations.models import Person

PROBLEM = "application/problem+json"


class TokenAuth(HttpBearer):
    """`Authorization: Bearer samsyn_…`: the request acts as the token's person."""

    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        found = services.authenticate(token)
        if found is None:
            return None
        person, api_token = found
        request.user = person  # the selectors and the audit read the actor from here
        request.api_token = api_token  # type: ignore[attr-defined]
        return person


api = NinjaAPI(
    title="samsyn API",
    version="1",
    description=(
        "Sociala insatsgrupper: the cases a person takes part in, as that person sees them "
        "in samsyn. Authenticate with a personal API token (`Authorization: Bearer …`)."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url=None,  # the reference page would load Swagger UI from a CDN: the document only
)


def problem(request: HttpRequest, status: int, title: str, detail: str = "") -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status)
    response["Content-Type"] = PROBLEM
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = problem(
        request,
        401,
        _("Inte inloggad"),
        _("API-nyckeln saknas, är fel, har gått ut eller har återkallats."),
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, _("Finns inte"))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 403, _("Inte tillåtet"))


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = ", ".join(
        ".".join(str(part) for part in error.get("loc", [])[1:]) or "?" for error in exc.errors
    )
    return problem(
        request, 422, _("Felaktig förfrågan"), _("Kontrollera: %(fields)s.") % {"fields": fields}
    )


class CaseRow(Schema):
    code: UUID
    label: str
    identified: bool
    state: str
    state_label: str
    days_in_state: int
    owner: str
    coordinator: str
    opened_on: date


class CasePage(Schema):
    count: int
    page: int
    pages: int
    items: list[CaseRow]


class CaseFilter(Schema):
    state: str = cases_worklist.ONGOING
    page: int = 1


@api.get("/arenden/", response=CasePage, summary="The cases I take part in", tags=["cases"])
def case_list(request: HttpRequest, filters: Query[CaseFilter]) -> dict[str, Any]:
    """The worklist of the token's person: a youth is named only where that person may see
    who it is (else `label` is the case's anonymous code), 25 a page, ongoing by default
    (`state`: `pagaende`, `alla` or a case state)."""
    listed = cases_worklist.worklist(
        viewer=request.user,  # type: ignore[arg-type]
        query=cases_worklist.WorklistQuery(state=filters.state),
        page_number=max(filters.page, 1),
    )
    return {
        "count": listed.page.paginator.count,
        "page": listed.page.number,
        "pages": listed.page.paginator.num_pages,
        "items": [row.__dict__ for row in listed.rows],
    }
