"""The administrators' pages: organisations, people, districts and local policy."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.audit.models import Action, AuditRecord
from samsyn.organisations.models import (
    CrimeCost,
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

NEW_PASSWORD = "blå-kaffekopp-på-bordet-17"


@pytest.fixture
def admin_client(world, login):
    return login(world.admin)


@pytest.fixture
def coordinator(world) -> Person:
    """The coordinator with a last name, which the form asks for."""
    world.coordinator.last_name = "Berg"
    world.coordinator.save()
    return world.coordinator


def municipal_policy(municipality: Municipality) -> LocalPolicy:
    return LocalPolicy.objects.get(municipality=municipality, district__isnull=True)


def pages(world) -> list[str]:
    """Every GET page of the administration, with objects of the admin's municipality."""
    policy = municipal_policy(world.municipality)
    return [
        "/administration/",
        "/administration/organisationer/",
        "/administration/organisationer/ny/",
        f"/administration/organisationer/{world.owner_org.code}/",
        "/administration/personer/",
        "/administration/personer/ny/",
        f"/administration/personer/{world.coordinator.code}/",
        f"/administration/riktlinjer/{policy.code}/",
        f"/administration/kommuner/{world.municipality.code}/ny-stadsdel/",
        f"/administration/stadsdelar/{world.district.code}/",
    ]


def object_posts(world) -> list[str]:
    """Every POST address about one object of the admin's municipality."""
    policy = municipal_policy(world.municipality)
    person = world.coordinator.code
    return [
        f"/administration/organisationer/{world.owner_org.code}/",
        f"/administration/personer/{person}/",
        f"/administration/personer/{person}/losenord/",
        f"/administration/personer/{person}/aterstall-tvastegs/",
        f"/administration/personer/{person}/logga-ut-overallt/",
        f"/administration/riktlinjer/{policy.code}/",
        f"/administration/riktlinjer/{policy.code}/ta-bort/",
        f"/administration/kommuner/{world.municipality.code}/ny-stadsdel/",
        f"/administration/stadsdelar/{world.district.code}/",
        f"/administration/stadsdelar/{world.district.code}/egna-riktlinjer/",
    ]


