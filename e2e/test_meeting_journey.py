"""A browser journey through a network meeting: the coordinator plans the meeting the local
cadence proposes, sends the invitation (an .ics attached, which the test parses), prepares the
youth, holds the meeting, records attendance and a decision, follows up the plan's three
sub-goals, and prints the youth's plan (the PDF's text holds the goals). The police officer,
who has no consent to the plan, then sees the meeting de-identified only.

The fixture sets up an active case with a plan of three sub-goals through the services (the
case's state directly: the lifecycle has its own journey); the rest happens through the pages.
The live server runs in this process with Django's test e-mail backend, so the invitations land
in `django.core.mail.outbox`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from e2e.conftest import assert_accessible, new_context, screenshot
from e2e.journeys import expect_message, sign_in
from samsyn.cases import services as cases
from samsyn.cases.models import Case, CaseState
from samsyn.consent import services as consents
from samsyn.consent.models import ConsentForm, DataCategory, GiverRole
from samsyn.meetings import services as meetings
from samsyn.meetings.cadence import next_meeting_slot
from samsyn.meetings.models import Meeting, MeetingKind, MeetingStatus
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
from samsyn.plans.models import GoalReview, GoalStatus, LifeDomain
from tests.conftest import inform, make_person

YOUTH = ("Kim", "Möteström")
GOALS = [
    (LifeDomain.SCHOOL, "Närvaro i skolan minst 80 %", "Jag går till skolan fyra dagar i veckan."),
    (LifeDomain.LEISURE, "En fritidsaktivitet varje vecka", "Jag tränar boxning på tisdagar."),
    (LifeDomain.FAMILY, "Färre konflikter hemma", "Vi bråkar mindre hemma."),
]
AGENDA = "1. Hur det går i skolan. 2. Fritiden. 3. Uppföljning av planen."
MINUTES = "Kim berättade att boxningen går bra. Skolan ser bättre närvaro."
DECISION = "Fältassistenten följer med Kim till boxningen de två första gångerna."


@dataclass
class Scene:
    case: Case
    coordinator: Person
    police: Person
    school: Person
    social: Organisation


@pytest.fixture
def scene(transactional_db: None) -> Scene:
    municipality = Municipality.objects.create(name="Mötesköping", municipality_number="9933")
    district = District.objects.create(municipality=municipality, name="Söder")
    LocalPolicy.objects.create(
        municipality=municipality,
        meeting_cadence_weeks=3,
        meeting_weekday=1,  # Tuesdays
        meeting_time=time(13, 0),
        meeting_length_minutes=90,
    )
    social = Organisation.objects.create(
        municipality=municipality,
        district=district,
        kind=OrganisationKind.SOCIAL_SERVICES,
        name="Socialtjänsten Söder",
    )
    police_org = Organisation.objects.create(
        municipality=municipality, kind=OrganisationKind.POLICE, name="Polisen Mötesköping"
    )
    school_org = Organisation.objects.create(
        municipality=municipality, kind=OrganisationKind.SCHOOL, name="Södra skolan"
    )
    coordinator = make_person(
        "sigrid", social, Role.COORDINATOR, last_name="Samordnare", email="sigrid@example.se"
    )
    police = make_person(
        "per", police_org, Role.ACTOR_REPRESENTATIVE, last_name="Polis", email="per@example.se"
    )
    school = make_person(
        "stina", school_org, Role.ACTOR_REPRESENTATIVE, last_name="Kurator", email="s@example.se"
    )
    case = cases.case_create(
        actor=coordinator,
        reason="Skolfrånvaro och misstänkt rån.",
        first_name=YOUTH[0],
        last_name=YOUTH[1],
        date_of_birth=date(2010, 2, 3),
        district=district,
    )
    for person in (police, school):
        cases.member_add(actor=coordinator, case=case, person=person)
    mother = cases.guardian_add(actor=coordinator, case=case, first_name="Mia", last_name="Mor")
    inform(case, coordinator)
    # The school may see the plan; the police has consent to nothing of social services'.
    consents.consent_record(
        actor=coordinator,
        case=case,
        categories=list(DataCategory.objects.filter(slug="plan")),
        recipients=[school_org],
        givers=[consents.Giver(GiverRole.YOUTH), consents.Giver(GiverRole.GUARDIAN, mother)],
        form=ConsentForm.ORAL,
        oral_note="Vid mötet med familjen.",
        given_on=timezone.localdate(),
    )
    # Set-up only: the path to an active case is its own journey (test_case_journey.py).
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.ACTIVE,
        opened_on=timezone.localdate() - timedelta(days=60),
        started_on=timezone.localdate() - timedelta(days=40),
    )
    case.refresh_from_db()
    plans.plan_save(actor=coordinator, case=case, long_term_goal="Klara nian och må bra.")
    for domain, goal, words in GOALS:
        plans.subgoal_save(
            actor=coordinator, case=case, domain=domain, goal=goal, youth_words=words
        )
    # The last network meeting, held three weeks ago: the cadence counts from it.
    first = meetings.meeting_plan(
        actor=coordinator,
        case=case,
        kind=MeetingKind.NETWORK,
        starts_at=timezone.now() - timedelta(days=21),
        invite=[coordinator, police, school],
    ).meeting
    meetings.meeting_record(
        actor=coordinator,
        case=case,
        meeting=first,
        held_on=timezone.localdate() - timedelta(days=21),
        minutes="Första mötet.",
        attended={coordinator: True, police: True, school: True},
    )
    return Scene(case=case, coordinator=coordinator, police=police, school=school, social=social)


@pytest.fixture
def contexts() -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for context in opened:
        context.close()


def signed_in(browser: Any, base_url: str, person: Person, contexts: list[Any]) -> Any:
    context = new_context(browser, bypass_csp=True)
    contexts.append(context)
    page = context.new_page()
    sign_in(page, base_url, person)
    return page


def field(label: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(label)}( \*)?$")


def open_disclosure(page: Any, summary: str) -> Any:
    details = page.locator("details", has=page.locator("summary", has_text=summary)).first
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()
    return details


def test_a_network_meeting_from_cadence_to_the_youths_plan(browser, live_server, scene, contexts):
    base = live_server.url
    case = scene.case
    code = case.anonymous_code
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()

    # 1. The coordinator opens the case's meetings: the cadence proposes the next one.
    coord = signed_in(browser, base, scene.coordinator, contexts)
    coord.goto(f"{base}/arenden/{case.code}/")
    coord.get_by_role("navigation", name="Ärendet").get_by_role("link", name="Möten").click()
    expect(coord).to_have_url(re.compile(r"/moten/$"))
    expect(coord.locator("main")).to_contain_text("minst var 3:e vecka")
    assert_accessible(coord)
    screenshot(coord, "meeting-1-list")
    proposed = timezone.localtime(next_meeting_slot(case=case))
    assert proposed.weekday() == 1 and proposed.time() == time(13, 0)

    # 2. One click plans it: the form is filled in from the cadence.
    coord.get_by_role("link", name="Planera nästa möte").click()
    starts = coord.get_by_label(field("Börjar"))
    expect(starts).to_have_value(proposed.strftime("%Y-%m-%dT%H:%M"))
    expect(coord.get_by_label(field("Slutar"))).to_have_value(
        (proposed + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M")
    )
    assert_accessible(coord)
    coord.get_by_label("Plats").fill("Socialkontoret Söder, rum 4")
    coord.get_by_label("Dagordning").fill(AGENDA)
    coord.get_by_role("button", name="Planera mötet").click()
    expect_message(coord, "Mötet är planerat.")
    # The police is invited but receives nothing from social services: a warning, not an error.
    expect(coord.locator(".message-warning")).to_contain_text("Polisen Mötesköping")
    meeting = Meeting.objects.exclude(held_on__isnull=False).get()
    assert meeting.starts_at == proposed
    assert meeting.attendances.filter(is_youth=True).exists()
    assert_accessible(coord)
    screenshot(coord, "meeting-2-planned")

    # 3. The invitation goes out by e-mail with a calendar file; nothing about the youth.
    coord.get_by_role("button", name="Skicka kallelse").click()
    expect_message(coord, "Kallelsen är skickad till 3 personer")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "per@example.se",
        "s@example.se",
        "sigrid@example.se",
    ]
    for message in mail.outbox:
        name, payload, mimetype = message.attachments[0]
        assert name == f"{code}.ics" and mimetype.startswith("text/calendar")
        raw = payload if isinstance(payload, bytes) else payload.encode()
        event = next(iter(icalendar.Calendar.from_ical(raw).walk("VEVENT")))
        assert str(event["UID"]) == f"{meeting.code}@samsyn"
        assert str(event["SUMMARY"]) == f"Nätverksmöte {code}"
        assert event.decoded("DTSTART") == proposed
        assert event.decoded("DTEND") == proposed + timedelta(minutes=90)
        assert str(event["LOCATION"]) == "Socialkontoret Söder, rum 4"
        meeting_url = f"{base}/arenden/{case.code}/moten/{meeting.code}/"
        assert meeting_url in message.body
        text = message.subject + message.body + raw.decode()
        for secret in (*YOUTH, "Mia", "skolan", "boxning"):
            assert secret not in text, secret
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.INVITED

    # 4. The youth is prepared: the five questions.
    prep = open_disclosure(coord, "Skriv förberedelsen")
    prep.get_by_label("Vad mötet handlar om").fill("Hur det går i skolan och på fritiden.")
    prep.get_by_label("Vad vi hoppas att mötet leder till").fill("Att planen fortsätter.")
    prep.get_by_label("Vilka som kommer").fill("Skolkuratorn, polisen, mamma och Sigrid.")
    prep.get_by_label("Vilka frågor som tas upp").fill("Skolan, boxningen, hemma.")
    prep.get_by_label("Vad som händer efteråt").fill("Vi ses igen om tre veckor.")
    prep.get_by_label("Ungdomen förberedd den").fill(timezone.localdate().isoformat())
    prep.get_by_role("button", name="Spara förberedelsen").click()
    expect_message(coord, "Förberedelsen är sparad.")
    expect(coord.locator("main")).not_to_contain_text("Ungdomen är inte förberedd ännu.")

    # 5. The meeting is held: attendance (the police did not come) and minutes.
    record = open_disclosure(coord, "Registrera att mötet har hållits")
    record.get_by_label(field("Mötet hölls")).fill(timezone.localdate().isoformat())
    record.get_by_label("Per Polis – Polisen Mötesköping").uncheck()
    record.get_by_label("Minnesanteckningar").fill(MINUTES)
    record.get_by_role("button", name="Spara närvaro och anteckningar").click()
    expect_message(coord, "Mötet är registrerat som genomfört.")
    meeting.refresh_from_db()
    came = {a.person_id: a.attended for a in meeting.attendances.all() if a.person_id}
    assert came == {scene.coordinator.pk: True, scene.police.pk: False, scene.school.pk: True}

    # 6. A concrete decision becomes an activity of the plan.
    decision = open_disclosure(coord, "Lägg till beslut")
    decision.get_by_label(field("Beslut: vad ska göras")).fill(DECISION)
    decision.get_by_label(field("Ansvarig organisation")).select_option(
        label="Socialtjänsten Söder"
    )
    decision.get_by_label("Ansvarig person").select_option(
        label="Sigrid Samordnare – Socialtjänsten Söder"
    )
    decision.get_by_label("Delmål").select_option(label=f"Fritid: {GOALS[1][1]}")
    decision.get_by_label("Klart senast").fill(
        (timezone.localdate() + timedelta(days=14)).isoformat()
    )
    decision.get_by_role("button", name="Spara beslutet").click()
    expect_message(coord, "Beslutet är sparat som en aktivitet i planen.")
    expect(coord.get_by_role("region", name="Beslut")).to_contain_text(DECISION)

    # 7. Every sub-goal is followed up.
    follow = open_disclosure(coord, "Följ upp delmålen")
    for (_domain, goal, _words), status, comment in zip(
        GOALS,
        ("Pågår", "Uppnått", "Delvis uppnått"),
        ("Närvaron är 75 %.", "Tränar varje tisdag.", "Lugnare hemma."),
        strict=True,
    ):
        group = follow.locator("fieldset", has_text=goal)
        group.get_by_label("Status").select_option(label=status)
        group.get_by_label("Kommentar").fill(comment)
    follow.get_by_role("button", name="Spara uppföljningen").click()
    expect_message(coord, "Uppföljningen av delmålen är sparad.")
    assert GoalReview.objects.filter(meeting=meeting).count() == 3
    assert sorted(GoalReview.objects.values_list("status", flat=True)) == sorted(
        [GoalStatus.IN_PROGRESS, GoalStatus.ACHIEVED, GoalStatus.PARTLY]
    )
    followed = coord.get_by_role("region", name="Uppföljning av delmålen")
    expect(followed).to_contain_text("Tränar varje tisdag.")
    assert_accessible(coord)
    screenshot(coord, "meeting-3-held")

    # 8. Continuity: who represented each organisation at each meeting.
    coord.get_by_role("link", name="Alla möten i ärendet").click()
    continuity = coord.get_by_role("region", name="Närvarande per organisation och möte")
    expect(continuity).to_contain_text("Södra skolan")
    expect(continuity).to_contain_text("Stina Kurator")
    assert_accessible(coord)

    # 9. The youth's plan is printed: the PDF holds the goals in the youth's own words.
    response = coord.request.get(f"{base}/arenden/{case.code}/plan/ungdomens-plan.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    for _domain, _goal, words in GOALS:
        assert " ".join(words.split()) in flat, words

    # 10. The police officer, without consent to the plan, sees the meeting de-identified.
    police = signed_in(browser, base, scene.police, contexts)
    police.goto(f"{base}/arenden/{case.code}/moten/{meeting.code}/")
    main = police.locator("main")
    expect(main).to_contain_text("Socialkontoret Söder, rum 4")
    expect(main).to_contain_text("Du ser mötet avidentifierat")
    html = police.content()
    for secret in (AGENDA, MINUTES, DECISION, "Tränar varje tisdag.", *YOUTH, "Mia Mor"):
        assert secret not in html, secret
    assert_accessible(police)
    screenshot(police, "meeting-4-deidentified")
