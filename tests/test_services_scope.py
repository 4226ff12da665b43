"""The write services check who may write, behind the views' access helpers (defence in depth)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from samsyn.accounts import services as accounts
from samsyn.audit.models import AuditRecord
from samsyn.organisations import services
from samsyn.organisations.models import LocalPolicy, OrganisationKind, Person


def _calls(world):
    policy = LocalPolicy.objects.get(municipality=world.municipality, district__isnull=True)
    return {
        "municipality_create": lambda actor: services.municipality_create(
            actor=actor, name="Ny kommun", municipality_number="9999"
        ),
        "district_create": lambda actor: services.district_create(
            actor=actor, municipality=world.municipality, name="Södra"
        ),
        "district_update": lambda actor: services.district_update(
            actor=actor, district=world.district, name="Omdöpt"
        ),
        "organisation_create": lambda actor: services.organisation_create(
            actor=actor,
            municipality=world.municipality,
            name="Ny skola",
            kind=OrganisationKind.SCHOOL,
        ),
        "organisation_update": lambda actor: services.organisation_update(
            actor=actor, organisation=world.recipient_org, name="Kapad"
        ),
        "person_create": lambda actor: services.person_create(
            actor=actor,
            roles=["administrator"],
            password="a-long-enough-pass-123",
            username="inkraktare",
            first_name="I",
            last_name="K",
            organisation=world.owner_org,
        ),
        "person_update": lambda actor: services.person_update(
            actor=actor, person=world.police, roles=["administrator"]
        ),
        "person_set_password": lambda actor: services.person_set_password(
            actor=actor, person=world.police, password="a-long-enough-pass-123"
        ),
        "policy_update": lambda actor: services.policy_update(
            actor=actor, policy=policy, meeting_cadence_weeks=1
        ),
        "district_policy_create": lambda actor: services.district_policy_create(
            actor=actor, district=world.district
        ),
        "second_factor_reset": lambda actor: accounts.second_factor_reset(
            person=world.police, actor=actor
        ),
        "sessions_end_everywhere": lambda actor: accounts.sessions_end_everywhere(
            person=world.police, actor=actor
        ),
        "recovery_codes_replace": lambda actor: accounts.recovery_codes_replace(
            person=world.police, actor=actor
        ),
    }


@pytest.mark.parametrize("who", ["coordinator", "outsider_admin", "admin"])
def test_write_services_refuse_anyone_who_does_not_administer_the_municipality(world, who):
    actor = getattr(world, who)
    before = (AuditRecord.objects.count(), Person.objects.count(), world.police.password)
    for name, call in _calls(world).items():
        if who == "admin" and name != "municipality_create":
            continue  # the administrator may; the views' tests cover the outcome
        with pytest.raises(PermissionDenied):
            call(actor)
    world.police.refresh_from_db()
    assert (AuditRecord.objects.count(), Person.objects.count(), world.police.password) == before


def test_the_administrator_may_write_in_their_own_municipality(world):
    for name, call in _calls(world).items():
        if name != "municipality_create":
            call(world.admin)
