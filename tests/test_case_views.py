"""The case pages: the list, opening a case, the case as each viewer may see it, and its forms."""

from __future__ import annotations

from datetime import date

import pytest

from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import Case, CaseMember, Guardian, JournalNote
from samsyn.consent import services as consents
from samsyn.consent.models import DataCategory, GiverRole
from tests.conftest import give_consent, make_person

pytestmark = pytest.mark.django_db

# Everything that identifies the youth of `sig` or its guardians.
IDENTIFYING = [
    "Alex",
    "Exempelsson",
    "20100521",
    "0016",
    "Storgatan",
    "070-1234567",
    "Norraskolan",
    "Maria",
    "Mats",
]


def cat(slug: str) -> DataCategory:
    return DataCategory.objects.get(slug=slug)


def url(sig, suffix: str = "") -> str:
    return f"/arenden/{sig.case.code}/{suffix}"


def everyone(sig) -> list[consents.Giver]:
    return [
        consents.Giver(GiverRole.YOUTH),
        consents.Giver(GiverRole.GUARDIAN, sig.mother),
        consents.Giver(GiverRole.GUARDIAN, sig.father),
    ]


give = give_consent


def note(sig, slug: str, title: str, actor=None, **extra) -> JournalNote:
    return cases.note_create(
        actor=actor or sig.world.coordinator,
        case=sig.case,
        category=cat(slug),
        title=title,
        text=extra.pop("text", "Anteckningens text."),
        **extra,
    )


def no_identifying_data(body: str) -> list[str]:
    return [word for word in IDENTIFYING if word in body]


# --- the list ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get("/arenden/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/")


def test_the_list_names_the_youth_only_for_those_who_may_see_who_it_is(sig, login):
    w = sig.world
    body = login(w.coordinator).get("/arenden/").content.decode()
    assert "Alex Exempelsson" in body
    assert "Aktualisera en ungdom" in body

    body = login(w.police).get("/arenden/").content.decode()
    assert sig.case.anonymous_code in body
    assert "15–17 år" in body and "Pojke/man" in body and "Norra" in body
    assert no_identifying_data(body) == []
    assert "Aktualisera en ungdom" in body  # the police refer too
    assert "Aktualisera en ungdom" not in login(w.steering).get("/arenden/").content.decode()


def test_people_in_no_case_see_an_empty_list(sig, login):
    body = login(sig.world.manager).get("/arenden/").content.decode()
    assert "Du deltar inte i något ärende ännu." in body
    assert sig.case.anonymous_code not in body


def test_the_header_links_to_the_cases_for_staff(world, login):
    body = login(world.police).get("/").content.decode()
    assert 'href="/arenden/"' in body


# --- opening a case ------------------------------------------------------------------------

REFERRAL = {"kind": "socialtjanst", "referred_on": "2026-11-02", "reason": "Oro från skolan."}


