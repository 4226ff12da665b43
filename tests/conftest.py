"""Shared fixtures: people in three organisations (owner, recipient, outsider) and helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts.services import TOTP_DEVICE_NAME
from samsyn.organisations.models import (
    District,
    LocalPolicy,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    RoleAssignment,
)

PASSWORD = "correct-horse-battery-staple"


def make_person(
    username: str,
    organisation: Organisation | None,
    *roles: str,
    totp_device: bool = True,
    **extra: object,
) -> Person:
    person = Person(
        username=username, organisation=organisation, first_name=username.title(), **extra
    )
    person.set_password(PASSWORD)
    person.save()
    for role in roles:
        RoleAssignment.objects.create(person=person, role=role)
    if totp_device:
        TOTPDevice.objects.create(user=person, name=TOTP_DEVICE_NAME, confirmed=True)
    return person


def inform(case: object, actor: Person) -> None:
    """Record that the youth has been told all six points (needed before any consent)."""
    from django.utils import timezone

    from samsyn.cases import services as cases
    from samsyn.cases.models import InformationPoint

    cases.information_record(
        actor=actor,
        case=case,  # type: ignore[arg-type]
        points=list(InformationPoint.values),
        informed_on=timezone.localdate(),
        informed_by=actor,
    )


def url_routes() -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """(name, view, path converters) for every named URL of the URL configuration,
    namespaces included: what the access matrix and the attack tests walk."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: list[Any], namespace: str, converters: dict[str, Any]) -> Iterator[Any]:
        for pattern in patterns:
            found = {**converters, **getattr(pattern.pattern, "converters", {})}
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner, found)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}", pattern.callback, found

    yield from walk(get_resolver().url_patterns, "", {})


