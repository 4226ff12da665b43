"""Scaffolding: replaced as the follow-up report is built (every view answers 404 until then)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse


@login_required
def report(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def export_csv(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


@login_required
def export_xlsx(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
