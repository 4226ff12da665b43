"""The information sheet for young people as a PDF (WeasyPrint; nothing is fetched)."""

from __future__ import annotations

from typing import Any

import weasyprint
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string


def render_information_sheet(*, request: HttpRequest, context: dict[str, Any]) -> bytes:
    html = render_to_string("cases/information_sheet_pdf.html", context, request=request)
    base = settings.BASE_DIR / "samsyn" / "static"
    document = weasyprint.HTML(string=html, base_url=str(base), url_fetcher=_refuse_fetch)
    return bytes(document.write_pdf())


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"the information sheet fetches nothing: {url}")
