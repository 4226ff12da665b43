"""The youth's portal on a 360 × 800 phone.

The coordinator creates an invitation on the case's Portal tab; the youth redeems the one-time
code on a phone, reads the plan, sees the next meeting and how to prepare, reads what a SIG is,
and withdraws the consent that lets social services share the plan with the police (the school
keeps it). The police officer, who read the plan before, no longer sees it on the next page
view. Every portal page is checked with axe-core (no serious or critical violations) and for
horizontal scrolling at 360 px, and photographed into e2e/artifacts/; `make screenshots`
copies them to `docs/portal/`.

The fixture sets up an active case with a plan and a planned network meeting through the
services (the case's state directly: the lifecycle has its own journey).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from e2e.conftest import ARTIFACTS, assert_accessible, new_context, screenshot
from e2e.journeys import assert_no_horizontal_scroll, expect_message, sign_in
from samsyn.cases import services as cases
from samsyn.cases.models import Case, CaseState
from samsyn.consent import services as consents
from samsyn.consent.models import Consent, ConsentForm, DataCategory, GiverRole
from samsyn.meetings import services as meetings
from samsyn.meetings.models import MeetingKind
from samsyn.organisations.models import (
    District,
    LocalPolicy,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    Role,
)
from samsyn.plans import services as plans
from samsyn.plans.models import LifeDomain
from samsyn.portal.models import Feedback, PortalNotice
from tests.conftest import inform, make_person

PHONE_360 = {"width": 360, "height": 800}
DOCS = Path(__file__).resolve().parent.parent / "docs" / "portal"
GOAL_WORDS = "Jag går till skolan fyra dagar i veckan."
LONG_TERM = "Klara nian och må bra."
PREP_ABOUT = "Vi pratar om hur det går i skolan och på boxningen."
USERNAME = "kim.portal"
PASSWORD = "Blå-cykel-vid-sjön-2026"
PIN = "4711"


@dataclass
class Scene:
    case: Case
    coordinator: Person
    police: Person
    school_org: Organisation
    police_org: Organisation


@pytest.fixture
def scene(transactional_db: None) -> Scene:
    municipality = Municipality.objects.create(name="Portalköping", municipality_number="9944")
    district = District.objects.create(municipality=municipality, name="Väster")
    policy = LocalPolicy.objects.create(municipality=municipality, meeting_cadence_weeks=4)
    social = Organisation.objects.create(
        municipality=municipality,
        district=district,
        kind=OrganisationKind.SOCIAL_SERVICES,
        name="Socialtjänsten Väster",
    )
    police_org = Organisation.objects.create(
        municipality=municipality, kind=OrganisationKind.POLICE, name="Polisen Portalköping"
    )
    school_org = Organisation.objects.create(
        municipality=municipality, kind=OrganisationKind.SCHOOL, name="Västra skolan"
    )
    coordinator = make_person(
        "sanna", social, Role.COORDINATOR, last_name="Samordnare", email="sanna@example.se"
    )
    police = make_person(
        "pelle", police_org, Role.ACTOR_REPRESENTATIVE, last_name="Polis", email="p@example.se"
    )
    school = make_person(
        "stella", school_org, Role.ACTOR_REPRESENTATIVE, last_name="Kurator", email="s@example.se"
    )
    # Feedback from the portal goes to someone outside every group.
    policy.feedback_recipient = make_person(
        "ulla", social, last_name="Kvalitet", title="Kvalitetsansvarig", email="u@example.se"
    )
    policy.save(update_fields=["feedback_recipient"])
    today = timezone.localdate()
    case = cases.case_create(
        actor=coordinator,
        reason="Skolfrånvaro och misstänkt stöld.",
        first_name="Kim",
        last_name="Portalsson",
        date_of_birth=date(today.year - 16, 1, 15),
        district=district,
    )
    for person in (police, school):
        cases.member_add(actor=coordinator, case=case, person=person)
    mother = cases.guardian_add(actor=coordinator, case=case, first_name="Mia", last_name="Mor")
    inform(case, coordinator)
    # At 16 the youth consents together with the guardians: the plan goes to police and school.
    consents.consent_record(
        actor=coordinator,
        case=case,
        categories=list(DataCategory.objects.filter(slug__in=["plan", "identitet"])),
        recipients=[police_org, school_org],
        givers=[consents.Giver(GiverRole.YOUTH), consents.Giver(GiverRole.GUARDIAN, mother)],
        form=ConsentForm.ORAL,
        oral_note="Vid mötet med familjen.",
        given_on=today - timedelta(days=30),
    )
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.ACTIVE,
        opened_on=today - timedelta(days=60),
        started_on=today - timedelta(days=40),
    )
    case.refresh_from_db()
    plans.plan_save(actor=coordinator, case=case, long_term_goal=LONG_TERM)
    plans.subgoal_save(
        actor=coordinator,
        case=case,
        domain=LifeDomain.SCHOOL,
        goal="Närvaro i skolan minst 80 %",
        youth_words=GOAL_WORDS,
    )
    plans.subgoal_save(
        actor=coordinator,
        case=case,
        domain=LifeDomain.LEISURE,
        goal="En fritidsaktivitet varje vecka",
        youth_words="Jag tränar boxning på tisdagar.",
    )
    meeting = meetings.meeting_plan(
        actor=coordinator,
        case=case,
        kind=MeetingKind.NETWORK,
        starts_at=timezone.now() + timedelta(days=6),
        location="Socialkontoret Väster, rum 3",
        agenda="1. Skolan. 2. Fritiden.",
        invite=[coordinator, police, school],
        invite_guardians=[mother],
    ).meeting
    meetings.meeting_prepare(
        actor=coordinator,
        case=case,
        meeting=meeting,
        prep_about=PREP_ABOUT,
        prep_outcome="Att du och skolan är överens om hur veckan ska se ut.",
        prep_who="Du, din mamma, Sanna, Stella från skolan och Pelle från polisen.",
        prep_topics="Skolan, boxningen.",
        prep_after="Vi skriver in det vi bestämmer i din plan.",
    )
    return Scene(
        case=case,
        coordinator=coordinator,
        police=police,
        school_org=school_org,
        police_org=police_org,
    )


@pytest.fixture
def contexts() -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def phone_360(browser: Any, contexts: list[Any]) -> Any:
    context = new_context(browser, bypass_csp=True, is_mobile=True, has_touch=True)
    contexts.append(context)
    page = context.new_page()
    page.set_viewport_size(PHONE_360)
    return page


def desktop(browser: Any, base: str, person: Person, contexts: list[Any]) -> Any:
    context = new_context(browser, bypass_csp=True)
    contexts.append(context)
    page = context.new_page()
    sign_in(page, base, person)
    return page


TAP_TARGETS = (
    "main button, main .button, main .portal-big-link, .portal-nav a, .portal-link-button, "
    "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main select, "
    "main textarea, main summary"
)


def assert_large_tap_targets(page: Any) -> None:
    """Buttons, menu links, fields and the like are at least 44 px high on the phone."""
    small = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter(el => el.offsetParent !== null)
            .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height])
            .filter(([, height]) => height < 44)""",
        TAP_TARGETS,
    )
    assert not small, f"{page.url}: tap targets under 44 px: {small}"


def check_portal_page(page: Any, name: str) -> None:
    """axe-core, no sideways scrolling at 360 px, large tap targets, and a screenshot."""
    assert_accessible(page)
    assert_no_horizontal_scroll(page, width=PHONE_360["width"])
    assert_large_tap_targets(page)
    shot = screenshot(page, f"portal-{name}")
    if os.environ.get("SAMSYN_DOCS_SCREENSHOTS"):  # `make screenshots` refreshes docs/portal/
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS / f"{name}.png")


def test_the_youth_redeems_reads_and_withdraws_the_police_consent_on_a_phone(
    browser, live_server, scene, contexts
):
    base = live_server.url
    case = scene.case

    # 0. Before: the police officer reads the plan under the consent.
    police = desktop(browser, base, scene.police, contexts)
    police.goto(f"{base}/arenden/{case.code}/plan/")
    expect(police.locator("main")).to_contain_text(LONG_TERM)

    # 1. The coordinator creates an invitation for the youth on the case's Portal tab.
    coord = desktop(browser, base, scene.coordinator, contexts)
    coord.goto(f"{base}/arenden/{case.code}/")
    coord.get_by_role("navigation", name="Ärendet").get_by_role("link", name="Portal").click()
    expect(coord).to_have_url(re.compile(r"/portal/$"))
    assert_accessible(coord)
    coord.get_by_role("button", name="Skapa inbjudan till ungdomen").click()
    code = coord.locator(".portal-code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code), code
    expect(coord.locator("svg").first).to_be_visible()  # the QR code
    assert_accessible(coord)
    screenshot(coord, "portal-staff-invitation")

    # 2. The youth, on a 360 px phone, redeems the code.
    youth = phone_360(browser, contexts)
    youth.goto(f"{base}/ung/inbjudan/")
    check_portal_page(youth, "01-inbjudan")
    youth.get_by_label("Kod från din samordnare").fill(code)
    youth.get_by_label("Välj ett användarnamn").fill(USERNAME)
    youth.get_by_label("Välj ett lösenord").fill(PASSWORD)
    youth.get_by_label("Skriv lösenordet igen").fill(PASSWORD)
    youth.get_by_label("Välj en pinkod").fill(PIN)
    youth.get_by_label("Skriv pinkoden igen").fill(PIN)
    youth.get_by_role("button", name="Skapa kontot").click()
    expect(youth.locator("h1")).to_have_text("Hej Kim!")
    check_portal_page(youth, "02-start")

    # 3. The plan, in the youth's words.
    youth.get_by_role("navigation", name="Meny").get_by_role("link", name="Plan").click()
    expect(youth.locator("main")).to_contain_text(LONG_TERM)
    expect(youth.locator("main")).to_contain_text(GOAL_WORDS)
    check_portal_page(youth, "03-plan")

    # 4. The next meeting, and how to prepare for it.
    youth.get_by_role("navigation", name="Meny").get_by_role("link", name="Möten").click()
    expect(youth.locator("main")).to_contain_text("Socialkontoret Väster, rum 3")
    check_portal_page(youth, "04-moten")
    youth.locator("main a[href*='/ung/moten/']").first.click()
    expect(youth.locator("main")).to_contain_text(PREP_ABOUT)
    expect(youth.locator("main a[href$='kalender.ics']")).to_be_visible()
    check_portal_page(youth, "05-mote")

    # 5. What a SIG is, in every language offered.
    youth.get_by_role("navigation", name="Meny").get_by_role("link", name="Vad är SIG?").click()
    check_portal_page(youth, "06-vad-ar-sig")
    for language, name in (("lattlast", "07-lattlast"), ("en", "08-english")):
        youth.goto(f"{base}/ung/om-sig/?sprak={language}")
        check_portal_page(youth, name)

    # 6. Consents: the youth withdraws the consent for the police only, in two steps.
    youth.get_by_role("navigation", name="Meny").get_by_role("link", name="Samtycken").click()
    check_portal_page(youth, "09-samtycken")
    youth.locator("main a[href$='/ta-tillbaka/']").first.click()
    check_portal_page(youth, "10-ta-tillbaka")
    youth.get_by_label("Polisen Portalköping").check()
    youth.get_by_role("button", name="Gå vidare").click()
    expect(youth.locator("h1")).to_have_text("Är du säker?")
    expect(youth.locator("main")).to_contain_text("Västra skolan får uppgifterna som förut")
    check_portal_page(youth, "11-ar-du-saker")
    youth.get_by_role("button", name="Ja, ta tillbaka").click()
    expect_message(youth, "Klart")
    check_portal_page(youth, "12-samtycke-tillbakataget")

    # The consent is revoked at once; what remains (the school) is a new consent.
    original = Consent.objects.get(case=case, remains_of__isnull=True)
    assert original.revoked_at is not None
    remainder = Consent.objects.get(remains_of=original)
    assert remainder.revoked_at is None
    assert [o.name for o in remainder.recipients.all()] == ["Västra skolan"]
    assert PortalNotice.objects.filter(case=case, kind="samtycke_aterkallat").exists()

    # 7. Who has seen my data: the police officer's read before the withdrawal is listed.
    youth.goto(f"{base}/ung/vem-har-sett/")
    expect(youth.locator("main")).to_contain_text("Polisen Portalköping")
    check_portal_page(youth, "13-vem-har-sett")

    # 8. Guardians, and saying what you think.
    youth.goto(f"{base}/ung/samtycken/vardnadshavare/")
    check_portal_page(youth, "14-vardnadshavare")
    youth.get_by_role("navigation", name="Meny").get_by_role(
        "link", name="Säg vad du tycker"
    ).click()
    expect(youth.locator("main")).to_contain_text("Ulla Kvalitet")
    check_portal_page(youth, "15-tyck-till")
    youth.get_by_label("Vad vill du säga?").fill("Mötena är för tidigt på morgonen.")
    youth.get_by_label("Skicka anonymt").check()
    youth.get_by_role("button", name="Skicka", exact=True).click()
    expect_message(youth, "Tack")
    feedback = Feedback.objects.get()
    assert feedback.anonymous and feedback.case_id is None and feedback.account_id is None
    youth.goto(f"{base}/ung/utvardering/")
    check_portal_page(youth, "16-utvardering")

    # 9. The police officer's next page view no longer shows the plan.
    police.goto(f"{base}/arenden/{case.code}/plan/")
    expect(police.locator("main")).not_to_contain_text(LONG_TERM)
    expect(police.locator("main")).not_to_contain_text(GOAL_WORDS)


def test_the_portal_sign_in_and_pin_pages_on_a_phone(browser, live_server, scene, contexts):
    """Sign-in with the password, then the PIN page after the session was locked."""
    from samsyn.portal import account_services as access

    base = live_server.url
    _invitation, code = access.invitation_create(
        actor=scene.coordinator, case=scene.case, kind="ungdom"
    )
    access.invitation_redeem(
        code=code,
        username=USERNAME,
        password=PASSWORD,
        password_again=PASSWORD,
        pin=PIN,
        pin_again=PIN,
        ip=None,
    )
    page = phone_360(browser, contexts)
    page.goto(f"{base}/ung/logga-in/")
    check_portal_page(page, "00-logga-in")
    page.get_by_label("Användarnamn").fill(USERNAME)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("h1")).to_have_text("Hej Kim!")

    # Lock the session as ten idle minutes would, then unlock it with the PIN.
    _lock_portal_session(page)
    page.goto(f"{base}/ung/plan/")
    expect(page).to_have_url(re.compile(r"/ung/las-upp/"))
    check_portal_page(page, "00-pinkod")
    page.get_by_label("Pinkod").fill(PIN)
    page.get_by_role("button", name="Fortsätt").click()
    expect(page).to_have_url(re.compile(r"/ung/plan/$"))


