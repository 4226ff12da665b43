"""A browser journey from referral to decision: a police officer refers a youth, the
beredningsgrupp prepares the case de-identified, the coordinator screens it with an ESTER
measurement, tells the youth the six points, records the consent, the decision is made and the
case becomes active. At the end the police officer sees who the youth is, thanks to the consent.

Everything happens through the real forms; the fixture only sets up the municipality and its
people.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
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
from samsyn.cases.models import Case
from samsyn.organisations.models import (
    District,
    Instrument,
    LocalPolicy,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    Role,
)
from tests.conftest import make_person

FIRST_NAME = "Robin"
LAST_NAME = "Testström"
PERSONNUMMER = "20100521-0016"  # 16 years old: the youth and the guardians consent together
IDENTIFYING = (FIRST_NAME, LAST_NAME, "20100521", "100521-0016")
CASE_URL = re.compile(r"/arenden/([0-9a-f-]{36})/$")
TIMELINE = (
    "Aktualiserad",
    "Under beredning",
    "Bedömning",
    "Information och samtycke",
    "Beslutad",
    "Aktiv",
)


@dataclass
class Scene:
    social: Organisation
    police_org: Organisation
    coordinator: Person
    case_officer: Person
    manager: Person
    police: Person
    ester: Instrument


@pytest.fixture
def scene(transactional_db: None) -> Scene:
    municipality = Municipality.objects.create(name="Journeykommun", municipality_number="9932")
    district = District.objects.create(municipality=municipality, name="Centrum")
    ester = Instrument.objects.get(short_name="ESTER")
    assert ester.domains.count() == 19
    LocalPolicy.objects.create(municipality=municipality).instruments.add(ester)
    social = Organisation.objects.create(
        municipality=municipality,
        district=district,
        kind=OrganisationKind.SOCIAL_SERVICES,
        name="Socialtjänsten Centrum",
    )
    police_org = Organisation.objects.create(
        municipality=municipality, kind=OrganisationKind.POLICE, name="Polisen Journeykommun"
    )
    return Scene(
        social=social,
        police_org=police_org,
        coordinator=make_person("sara", social, Role.COORDINATOR, last_name="Lind"),
        case_officer=make_person("hanna", social, Role.CASE_OFFICER, last_name="Berg"),
        manager=make_person("maja", social, Role.MANAGER, last_name="Ek"),
        police=make_person("johan", police_org, Role.ACTOR_REPRESENTATIVE, last_name="Polis"),
        ester=ester,
    )


def field(label: str) -> re.Pattern[str]:
    """A field's label exactly, whether or not it is marked required (" *")."""
    return re.compile(rf"^{re.escape(label)}( \*)?$")


@pytest.fixture
def contexts() -> Iterator[list[Any]]:
    """The journey's browser contexts, closed at the end even when a step fails."""
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def signed_in(browser: Any, base_url: str, person: Person, contexts: list[Any]) -> tuple[Any, Any]:
    context = new_context(browser, bypass_csp=True)
    contexts.append(context)
    page = context.new_page()
    sign_in(page, base_url, person)
    return context, page


def open_disclosure(page: Any, summary: str) -> Any:
    """Open the <details> whose summary reads `summary`; returns the details element."""
    details = page.locator("details", has=page.locator("summary", has_text=summary)).first
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()
    return details


def change_state(page: Any, base_url: str, code: str, state: str, reason: str) -> None:
    page.goto(f"{base_url}/arenden/{code}/forlopp/")
    form = open_disclosure(page, "Byt läge").locator("form")
    form.get_by_role("radio", name=state, exact=True).check()
    form.get_by_label("Motivering").fill(reason)
    form.get_by_role("button", name="Byt läge").click()
    expect_message(page, "Ärendet har bytt läge.")
    expect(page.locator(".state-badge")).to_have_text(state)


def assert_not_identified(page: Any) -> None:
    html = page.content()
    for text in IDENTIFYING:
        assert text not in html, f"{page.url} shows {text!r} to someone without consent"


