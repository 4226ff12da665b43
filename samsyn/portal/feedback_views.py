"""Scaffolding: replaced as the portal is built (every view answers 404 until then)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def inbox(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def detail(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def escalate(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