def organisation_post(world, **changes) -> dict[str, str]:
    data = {
        "name": "Fältgruppen Norra",
        "kind": OrganisationKind.FIELD_WORKERS,
        "district": str(world.district.code),
        "parent": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def person_post(world, **changes) -> dict[str, object]:
    data: dict[str, object] = {
        "username": "ny.person",
        "first_name": "Nora",
        "last_name": "Nilsson",
        "email": "nora.nilsson@example.se",
        "title": "Fältassistent",
        "phone": "070-123 45 67",
        "organisation": str(world.owner_org.code),
        "roles": [Role.COORDINATOR, Role.MANAGER],
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
    }
    data.update(changes)
    return data


def person_edit_post(person: Person, **changes) -> dict[str, object]:
    data: dict[str, object] = {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email or "",
        "title": person.title,
        "phone": person.phone,
        "organisation": str(person.organisation.code),
        "roles": list(person.roles),
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def policy_post(policy: LocalPolicy, costs: list[tuple[str, str]], **changes) -> dict:
    data: dict[str, object] = {
        "target_age_min": policy.target_age_min,
        "target_age_max": policy.target_age_max,
        "meeting_cadence_weeks": policy.meeting_cadence_weeks,
        "consent_validity_months": policy.consent_validity_months,
        "consent_guardians_only_below_age": policy.consent_guardians_only_below_age,
        "consent_youth_alone_from_age": policy.consent_youth_alone_from_age,
        "sig_cost_per_youth_year": policy.sig_cost_per_youth_year,
        "placement_cost_per_year": policy.placement_cost_per_year,
        "kostnad-TOTAL_FORMS": str(len(costs)),
        "kostnad-INITIAL_FORMS": "0",
        "kostnad-MIN_NUM_FORMS": "0",
        "kostnad-MAX_NUM_FORMS": "1000",
    }
    for i, (name, amount) in enumerate(costs):
        data[f"kostnad-{i}-crime_type"] = name
        data[f"kostnad-{i}-amount_sek"] = amount
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def listed(client, url: str) -> set[str]:
    """Usernames or organisation names on one page of a list."""
    response = client.get(url)
    assert response.status_code == 200
    return {getattr(o, "username", None) or o.name for o in response.context["page"].object_list}


# --- access -----------------------------------------------------------------------------


def test_it_shows_every_page_to_the_administrator(world, admin_client):
    for url in pages(world):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert 'lang="sv"' in response.content.decode()


@pytest.mark.parametrize("who", ["coordinator", "case_officer", "police", "steering", "outsider"])
def test_every_page_and_post_is_not_found_for_non_administrators(world, login, who):
    client = login(getattr(world, who))
    for url in pages(world):
        assert client.get(url).status_code == 404, url
    for url in [*object_posts(world), "/administration/organisationer/ny/"]:
        assert client.post(url, {"name": "x"}).status_code == 404, url
    assert client.post("/administration/personer/ny/", person_post(world)).status_code == 404
    assert not Person.objects.filter(username="ny.person").exists()


def test_an_administrator_of_another_municipality_reaches_none_of_our_objects(world, login):
    client = login(world.outsider_admin)
    for url in pages(world):
        if url.count("/") > 4:  # addresses with one of our objects in them
            assert client.get(url).status_code == 404, url
    for url in object_posts(world):
        assert client.post(url, {"name": "Kapad"}).status_code == 404, url
    assert District.objects.get(pk=world.district.pk).name == "Norra"
    assert TOTPDevice.objects.filter(user=world.coordinator).exists()
    assert not LocalPolicy.objects.filter(district=world.district).exists()


def test_an_administrator_of_another_municipality_lists_only_their_own(world, login):
    client = login(world.outsider_admin)
    overview = client.get("/administration/").content.decode()
    assert "Grannkommun" in overview
    assert "Testkommun" not in overview
    assert "Norra" not in overview
    organisations = listed(client, "/administration/organisationer/?aktiv=")
    assert organisations == {"Socialtjänsten Grannkommun"}
    people = listed(client, "/administration/personer/?aktiv=")
    assert people == {"admin.granne", "utomstaende"}


def test_it_sends_anonymous_visitors_to_login(client, world):
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/konto/logga-in/"), url
    response = client.post(f"/administration/personer/{world.coordinator.code}/aterstall-tvastegs/")
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=world.coordinator).exists()


def test_an_unknown_code_is_not_found(world, admin_client):
    assert admin_client.get(f"/administration/personer/{uuid.uuid4()}/").status_code == 404
    assert admin_client.get("/administration/personer/inte-en-kod/").status_code == 404


def test_an_administrator_cannot_reach_a_superuser_in_their_municipality(world, login):
    root = make_person("root", world.owner_org, is_superuser=True)
    client = login(world.admin)
    assert "root" not in listed(client, "/administration/personer/?aktiv=")
    assert client.get(f"/administration/personer/{root.code}/").status_code == 404
    response = client.post(
        f"/administration/personer/{root.code}/losenord/",
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert response.status_code == 404
    root.refresh_from_db()
    assert not root.check_password(NEW_PASSWORD)


# --- municipalities and districts ------------------------------------------------------------


def test_a_superuser_creates_a_municipality_with_a_default_policy(world, login):
    root = make_person("root", None, is_superuser=True)
    client = login(root)
    response = client.post(
        "/administration/kommuner/ny/",
        {"name": "Ny kommun", "municipality_number": "0123"},
        follow=True,
    )
    assert "Kommunen Ny kommun är skapad." in response.content.decode()
    municipality = Municipality.objects.get(municipality_number="0123")
    assert municipal_policy(municipality).target_age_min == 13
    assert AuditRecord.objects.filter(
        action=Action.CREATE, object_code=str(municipality.code)
    ).exists()


def test_a_superuser_without_any_municipality_can_start(db, login):
    root = make_person("root", None, is_superuser=True)
    client = login(root)
    assert client.get("/administration/").status_code == 200
    assert client.get("/administration/kommuner/ny/").status_code == 200


def test_a_bad_municipality_number_is_explained(world, login):
    client = login(make_person("root", None, is_superuser=True))
    response = client.post(
        "/administration/kommuner/ny/", {"name": "Ny kommun", "municipality_number": "12a"}
    )
    assert "Kommunkoden ska vara fyra siffror." in response.content.decode()
    response = client.post(
        "/administration/kommuner/ny/", {"name": "Annan kommun", "municipality_number": "9901"}
    )
    assert response.status_code == 200
    assert "finns redan" in response.content.decode()
    assert Municipality.objects.count() == 2


def test_only_a_superuser_creates_municipalities(world, admin_client):
    assert admin_client.get("/administration/kommuner/ny/").status_code == 404
    response = admin_client.post(
        "/administration/kommuner/ny/", {"name": "Egen", "municipality_number": "0124"}
    )
    assert response.status_code == 404
    assert not Municipality.objects.filter(name="Egen").exists()


def test_it_adds_and_renames_a_district(world, admin_client):
    response = admin_client.post(
        f"/administration/kommuner/{world.municipality.code}/ny-stadsdel/",
        {"name": "Södra"},
        follow=True,
    )
    assert "Stadsdelen Södra är tillagd." in response.content.decode()
    district = District.objects.get(name="Södra")
    assert district.municipality == world.municipality
    admin_client.post(f"/administration/stadsdelar/{district.code}/", {"name": "Söder"})
    district.refresh_from_db()
    assert district.name == "Söder"
    record = AuditRecord.objects.get(action=Action.UPDATE, object_code=str(district.code))
    assert record.detail == {"name": ["Södra", "Söder"]}


def test_a_district_name_cannot_be_taken_twice(world, admin_client):
    response = admin_client.post(
        f"/administration/kommuner/{world.municipality.code}/ny-stadsdel/", {"name": "Norra"}
    )
    assert response.status_code == 200
    assert "finns redan" in response.content.decode()
    assert District.objects.filter(name="Norra").count() == 1


def test_a_district_gets_and_gives_up_its_own_policy(world, admin_client):
    base = municipal_policy(world.municipality)
    base.target_age_max = 19
    base.save()
    CrimeCost.objects.create(policy=base, crime_type="Rån", amount_sek=100_000)
    response = admin_client.post(
        f"/administration/stadsdelar/{world.district.code}/egna-riktlinjer/", follow=True
    )
    own = LocalPolicy.objects.get(district=world.district)
    assert response.redirect_chain[-1][0] == f"/administration/riktlinjer/{own.code}/"
    assert own.target_age_max == 19
    assert [c.crime_type for c in own.crime_costs.all()] == ["Rån"]
    overview = admin_client.get("/administration/").content.decode()
    assert "egna riktlinjer" in overview

    response = admin_client.post(f"/administration/riktlinjer/{own.code}/ta-bort/", follow=True)
    assert "Norra (Testkommun) följer nu kommunens riktlinjer." in response.content.decode()
    assert not LocalPolicy.objects.filter(district=world.district).exists()
    assert AuditRecord.objects.filter(action=Action.DELETE, object_code=str(own.code)).exists()
    assert "följer kommunens riktlinjer" in admin_client.get("/administration/").content.decode()


def test_the_municipal_policy_cannot_be_removed(world, admin_client):
    policy = municipal_policy(world.municipality)
    response = admin_client.post(f"/administration/riktlinjer/{policy.code}/ta-bort/", follow=True)
    assert "Kommunens egna riktlinjer kan inte tas bort." in response.content.decode()
    assert LocalPolicy.objects.filter(pk=policy.pk).exists()


# --- organisations ------------------------------------------------------------------------


def test_it_creates_an_organisation(world, admin_client):
    response = admin_client.post(
        "/administration/organisationer/ny/", organisation_post(world), follow=True
    )
    assert "Organisationen Fältgruppen Norra är skapad." in response.content.decode()
    organisation = Organisation.objects.get(name="Fältgruppen Norra")
    assert organisation.municipality == world.municipality
    assert organisation.district == world.district
    assert organisation.kind == OrganisationKind.FIELD_WORKERS
    assert AuditRecord.objects.filter(
        action=Action.CREATE, object_code=str(organisation.code)
    ).exists()


def test_it_edits_an_organisation_into_a_branch(world, admin_client):
    url = f"/administration/organisationer/{world.owner_org.code}/"
    admin_client.post(
        url,
        organisation_post(
            world, name="Socialtjänsten Norra (IFO)", parent=str(world.recipient_org.code)
        ),
    )
    world.owner_org.refresh_from_db()
    assert world.owner_org.name == "Socialtjänsten Norra (IFO)"
    assert world.owner_org.parent == world.recipient_org
    record = AuditRecord.objects.get(action=Action.UPDATE, object_code=str(world.owner_org.code))
    assert record.detail["name"] == ["Socialtjänsten Norra", "Socialtjänsten Norra (IFO)"]
    assert record.detail["parent"] == [None, str(world.recipient_org.code)]


def test_an_authority_with_branches_cannot_become_a_branch(world, admin_client):
    world.owner_org.parent = world.recipient_org
    world.owner_org.save()
    school = Organisation.objects.create(
        municipality=world.municipality, kind=OrganisationKind.SCHOOL, name="Skolan"
    )
    response = admin_client.post(
        f"/administration/organisationer/{world.recipient_org.code}/",
        organisation_post(
            world, name="Polisen Testkommun", kind="polis", district="", parent=str(school.code)
        ),
    )
    assert response.status_code == 200
    assert "har egna delar" in response.content.decode()
    world.recipient_org.refresh_from_db()
    assert world.recipient_org.parent is None


def test_a_forged_district_from_another_municipality_is_refused(world, admin_client):
    foreign = District.objects.create(municipality=world.other_municipality, name="Grannens")
    response = admin_client.post(
        "/administration/organisationer/ny/",
        organisation_post(world, district=str(foreign.code)),
    )
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    response = admin_client.post(
        "/administration/organisationer/ny/",
        organisation_post(world, parent=str(world.outsider_org.code)),
    )
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Organisation.objects.filter(name="Fältgruppen Norra").exists()


def test_an_organisation_name_cannot_be_taken_twice(world, admin_client):
    response = admin_client.post(
        "/administration/organisationer/ny/",
        organisation_post(world, name="Polisen Testkommun"),
    )
    assert response.status_code == 200
    assert "finns redan" in response.content.decode()
    assert Organisation.objects.filter(name="Polisen Testkommun").count() == 1


def test_the_organisation_list_filters_by_kind_and_activity(world, admin_client):
    Organisation.objects.create(
        municipality=world.municipality,
        kind=OrganisationKind.SCHOOL,
        name="Nedlagda skolan",
        is_active=False,
    )
    url = "/administration/organisationer/"
    assert listed(admin_client, url) == {"Socialtjänsten Norra", "Polisen Testkommun"}
    assert listed(admin_client, f"{url}?aktiv=nej") == {"Nedlagda skolan"}
    assert listed(admin_client, f"{url}?slag=polis&aktiv=") == {"Polisen Testkommun"}
    page = admin_client.get(url).content.decode()
    assert "Hela kommunen" in page  # the police work in the whole municipality


# --- people -----------------------------------------------------------------------------------


def test_it_creates_a_person_with_roles_and_a_working_password(world, admin_client):
    response = admin_client.post("/administration/personer/ny/", person_post(world), follow=True)
    assert "Kontot för Nora Nilsson är skapat." in response.content.decode()
    person = Person.objects.get(username="ny.person")
    assert person.roles == sorted([Role.COORDINATOR, Role.MANAGER])
    assert person.check_password(NEW_PASSWORD)
    assert person.organisation == world.owner_org
    record = AuditRecord.objects.get(action=Action.CREATE, object_code=str(person.code))
    assert NEW_PASSWORD not in str(record.detail)
    assert "Nora" not in str(record.detail)


def test_a_person_without_email_gets_none(world, admin_client):
    admin_client.post("/administration/personer/ny/", person_post(world, email=""))
    assert Person.objects.get(username="ny.person").email is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": "SAMORDNARE"}, "Användarnamnet är upptaget."),
        ({"password_again": "något-helt-annat-123"}, "Lösenorden är inte likadana."),
        (
            {"password": "kort", "password_again": "kort"},
            "Det här lösenordet är för kort. Det måste innehålla minst 12 tecken.",
        ),
        ({"roles": ["kung"]}, "Välj ett giltigt alternativ."),
        ({"email": "inte-en-adress"}, "Fyll i en giltig e-postadress."),
    ],
)
def test_bad_person_input_is_explained_and_nothing_is_saved(world, admin_client, changes, message):
    before = Person.objects.count()
    response = admin_client.post("/administration/personer/ny/", person_post(world, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Person.objects.count() == before
    assert not AuditRecord.objects.filter(action=Action.CREATE).exists()


def test_a_forged_organisation_from_another_municipality_is_refused(world, admin_client):
    response = admin_client.post(
        "/administration/personer/ny/",
        person_post(world, organisation=str(world.outsider_org.code)),
    )
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Person.objects.filter(username="ny.person").exists()


def test_it_edits_a_person_and_deactivation_ends_their_sessions(coordinator, admin_client):
    person = coordinator
    generation = person.session_generation
    response = admin_client.post(
        f"/administration/personer/{person.code}/",
        person_edit_post(person, title="Samordnare SIG", roles=[Role.CASE_OFFICER], is_active=None),
        follow=True,
    )
    assert "Uppgifterna för Samordnare Berg är sparade." in response.content.decode()
    person.refresh_from_db()
    assert person.title == "Samordnare SIG"
    assert not person.is_active
    assert Person.objects.get(pk=person.pk).roles == [Role.CASE_OFFICER]
    assert person.session_generation != generation
    record = AuditRecord.objects.get(action=Action.UPDATE, object_code=str(person.code))
    assert set(record.detail["fields"]) == {"title", "is_active", "roles"}


def test_saving_an_unchanged_person_records_no_change(coordinator, admin_client):
    person = coordinator
    admin_client.post(f"/administration/personer/{person.code}/", person_edit_post(person))
    assert not AuditRecord.objects.filter(action=Action.UPDATE).exists()


def test_a_duplicate_email_is_explained_and_nothing_changes(world, coordinator, admin_client):
    world.police.email = "polis@example.se"
    world.police.save()
    person = coordinator
    response = admin_client.post(
        f"/administration/personer/{person.code}/",
        person_edit_post(person, first_name="Ändrad", email="POLIS@example.se"),
    )
    assert "E-postadressen används redan av en annan person." in response.content.decode()
    person.refresh_from_db()
    assert person.first_name == "Samordnare"


def test_an_administrator_cannot_lock_themselves_out(world, admin_client):
    admin = world.admin
    admin.last_name = "Adminsson"
    admin.save()
    response = admin_client.post(
        f"/administration/personer/{admin.code}/", person_edit_post(admin, is_active=None)
    )
    assert "Du kan inte stänga av ditt eget konto." in response.content.decode()
    response = admin_client.post(
        f"/administration/personer/{admin.code}/",
        person_edit_post(admin, roles=[Role.COORDINATOR]),
    )
    assert "Du kan inte ta bort din egen roll som administratör." in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active
    assert Person.objects.get(pk=admin.pk).roles == [Role.ADMINISTRATOR]


def test_it_sets_a_new_password(world, admin_client):
    person = world.coordinator
    url = f"/administration/personer/{person.code}/losenord/"
    response = admin_client.post(url, {"password": NEW_PASSWORD, "password_again": "annat"})
    assert "Lösenorden är inte likadana." in response.content.decode()
    person.refresh_from_db()
    assert not person.check_password(NEW_PASSWORD)
    response = admin_client.post(
        url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, follow=True
    )
    assert "Nytt lösenord är satt för Samordnare." in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    record = AuditRecord.objects.get(action=Action.UPDATE, object_code=str(person.code))
    assert record.detail == {"fields": ["password"]}


def test_setting_your_own_password_keeps_you_signed_in(world, admin_client):
    admin_client.post(
        f"/administration/personer/{world.admin.code}/losenord/",
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert admin_client.get("/administration/").status_code == 200


def test_it_resets_the_second_factor(world, admin_client):
    person = world.coordinator
    StaticDevice.objects.create(user=person, name="Reservkoder")
    page = admin_client.get(f"/administration/personer/{person.code}/").content.decode()
    assert "aktiverad" in page
    refused = admin_client.post(
        f"/administration/personer/{person.code}/aterstall-tvastegs/", follow=True
    )
    assert "Ingenting har återställts" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=person).exists()
    response = admin_client.post(
        f"/administration/personer/{person.code}/aterstall-tvastegs/",
        {"kontrollerat": "on"},
        follow=True,
    )
    assert "Tvåstegsverifieringen för Samordnare är återställd" in response.content.decode()
    assert "inte aktiverad" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    assert AuditRecord.objects.filter(
        action=Action.SECOND_FACTOR_RESET, object_code=str(person.code)
    ).exists()


def test_it_signs_a_person_out_everywhere(world, admin_client):
    person = world.coordinator
    generation = person.session_generation
    response = admin_client.post(
        f"/administration/personer/{person.code}/logga-ut-overallt/", follow=True
    )
    assert "Samordnare är utloggad på alla enheter." in response.content.decode()
    person.refresh_from_db()
    assert person.session_generation != generation
    assert AuditRecord.objects.filter(
        action=Action.SIGN_OUT_EVERYWHERE, object_code=str(person.code)
    ).exists()


def test_post_only_actions_refuse_get(world, admin_client):
    response = admin_client.get(
        f"/administration/personer/{world.coordinator.code}/aterstall-tvastegs/"
    )
    assert response.status_code == 405
    assert TOTPDevice.objects.filter(user=world.coordinator).exists()


def test_the_person_list_filters(world, admin_client):
    newcomer = make_person(
        "nykomling", world.recipient_org, Role.ACTOR_REPRESENTATIVE, totp_device=False
    )
    gone = make_person("slutat", world.owner_org, Role.COORDINATOR, is_active=False)

    def names(query: str) -> set[str]:
        return listed(admin_client, f"/administration/personer/{query}")

    ours = {"samordnare", "handlaggare", "polis", "chef", "styrgrupp", "admin"}
    assert names("") == ours | {"nykomling"}
    assert names("?aktiv=") == ours | {"nykomling", "slutat"}
    assert names("?aktiv=nej") == {gone.username}
    assert names("?tvastegs=nej") == {newcomer.username}
    assert names(f"?organisation={world.recipient_org.code}") == {"polis", "nykomling"}
    assert names("?roll=chef") == {"chef"}
    assert names("?roll=samordnare&aktiv=") == {"samordnare", "slutat"}
    assert names("?sok=NYKOM") == {"nykomling"}
    assert names("?sok=Samordnare") == {"samordnare"}


# --- local policy ---------------------------------------------------------------------------


def test_it_updates_the_policy_with_crime_costs(world, admin_client):
    policy = municipal_policy(world.municipality)
    CrimeCost.objects.create(policy=policy, crime_type="Snatteri", amount_sek=5_000)
    savry, _ = Instrument.objects.get_or_create(short_name="SAVRY", defaults={"name": "SAVRY"})
    Instrument.objects.get_or_create(short_name="ADAD", defaults={"name": "ADAD"})
    url = f"/administration/riktlinjer/{policy.code}/"
    assert "Snatteri" in admin_client.get(url).content.decode()
    data = policy_post(
        policy,
        [("Rån", "120000"), ("", ""), ("Snatteri", "5000"), ("Misshandel", "75000")],
        target_age_min=12,
        premeeting="on",
        instruments=[str(savry.code)],
        required_actor_kinds=[OrganisationKind.SCHOOL, OrganisationKind.POLICE],
        **{"kostnad-2-DELETE": "on"},
    )
    response = admin_client.post(url, data, follow=True)
    assert "De lokala riktlinjerna för Testkommun är sparade." in response.content.decode()
    policy.refresh_from_db()
    assert policy.target_age_min == 12
    assert policy.premeeting
    assert [i.short_name for i in policy.instruments.all()] == ["SAVRY"]
    assert policy.required_actor_kinds == [OrganisationKind.POLICE, OrganisationKind.SCHOOL]
    assert {c.crime_type: c.amount_sek for c in policy.crime_costs.all()} == {
        "Rån": 120_000,
        "Misshandel": 75_000,
    }
    record = AuditRecord.objects.get(action=Action.UPDATE, object_code=str(policy.code))
    assert record.detail["target_age_min"] == [13, 12]
    assert record.detail["instruments"] == [[], ["SAVRY"]]
    assert record.detail["crime_costs"][0] == {"Snatteri": 5000}


@pytest.mark.parametrize(
    ("changes", "costs", "message"),
    [
        (
            {"target_age_min": 21, "target_age_max": 18},
            [],
            "Den övre åldersgränsen får inte vara lägre än den nedre.",
        ),
        (
            {"consent_guardians_only_below_age": 17, "consent_youth_alone_from_age": 16},
            [],
            "Åldern då ungdomen samtycker ensam kan inte vara lägre",
        ),
        (
            {"meeting_cadence_weeks": 0},
            [],
            "Kontrollera att detta värde är större än eller lika med 1.",
        ),
        ({}, [("Rån", "1000"), ("rån", "2000")], "Samma brottstyp finns flera gånger."),
        ({}, [("Rån", "")], "Fyll i kostnaden, eller töm raden."),
        ({}, [("", "500")], "Fyll i brottstypen, eller töm raden."),
        ({}, [("Rån", "-5")], "Kontrollera att detta värde är större än eller lika med 0."),
        ({"required_actor_kinds": ["hemlig"]}, [], "Välj ett giltigt alternativ."),
    ],
)
def test_bad_policy_input_is_explained_and_nothing_changes(
    world, admin_client, changes, costs, message
):
    policy = municipal_policy(world.municipality)
    CrimeCost.objects.create(policy=policy, crime_type="Snatteri", amount_sek=5_000)
    response = admin_client.post(
        f"/administration/riktlinjer/{policy.code}/", policy_post(policy, costs, **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    fresh = municipal_policy(world.municipality)
    assert (fresh.target_age_min, fresh.target_age_max) == (13, 20)
    assert [(c.crime_type, c.amount_sek) for c in fresh.crime_costs.all()] == [("Snatteri", 5000)]
    assert not AuditRecord.objects.filter(action=Action.UPDATE).exists()


def test_a_district_policy_is_edited_on_its_own(world, admin_client):
    own = LocalPolicy.objects.create(municipality=world.municipality, district=world.district)
    admin_client.post(
        f"/administration/riktlinjer/{own.code}/", policy_post(own, [], target_age_max=18)
    )
    own.refresh_from_db()
    assert own.target_age_max == 18
    assert municipal_policy(world.municipality).target_age_max == 20


# --- a fixed number of queries ----------------------------------------------------------------


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _add_people(organisations: list[Organisation], start: int, stop: int) -> None:
    for i in range(start, stop):
        make_person(
            f"person{i}",
            organisations[i % len(organisations)],
            Role.COORDINATOR,
            Role.MANAGER if i % 2 else Role.STEERING,
            totp_device=bool(i % 3),
        )


def test_the_lists_cost_a_fixed_number_of_queries(db, login, django_assert_max_num_queries):
    municipality = Municipality.objects.create(name="Mätkommun", municipality_number="9950")
    district = District.objects.create(municipality=municipality, name="Centrum")
    LocalPolicy.objects.create(municipality=municipality)
    police = Organisation.objects.create(
        municipality=municipality, kind=OrganisationKind.POLICE, name="Polisen"
    )
    organisations = [
        police,
        Organisation.objects.create(
            municipality=municipality,
            kind=OrganisationKind.SOCIAL_SERVICES,
            name="Socialtjänsten",
            district=district,
        ),
        Organisation.objects.create(
            municipality=municipality,
            kind=OrganisationKind.POLICE,
            name="Lokalpolisen",
            district=district,
            parent=police,
        ),
    ]
    admin = make_person("matadmin", organisations[0], Role.ADMINISTRATOR)
    client = login(admin)
    _add_people(organisations, 0, 2)  # three people with the administrator
    urls = [
        "/administration/personer/",
        "/administration/personer/?tvastegs=nej&roll=samordnare&sok=person",
        "/administration/organisationer/",
        "/administration/",
    ]
    few = {url: _count_queries(client, url) for url in urls}
    _add_people(organisations, 2, 29)  # thirty
    for url in urls:
        with django_assert_max_num_queries(few[url]):
            response = client.get(url)
        assert response.status_code == 200
        assert _count_queries(client, url) == few[url], url
    assert "person28" in client.get("/administration/personer/").content.decode()


def test_opening_a_persons_details_is_logged_as_a_read(world, login):
    from samsyn.audit.models import Action, AuditRecord

    client = login(world.admin)
    assert client.get(f"/administration/personer/{world.police.code}/").status_code == 200
    record = AuditRecord.objects.filter(action=Action.READ).latest("id")
    assert record.actor_code == world.admin.code
    assert record.subject_code == world.police.code
    assert record.basis == "role:administrator"


def test_meeting_slot_motivation_phase_and_follow_up_months_are_policy(world, admin_client):
    policy = LocalPolicy.objects.get(municipality=world.municipality, district__isnull=True)
    url = f"/administration/riktlinjer/{policy.code}/"
    response = admin_client.post(
        url,
        policy_post(
            policy,
            [],
            meeting_weekday="2",
            meeting_time="13:30",
            meeting_length_minutes="90",
            motivation_phase="on",
            followup_months="12, 6, 24",
        ),
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.meeting_weekday, policy.meeting_time.strftime("%H:%M")) == (2, "13:30")
    assert policy.meeting_length_minutes == 90 and policy.motivation_phase
    assert policy.followup_months == [6, 12, 24]
    response = admin_client.post(url, policy_post(policy, [], followup_months="sex"))
    assert "Ange hela månader åtskilda med komma" in response.content.decode()
    policy.refresh_from_db()
    assert policy.followup_months == [6, 12, 24]
