from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samsyn.organisations import selectors


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    selectors.admin_require(viewer=request.user)  # type: ignore[arg-type]
    return render(request, "organisations/overview.html", {})


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    selectors.admin_require(viewer=request.user)  # type: ignore[arg-type]
    return render(request, "organisations/overview.html", {})


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    selectors.admin_require(viewer=request.user)  # type: ignore[arg-type]
    return render(request, "organisations/overview.html", {})
