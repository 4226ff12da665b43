"""Every staff session must pass the second factor before it reaches anything else."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

# Paths an authenticated but not yet verified person may reach.
_OPEN_PREFIXES = (
    "/konto/logga-in/",
    "/konto/verifiera/",
    "/konto/aktivera/",
    "/konto/logga-ut/",
    "/i18n/",
    "/ung/",  # the portal has its own sign-in (samsyn.portal.auth)
    "/healthz",
)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.path.startswith(settings.STATIC_URL)
        ):
            target = f"{reverse('accounts:verify')}?{urlencode({'next': request.get_full_path()})}"
            if request.headers.get("HX-Request") == "true":
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)
