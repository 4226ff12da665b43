"""Scaffolding: replaced as the portal is built (every view answers 404 until then)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def report(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
