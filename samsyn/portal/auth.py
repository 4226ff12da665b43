"""Portal sessions: separate from staff sign-in, PIN-locked when idle.

A portal session holds the account id and the account's session generation. It lasts
`PORTAL_SESSION_HOURS` from the last request. After `PORTAL_PIN_IDLE_MINUTES` without a
request it is *locked*: every portal page sends the visitor to the PIN page until the PIN is
given; `PORTAL_PIN_ATTEMPTS` wrong PINs end the session (the password is then needed).
A coordinator's reset rotates the generation, which ends every session of the account.
Signing in to the portal ends any staff session in the same browser, and the other way round
(both flush the session).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout as staff_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from samsyn.portal.models import PortalAccount

ACCOUNT_KEY = "portal_account"
GENERATION_KEY = "portal_generation"
SEEN_KEY = "portal_seen"
LOCKED_KEY = "portal_locked"
PIN_FAILURES_KEY = "portal_pin_failures"


class PortalRequest(HttpRequest):
    """A request that passed `portal_required`: `portal_account` is the signed-in account."""

    portal_account: PortalAccount


def sign_in(request: HttpRequest, account: PortalAccount) -> None:
    """Start a portal session for `account` (a new session key: no fixation)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        staff_logout(request)
    request.session.flush()
    request.session[ACCOUNT_KEY] = account.pk
    request.session[GENERATION_KEY] = str(account.session_generation)
    request.session[SEEN_KEY] = time.time()
    request.session[LOCKED_KEY] = False
    request.session[PIN_FAILURES_KEY] = 0
    request.session.set_expiry(settings.PORTAL_SESSION_HOURS * 3600)


def sign_out(request: HttpRequest) -> None:
    request.session.flush()


def session_account(request: HttpRequest) -> PortalAccount | None:
    """The account of the portal session, if the session is valid (locked or not)."""
    account_id = request.session.get(ACCOUNT_KEY)
    if account_id is None:
        return None
    account = (
        PortalAccount.objects.select_related(
            "case__youth", "case__municipality", "case__district", "guardian"
        )
        .filter(pk=account_id, is_active=True)
        .first()
    )
    if account is None or str(account.session_generation) != request.session.get(GENERATION_KEY):
        request.session.flush()
        return None
    return account


def is_locked(request: HttpRequest) -> bool:
    """Locked when the session says so or when it has been idle too long."""
    if request.session.get(LOCKED_KEY):
        return True
    seen = float(request.session.get(SEEN_KEY, 0))
    if time.time() - seen > settings.PORTAL_PIN_IDLE_MINUTES * 60:
        request.session[LOCKED_KEY] = True
        return True
    return False


def unlock(request: HttpRequest) -> None:
    request.session[LOCKED_KEY] = False
    request.session[PIN_FAILURES_KEY] = 0
    request.session[SEEN_KEY] = time.time()


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/ung/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def portal_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only for a signed-in, unlocked portal account; sets `request.portal_account`.

    Every portal page answers with `Cache-Control: private, no-store`: a shared phone must not
    show the plan from its cache after the session ended.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = session_account(request)
        query = urlencode({"next": request.get_full_path()})
        if account is None:
            return HttpResponseRedirect(f"{reverse('portal:login')}?{query}")
        if is_locked(request):
            return HttpResponseRedirect(f"{reverse('portal:unlock')}?{query}")
        request.session[SEEN_KEY] = time.time()
        request.portal_account = account  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper
