"""The REST API at /api/v1/ (issue 9): django-ninja with its OpenAPI document at
/api/v1/openapi.json.

Every operation acts as the token's person, through the same selectors as the pages: the same
roles, the same consent policy (`consent.policy`), the same audit records. Errors are RFC 9457
problem details (`application/problem+json`) in the language of `Accept-Language` (Swedish
unless English is asked for). The document is served at /api/v1/openapi.json; no reference
page is served (Swagger UI would be fetched from a CDN).

Errors in the document (for routers): every operation is declared, after the fact, to answer
problem details (`Problem`, `application/problem+json`) for 404, for 401 and 403 when it needs a
token, for 422 when it takes parameters or a body, and for 400 (not JSON) when it takes a body
(`declare_problems`). A router declares
nothing for those. It declares any *other* error status with the `Problem` schema, e.g.
`response={201: NoteOut, 409: Problem}`, and returns it with `problem(...)`; the media type is
made `application/problem+json` here. A 304 (ETag) is declared as `304: None`. `make fuzz` and
tests/test_api_fuzz.py check every response against the document, so an undeclared status or a
body that differs from its schema fails the suite."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer

from samsyn.api import services
from samsyn.api.routers import cases, meetings, plans, reports
from samsyn.consent.policy import ConsentRevokedDuringRequest
from samsyn.organisations.models import Person

PROBLEM = "application/problem+json"


class Problem(Schema):
    """RFC 9457 problem details: the body of every error the API answers."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str
    errors: dict[str, list[str]] | None = None  # per field, for 422 (the field "__all__": general)


# What every operation may answer besides its own statuses (see the module docstring).
_PROBLEM_STATUSES = {
    400: "The body is not JSON.",
    401: "The token is missing, wrong, expired or revoked.",
    403: "The token may not do this (e.g. a read-only token writing).",
    404: "Not found, or not visible to the token's person.",
    422: "A parameter or the body is not valid; `errors` names the fields.",
}


def declare_problems(document: OpenAPISchema) -> OpenAPISchema:
    """Declare the problem responses of every operation in the OpenAPI document, so that what
    the handlers below answer is what the document promises (schemathesis checks it)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    reference = {"$ref": "#/components/schemas/Problem"}
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for declared in responses.values():  # a router's own `status: Problem`
                content = declared.get("content", {})
                if content.get("application/json", {}).get("schema") == reference:
                    declared["content"] = {PROBLEM: {"schema": reference}}
            statuses = [404]
            if operation.get("security"):
                statuses += [401, 403]
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.append(422)
            if operation.get("requestBody"):
                statuses.append(400)
            for status in sorted(statuses):
                responses.setdefault(
                    str(status),
                    {
                        "description": _PROBLEM_STATUSES[status],
                        "content": {PROBLEM: {"schema": reference}},
                    },
                )
    return document


class ProblemAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document declares the problem responses (`declare_problems`)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        return declare_problems(
            super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        )


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


api = ProblemAPI(
    title="samsyn API",
    version="1",
    description=(
        "Sociala insatsgrupper: the cases a person takes part in, as that person sees them "
        "in samsyn. Authenticate with a personal API token (`Authorization: Bearer …`); a "
        "token with the scope `read` may only read, `write` may also write.\n\n"
        "Every GET answers a strong `ETag` (a hash of the body) and `Cache-Control: private, "
        "no-cache`; send it back in `If-None-Match` to get 304 without a body when nothing "
        "changed (the read is still decided and logged). Lists take `page` (from 1) and "
        "`page_size` (at most 100) and answer `count`, `page` and `pages`. Errors are RFC 9457 "
        "problem details (`application/problem+json`) in Swedish, or in English with "
        "`Accept-Language: en`; a 422 names the fields in `errors`."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url=None,  # the reference page would load Swagger UI from a CDN: the document only
)


def problem(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str = "",
    errors: Mapping[str, list[str]] | None = None,
) -> HttpResponse:
    """An RFC 9457 problem response, shaped as `Problem`."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    if errors:
        body["errors"] = {field: [str(m) for m in messages] for field, messages in errors.items()}
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


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own refusals (AuthorizationError 403, Throttled 429, HttpError raised by a router)
    titles = {403: _("Inte tillåtet"), 404: _("Finns inte"), 429: _("För många förfrågningar")}
    title = titles.get(exc.status_code, _("Felaktig förfrågan"))
    if exc.status_code == 400:  # ninja: a body that is not JSON
        return problem(request, 400, title, _("Innehållet kunde inte läsas som JSON."))
    return problem(request, exc.status_code, title)


@api.exception_handler(ConsentRevokedDuringRequest)
def _consent_changed(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A consent the answer relied on was revoked while it was being made (D54): nothing was
    # shown or logged; asking again gives the answer as things are now.
    response = problem(
        request,
        503,
        _("Samtycket ändrades"),
        _("Ett samtycke återkallades medan svaret togs fram. Fråga igen."),
    )
    response["Retry-After"] = "0"
    return response


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = ", ".join(
        ".".join(str(part) for part in error.get("loc", [])[1:]) or "?" for error in exc.errors
    )
    return problem(
        request, 422, _("Felaktig förfrågan"), _("Kontrollera: %(fields)s.") % {"fields": fields}
    )


# The resources (samsyn/api/routers/).
for _router in (cases.router, plans.router, meetings.router, reports.router):
    api.add_router("", _router)
