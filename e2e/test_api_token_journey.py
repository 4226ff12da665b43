"""A coordinator makes an API token under Mitt konto, a system uses it, the coordinator
revokes it (issue 9): in Chromium, with axe on every page."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from playwright.sync_api import expect

from e2e.conftest import assert_accessible, screenshot
from e2e.journeys import sign_in, social_services
from samsyn.cases import services as cases
from samsyn.organisations.models import Role
from tests.conftest import make_person


def test_a_token_is_made_used_and_revoked(page: Any, live_server: Any, transactional_db: None):
    social = social_services("Nyckelkommun", "9941", "Centrum")
    district = social.district
    coordinator = make_person("samordnare.api", social, Role.COORDINATOR)
    case = cases.case_create(
        actor=coordinator,
        first_name="Robin",
        last_name="Nyckelsson",
        reason="Misstänkt för stöld.",
        date_of_birth=date(2010, 3, 14),
        district=district,
    )
    base = live_server.url
    sign_in(page, base, coordinator)
    page.get_by_role("link", name="Mitt konto").click()
    page.get_by_role("link", name="API-nycklar").click()
    expect(page.get_by_text("Du har inga API-nycklar.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Skapa nyckeln").click()  # no name: an error, nothing made
    expect(page.locator(".field-error")).to_contain_text("Detta fält måste fyllas i")
    page.get_by_label("Namn").fill("Treserva")
    page.get_by_label("Läsa", exact=True).check()
    page.get_by_role("button", name="Skapa nyckeln").click()
    expect(page.locator("h1")).to_have_text("Din nya API-nyckel")
    assert_accessible(page)
    screenshot(page, "api-token-created")
    raw = page.locator("#nyckel").inner_text().strip()
    assert re.fullmatch(r"samsyn_[0-9a-f]{8}_[\w-]{40,}", raw)

    api = page.request.get(f"{base}/api/v1/arenden/", headers={"Authorization": f"Bearer {raw}"})
    assert api.status == 200
    assert [item["code"] for item in api.json()["items"]] == [str(case.code)]

    page.get_by_role("link", name="Jag har kopierat nyckeln").click()
    expect(page.get_by_role("cell", name=re.compile("Treserva"))).to_be_visible()
    assert raw not in page.content()
    page.get_by_role("button", name="Återkalla Treserva").click()
    expect(page.get_by_text("Nyckeln ”Treserva” är återkallad.")).to_be_visible()
    assert_accessible(page)
    gone = page.request.get(f"{base}/api/v1/arenden/", headers={"Authorization": f"Bearer {raw}"})
    assert gone.status == 401
    assert gone.headers["content-type"] == "application/problem+json"
