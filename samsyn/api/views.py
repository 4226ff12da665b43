"""Mitt konto → API-nycklar: a person's own API tokens (make, see, revoke). A new token is
shown once, on the page that answers the POST, and never again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samsyn.api import services
from samsyn.api.forms import TokenForm
from samsyn.api.models import ApiToken
from samsyn.lib.http import AuthedHttpRequest
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.organisations.forms import apply_service_error


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: AuthedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            response = render(request, "api/token_created.html", {"token": token, "raw": raw})
            response["Cache-Control"] = "no-store"
            return response
    context: dict[str, Any] = {
        "form": form,
        "tokens": ApiToken.objects.filter(person=request.user),
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def revoke(request: AuthedHttpRequest, code: Any) -> HttpResponse:
    token = get_by_code_or_404(ApiToken.objects.filter(person=request.user), code)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Nyckeln ”%(name)s” är återkallad.") % {"name": token.name})
    return redirect("api_tokens:list")