def test_the_coordinator_opens_a_case_and_joins_it(world, login):
    response = login(world.coordinator).post(
        "/arenden/nytt/",
        {
            "first_name": "Robin",
            "last_name": "Testsson",
            "personnummer": "20100521-0016",
            "sex": "flicka",
            "district": str(world.district.code),
            "address": "Lillgatan 2",
            "summary": "Flicka i årskurs 9.",
            **REFERRAL,
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/arenden/{case.code}/"
    assert case.youth.first_name == "Robin" and case.district == world.district
    assert CaseMember.objects.filter(case=case, person=world.coordinator).exists()
    page = login(world.coordinator).get(response["Location"]).content.decode()
    assert f"Ärendet {case.anonymous_code} är aktualiserat" in page
    assert case.state == "aktualiserad" and case.coordinator == world.coordinator
    assert "20100521-0016" in page and "Lillgatan 2" in page


def test_a_wrong_personnummer_is_explained_in_swedish_and_nothing_is_written(world, login):
    response = login(world.coordinator).post(
        "/arenden/nytt/",
        {
            "first_name": "Robin",
            "last_name": "Testsson",
            "personnummer": "20100521-0017",
            "sex": "okant",
            **REFERRAL,
        },
    )
    assert response.status_code == 200
    assert "kontrollsiffran är fel" in response.content.decode()
    assert not Case.objects.exists()


def test_a_case_needs_a_personnummer_or_a_date_of_birth(world, login):
    response = login(world.coordinator).post(
        "/arenden/nytt/",
        {"first_name": "Robin", "last_name": "Testsson", "sex": "okant", **REFERRAL},
    )
    assert "Ange personnummer, eller födelsedatum om personnummer saknas." in (
        response.content.decode()
    )
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["steering", "admin", "outsider_admin"])
def test_people_outside_case_work_cannot_refer(world, login, who):
    http = login(getattr(world, who))
    assert http.get("/arenden/nytt/").status_code == 404
    assert http.post("/arenden/nytt/", {"first_name": "A", "last_name": "B"}).status_code == 404
    assert not Case.objects.exists()


# --- the case page -------------------------------------------------------------------------


def test_the_coordinator_sees_the_whole_case(sig, login):
    note(sig, "socialtjanst", "Utredning inledd")
    body = login(sig.world.coordinator).get(url(sig)).content.decode()
    for text in [
        "Alex Exempelsson",
        "20100521-0016",
        "Storgatan 1",
        "070-1234567",
        "Norraskolan",
        "Maria Exempelsson",
        "Mats Exempelsson",
        "Polisen Testkommun",
        "Utredning inledd",
        "Varför ser jag detta?",
        "Uppgiften är registrerad av din egen organisation (Socialtjänsten Norra).",
    ]:
        assert text in body, text
    assert "avidentifierat" not in body.lower().split("avidentifierad sammanfattning")[0]


def test_police_without_consent_see_the_case_de_identified(sig, login):
    note(sig, "halsa", "BUP-remiss", text="Remiss skickad.")
    note(sig, "halsa", "BUP-svar", text="Svar kom.")
    note(sig, "skola", "Frånvaro", text="Hög frånvaro i höst.")
    body = login(sig.world.police).get(url(sig)).content.decode()
    assert no_identifying_data(body) == []
    assert "Du ser ärendet avidentifierat eftersom inget samtycke" in body
    assert "Inget gällande samtycke låter Socialtjänsten Norra lämna ut uppgifter" in body
    assert sig.case.anonymous_code in body
    assert "skolfrånvaro och misstänkt för stöld" in body  # the de-identified summary
    assert (
        "2 anteckningar från Socialtjänsten Norra i kategorin Hälsa som du inte kan se "
        "(inget samtycke)." in body
    )
    assert "1 anteckning från Socialtjänsten Norra i kategorin Skola: närvaro och resultat" in body
    assert "Remiss skickad" not in body and "Hög frånvaro" not in body
    assert "Lägg till vårdnadshavare" not in body and "Rör också" not in body


def test_a_consent_without_identity_shares_the_notes_but_not_who_consented(sig, login):
    note(sig, "skola", "Frånvaro", text="Hög frånvaro i höst.")
    consent = give(sig, "skola")
    body = login(sig.world.police).get(url(sig)).content.decode()
    assert "Hög frånvaro i höst." in body
    assert f"Samtycke {consent.number}, lämnat av ungdomen och 2 vårdnadshavare" in body
    assert "låter Socialtjänsten Norra lämna ut" in body
    assert no_identifying_data(body) == []


def test_after_consent_to_identity_the_police_see_the_name(sig, login):
    give(sig, "identitet", "skola")
    body = login(sig.world.police).get(url(sig)).content.decode()
    assert "Alex Exempelsson" in body and "Storgatan 1" in body
    assert "Maria Exempelsson" in body
    assert "avidentifierat" not in body
    assert "Samtycke #" in body and "lämnat av" in body


def test_every_decision_on_the_page_is_logged(sig, login):
    note(sig, "halsa", "BUP-remiss")
    login(sig.world.police).get(url(sig))
    records = AuditRecord.objects.filter(case_code=sig.case.code, actor_code=sig.world.police.code)
    assert {(r.action, r.object_type) for r in records} == {
        (Action.REFUSED, "cases.youth"),
        (Action.REFUSED, "cases.journalnote"),
    }


def test_a_note_about_a_guardian_names_the_guardian_only_to_those_who_may_know(sig, login):
    note(sig, "familj", "Samtal med mamma", also_about=sig.mother)
    give(sig, "familj", givers=[*everyone(sig)], also_about=sig.mother)
    body = login(sig.world.police).get(url(sig)).content.decode()
    assert "Samtal med mamma" in body
    assert "rör också en vårdnadshavare" in body
    assert no_identifying_data(body) == []
    body = login(sig.world.coordinator).get(url(sig)).content.decode()
    assert "rör också Maria Exempelsson" in body


# --- writing notes -------------------------------------------------------------------------


def test_a_member_writes_a_note_owned_by_their_organisation(sig, login):
    response = login(sig.world.police).post(
        url(sig, "anteckningar/"),
        {
            "ant-category": "polis",
            "ant-title": "Anmälan",
            "ant-text": "Misstänkt för snatteri.",
            "ant-occurred_on": "2026-01-10",
        },
    )
    assert response.status_code == 302
    saved = JournalNote.objects.get()
    assert saved.owner == sig.world.recipient_org and saved.category.slug == "polis"
    assert saved.occurred_on == date(2026, 1, 10)
    # Social services do not see it without a consent from the police.
    body = login(sig.world.coordinator).get(url(sig)).content.decode()
    assert "Misstänkt för snatteri." not in body
    assert "1 anteckning från Polisen Testkommun i kategorin Polisens uppgifter" in body


def test_a_note_without_title_is_explained_and_not_saved(sig, login):
    response = login(sig.world.coordinator).post(
        url(sig, "anteckningar/"), {"ant-category": "skola", "ant-text": "Text"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Något behöver rättas" in body and "Detta fält måste fyllas i." in body
    assert not JournalNote.objects.exists()


def test_a_note_can_concern_a_guardian_only_for_those_who_see_the_guardians(sig, login):
    login(sig.world.police).post(
        url(sig, "anteckningar/"),
        {
            "ant-category": "polis",
            "ant-title": "Anmälan",
            "ant-text": "Text",
            "ant-also_about": str(sig.mother.code),
        },
    )
    assert JournalNote.objects.get().also_about is None  # the field is not offered
    login(sig.world.coordinator).post(
        url(sig, "anteckningar/"),
        {
            "ant-category": "familj",
            "ant-title": "Samtal",
            "ant-text": "Text",
            "ant-also_about": str(sig.mother.code),
        },
    )
    assert JournalNote.objects.get(title="Samtal").also_about == sig.mother


# --- guardians and members -----------------------------------------------------------------


def test_the_coordinator_adds_a_guardian(sig, login):
    response = login(sig.world.coordinator).post(
        url(sig, "vardnadshavare/"),
        {
            "vh-first_name": "Lena",
            "vh-last_name": "Förmyndare",
            "vh-role": "foretradare",
            "vh-has_custody": "",
        },
    )
    assert response.status_code == 302
    added = Guardian.objects.get(first_name="Lena")
    assert added.role == "foretradare" and not added.has_custody


def test_a_guardian_with_a_wrong_personnummer_is_not_added(sig, login):
    response = login(sig.world.coordinator).post(
        url(sig, "vardnadshavare/"),
        {
            "vh-first_name": "Lena",
            "vh-last_name": "L",
            "vh-role": "vardnadshavare",
            "vh-personnummer": "123",
        },
    )
    assert "Skriv personnumret som ÅÅÅÅMMDD-NNNN" in response.content.decode()
    assert not Guardian.objects.filter(first_name="Lena").exists()


def test_the_coordinator_adds_and_removes_members(sig, login):
    w = sig.world
    teacher = make_person("larare", w.owner_org, "aktorsrepresentant")
    http = login(w.coordinator)
    page = http.get(url(sig)).content.decode()
    assert "Larare" in page  # offered
    assert "Utomstaende" not in page  # another municipality: never offered
    response = http.post(url(sig, "deltagare/"), {"ny-person": str(teacher.code)})
    assert response.status_code == 302
    assert CaseMember.objects.filter(case=sig.case, person=teacher).exists()
    response = http.post(url(sig, "deltagare/ta-bort/"), {"person": str(teacher.code)})
    assert response.status_code == 302
    assert not CaseMember.objects.filter(case=sig.case, person=teacher).exists()


def test_people_of_other_municipalities_cannot_be_added(sig, login):
    response = login(sig.world.coordinator).post(
        url(sig, "deltagare/"), {"ny-person": str(sig.world.outsider.code)}
    )
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not CaseMember.objects.filter(person=sig.world.outsider).exists()


def test_the_coordinator_cannot_remove_themselves(sig, login):
    w = sig.world
    response = login(w.coordinator).post(
        url(sig, "deltagare/ta-bort/"), {"person": str(w.coordinator.code)}, follow=True
    )
    assert "Du kan inte ta bort dig själv från ärendet." in response.content.decode()
    assert CaseMember.objects.filter(case=sig.case, person=w.coordinator).exists()


def test_other_members_cannot_run_the_case(sig, login):
    w = sig.world
    http = login(w.police)
    assert "Lägg till vårdnadshavare" not in http.get(url(sig)).content.decode()
    before = (Guardian.objects.count(), CaseMember.objects.count())
    assert (
        http.post(
            url(sig, "vardnadshavare/"),
            {"vh-first_name": "X", "vh-last_name": "Y", "vh-role": "vardnadshavare"},
        ).status_code
        == 403
    )
    assert http.post(url(sig, "deltagare/"), {"ny-person": str(w.manager.code)}).status_code == 403
    assert (
        http.post(url(sig, "deltagare/ta-bort/"), {"person": str(w.coordinator.code)}).status_code
        == 403
    )
    assert (Guardian.objects.count(), CaseMember.objects.count()) == before


# --- outsiders and cost --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "manager", "outsider_admin"])
def test_people_outside_the_case_get_404_and_change_nothing(sig, login, who):
    http = login(getattr(sig.world, who))
    before = (
        Guardian.objects.count(),
        CaseMember.objects.count(),
        JournalNote.objects.count(),
        AuditRecord.objects.count(),
    )
    assert http.get(url(sig)).status_code == 404
    for suffix, data in [
        (
            "vardnadshavare/",
            {"vh-first_name": "X", "vh-last_name": "Y", "vh-role": "vardnadshavare"},
        ),
        ("deltagare/", {"ny-person": str(sig.world.manager.code)}),
        ("deltagare/ta-bort/", {"person": str(sig.world.police.code)}),
        ("anteckningar/", {"ant-category": "skola", "ant-title": "X", "ant-text": "Y"}),
    ]:
        assert http.post(url(sig, suffix), data).status_code == 404, suffix
    after = (
        Guardian.objects.count(),
        CaseMember.objects.count(),
        JournalNote.objects.count(),
        AuditRecord.objects.count(),
    )
    assert after == before


def test_a_code_that_is_not_a_case_is_404(world, login):
    assert (
        login(world.coordinator).get("/arenden/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("who", "slugs"),
    [
        ("coordinator", ("skola",)),
        ("police", ("skola",)),  # de-identified
        ("police", ("skola", "identitet")),
    ],
)
def test_the_case_page_costs_a_fixed_number_of_queries(
    sig, login, django_assert_max_num_queries, who, slugs
):
    w = sig.world
    http = login(getattr(w, who))
    note(sig, "skola", "Första")
    give(sig, *slugs)
    with django_assert_max_num_queries(40) as few:
        assert http.get(url(sig)).status_code == 200
    for i in range(12):
        note(sig, ["skola", "halsa", "familj"][i % 3], f"Anteckning {i}", also_about=sig.father)
        note(sig, "polis", f"Polisens {i}", actor=w.police)
    for _ in range(4):
        give(sig, "halsa", *slugs)
    cases.member_add(actor=w.coordinator, case=sig.case, person=make_person("fler", w.owner_org))
    cases.guardian_add(actor=w.coordinator, case=sig.case, first_name="Tredje", last_name="T")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert http.get(url(sig)).status_code == 200


def test_the_list_costs_a_fixed_number_of_queries(sig, login, django_assert_max_num_queries):
    w = sig.world
    http = login(w.coordinator)
    with django_assert_max_num_queries(30) as few:
        http.get("/arenden/")
    for i in range(5):
        case = cases.case_create(
            reason="Skolfrånvaro och misstänkt stöld.",
            actor=w.coordinator,
            first_name="U",
            last_name=str(i),
            date_of_birth=date(2011, 1, i + 1),
        )
        cases.member_add(actor=w.coordinator, case=case, person=w.police)
    with django_assert_max_num_queries(len(few.captured_queries)):
        http.get("/arenden/")


def test_a_member_without_any_covering_consent_is_flagged(sig, login):
    body = login(sig.world.coordinator).get(url(sig)).content.decode()
    assert body.count("Inget gällande samtycke från Socialtjänsten Norra") == 1  # the police
    give(sig, "skola")
    body = login(sig.world.coordinator).get(url(sig)).content.decode()
    assert "Inget gällande samtycke från" not in body
