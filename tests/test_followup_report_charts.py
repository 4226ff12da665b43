# ruff: noqa: F811  (the fixture `huddinge` is imported from the report tests)
"""The operational report's charts (issue 8, point 4): safe SVG, the same viewers as the report,
and never a bar for a value the table hides."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from samsyn.followup import report_charts, selectors
from samsyn.followup.selectors import BeforeAfter, Cell, Report, Scope, Table
from samsyn.organisations.models import Role
from tests.conftest import make_person
from tests.test_followup_report import REPORT_URL, _year, huddinge, staff_client  # noqa: F401

CSP = {"default-src 'none'", "style-src 'unsafe-inline'"}  # exactly these, in any order


def chart_url(key: str) -> str:
    return reverse("followup:chart", kwargs={"key": key})


def _report(*tables: Table) -> Report:
    return Report(
        scope=Scope(None),
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        threshold=5,
        tables=list(tables),
        before_after=BeforeAfter(0, None, None, None, None, 0),
    )


def _ages(title: str = "Aktualiserade per åldersgrupp", hidden: bool = True) -> Table:
    cells = [Cell(9), Cell(7), Cell("<5"), Cell("x")] if hidden else [Cell(9), Cell(7)]
    labels = ["0–12 år", "13–14 år", "15–17 år", "18–20 år"][: len(cells)]
    return Table(
        key="alder",
        title=title,
        caption="",
        row_header="Ålder",
        columns=["Antal"],
        rows=[(label, [cell]) for label, cell in zip(labels, cells, strict=True)],
        footer=("Totalt", [Cell(30)]),
    )


def _bars(svg: str) -> int:
    """The bars: the shapes clipped to the plot (backgrounds, axis lines and legend keys are
    not)."""
    return len(re.findall(r'<g id="patch_\d+">\s*<path [^>]*clip-path=', svg))


# --- the SVG itself ---------------------------------------------------------------------------


def test_a_hidden_count_is_its_label_without_a_bar():
    svg = report_charts.chart_svg(_report(_ages()), "alder")
    assert svg is not None
    assert _bars(svg) == 2  # two bars: 9 and 7; none for "<5" or "x"
    assert "&lt;5" in svg and ">x<" in svg.replace(" x<", ">x<")
    shown_only = report_charts.chart_svg(_report(_ages(hidden=False)), "alder")
    assert shown_only is not None and _bars(shown_only) == 2


def test_before_after_means_not_shown_are_not_drawn(world, huddinge):
    start, end = _year()
    report = selectors.operational_report(scope=Scope(world.municipality), start=start, end=end)
    svg = report_charts.chart_svg(report, "fore_efter")
    assert svg is not None
    # Police and concern reports, before and after (2,9 0,9 1,8 0,8); convictions: "–", no
    # bar.
    assert _bars(svg) == 4
    assert all(text in svg for text in ("2,9", "0,9", "1,8", "0,8", "–"))


def test_the_svg_is_safe_deterministic_and_titled():
    nasty = _ages(title='<script>alert("x")</script> & co')
    first = report_charts.chart_svg(_report(nasty), "alder")
    second = report_charts.chart_svg(_report(nasty), "alder")
    assert first is not None and first == second
    assert first.startswith("<svg") and "<title" in first and "<desc" in first
    assert "<script" not in first and "&lt;script&gt;" in first and "&amp; co" in first
    assert "javascript:" not in first.lower() and "<foreignobject" not in first.lower()
    assert 'href="http' not in first


def test_only_the_charted_tables_have_a_chart():
    assert set(report_charts.CHARTED) >= {"oversikt", "alder", "fore_efter"}
    report = _report(_ages())
    assert report_charts.chart_svg(report, "tid") is None
    assert report_charts.chart_svg(report, "okand") is None
    assert report_charts.chart_svg(report, "oversikt") is None  # not in this report


# --- the view ---------------------------------------------------------------------------------


def test_the_charts_are_served_to_the_report_s_viewers_with_a_strict_policy(world, huddinge):
    client = staff_client(world.steering)
    for key in report_charts.CHARTED:
        response = client.get(chart_url(key), {"fran": "2026-01-01"})
        assert response.status_code == 200, key
        assert response["Content-Type"].startswith("image/svg+xml")
        policy = response["Content-Security-Policy"]
        assert {part.strip() for part in policy.split(";")} == CSP
        assert "no-store" in response["Cache-Control"]
        svg = response.content.decode()
        assert svg.startswith("<svg") and "<script" not in svg.lower()


def test_the_chart_follows_the_page_s_period_and_area(world, huddinge, settings):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    client = staff_client(world.steering)
    whole = client.get(chart_url("oversikt")).content.decode()
    assert ">10<" in whole.replace(" 10<", ">10<")
    year = _year()[0].year
    empty = client.get(
        chart_url("oversikt"), {"fran": f"{year - 2}-01-01", "till": f"{year - 2}-12-31"}
    )
    assert empty.status_code == 200 and empty.content.decode() != whole


def test_outsiders_and_unknown_charts_get_404(world, huddinge):
    for person in (world.coordinator, world.admin, world.outsider, world.manager):
        assert staff_client(person).get(chart_url("oversikt")).status_code == 404
    client = staff_client(world.steering)
    assert client.get(chart_url("tid")).status_code == 404
    assert client.get(chart_url("finns-inte")).status_code == 404
    national = make_person("nationell", world.owner_org, Role.NATIONAL)
    assert staff_client(national).get(chart_url("alder")).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client: Any, world):
    response = client.get(chart_url("oversikt"))
    assert response.status_code == 302


# --- the page ---------------------------------------------------------------------------------


def test_the_page_shows_each_chart_above_its_table_with_a_text_alternative(world, huddinge):
    page = staff_client(world.steering).get(REPORT_URL, {"fran": "2026-01-01"}).content.decode()
    for key in report_charts.CHARTED:
        image = page.index(f'src="{chart_url(key)}?fran=2026-01-01"')
        assert image < page.index(f'data-table="{key}"')
    assert 'alt="Diagram: Översikt. Värdena finns i tabellen under diagrammet."' in page
    assert "<figcaption>Diagram över aktualiserade per åldersgrupp. Tabellen under" in page
    assert reverse("followup:export_pdf") in page
    assert reverse("followup:costs") in page and reverse("followup:needs") in page
    assert "style=" not in page.split("<main", 1)[-1]


@pytest.mark.parametrize("key", ["oversikt", "alder"])
def test_bars_are_drawn_for_shown_counts_only_on_a_real_report(world, huddinge, key):
    start, end = _year()
    report = selectors.operational_report(scope=Scope(world.municipality), start=start, end=end)
    table = next(t for t in report.tables if t.key == key)
    shown = sum(1 for _label, cells in table.rows if cells[0].shown and float(cells[0].value) > 0)
    zero = sum(1 for _label, cells in table.rows if cells[0].shown and cells[0].value == 0)
    svg = report_charts.chart_svg(report, key)
    assert svg is not None
    assert _bars(svg) == shown + zero  # a shown zero is a bar of no length
