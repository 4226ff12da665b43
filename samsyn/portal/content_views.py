"""Scaffolding: replaced as the portal is built (every view answers 404 until then)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def plan(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def meetings(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def meeting(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def meeting_calendar(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def consents(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def consent_withdraw(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def guardian_share(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def seen(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
