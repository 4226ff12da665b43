"""The styrgrupp's follow-up pages in a real browser (issue 8).

A styrgrupp member of Stockholm opens Verksamhetsuppföljning from the main menu and reads the
report over the ten youths of the Huddinge evaluation (police reports per youth 2,9 before and
0,9 after the start, with the caution that this is no effect evaluation), chooses another
period, sees a suppressed small count, the charts and the PDF and Excel exports. On
Kostnader och nytta they try another cost of SIG and see the result change. On
Behovsinventering they upload a file with errors (listed by line and column, in Swedish), then
docs/exempel/behovsinventering.csv: preview, confirm, and the coverage table. On a 390 px phone
the report and the calculator do not scroll sideways. A police officer gets 404. Every page is
checked with axe-core (no serious or critical violations).

With a background limit of 0 the report is computed in a thread: the progress page appears and
turns into the report by itself (htmx polls the page).

Screenshots go to e2e/artifacts/; with SAMSYN_DOCS_SCREENSHOTS=1 (`make screenshots`) they
are copied to docs/followup/ as well.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import assert_accessible, new_context, screenshot
from e2e.journeys import (
    assert_no_horizontal_scroll,
    expect_message,
    phone_context_signed_in_as,
    phone_page_in,
    sign_in,
)
from samsyn.cases import services as cases
from samsyn.cases.models import Case, CaseState, ClosureReason, Measure, Period, ReferralKind
from samsyn.followup import jobs
from samsyn.organisations.models import (
    CrimeCost,
    District,
    LocalPolicy,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    Role,
)
from tests.conftest import make_person
from tests.test_followup_report import HUDDINGE

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "followup"
EXAMPLE_CSV = ROOT / "docs" / "exempel" / "behovsinventering.csv"
REPORT = "/uppfoljning/"
REFERRED = date(2025, 1, 20)
STARTED = date(2025, 3, 1)
CLOSED = date(2026, 6, 30)
PERIOD = ("2025-01-01", "2026-12-31")
KINDS = (
    ReferralKind.POLICE,
    ReferralKind.SCHOOL,
    ReferralKind.SOCIAL_SERVICES,
    ReferralKind.POLICE,
)
BROKEN_CSV = "år;stadsdel;antal;källa\n2025;Västra;8;\n2025;Skärholmen;-3;\n"


@dataclass
class Scene:
    municipality: Municipality
    steering: Person
    police: Person


def _case(coordinator: Person, n: int, *, district: District, sex: str) -> Case:
    case = cases.case_create(
        actor=coordinator,
        kind=KINDS[n % len(KINDS)],
        first_name=f"Ung{n}",
        last_name="Uppföljningsson",
        reason="Misstänkt för brott.",
        date_of_birth=date(2009, 6, 1),
        sex=sex,
        district=district,
        referred_on=REFERRED,
    )
    # Past consent, assessment and decision (their own journeys): the SIG started.
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.ACTIVE, decided_on=date(2025, 2, 15), started_on=STARTED
    )
    return case


@pytest.fixture
def scene(transactional_db: None) -> Scene:
    """Stockholm with the districts of the example file: the ten Huddinge youths in
    Rinkeby-Kista with their counts before and after the start (seed 001, Tabell 2), and six
    youths in Skärholmen without counts (in the SIG counts, not in the before/after table)."""
    municipality = Municipality.objects.create(name="Stockholm", municipality_number="0180")
    rinkeby = District.objects.create(municipality=municipality, name="Rinkeby-Kista")
    skarholmen = District.objects.create(municipality=municipality, name="Skärholmen")
    policy = LocalPolicy.objects.create(municipality=municipality)
    CrimeCost.objects.create(policy=policy, crime_type="Rån med våld", amount_sek=200_000)
    social = Organisation.objects.create(
        municipality=municipality,
        district=rinkeby,
        kind=OrganisationKind.SOCIAL_SERVICES,
        name="Socialtjänsten Rinkeby-Kista",
    )
    police_org = Organisation.objects.create(
        municipality=municipality, kind=OrganisationKind.POLICE, name="Lokalpolisområde Rinkeby"
    )
    coordinator = make_person("samordnare.uppf", social, Role.COORDINATOR)
    police = make_person("polis.uppf", police_org, Role.ACTOR_REPRESENTATIVE)
    steering = make_person("styrgrupp.uppf", social, Role.STEERING, last_name="Lindqvist")
    Person.objects.filter(pk=steering.pk).update(first_name="Maria")
    save = cases.outcome_count_save
    for n, (pb, cb, pa, ca) in enumerate(HUDDINGE, start=1):
        case = _case(coordinator, n, district=rinkeby, sex="pojke" if n <= 7 else "flicka")
        cases.member_add(actor=coordinator, case=case, person=police)
        save(actor=police, case=case, period=Period.BEFORE,
             measure=Measure.POLICE_REPORTS, count=pb)  # fmt: skip
        save(actor=coordinator, case=case, period=Period.BEFORE,
             measure=Measure.CONCERN_REPORTS, count=cb)  # fmt: skip
        save(actor=police, case=case, period=Period.DURING,
             measure=Measure.POLICE_REPORTS, count=min(pa, 1))  # fmt: skip
        save(actor=police, case=case, period=Period.AFTER,
             measure=Measure.POLICE_REPORTS, count=pa - min(pa, 1))  # fmt: skip
        save(actor=coordinator, case=case, period=Period.DURING,
             measure=Measure.CONCERN_REPORTS, count=ca)  # fmt: skip
    for n in range(11, 17):
        case = _case(coordinator, n, district=skarholmen, sex="flicka" if n % 2 else "pojke")
        if n in (11, 12):  # two of them have ended
            cases.case_close(
                actor=coordinator,
                case=case,
                closed_on=CLOSED,
                reason=ClosureReason.GOALS_MET if n == 11 else ClosureReason.MOVED,
                summary="Avslutad.",
            )
    return Scene(municipality=municipality, steering=steering, police=police)


@pytest.fixture
def contexts(browser: Any, live_server: Any) -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def desktop(browser: Any, contexts: list[Any]) -> tuple[Any, Any]:
    context = new_context(browser, bypass_csp=True)
    contexts.append(context)
    return context, context.new_page()


def photograph(page: Any, name: str) -> None:
    """A full-page screenshot into e2e/artifacts/, and into docs/followup/ for
    `make screenshots`: there with 256 colours, which keeps the long report page well under a
    megabyte and looks the same (flat colours and text)."""
    shot = screenshot(page, f"followup-{name}")
    if os.environ.get("SAMSYN_DOCS_SCREENSHOTS"):
        from PIL import Image  # Pillow comes with matplotlib, which draws the charts

        DOCS.mkdir(parents=True, exist_ok=True)
        with Image.open(shot) as image:
            image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE).save(
                DOCS / f"{name}.png", optimize=True
            )


def table_text(page: Any, key: str) -> str:
    return page.locator(f'table[data-table="{key}"]').inner_text()


def row_cells(page: Any, key: str, label: str) -> list[str]:
    row = page.locator(f'table[data-table="{key}"] tr').filter(
        has=page.get_by_role("rowheader", name=label, exact=True)
    )
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def assert_charts_load(page: Any) -> None:
    charts = page.locator("figure.report-chart img")
    assert charts.count() > 0, "the report shows no charts"
    for chart in charts.all():
        chart.scroll_into_view_if_needed()
        expect(chart).to_have_js_property("complete", True)
        width = chart.evaluate("img => img.naturalWidth")
        assert width > 0, f"chart {chart.get_attribute('src')} did not load"


def assert_download(page: Any, link_name: str, content_type: str, magic: bytes) -> None:
    """The export link answers 200 with the file, in the signed-in session."""
    href = page.get_by_role("link", name=link_name).evaluate("a => a.href")
    response = page.request.get(href)
    assert response.status == 200, f"{href}: {response.status}"
    assert response.headers["content-type"].startswith(content_type), response.headers
    assert response.body().startswith(magic), f"{href}: not a {content_type} file"


def test_the_styrgrupp_reads_the_report_tries_costs_and_imports_the_needs(
    browser, live_server, scene, contexts, tmp_path
):
    base = live_server.url
    context, page = desktop(browser, contexts)
    sign_in(page, base, scene.steering)

    # 1. The report, from the main menu.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Verksamhetsuppföljning"
    ).click()
    expect(page).to_have_url(re.compile(r"/uppfoljning/$"))
    expect(page.locator("h1")).to_have_text("Verksamhetsuppföljning")
    expect(page.locator(".lead")).to_contain_text("Stockholm")
    assert row_cells(page, "fore_efter", "Polisanmälningar per ungdom") == ["2,9", "0,9"]
    caution = page.locator("#varning-fore_efter")
    expect(caution).to_contain_text("ingen effektutvärdering")
    expect(caution).to_contain_text("jämförelsegrupp")

    # Another period: the SIGs started in 2025, so the referrals appear.
    page.get_by_label("Från").fill(PERIOD[0])
    page.get_by_label("Till").fill(PERIOD[1])
    page.get_by_role("button", name="Visa", exact=True).click()
    expect(page).to_have_url(re.compile(r"fran=2025-01-01.*till=2026-12-31"))
    expect(page.locator(".lead")).to_contain_text("2025-01-01–2026-12-31")
    assert row_cells(page, "oversikt", "Aktualiserade") == ["16"]
    assert row_cells(page, "fore_efter", "Polisanmälningar per ungdom") == ["2,9", "0,9"]
    assert row_cells(page, "fore_efter", "Orosanmälningar per ungdom") == ["1,8", "0,8"]
    none_after = row_cells(
        page, "fore_efter", "Ungdomar utan polisanmälan och orosanmälan efter start"
    )
    assert none_after[-1] == "<5", none_after
    assert_charts_load(page)
    assert_accessible(page)
    assert_download(page, "Ladda ner som PDF", "application/pdf", b"%PDF")
    assert_download(
        page,
        "Ladda ner som Excel (xlsx)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK",
    )
    photograph(page, "verksamhetsuppfoljning")
    report_url = page.url

    # 2. Costs and benefits, through the sub-navigation: the period comes along.
    page.get_by_role("navigation", name="Uppföljning").get_by_role(
        "link", name="Kostnader och nytta"
    ).click()
    expect(page.locator("h1")).to_have_text("Kostnader och nytta")
    expect(page.get_by_label("Från")).to_have_value(PERIOD[0])
    saved = table_text(page, "jamforelse")
    expect(page.locator('table[data-table="brott"]')).to_contain_text("Polisanmälningar")
    assert_accessible(page)
    trial = page.locator("fieldset", has_text="Pröva andra siffror")
    trial.get_by_label("SIG per ungdom och år (kr)").fill("500 000")
    trial.get_by_role("button", name="Räkna").click()
    expect(page).to_have_url(re.compile(r"sig=500"))
    expect(page.get_by_text("Du räknar med egna siffror. De sparas inte.")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("500\u00a0000\u00a0kr")
    tried = table_text(page, "jamforelse")
    assert tried != saved, "the comparison did not change with another cost of SIG"
    assert_accessible(page)
    photograph(page, "kostnader-och-nytta")
    costs_url = page.url
    page.get_by_role("link", name="Räkna med de sparade siffrorna igen").click()
    expect(page.get_by_text("Du räknar med egna siffror")).to_have_count(0)
    assert table_text(page, "jamforelse") == saved

    # 3. The needs inventory: a file with errors, then the example file.
    page.get_by_role("navigation", name="Uppföljning").get_by_role(
        "link", name="Behovsinventering"
    ).click()
    expect(page.locator("h1")).to_have_text("Behovsinventering och täckning")
    expect(page.get_by_text("Ingen behovsinventering är inläst än.")).to_be_visible()
    page.get_by_role("link", name="Läs in behovsinventering (CSV)").click()
    broken = tmp_path / "behov-med-fel.csv"
    broken.write_text(BROKEN_CSV, encoding="utf-8")
    page.get_by_label("Fil (CSV)").set_input_files(broken)
    page.get_by_label("Källa").fill("Polisens lägesbild")
    page.get_by_role("button", name="Granska filen").click()
    errors = page.locator(".error-summary")
    expect(errors.get_by_role("heading")).to_have_text("Filen har 2 fel. Inget har lästs in.")
    problems = errors.locator("tbody tr")
    expect(problems).to_have_count(2)
    assert [c.strip() for c in problems.nth(0).locator("td").all_inner_texts()][:2] == [
        "2",
        "stadsdel",
    ]
    expect(problems.nth(0)).to_contain_text("Västra")
    assert [c.strip() for c in problems.nth(1).locator("td").all_inner_texts()][:2] == [
        "3",
        "antal",
    ]
    assert_accessible(page)

    page.get_by_label("Fil (CSV)").set_input_files(EXAMPLE_CSV)
    page.get_by_label("Källa").fill("Socialtjänstens kartläggning")
    page.get_by_role("button", name="Granska filen").click()
    expect(page.get_by_role("heading", name="Förhandsgranskning")).to_be_visible()
    expect(page.locator('table[data-table="forhandsgranskning"] tbody tr')).to_have_count(6)
    expect(page.locator("#forhand + p")).to_contain_text("Nya: 6.")
    assert_accessible(page)
    page.get_by_role("button", name="Läs in 6 rader").click()
    expect_message(page, "Behovsinventeringen är inläst. Nya: 6, ersatta: 0")
    expect(page).to_have_url(re.compile(r"/uppfoljning/behov/$"))
    coverage = page.locator('table[data-table="tackning"]')
    expect(coverage).to_be_visible()
    rinkeby_2025 = coverage.locator("tr", has_text="2025").filter(
        has=page.get_by_role("rowheader", name="Rinkeby-Kista", exact=True)
    )
    assert [c.strip() for c in rinkeby_2025.locator("td").all_inner_texts()][:4] == [
        "2025",
        "58",
        "10",
        "17 %",
    ]
    assert_accessible(page)
    photograph(page, "behovsinventering")

    # 4. The same person on a phone: no sideways scrolling, wide tables scroll in their region.
    phone = phone_page_in(phone_context_signed_in_as(browser, context))
    contexts.append(phone.context)
    for url, name in ((report_url, "verksamhetsuppfoljning-mobil"), (costs_url, None)):
        phone.goto(url)
        expect(phone.locator("h1")).to_be_visible()
        assert_no_horizontal_scroll(phone)
        assert_accessible(phone)
        if name:
            assert_charts_load(phone)
            photograph(phone, name)

    # 5. A police officer has no report role: 404, and no menu link.
    _police_context, police = desktop(browser, contexts)
    sign_in(police, base, scene.police)
    expect(police.get_by_role("navigation", name="Huvudmeny")).not_to_contain_text(
        "Verksamhetsuppföljning"
    )
    for path in (REPORT, REPORT + "kostnader/", REPORT + "behov/", REPORT + "rapport.pdf"):
        response = police.goto(base + path)
        assert response is not None and response.status == 404, (path, response)


@pytest.fixture
def held_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Background runs wait for the event before they start: the progress page stays until
    the test has looked at it (else a small report can be done before axe has finished, and
    the page reloads under it). Set the event to let them go."""
    release = threading.Event()
    start_run = jobs.start_run

    def held(pk: int) -> None:
        def later() -> None:
            if release.wait(timeout=60):
                start_run(pk)

        threading.Thread(target=later, name=f"held-report-run-{pk}", daemon=True).start()

    monkeypatch.setattr(jobs, "start_run", held)
    yield release
    release.set()


