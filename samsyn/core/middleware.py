"""Request id for logs and the audit log, the headers Django does not set itself, and pages
that raced a consent revocation."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from samsyn.lib.request_context import (
    RequestContext,
    reset_request_context,
    set_request_context,
)

_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed one from the proxy) and echo it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_context(
            RequestContext(request_id=request_id, ip_address=request.META.get("REMOTE_ADDR"))
        )
        try:
            response = self.get_response(request)
        finally:
            reset_request_context(token)
        response["X-Request-ID"] = request_id
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages with personal data must not linger in shared browser caches.
            response.setdefault("Cache-Control", "no-store")
        return response


class ConsentRaceMiddleware:
    """A page whose consent was revoked while it was being made is not shown (D54).

    A GET (or HEAD) is simply asked for again: the next request loads the consents as they
    are now. Any other request may have changed something, so it is not repeated: the person
    is told what happened and asked to reload.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from samsyn.consent.policy import ConsentRevokedDuringRequest

        if not isinstance(exception, ConsentRevokedDuringRequest):
            return None
        if request.method in ("GET", "HEAD"):
            response: HttpResponse = HttpResponseRedirect(request.get_full_path())
        else:
            response = render(request, "consent_changed.html", status=409)
        response["Cache-Control"] = "no-store"
        return response
