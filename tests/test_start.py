"""The start page tells each role what to do next, from real data."""

from __future__ import annotations

import pytest

from samsyn.organisations.models import LocalPolicy, OrganisationKind


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/logga-in/?next=/"


def test_the_coordinator_sees_local_policy_and_the_actors_of_the_area(world, login):
    body = login(world.coordinator).get("/").content.decode()
    assert "Att göra nu" in body
    assert "Lokala riktlinjer: Testkommun" in body
    assert "13–20 år" in body
    assert "Polisen Testkommun" in body  # municipality-wide actor, in the area
    assert "Socialtjänsten Grannkommun" not in body  # another municipality: never shown


def test_the_coordinator_is_told_when_a_required_actor_is_missing(world, login):
    LocalPolicy.objects.filter(municipality=world.municipality).update(
        required_actor_kinds=[OrganisationKind.SCHOOL, OrganisationKind.POLICE]
    )
    body = login(world.coordinator).get("/").content.decode()
    assert "ska Skola ingå i gruppen" in body


def test_a_district_policy_overrides_the_municipal_one(world, login):
    LocalPolicy.objects.create(
        municipality=world.municipality,
        district=world.district,
        target_age_min=15,
        target_age_max=21,
    )
    body = login(world.coordinator).get("/").content.decode()
    assert "15–21 år" in body
    assert "Lokala riktlinjer: Norra (Testkommun)" in body


def test_the_administrator_gets_a_todo_list(world, login):
    from tests.conftest import make_person

    make_person("ny", world.owner_org, "samordnare", totp_device=False)
    body = login(world.admin).get("/").content.decode()
    assert "1 person har inte aktiverat tvåstegsverifiering" in body
    assert "Granska loggen" in body


def test_steering_sees_cost_figures_but_no_contact_list(world, login):
    body = login(world.steering).get("/").content.decode()
    assert "Kostnad för SIG per ungdom och år" in body
    assert "Aktörerna i ditt område" not in body


@pytest.mark.parametrize(
    "who", ["coordinator", "case_officer", "police", "manager", "steering", "admin", "outsider"]
)
def test_every_role_has_a_start_page(world, login, who):
    response = login(getattr(world, who)).get("/")
    assert response.status_code == 200
    assert "Att göra nu" in response.content.decode()


def test_the_start_page_costs_a_fixed_number_of_queries(
    world, login, django_assert_max_num_queries
):
    from samsyn.organisations.models import Organisation
    from tests.conftest import make_person

    client = login(world.coordinator)
    with django_assert_max_num_queries(30) as few:
        client.get("/")
    for i in range(10):
        org = Organisation.objects.create(
            municipality=world.municipality, kind=OrganisationKind.SCHOOL, name=f"Skola {i}"
        )
        make_person(f"larare{i}", org, "aktorsrepresentant")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


def test_the_interface_is_available_in_english(world, login):
    client = login(world.coordinator)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "What to do now" in body
    assert "Att göra nu" not in body


def test_an_unknown_page_is_not_found_in_swedish(world, login):
    response = login(world.coordinator).get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()
