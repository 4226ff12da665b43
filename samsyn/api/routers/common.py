"""What the routers share: strong ETags on every GET, pagination, the write scope, and
service errors as RFC 9457 problem details."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema

from samsyn.api.models import Scope
from samsyn.organisations.models import Person

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25

T = TypeVar("T")


class HiddenRow(Schema):
    """Items the person may not see, counted by owner and data category (never their content)."""

    owner: str
    category: str
    count: int


def hidden_rows(hidden: Sequence[tuple[str, str, int]]) -> list[dict[str, Any]]:
    return [{"owner": o, "category": c, "count": n} for o, c, n in hidden]


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="The page, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Items per page, at most {MAX_PAGE_SIZE}.",
    )


def paginate(items: Sequence[T], query: PageQuery) -> tuple[list[T], dict[str, int]]:
    """One page of `items` and its `count`, `page` and `pages` (a page past the last is the
    last, as on the pages)."""
    page = Paginator(items, query.page_size).get_page(query.page)
    return list(page.object_list), {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
    }


def person(request: HttpRequest) -> Person:
    """The token's person (set by `TokenAuth`)."""
    user = request.user
    assert isinstance(user, Person)
    return user


def _matches(header: str, etag: str) -> bool:
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def etagged(request: HttpRequest, schema: type[Schema], data: Any) -> HttpResponse:
    """The body as `schema` says, with a strong ETag (a hash of the body). When the client
    already holds it (`If-None-Match`), 304 without a body: the read has still been decided
    and audited by the selector that made `data`."""
    body = json.dumps(
        schema.model_validate(data).model_dump(mode="json"),
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    if _matches(request.headers.get("If-None-Match", ""), etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization, Accept-Language"
    return response


def read_only(request: HttpRequest) -> HttpResponse | None:
    """A 403 problem when the token may only read; None when it may write."""
    from samsyn.api.api import problem

    token = getattr(request, "api_token", None)
    if token is not None and token.scope == Scope.WRITE:
        return None
    return problem(
        request,
        403,
        _("Nyckeln får bara läsa"),
        _("Skapa en nyckel som får läsa och ändra under Mitt konto → API-nycklar."),
    )


def invalid(request: HttpRequest, errors: dict[str, list[str]] | ValidationError) -> HttpResponse:
    """A 422 problem naming the fields (the service's Swedish or English messages)."""
    from samsyn.api.api import problem

    if isinstance(errors, ValidationError):
        errors = (
            {k: [str(m) for m in v] for k, v in errors.message_dict.items()}
            if hasattr(errors, "error_dict")
            else {"__all__": [str(m) for m in errors.messages]}
        )
    return problem(
        request,
        422,
        _("Uppgifterna kunde inte sparas"),
        " ".join(m for messages in errors.values() for m in messages),
        errors=errors,
    )
