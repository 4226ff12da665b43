"""The plan as PDFs (WeasyPrint; nothing is fetched): the youth's own plan in plain Swedish,
and the professionals' plan in full. The content comes from `selectors.plan_page` only."""

from __future__ import annotations

from typing import Any

import weasyprint
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string


def render_plan_pdf(*, request: HttpRequest, template: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template, context, request=request)
    base = settings.BASE_DIR / "samsyn" / "static"
    document = weasyprint.HTML(string=html, base_url=str(base), url_fetcher=_refuse_fetch)
    return bytes(document.write_pdf())


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"the plan fetches nothing: {url}")
