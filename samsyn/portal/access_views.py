"""The portal's doors: the invitation code, signing in, the PIN, signing out, the start page
and "What is a SIG?".

Portal sessions are separate from staff sign-in (`samsyn.portal.auth`). Every page here
answers with `Cache-Control: private, no-store`: a shared phone must not show them from its
cache. The views are thin: the rules live in `account_services`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from samsyn.organisations.forms import apply_service_error
from samsyn.portal import account_selectors, account_services, auth, content_views, languages
from samsyn.portal.access_forms import LoginForm, PinForm, RedeemForm
from samsyn.portal.auth import PortalRequest, portal_required


def _no_store(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


def _ip(request: HttpRequest) -> str:
    return get_client_ip_address(request) or ""


def _start() -> str:
    return reverse("portal:start")


@_no_store
def redeem(request: HttpRequest) -> HttpResponse:
    """Create an account with the coordinator's one-time code (also reached by the QR code)."""
    if request.method == "POST":
        form = RedeemForm(request.POST)
        if form.is_valid():
            try:
                account = account_services.invitation_redeem(**form.cleaned_data, ip=_ip(request))
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                auth.sign_in(request, account)
                messages.success(
                    request,
                    _("Välkommen! Ditt konto är klart. Kom ihåg ditt användarnamn: %(name)s.")
                    % {"name": account.username},
                )
                return redirect("portal:start")
    else:
        form = RedeemForm(initial={"code": request.GET.get("kod", "")[:40]})
    return render(request, "portal/redeem.html", {"form": form})


@_no_store
def login(request: HttpRequest) -> HttpResponse:
    target = auth.safe_next(request, _start())
    if request.method == "POST":
        form = LoginForm(request.POST)
        if form.is_valid():
            try:
                account = account_services.authenticate(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    ip=_ip(request),
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
            else:
                auth.sign_in(request, account)
                return redirect(target)
    else:
        form = LoginForm()
    return render(request, "portal/login.html", {"form": form, "next": target})


@_no_store
def unlock(request: HttpRequest) -> HttpResponse:
    """The PIN page of a session locked after being idle; too many wrong PINs end it."""
    target = auth.safe_next(request, _start())
    account = auth.session_account(request)
    if account is None:
        return redirect(f"{reverse('portal:login')}?{urlencode({'next': target})}")
    if not auth.is_locked(request):
        return redirect(target)
    form = PinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if account_services.pin_check(account=account, pin=form.cleaned_data["pin"]):
            auth.unlock(request)
            return redirect(target)
        failures = max(
            int(request.session.get(auth.PIN_FAILURES_KEY, 0)) + 1,
            account_services.pin_failures(account=account),
        )
        left = settings.PORTAL_PIN_ATTEMPTS - failures
        if left <= 0:
            auth.sign_out(request)
            messages.error(
                request,
                _(
                    "Du skrev fel pinkod för många gånger, så du har loggats ut. "
                    "Logga in med ditt lösenord."
                ),
            )
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': target})}")
        request.session[auth.PIN_FAILURES_KEY] = failures
        form.add_error(
            "pin",
            ngettext(
                "Fel pinkod. Du har %(left)d försök kvar.",
                "Fel pinkod. Du har %(left)d försök kvar.",
                left,
            )
            % {"left": left},
        )
    return render(
        request,
        "portal/unlock.html",
        {
            "form": form,
            "next": target,
            "login_url": f"{reverse('portal:login')}?{urlencode({'next': target})}",
        },
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    account = auth.session_account(request)
    if account is not None:
        account_services.signed_out(account=account)
    if request.session.get(auth.ACCOUNT_KEY) is not None:
        auth.sign_out(request)  # a staff session in the same browser is not the portal's to end
    messages.success(request, _("Du är utloggad. Välkommen tillbaka!"))
    return redirect("portal:login")


@portal_required
def start(request: PortalRequest) -> HttpResponse:
    """The start page; what it shows is the content part's (`content_views.start_page`)."""
    return content_views.start_page(request)


@_no_store
def about(request: HttpRequest) -> HttpResponse:
    """The page "What is a SIG?" for anyone, in the language chosen with ?sprak= (Swedish
    otherwise).
    A signed-in, unlocked portal account also sees the people in its own group."""
    language = languages.language_for(request.GET.get("sprak"))
    group = None
    account = auth.session_account(request)
    if account is not None and not auth.is_locked(request):
        request.session[auth.SEEN_KEY] = time.time()
        request.portal_account = account  # type: ignore[attr-defined]
        group = account_selectors.group_for_account(account=account)
    return render(
        request,
        "portal/about.html",
        {
            "language": language,
            "languages": languages.LANGUAGES,
            "group": group,
            "portal_section": "about",
        },
    )
