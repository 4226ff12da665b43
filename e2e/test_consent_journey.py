"""The heart of the product in a browser: a police officer sees only what the youth's consent
covers, sees the rest de-identified, and loses access the moment the consent is revoked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import assert_accessible, new_context, screenshot
from e2e.journeys import sign_in
from samsyn.cases import services as cases
from samsyn.consent import services as consents
from samsyn.consent.models import ConsentForm, DataCategory, GiverRole
from samsyn.organisations.models import (
    District,
    LocalPolicy,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    Role,
)
from tests.conftest import inform, make_person


@dataclass
class Scene:
    coordinator: Person
    police: Person
    case: Any
    consent: Any


@pytest.fixture
def scene(transactional_db: None) -> Scene:
    municipality = Municipality.objects.create(name="Journeykommun", municipality_number="9931")
    district = District.objects.create(municipality=municipality, name="Centrum")
    LocalPolicy.objects.create(municipality=municipality)
    social = Organisation.objects.create(
        municipality=municipality,
        district=district,
        kind=OrganisationKind.SOCIAL_SERVICES,
        name="Socialtjänsten Centrum",
    )
    police_org = Organisation.objects.create(
        municipality=municipality, kind=OrganisationKind.POLICE, name="Polisen Journeykommun"
    )
    coordinator = make_person("sara", social, Role.COORDINATOR)
    police = make_person("johan", police_org, Role.ACTOR_REPRESENTATIVE)
    case = cases.case_create(
        reason="Skolfrånvaro och misstänkt stöld.",
        actor=coordinator,
        first_name="Robin",
        last_name="Testström",
        personnummer="20100521-0016",
        sex="pojke",
        district=district,
        summary="Skolfrånvaro och misstänkt för stöld.",
    )
    cases.member_add(actor=coordinator, case=case, person=police)
    inform(case, coordinator)
    mother = cases.guardian_add(
        actor=coordinator, case=case, first_name="Lena", last_name="Testström"
    )
    school = DataCategory.objects.get(slug="skola")
    cases.note_create(
        actor=coordinator,
        case=case,
        category=school,
        title="Frånvaro i oktober",
        text="Frånvaro 40 procent.",
    )
    cases.note_create(
        actor=coordinator,
        case=case,
        category=DataCategory.objects.get(slug="halsa"),
        title="Remiss till BUP",
        text="Remiss skickad.",
    )
    consent = consents.consent_record(
        actor=coordinator,
        case=case,
        categories=[school, DataCategory.objects.get(slug="identitet")],
        recipients=[police_org],
        givers=[consents.Giver(GiverRole.YOUTH), consents.Giver(GiverRole.GUARDIAN, mother)],
        form=ConsentForm.ORAL,
        oral_note="Vid möte på socialkontoret, Sara antecknade.",
        given_on=timezone.localdate(),
    )
    return Scene(coordinator=coordinator, police=police, case=case, consent=consent)


def test_police_see_only_the_consented_categories_and_lose_them_on_revocation(
    browser, live_server, scene
):
    police_ctx = new_context(browser, bypass_csp=True)
    police = police_ctx.new_page()
    sign_in(police, live_server.url, scene.police)
    case_url = f"{live_server.url}/arenden/{scene.case.code}/"

    police.goto(case_url)
    body = police.locator("main")
    expect(body).to_contain_text("Robin Testström")  # identity is consented to the police
    expect(body).to_contain_text("Frånvaro i oktober")  # school: consented
    expect(body).not_to_contain_text("Remiss till BUP")  # health: not consented
    expect(body).to_contain_text("Hälsa")  # ...shown only as a de-identified count
    police.get_by_text("Varför ser jag detta?").first.click()
    expect(body).to_contain_text(scene.consent.number)
    screenshot(police, "consent-1-police-before")
    assert_accessible(police)

    # The coordinator records the youth's withdrawal, in two steps.
    coord_ctx = new_context(browser, bypass_csp=True)
    coordinator = coord_ctx.new_page()
    sign_in(coordinator, live_server.url, scene.coordinator)
    coordinator.goto(f"{live_server.url}/arenden/{scene.case.code}/samtycken/")
    assert_accessible(coordinator)
    coordinator.get_by_role("link", name=re.compile(r"^Återkalla")).first.click()
    coordinator.get_by_label("Vem återkallade samtycket").fill("Robin själv")
    coordinator.get_by_label("Hur och när").fill("Muntligt i telefon till samordnaren.")
    coordinator.get_by_role("button", name="Återkalla samtycket").click()
    expect(coordinator.locator("main")).to_contain_text("Återkallat")
    screenshot(coordinator, "consent-2-coordinator-revoked")

    # The police officer reloads: the school note and the name are gone at once.
    police.reload()
    expect(body).not_to_contain_text("Frånvaro i oktober")
    expect(body).not_to_contain_text("Robin")
    expect(body).not_to_contain_text("Testström")
    expect(body).to_contain_text(scene.case.anonymous_code)
    html = police.content()
    for identifying in ("Robin", "Testström", "20100521", "Lena"):
        assert identifying not in html
    screenshot(police, "consent-3-police-after")
    assert_accessible(police)
    police_ctx.close()
    coord_ctx.close()
