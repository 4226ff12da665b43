"""Sign-in journeys through the real forms in Chromium: two steps, enrolment, lockout, logout.

Every page a person sees on the way is checked with axe-core (serious or critical fails), and
screenshots land in e2e/artifacts/ for a human to look at.
"""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from e2e.conftest import PHONE, assert_accessible, new_context, screenshot
from e2e.journeys import code_step, password_step, sign_in
from samsyn.organisations.models import (
    District,
    LocalPolicy,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    Role,
)
from tests.conftest import PASSWORD, current_code, make_person

LOGIN = "/konto/logga-in/"
# django-otp refuses every code for OTP_TOTP_THROTTLE_FACTOR (1) seconds after one wrong code.
THROTTLE_AFTER_ONE_FAILURE = 1.2


@pytest.fixture
def organisation(transactional_db: None) -> Organisation:
    municipality = Municipality.objects.create(name="Testkommun", municipality_number="9901")
    district = District.objects.create(municipality=municipality, name="Norra")
    LocalPolicy.objects.create(municipality=municipality)
    return Organisation.objects.create(
        municipality=municipality,
        district=district,
        kind=OrganisationKind.SOCIAL_SERVICES,
        name="Socialtjänsten Norra",
    )


@pytest.fixture
def coordinator(organisation: Organisation) -> Person:
    return make_person("samordnare", organisation, Role.COORDINATOR)


def a_wrong_code(person: Person) -> str:
    """Six digits the device accepts in no step inside its tolerated drift."""
    device = TOTPDevice.objects.get(user=person, confirmed=True)
    valid = {
        totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=d)
        for d in range(-device.tolerance - 1, device.tolerance + 2)
    }
    return next(f"{n:06d}" for n in range(1_000_000) if n not in valid)


def test_a_coordinator_signs_in_with_password_and_one_time_code(page, live_server, coordinator):
    page.goto(live_server.url + LOGIN)
    expect(page.locator("h1")).to_have_text("Logga in")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    screenshot(page, "01-login")
    assert_accessible(page)

    password_step(page, live_server.url, "samordnare")
    expect(page).to_have_url(re.compile(r"/konto/verifiera/\?next=%2F$"))
    expect(page.locator("h1")).to_have_text("Skriv din engångskod")
    screenshot(page, "02-code")
    assert_accessible(page)

    code_step(page, a_wrong_code(coordinator))
    failed_at = time.monotonic()
    expect(page.locator(".error-summary")).to_contain_text("Koden stämmer inte")
    expect(page.locator(".field-error .error")).to_contain_text("Koden stämmer inte")
    expect(page).to_have_url(re.compile(r"/konto/verifiera/"))
    screenshot(page, "03-code-wrong")
    assert_accessible(page)

    time.sleep(max(0.0, THROTTLE_AFTER_ONE_FAILURE - (time.monotonic() - failed_at)))
    code_step(page, current_code(coordinator))
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("Hej Samordnare")
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Lokala riktlinjer"))).to_be_visible()
    screenshot(page, "04-start-desktop")
    assert_accessible(page)


def test_a_new_person_enrols_an_authenticator_and_gets_recovery_codes(
    page, live_server, organisation
):
    make_person("nykomling", organisation, Role.CASE_OFFICER, totp_device=False)

    password_step(page, live_server.url, "nykomling")
    expect(page).to_have_url(re.compile(r"/konto/aktivera/"))
    expect(page.locator("h1")).to_have_text("Aktivera tvåstegsverifiering")
    expect(page.locator(".qr-image svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    screenshot(page, "05-enrol")
    assert_accessible(page)

    compact = re.sub(r"\s+", "", secret).upper()
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    page.get_by_label("Sexsiffrig kod från appen").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Aktivera").click()

    expect(page.locator("h1")).to_have_text("Dina reservkoder")
    expect(page.get_by_text("Tvåstegsverifieringen är aktiverad.")).to_be_visible()
    codes = page.locator(".recovery-codes li code")
    expect(codes).to_have_count(10)
    assert len(set(codes.all_inner_texts())) == 10
    screenshot(page, "06-recovery-codes")
    assert_accessible(page)

    page.get_by_role("link", name="Jag har sparat koderna").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("Hej Nykomling")


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized context (390x844, mobile viewport rules, touch) that can run axe."""
    context = new_context(browser, bypass_csp=True, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    yield page
    context.close()


def test_the_start_page_passes_axe_on_a_phone(phone_page, live_server, coordinator):
    sign_in(phone_page, live_server.url, coordinator)
    screenshot(phone_page, "07-start-phone")
    assert_accessible(phone_page)


def test_the_start_page_has_no_horizontal_scroll_on_a_phone(phone_page, live_server, coordinator):
    sign_in(phone_page, live_server.url, coordinator)
    # With mobile viewport rules Chromium widens the layout viewport to fit wide content, so
    # compare with the device width as well as with innerWidth.
    inner_width = phone_page.evaluate("() => window.innerWidth")
    scroll_width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert inner_width == PHONE["width"], f"layout viewport widened to {inner_width}px"
    assert scroll_width <= inner_width, f"horizontal scroll: {scroll_width}px > {inner_width}px"


def test_five_wrong_passwords_lock_the_account(page, live_server, coordinator):
    password_step(page, live_server.url, "samordnare", "fel-losenord")
    expect(page.locator(".error-summary")).to_contain_text("Fel användarnamn")
    for _ in range(4):
        password_step(page, live_server.url, "samordnare", "fel-losenord")

    password_step(page, live_server.url, "samordnare", PASSWORD)
    expect(page.locator("h1")).to_contain_text("spärrat")
    expect(page.get_by_role("alert")).to_contain_text("spärrad")
    assert "/konto/verifiera/" not in page.url
    screenshot(page, "08-locked-out")
    assert_accessible(page)


def test_logging_out_returns_to_the_login_page(page, live_server, coordinator):
    sign_in(page, live_server.url, coordinator)
    page.get_by_role("button", name="Logga ut", exact=True).click()
    expect(page).to_have_url(live_server.url + LOGIN)
    expect(page.locator("h1")).to_have_text("Logga in")
    expect(page.get_by_text("Du är utloggad.")).to_be_visible()
    expect(page.get_by_role("button", name="Logga ut", exact=True)).to_have_count(0)

    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/konto/logga-in/\?next=(/|%2F)$"))


def test_the_login_page_sends_a_strict_csp(strict_page, live_server):
    problems: list[str] = []
    strict_page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    response = strict_page.goto(live_server.url + LOGIN)
    assert response is not None and response.ok

    policy = response.headers.get("content-security-policy")
    assert policy, "no Content-Security-Policy header"
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert strict_page.evaluate("() => typeof window.htmx") == "object"
    assert problems == [], f"the page broke its own policy: {problems}"
