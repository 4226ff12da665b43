"""The operational report as a PDF for the styrgrupp (issue 8, point 4)."""

from __future__ import annotations

import re
from io import BytesIO

from django.urls import reverse
from pypdf import PdfReader

from samsyn.audit.models import Action, AuditRecord
from samsyn.organisations.models import Role
from tests.conftest import make_person
from tests.test_followup_report import huddinge, staff_client  # noqa: F401  (fixture)

PDF_URL = reverse("followup:export_pdf")


def _text(response) -> str:
    reader = PdfReader(BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_renders_the_report_and_is_audited(world, huddinge, settings):  # noqa: F811
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    client = staff_client(world.steering)
    response = client.get(PDF_URL)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = _text(response)
    assert "Verksamhetsuppföljning" in text and "Testkommun" in text
    assert "Polisanmälningar per ungdom" in text
    assert "2,9" in text and "0,9" in text  # the Huddinge means, with a decimal comma
    assert "ingen effektutvärdering" in text  # the caution travels with the table
    assert "Ung1" not in text and "Testsson" not in text  # no personal data
    record = AuditRecord.objects.filter(action=Action.EXPORT).latest("pk")
    assert record.detail["format"] == "pdf" and record.detail["report"] == "followup"


def test_outsiders_get_no_pdf(world, huddinge):  # noqa: F811
    assert staff_client(world.coordinator).get(PDF_URL).status_code == 404
    other = make_person("styrgrupp.annan", world.outsider_org, Role.STEERING)
    text = _text(staff_client(other).get(PDF_URL))
    assert "Grannkommun" in text and "Testkommun" not in text


def test_the_pdf_holds_the_charts_of_the_page(world, huddinge, settings):  # noqa: F811
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    response = staff_client(world.steering).get(PDF_URL)
    # The charts are inlined as vectors with their text: the before/after chart's axis label
    # (not in any table) is in the PDF's text.
    assert "Genomsnitt per ungdom" in _text(response)
    charts = [chart for table, chart in response.context["sections"] if chart is not None]
    charted = [table.key for table, _chart in response.context["sections"] if table.charted]
    assert len(charts) == len(charted) >= 3
    ids = [re.search(r'<title id="([^"]+)"', chart).group(1) for chart in charts]
    assert len(set(ids)) == len(ids)  # one document: every chart's ids are its own