def test_a_large_area_is_computed_in_the_background_and_the_page_turns_into_the_report(
    browser, live_server, scene, contexts, settings, held_runs
):
    settings.SAMSYN_REPORT_BACKGROUND_FROM = 0  # every area is "large"
    base = live_server.url
    _context, page = desktop(browser, contexts)
    sign_in(page, base, scene.steering)
    page.goto(f"{base}{REPORT}?fran={PERIOD[0]}&till={PERIOD[1]}")
    expect(page.get_by_role("heading", name="Rapporten räknas fram")).to_be_visible()
    expect(page.locator("#rapport-steg")).to_have_text("Väntar på att börja.")
    expect(page.locator("progress")).to_be_attached()
    assert_accessible(page)
    screenshot(page, "followup-progress")
    # htmx asks again every two seconds: while the run waits, the page stays as it is.
    with page.expect_response(
        lambda r: REPORT in r.url and r.request.headers.get("hx-request") == "true",
        timeout=5_000,
    ) as poll:
        pass
    assert poll.value.status == 200
    expect(page.locator("#rapport-steg")).to_have_text("Väntar på att börja.")
    # Once the run is done, the next answer reloads the page as the report.
    held_runs.set()
    expect(page.locator('table[data-table="fore_efter"]')).to_be_visible(timeout=20_000)
    expect(page.get_by_role("heading", name="Rapporten räknas fram")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"fran=2025-01-01.*till=2026-12-31"))
    assert row_cells(page, "fore_efter", "Polisanmälningar per ungdom") == ["2,9", "0,9"]
    assert_charts_load(page)
