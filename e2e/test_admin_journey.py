"""Administration journeys in Chromium: an administrator creates a person, changes the local
policy and finds both in the audit log; bad input; accessibility of every admin page on a
desktop and a phone; switching language; a non-administrator kept out.

Screenshots land in e2e/artifacts/admin-*.png for a human to look at.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.conftest import assert_accessible, screenshot
from e2e.journeys import (
    assert_no_horizontal_scroll,
    phone_context,
    phone_page_in,
    sign_in,
)
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

NEW_PASSWORD = "blå-kaffekopp-på-bordet-17"


@dataclass
class Admin:
    municipality: Municipality
    district: District
    policy: LocalPolicy
    social: Organisation
    police: Organisation
    admin: Person
    coordinator: Person


@pytest.fixture
def town(transactional_db: None) -> Admin:
    municipality = Municipality.objects.create(name="Testkommun", municipality_number="9901")
    district = District.objects.create(municipality=municipality, name="Norra")
    policy = LocalPolicy.objects.create(municipality=municipality)
    social = Organisation.objects.create(
        municipality=municipality,
        district=district,
        kind=OrganisationKind.SOCIAL_SERVICES,
        name="Socialtjänsten Norra",
    )
    police = Organisation.objects.create(
        municipality=municipality, kind=OrganisationKind.POLICE, name="Polisen Testkommun"
    )
    Organisation.objects.create(
        municipality=municipality, kind=OrganisationKind.SCHOOL, name="Norraskolan"
    )
    return Admin(
        municipality=municipality,
        district=district,
        policy=policy,
        social=social,
        police=police,
        admin=make_person("admin", social, Role.ADMINISTRATOR, last_name="Adminsson"),
        coordinator=make_person("samordnare", social, Role.COORDINATOR, last_name="Berg"),
    )


def open_admin(page: Any) -> None:
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Administration"
    ).click()
    expect(page.locator("h1")).to_have_text("Administration")


def subnav(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="Administration").get_by_role("link", name=name).click()


def fill_person_form(page: Any, *, password_again: str = NEW_PASSWORD) -> None:
    page.get_by_label("Användarnamn").fill("nils.nilsson")
    page.get_by_label("Förnamn").fill("Nils")
    page.get_by_label("Efternamn").fill("Nilsson")
    page.get_by_label("E-postadress").fill("nils.nilsson@example.se")
    page.get_by_label("Organisation").select_option(label="Polisen Testkommun")
    page.get_by_label("Samordnare", exact=True).check()
    page.get_by_label(re.compile(r"^Lösenord\W*$")).fill(NEW_PASSWORD)
    page.get_by_label("Lösenordet igen").fill(password_again)


# --- 1. create a person, change the policy, find it in the audit log -------------------------


def test_an_administrator_creates_a_person_changes_policy_and_finds_it_in_the_log(
    page, live_server, town
):
    sign_in(page, live_server.url, town.admin)
    open_admin(page)

    # A new person, through the form.
    subnav(page, "Personer")
    expect(page.locator("h1")).to_have_text("Personer")
    page.get_by_role("link", name="Lägg till person").click()
    expect(page.locator("h1")).to_have_text("Ny person")
    fill_person_form(page)
    page.get_by_role("button", name="Skapa kontot").click()

    expect(page.get_by_role("status").filter(has_text="Kontot för")).to_have_text(
        "Kontot för Nils Nilsson är skapat. Personen aktiverar tvåstegsverifiering vid "
        "första inloggningen."
    )
    expect(page.locator("h1")).to_have_text("Nils Nilsson")
    screenshot(page, "admin-journey-1-person-created")
    person = Person.objects.get(username="nils.nilsson")
    assert person.organisation == town.police
    assert person.roles == [Role.COORDINATOR]
    assert person.email == "nils.nilsson@example.se"
    assert person.check_password(NEW_PASSWORD)

    subnav(page, "Personer")
    row = page.get_by_role("row").filter(has_text="nils.nilsson")
    expect(row).to_have_count(1)
    expect(row.get_by_role("rowheader")).to_have_text("Nils Nilsson")
    expect(row).to_contain_text("Polisen Testkommun")
    expect(row).to_contain_text("Samordnare")
    expect(row).to_contain_text("inte aktiverad")

    # The municipality's local policy: meet every third week, and a crime cost.
    subnav(page, "Kommuner och riktlinjer")
    page.get_by_role("link", name="Ändra kommunens riktlinjer").click()
    expect(page.locator("h1")).to_have_text("Lokala riktlinjer: Testkommun")
    page.get_by_label("Nätverksmöte minst var n:e vecka").fill("3")
    page.get_by_label("Brottstyp, rad 1").fill("Rån")
    page.get_by_label("Kostnad i kronor, rad 1").fill("250000")
    page.get_by_role("button", name="Spara riktlinjerna").click()

    expect(page.locator("h1")).to_have_text("Administration")
    expect(page.get_by_role("status")).to_contain_text(
        "De lokala riktlinjerna för Testkommun är sparade."
    )
    facts = page.locator(".card dl.facts").first
    expect(facts).to_contain_text("minst var 3:e vecka")
    expect(facts).to_contain_text(re.compile(r"Rån: 250\s000 kr"))
    screenshot(page, "admin-journey-2-policy-saved")
    town.policy.refresh_from_db()
    assert town.policy.meeting_cadence_weeks == 3
    assert list(CrimeCost.objects.values_list("crime_type", "amount_sek")) == [("Rån", 250_000)]

    # The audit log: the creation is there, and in the CSV download.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Granskningslogg"
    ).click()
    expect(page.locator("h1")).to_have_text("Granskningslogg")
    page.get_by_label("Person", exact=True).fill("nils.nilsson")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page).to_have_url(re.compile(r"person=nils.nilsson"))
    results = page.locator("#results")
    created = results.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Skapad", exact=True)
    )
    expect(created).to_have_count(1)
    expect(created).to_contain_text("admin")
    expect(created).to_contain_text("Person")
    expect(created).to_contain_text(str(person.code)[:12])
    screenshot(page, "admin-journey-3-audit-results")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ned som CSV (Excel)").click()
    download = download_info.value
    assert re.fullmatch(r"granskningslogg-\d{8}-\d{4}\.csv", download.suggested_filename)
    content = download.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][:4] == ["Tidpunkt", "Användarnamn", "Organisation", "Händelse"]
    created_rows = [r for r in rows[1:] if r[3] == "Skapad"]
    assert len(created_rows) == 1, rows
    # The event names its actor by username and the new person by code (no names in the log).
    assert created_rows[0][1] == "admin"
    assert created_rows[0][5] == str(person.code)
    assert created_rows[0][7] == str(person.code)


# --- 2. bad input ------------------------------------------------------------------------------


def test_mismatched_passwords_show_a_swedish_error_and_create_nobody(page, live_server, town):
    sign_in(page, live_server.url, town.admin)
    page.goto(live_server.url + "/administration/personer/ny/")
    fill_person_form(page, password_again="ett-helt-annat-lösenord-42")
    page.get_by_role("button", name="Skapa kontot").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Något behöver rättas")
    expect(summary).to_contain_text(
        "Lösenordet igen: Lösenorden är inte likadana. Skriv samma två gånger."
    )
    # samsyn.js moves focus to the summary, so keyboard users land on what needs fixing.
    page.wait_for_function("() => document.activeElement.classList.contains('error-summary')")
    expect(page.locator(".field-error .error")).to_have_text(
        "Lösenorden är inte likadana. Skriv samma två gånger."
    )
    expect(page.locator("h1")).to_have_text("Ny person")
    expect(page.get_by_label("Användarnamn")).to_have_value("nils.nilsson")
    expect(page.get_by_label("Efternamn")).to_have_value("Nilsson")
    expect(page.get_by_label("Organisation")).to_have_value(str(town.police.code))
    expect(page.get_by_label("Samordnare", exact=True)).to_be_checked()
    # The link in the summary leads to the field.
    summary.get_by_role("link", name="Lösenordet igen").click()
    expect(page).to_have_url(re.compile(r"#id_password_again$"))
    assert not Person.objects.filter(username__iexact="nils.nilsson").exists()


# --- 3. accessibility and layout -------------------------------------------------------------


def admin_pages(town: Admin) -> list[tuple[str, str, str]]:
    """(screenshot name, path, the heading expected there) for every admin page."""
    return [
        ("overview", "/administration/", "Administration"),
        ("organisations", "/administration/organisationer/", "Organisationer"),
        ("organisation-new", "/administration/organisationer/ny/", "Ny organisation"),
        (
            "organisation-edit",
            f"/administration/organisationer/{town.police.code}/",
            "Polisen Testkommun",
        ),
        ("people", "/administration/personer/", "Personer"),
        ("person-new", "/administration/personer/ny/", "Ny person"),
        ("person-edit", f"/administration/personer/{town.coordinator.code}/", "Samordnare Berg"),
        (
            "policy-edit",
            f"/administration/riktlinjer/{town.policy.code}/",
            "Lokala riktlinjer: Testkommun",
        ),
        (
            "district-new",
            f"/administration/kommuner/{town.municipality.code}/ny-stadsdel/",
            "Ny stadsdel i Testkommun",
        ),
        ("district-edit", f"/administration/stadsdelar/{town.district.code}/", "Byt namn på Norra"),
        ("audit", "/granskningslogg/?person=samordnare", "Granskningslogg"),
        ("account", "/konto/", "Mitt konto"),
    ]


def visit(page: Any, url: str, heading: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    expect(page.locator("h1")).to_have_text(heading)


def test_every_admin_page_passes_axe_on_a_desktop(page, live_server, town):
    sign_in(page, live_server.url, town.admin)
    for name, path, heading in admin_pages(town):
        visit(page, live_server.url + path, heading)
        if name == "audit":
            expect(page.locator("#results tbody tr").first).to_be_visible()
        screenshot(page, f"admin-{name}-desktop")
        assert_accessible(page)

    # Error states: an empty person form, and a policy form with a bad number and half a row.
    page.goto(live_server.url + "/administration/personer/ny/")
    page.get_by_role("button", name="Skapa kontot").click()
    expect(page.get_by_role("alert")).to_contain_text("Något behöver rättas")
    expect(page.locator(".field-error")).not_to_have_count(0)
    screenshot(page, "admin-person-new-errors-desktop")
    assert_accessible(page)

    page.goto(live_server.url + f"/administration/riktlinjer/{town.policy.code}/")
    page.get_by_label("Nätverksmöte minst var n:e vecka").fill("0")
    page.get_by_label("Brottstyp, rad 1").fill("Skadegörelse")
    page.get_by_role("button", name="Spara riktlinjerna").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Något behöver rättas")
    expect(alert).to_contain_text("Nätverksmöte minst var n:e vecka")
    expect(page.locator("td.field-error")).to_contain_text("Fyll i kostnaden, eller töm raden.")
    expect(page.get_by_label("Brottstyp, rad 1")).to_have_value("Skadegörelse")
    screenshot(page, "admin-policy-errors-desktop")
    assert_accessible(page)
    town.policy.refresh_from_db()
    assert town.policy.meeting_cadence_weeks == 5


def test_admin_pages_fit_a_phone_and_pass_axe(browser, live_server, town):
    context = phone_context(browser)
    try:
        page = phone_page_in(context)
        sign_in(page, live_server.url, town.admin)
        for name, path, heading in admin_pages(town):
            visit(page, live_server.url + path, heading)
            screenshot(page, f"admin-{name}-phone")
            # Wide tables scroll inside their own region; the page itself never sideways.
            assert_no_horizontal_scroll(page)
            assert_accessible(page)

        page.goto(live_server.url + "/administration/personer/ny/")
        page.get_by_role("button", name="Skapa kontot").click()
        expect(page.get_by_role("alert")).to_contain_text("Något behöver rättas")
        screenshot(page, "admin-person-new-errors-phone")
        assert_no_horizontal_scroll(page)
        assert_accessible(page)
    finally:
        context.close()


def test_a_crime_cost_row_error_alone_is_summarised_at_the_top(page, live_server, town):
    sign_in(page, live_server.url, town.admin)
    page.goto(live_server.url + f"/administration/riktlinjer/{town.policy.code}/")
    page.get_by_label("Brottstyp, rad 1").fill("Rån")
    page.get_by_role("button", name="Spara riktlinjerna").click()
    expect(page.locator("td.field-error")).to_contain_text("Fyll i kostnaden, eller töm raden.")
    expect(page.get_by_role("alert")).to_contain_text(
        "Fyll i kostnaden, eller töm raden.", timeout=1_000
    )


# --- 4. language --------------------------------------------------------------------------------


def test_switching_to_english_and_back(page, live_server, town):
    sign_in(page, live_server.url, town.admin)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("h1")).to_have_text("Hej Admin")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Hello Admin")
    expect(page.get_by_role("button", name="Svenska")).to_be_visible()
    screenshot(page, "admin-start-english-desktop")
    assert_accessible(page)

    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("h1")).to_have_text("Hej Admin")
    expect(page.get_by_role("button", name="English")).to_be_visible()


# --- 5. access ----------------------------------------------------------------------------------


def test_a_coordinator_typing_the_admin_address_gets_the_swedish_404(page, live_server, town):
    sign_in(page, live_server.url, town.coordinator)
    nav = page.get_by_role("navigation", name="Huvudmeny")
    expect(nav.get_by_role("link", name="Administration")).to_have_count(0)
    expect(nav.get_by_role("link", name="Granskningslogg")).to_have_count(0)

    for path in ("/administration/", "/granskningslogg/"):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 404, path
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        expect(page.locator("h1")).to_have_text("Sidan finns inte")
        expect(page.get_by_role("link", name="Till startsidan")).to_be_visible()
    screenshot(page, "admin-404-coordinator-desktop")
    assert_accessible(page)
