"""Demo data: two municipalities, the authorities of a SIG and people in every role.

Known passwords and TOTP secrets, so anyone can try the product. Never for production:
`seed_demo` refuses to run unless debug is on or it is told explicitly.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts.services import RECOVERY_DEVICE_NAME, TOTP_DEVICE_NAME
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
    RoleAssignment,
)

DEMO_PASSWORD = "samsyn-demo-2026"

K = OrganisationKind

# (municipality, number, districts)
MUNICIPALITIES = [
    ("Stockholms stad", "0180", ["Rinkeby-Kista", "Skärholmen"]),
    ("Växjö kommun", "0780", []),
]

# (municipality, district or None, parent name or None, kind, name)
ORGANISATIONS = [
    ("Stockholms stad", "Rinkeby-Kista", None, K.SOCIAL_SERVICES, "Socialtjänsten Rinkeby-Kista"),
    ("Stockholms stad", "Skärholmen", None, K.SOCIAL_SERVICES, "Socialtjänsten Skärholmen"),
    ("Stockholms stad", None, None, K.POLICE, "Polisen region Stockholm"),
    (
        "Stockholms stad",
        "Rinkeby-Kista",
        "Polisen region Stockholm",
        K.POLICE,
        "Lokalpolisområde Rinkeby",
    ),
    (
        "Stockholms stad",
        "Skärholmen",
        "Polisen region Stockholm",
        K.POLICE,
        "Lokalpolisområde Skärholmen",
    ),
    ("Stockholms stad", "Rinkeby-Kista", None, K.SCHOOL, "Rinkebyskolan"),
    ("Stockholms stad", "Skärholmen", None, K.SCHOOL, "Skärholmens gymnasium"),
    ("Stockholms stad", "Rinkeby-Kista", None, K.CAMHS, "BUP Järva"),
    ("Stockholms stad", None, None, K.MARIA_UNGDOM, "Maria Ungdom"),
    ("Stockholms stad", "Rinkeby-Kista", None, K.FIELD_WORKERS, "Fältassistenterna Rinkeby-Kista"),
    ("Stockholms stad", "Rinkeby-Kista", None, K.LEISURE, "Fritidsgården Rinkeby"),
    ("Stockholms stad", None, None, K.PROBATION, "Frivården Stockholm"),
    ("Stockholms stad", None, None, K.SIS, "SiS ungdomshem Stockholm"),
    ("Stockholms stad", None, None, K.EMPLOYMENT, "Arbetsförmedlingen Stockholm"),
    ("Växjö kommun", None, None, K.SOCIAL_SERVICES, "Socialtjänsten Växjö"),
    ("Växjö kommun", None, None, K.POLICE, "Polisen Växjö"),
    ("Växjö kommun", None, None, K.SCHOOL, "Utbildningsförvaltningen Växjö"),
    ("Växjö kommun", None, None, K.CAMHS, "BUP Kronoberg"),
    ("Växjö kommun", None, None, K.LEISURE, "Fritid Växjö"),
    ("Växjö kommun", None, None, K.EMPLOYMENT, "Arbetsförmedlingen Växjö"),
]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    organisation: str
    roles: tuple[str, ...]
    title: str


R = Role
PEOPLE = [
    DemoPerson(
        "samordnare",
        "Sara",
        "Lindqvist",
        "Socialtjänsten Rinkeby-Kista",
        (R.COORDINATOR,),
        "SIG-samordnare",
    ),
    DemoPerson(
        "handlaggare",
        "Hamid",
        "Yusuf",
        "Socialtjänsten Rinkeby-Kista",
        (R.CASE_OFFICER,),
        "Socialsekreterare",
    ),
    DemoPerson("chef", "Karin", "Berg", "Socialtjänsten Rinkeby-Kista", (R.MANAGER,), "Enhetschef"),
    DemoPerson(
        "polis",
        "Johan",
        "Ek",
        "Lokalpolisområde Rinkeby",
        (R.ACTOR_REPRESENTATIVE,),
        "Kontaktpolis",
    ),
    DemoPerson(
        "polischef",
        "Maria",
        "Holm",
        "Lokalpolisområde Rinkeby",
        (R.MANAGER,),
        "Lokalpolisområdeschef",
    ),
    DemoPerson(
        "skola", "Amina", "Hassan", "Rinkebyskolan", (R.ACTOR_REPRESENTATIVE,), "Skolkurator"
    ),
    DemoPerson("bup", "Erik", "Nordin", "BUP Järva", (R.ACTOR_REPRESENTATIVE,), "Psykolog"),
    DemoPerson(
        "falt",
        "Leila",
        "Karimi",
        "Fältassistenterna Rinkeby-Kista",
        (R.ACTOR_REPRESENTATIVE,),
        "Fältassistent",
    ),
    DemoPerson(
        "styrgrupp",
        "Anders",
        "Lund",
        "Socialtjänsten Rinkeby-Kista",
        (R.STEERING,),
        "Avdelningschef",
    ),
    # Reads the follow-up of every municipality together (aggregates only).
    DemoPerson(
        "nationell",
        "Karin",
        "Holm",
        "Socialtjänsten Rinkeby-Kista",
        (R.NATIONAL,),
        "Nationell samordnare",
    ),
    DemoPerson(
        "admin",
        "Eva",
        "Strand",
        "Socialtjänsten Rinkeby-Kista",
        (R.ADMINISTRATOR,),
        "Systemförvaltare",
    ),
    # Receives feedback from the portal: outside every youth's group (LocalPolicy).
    DemoPerson(
        "synpunkter",
        "Ulla",
        "Ström",
        "Socialtjänsten Rinkeby-Kista",
        (),
        "Kvalitetsansvarig",
    ),
    DemoPerson(
        "samordnare.skarholmen",
        "Nils",
        "Åberg",
        "Socialtjänsten Skärholmen",
        (R.COORDINATOR, R.CASE_OFFICER),
        "SIG-samordnare",
    ),
    DemoPerson(
        "polis.skarholmen",
        "Tobias",
        "Rehn",
        "Lokalpolisområde Skärholmen",
        (R.ACTOR_REPRESENTATIVE,),
        "Kontaktpolis",
    ),
    DemoPerson(
        "samordnare.vaxjo",
        "Lina",
        "Sjöberg",
        "Socialtjänsten Växjö",
        (R.COORDINATOR,),
        "SIG-samordnare",
    ),
    DemoPerson(
        "polis.vaxjo", "Oskar", "Wik", "Polisen Växjö", (R.ACTOR_REPRESENTATIVE,), "Kontaktpolis"
    ),
    DemoPerson(
        "styrgrupp.vaxjo", "Ingrid", "Falk", "Socialtjänsten Växjö", (R.STEERING,), "Socialchef"
    ),
    DemoPerson(
        "synpunkter.vaxjo",
        "Bo",
        "Lilja",
        "Socialtjänsten Växjö",
        (),
        "Kvalitetsansvarig",
    ),
    DemoPerson(
        "admin.vaxjo", "Per", "Dahl", "Socialtjänsten Växjö", (R.ADMINISTRATOR,), "Systemförvaltare"
    ),
]


def demo_totp_key(username: str) -> str:
    """A fixed secret per demo account (hex, as django-otp stores it)."""
    return hashlib.sha1(f"samsyn-demo-totp:{username}".encode()).hexdigest()  # noqa: S324


def demo_totp_secret(username: str) -> str:
    """The same secret in base32, as authenticator apps want it."""
    return base64.b32encode(bytes.fromhex(demo_totp_key(username))).decode()


@transaction.atomic
def seed_demo() -> list[DemoPerson]:
    """Create or refresh the demo data; running it again changes nothing but passwords."""
    municipalities: dict[str, Municipality] = {}
    districts: dict[tuple[str, str], District] = {}
    for name, number, district_names in MUNICIPALITIES:
        municipality, _ = Municipality.objects.get_or_create(
            municipality_number=number, defaults={"name": name}
        )
        municipalities[name] = municipality
        for district_name in district_names:
            districts[(name, district_name)], _ = District.objects.get_or_create(
                municipality=municipality, name=district_name
            )

    instruments = {i.short_name: i for i in Instrument.objects.all()}
    stockholm, _ = LocalPolicy.objects.update_or_create(
        municipality=municipalities["Stockholms stad"],
        district=None,
        defaults={
            "target_age_min": 15,
            "target_age_max": 25,
            "meeting_cadence_weeks": 5,
            "premeeting": False,
            "consent_validity_months": 12,
            "required_actor_kinds": [K.SOCIAL_SERVICES, K.POLICE, K.SCHOOL],
        },
    )
    stockholm.instruments.set([instruments["BBIC"], instruments["SAVRY"], instruments["ESTER"]])
    skarholmen, _ = LocalPolicy.objects.update_or_create(
        municipality=municipalities["Stockholms stad"],
        district=districts[("Stockholms stad", "Skärholmen")],
        defaults={
            "target_age_min": 13,
            "target_age_max": 20,
            "meeting_cadence_weeks": 3,
            "premeeting": True,
            # Young adults leaving prison get a motivation phase before enrolment (seed 004).
            "motivation_phase": True,
            "consent_validity_months": 6,
            "required_actor_kinds": [K.SOCIAL_SERVICES, K.POLICE, K.SCHOOL, K.LEISURE],
        },
    )
    skarholmen.instruments.set([instruments["ESTER"]])
    vaxjo, _ = LocalPolicy.objects.update_or_create(
        municipality=municipalities["Växjö kommun"],
        district=None,
        defaults={
            "target_age_min": 13,
            "target_age_max": 20,
            "meeting_cadence_weeks": 4,
            "premeeting": True,
            "consent_validity_months": 6,
            "required_actor_kinds": [K.SOCIAL_SERVICES, K.POLICE, K.SCHOOL, K.EMPLOYMENT],
            "sig_cost_per_youth_year": 900_000,
            "placement_cost_per_year": 2_726_000,
        },
    )
    vaxjo.instruments.set([instruments["ESTER"], instruments["IRK"]])
    for policy in (stockholm, skarholmen, vaxjo):
        CrimeCost.objects.get_or_create(
            policy=policy, crime_type="Rån med våld", defaults={"amount_sek": 200_000}
        )

    organisations: dict[str, Organisation] = {}
    for municipality_name, org_district, parent_name, kind, name in ORGANISATIONS:
        organisations[name], _ = Organisation.objects.update_or_create(
            municipality=municipalities[municipality_name],
            name=name,
            defaults={
                "kind": kind,
                "district": districts[(municipality_name, org_district)] if org_district else None,
                "parent": organisations[parent_name] if parent_name else None,
            },
        )

    for demo in PEOPLE:
        person, _ = Person.objects.update_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@demo.samsyn.invalid",
                "organisation": organisations[demo.organisation],
                "title": demo.title,
                "is_active": True,
            },
        )
        person.set_password(DEMO_PASSWORD)
        person.save(update_fields=["password"])
        person.role_assignments.exclude(role__in=demo.roles).delete()
        for role in demo.roles:
            RoleAssignment.objects.get_or_create(person=person, role=role)
        TOTPDevice.objects.update_or_create(
            user=person,
            name=TOTP_DEVICE_NAME,
            defaults={"key": demo_totp_key(demo.username), "confirmed": True},
        )
        if not StaticDevice.objects.filter(user=person).exists():
            # Demo people have recovery codes like everyone else (new ones under Mitt konto).
            device = StaticDevice.objects.create(
                user=person, name=RECOVERY_DEVICE_NAME, confirmed=True
            )
            StaticToken.objects.bulk_create(
                StaticToken(device=device, token=StaticToken.random_token()) for _ in range(10)
            )
    recipients = {"Stockholms stad": "synpunkter", "Växjö kommun": "synpunkter.vaxjo"}
    for name, username in recipients.items():
        LocalPolicy.objects.filter(municipality=municipalities[name], district=None).update(
            feedback_recipient=Person.objects.get(username=username)
        )
    return PEOPLE