def _lock_portal_session(page: Any) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    from samsyn.portal import auth

    cookie = next(c for c in page.context.cookies() if c["name"] == "samsyn_session")
    store = SessionStore(session_key=cookie["value"])
    store[auth.LOCKED_KEY] = True
    store.save()


def test_the_evaluation_form_on_a_phone(browser, live_server, scene, contexts):
    """A youth whose SIG has ended is offered the evaluation; the form passes axe."""
    from samsyn.cases.models import Closure
    from tests.conftest import PORTAL_PASSWORD, make_portal_account

    make_portal_account(scene.case, username="kim.utvardering")
    Closure.objects.create(
        case=scene.case,
        owner=scene.case.owner,
        category=DataCategory.objects.get(slug="socialtjanst"),
        created_by=scene.coordinator,
        closed_on=timezone.localdate(),
        reason="mal_uppfyllda",
        summary="Målen nådda.",
        evaluation_offered_on=timezone.localdate(),
    )
    page = phone_360(browser, contexts)
    page.goto(f"{live_server.url}/ung/logga-in/")
    page.get_by_label("Användarnamn").fill("kim.utvardering")
    page.get_by_label("Lösenord").fill(PORTAL_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.goto(f"{live_server.url}/ung/utvardering/")
    expect(page.get_by_role("button", name="Skicka svaren")).to_be_visible()
    check_portal_page(page, "17-utvardering-formular")
    assert ARTIFACTS.exists()
