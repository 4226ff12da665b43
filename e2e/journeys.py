"""Shared steps for the browser journeys: signing in through the real forms, phone contexts,
and page measurements.

Each journey signs in once: django-otp refuses a one-time code it has already accepted, so a
second sign-in of the same person inside the same 30-second step would fail.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from e2e.conftest import PHONE, new_context
from samsyn.organisations.models import Person
from tests.conftest import PASSWORD, current_code

LOGIN = "/konto/logga-in/"


def password_step(page: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base_url + LOGIN)
    page.get_by_label("Användarnamn eller e-postadress").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Fortsätt").click()


def code_step(page: Any, code: str) -> None:
    page.get_by_label("Engångskod").fill(code)
    page.get_by_role("button", name="Logga in", exact=True).click()


def sign_in(page: Any, base_url: str, person: Person) -> None:
    """Password, then the current TOTP code; ends on the start page ("Hej …")."""
    password_step(page, base_url, person.username)
    expect(page).to_have_url(re.compile(r"/konto/verifiera/"))
    code_step(page, current_code(person))
    expect(page.locator("h1")).to_have_text(re.compile(r"^Hej"))


def phone_context(browser: Any) -> Any:
    """A 390x844 context with mobile viewport rules and touch, in which axe can run."""
    return new_context(browser, bypass_csp=True, is_mobile=True, has_touch=True)


def phone_page_in(context: Any) -> Any:
    page = context.new_page()
    page.set_viewport_size(PHONE)
    return page


def assert_no_horizontal_scroll(page: Any, width: int = PHONE["width"]) -> None:
    """The page itself never scrolls sideways (wide tables may scroll inside their region).

    With mobile viewport rules Chromium widens the layout viewport to fit wide content, so
    innerWidth is compared with the device width as well.
    """
    inner_width = page.evaluate("() => window.innerWidth")
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert inner_width == width, (
        f"{page.url}: layout viewport widened to {inner_width}px by content wider than the "
        f"screen: {widest_elements(page)}"
    )
    assert scroll_width <= inner_width, (
        f"{page.url}: horizontal scroll, {scroll_width}px > {inner_width}px: "
        f"{widest_elements(page)}"
    )


def widest_elements(page: Any, limit: int = 5) -> list[str]:
    """The elements reaching furthest past the phone's right edge, for failure messages."""
    return page.evaluate(
        """([limit, width]) => {
            const found = [];
            for (const el of document.body.querySelectorAll('*')) {
                const right = el.getBoundingClientRect().right;
                if (right > width + 1) {
                    const cls = el.className && typeof el.className === 'string'
                        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
                    found.push([right, `${el.tagName.toLowerCase()}${cls} (${Math.round(right)}px)`]);
                }
            }
            found.sort((a, b) => b[0] - a[0]);
            return found.slice(0, limit).map(f => f[1]);
        }""",
        [limit, PHONE["width"]],
    )


def expect_message(page: Any, text: str) -> None:
    """After a form is sent: the page shows the success message `text`. When the page shows
    the form's error summary instead, fail with its text and the address."""
    page.locator(".messages, .error-summary").first.wait_for()
    errors = page.locator(".error-summary")
    if errors.count():
        raise AssertionError(
            f"{page.url}: expected the message {text!r}, the form answered: "
            + " / ".join(errors.first.inner_text().split("\n"))
        )
    expect(page.locator(".messages")).to_contain_text(text)


def phone_context_signed_in_as(browser: Any, context: Any) -> Any:
    """A phone context sharing `context`'s session: the same person on a phone, without a
    second sign-in (which the one-time code would refuse within the same 30-second step)."""
    return new_context(
        browser,
        bypass_csp=True,
        is_mobile=True,
        has_touch=True,
        storage_state=context.storage_state(),
    )


def social_services(
    municipality: str = "Testkommun", number: str = "9901", district: str = "Norra"
) -> Any:
    """A municipality with one district, its local policy and the district's social services
    (the case owner); the organisation's `.municipality` and `.district` are the others."""
    from samsyn.organisations.models import (
        District,
        LocalPolicy,
        Municipality,
        Organisation,
        OrganisationKind,
    )

    place = Municipality.objects.create(name=municipality, municipality_number=number)
    area = District.objects.create(municipality=place, name=district)
    LocalPolicy.objects.create(municipality=place)
    return Organisation.objects.create(
        municipality=place,
        district=area,
        kind=OrganisationKind.SOCIAL_SERVICES,
        name=f"Socialtjänsten {district}",
    )