def current_code(person: Person) -> str:
    device = TOTPDevice.objects.get(user=person, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@dataclass
class World:
    municipality: Municipality
    district: District
    other_municipality: Municipality
    owner_org: Organisation
    recipient_org: Organisation
    outsider_org: Organisation
    coordinator: Person
    case_officer: Person
    police: Person
    manager: Person
    steering: Person
    admin: Person
    outsider: Person
    outsider_admin: Person


@pytest.fixture
def world(db: None) -> World:
    municipality = Municipality.objects.create(name="Testkommun", municipality_number="9901")
    district = District.objects.create(municipality=municipality, name="Norra")
    LocalPolicy.objects.create(municipality=municipality)
    other = Municipality.objects.create(name="Grannkommun", municipality_number="9902")
    LocalPolicy.objects.create(municipality=other)
    owner_org = Organisation.objects.create(
        municipality=municipality,
        district=district,
        kind=OrganisationKind.SOCIAL_SERVICES,
        name="Socialtjänsten Norra",
    )
    recipient_org = Organisation.objects.create(
        municipality=municipality, kind=OrganisationKind.POLICE, name="Polisen Testkommun"
    )
    outsider_org = Organisation.objects.create(
        municipality=other, kind=OrganisationKind.SOCIAL_SERVICES, name="Socialtjänsten Grannkommun"
    )
    return World(
        municipality=municipality,
        district=district,
        other_municipality=other,
        owner_org=owner_org,
        recipient_org=recipient_org,
        outsider_org=outsider_org,
        coordinator=make_person("samordnare", owner_org, Role.COORDINATOR),
        case_officer=make_person("handlaggare", owner_org, Role.CASE_OFFICER),
        police=make_person("polis", recipient_org, Role.ACTOR_REPRESENTATIVE),
        manager=make_person("chef", owner_org, Role.MANAGER),
        steering=make_person("styrgrupp", owner_org, Role.STEERING),
        admin=make_person("admin", owner_org, Role.ADMINISTRATOR),
        outsider=make_person("utomstaende", outsider_org, Role.COORDINATOR),
        outsider_admin=make_person("admin.granne", outsider_org, Role.ADMINISTRATOR),
    )


def sign_in_client(client: Client, person: Person) -> Client:
    """Sign a person in with both factors in `client`, without going through the forms."""
    client.force_login(person, backend="samsyn.accounts.backends.UsernameOrEmailBackend")
    device = TOTPDevice.objects.get(user=person, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def staff_client(person: Person) -> Client:
    """A browser of its own, signed in as `person` with both factors."""
    return sign_in_client(Client(), person)


@pytest.fixture
def login(client: Client) -> Callable[[Person], Client]:
    """Sign a person in with both factors in the test's client."""

    def _login(person: Person) -> Client:
        return sign_in_client(client, person)

    return _login


@dataclass
class Sig:
    """A case in `world`: run by the coordinator (owner), with the police officer taking part."""

    world: World
    case: object
    mother: object
    father: object


@pytest.fixture
def sig(world: World) -> Sig:
    from datetime import date

    from samsyn.cases import services as cases

    case = cases.case_create(
        reason="Skolfrånvaro och misstänkt stöld.",
        actor=world.coordinator,
        first_name="Alex",
        last_name="Exempelsson",
        personnummer="20100521-0016",
        sex="pojke",
        district=world.district,
        address="Storgatan 1",
        phone="070-1234567",
        school="Norraskolan",
        summary="Pojke i högstadiet, skolfrånvaro och misstänkt för stöld tillsammans med äldre.",
    )
    assert case.youth.date_of_birth == date(2010, 5, 21)
    cases.member_add(actor=world.coordinator, case=case, person=world.police)
    cases.member_add(actor=world.coordinator, case=case, person=world.case_officer)
    mother = cases.guardian_add(
        actor=world.coordinator, case=case, first_name="Maria", last_name="Exempelsson"
    )
    father = cases.guardian_add(
        actor=world.coordinator, case=case, first_name="Mats", last_name="Exempelsson"
    )
    inform(case, world.coordinator)
    return Sig(world=world, case=case, mother=mother, father=father)


def give_consent(
    sig: Sig, *slugs: str, to: list | None = None, actor: Person | None = None, **extra: object
) -> object:
    """An oral consent from the case owner (social services) for the categories `slugs`, to
    the police's organisation unless `to` says otherwise, given today by the youth and both
    guardians unless `givers` says otherwise."""
    from django.utils import timezone

    from samsyn.consent import services as consents
    from samsyn.consent.models import ConsentForm, DataCategory, GiverRole

    return consents.consent_record(
        actor=actor or sig.world.coordinator,
        case=sig.case,
        categories=[DataCategory.objects.get(slug=slug) for slug in slugs],
        recipients=to or [sig.world.recipient_org],
        givers=extra.pop(
            "givers",
            [
                consents.Giver(GiverRole.YOUTH),
                consents.Giver(GiverRole.GUARDIAN, sig.mother),
                consents.Giver(GiverRole.GUARDIAN, sig.father),
            ],
        ),
        form=ConsentForm.ORAL,
        oral_note=extra.pop("oral_note", "Vid hembesök hos familjen."),
        given_on=extra.pop("given_on", timezone.localdate()),
        **extra,
    )


REFERENCE_DATA = (
    "samsyn.consent.migrations.0002_categories",
    "samsyn.organisations.migrations.0002_instruments",
    "samsyn.organisations.migrations.0005_instrument_domains",
    "samsyn.plans.migrations.0002_intervention_kinds",
)


def restore_reference_data() -> None:
    """Put back what the migrations load (data categories, instruments, intervention kinds)."""
    import importlib

    from django.apps import apps

    for module in REFERENCE_DATA:
        importlib.import_module(module).forwards(apps, None)


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (
        "live_server" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or bool(marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))
    )


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush the database between tests, and with it the reference data
    that migrations load: put it back before every such test, whatever ran before it."""
    if _transactional(request):
        request.getfixturevalue("transactional_db")
        restore_reference_data()


# --- the portal (issue 7) ---------------------------------------------------------------------

PORTAL_PASSWORD = "ung-losenord-2026"
PORTAL_PIN = "2580"


def make_portal_account(
    case: object, kind: str = "ungdom", guardian: object = None, username: str | None = None
) -> object:
    """A portal account made directly (no invitation), with the password `PORTAL_PASSWORD`
    and the PIN `PORTAL_PIN`."""
    from django.contrib.auth.hashers import make_password

    from samsyn.portal.models import CredentialKind, PortalAccount, PortalCredential

    if username is None:
        suffix = getattr(guardian, "first_name", "ung").lower()
        username = f"{case.anonymous_code.lower()}.{suffix}"  # type: ignore[attr-defined]
    account = PortalAccount.objects.create(
        case=case,
        kind=kind,
        guardian=guardian,
        username=username,
        pin_hash=make_password(PORTAL_PIN),
        created_by=case.coordinator,  # type: ignore[attr-defined]
    )
    PortalCredential.objects.create(
        account=account, kind=CredentialKind.PASSWORD, secret=make_password(PORTAL_PASSWORD)
    )
    return account


@pytest.fixture
def portal_account(db: None) -> Callable[..., object]:
    """`portal_account(case, kind, guardian=None, username=...)` makes an account directly."""
    return make_portal_account


@pytest.fixture
def portal_login(client: Client) -> Callable[[object], Client]:
    """Sign a portal account in (unlocked), by setting the portal session keys directly."""

    def _login(account: object) -> Client:
        import time

        from samsyn.portal import auth

        session = client.session
        session[auth.ACCOUNT_KEY] = account.pk  # type: ignore[attr-defined]
        session[auth.GENERATION_KEY] = str(account.session_generation)  # type: ignore[attr-defined]
        session[auth.SEEN_KEY] = time.time()
        session[auth.LOCKED_KEY] = False
        session[auth.PIN_FAILURES_KEY] = 0
        session.save()
        return client

    return _login
