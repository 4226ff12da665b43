"""PDFs from templates with WeasyPrint, and the response that carries them.

The base URL is a local directory and every fetch is refused, so rendering never reaches the
network; a PDF holds personal data, so the response is never cached.
"""

from __future__ import annotations

from typing import Any

import weasyprint
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def render_pdf(*, request: HttpRequest, template: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template, context, request=request)
    base = settings.BASE_DIR / "samsyn" / "static"
    document = weasyprint.HTML(string=html, base_url=str(base), url_fetcher=_refuse_fetch)
    return bytes(document.write_pdf())


def pdf_response(body: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The templates need no images or style sheets; nothing a template says may be fetched.
    raise ValueError(f"PDFs fetch nothing: {url}")