def test_from_police_referral_to_an_active_case(browser, live_server, scene, contexts):
    base = live_server.url

    # 1. The police officer refers the youth to social services.
    _, police = signed_in(browser, base, scene.police, contexts)
    police.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ärenden").click()
    police.get_by_role("link", name=re.compile(r"^Aktualisera")).click()
    expect(police).to_have_url(re.compile(r"/arenden/nytt/$"))
    assert_accessible(police)
    screenshot(police, "case-1-referral-form")
    police.get_by_label("Till socialtjänsten i").select_option(label="Socialtjänsten Centrum")
    expect(police.get_by_label("Aktualiseras av")).to_have_value("polis")
    police.get_by_label("Skäl till aktualiseringen").fill(
        "Gripen två gånger för rån mot yngre elever. Stor skolfrånvaro."
    )
    police.get_by_label(field("Förnamn")).fill(FIRST_NAME)
    police.get_by_label(field("Efternamn")).fill(LAST_NAME)
    police.get_by_label("Personnummer eller samordningsnummer").fill(PERSONNUMMER)
    police.get_by_label("Kön").select_option(label="Pojke/man")
    police.get_by_label("Stadsdel/område").select_option(label="Centrum (Journeykommun)")
    police.get_by_label("Avidentifierad sammanfattning").fill(
        "Pojke 15–17 år, misstänkt för rån tillsammans med äldre kamrater. Hög skolfrånvaro."
    )
    police.get_by_role("button", name="Aktualisera", exact=True).click()
    expect_message(police, "är aktualiserat hos Socialtjänsten Centrum")
    expect(police).to_have_url(CASE_URL)
    code = CASE_URL.search(police.url)[1]
    case_url = f"{base}/arenden/{code}/"
    anonymous_code = Case.objects.get(code=code).anonymous_code
    expect(police.locator("h1")).to_contain_text(anonymous_code)
    expect(police.locator("main")).to_contain_text("Avidentifierat ärende")
    assert_not_identified(police)

    # 2. The coordinator takes the referral and puts it before the beredningsgrupp.
    coord_ctx, coord = signed_in(browser, base, scene.coordinator, contexts)
    coord.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Ärenden").click()
    expect(coord).to_have_url(re.compile(r"/arenden/$"))
    incoming = coord.get_by_role("region", name="Inkomna aktualiseringar som ingen har tagit emot")
    expect(incoming).to_contain_text(anonymous_code)
    assert_accessible(coord)
    incoming.get_by_role("button", name=f"Ta emot ärendet {anonymous_code}").click()
    expect_message(coord, f"Du har tagit emot ärendet {anonymous_code}")
    expect(coord.locator("h1")).to_contain_text(f"{FIRST_NAME} {LAST_NAME}")
    change_state(coord, base, code, "Under beredning", "Tas upp i beredningsgruppen på tisdag.")

    # 3. The manager discusses it de-identified and proposes a SIG.
    _, manager = signed_in(browser, base, scene.manager, contexts)
    manager.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Beredning"
    ).click()
    expect(manager).to_have_url(re.compile(r"/arenden/beredning/$"))
    item = manager.locator("article", has=manager.get_by_role("heading", name=anonymous_code))
    expect(item).to_contain_text("Pojke 15–17 år, misstänkt för rån")
    assert_not_identified(manager)
    assert_accessible(manager)
    screenshot(manager, "case-3-agenda")
    item.get_by_role("radio", name="Föreslå SIG", exact=True).check()
    item.get_by_label("Motivering").fill("Flera riskfaktorer och brott tillsammans med andra.")
    item.get_by_role("button", name="Spara rekommendationen").click()
    expect_message(manager, f"Rekommendationen för {anonymous_code} är sparad.")
    expect(item).to_contain_text("Föreslå SIG")
    assert_not_identified(manager)

    # 4. The coordinator screens the case: risk assessment and an ESTER measurement.
    change_state(coord, base, code, "Bedömning", "Beredningsgruppen föreslår SIG.")
    coord.goto(f"{base}/arenden/{code}/bedomning/")
    coord.get_by_role("link", name="Ny risk- och skyddsbedömning").click()
    for factor in (
        "Skolkar regelbundet",
        "Begår brott tillsammans med andra",
        "Har familj eller vänner som begår brott",
        "God fysisk hälsa",
    ):
        coord.get_by_label(factor, exact=True).check()
    coord.get_by_label("Samlad bedömning").fill(
        "Hög risk för fortsatt brottslighet; skyddsfaktorer finns i god hälsa och idrotten."
    )
    coord.get_by_role("button", name="Spara bedömningen").click()
    expect_message(coord, "Bedömningen är sparad.")

    coord.get_by_role("link", name="Ny mätning med instrument").click()
    coord.get_by_label("Instrument").select_option(label="ESTER – ESTER-bedömning")
    coord.get_by_role("button", name="Fortsätt").click()
    coord.get_by_label("Tillfälle").select_option(label="Ingångsvärde")
    domains = list(scene.ester.domains.order_by("sort_order"))
    for i, domain in enumerate(domains):
        coord.get_by_label(domain.name, exact=True).fill(str(i % 3))
    coord.get_by_role("button", name="Spara mätningen").click()
    expect_message(coord, "Mätningen är sparad.")
    expect(coord.locator("main")).to_contain_text("ESTER")
    expect(coord.locator("main")).to_contain_text("Ingångsvärde")
    ester_table = coord.locator("table.comparison")
    expect(ester_table).to_contain_text("Ingångsvärde")
    for i in (1, 2):
        row = ester_table.get_by_role("row").filter(has_text=domains[i].name)
        expect(row.get_by_role("cell").first).to_have_text(str(i))
    assert_accessible(coord)

    # ...tells the youth the six points...
    change_state(coord, base, code, "Information och samtycke", "Bedömningen talar för en SIG.")
    info = open_disclosure(coord, "Registrera given information").locator("form")
    points = info.get_by_role("group", name="Ungdomen har fått veta").get_by_role("checkbox")
    expect(points).to_have_count(6)
    for i in range(6):
        points.nth(i).check()
    expect(info.get_by_label("Informerad av")).to_have_value(str(scene.coordinator.code))
    info.get_by_label("Kommentar").fill("Fick informationsbladet vid hembesöket.")
    info.get_by_role("button", name="Spara").click()
    expect_message(coord, "Informationen är registrerad.")
    expect(coord.locator("#info-caption")).to_have_text("Alla sex punkter är gjorda.")

    # ...registers the guardian and records the consent to the police.
    coord.goto(case_url)
    guardian = open_disclosure(coord, "Lägg till vårdnadshavare").locator("form")
    guardian.get_by_label(field("Förnamn")).fill("Lena")
    guardian.get_by_label(field("Efternamn")).fill(LAST_NAME)
    guardian.get_by_role("button", name="Lägg till").click()
    expect_message(coord, f"Lena {LAST_NAME} är tillagd.")

    coord.get_by_role("link", name="Samtycken", exact=True).click()
    coord.get_by_role("link", name="Registrera samtycke").click()
    consent = coord.locator("form[method=post][enctype]")
    consent.get_by_label("Identitet och kontakt").check()
    consent.get_by_label("Socialtjänstens utredning och insatser").check()
    consent.get_by_label("Polisen Journeykommun").check()
    consent.get_by_label(f"Ungdomen ({FIRST_NAME} {LAST_NAME})").check()
    consent.get_by_label(f"Lena {LAST_NAME} (vårdnadshavare)").check()
    consent.get_by_role("radio", name="Muntligt").check()
    consent.get_by_label("Anteckning om muntligt samtycke").fill(
        "Robin och Lena samtyckte muntligt vid hembesöket; Sara antecknade."
    )
    consent.get_by_role("button", name="Registrera samtycket").click()
    expect_message(coord, "är registrerat.")

    # 5. The decision, the contact police officer, and the case becomes active.
    coord.goto(f"{base}/arenden/{code}/forlopp/")
    decision = coord.locator("form", has=coord.get_by_role("button", name="Registrera beslutet"))
    expect(decision.get_by_role("radio", name="Biståndsbedömd insats")).to_be_checked()
    decision.get_by_label("Diarienummer").fill("SOC 2026/1234")
    decision.get_by_label("Beslutsfattare").select_option(str(scene.case_officer.code))
    decision.get_by_role("button", name="Registrera beslutet").click()
    expect_message(coord, "Beslutet är registrerat.")
    expect(coord.locator(".state-badge")).to_have_text("Beslutad")

    group = open_disclosure(coord, "Utse samordnare, lots och kontaktpolis").locator("form")
    expect(group.get_by_label("Samordnare")).to_have_value(str(scene.coordinator.code))
    group.get_by_label("Kontaktpolis").select_option(str(scene.police.code))
    group.get_by_role("button", name="Spara").click()
    expect_message(coord, "Uppdragen är sparade.")

    change_state(coord, base, code, "Aktiv", "Första nätverksmötet är bokat.")
    expect(coord.locator(".state-badge")).to_have_text("Aktiv")
    expect(coord.locator("#gruppen")).to_be_visible()
    expect(coord.locator("section", has=coord.locator("#gruppen"))).to_contain_text("Johan Polis")
    timeline = coord.locator("ol.timeline > li")
    expect(timeline).to_have_count(len(TIMELINE))
    for entry, state in zip(timeline.all(), TIMELINE, strict=True):
        expect(entry.locator("strong").first).to_have_text(state)
    assert_accessible(coord)
    screenshot(coord, "case-5-forlopp")

    phone_ctx = phone_context_signed_in_as(browser, coord_ctx)
    contexts.append(phone_ctx)
    phone = phone_page_in(phone_ctx)
    phone.goto(f"{base}/arenden/{code}/forlopp/")
    expect(phone.locator(".state-badge")).to_have_text("Aktiv")
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)
    screenshot(phone, "case-5-forlopp-phone")

    # 6. The police officer, in the same browser as in step 1, now sees who the youth is.
    police.goto(case_url)
    expect(police.locator("main")).to_contain_text(f"{FIRST_NAME} {LAST_NAME}")
    expect(police.locator("h1")).to_contain_text(FIRST_NAME)
    police.get_by_role("link", name="Förlopp", exact=True).click()
    expect(police.locator(".state-badge")).to_have_text("Aktiv")
    expect(police.locator("ol.timeline > li")).to_have_count(len(TIMELINE))
