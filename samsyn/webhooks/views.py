"""Administration → Webhooks: an administrator's pages for the webhooks of the organisations in
their municipality. Everyone else gets 404. A new webhook's secret is shown once, on the page
that answers the POST (as API tokens are, samsyn.api.views), and never again."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations import selectors as organisations
from samsyn.organisations.forms import apply_service_error
from samsyn.webhooks import selectors, services
from samsyn.webhooks.forms import WebhookForm


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhook_list(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    organisations.admin_require(viewer=viewer)
    form = WebhookForm(
        request.POST or None, organisations=selectors.organisations_for_webhooks(viewer=viewer)
    )
    if request.method == "POST" and form.is_valid():
        try:
            hook, secret = services.webhook_create(actor=viewer, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            response = render(request, "webhooks/created.html", {"hook": hook, "secret": secret})
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "webhooks/list.html",
        {"form": form, "hooks": selectors.webhook_list_for_admin(viewer=viewer)},
    )


@login_required
def webhook_detail(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    hook = selectors.webhook_get_for_admin(viewer=request.user, code=code)
    return render(
        request,
        "webhooks/detail.html",
        {"hook": hook, "deliveries": selectors.recent_deliveries(webhook=hook)},
    )


@login_required
@require_POST
def webhook_toggle(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    hook = selectors.webhook_get_for_admin(viewer=request.user, code=code)
    services.webhook_set_active(actor=request.user, webhook=hook, active=not hook.is_active)
    if hook.is_active:
        messages.success(request, _("Webhooken är påslagen igen."))
    else:
        messages.success(request, _("Webhooken är avstängd. Inget mer skickas till den."))
    return redirect("webhooks:detail", code=hook.code)


@login_required
@require_POST
def webhook_delete(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    hook = selectors.webhook_get_for_admin(viewer=request.user, code=code)
    services.webhook_delete(actor=request.user, webhook=hook)
    messages.success(request, _("Webhooken och dess leveranser är borttagna."))
    return redirect("webhooks:list")
