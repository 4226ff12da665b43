"""The register extract as a readable PDF (WeasyPrint through `samsyn.lib.pdf`)."""

from __future__ import annotations

from django.http import HttpRequest

from samsyn.dataprotection.extract import RegisterExtract
from samsyn.lib.pdf import render_pdf


def render_extract_pdf(*, request: HttpRequest, extract: RegisterExtract) -> bytes:
    return render_pdf(
        request=request,
        template="dataprotection/register_extract_pdf.html",
        context={"extract": extract},
    )
