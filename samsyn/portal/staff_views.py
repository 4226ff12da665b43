"""Scaffolding: replaced as the portal is built (every view answers 404 until then)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def overview(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def invite(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def invitation_revoke(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def account_reset(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def notice_read(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
