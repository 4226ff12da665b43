"""Scaffolding: replaced as the portal is built (every view answers 404 until then)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def start(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def redeem(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def login(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def unlock(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def logout(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def about(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
