"""Absolute links for what leaves the site: e-mail, calendar files, QR codes."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def base_url(request: HttpRequest | None = None) -> str:
    """The address people use (`SAMSYN_BASE_URL`), else the one the request came to, else ""
    (links then stay relative). Without a trailing slash."""
    base = str(getattr(settings, "SAMSYN_BASE_URL", "") or "")
    if not base and request is not None:
        base = request.build_absolute_uri("/")
    return base.rstrip("/")


def absolute_url(path: str, *, base: str = "", request: HttpRequest | None = None) -> str:
    """`path` on `base` when given, else on `base_url(request)`."""
    return (base.rstrip("/") or base_url(request)) + path
