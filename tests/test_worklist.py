"""The work list, incoming referrals and the beredningsgrupp's agenda.

Who sees what: the work list only the viewer's own cases, named only where the one door allows
it, and a search by name or personnummer never finds a case the viewer may not identify;
incoming referrals only for the receiving social services, de-identified; the agenda only for
the beredningsgrupp of the case's area, de-identified for everyone. Every page costs the same
number of queries whatever the number of cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import (
    Case,
    CaseMember,
    CaseState,
    FollowUp,
    PreparationRecommendation,
    Recommendation,
    Sex,
    Youth,
)
from samsyn.cases.rules import on_preparation_group
from samsyn.cases.worklist import AGENDA_STATES, search_parse
from samsyn.consent import policy
from samsyn.consent import services as consents
from samsyn.consent.models import AgeRule, Consent, ConsentForm, DataCategory, GiverRole
from samsyn.organisations.models import District, Organisation, OrganisationKind, Role
from tests.conftest import give_consent, make_person
from tests.test_case_views import IDENTIFYING

pytestmark = pytest.mark.django_db

LIST = "/arenden/"
AGENDA = "/arenden/beredning/"


def today() -> date:
    return timezone.localdate()


def cat(slug: str) -> DataCategory:
    return DataCategory.objects.get(slug=slug)


give = give_consent


def leaks(body: str) -> list[str]:
    return [word for word in IDENTIFYING if word in body]


def results(body: str) -> str:
    """The list part of the work list, without the links that echo the search text back."""
    return re.sub(r'href="\?[^"]*"', "", body.split('<div id="results">', 1)[1])


def incoming(body: str) -> str:
    if 'id="incoming-heading"' not in body:
        return ""
    return body.split('id="incoming-heading"', 1)[1].split("</section>", 1)[0]


def refer(world, first_name: str = "Robin", last_name: str = "Remissson", **extra) -> Case:
    """A referral from the police to the social services, which nobody has taken yet."""
    return cases.case_create(
        actor=world.police,
        owner=world.owner_org,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=extra.pop(
            "date_of_birth", None if extra.get("personnummer") else date(2010, 2, 3)
        ),
        district=world.district,
        reason="Gripen för rån tillsammans med äldre.",
        summary="Pojke 15 år, misstänkt för rån.",
        **extra,
    )


def set_state(case: Case, state: str, *, days: int = 0) -> None:
    Case.objects.filter(pk=case.pk).update(
        state=state, state_since=timezone.now() - timedelta(days=days)
    )


# --- the work list: who sees which case, named or not --------------------------------------


def test_the_coordinator_sees_names_and_the_police_only_codes(sig, login):
    w = sig.world
    body = login(w.coordinator).get(LIST).content.decode()
    assert "Alex Exempelsson" in body and sig.case.anonymous_code in body
    assert "Aktualiserad" in body and "Socialtjänsten Norra" in body
    # The coordinator column names the coordinator (whose first name here is "Samordnare").
    assert f"<td>{w.coordinator}</td>" in body
    assert "0 dagar i läget" in body

    body = results(login(w.police).get(LIST).content.decode())
    assert sig.case.anonymous_code in body
    assert "avidentifierat" in body and "15–17 år" in body and "Pojke/man" in body
    assert leaks(body) == []


def test_a_consent_to_identity_lets_the_police_see_the_name(sig, login):
    give(sig, "identitet")
    body = login(sig.world.police).get(LIST).content.decode()
    assert "Alex Exempelsson" in body


@pytest.mark.parametrize("who", ["outsider", "manager", "steering", "admin", "outsider_admin"])
def test_people_outside_the_case_do_not_see_it(sig, login, who):
    response = login(getattr(sig.world, who)).get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert sig.case.anonymous_code not in body and leaks(results(body)) == []
    assert "Du deltar inte i något ärende ännu." in body


def test_every_identity_decision_on_the_page_is_logged(sig, login):
    login(sig.world.police).get(LIST)
    record = AuditRecord.objects.get(object_type="cases.youth", actor_code=sig.world.police.code)
    assert record.action == Action.REFUSED and record.case_code == sig.case.code
    login(sig.world.coordinator).get(LIST)
    assert AuditRecord.objects.filter(
        object_type="cases.youth", actor_code=sig.world.coordinator.code, action=Action.READ
    ).exists()


# --- filters and counts --------------------------------------------------------------------


@pytest.fixture
def several(sig):
    """The sig case (aktualiserad) and three more: under preparation, active and closed."""
    w = sig.world
    made = {}
    for state, name in [
        (CaseState.PREPARATION, "Bea"),
        (CaseState.ACTIVE, "Cid"),
        (CaseState.CLOSED, "Dan"),
    ]:
        case = cases.case_create(
            actor=w.coordinator,
            first_name=name,
            last_name="Filtersson",
            date_of_birth=date(2010, 1, 1),
            reason="Skolfrånvaro.",
        )
        set_state(case, state)
        made[state] = case
    return made


def test_the_list_shows_ongoing_cases_and_counts_per_state(sig, several, login):
    body = login(sig.world.coordinator).get(LIST).content.decode()
    assert 'Pågående <span class="state-count">(3)</span>' in body
    assert 'Alla <span class="state-count">(4)</span>' in body
    assert 'Under beredning <span class="state-count">(1)</span>' in body
    assert 'Avslutad <span class="state-count">(1)</span>' in body
    listed = results(body)
    assert "Bea Filtersson" in listed and "Cid Filtersson" in listed
    assert "Dan Filtersson" not in listed  # closed: not ongoing
    # In lifecycle order: referred, preparation, active.
    assert listed.index("Alex") < listed.index("Bea") < listed.index("Cid")


@pytest.mark.parametrize(
    ("state", "shown", "hidden"),
    [
        ("beredning", ["Bea"], ["Alex", "Cid", "Dan"]),
        ("avslutad", ["Dan"], ["Alex", "Bea", "Cid"]),
        ("alla", ["Alex", "Bea", "Cid", "Dan"], []),
        ("nonsense", ["Alex", "Bea", "Cid"], ["Dan"]),  # an unknown value: ongoing
    ],
)
def test_the_state_filter(sig, several, login, state, shown, hidden):
    listed = results(login(sig.world.coordinator).get(LIST, {"lage": state}).content.decode())
    for name in shown:
        assert name in listed, name
    for name in hidden:
        assert name not in listed, name


def test_only_the_cases_where_i_am_coordinator(sig, several, login):
    w = sig.world
    Case.objects.filter(pk=several[CaseState.ACTIVE].pk).update(coordinator=w.case_officer)
    listed = results(login(w.coordinator).get(LIST, {"samordnare": "on"}).content.decode())
    assert "Alex" in listed and "Bea" in listed and "Cid" not in listed


def test_a_filter_that_matches_nothing_says_so(sig, login):
    body = login(sig.world.coordinator).get(LIST, {"lage": "aktiv"}).content.decode()
    assert "Inga ärenden matchar det du valde." in body


# --- search --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "term"),
    [
        ("SIG-AB3K9Q", "code", "SIG-AB3K9Q"),
        ("sig-ab", "code", "SIG-AB"),
        ("20100521-0016", "personnummer", "201005210016"),
        ("100521 0016", "personnummer", "1005210016"),
        ("  Alex   Exempelsson ", "name", "Alex Exempelsson"),
        ("Sigrid", "name", "Sigrid"),
        ("", "", ""),
    ],
)
def test_what_a_search_text_is(text, kind, term):
    assert search_parse(text) == (kind, term)


def test_a_case_code_finds_the_case_for_every_member(sig, several, login):
    code = sig.case.anonymous_code
    for who in ("coordinator", "police"):
        http = login(getattr(sig.world, who))
        listed = results(http.get(LIST, {"q": code.lower()[:6]}).content.decode())
        assert code in listed
        listed = results(http.get(LIST, {"q": code}).content.decode())
        assert code in listed and "Bea" not in listed
    record = AuditRecord.objects.filter(action=Action.SEARCH).first()
    assert record is not None and record.detail["kind"] == "code"
    assert record.detail["text"] == code and record.detail["cases"] == [str(sig.case.code)]


def test_an_outsider_finds_nothing_by_code(sig, login):
    listed = results(
        login(sig.world.outsider).get(LIST, {"q": sig.case.anonymous_code}).content.decode()
    )
    assert sig.case.anonymous_code not in listed and "0 ärenden" in listed


@pytest.mark.parametrize(
    "text", ["Exempelsson", "alex", "Alex Exempelsson", "20100521-0016", "1005210016", "20100521"]
)
def test_a_search_by_name_or_personnummer_never_reveals_an_unidentified_case(sig, login, text):
    w = sig.world
    police = login(w.police)
    listed = results(police.get(LIST, {"q": text}).content.decode())
    nothing = results(police.get(LIST, {"q": "Finnsinte"}).content.decode())
    assert sig.case.anonymous_code not in listed
    assert "0 ärenden" in listed
    # The answer is the same as for a name nobody has: it does not tell that the case exists.
    assert listed.replace(text, "") == nothing.replace("Finnsinte", "")
    # The coordinator, who may see who it is, finds it.
    coordinator = results(login(w.coordinator).get(LIST, {"q": text}).content.decode())
    assert "Alex Exempelsson" in coordinator


def test_with_a_consent_to_identity_the_police_find_the_youth_by_name(sig, login):
    give(sig, "skola")  # not identity: still nothing
    listed = results(login(sig.world.police).get(LIST, {"q": "Exempelsson"}).content.decode())
    assert sig.case.anonymous_code not in listed
    give(sig, "identitet")
    for text in ("Exempelsson", "20100521-0016"):
        listed = results(login(sig.world.police).get(LIST, {"q": text}).content.decode())
        assert "Alex Exempelsson" in listed


def test_a_revoked_identity_consent_stops_the_search_at_once(sig, login):
    consent = give(sig, "identitet")
    consents.consent_revoke(
        actor=sig.world.coordinator,
        consent=consent,
        revoked_by="Maria Exempelsson",
        how="Ringde och återkallade.",
    )
    listed = results(login(sig.world.police).get(LIST, {"q": "Exempelsson"}).content.decode())
    assert sig.case.anonymous_code not in listed


def test_a_personnummer_search_is_logged_without_the_number(sig, login):
    login(sig.world.coordinator).get(LIST, {"q": "20100521-0016"})
    record = AuditRecord.objects.get(action=Action.SEARCH)
    assert record.detail["kind"] == "personnummer"
    assert record.detail["hits"] == 1 and record.detail["cases"] == [str(sig.case.code)]
    assert "text" not in record.detail
    logged = str(record.detail) + record.basis + record.object_code
    assert "0016" not in logged and "20100521" not in logged


def test_a_name_search_is_logged_without_the_name(sig, login):
    login(sig.world.police).get(LIST, {"q": "Exempelsson"})
    record = AuditRecord.objects.get(action=Action.SEARCH)
    assert record.detail["kind"] == "name" and record.detail["hits"] == 0
    assert "Exempelsson" not in str(record.detail)


def test_browsing_without_search_writes_no_search_entry(sig, login):
    login(sig.world.coordinator).get(LIST, {"lage": "alla"})
    assert not AuditRecord.objects.filter(action=Action.SEARCH).exists()


# --- what is overdue -----------------------------------------------------------------------


def _followup(case: Case, months: int, due_on: date, *, done: bool = False) -> FollowUp:
    return FollowUp.objects.create(
        case=case,
        owner=case.owner,
        category=cat("socialtjanst"),
        created_by=case.coordinator or CaseMember.objects.filter(case=case).first().person,
        months_after=months,
        due_on=due_on,
        done_on=today() if done else None,
    )


def test_overdue_and_coming_follow_ups_are_shown_to_the_owner_organisation(sig, login):
    w = sig.world
    set_state(sig.case, CaseState.CLOSED)
    _followup(sig.case, 6, today() - timedelta(days=3))
    _followup(sig.case, 12, today() + timedelta(days=10))
    _followup(sig.case, 18, today() - timedelta(days=100), done=True)
    listed = results(login(w.coordinator).get(LIST, {"lage": "alla"}).content.decode())
    assert "Uppföljning 6 mån försenad" in listed
    assert f"Uppföljning 12 mån senast {(today() + timedelta(days=10)).isoformat()}" in listed
    assert "18 mån" not in listed
    assert "row-overdue" in listed
    # The follow-ups are social services' work: the police do not get the reminder.
    listed = results(login(w.police).get(LIST, {"lage": "alla"}).content.decode())
    assert "Uppföljning" not in listed


def test_consents_that_ended_or_end_soon_are_shown(sig, login):
    w = sig.world
    soon = give(sig, "skola", valid_until=today() + timedelta(days=5))
    listed = results(login(w.police).get(LIST).content.decode())
    assert f"Samtycke går ut {soon.valid_until.isoformat()}" in listed
    assert "row-overdue" not in listed
    Consent.objects.filter(pk=soon.pk).update(
        given_on=today() - timedelta(days=60), valid_until=today() - timedelta(days=2)
    )
    listed = results(login(w.police).get(LIST).content.decode())
    assert f"Samtycke gick ut {(today() - timedelta(days=2)).isoformat()}" in listed
    # Renewed: no reminder any more.
    consents.consent_renew(
        actor=w.coordinator,
        consent=Consent.objects.get(pk=soon.pk),
        givers=[
            consents.Giver(GiverRole.YOUTH),
            consents.Giver(GiverRole.GUARDIAN, sig.mother),
            consents.Giver(GiverRole.GUARDIAN, sig.father),
        ],
        given_on=today(),
        form=ConsentForm.ORAL,
        oral_note="Förnyat vid möte.",
    )
    listed = results(login(w.police).get(LIST).content.decode())
    assert "Samtycke gick ut" not in listed


def test_a_referral_nobody_has_taken_for_two_weeks_is_overdue(world, login):
    case = cases.case_create(
        actor=world.case_officer,
        first_name="Ulla",
        last_name="Otagen",
        date_of_birth=date(2010, 1, 1),
        reason="Skolfrånvaro.",
    )
    assert case.coordinator is None
    http = login(world.case_officer)
    assert "Ingen samordnare" not in results(http.get(LIST).content.decode())
    set_state(case, CaseState.REFERRED, days=20)
    assert "Ingen samordnare på 20 dagar" in results(http.get(LIST).content.decode())


def test_only_overdue_cases(sig, several, login):
    w = sig.world
    closed = several[CaseState.CLOSED]
    _followup(closed, 6, today() - timedelta(days=1))
    _followup(several[CaseState.ACTIVE], 6, today() + timedelta(days=5))  # coming, not late
    listed = results(
        login(w.coordinator).get(LIST, {"lage": "alla", "forsenat": "on"}).content.decode()
    )
    assert "Dan Filtersson" in listed
    for name in ("Alex", "Bea", "Cid"):
        assert name not in listed
    assert 'Alla <span class="state-count">(1)</span>' in listed


# --- pagination ----------------------------------------------------------------------------


def bulk_cases(world, n: int, *, first: int = 0, states=None) -> list[Case]:
    """`n` cases run by the coordinator, with the police taking part, in several states, each
    with a consent to identity for the police (some ended, some ending soon) and the closed
    ones with a follow-up (some late). Written in bulk, for volume."""
    states = states or [
        CaseState.REFERRED,
        CaseState.PREPARATION,
        CaseState.ACTIVE,
        CaseState.CLOSED,
    ]
    day = today()
    youths = Youth.objects.bulk_create(
        [
            Youth(
                municipality=world.municipality,
                district=world.district,
                first_name="Bulk",
                last_name=f"Ungdom{first + i:04d}",
                date_of_birth=date(2009, 1, 1) + timedelta(days=i % 700),
                sex=Sex.FEMALE if i % 2 else Sex.MALE,
            )
            for i in range(n)
        ]
    )
    made = Case.objects.bulk_create(
        [
            Case(
                youth=youth,
                municipality=world.municipality,
                district=world.district,
                owner=world.owner_org,
                state=states[i % len(states)],
                opened_on=day - timedelta(days=i % 90),
                coordinator=world.coordinator if i % 2 == 0 else None,
                summary="Ungdom med hög skolfrånvaro.",
            )
            for i, youth in enumerate(youths)
        ]
    )
    CaseMember.objects.bulk_create(
        [CaseMember(case=c, person=p) for c in made for p in (world.coordinator, world.police)]
    )
    social = cat("socialtjanst")
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                case=c,
                owner=world.owner_org,
                category=social,
                created_by=world.coordinator,
                months_after=6,
                due_on=day + timedelta(days=(i % 40) - 20),
            )
            for i, c in enumerate(made)
            if c.state == CaseState.CLOSED
        ]
    )
    given = Consent.objects.bulk_create(
        [
            Consent(
                case=c,
                releasing_organisation=world.owner_org,
                form=ConsentForm.ORAL,
                oral_note="Muntligt.",
                given_on=day - timedelta(days=60),
                # Some ended, some end soon, some later: every page has each kind.
                valid_until=day + timedelta(days=(i * 17) % 60 - 20),
                age_at_consent=15,
                age_rule=AgeRule.GUARDIANS_AND_YOUTH,
                recorded_by=world.coordinator,
            )
            for i, c in enumerate(made)
        ]
    )
    identity = cat("identitet")
    Consent.categories.through.objects.bulk_create(
        [Consent.categories.through(consent=c, datacategory=identity) for c in given]
    )
    Consent.recipients.through.objects.bulk_create(
        [Consent.recipients.through(consent=c, organisation=world.recipient_org) for c in given]
    )
    return made


def test_the_list_is_paginated_25_to_a_page(world, login):
    bulk_cases(world, 30, states=[CaseState.ACTIVE])
    http = login(world.coordinator)
    first = results(http.get(LIST).content.decode())
    assert first.count("<tr") == 26  # header and 25 rows
    assert "Sida 1 av 2" in first and "30 ärenden" in first
    second = results(http.get(LIST, {"sida": "2"}).content.decode())
    assert second.count("<tr") == 6 and "Sida 2 av 2" in second
    # Only the rows shown are decided and logged, not all 30.
    assert AuditRecord.objects.filter(object_type="cases.youth").count() == 25 + 5
    raw = http.get(LIST, {"sida": "2", "samordnare": "on"}).content.decode()
    # Every other case has the coordinator; 15 of 30 fit on one page: no page 2.
    assert "Sida" not in results(raw) and "15 ärenden" in results(raw)
    raw = http.get(LIST, {"sida": "2", "lage": "aktiv"}).content.decode()
    assert 'href="?sida=1&amp;lage=aktiv"' in raw  # the link back keeps the filters


# --- a fixed number of queries --------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "police"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lage": "alla"},
        {"lage": "alla", "forsenat": "on"},
        {"samordnare": "on"},
        {"q": "Bulk"},
        {"q": "SIG-"},
        {"q": "2009"},
    ],
    ids=["default", "all", "overdue", "mine", "name", "code", "personnummer"],
)
def test_the_work_list_costs_the_same_queries_for_5_and_500_cases(world, login, who, params):
    http = login(getattr(world, who))
    bulk_cases(world, 5)
    http.get(LIST, params)  # warm the session
    with CaptureQueriesContext(connection) as five:
        assert http.get(LIST, params).status_code == 200
    bulk_cases(world, 495, first=5)
    with CaptureQueriesContext(connection) as many:
        body = http.get(LIST, params).content.decode()
    assert len(many.captured_queries) == len(five.captured_queries), "\n".join(
        q["sql"][:100] for q in many.captured_queries
    )
    print(f"work list ({who}, {params}): {len(five.captured_queries)} queries")
    if who == "coordinator" and params in ({}, {"lage": "alla"}):
        assert "Sida 1 av" in body


def test_the_work_list_query_count_is_pinned(world, login, django_assert_num_queries):
    """The number measured with 5 cases, asserted with 500."""
    http = login(world.coordinator)
    bulk_cases(world, 5)
    http.get(LIST)
    with CaptureQueriesContext(connection) as five:
        http.get(LIST)
    bulk_cases(world, 495, first=5)
    with django_assert_num_queries(len(five.captured_queries)):
        http.get(LIST)


# --- incoming referrals --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "case_officer"])
def test_social_services_see_incoming_referrals_de_identified(world, login, who):
    case = refer(world, first_name="Robin", last_name="Remissson", personnummer="20100521-0016")
    body = login(getattr(world, who)).get(LIST).content.decode()
    section = incoming(body)
    assert case.anonymous_code in section
    assert "Polisen" in section and "15–17 år" in section and "Norra" in section
    assert "Ta emot ärendet" in section
    for word in ("Robin", "Remissson", "20100521", "0016", "rån"):
        assert word not in section, word


@pytest.mark.parametrize("who", ["police", "manager", "steering", "admin", "outsider"])
def test_others_do_not_see_incoming_referrals(world, login, who):
    refer(world)
    assert incoming(login(getattr(world, who)).get(LIST).content.decode()) == ""


def test_a_taken_case_and_an_ended_one_are_not_incoming(sig, world, login):
    ended = refer(world, first_name="Eva")
    set_state(ended, CaseState.DECLINED)
    section = incoming(login(world.coordinator).get(LIST).content.decode())
    assert sig.case.anonymous_code not in section  # has a coordinator
    assert ended.anonymous_code not in section


def test_the_coordinator_takes_a_referral_and_lands_on_the_case(world, login):
    case = refer(world)
    http = login(world.coordinator)
    response = http.post(f"/arenden/{case.code}/ta-emot/")
    assert response.status_code == 302 and response["Location"] == f"/arenden/{case.code}/"
    case.refresh_from_db()
    assert case.coordinator == world.coordinator
    assert CaseMember.objects.filter(case=case, person=world.coordinator).exists()
    assert AuditRecord.objects.filter(
        action=Action.UPDATE, case_code=case.code, actor_code=world.coordinator.code
    ).exists()
    page = http.get(response["Location"]).content.decode()
    assert f"Du har tagit emot ärendet {case.anonymous_code}" in page
    assert "Robin Remissson" in page  # now they run it, and see who it is
    assert incoming(http.get(LIST).content.decode()) == ""
    # Taken: nobody can take it again.
    assert login(world.case_officer).post(f"/arenden/{case.code}/ta-emot/").status_code == 404


@pytest.mark.parametrize(
    "who", ["police", "manager", "steering", "admin", "outsider", "outsider_admin"]
)
def test_only_the_receiving_social_services_may_take_a_referral(world, login, who):
    case = refer(world)
    response = login(getattr(world, who)).post(f"/arenden/{case.code}/ta-emot/")
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.coordinator is None


def test_a_referral_to_another_social_services_is_not_yours_to_take(world, login):
    other = Organisation.objects.create(
        municipality=world.municipality,
        kind=OrganisationKind.SOCIAL_SERVICES,
        name="Socialtjänsten Södra",
    )
    case = cases.case_create(
        actor=world.police,
        owner=other,
        first_name="Sam",
        last_name="Södersson",
        date_of_birth=date(2010, 1, 1),
        reason="Rån.",
    )
    http = login(world.coordinator)
    assert case.anonymous_code not in incoming(http.get(LIST).content.decode())
    assert http.post(f"/arenden/{case.code}/ta-emot/").status_code == 404
    assert http.get(f"/arenden/{case.code}/ta-emot/").status_code == 405
    assert http.post("/arenden/00000000-0000-0000-0000-000000000000/ta-emot/").status_code == 404


# --- the beredningsgrupp's agenda ----------------------------------------------------------


@pytest.fixture
def on_agenda(sig):
    cases.case_transition(
        actor=sig.world.coordinator,
        case=sig.case,
        to_state=CaseState.PREPARATION,
        reason="Tas upp i beredningsgruppen.",
    )
    sig.case.refresh_from_db()
    return sig


def _police_manager(world):
    return make_person("polischef", world.recipient_org, Role.MANAGER)


@pytest.mark.parametrize("who", ["coordinator", "manager", "police_manager"])
def test_the_agenda_shows_the_case_de_identified_to_the_group(on_agenda, login, who):
    w = on_agenda.world
    person = _police_manager(w) if who == "police_manager" else getattr(w, who)
    response = login(person).get(AGENDA)
    body = response.content.decode()
    assert response.status_code == 200
    assert on_agenda.case.anonymous_code in body
    assert "Pojke i högstadiet, skolfrånvaro" in body  # the de-identified summary
    assert "15–17 år" in body and "Pojke/man" in body and "Norra" in body
    assert "Under beredning" in body and "0 dagar sedan" in body
    # Never names, personnummer, address, phone, school or guardians, even for the coordinator.
    assert leaks(body) == []
    assert 'name="' + on_agenda.case.anonymous_code.lower() + '-recommendation"' in body


@pytest.mark.parametrize("who", ["police", "case_officer", "steering", "admin", "outsider"])
def test_others_get_404_on_the_agenda(on_agenda, login, who):
    http = login(getattr(on_agenda.world, who))
    response = http.get(AGENDA)
    if who == "outsider":
        # A coordinator elsewhere has an agenda, of their own municipality only.
        assert response.status_code == 200
        assert on_agenda.case.anonymous_code not in response.content.decode()
    else:
        assert response.status_code == 404
    response = http.post(
        f"{AGENDA}{on_agenda.case.code}/",
        {f"{on_agenda.case.anonymous_code.lower()}-recommendation": "foresla"},
    )
    assert response.status_code == 404
    assert not PreparationRecommendation.objects.exists()


def test_the_nav_and_the_start_page_link_to_the_agenda_for_the_group_only(on_agenda, login):
    w = on_agenda.world
    for person, shown in [(w.coordinator, True), (w.manager, True), (w.police, False)]:
        body = login(person).get("/").content.decode()
        assert ('href="/arenden/beredning/"' in body) is shown, person
    body = login(w.coordinator).get(AGENDA).content.decode()
    assert 'href="/arenden/beredning/" aria-current="page"' in body


def test_the_start_page_counts_overdue_cases(sig, login):
    set_state(sig.case, CaseState.CLOSED)
    _followup(sig.case, 6, today() - timedelta(days=3))
    body = login(sig.world.coordinator).get("/").content.decode()
    assert "1 ärende har något som är försenat" in body
    assert 'href="/arenden/?lage=alla&amp;forsenat=on"' in body


def test_cases_not_under_preparation_are_not_on_the_agenda(sig, login):
    body = login(sig.world.coordinator).get(AGENDA).content.decode()
    assert sig.case.anonymous_code not in body  # aktualiserad
    assert "Inga ärenden väntar på beredningsgruppen" in body
    response = login(sig.world.coordinator).post(
        f"{AGENDA}{sig.case.code}/",
        {f"{sig.case.anonymous_code.lower()}-recommendation": "foresla"},
    )
    assert response.status_code == 404


def test_a_district_organisation_sees_only_its_district(on_agenda, world, login):
    south = District.objects.create(municipality=world.municipality, name="Södra")
    other = cases.case_create(
        actor=world.coordinator,
        first_name="Stina",
        last_name="Södersson",
        date_of_birth=date(2010, 1, 1),
        district=south,
        reason="Skolfrånvaro.",
        summary="Flicka i årskurs 8.",
    )
    set_state(other, CaseState.MOTIVATION)
    # The coordinator's organisation is tied to Norra; the police manager's to the municipality.
    body = login(world.coordinator).get(AGENDA).content.decode()
    assert on_agenda.case.anonymous_code in body and other.anonymous_code not in body
    assert login(world.coordinator).post(f"{AGENDA}{other.code}/", {}).status_code == 404
    body = login(_police_manager(world)).get(AGENDA).content.decode()
    assert on_agenda.case.anonymous_code in body and other.anonymous_code in body
    assert "Motivationsfas" in body


def test_the_agenda_agrees_with_the_rule_for_everyone(on_agenda, world):
    """The SQL of the agenda and `rules.on_preparation_group` give the same answer."""
    from samsyn.cases.worklist import _agenda

    south = District.objects.create(municipality=world.municipality, name="Södra")
    made = bulk_cases(world, 8, states=[CaseState.PREPARATION, CaseState.MOTIVATION])
    Case.objects.filter(pk__in=[c.pk for c in made[:3]]).update(district=south)
    Case.objects.filter(pk=made[3].pk).update(district=None)
    Case.objects.filter(pk=made[4].pk).update(state=CaseState.ACTIVE)
    people = [
        world.coordinator,
        world.case_officer,
        world.police,
        world.manager,
        world.steering,
        world.admin,
        world.outsider,
        _police_manager(world),
        make_person(
            "chef.sodra",
            Organisation.objects.create(
                municipality=world.municipality,
                district=south,
                kind=OrganisationKind.SOCIAL_SERVICES,
                name="Socialtjänsten Södra",
            ),
            Role.MANAGER,
        ),
        make_person("inaktiv", world.owner_org, Role.MANAGER, is_active=False),
    ]
    everything = list(Case.objects.select_related("municipality"))
    for person in people:
        person.refresh_from_db()
        shown = set(_agenda(person).values_list("pk", flat=True))
        expected = {
            c.pk for c in everything if c.state in AGENDA_STATES and on_preparation_group(person, c)
        }
        assert shown == expected, person.username


def test_the_group_records_a_recommendation_and_the_case_stays_where_it_is(on_agenda, login):
    w = on_agenda.world
    case = on_agenda.case
    prefix = case.anonymous_code.lower()
    response = login(w.manager).post(
        f"{AGENDA}{case.code}/",
        {
            f"{prefix}-meeting_on": today().isoformat(),
            f"{prefix}-recommendation": Recommendation.PROPOSE,
            f"{prefix}-motivation": "Flera riskfaktorer samtidigt; gruppen föreslår SIG.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{AGENDA}#{prefix}"
    entry = PreparationRecommendation.objects.get()
    assert entry.case == case and entry.recorded_by == w.manager
    assert entry.recommendation == Recommendation.PROPOSE
    case.refresh_from_db()
    assert case.state == CaseState.PREPARATION  # a recommendation decides nothing
    assert AuditRecord.objects.filter(
        action=Action.CREATE, object_type="cases.preparationrecommendation", case_code=case.code
    ).exists()
    body = login(w.manager).get(response["Location"]).content.decode()
    assert f"Rekommendationen för {case.anonymous_code} är sparad" in body
    assert "Föreslå SIG" in body and "Flera riskfaktorer samtidigt" in body
    assert today().isoformat() in body


def test_a_recommendation_without_a_choice_is_explained_and_nothing_is_saved(on_agenda, login):
    case = on_agenda.case
    prefix = case.anonymous_code.lower()
    response = login(on_agenda.world.coordinator).post(
        f"{AGENDA}{case.code}/", {f"{prefix}-meeting_on": today().isoformat()}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Något behöver rättas" in body and "Rekommendation" in body
    assert not PreparationRecommendation.objects.exists()
    assert leaks(body) == []


def test_a_meeting_in_the_future_is_refused_by_the_service(on_agenda, login):
    case = on_agenda.case
    prefix = case.anonymous_code.lower()
    response = login(on_agenda.world.coordinator).post(
        f"{AGENDA}{case.code}/",
        {
            f"{prefix}-meeting_on": (today() + timedelta(days=3)).isoformat(),
            f"{prefix}-recommendation": Recommendation.MORE_INFORMATION,
        },
    )
    assert response.status_code == 200
    assert "Mötet kan inte ligga i framtiden." in response.content.decode()
    assert not PreparationRecommendation.objects.exists()


def test_the_agenda_costs_the_same_queries_for_2_and_20_cases(world, login):
    http = login(world.manager)
    made = bulk_cases(world, 2, states=[CaseState.PREPARATION])
    for case in made:
        PreparationRecommendation.objects.create(
            case=case,
            meeting_on=today(),
            recommendation=Recommendation.MORE_INFORMATION,
            recorded_by=world.manager,
        )
    http.get(AGENDA)
    with CaptureQueriesContext(connection) as two:
        body = http.get(AGENDA).content.decode()
    assert body.count('class="card agenda-item"') == 2
    made = bulk_cases(world, 18, first=2, states=[CaseState.PREPARATION, CaseState.MOTIVATION])
    for case in made[::2]:
        for _ in range(3):
            PreparationRecommendation.objects.create(
                case=case,
                meeting_on=today() - timedelta(days=7),
                recommendation=Recommendation.NOT_PROPOSE,
                recorded_by=world.manager,
            )
    with CaptureQueriesContext(connection) as twenty:
        body = http.get(AGENDA).content.decode()
    assert body.count('class="card agenda-item"') == 20
    print(f"agenda: {len(two.captured_queries)} queries")
    assert len(twenty.captured_queries) == len(two.captured_queries)
    assert "Bulk" not in body and "Ungdom0" not in body


# --- policy.identified_cases agrees with CaseAccess.identity() ----------------------------


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@dataclass(frozen=True)
class ConsentSpec:
    releasing_owner: bool  # obtained by the case's owner (else by the police)
    identity: bool  # covers identity (else school only)
    extra_category: bool
    to_police: bool
    to_school: bool
    given: int  # days from today, never in the future when it was recorded
    length: int | None
    revoked: bool


@dataclass(frozen=True)
class CaseSpec:
    owned_by_viewer_org: bool  # owned by the coordinator's social services (else by another)
    police_member: bool
    consents: tuple[ConsentSpec, ...]


consent_specs = st.builds(
    ConsentSpec,
    releasing_owner=st.sampled_from([True, True, False]),
    identity=st.booleans(),
    extra_category=st.booleans(),
    to_police=st.sampled_from([True, True, False]),
    to_school=st.booleans(),
    given=st.integers(-6, 0),
    length=st.one_of(st.none(), st.integers(0, 6)),
    revoked=st.sampled_from([False, False, True]),
)
case_specs = st.builds(
    CaseSpec,
    owned_by_viewer_org=st.booleans(),
    police_member=st.sampled_from([True, True, False]),
    consents=st.lists(consent_specs, max_size=3).map(tuple),
)


def _build(world, specs: list[CaseSpec], other_social, school_org, school_person) -> list[Case]:
    day = today()
    identity, school = cat("identitet"), cat("skola")
    made = []
    for n, spec in enumerate(specs):
        owner = world.owner_org if spec.owned_by_viewer_org else other_social
        youth = Youth.objects.create(
            municipality=world.municipality,
            first_name="Prop",
            last_name=f"Ungdom{n}",
            date_of_birth=date(2009, 1, 1),
        )
        case = Case.objects.create(youth=youth, municipality=world.municipality, owner=owner)
        members = [world.coordinator, school_person] + (
            [world.police] if spec.police_member else []
        )
        CaseMember.objects.bulk_create([CaseMember(case=case, person=p) for p in members])
        for c in spec.consents:
            consent = Consent.objects.create(
                case=case,
                releasing_organisation=owner if c.releasing_owner else world.recipient_org,
                form=ConsentForm.ORAL,
                given_on=day + timedelta(days=c.given),
                valid_until=None if c.length is None else day + timedelta(days=c.given + c.length),
                age_at_consent=15,
                age_rule=AgeRule.GUARDIANS_AND_YOUTH,
                recorded_by=world.coordinator,
                revoked_at=timezone.now() if c.revoked else None,
                revoked_by="Ungdomen" if c.revoked else "",
            )
            consent.categories.set(
                [identity if c.identity else school] + ([school] if c.extra_category else [])
            )
            consent.recipients.set(
                ([world.recipient_org] if c.to_police else [])
                + ([school_org] if c.to_school else [])
                + ([] if c.to_police or c.to_school else [school_org])
            )
        made.append(case)
    return made


@pytest.fixture
def property_world(world):
    other_social = Organisation.objects.create(
        municipality=world.municipality,
        kind=OrganisationKind.SOCIAL_SERVICES,
        name="Socialtjänsten Södra",
    )
    school_org = Organisation.objects.create(
        municipality=world.municipality, kind=OrganisationKind.SCHOOL, name="Skolan"
    )
    school_person = make_person("rektor", school_org, Role.ACTOR_REPRESENTATIVE)
    no_org = make_person("ingen", None, Role.COORDINATOR)
    return world, other_social, school_org, school_person, no_org


def _agrees(world, made: list[Case], viewers, day: date) -> None:
    ids = [c.pk for c in made]
    for viewer in viewers:
        narrowed = policy.identified_cases(
            viewer=viewer, cases=Case.objects.filter(pk__in=ids), today=day
        )
        got = set(narrowed.values_list("pk", flat=True))
        accesses = policy.case_accesses(
            viewer=viewer,
            cases=list(Case.objects.filter(pk__in=ids).select_related("youth", "municipality")),
            today=day,
        )
        expected = {pk for pk, access in accesses.items() if access.identity().allowed}
        assert got == expected, (viewer.username, day)


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(case_specs, min_size=1, max_size=4),
    offsets=st.lists(st.integers(-8, 8), min_size=1, max_size=3),
)
def test_identified_cases_agrees_with_the_identity_decision(property_world, specs, offsets):
    world, other_social, school_org, school_person, no_org = property_world
    with rolled_back():
        made = _build(world, specs, other_social, school_org, school_person)
        viewers = [world.coordinator, world.police, school_person, world.outsider, no_org]
        for offset in offsets:
            _agrees(world, made, viewers, today() + timedelta(days=offset))


@pytest.mark.parametrize("variant", ["no_identifying_category", "two_identifying_categories"])
def test_identified_cases_agrees_when_the_categories_are_unusual(property_world, variant):
    world, other_social, school_org, school_person, _no_org = property_world
    spec = ConsentSpec(True, True, False, True, False, 0, None, False)
    made = _build(
        world,
        [CaseSpec(True, True, (spec,)), CaseSpec(False, True, (spec,))],
        other_social,
        school_org,
        school_person,
    )
    if variant == "no_identifying_category":
        DataCategory.objects.update(identifying=False)
    else:
        # A second identifying category sorted first: the decision uses that one only.
        DataCategory.objects.create(slug="id2", name="Identitet 2", identifying=True, sort_order=0)
    _agrees(world, made, [world.coordinator, world.police, school_person], today())
    # The police's consent covers "identitet", which is no longer the one that decides.
    assert not policy.identified_cases(viewer=world.police, cases=Case.objects.all()).exists()
    if variant == "no_identifying_category":
        # Nobody sees who the youth is, not even the owner: the one door decides the same.
        got = policy.identified_cases(viewer=world.coordinator, cases=Case.objects.all())
        assert not got.exists()


def test_identified_cases_is_one_query(property_world, django_assert_num_queries):
    world, other_social, school_org, school_person, _no_org = property_world
    _build(
        world,
        [CaseSpec(True, True, ()), CaseSpec(False, True, ())],
        other_social,
        school_org,
        school_person,
    )
    with django_assert_num_queries(1):
        list(policy.identified_cases(viewer=world.police, cases=Case.objects.all()))


def test_the_html_has_no_identity_strings_for_the_police_anywhere(sig, login):
    """The whole work list page, with every filter link and the search form."""
    body = login(sig.world.police).get(LIST, {"lage": "alla"}).content.decode()
    body = re.sub(r'value="[^"]*"', "", body)
    assert leaks(body) == []


def test_the_filters_answer_htmx_with_the_results_only(sig, login):
    response = login(sig.world.coordinator).get(
        LIST, {"lage": "alla", "q": "Alex"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">')
    assert "<html" not in body and "Alex Exempelsson" in body
