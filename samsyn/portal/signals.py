"""A staff sign-in ends any portal session in the same browser (the portal's own sign-in
already ends a staff session: `samsyn.portal.auth.sign_in`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from samsyn.portal import auth


def end_portal_session(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    for key in (
        auth.ACCOUNT_KEY,
        auth.GENERATION_KEY,
        auth.SEEN_KEY,
        auth.LOCKED_KEY,
        auth.PIN_FAILURES_KEY,
    ):
        request.session.pop(key, None)
