"""Demo cases: four young people in Rinkeby-Kista, with guardians, notes and consents.

Adds to the organisations and people of `samsyn.organisations.demo` (run `seed_demo` first).
Everything is written through the services, so the audit log shows it as if typed in. The
people are invented; the personnummer are made up, with a correct check digit.

Idempotent: a youth whose personnummer already has a case in Stockholm is left as it is, so
running it again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from samsyn.cases import services as cases
from samsyn.cases.models import Case, Guardian, GuardianRole, InformationPoint, Sex, Youth
from samsyn.consent import services as consents
from samsyn.consent.models import ConsentForm, DataCategory, GiverRole
from samsyn.lib import personnummer as pnr
from samsyn.lib.personnummer import age_on
from samsyn.organisations.models import District, Municipality, Organisation, Person
from samsyn.organisations.selectors import policy_for

MUNICIPALITY_NUMBER = "0180"  # Stockholms stad
DISTRICT = "Rinkeby-Kista"
OWNER = "Socialtjänsten Rinkeby-Kista"
COORDINATOR = "samordnare"
MEMBERS = ["handlaggare", "polis", "skola", "bup", "falt"]

# The organisation of each demo user, for readable consent definitions.
SOCIAL = "Socialtjänsten Rinkeby-Kista"
POLICE = "Lokalpolisområde Rinkeby"
SCHOOL = "Rinkebyskolan"
CAMHS = "BUP Järva"
FIELD = "Fältassistenterna Rinkeby-Kista"


def check_digit(nine: str) -> int:
    """Luhn over YYMMDDNNN (the same rule `samsyn.lib.personnummer` checks)."""
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return (10 - total % 10) % 10


def personnummer(born: date, serial: int) -> str:
    nine = f"{born:%y%m%d}{serial:03d}"
    return f"{born:%Y%m%d}-{serial:03d}{check_digit(nine)}"


@dataclass(frozen=True)
class DemoGuardian:
    first_name: str
    last_name: str
    phone: str
    has_custody: bool = True


@dataclass(frozen=True)
class DemoNote:
    author: str  # username
    category: str  # slug
    days_ago: int
    title: str
    text: str


@dataclass(frozen=True)
class DemoConsent:
    recorder: str  # username; the consent is obtained by the recorder's organisation
    categories: tuple[str, ...]
    recipients: tuple[str, ...]  # organisation names
    days_ago: int
    valid_days: int | None = None  # None: the local policy's default end date
    oral_note: str = "Lämnat muntligt vid nätverksmöte på socialkontoret."
    revoked: str = ""  # who revoked it, if it has been revoked


@dataclass(frozen=True)
class DemoYouth:
    first_name: str
    last_name: str
    born: date
    serial: int
    sex: str
    address: str
    phone: str
    school: str
    summary: str
    guardians: tuple[DemoGuardian, ...]
    notes: tuple[DemoNote, ...] = ()
    consents: tuple[DemoConsent, ...] = field(default_factory=tuple)

    @property
    def personnummer(self) -> str:
        return personnummer(self.born, self.serial)


YOUTHS = [
    DemoYouth(
        first_name="Adam",
        last_name="Hussein",
        born=date(2010, 3, 14),
        serial=913,
        sex=Sex.MALE,
        address="Rinkebystråket 40, 163 71 Spånga",
        phone="070-111 22 33",
        school="Rinkebyskolan",
        summary=(
            "Pojke i högstadiet. Hög frånvaro sedan höstlovet och oro för umgänge med äldre "
            "ungdomar. Familjen är positiv till samverkan."
        ),
        guardians=(
            DemoGuardian("Hodan", "Hussein", "070-222 33 44"),
            DemoGuardian("Abdi", "Hussein", "070-333 44 55"),
        ),
        notes=(
            DemoNote(
                "samordnare",
                "socialtjanst",
                45,
                "Utredning inledd",
                "Utredning inledd efter orosanmälan från skolan. Samtal med ungdomen och båda "
                "vårdnadshavarna är inbokade under nästa vecka.",
            ),
            DemoNote(
                "skola",
                "skola",
                30,
                "Frånvaro under hösten",
                "Ogiltig frånvaro omkring 30 procent sedan terminsstarten, mest förmiddagar. "
                "Eleven har haft två samtal med kuratorn och vill ha hjälp med matematiken.",
            ),
            DemoNote(
                "polis",
                "polis",
                25,
                "Kontakt vid centrum",
                "Ungdomen anträffades en kväll vid centrum tillsammans med äldre ungdomar. Ingen "
                "anmälan upprättades. Vårdnadshavare kontaktades samma kväll.",
            ),
            DemoNote(
                "bup",
                "halsa",
                20,
                "Bedömningssamtal",
                "Första bedömningssamtal genomfört. Ungdomen beskriver svårt att sova och oro "
                "inför skolan. Fortsatta samtal erbjuds varannan vecka.",
            ),
            DemoNote(
                "falt",
                "fritid",
                12,
                "Fritidsgården",
                "Träffar ungdomen på fritidsgården ungefär en gång i veckan. Visar intresse för "
                "fotbollsträning på kvällstid; vi följer med på en första träning.",
            ),
            DemoNote(
                "samordnare",
                "plan",
                7,
                "Nätverksmöte 1",
                "Mål: ökad närvaro i skolan och en fast fritidsaktivitet. Skolan tar fram en "
                "anpassad studiegång, fältassistenterna följer med till träningen. Uppföljning "
                "om fem veckor.",
            ),
        ),
        consents=(
            DemoConsent(
                "samordnare",
                ("identitet", "skola", "plan"),
                (POLICE, SCHOOL),
                days_ago=40,
            ),
            DemoConsent(
                "skola",
                ("skola",),
                (SOCIAL,),
                days_ago=28,
                oral_note="Lämnat muntligt vid möte med kuratorn, båda vårdnadshavarna närvarade.",
            ),
            DemoConsent(
                "samordnare",
                ("socialtjanst",),
                (CAMHS,),
                days_ago=35,
                revoked="Vårdnadshavaren Hodan Hussein",
            ),
            DemoConsent(
                "bup",
                ("halsa",),
                (SOCIAL,),
                days_ago=340,
                valid_days=355,  # ends within the next three weeks: shows up as expiring
                oral_note="Lämnat muntligt vid första besöket på mottagningen.",
            ),
        ),
    ),
    DemoYouth(
        first_name="Liam",
        last_name="Johansson",
        born=date(2009, 8, 2),
        serial=925,
        sex=Sex.MALE,
        address="Kistagången 12, 164 40 Kista",
        phone="073-444 55 66",
        school="Rinkebyskolan",
        summary=(
            "Pojke i gymnasieåldern. Misstänkt för snatteri vid två tillfällen. Har avbrutit sitt "
            "gymnasieprogram. Samtycke har ännu inte lämnats."
        ),
        guardians=(
            DemoGuardian("Annika", "Johansson", "070-555 66 77"),
            DemoGuardian("Peter", "Lund", "070-666 77 88", has_custody=False),
        ),
        notes=(
            DemoNote(
                "samordnare",
                "socialtjanst",
                10,
                "Aktualisering",
                "Ungdomen aktualiserad i beredningsgruppen. Samtal med mamman planeras för att "
                "informera om SIG och fråga om samtycke.",
            ),
            DemoNote(
                "polis",
                "polis",
                14,
                "Misstanke om snatteri",
                "Misstänkt för snatteri i butik vid två tillfällen under hösten. "
                "Förundersökning pågår.",
            ),
        ),
    ),
    DemoYouth(
        first_name="Yasmin",
        last_name="Ali",
        born=date(2007, 11, 5),
        serial=946,
        sex=Sex.FEMALE,
        address="Husbygårdsvägen 3, 164 33 Kista",
        phone="076-777 88 99",
        school="",
        summary=(
            "Ung vuxen kvinna utan sysselsättning sedan gymnasiet. Vill ha stöd att hitta "
            "praktik eller studier."
        ),
        guardians=(DemoGuardian("Fadumo", "Ali", "070-888 99 00"),),
        notes=(
            DemoNote(
                "samordnare",
                "socialtjanst",
                21,
                "Första samtal",
                "Samtal om vad hon själv vill: praktik inom handel eller vård. Kontakt med "
                "Arbetsförmedlingen förbereds.",
            ),
            DemoNote(
                "falt",
                "fritid",
                9,
                "Träff på biblioteket",
                "Träffades på biblioteket i Kista. Hon har börjat gå på läxhjälpen som "
                "volontär två kvällar i veckan.",
            ),
        ),
        consents=(
            DemoConsent(
                "samordnare",
                ("identitet", "fritid", "plan"),
                (FIELD,),
                days_ago=20,
                oral_note="Lämnat muntligt av henne själv vid första samtalet.",
            ),
        ),
    ),
    DemoYouth(
        first_name="Elsa",
        last_name="Berg",
        born=date(2012, 6, 11),
        serial=958,
        sex=Sex.FEMALE,
        address="Skårbygatan 8, 163 72 Spånga",
        phone="",
        school="Rinkebyskolan",
        summary="Flicka i årskurs 8. Långvarig frånvaro och konflikter hemma.",
        guardians=(
            DemoGuardian("Maria", "Berg", "070-123 45 67"),
            DemoGuardian("Jonas", "Berg", "070-234 56 78"),
        ),
        notes=(
            DemoNote(
                "skola",
                "skola",
                16,
                "Närvaro",
                "Närvaron har ökat något efter att eleven fått en mentor. Fortsatt frånvaro på "
                "måndagar.",
            ),
            DemoNote(
                "samordnare",
                "familj",
                11,
                "Hembesök",
                "Hembesök tillsammans med handläggaren. Föräldrarna vill ha stöd i hur de pratar "
                "med sin dotter om skolan.",
            ),
        ),
        consents=(
            DemoConsent(
                "samordnare",
                ("identitet", "skola", "familj"),
                (SCHOOL,),
                days_ago=15,
                oral_note="Lämnat muntligt av båda vårdnadshavarna vid hembesöket.",
            ),
        ),
    ),
]


@dataclass(frozen=True)
class SeedResult:
    created: int
    existing: int
    notes: int
    consents: int

    def summary(self) -> str:
        return (
            f"Demo cases in {DISTRICT}: {self.created} created, {self.existing} already there "
            f"({self.notes} journal notes and {self.consents} consents added)."
        )


def _givers(youth: Youth, guardians: list[Guardian], on: date) -> list[consents.Giver]:
    """Who gives consent: an adult alone; for a minor, the youth and every custodian."""
    if age_on(youth.date_of_birth, on) >= 18:
        return [consents.Giver(GiverRole.YOUTH)]
    return [consents.Giver(GiverRole.YOUTH)] + [
        consents.Giver(GiverRole.GUARDIAN, g)
        for g in guardians
        if g.role == GuardianRole.GUARDIAN and g.has_custody
    ]


@transaction.atomic
def _outside_ages_reason(number: str, district: District, today: date) -> str:
    local = policy_for(municipality=district.municipality, district=district)
    age = age_on(pnr.parse(number, today=today).birth_date, today)
    if local is None or local.target_age_min <= age <= local.target_age_max:
        return ""
    return (
        "Yngre än målgruppen, men flera riskfaktorer samtidigt och äldre kamrater som begår brott."
    )


def seed_cases(*, today: date | None = None) -> SeedResult:
    """Create the demo cases that are not there yet; returns what was done."""
    today = today or timezone.localdate()
    municipality = Municipality.objects.get(municipality_number=MUNICIPALITY_NUMBER)
    district = District.objects.get(municipality=municipality, name=DISTRICT)
    people = {
        p.username: p
        for p in Person.objects.filter(username__in=[COORDINATOR, *MEMBERS]).select_related(
            "organisation__municipality"
        )
    }
    organisations = {o.name: o for o in Organisation.objects.filter(municipality=municipality)}
    categories = {c.slug: c for c in DataCategory.objects.all()}
    coordinator = people[COORDINATOR]
    created = existing = notes = recorded = 0
    for demo in YOUTHS:
        if Case.objects.filter(
            municipality=municipality, youth__personnummer=demo.personnummer.replace("-", "")
        ).exists():
            existing += 1
            continue
        case = cases.case_create(
            reason=demo.summary,
            actor=coordinator,
            first_name=demo.first_name,
            last_name=demo.last_name,
            personnummer=demo.personnummer,
            sex=demo.sex,
            district=district,
            address=demo.address,
            phone=demo.phone,
            school=demo.school,
            summary=demo.summary,
            age_exception_reason=_outside_ages_reason(demo.personnummer, district, today),
        )
        for username in MEMBERS:
            cases.member_add(actor=coordinator, case=case, person=people[username])
        cases.information_record(
            actor=coordinator,
            case=case,
            points=list(InformationPoint.values),
            informed_on=today,
            informed_by=coordinator,
        )
        guardians = [
            cases.guardian_add(
                actor=coordinator,
                case=case,
                first_name=g.first_name,
                last_name=g.last_name,
                phone=g.phone,
                address=demo.address if g.has_custody else "",
                has_custody=g.has_custody,
            )
            for g in demo.guardians
        ]
        for note in demo.notes:
            cases.note_create(
                actor=people[note.author],
                case=case,
                category=categories[note.category],
                title=note.title,
                text=note.text,
                occurred_on=today - timedelta(days=note.days_ago),
            )
            notes += 1
        for spec in demo.consents:
            given_on = today - timedelta(days=spec.days_ago)
            consent = consents.consent_record(
                actor=people[spec.recorder],
                case=case,
                categories=[categories[slug] for slug in spec.categories],
                recipients=[organisations[name] for name in spec.recipients],
                givers=_givers(case.youth, guardians, given_on),
                form=ConsentForm.ORAL,
                oral_note=spec.oral_note,
                given_on=given_on,
                valid_until=(
                    given_on + timedelta(days=spec.valid_days) if spec.valid_days else None
                ),
            )
            if spec.revoked:
                consents.consent_revoke(
                    actor=coordinator,
                    consent=consent,
                    revoked_by=spec.revoked,
                    how="Ringde samordnaren och återkallade samtycket.",
                )
            recorded += 1
        created += 1
    return SeedResult(created=created, existing=existing, notes=notes, consents=recorded)


def demo_case(number: int) -> Case:
    """The case of demo youth `number` (1-based), for tests and walkthroughs."""
    demo = YOUTHS[number - 1]
    return Case.objects.get(
        municipality__municipality_number=MUNICIPALITY_NUMBER,
        youth__personnummer=demo.personnummer.replace("-", ""),
    )
