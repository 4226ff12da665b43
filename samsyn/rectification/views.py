"""The item's history page and the owner organisation's actions on it: correct (rätta),
restrict (begränsa) and lift the restriction. Each is a form posted with CSRF, confirmed on
its own page, without JavaScript.

Every view starts with `case_get_for_viewer` (404 outside the case), then the policy decides
the item (404 when the viewer may not see it); the actions answer 404 to anyone outside the
item's owner organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.cases.selectors import case_get_for_viewer
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations.forms import submit
from samsyn.rectification import selectors, services
from samsyn.rectification.forms import CorrectionForm, ReasonForm
from samsyn.rectification.selectors import ItemPage


def _page(request: AuthedHttpRequest, code: UUID, kind: str, item_code: UUID) -> Any:
    case = case_get_for_viewer(viewer=request.user, code=code)
    found, item = selectors.item_get(case=case, slug=kind, code=item_code)
    page = selectors.item_page(viewer=request.user, case=case, kind=found, item=item)
    return case, page


def _item_url(page: ItemPage) -> str:
    return reverse(
        "rectification:item",
        kwargs={"code": page.header.code, "kind": page.slug, "item_code": page.item.code},
    )


@login_required
def item_detail(request: AuthedHttpRequest, code: UUID, kind: str, item_code: UUID) -> HttpResponse:
    _case, page = _page(request, code, kind, item_code)
    return render(request, "rectification/item.html", {"page": page, "header": page.header})


def _act(
    request: AuthedHttpRequest,
    page: ItemPage,
    form: forms.Form,
    act: Callable[[dict[str, Any]], Any],
    *,
    template: str,
    success: str,
) -> HttpResponse:
    if request.method == "POST":
        try:
            done = submit(request, form, act, success)
        except PermissionDenied as exc:
            raise Http404 from exc
        if done:
            return redirect(_item_url(page))
    context = {"page": page, "header": page.header, "form": form, "item_url": _item_url(page)}
    return render(request, template, context)


@login_required
def item_correct(
    request: AuthedHttpRequest, code: UUID, kind: str, item_code: UUID
) -> HttpResponse:
    case, page = _page(request, code, kind, item_code)
    if not page.owned:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = CorrectionForm(data, kind=page.kind, initial={n: v for n, _l, v in page.fields})
    return _act(
        request,
        page,
        form,
        lambda cleaned: services.item_correct(
            actor=request.user,
            case=case,
            item=page.item,
            values=form.values(),
            reason=cleaned["reason"],
        ),
        template="rectification/correct.html",
        success=_("Uppgiften är rättad. Den tidigare lydelsen finns kvar i historiken."),
    )


@login_required
def item_restrict(
    request: AuthedHttpRequest, code: UUID, kind: str, item_code: UUID
) -> HttpResponse:
    case, page = _page(request, code, kind, item_code)
    if not page.owned:
        raise Http404
    if page.restriction is not None:
        messages.info(request, _("Uppgiften är redan begränsad."))
        return redirect(_item_url(page))
    form = ReasonForm(request.POST if request.method == "POST" else None)
    return _act(
        request,
        page,
        form,
        lambda cleaned: services.item_restrict(
            actor=request.user, case=case, item=page.item, reason=cleaned["reason"]
        ),
        template="rectification/restrict.html",
        success=_("Uppgiften är begränsad. Bara din organisation kan se den."),
    )


@login_required
def item_lift(request: AuthedHttpRequest, code: UUID, kind: str, item_code: UUID) -> HttpResponse:
    case, page = _page(request, code, kind, item_code)
    if not page.owned or page.restriction is None:
        raise Http404
    form = ReasonForm(request.POST if request.method == "POST" else None)
    return _act(
        request,
        page,
        form,
        lambda cleaned: services.item_restriction_lift(
            actor=request.user, case=case, item=page.item, reason=cleaned["reason"]
        ),
        template="rectification/lift.html",
        success=_("Begränsningen är hävd."),
    )
