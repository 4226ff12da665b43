"""The demo youths of `samsyn.cases.demo`, as data: who they are and how each case has gone.

Everybody here is invented. The names are common Swedish names put together at random; the
streets do not exist (the postcodes and areas do); the telephone numbers are from the series
PTS keeps for fiction (070-174 06 05 to 070-174 06 99); the personnummer are made up, with a
correct check digit, a 9xx birth number and the sex digit (odd for boys, even for girls).

Every date is a number of days before the day the demo is seeded, so the demo always looks
current. Birth dates are fixed, so the personnummer stay the same and seeding twice adds
nothing; the seeder checks ages against each date (target ages, instrument ages) itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from samsyn.assessments.models import DebutCrime, ThreatLevel
from samsyn.cases.models import (
    ClosureReason,
    CrimeType,
    GuardianRole,
    LegalBasis,
    NoteKind,
    Recommendation,
    ReferralKind,
    Sex,
    Ternary,
)
from samsyn.plans.models import LifeDomain

MUNICIPALITY_NUMBER = "0180"  # Stockholms stad
DISTRICT = "Rinkeby-Kista"
SKARHOLMEN = "Skärholmen"

# The organisation of each demo user, for readable consent definitions.
SOCIAL = "Socialtjänsten Rinkeby-Kista"
POLICE = "Lokalpolisområde Rinkeby"
SCHOOL = "Rinkebyskolan"
CAMHS = "BUP Järva"
FIELD = "Fältassistenterna Rinkeby-Kista"
LEISURE = "Fritidsgården Rinkeby"
MARIA = "Maria Ungdom"
EMPLOYMENT = "Arbetsförmedlingen Stockholm"
SOCIAL_SK = "Socialtjänsten Skärholmen"
POLICE_SK = "Lokalpolisområde Skärholmen"
SCHOOL_SK = "Skärholmens gymnasium"

# The coordinator and the police officer of each district's cases (usernames).
COORDINATORS = {DISTRICT: "samordnare", SKARHOLMEN: "samordnare.skarholmen"}
CONTACT_POLICE = {DISTRICT: "polis", SKARHOLMEN: "polis.skarholmen"}


def tel(n: int) -> str:
    """A number from the series PTS reserves for fiction: 070-174 06 05 to 070-174 06 99."""
    assert 5 <= n <= 99, n
    return f"070-174 06 {n:02d}"


@dataclass(frozen=True)
class DemoGuardian:
    first_name: str
    last_name: str
    phone: str
    has_custody: bool = True
    role: str = GuardianRole.GUARDIAN


@dataclass(frozen=True)
class DemoNote:
    author: str  # username
    category: str  # slug
    days_ago: int
    title: str
    text: str
    kind: str = NoteKind.NOTE


@dataclass(frozen=True)
class DemoConsent:
    recorder: str  # username; the consent is obtained by the recorder's organisation
    categories: tuple[str, ...]
    recipients: tuple[str, ...]  # organisation names
    days_ago: int
    valid_days: int | None = None  # None: the local policy's default end date
    oral_note: str = "Lämnat muntligt vid informationsmötet på socialkontoret."
    revoked: str = ""  # who revoked it, if it has been revoked
    revoked_days_ago: int | None = None
    # Valid through the follow-up year after closure (14 months after the closing day).
    until_followup: bool = False


@dataclass(frozen=True)
class DemoRecommendation:
    days_ago: int  # the beredningsgrupp's meeting
    recommendation: str
    motivation: str
    by: str = "chef"


@dataclass(frozen=True)
class DemoAssessment:
    """A risk and protection assessment: the factors present, the rest recorded as absent."""

    days_ago: int
    judgment: str
    risk: tuple[str, ...] = ()
    protective: tuple[str, ...] = ()
    irk: tuple[str, ...] = ()
    debut_crime: str = DebutCrime.NONE
    threat_level: str = ThreatLevel.NONE
    threat: str = ""
    by: str = "handlaggare"


@dataclass(frozen=True)
class DemoEster:
    """ESTER at entry (on the day of the assessment) and, optionally, midway and at closure.

    `entry` is the 19 domain scores (0, 1 or 2) in the instrument's order. A later measurement
    is the entry moved `change` steps: positive means lower risk, negative higher; the
    changeable domains move first (school absence, leisure, school, friends, supervision...).
    """

    entry: str
    midway: tuple[int, int] | None = None  # (days ago, change)
    closure: tuple[int, int] | None = None


@dataclass(frozen=True)
class DemoProfile:
    area: str
    parents_separated: str = Ternary.UNKNOWN
    earlier_interventions: str = Ternary.UNKNOWN
    earlier_interventions_text: str = ""
    substance_use: str = Ternary.NO
    main_drug: str = ""
    crime_types: tuple[str, ...] = ()
    prior_conviction: str = Ternary.NO
    waived_prosecution: str = Ternary.NO


@dataclass(frozen=True)
class DemoCounts:
    """(police reports, concern reports, convictions) before, during and after the SIG."""

    before: tuple[int, int, int]
    during: tuple[int, int, int] | None = None
    after: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class DemoFollowUp:
    months: int
    days_ago: int
    situation: str


@dataclass(frozen=True)
class DemoActivity:
    """Who does what, by when: agreed at one of the held network meetings (`meeting`, an index
    into `DemoMeetings.held`; negative counts from the last), with its dates in days after it."""

    description: str
    organisation: str  # the responsible organisation (name)
    who: str = ""  # the responsible person (username), who also records it; "": the coordinator
    youth_does: bool = False
    meeting: int = 0
    decided: bool = False  # recorded as a decision of the meeting, pointing to it
    due: int = 28  # days after the meeting
    done: int | None = None  # days after the meeting; None (or not yet come): not done


@dataclass(frozen=True)
class DemoSubGoal:
    """A sub-goal of the plan, added at held network meeting `added`. `statuses` is its status
    at each held network meeting from then on, one letter a meeting (e ej påbörjat, p pågår,
    d delvis uppnått, u uppnått, n ej uppnått); when there are more meetings than letters the
    letters are spread over them."""

    domain: str
    goal: str
    youth_words: str
    statuses: str
    activities: tuple[DemoActivity, ...] = ()
    added: int = 0


@dataclass(frozen=True)
class DemoIntervention:
    """An intervention, decided and recorded by `by`'s organisation; days after the SIG
    started (negative: before). Ongoing unless it has ended; in a closed case it ends at the
    closure at the latest."""

    by: str  # username
    kind: str  # an InterventionKind's name
    description: str
    start: int = 0
    end: int | None = None
    cancelled: bool = False  # ended early (avbruten)


@dataclass(frozen=True)
class DemoMeetings:
    """The network meetings: the held ones (days ago; the first is the day the SIG started),
    and the next one planned (days from today)."""

    held: tuple[int, ...] = ()
    next: int | None = None
    invited: bool = False  # the invitation (kallelse) for the next one has been sent
    premeeting: int | None = None  # the held meeting that a förmöte came before
    premeeting_minutes: str = ""
    minutes: tuple[str, ...] = ()  # what was said at each held meeting; later ones: a usual text
    # (meeting, username, username): who did not come and who came in their place ("" nobody)
    stand_ins: tuple[tuple[int, str, str], ...] = ()
    # (meeting, who): a username, "youth" or a guardian's first name
    absent: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class DemoPlan:
    """The action plan: the long-term goal in the youth's own words, the sub-goals, the
    interventions and the network meetings. A new version is agreed at the first held meeting
    and at each meeting in `revised`."""

    goal: str
    subgoals: tuple[DemoSubGoal, ...] = ()
    interventions: tuple[DemoIntervention, ...] = ()
    meetings: DemoMeetings = field(default_factory=DemoMeetings)
    revised: tuple[int, ...] = ()


def every(first: int, last: int, step: int) -> tuple[int, ...]:
    """Meetings at a cadence: `first`, `first - step`, ... days ago, ending with `last`."""
    days = list(range(first, last + step // 2, -step))
    return (*days, last)


@dataclass(frozen=True)
class Course:
    """How the case has gone so far, in days before today. A step left at None has not
    happened; the seeder takes the steps in date order, through the services."""

    referred: int
    referrer: str = ""  # username; "" is the district's coordinator
    kind: str = ""  # "" is what the referrer's organisation implies
    source: str = ""  # who referred, when it is not the referrer's organisation
    received: int | None = None  # an incoming referral taken by the coordinator
    motivation: int | None = None
    preparation: int | None = None
    screening: int | None = None
    information: int | None = None
    informed: tuple[tuple[int, tuple[int, ...]], ...] = ()  # (days ago, points told)
    decided: int | None = None
    legal_basis: str = LegalBasis.GRANTED
    misconduct_rules: str = ""
    group: int | None = None  # the lead contact and the contact police officer named
    lead_contact: str = ""
    contact_police: bool = True
    mandates: tuple[str, ...] = ()  # members who may decide for their organisation
    active: int | None = None
    closed: int | None = None
    closure_reason: str = ""
    closure_summary: str = ""
    followups: tuple[DemoFollowUp, ...] = ()
    declined: int | None = None
    declined_reason: str = ""


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
    summary: str  # de-identified: what the beredningsgrupp reads
    reason: str  # the referral's reason
    course: Course
    guardians: tuple[DemoGuardian, ...] = ()
    district: str = DISTRICT
    members: tuple[str, ...] = ("handlaggare", "polis", "skola")
    age_reason: str = ""  # why a youth outside the target ages is referred all the same
    recommendations: tuple[DemoRecommendation, ...] = ()
    assessment: DemoAssessment | None = None
    ester: DemoEster | None = None
    consents: tuple[DemoConsent, ...] = field(default_factory=tuple)
    notes: tuple[DemoNote, ...] = ()
    profile: DemoProfile | None = None
    counts: DemoCounts | None = None

    @property
    def personnummer(self) -> str:
        return personnummer(self.born, self.serial)


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


# --- shorthands for the tables below ---------------------------------------------------------

M, F = Sex.MALE, Sex.FEMALE
PROPOSE = Recommendation.PROPOSE
MORE = Recommendation.MORE_INFORMATION
NOT = Recommendation.NOT_PROPOSE
POS, INC = NoteKind.POSITIVE, NoteKind.INCIDENT
YES, NO, UNK = Ternary.YES, Ternary.NO, Ternary.UNKNOWN
ALL_POINTS = (1, 2, 3, 4, 5, 6)
ALL_MEMBERS = ("handlaggare", "polis", "skola", "bup", "falt")


def propose(days_ago: int, motivation: str = "", by: str = "chef") -> DemoRecommendation:
    return DemoRecommendation(
        days_ago,
        PROPOSE,
        motivation
        or "Flera riskfaktorer samtidigt och behov av samordnade insatser från flera aktörer.",
        by,
    )


def sig_consents(
    days_ago: int,
    *,
    recipients: tuple[str, ...] = (POLICE, SCHOOL),
    categories: tuple[str, ...] = ("identitet", "socialtjanst", "plan"),
    police: bool = True,
    school: bool = True,
    until_followup: bool = False,
    oral_note: str = "Lämnat muntligt vid informationsmötet på socialkontoret.",
    coordinator: str = "samordnare",
    social: str = SOCIAL,
) -> tuple[DemoConsent, ...]:
    """The usual consents before a decision: social services shares its own items with the
    group; the police and the school each share their own with social services."""
    consents = [
        DemoConsent(
            coordinator,
            categories,
            recipients,
            days_ago,
            oral_note=oral_note
            + (
                " Gäller under insatsen och uppföljningsåret efter avslut."
                if until_followup
                else ""
            ),
            until_followup=until_followup,
        )
    ]
    if police:
        consents.append(
            DemoConsent(
                "polis",
                ("polis",),
                (social,),
                days_ago - 1,
                oral_note="Lämnat muntligt i samtal med kontaktpolisen.",
            )
        )
    if school:
        consents.append(
            DemoConsent(
                "skola",
                ("skola",),
                (social,),
                days_ago - 1,
                oral_note="Lämnat muntligt vid möte med kuratorn.",
            )
        )
    return tuple(consents)


# --- the youths ------------------------------------------------------------------------------
# The first four are the original demo (tests and the guide refer to them by number).

YOUTHS: list[DemoYouth] = [
    # 1. Active for seven months: several consents, one revoked, one about to expire.
    DemoYouth(
        first_name="Adam",
        last_name="Hussein",
        born=date(2010, 3, 14),
        serial=913,
        sex=M,
        address="Kvartsstigen 4, 163 71 Spånga",
        phone=tel(5),
        school="Rinkebyskolan",
        summary=(
            "Pojke i högstadiet. Hög frånvaro sedan höstlovet och oro för umgänge med äldre "
            "ungdomar. Familjen är positiv till samverkan."
        ),
        reason=(
            "Ogiltig frånvaro omkring 30 procent och flera incidenter på skolgården. Eleven "
            "har setts med äldre ungdomar som är kända av polisen."
        ),
        course=Course(
            referred=265,
            referrer="skola",
            received=262,
            preparation=255,
            screening=246,
            information=230,
            informed=((228, ALL_POINTS),),
            decided=220,
            group=218,
            lead_contact="falt",
            mandates=("skola", "polis"),
            active=214,
        ),
        guardians=(
            DemoGuardian("Hodan", "Hussein", tel(6)),
            DemoGuardian("Abdi", "Hussein", tel(7)),
        ),
        members=ALL_MEMBERS,
        recommendations=(propose(248),),
        assessment=DemoAssessment(
            236,
            "Flera riskfaktorer samtidigt: skolk, kamrater som begår brott och ett utsatt "
            "bostadsområde. Starka skyddsfaktorer i familjen och i idrotten. Risken för fortsatt "
            "normbrytande bedöms som måttlig; samordnade insatser kring skola och fritid bör "
            "prövas.",
            risk=("utsatt_miljo", "familj_vanner_brott", "skolk", "skolprestationer"),
            protective=("fysisk_halsa", "social_formaga"),
            irk=("relationer", "skola_arbete", "fritid"),
            threat_level=ThreatLevel.LOW,
            threat="Inga kända hot. Äldre kamrater kan försöka påverka honom att hålla tyst.",
        ),
        ester=DemoEster("1100111200000111211", midway=(95, 4)),
        consents=(
            DemoConsent("samordnare", ("identitet", "skola", "plan"), (POLICE, SCHOOL), 224),
            DemoConsent(
                "skola",
                ("skola",),
                (SOCIAL,),
                223,
                oral_note="Lämnat muntligt vid möte med kuratorn, båda vårdnadshavarna närvarade.",
            ),
            DemoConsent(
                "samordnare",
                ("socialtjanst",),
                (CAMHS,),
                224,
                revoked="Vårdnadshavaren Hodan Hussein",
                revoked_days_ago=150,
            ),
            DemoConsent(
                "bup",
                ("halsa",),
                (SOCIAL,),
                170,
                valid_days=185,  # ends within the next three weeks: shows up as expiring
                oral_note="Lämnat muntligt vid första besöket på mottagningen.",
            ),
        ),
        notes=(
            DemoNote(
                "samordnare",
                "socialtjanst",
                260,
                "Utredning inledd",
                "Utredning inledd efter aktualisering från skolan. Samtal med ungdomen och båda "
                "vårdnadshavarna är inbokade under nästa vecka.",
            ),
            DemoNote(
                "polis",
                "polis",
                240,
                "Kontakt vid centrum",
                "Ungdomen anträffades en kväll vid centrum tillsammans med äldre ungdomar. Ingen "
                "anmälan upprättades. Vårdnadshavare kontaktades samma kväll.",
            ),
            DemoNote(
                "samordnare",
                "plan",
                214,
                "Nätverksmöte 1",
                "Mål: ökad närvaro i skolan och en fast fritidsaktivitet. Skolan tar fram en "
                "anpassad studiegång, fältassistenterna följer med till träningen. Uppföljning "
                "om fem veckor.",
            ),
            DemoNote(
                "bup",
                "halsa",
                165,
                "Bedömningssamtal",
                "Första bedömningssamtal genomfört. Ungdomen beskriver svårt att sova och oro "
                "inför skolan. Fortsatta samtal erbjuds varannan vecka.",
            ),
            DemoNote(
                "skola",
                "skola",
                120,
                "Frånvaro under våren",
                "Den ogiltiga frånvaron har minskat från omkring 30 till 12 procent. Eleven har "
                "stöd i matematik två gånger i veckan.",
                kind=POS,
            ),
            DemoNote(
                "falt",
                "fritid",
                60,
                "Fotbollen",
                "Tränar med klubbens P16-lag två kvällar i veckan och har varit med på samtliga "
                "matcher i höst. Tränaren beskriver honom som en lagspelare.",
                kind=POS,
            ),
            DemoNote(
                "polis",
                "polis",
                33,
                "Bråk vid tunnelbanan",
                "Inblandad i ett bråk vid tunnelbanan en fredagskväll. Ingen skadad; anmälan om "
                "ofredande upprättad. Samordnaren underrättad dagen efter.",
                kind=INC,
            ),
            DemoNote(
                "samordnare",
                "plan",
                7,
                "Nätverksmöte 7",
                "Genomgång av händelsen vid tunnelbanan tillsammans med ungdomen. Närvaron i "
                "skolan håller i sig. Nytt delmål: sommarjobb via Jobbtorget.",
            ),
        ),
        profile=DemoProfile(
            area="Rinkeby",
            parents_separated=NO,
            earlier_interventions=YES,
            earlier_interventions_text="Föräldrastöd i grupp 2023.",
            crime_types=(CrimeType.THEFT, CrimeType.DAMAGE),
        ),
        counts=DemoCounts(before=(3, 2, 0), during=(1, 0, 0)),
    ),
    # 2. Information under way; no consent yet, so the police see only the anonymous code.
    DemoYouth(
        first_name="Liam",
        last_name="Johansson",
        born=date(2009, 8, 2),
        serial=925,
        sex=M,
        address="Fältspatsgången 12, 164 40 Kista",
        phone=tel(8),
        school="Rinkebyskolan",
        summary=(
            "Pojke i gymnasieåldern. Misstänkt för snatteri vid två tillfällen. Har avbrutit sitt "
            "gymnasieprogram. Samtycke har ännu inte lämnats."
        ),
        reason="Misstänkt för snatteri vid två tillfällen under hösten; har slutat gå i skolan.",
        course=Course(
            referred=75,
            referrer="polis",
            received=73,
            preparation=68,
            screening=59,
            information=30,
            informed=((21, (1, 2, 3, 4)),),
        ),
        guardians=(
            DemoGuardian("Annika", "Johansson", tel(9)),
            DemoGuardian("Peter", "Lund", tel(10), has_custody=False),
        ),
        members=ALL_MEMBERS,
        recommendations=(propose(61),),
        assessment=DemoAssessment(
            40,
            "Avbruten skolgång och stöldbrott tillsammans med andra. Motiverad att börja "
            "studera igen. Måttlig risk; SIG kan ge en tydlig väg tillbaka till studier.",
            risk=("skolk", "brott_med_andra", "skolprestationer"),
            protective=("fysisk_halsa", "driv"),
            irk=("skola_arbete", "relationer"),
        ),
        ester=DemoEster("1010011100001120210"),
        notes=(
            DemoNote(
                "polis",
                "polis",
                70,
                "Misstanke om snatteri",
                "Misstänkt för snatteri i butik vid två tillfällen under hösten. "
                "Förundersökning pågår.",
            ),
            DemoNote(
                "samordnare",
                "socialtjanst",
                20,
                "Informationssamtal",
                "Första informationssamtalet hållet. Samtal med mamman planeras för att "
                "informera om resten och fråga om samtycke.",
            ),
        ),
    ),
    # 3. Decided; the first network meeting is booked. An adult, so she consents herself.
    DemoYouth(
        first_name="Yasmin",
        last_name="Ali",
        born=date(2007, 11, 5),
        serial=946,
        sex=F,
        address="Glimmerstråket 7, 163 73 Spånga",
        phone=tel(11),
        school="",
        summary=(
            "Ung vuxen kvinna utan sysselsättning sedan gymnasiet. Vill ha stöd att hitta "
            "praktik eller studier."
        ),
        reason=(
            "Fältassistenterna har under sommaren sett henne i en grupp som säljer narkotika i "
            "centrum. Hon vill själv ha hjälp att komma bort från gruppen."
        ),
        course=Course(
            referred=95,
            referrer="falt",
            received=94,
            preparation=88,
            screening=80,
            information=50,
            informed=((48, ALL_POINTS),),
            decided=30,
            group=12,
            lead_contact="falt",
        ),
        guardians=(DemoGuardian("Fadumo", "Ali", tel(12)),),
        members=ALL_MEMBERS,
        recommendations=(propose(82),),
        assessment=DemoAssessment(
            66,
            "Utan sysselsättning och med kamrater som begår brott, men med stark egen vilja "
            "att förändra sin situation. Låg till måttlig risk. Sysselsättning är nyckeln.",
            risk=("utsatt_miljo", "familj_vanner_brott"),
            protective=("intelligens", "driv", "kanslomassig_stabilitet"),
            irk=("relationer", "skola_arbete"),
        ),
        consents=(
            DemoConsent(
                "samordnare",
                ("identitet", "fritid", "plan"),
                (FIELD,),
                45,
                oral_note="Lämnat muntligt av henne själv vid första samtalet.",
            ),
            DemoConsent(
                "samordnare",
                ("identitet", "plan"),
                (EMPLOYMENT,),
                40,
                oral_note="Lämnat muntligt av henne själv inför kontakten med Arbetsförmedlingen.",
            ),
        ),
        notes=(
            DemoNote(
                "samordnare",
                "socialtjanst",
                44,
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
                kind=POS,
            ),
        ),
        profile=DemoProfile(
            area="Rinkeby",
            parents_separated=YES,
            earlier_interventions=NO,
            crime_types=(CrimeType.DRUGS,),
            waived_prosecution=YES,
        ),
    ),
    # 4. Active, younger than the target ages (stated reason).
    DemoYouth(
        first_name="Elsa",
        last_name="Berg",
        born=date(2012, 6, 11),
        serial=958,
        sex=F,
        address="Basaltgränd 3, 164 31 Kista",
        phone="",
        school="Rinkebyskolan",
        summary="Flicka i årskurs 8. Långvarig frånvaro och konflikter hemma.",
        reason="Långvarig frånvaro, konflikter hemma och en äldre pojkvän som är misstänkt för rån.",
        age_reason=(
            "Yngre än målgruppen, men flera riskfaktorer samtidigt och äldre kamrater som "
            "begår brott."
        ),
        course=Course(
            referred=170,
            referrer="skola",
            received=168,
            preparation=160,
            screening=137,
            information=120,
            informed=((118, ALL_POINTS),),
            decided=110,
            group=108,
            lead_contact="skola",
            mandates=("skola",),
            active=105,
        ),
        guardians=(
            DemoGuardian("Maria", "Berg", tel(13)),
            DemoGuardian("Jonas", "Berg", tel(14)),
        ),
        members=ALL_MEMBERS,
        recommendations=(
            DemoRecommendation(
                153,
                MORE,
                "Vill veta mer om skolans stödinsatser och om familjen har haft kontakt med "
                "socialtjänsten tidigare.",
            ),
            propose(139, "Skolans och familjens uppgifter visar att behoven är breda."),
        ),
        assessment=DemoAssessment(
            125,
            "Hög frånvaro, konflikter i familjen och en äldre partner med brottslig livsstil. "
            "God förmåga i skolan när hon är där. Måttlig risk, framför allt för att utnyttjas.",
            risk=("skolk", "familj_vanner_brott", "flera_riskfaktorer"),
            protective=("intelligens", "fysisk_halsa"),
            irk=("relationer", "familjerelationer", "skola_arbete"),
            threat_level=ThreatLevel.MODERATE,
            threat="Den äldre pojkvännen har hotat en kamrat till henne. Polisen har informerats.",
        ),
        ester=DemoEster("0111021011122221200", midway=(20, 5)),
        consents=(
            DemoConsent(
                "samordnare",
                ("identitet", "skola", "familj"),
                (SCHOOL,),
                115,
                oral_note="Lämnat muntligt av båda vårdnadshavarna vid hembesöket.",
            ),
            DemoConsent(
                "skola",
                ("skola",),
                (SOCIAL,),
                114,
                oral_note="Lämnat muntligt av båda vårdnadshavarna vid möte med kuratorn.",
            ),
        ),
        notes=(
            DemoNote(
                "samordnare",
                "familj",
                112,
                "Hembesök",
                "Hembesök tillsammans med handläggaren. Föräldrarna vill ha stöd i hur de pratar "
                "med sin dotter om skolan.",
            ),
            DemoNote(
                "skola",
                "skola",
                40,
                "Närvaro",
                "Närvaron har ökat efter att eleven fått en mentor. Fortsatt frånvaro på måndagar.",
                kind=POS,
            ),
            DemoNote(
                "samordnare",
                "plan",
                25,
                "Nätverksmöte 4",
                "Eleven var med hela mötet och berättade själv om vad som fungerar i skolan. "
                "Nästa delmål: en fritidsaktivitet på helgerna.",
            ),
        ),
        profile=DemoProfile(
            area="Husby",
            parents_separated=NO,
            earlier_interventions=NO,
        ),
        counts=DemoCounts(before=(0, 3, 0), during=(0, 1, 0)),
    ),
    # --- aktualiserad --------------------------------------------------------------------
    # 5. Referred by the police two days ago; the coordinator has not taken it yet.
    DemoYouth(
        first_name="Isak",
        last_name="Nyberg",
        born=date(2010, 5, 22),
        serial=931,
        sex=M,
        address="Porfyrvägen 21, 164 32 Kista",
        phone=tel(15),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. Gripen för rån av mobiltelefon tillsammans med två äldre.",
        reason=(
            "Gripen i helgen misstänkt för rån av en mobiltelefon vid Kista centrum tillsammans "
            "med två äldre. Ingen tidigare känd av polisen."
        ),
        course=Course(referred=2, referrer="polis"),
    ),
    # 6. Referred by the school, taken by the coordinator.
    DemoYouth(
        first_name="Hana",
        last_name="Warsame",
        born=date(2011, 2, 3),
        serial=942,
        sex=F,
        address="Skiffergången 9, 164 33 Kista",
        phone=tel(16),
        school="Rinkebyskolan",
        summary="Flicka i årskurs 9. Hög frånvaro och tecken på att hon rekryteras som budbärare.",
        reason=(
            "Hög frånvaro sedan sommarlovet. Kurator har sett henne hämtas av äldre i bil under "
            "skoltid och oroar sig för att hon används för att bära ärenden åt andra."
        ),
        course=Course(referred=9, referrer="skola", received=8),
        guardians=(DemoGuardian("Ifrah", "Warsame", tel(17)),),
    ),
    # 7. Referred by the field workers, taken by the coordinator.
    DemoYouth(
        first_name="Daniel",
        last_name="Petrović",
        born=date(2009, 12, 12),
        serial=977,
        sex=M,
        address="Granitbacken 15, 164 40 Kista",
        phone=tel(18),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. Rör sig nattetid i en grupp där det förekommer vapen.",
        reason=(
            "Fältassistenterna har flera kvällar i rad träffat honom sent i en grupp där en "
            "kniv visades. Han har själv sagt att han vill bort från gruppen."
        ),
        course=Course(referred=5, referrer="falt", received=4),
        guardians=(
            DemoGuardian("Jelena", "Petrović", tel(19)),
            DemoGuardian("Goran", "Petrović", tel(20)),
        ),
        members=("handlaggare", "falt"),
    ),
    # 8. Opened by social services itself; younger than the target ages (stated reason).
    DemoYouth(
        first_name="Samir",
        last_name="Haddad",
        born=date(2012, 9, 30),
        serial=919,
        sex=M,
        address="Malmgårdsstigen 2, 164 41 Kista",
        phone="",
        school="Rinkebyskolan",
        summary="Pojke i årskurs 8. Två orosanmälningar i höst; en äldre bror är dömd för rån.",
        reason=(
            "Två orosanmälningar från skolan under hösten om att han bär dyra kläder och har "
            "kontanter. En äldre bror avtjänar straff för grovt rån."
        ),
        age_reason=(
            "Yngre än målgruppen. Ett äldre syskon i kriminella nätverk och tecken på att han "
            "själv rekryteras: tidiga insatser väger tyngst."
        ),
        course=Course(referred=12, kind=ReferralKind.SOCIAL_SERVICES),
        guardians=(DemoGuardian("Rania", "Haddad", tel(21)),),
        members=("handlaggare", "skola"),
    ),
    # --- motivationsfas (Skärholmen has one) -----------------------------------------------
    # 9. A young adult leaving prison, referred by the probation service.
    DemoYouth(
        first_name="Dennis",
        last_name="Ljungqvist",
        born=date(2006, 6, 20),
        serial=955,
        sex=M,
        address="Lingonriset 5, 127 31 Skärholmen",
        phone=tel(22),
        school="",
        summary=(
            "Ung vuxen man som friges villkorligt om en månad efter ett straff för "
            "narkotikabrott. Vill bryta med sitt tidigare umgänge."
        ),
        reason=(
            "Frivården aktualiserar inför villkorlig frigivning. Dömd för narkotikabrott; "
            "flyttar tillbaka till mamman i Skärholmen."
        ),
        district=SKARHOLMEN,
        members=("polis.skarholmen",),
        course=Course(
            referred=40,
            kind=ReferralKind.PROBATION,
            source="Frivården Stockholm, inför villkorlig frigivning",
            motivation=35,
        ),
        recommendations=(
            DemoRecommendation(
                28,
                MORE,
                "Gruppen vill veta hur motivationssamtalen går efter frigivningen innan den "
                "föreslår en insatsgrupp.",
                by="samordnare.skarholmen",
            ),
        ),
        notes=(
            DemoNote(
                "samordnare.skarholmen",
                "socialtjanst",
                30,
                "Besök på anstalten",
                "Första motivationssamtalet på anstalten tillsammans med frivården. Han vill ha "
                "hjälp med boende och arbete och är beredd att träffas varje vecka efter "
                "frigivningen.",
                kind=POS,
            ),
        ),
    ),
    # --- under beredning -----------------------------------------------------------------
    # 10. On the next agenda; no recommendation yet.
    DemoYouth(
        first_name="Ebba",
        last_name="Sandström",
        born=date(2010, 7, 19),
        serial=962,
        sex=F,
        address="Kopparslingan 18, 164 42 Kista",
        phone=tel(23),
        school="Rinkebyskolan",
        summary=(
            "Flicka i gymnasieåldern. Har slutat gå i skolan och är misstänkt för "
            "snatteri och narkotikabrott (eget bruk)."
        ),
        reason=(
            "Har inte varit i skolan på sex veckor. Misstänkt för snatteri och eget bruk av "
            "cannabis. Mamman har själv bett skolan om hjälp."
        ),
        course=Course(referred=30, referrer="skola", received=29, preparation=15),
        guardians=(DemoGuardian("Lotta", "Sandström", tel(24)),),
    ),
    # 11. The beredningsgrupp needs more information.
    DemoYouth(
        first_name="Kevin",
        last_name="Mäkinen",
        born=date(2009, 4, 4),
        serial=937,
        sex=M,
        address="Gnejsgatan 6, 164 36 Kista",
        phone=tel(25),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. Misstänkt för olaga hot och misshandel i skolmiljö.",
        reason=(
            "Två anmälningar om olaga hot mot klasskamrater och en om misshandel på en "
            "fest. Förundersökning pågår."
        ),
        course=Course(referred=50, referrer="polis", received=48, preparation=40),
        guardians=(
            DemoGuardian("Sari", "Mäkinen", tel(26)),
            DemoGuardian("Mikko", "Mäkinen", tel(27)),
        ),
        recommendations=(
            DemoRecommendation(
                33,
                MORE,
                "Behöver mer information: vad säger skolan om hur det fungerar nu, och hur ser "
                "vårdnadshavarna på en insatsgrupp?",
                by="polischef",
            ),
        ),
    ),
    # 12. First more information, then a proposal: ready for the assessment.
    DemoYouth(
        first_name="Ali",
        last_name="Rahimi",
        born=date(2010, 10, 10),
        serial=973,
        sex=M,
        address="Kvartsstigen 11, 163 71 Spånga",
        phone=tel(28),
        school="Rinkebyskolan",
        summary=(
            "Pojke i gymnasieåldern. Misstänkt för inbrott i förråd tillsammans med äldre. "
            "Familjen har nyligen flyttat till området."
        ),
        reason=(
            "Orosanmälan från polisen efter misstanke om inbrott i källarförråd. Familjen "
            "flyttade hit i våras; tidigare kontakt med socialtjänsten i annan kommun."
        ),
        course=Course(referred=70, kind=ReferralKind.SOCIAL_SERVICES, preparation=62),
        guardians=(
            DemoGuardian("Zahra", "Rahimi", tel(29)),
            DemoGuardian("Reza", "Rahimi", tel(30)),
        ),
        recommendations=(
            DemoRecommendation(
                55,
                MORE,
                "Behöver mer information från den tidigare kommunen om vilka insatser som har "
                "prövats.",
            ),
            propose(20, "Tidigare insatser har inte räckt; samordning behövs nu."),
        ),
    ),
    # --- bedömning -----------------------------------------------------------------------
    # 13. Risk assessment and ESTER done.
    DemoYouth(
        first_name="Deniz",
        last_name="Kaya",
        born=date(2010, 1, 27),
        serial=991,
        sex=M,
        address="Fältspatsgången 3, 164 40 Kista",
        phone=tel(31),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. Misstänkt för tillgrepp av moped och för skadegörelse.",
        reason="Misstänkt för tillgrepp av två mopeder och för skadegörelse på en skolbuss.",
        course=Course(referred=90, referrer="polis", received=88, preparation=80, screening=67),
        guardians=(DemoGuardian("Elif", "Kaya", tel(32)),),
        recommendations=(propose(69),),
        assessment=DemoAssessment(
            50,
            "Strategiskt debutbrott (tillgrepp av fortskaffningsmedel) och brott tillsammans "
            "med andra. Bra relation till mamman. Hög risk för fortsatt brottslighet utan "
            "samordnade insatser.",
            risk=("strategiskt_debutbrott", "brott_med_andra", "skolk", "utsatt_miljo"),
            protective=("fysisk_halsa",),
            irk=("kriminell_historia", "relationer", "fritid"),
            debut_crime=DebutCrime.VEHICLE,
            threat_level=ThreatLevel.LOW,
        ),
        ester=DemoEster("2210111200011222211"),
    ),
    # 14. An adult: risk assessment without an instrument for her age.
    DemoYouth(
        first_name="Nora",
        last_name="Eklund",
        born=date(2007, 3, 15),
        serial=984,
        sex=F,
        address="Granitbacken 2, 164 40 Kista",
        phone=tel(33),
        school="",
        summary=(
            "Ung vuxen kvinna. Misstänkt för bedrägerier där hennes bankkonto har använts av "
            "andra. Vill ha stöd."
        ),
        reason=(
            "Fältassistenterna har fått veta att hennes bankkonto och BankID lånas ut till äldre "
            "kamrater. Polisen utreder bedrägerier via kontot."
        ),
        course=Course(referred=85, referrer="falt", received=84, preparation=76, screening=66),
        members=("handlaggare", "polis", "falt"),
        recommendations=(propose(69),),
        assessment=DemoAssessment(
            44,
            "Utnyttjad av äldre kamrater snarare än drivande. Stark vilja att studera vidare. "
            "Låg risk för egen brottslighet, hög risk att utnyttjas igen.",
            risk=("familj_vanner_brott",),
            protective=("intelligens", "driv", "social_formaga"),
            irk=("relationer",),
            threat_level=ThreatLevel.MODERATE,
            threat="Har fått sms med krav på pengar. Polisen gör en egen hotbedömning.",
        ),
    ),
    # 15. Proposed, the assessment not yet done.
    DemoYouth(
        first_name="Zakaria",
        last_name="Osman",
        born=date(2009, 6, 8),
        serial=959,
        sex=M,
        address="Skiffergången 22, 164 33 Kista",
        phone=tel(34),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. Knivinnehav vid två tillfällen; uppger att han blivit hotad.",
        reason=(
            "Påträffad med kniv vid två tillfällen i höst. Säger själv att han bär kniv för att "
            "han blivit hotad efter en konflikt mellan två grupper."
        ),
        course=Course(referred=45, preparation=38, screening=25),
        guardians=(DemoGuardian("Sahra", "Osman", tel(35)),),
        recommendations=(propose(27, "Vapeninnehav och en uppgiven hotbild: brådskande."),),
    ),
    # --- information och samtycke -------------------------------------------------------
    # 16. Told everything and consented; waiting for the decision.
    DemoYouth(
        first_name="Moa",
        last_name="Lindahl",
        born=date(2010, 11, 2),
        serial=928,
        sex=F,
        address="Porfyrvägen 8, 164 32 Kista",
        phone=tel(36),
        school="Rinkebyskolan",
        summary="Flicka i gymnasieåldern. Självskadebeteende, hög frånvaro och misstänkt snatteri.",
        reason=(
            "Hög frånvaro och misstänkt för snatteri vid flera tillfällen. BUP har kontakt "
            "sedan i våras på grund av självskadebeteende."
        ),
        course=Course(
            referred=110,
            referrer="skola",
            received=108,
            preparation=99,
            screening=95,
            information=70,
            informed=((64, ALL_POINTS),),
        ),
        guardians=(
            DemoGuardian("Helena", "Lindahl", tel(37)),
            DemoGuardian("Tomas", "Lindahl", tel(38)),
        ),
        members=ALL_MEMBERS,
        recommendations=(propose(97),),
        assessment=DemoAssessment(
            80,
            "Psykisk ohälsa och skolfrånvaro väger tyngst; brottsligheten är ringa. Stöd från "
            "båda föräldrarna. Måttlig risk; BUP bör ingå i gruppen.",
            risk=("skolk", "skolprestationer"),
            protective=("intelligens", "social_formaga"),
            irk=("skola_arbete", "personlighetsdrag"),
        ),
        ester=DemoEster("0000012211011120100"),
        consents=(
            DemoConsent(
                "samordnare",
                ("identitet", "skola", "socialtjanst", "plan"),
                (SCHOOL, CAMHS),
                60,
                oral_note="Lämnat muntligt av Moa och båda vårdnadshavarna vid informationsmötet.",
            ),
            DemoConsent(
                "skola",
                ("skola",),
                (SOCIAL, CAMHS),
                58,
                oral_note="Lämnat muntligt vid möte med kuratorn.",
            ),
        ),
        notes=(
            DemoNote(
                "samordnare",
                "socialtjanst",
                64,
                "Informationsmöte",
                "Moa och båda föräldrarna informerade om alla sex punkterna. Moa vill vara med "
                "på mötena men inte när hälsan diskuteras i detalj.",
            ),
        ),
    ),
    # 17. Only the first two points told so far.
    DemoYouth(
        first_name="Filip",
        last_name="Norén",
        born=date(2011, 3, 21),
        serial=915,
        sex=M,
        address="Glimmerstråket 19, 163 73 Spånga",
        phone=tel(39),
        school="Rinkebyskolan",
        summary="Pojke i årskurs 9. Misstänkt för skadegörelse och för att ha sålt snus till yngre.",
        reason="Misstänkt för skadegörelse genom klotter och för att ha sålt snus till yngre elever.",
        course=Course(
            referred=100,
            referrer="polis",
            received=99,
            preparation=90,
            screening=81,
            information=28,
            informed=((26, (1, 2)),),
        ),
        guardians=(
            DemoGuardian("Camilla", "Norén", tel(40)),
            DemoGuardian("Patrik", "Norén", tel(41)),
        ),
        recommendations=(propose(83),),
        assessment=DemoAssessment(
            62,
            "Tidigt normbrytande beteende och dåliga skolprestationer, men inga brott mot person. "
            "Låg till måttlig risk. Föräldrarna vill ha stöd.",
            risk=("tidigt_normbrytande", "skolprestationer"),
            protective=("fysisk_halsa", "social_formaga"),
            irk=("attityder", "skola_arbete"),
        ),
        ester=DemoEster("2100011000100110100"),
        notes=(
            DemoNote(
                "samordnare",
                "socialtjanst",
                26,
                "Första informationssamtalet",
                "Berättade vad en insatsgrupp är och varför han erbjuds en. Han ville tänka på "
                "saken; nytt samtal med pappan nästa vecka.",
            ),
        ),
    ),
    # --- beslutad ------------------------------------------------------------------------
    # 18. Part of a court sanction (ungdomskontrakt), with the rules for misconduct.
    DemoYouth(
        first_name="Elias",
        last_name="Abdullahi",
        born=date(2009, 2, 14),
        serial=993,
        sex=M,
        address="Kopparslingan 4, 164 42 Kista",
        phone=tel(42),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. Dömd till ungdomskontrakt för rån; insatsgruppen ingår.",
        reason="Dömd för rån av jacka och mobil. Socialtjänstens yttrande föreslog ungdomskontrakt.",
        course=Course(
            referred=130,
            referrer="polis",
            received=128,
            preparation=120,
            screening=109,
            information=85,
            informed=((80, ALL_POINTS),),
            decided=20,
            legal_basis=LegalBasis.COURT_SANCTION,
            misconduct_rules=(
                "Två uteblivna nätverksmöten i följd utan giltigt skäl, eller att han inte "
                "deltar i den planerade ART-gruppen, rapporteras till tingsrätten."
            ),
            group=15,
            lead_contact="falt",
        ),
        guardians=(DemoGuardian("Faiza", "Abdullahi", tel(43)),),
        members=ALL_MEMBERS,
        recommendations=(propose(111),),
        assessment=DemoAssessment(
            95,
            "Rån som debutbrott, kamrater i kriminella nätverk och avbruten skolgång. Hög risk. "
            "Motiverad inför domstolen; motivationen behöver hållas uppe.",
            risk=(
                "strategiskt_debutbrott",
                "brott_med_andra",
                "familj_vanner_brott",
                "skolk",
                "flera_riskfaktorer",
            ),
            protective=("fysisk_halsa",),
            irk=("kriminell_historia", "relationer", "attityder", "skola_arbete"),
            debut_crime=DebutCrime.ROBBERY,
            threat_level=ThreatLevel.MODERATE,
            threat="Målsäganden och den dömde går på samma skola; schemat är anpassat.",
        ),
        ester=DemoEster("2221121201011222222"),
        consents=sig_consents(78),
        notes=(
            DemoNote(
                "polis",
                "polis",
                60,
                "Dom i tingsrätten",
                "Dömd till ungdomsvård med ungdomskontrakt. Insatsgruppen ingår i kontraktet.",
            ),
        ),
        profile=DemoProfile(
            area="Kista",
            parents_separated=YES,
            earlier_interventions=YES,
            earlier_interventions_text="Kontaktperson 2024–2025.",
            crime_types=(CrimeType.ROBBERY, CrimeType.THEFT),
            prior_conviction=YES,
        ),
    ),
    # --- aktiv ---------------------------------------------------------------------------
    # 19. An unaccompanied minor with a god man (legal representative).
    DemoYouth(
        first_name="Amir",
        last_name="Sultani",
        born=date(2009, 1, 1),
        serial=935,
        sex=M,
        address="Gnejsgatan 14, 164 36 Kista",
        phone=tel(44),
        school="Rinkebyskolan",
        summary=(
            "Pojke i gymnasieåldern som kom ensam till Sverige. Bor i ett stödboende. "
            "Misstänkt för att sälja narkotika åt äldre."
        ),
        reason=(
            "Personalen på stödboendet oroar sig för att han säljer narkotika åt äldre och "
            "har skulder till dem. Hög frånvaro på språkintroduktionen."
        ),
        course=Course(
            referred=300,
            preparation=290,
            screening=277,
            information=255,
            informed=((252, ALL_POINTS),),
            decided=245,
            group=243,
            lead_contact="falt",
            mandates=("polis",),
            active=240,
        ),
        guardians=(
            DemoGuardian(
                "Göran",
                "Lilja",
                tel(45),
                has_custody=False,
                role=GuardianRole.LEGAL_REPRESENTATIVE,
            ),
        ),
        members=("handlaggare", "polis", "skola", "falt"),
        recommendations=(propose(279),),
        assessment=DemoAssessment(
            262,
            "Skuld till äldre och narkotikaförsäljning; saknar familj i Sverige. Stark vilja "
            "att lära sig svenska och arbeta. Hög risk att utnyttjas vidare.",
            risk=("utsatt_miljo", "brott_med_andra", "skolk", "flera_riskfaktorer"),
            protective=("fysisk_halsa", "driv"),
            irk=("relationer", "alkohol_droger", "skola_arbete", "fritid"),
            threat_level=ThreatLevel.HIGH,
            threat=(
                "Har en skuld till äldre i området och har blivit uppsökt på boendet. "
                "Säkerhetsplan upprättad med boendet och polisen."
            ),
        ),
        ester=DemoEster("1211111011100212222", midway=(120, 5)),
        consents=sig_consents(
            250,
            recipients=(POLICE, SCHOOL, FIELD),
            oral_note="Lämnat muntligt av Amir och hans gode man, med tolk.",
        ),
        notes=(
            DemoNote(
                "samordnare",
                "plan",
                240,
                "Nätverksmöte 1",
                "Mål: trygg boendesituation, närvaro på språkintroduktionen och en "
                "fritidsaktivitet. Säkerhetsplanen gicks igenom. Tolk deltog.",
            ),
            DemoNote(
                "polis",
                "polis",
                205,
                "Hot på boendet",
                "Två okända personer sökte honom på boendet en kväll. Personalen larmade; "
                "polisen kom inom tio minuter. Ingen skadad.",
                kind=INC,
            ),
            DemoNote(
                "falt",
                "fritid",
                150,
                "Boxningsklubben",
                "Har börjat träna boxning tre kvällar i veckan. Tränaren har erbjudit honom att "
                "bli hjälpledare för de yngre.",
                kind=POS,
            ),
            DemoNote(
                "skola",
                "skola",
                90,
                "Närvaro på språkintroduktionen",
                "Närvaron har gått från under hälften till över 85 procent. Klarade sitt första "
                "nationella prov i svenska som andraspråk.",
                kind=POS,
            ),
            DemoNote(
                "samordnare",
                "plan",
                18,
                "Nätverksmöte 8",
                "Skulden är enligt Amir avbetald och han har inte blivit uppsökt sedan i "
                "våras. Han vill söka sommarjobb; Jobbtorget kontaktas.",
            ),
        ),
        profile=DemoProfile(
            area="Akalla",
            parents_separated=UNK,
            earlier_interventions=YES,
            earlier_interventions_text="Placerad i stödboende sedan ankomsten.",
            substance_use=YES,
            main_drug="Cannabis",
            crime_types=(CrimeType.DRUGS,),
            waived_prosecution=YES,
        ),
        counts=DemoCounts(before=(2, 3, 0), during=(1, 1, 0)),
    ),
    # 20.
    DemoYouth(
        first_name="Leo",
        last_name="Forsberg",
        born=date(2009, 9, 9),
        serial=951,
        sex=M,
        address="Basaltgränd 17, 164 31 Kista",
        phone=tel(46),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. Misstänkt för misshandel och olaga hot; hög frånvaro.",
        reason=(
            "Misstänkt för misshandel av en jämnårig i tunnelbanan och för olaga hot mot en "
            "lärare. Frånvaro omkring 40 procent."
        ),
        course=Course(
            referred=200,
            referrer="polis",
            received=198,
            preparation=190,
            screening=179,
            information=158,
            informed=((156, (1, 2, 3)), (155, (4, 5, 6))),
            decided=150,
            group=148,
            lead_contact="skola",
            mandates=("skola", "polis"),
            active=146,
        ),
        guardians=(
            DemoGuardian("Jenny", "Forsberg", tel(47)),
            DemoGuardian("Mattias", "Forsberg", tel(48), has_custody=False),
        ),
        members=ALL_MEMBERS,
        recommendations=(propose(181),),
        assessment=DemoAssessment(
            165,
            "Aggressivt beteende, hög frånvaro och konflikter hemma. Bra relation till "
            "mentorn. Måttlig till hög risk för fortsatt våld.",
            risk=("tidigt_normbrytande", "skolk", "skolprestationer", "flera_riskfaktorer"),
            protective=("fysisk_halsa",),
            irk=("personlighetsdrag", "attityder", "familjerelationer", "skola_arbete"),
            threat_level=ThreatLevel.LOW,
        ),
        ester=DemoEster("2220111012222221110", midway=(40, 4)),
        consents=sig_consents(153, recipients=(POLICE, SCHOOL, CAMHS)),
        notes=(
            DemoNote(
                "samordnare",
                "plan",
                146,
                "Nätverksmöte 1",
                "Mål: ingen ny våldshandling, närvaro över 80 procent och ART-grupp. Mamman och "
                "Leo var med; pappan deltar nästa gång.",
            ),
            DemoNote(
                "bup",
                "halsa",
                100,
                "Utredning",
                "Neuropsykiatrisk utredning påbörjad. Leo vill själv förstå varför han blir så "
                "arg så fort.",
            ),
            DemoNote(
                "skola",
                "skola",
                70,
                "Konflikt på lektion",
                "Kastade en stol i en konflikt med en klasskamrat. Ingen skadad. Samtal med "
                "mentorn och mamman samma dag.",
                kind=INC,
            ),
            DemoNote(
                "skola",
                "skola",
                21,
                "Närvaro i oktober",
                "Närvaron var 88 procent i oktober, den högsta sedan årskurs 7.",
                kind=POS,
            ),
        ),
        profile=DemoProfile(
            area="Kista",
            parents_separated=YES,
            earlier_interventions=YES,
            earlier_interventions_text="Familjebehandling 2024.",
            crime_types=(CrimeType.ASSAULT, CrimeType.THREAT),
        ),
        counts=DemoCounts(before=(4, 2, 0), during=(1, 1, 0)),
    ),
    # 21. Recently started.
    DemoYouth(
        first_name="Sofia",
        last_name="Mensah",
        born=date(2010, 4, 17),
        serial=966,
        sex=F,
        address="Malmgårdsstigen 9, 164 41 Kista",
        phone=tel(49),
        school="Rinkebyskolan",
        summary="Flicka i gymnasieåldern. Rymmer hemifrån och har setts med äldre män.",
        reason=(
            "Har varit försvunnen hemifrån tre nätter under sommaren. Skolan och polisen oroar "
            "sig för att hon utnyttjas av äldre män."
        ),
        course=Course(
            referred=130,
            referrer="skola",
            received=129,
            preparation=120,
            screening=109,
            information=90,
            informed=((88, ALL_POINTS),),
            decided=80,
            group=78,
            lead_contact="falt",
            active=75,
        ),
        guardians=(DemoGuardian("Abena", "Mensah", tel(50)),),
        members=ALL_MEMBERS,
        recommendations=(propose(111),),
        assessment=DemoAssessment(
            96,
            "Rymningar och kontakt med äldre män; risk att utsättas för brott snarare än att "
            "begå dem. Bra förmåga i skolan. Hög risk, skyddsbehovet väger tyngst.",
            risk=("utsatt_miljo", "skolk", "flera_riskfaktorer"),
            protective=("intelligens", "social_formaga"),
            irk=("relationer", "familjerelationer"),
            threat_level=ThreatLevel.HIGH,
            threat="Okänd äldre man har kontaktat henne via sociala medier. Polisen utreder.",
        ),
        ester=DemoEster("0101102122122120200", midway=(10, 2)),
        consents=sig_consents(85, recipients=(POLICE, SCHOOL, CAMHS, FIELD)),
        notes=(
            DemoNote(
                "samordnare",
                "plan",
                75,
                "Nätverksmöte 1",
                "Mål: bo hemma, gå i skolan och ha en vuxen att ringa dygnet runt. Fältassistenten "
                "blir lots. Ett förmöte hölls utan Sofia om hotbilden.",
            ),
            DemoNote(
                "polis",
                "polis",
                50,
                "Försvunnen en natt",
                "Anmäld försvunnen av mamman; anträffad nästa morgon hos en kamrat. Inget brott "
                "misstänks.",
                kind=INC,
            ),
            DemoNote(
                "falt",
                "fritid",
                14,
                "Danskurs",
                "Har gått på danskursen på fritidsgården fyra veckor i rad och har tagit med en "
                "kompis.",
                kind=POS,
            ),
        ),
        profile=DemoProfile(
            area="Kista",
            parents_separated=YES,
            earlier_interventions=NO,
        ),
        counts=DemoCounts(before=(0, 4, 0), during=(0, 1, 0)),
    ),
    # 22. Skärholmen: active, with ESTER (the district's own instrument).
    DemoYouth(
        first_name="Lejla",
        last_name="Hodžić",
        born=date(2010, 3, 30),
        serial=948,
        sex=F,
        address="Blåbärsbacken 11, 127 43 Skärholmen",
        phone=tel(51),
        school="Skärholmens gymnasium",
        summary="Flicka i gymnasieåldern. Misstänkt för stöld och för att förvara narkotika åt andra.",
        reason=(
            "Kuratorn på gymnasiet aktualiserar: misstänkt för stöld i butik och för att ha "
            "förvarat narkotika åt äldre kamrater."
        ),
        district=SKARHOLMEN,
        members=("polis.skarholmen",),
        course=Course(
            referred=180,
            kind=ReferralKind.SCHOOL,
            source="Kurator på Skärholmens gymnasium",
            preparation=172,
            screening=163,
            information=146,
            informed=((144, ALL_POINTS),),
            decided=138,
            group=136,
            lead_contact="samordnare.skarholmen",
            active=134,
        ),
        guardians=(
            DemoGuardian("Amra", "Hodžić", tel(52)),
            DemoGuardian("Senad", "Hodžić", tel(53)),
        ),
        recommendations=(propose(165, by="samordnare.skarholmen"),),
        assessment=DemoAssessment(
            150,
            "Förvarar narkotika åt äldre; påverkas starkt av kamraterna. Familjen är ett "
            "stöd. Måttlig risk.",
            risk=("familj_vanner_brott", "brott_med_andra"),
            protective=("social_formaga", "kanslomassig_stabilitet"),
            irk=("relationer", "fritid"),
            by="samordnare.skarholmen",
        ),
        ester=DemoEster("0010111000000121201", midway=(30, 3)),
        consents=(
            DemoConsent(
                "samordnare.skarholmen",
                ("identitet", "socialtjanst", "plan"),
                (POLICE_SK, SCHOOL_SK),
                140,
                oral_note="Lämnat muntligt av Lejla och båda vårdnadshavarna vid hembesök.",
            ),
            DemoConsent(
                "polis.skarholmen",
                ("polis",),
                (SOCIAL_SK,),
                139,
                oral_note="Lämnat muntligt i samtal med kontaktpolisen.",
            ),
        ),
        notes=(
            DemoNote(
                "samordnare.skarholmen",
                "plan",
                134,
                "Nätverksmöte 1 (förmöte hållet)",
                "Förmöte med polis och skola före mötet. Mål: fullföljt första året på "
                "gymnasiet och nya kamrater genom fritidsgården. Nästa möte om tre veckor.",
            ),
            DemoNote(
                "polis.skarholmen",
                "polis",
                80,
                "Samtal med kontaktpolisen",
                "Lejla berättade själv att hon har slutat umgås med gruppen. Inga nya "
                "misstankar sedan i somras.",
                kind=POS,
            ),
        ),
        profile=DemoProfile(
            area="Skärholmen",
            parents_separated=NO,
            earlier_interventions=NO,
            crime_types=(CrimeType.THEFT, CrimeType.DRUGS),
        ),
        counts=DemoCounts(before=(2, 1, 0), during=(0, 0, 0)),
    ),
    # --- avslutad ------------------------------------------------------------------------
    # 23. Goals met; the six-month follow-up is overdue.
    DemoYouth(
        first_name="Jonathan",
        last_name="Lundqvist",
        born=date(2008, 5, 5),
        serial=971,
        sex=M,
        address="Porfyrvägen 30, 164 32 Kista",
        phone=tel(54),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. Upprepade stölder och skolk; äldre bror i kriminalitet.",
        reason="Sex polisanmälningar om stöld det senaste året och nästan ingen närvaro i skolan.",
        course=Course(
            referred=640,
            referrer="polis",
            received=638,
            preparation=630,
            screening=620,
            information=598,
            informed=((596, ALL_POINTS),),
            decided=590,
            group=588,
            lead_contact="falt",
            mandates=("skola",),
            active=585,
            closed=215,
            closure_reason=ClosureReason.GOALS_MET,
            closure_summary=(
                "Närvaro över 90 procent det senaste halvåret och inga nya anmälningar sedan "
                "årsskiftet. Har sommarjobb och fortsätter i fotbollen. Jonathan tyckte att det "
                "var bra att ha en och samma vuxen att ringa."
            ),
        ),
        guardians=(DemoGuardian("Susanne", "Lundqvist", tel(55)),),
        members=ALL_MEMBERS,
        recommendations=(propose(622),),
        assessment=DemoAssessment(
            605,
            "Många stöldbrott tillsammans med andra, mycket hög frånvaro och en bror i "
            "kriminalitet. God fysisk hälsa och idrottsintresse. Hög risk.",
            risk=(
                "familj_vanner_brott",
                "skolk",
                "brott_med_andra",
                "tidig_debut",
                "flera_riskfaktorer",
            ),
            protective=("fysisk_halsa", "social_formaga"),
            irk=("kriminell_historia", "relationer", "skola_arbete", "fritid"),
        ),
        ester=DemoEster("2211111111112222211", midway=(400, 5), closure=(218, 9)),
        consents=sig_consents(594, until_followup=True),
        notes=(
            DemoNote(
                "polis",
                "polis",
                520,
                "Ny anmälan",
                "Misstänkt för stöld av cykel tillsammans med två kamrater. Erkände vid förhöret.",
                kind=INC,
            ),
            DemoNote(
                "skola",
                "skola",
                380,
                "Närvaro under hösten",
                "Närvaron har ökat till 85 procent. Han har valt gymnasieprogram själv.",
                kind=POS,
            ),
            DemoNote(
                "samordnare",
                "plan",
                215,
                "Avslutande nätverksmöte",
                "Genomgång av målen: alla delmål nådda. Jonathan fick erbjudande om att "
                "utvärdera insatsgruppen och tackade ja.",
            ),
        ),
        profile=DemoProfile(
            area="Kista",
            parents_separated=YES,
            earlier_interventions=YES,
            earlier_interventions_text="Kontaktfamilj 2021–2022.",
            crime_types=(CrimeType.THEFT,),
            waived_prosecution=YES,
        ),
        counts=DemoCounts(before=(6, 3, 1), during=(2, 1, 0)),
    ),
    # 24. Moved to another municipality; six-month follow-up done, twelve still to come.
    DemoYouth(
        first_name="Alva",
        last_name="Persson",
        born=date(2008, 12, 24),
        serial=924,
        sex=F,
        address="Kvartsstigen 27, 163 71 Spånga",
        phone=tel(56),
        school="Rinkebyskolan",
        summary="Flicka i gymnasieåldern. Misstänkt för rån tillsammans med äldre flickor.",
        reason="Misstänkt för rån av en jämnårig tillsammans med två äldre flickor.",
        course=Course(
            referred=520,
            referrer="skola",
            received=518,
            preparation=510,
            screening=501,
            information=480,
            informed=((478, ALL_POINTS),),
            decided=470,
            group=468,
            lead_contact="skola",
            active=465,
            closed=250,
            closure_reason=ClosureReason.MOVED,
            closure_summary=(
                "Familjen har flyttat till en annan kommun. Överlämning till socialtjänsten där "
                "med Alvas och mammans samtycke. Målen om skolgång delvis nådda."
            ),
            followups=(
                DemoFollowUp(
                    6,
                    60,
                    "Telefonsamtal med Alva och mamman: hon går i skolan i den nya kommunen och "
                    "har kontakt med en kurator där. Inga nya misstankar.",
                ),
            ),
        ),
        guardians=(DemoGuardian("Karin", "Persson", tel(57)),),
        recommendations=(propose(503),),
        assessment=DemoAssessment(
            488,
            "Rån som debutbrott tillsammans med äldre; i övrigt få riskfaktorer. Bra stöd "
            "från mamman. Måttlig risk.",
            risk=("strategiskt_debutbrott", "brott_med_andra"),
            protective=("social_formaga", "kanslomassig_stabilitet", "fysisk_halsa"),
            irk=("relationer",),
            debut_crime=DebutCrime.ROBBERY,
        ),
        ester=DemoEster("1000101000000121100", midway=(360, 3)),
        consents=sig_consents(476, until_followup=True),
        notes=(
            DemoNote(
                "samordnare",
                "plan",
                465,
                "Nätverksmöte 1",
                "Mål: skolgång utan frånvaro, ny fritidsaktivitet och avstånd till de äldre "
                "flickorna.",
            ),
            DemoNote(
                "skola",
                "skola",
                330,
                "Betyg",
                "Godkända betyg i alla ämnen utom ett efter höstterminen.",
                kind=POS,
            ),
        ),
        profile=DemoProfile(
            area="Rinkeby",
            parents_separated=YES,
            earlier_interventions=NO,
            crime_types=(CrimeType.ROBBERY,),
            prior_conviction=YES,
        ),
        counts=DemoCounts(before=(1, 1, 1), during=(0, 0, 0)),
    ),
    # 25. Placed outside the home; follow-ups scheduled, none due yet.
    DemoYouth(
        first_name="Mohammed",
        last_name="Jama",
        born=date(2009, 3, 3),
        serial=997,
        sex=M,
        address="Skiffergången 5, 164 33 Kista",
        phone=tel(58),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. Misstänkt för grov misshandel och vapenbrott.",
        reason="Misstänkt för grov misshandel med kniv och för vapenbrott. Tidigare dömd för rån.",
        course=Course(
            referred=400,
            referrer="polis",
            received=398,
            preparation=390,
            screening=381,
            information=362,
            informed=((360, ALL_POINTS),),
            decided=352,
            group=350,
            lead_contact="falt",
            mandates=("polis",),
            active=348,
            closed=60,
            closure_reason=ClosureReason.PLACED,
            closure_summary=(
                "Efter ny misstanke om grov misshandel beslutades vård enligt LVU med placering "
                "på ett särskilt ungdomshem. Insatsgruppen avslutas; kontakten med "
                "samordnaren fortsätter inför utskrivningen."
            ),
        ),
        guardians=(
            DemoGuardian("Hibaaq", "Jama", tel(59)),
            DemoGuardian("Yusuf", "Jama", tel(60)),
        ),
        members=ALL_MEMBERS,
        recommendations=(propose(383),),
        assessment=DemoAssessment(
            370,
            "Våld med vapen, tidigare dom och kamrater i kriminella nätverk. Hög risk. "
            "Insatsgruppen prövas som alternativ till placering.",
            risk=(
                "strategiskt_debutbrott",
                "tidigare_domd",
                "brott_med_andra",
                "familj_vanner_brott",
                "flera_riskfaktorer",
            ),
            protective=("fysisk_halsa",),
            irk=("kriminell_historia", "attityder", "relationer", "alkohol_droger"),
            debut_crime=DebutCrime.ROBBERY,
            threat_level=ThreatLevel.HIGH,
            threat="Utsatt för hot från en annan grupp efter en konflikt. Skyddsbedömning gjord.",
        ),
        ester=DemoEster("2221221112112222211", midway=(200, 2), closure=(65, -2)),
        consents=sig_consents(358, until_followup=True),
        notes=(
            DemoNote(
                "falt",
                "fritid",
                300,
                "Gymmet",
                "Har börjat träna på gymmet vid fritidsgården och kommer på utsatta tider.",
                kind=POS,
            ),
            DemoNote(
                "polis",
                "polis",
                150,
                "Gripen",
                "Gripen misstänkt för olaga hot mot en jämnårig. Släppt efter förhör.",
                kind=INC,
            ),
            DemoNote(
                "polis",
                "polis",
                68,
                "Anhållen",
                "Anhållen misstänkt för grov misshandel. Socialjouren underrättad.",
                kind=INC,
            ),
        ),
        profile=DemoProfile(
            area="Husby",
            parents_separated=NO,
            earlier_interventions=YES,
            earlier_interventions_text="Ungdomstjänst 2025, särskilt kvalificerad kontaktperson.",
            substance_use=YES,
            main_drug="Cannabis",
            crime_types=(CrimeType.ASSAULT, CrimeType.WEAPONS, CrimeType.ROBBERY),
            prior_conviction=YES,
        ),
        counts=DemoCounts(before=(5, 2, 1), during=(4, 2, 1)),
    ),
    # 26. He withdrew his consent; the six-month follow-up is overdue.
    DemoYouth(
        first_name="Robin",
        last_name="Hedlund",
        born=date(2007, 7, 7),
        serial=979,
        sex=M,
        address="Granitbacken 9, 164 40 Kista",
        phone=tel(61),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. Narkotikabruk och stölder för att finansiera det.",
        reason=(
            "Fältassistenterna har sett honom påverkad flera gånger. Misstänkt för stölder i "
            "butiker, troligen för att betala för narkotika."
        ),
        course=Course(
            referred=560,
            referrer="falt",
            received=558,
            preparation=550,
            screening=541,
            information=522,
            informed=((520, ALL_POINTS),),
            decided=512,
            group=510,
            lead_contact="falt",
            active=508,
            closed=280,
            closure_reason=ClosureReason.CONSENT_WITHDRAWN,
            closure_summary=(
                "Robin fyllde 18 och återkallade samtycket: han vill inte att myndigheterna "
                "talar med varandra om honom. Han erbjöds fortsatt stöd från Maria Ungdom "
                "och tackade ja till det."
            ),
        ),
        guardians=(
            DemoGuardian("Pia", "Hedlund", tel(62)),
            DemoGuardian("Stefan", "Hedlund", tel(63)),
        ),
        members=("handlaggare", "polis", "skola", "falt"),
        recommendations=(propose(543),),
        assessment=DemoAssessment(
            530,
            "Narkotikabruk och stölder för att finansiera det; bristande struktur på dagarna. "
            "Ambivalent till stöd. Måttlig risk.",
            risk=("skolk", "brott_med_andra", "skolprestationer"),
            protective=("intelligens",),
            irk=("alkohol_droger", "skola_arbete", "fritid"),
        ),
        ester=DemoEster("1112011101101122210", midway=(400, 1)),
        consents=(
            DemoConsent(
                "samordnare",
                ("identitet", "socialtjanst", "plan"),
                (POLICE, SCHOOL, FIELD),
                518,
                oral_note="Lämnat muntligt av Robin och båda vårdnadshavarna.",
                until_followup=True,
                revoked="Robin Hedlund",
                revoked_days_ago=285,
            ),
            DemoConsent(
                "polis",
                ("polis",),
                (SOCIAL,),
                517,
                oral_note="Lämnat muntligt i samtal med kontaktpolisen.",
                revoked="Robin Hedlund",
                revoked_days_ago=285,
            ),
        ),
        notes=(
            DemoNote(
                "falt",
                "fritid",
                450,
                "Träff i centrum",
                "Robin var nykter och berättade att han har börjat på en praktik i en "
                "cykelverkstad.",
                kind=POS,
            ),
            DemoNote(
                "polis",
                "polis",
                330,
                "Snatteri",
                "Misstänkt för snatteri i livsmedelsbutik. Påverkad vid ingripandet.",
                kind=INC,
            ),
            DemoNote(
                "samordnare",
                "socialtjanst",
                285,
                "Samtycket återkallat",
                "Robin ringde och sa att han inte längre vill att polis och socialtjänst talar "
                "om honom. Informerad om att stödet från socialtjänsten finns kvar.",
            ),
        ),
        profile=DemoProfile(
            area="Kista",
            parents_separated=YES,
            earlier_interventions=YES,
            earlier_interventions_text="Öppenvård för missbruk 2024.",
            substance_use=YES,
            main_drug="Cannabis och tabletter",
            crime_types=(CrimeType.THEFT, CrimeType.DRUGS),
        ),
        counts=DemoCounts(before=(4, 2, 0), during=(2, 1, 0)),
    ),
    # 27. The beredningsgrupp did not propose a SIG: closed without one (no follow-ups).
    DemoYouth(
        first_name="Tim",
        last_name="Vesterberg",
        born=date(2010, 2, 2),
        serial=913,
        sex=M,
        address="Glimmerstråket 2, 163 73 Spånga",
        phone=tel(64),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. En misstanke om skadegörelse; i övrigt inga kända risker.",
        reason="Misstänkt för skadegörelse på skolan tillsammans med klasskamrater.",
        course=Course(
            referred=150,
            referrer="skola",
            received=148,
            preparation=140,
            closed=125,
            closure_reason=ClosureReason.OTHER_INTERVENTION,
            closure_summary=(
                "Beredningsgruppen föreslog ingen insatsgrupp: behoven kan mötas av skolans "
                "elevhälsa och ett föräldrastöd som familjen själv har bett om."
            ),
        ),
        guardians=(
            DemoGuardian("Anna", "Vesterberg", tel(65)),
            DemoGuardian("Olof", "Vesterberg", tel(66)),
        ),
        recommendations=(
            DemoRecommendation(
                132,
                NOT,
                "En enstaka händelse och inga andra riskfaktorer. Elevhälsan och föräldrastöd "
                "räcker.",
            ),
        ),
    ),
    # 28. Another intervention needed; the six-month follow-up is due next month.
    DemoYouth(
        first_name="Ibrahim",
        last_name="Koné",
        born=date(2008, 10, 10),
        serial=937,
        sex=M,
        address="Gnejsgatan 3, 164 36 Kista",
        phone=tel(67),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. Narkotikaförsäljning och ett växande bruk.",
        reason="Gripen för försäljning av cannabis i skolan. Drogtest positivt.",
        course=Course(
            referred=480,
            referrer="polis",
            received=478,
            preparation=470,
            screening=460,
            information=440,
            informed=((438, ALL_POINTS),),
            decided=430,
            group=428,
            lead_contact="falt",
            active=425,
            closed=150,
            closure_reason=ClosureReason.OTHER_INTERVENTION,
            closure_summary=(
                "Bruket har ökat trots insatserna. Behandling på Maria Ungdom och "
                "MST för familjen tar över; insatsgruppen avslutas efter överlämning."
            ),
        ),
        guardians=(DemoGuardian("Aminata", "Koné", tel(68)),),
        members=ALL_MEMBERS,
        recommendations=(propose(462),),
        assessment=DemoAssessment(
            448,
            "Narkotikaförsäljning och eget bruk, kamrater som säljer. Bra kontakt med "
            "mamman. Måttlig till hög risk.",
            risk=("brott_med_andra", "familj_vanner_brott", "skolk"),
            protective=("fysisk_halsa", "social_formaga"),
            irk=("alkohol_droger", "relationer", "skola_arbete"),
        ),
        ester=DemoEster("1022111100011121210", midway=(300, 1), closure=(152, -1)),
        consents=sig_consents(436, until_followup=True, recipients=(POLICE, SCHOOL, CAMHS)),
        notes=(
            DemoNote(
                "bup",
                "halsa",
                320,
                "Drogscreening",
                "Fortsatt positiva prover. Ibrahim säger att han vill sluta men inte klarar det "
                "på egen hand.",
            ),
            DemoNote(
                "samordnare",
                "plan",
                155,
                "Avslutande nätverksmöte",
                "Överlämning till Maria Ungdom och MST. Ibrahim och mamman var med och tyckte "
                "att det var rätt beslut.",
            ),
        ),
        profile=DemoProfile(
            area="Akalla",
            parents_separated=YES,
            earlier_interventions=NO,
            substance_use=YES,
            main_drug="Cannabis",
            crime_types=(CrimeType.DRUGS,),
            waived_prosecution=YES,
        ),
        counts=DemoCounts(before=(2, 1, 0), during=(3, 2, 1)),
    ),
    # --- efterföljd ----------------------------------------------------------------------
    # 29. Goals met; both follow-ups done.
    DemoYouth(
        first_name="William",
        last_name="Sjödin",
        born=date(2007, 9, 15),
        serial=953,
        sex=M,
        address="Basaltgränd 8, 164 31 Kista",
        phone=tel(69),
        school="Rinkebyskolan",
        summary="Pojke i gymnasieåldern. Tillgrepp av fordon och olaga hot; slutat i skolan.",
        reason="Misstänkt för tillgrepp av bil och för olaga hot mot en butiksanställd.",
        course=Course(
            referred=760,
            referrer="falt",
            received=758,
            preparation=750,
            screening=739,
            information=720,
            informed=((718, ALL_POINTS),),
            decided=710,
            group=708,
            lead_contact="falt",
            mandates=("polis", "skola"),
            active=705,
            closed=385,
            closure_reason=ClosureReason.GOALS_MET,
            closure_summary=(
                "Har gått ut gymnasiet och fått anställning som lagerarbetare. Inga nya "
                "misstankar det senaste året. William gav insatsgruppen betyget 4 av 5."
            ),
            followups=(
                DemoFollowUp(
                    6,
                    198,
                    "Arbetar heltid och bor kvar hemma. Inga nya anmälningar.",
                ),
                DemoFollowUp(
                    12,
                    14,
                    "Har flyttat till eget boende och har kvar sitt arbete. Inga nya "
                    "anmälningar under året.",
                ),
            ),
        ),
        guardians=(
            DemoGuardian("Eva", "Sjödin", tel(70)),
            DemoGuardian("Lars", "Sjödin", tel(71)),
        ),
        members=ALL_MEMBERS,
        recommendations=(propose(741),),
        assessment=DemoAssessment(
            728,
            "Strategiskt debutbrott och avbruten skolgång, men stabil familj och stark "
            "drivkraft. Måttlig risk.",
            risk=("strategiskt_debutbrott", "skolk", "brott_med_andra"),
            protective=("driv", "fysisk_halsa", "kanslomassig_stabilitet"),
            irk=("kriminell_historia", "skola_arbete", "fritid"),
            debut_crime=DebutCrime.VEHICLE,
        ),
        ester=DemoEster("2110111000000122210", midway=(560, 4), closure=(390, 8)),
        consents=sig_consents(716, until_followup=True),
        notes=(
            DemoNote(
                "skola",
                "skola",
                600,
                "Tillbaka i skolan",
                "Har börjat på ett introduktionsprogram med praktik två dagar i veckan.",
                kind=POS,
            ),
            DemoNote(
                "polis",
                "polis",
                540,
                "Kontroll",
                "Kontrollerad i en bil med äldre kamrater. Inget brott. Samtal med William om "
                "vilka han umgås med.",
                kind=INC,
            ),
        ),
        profile=DemoProfile(
            area="Kista",
            parents_separated=NO,
            earlier_interventions=NO,
            crime_types=(CrimeType.VEHICLE, CrimeType.THREAT),
            waived_prosecution=YES,
        ),
        counts=DemoCounts(before=(3, 1, 1), during=(1, 0, 0), after=(0, 0, 0)),
    ),
    # 30. Skärholmen: came through the motivation phase, closed when he aged out.
    DemoYouth(
        first_name="Marcus",
        last_name="Wallin",
        born=date(2004, 9, 18),
        serial=915,
        sex=M,
        address="Hjortronstigen 8, 127 47 Skärholmen",
        phone=tel(72),
        school="",
        summary="Ung vuxen man som frigetts efter ett straff för rån. Saknar bostad och arbete.",
        reason="Frivården aktualiserar inför frigivning efter ett straff för rån.",
        district=SKARHOLMEN,
        members=("polis.skarholmen",),
        course=Course(
            referred=790,
            kind=ReferralKind.PROBATION,
            source="Frivården Stockholm",
            motivation=785,
            preparation=740,
            screening=731,
            information=712,
            informed=((710, ALL_POINTS),),
            decided=700,
            group=698,
            lead_contact="samordnare.skarholmen",
            active=695,
            closed=400,
            closure_reason=ClosureReason.AGED_OUT,
            closure_summary=(
                "Marcus fyllde 21 och är över målgruppens ålder. Har eget kontrakt på en "
                "lägenhet och en anställning via Arbetsförmedlingen. Fortsatt kontakt med "
                "frivården."
            ),
            followups=(
                DemoFollowUp(6, 210, "Har kvar lägenheten och arbetet. Inga nya misstankar."),
                DemoFollowUp(
                    12,
                    30,
                    "Arbetar fortfarande. Har en ny vänkrets genom arbetet och fotbollen.",
                ),
            ),
        ),
        recommendations=(
            DemoRecommendation(
                775,
                MORE,
                "Vill se hur de första veckorna efter frigivningen går.",
                by="samordnare.skarholmen",
            ),
            propose(
                733,
                "Har hållit alla överenskommelser sedan frigivningen.",
                by="samordnare.skarholmen",
            ),
        ),
        assessment=DemoAssessment(
            720,
            "Tidigare dömd för rån, saknar bostad och arbete. Tydlig motivation efter "
            "frigivningen. Måttlig risk.",
            risk=("tidigare_domd", "strategiskt_debutbrott", "familj_vanner_brott"),
            protective=("driv", "fysisk_halsa"),
            irk=("kriminell_historia", "relationer", "skola_arbete"),
            debut_crime=DebutCrime.ROBBERY,
            by="samordnare.skarholmen",
        ),
        consents=(
            DemoConsent(
                "samordnare.skarholmen",
                ("identitet", "socialtjanst", "plan"),
                (POLICE_SK, EMPLOYMENT),
                708,
                oral_note=(
                    "Lämnat muntligt av Marcus själv. Gäller under insatsen och "
                    "uppföljningsåret efter avslut."
                ),
                until_followup=True,
            ),
        ),
        notes=(
            DemoNote(
                "samordnare.skarholmen",
                "socialtjanst",
                770,
                "Motivationssamtal",
                "Tredje samtalet sedan frigivningen. Marcus har sökt två jobb och kommer i tid "
                "till alla möten.",
                kind=POS,
            ),
            DemoNote(
                "polis.skarholmen",
                "polis",
                600,
                "Kontakt",
                "Träffade Marcus i centrum; han berättade att han har fått provanställning.",
                kind=POS,
            ),
        ),
        profile=DemoProfile(
            area="Skärholmen",
            parents_separated=YES,
            earlier_interventions=YES,
            earlier_interventions_text="Särskilt ungdomshem 2021–2022.",
            crime_types=(CrimeType.ROBBERY,),
            prior_conviction=YES,
        ),
        counts=DemoCounts(before=(3, 0, 1), during=(0, 0, 0), after=(0, 0, 0)),
    ),
    # --- avböjd --------------------------------------------------------------------------
    # 31. Told everything, then said no.
    DemoYouth(
        first_name="Nadia",
        last_name="Benali",
        born=date(2009, 5, 29),
        serial=982,
        sex=F,
        address="Kopparslingan 25, 164 42 Kista",
        phone=tel(73),
        school="Rinkebyskolan",
        summary="Flicka i gymnasieåldern. Misstänkt för misshandel i en konflikt mellan två grupper.",
        reason="Misstänkt för misshandel av en jämnårig flicka i en konflikt mellan två grupper.",
        course=Course(
            referred=140,
            referrer="polis",
            received=139,
            preparation=130,
            screening=123,
            information=100,
            informed=((98, ALL_POINTS),),
            declined=90,
            declined_reason=(
                "Nadia och vårdnadshavarna vill inte delta. Socialtjänsten erbjuder fortsatt "
                "stöd genom familjebehandling, som de har tackat ja till."
            ),
        ),
        guardians=(
            DemoGuardian("Samira", "Benali", tel(74)),
            DemoGuardian("Karim", "Benali", tel(75)),
        ),
        recommendations=(propose(125),),
        assessment=DemoAssessment(
            110,
            "Våld i en gruppkonflikt, i övrigt fungerande skolgång. Låg till måttlig risk.",
            risk=("brott_med_andra",),
            protective=("intelligens", "social_formaga", "fysisk_halsa"),
            irk=("relationer",),
        ),
        ester=DemoEster("1100100000000020100"),
    ),
    # 32. The guardians said no before the assessment.
    DemoYouth(
        first_name="Lukas",
        last_name="Grönberg",
        born=date(2011, 8, 8),
        serial=917,
        sex=M,
        address="Malmgårdsstigen 16, 164 41 Kista",
        phone="",
        school="Rinkebyskolan",
        summary="Pojke i årskurs 9. Hög frånvaro och misstänkt för inbrott i skolan.",
        reason="Misstänkt för inbrott i skolans lokaler en helg. Hög frånvaro sedan i våras.",
        course=Course(
            referred=65,
            referrer="skola",
            received=64,
            preparation=56,
            screening=46,
            declined=35,
            declined_reason=(
                "Vårdnadshavarna vill inte att fler myndigheter blir inblandade. De har fått "
                "information om att socialtjänstens stöd finns kvar och om hur de kan höra av "
                "sig om de ändrar sig."
            ),
        ),
        guardians=(
            DemoGuardian("Malin", "Grönberg", tel(76)),
            DemoGuardian("Henrik", "Grönberg", tel(77)),
        ),
        recommendations=(propose(48),),
    ),
]


# --- the plans and the network meetings ------------------------------------------------------
# By the youth's first name. Rinkeby-Kista meets every five weeks, Skärholmen every three (the
# local policies); Skärholmen holds a förmöte before the first meeting.

D = LifeDomain
A = DemoActivity
G = DemoSubGoal
I = DemoIntervention  # noqa: E741

PLANS: dict[str, DemoPlan] = {
    "Adam": DemoPlan(
        goal="Jag vill klara nian, spela fotboll och slippa polisen.",
        subgoals=(
            G(
                D.SCHOOL,
                "Närvaro i skolan över 90 procent.",
                "Jag vill gå till skolan varje dag, även när det är matte.",
                "ppppduu",
                (
                    A(
                        "Anpassad studiegång med matematikstöd två gånger i veckan.",
                        SCHOOL,
                        "skola",
                        due=21,
                        done=18,
                    ),
                    A(
                        "Ringa hem samma förmiddag vid ogiltig frånvaro.",
                        SCHOOL,
                        "skola",
                        due=14,
                        done=9,
                    ),
                    A(
                        "Ställa väckarklockan själv och gå hemifrån 07.45.",
                        SOCIAL,
                        youth_does=True,
                        due=7,
                        done=7,
                    ),
                    A(
                        "Boka studie- och yrkesvägledning inför gymnasievalet.",
                        SCHOOL,
                        "skola",
                        meeting=5,
                        due=21,
                    ),
                ),
            ),
            G(
                D.LEISURE,
                "En fast fritidsaktivitet två kvällar i veckan.",
                "Jag vill spela fotboll i ett lag igen.",
                "ppdduuu",
                (
                    A(
                        "Följa med Adam till P16-lagets träningar de första veckorna.",
                        FIELD,
                        "falt",
                        due=35,
                        done=30,
                    ),
                    A(
                        "Söka bidrag till träningsavgift och fotbollsskor.",
                        SOCIAL,
                        "handlaggare",
                        due=21,
                        done=16,
                    ),
                ),
            ),
            G(
                D.CRIME,
                "Inga nya brott och inte hänga vid centrum på kvällarna.",
                "Jag vill inte vara där de äldre killarna är.",
                "pppppdp",
                (
                    A(
                        "Orossamtal med Adam och föräldrarna om kamratkretsen.",
                        POLICE,
                        "polis",
                        due=21,
                        done=14,
                    ),
                    A(
                        "Samtal med Adam om bråket vid tunnelbanan och vad han gör nästa gång.",
                        POLICE,
                        "polis",
                        meeting=6,
                        decided=True,
                        due=14,
                    ),
                ),
            ),
            G(
                D.HEALTH,
                "Sova bättre och känna mindre oro inför skolan.",
                "Jag vill kunna somna innan tolv.",
                "epppddd",
                (A("Bedömningssamtal på BUP.", CAMHS, "bup", due=16, done=14),),
            ),
            G(
                D.ECONOMY,
                "Ett sommarjobb nästa sommar.",
                "Jag vill tjäna egna pengar.",
                "e",
                (
                    A(
                        "Anmäla Adam till Jobbtorget för sommarjobb.",
                        SOCIAL,
                        "handlaggare",
                        meeting=6,
                        decided=True,
                        due=30,
                    ),
                ),
                added=6,
            ),
        ),
        interventions=(
            I(
                "skola",
                "Skolstöd",
                "Anpassad studiegång och matematikstöd två gånger i veckan.",
                start=7,
            ),
            I(
                "falt",
                "Fritidsaktivitet",
                "Fotboll i P16-laget; fältassistenten följer med i början.",
                start=14,
            ),
            I(
                "handlaggare",
                "Familjebehandling",
                "Föräldrastöd till Hodan och Abdi varannan vecka.",
                start=0,
                end=150,
            ),
        ),
        meetings=DemoMeetings(
            held=(214, 179, 144, 109, 74, 40, 7),
            next=26,
            invited=True,
            minutes=(
                "Första nätverksmötet. Adam berättade själv vad han vill: klara nian och "
                "spela fotboll. Planen skrevs tillsammans med honom och föräldrarna.",
                "",
                "Frånvaron har minskat. Adam tycker att det är lättare att gå till skolan när "
                "han vet att någon ringer hem.",
                "",
                "Adam har varit med på alla matcher. Mamman berättade att han sover bättre.",
                "",
                "Genomgång av händelsen vid tunnelbanan tillsammans med Adam. Närvaron i skolan "
                "håller i sig. Nytt delmål: sommarjobb via Jobbtorget.",
            ),
            absent=((2, "bup"), (3, "Abdi"), (5, "bup")),
        ),
        revised=(6,),
    ),
    "Yasmin": DemoPlan(
        goal="",
        meetings=DemoMeetings(next=4),
    ),
    "Elsa": DemoPlan(
        goal="Jag vill ha det lugnt hemma och gå i skolan utan att må dåligt.",
        subgoals=(
            G(
                D.SCHOOL,
                "Närvaro varje dag, även på måndagar.",
                "Jag vill orka gå till skolan på måndagar.",
                "ppdd",
                (
                    A(
                        "En mentor som Elsa träffar varje måndag morgon.",
                        SCHOOL,
                        "skola",
                        due=14,
                        done=12,
                    ),
                    A(
                        "Ringa mentorn själv när hon inte kan komma.",
                        SCHOOL,
                        youth_does=True,
                        due=7,
                        done=10,
                    ),
                ),
            ),
            G(
                D.FAMILY,
                "Färre bråk hemma.",
                "Jag vill att vi kan prata utan att skrika.",
                "pppd",
                (
                    A(
                        "Familjesamtal varannan vecka med föräldrarna och Elsa.",
                        SOCIAL,
                        "handlaggare",
                        due=28,
                        done=20,
                    ),
                ),
            ),
            G(
                D.FRIENDS,
                "Ingen kontakt med den äldre pojkvännen och hans kamrater.",
                "Jag vill inte att han bestämmer över mig.",
                "eppd",
                (
                    A(
                        "Samtal med Elsa om hot och vart hon vänder sig.",
                        POLICE,
                        "polis",
                        due=14,
                        done=14,
                    ),
                ),
            ),
            G(
                D.LEISURE,
                "En fritidsaktivitet på helgerna.",
                "Jag vill börja dansa igen.",
                "e",
                (
                    A(
                        "Visa Elsa danskurserna på fritidsgården.",
                        FIELD,
                        "falt",
                        meeting=3,
                        decided=True,
                        due=30,
                    ),
                ),
                added=3,
            ),
        ),
        interventions=(
            I(
                "handlaggare",
                "FFT",
                "Funktionell familjeterapi för Elsa och föräldrarna.",
                start=10,
            ),
            I("skola", "Skolstöd", "Mentor varje måndag och anpassat schema.", start=3),
        ),
        meetings=DemoMeetings(
            held=(105, 72, 50, 25),
            next=9,
            minutes=(
                "Första nätverksmötet. Elsa var tyst i början men sa själv vad hon vill med "
                "skolan. Föräldrarna vill ha hjälp att prata med henne.",
                "",
                "",
                "Elsa var med hela mötet och berättade själv om vad som fungerar i skolan. "
                "Nästa delmål: en fritidsaktivitet på helgerna.",
            ),
            absent=((1, "Jonas"), (2, "bup")),
        ),
        revised=(3,),
    ),
    "Amir": DemoPlan(
        goal="Jag vill bo tryggt, lära mig svenska och få ett jobb.",
        subgoals=(
            G(
                D.HOUSING,
                "Känna sig trygg på boendet.",
                "Jag vill kunna sova utan att vara rädd.",
                "ppppdduu",
                (
                    A(
                        "Säkerhetsplan med boendet: larm och vem han ringer.",
                        POLICE,
                        "polis",
                        due=7,
                        done=5,
                    ),
                ),
            ),
            G(
                D.SCHOOL,
                "Närvaro på språkintroduktionen över 80 procent.",
                "Jag vill prata svenska så bra att jag kan jobba.",
                "pppdduuu",
                (
                    A(
                        "Studieplan och läxhjälp två gånger i veckan.",
                        SCHOOL,
                        "skola",
                        due=21,
                        done=21,
                    ),
                ),
            ),
            G(
                D.LEISURE,
                "Träna något flera kvällar i veckan.",
                "Jag vill boxas.",
                "epdduuuu",
                (
                    A(
                        "Följa med Amir till boxningsklubben.",
                        FIELD,
                        "falt",
                        meeting=1,
                        due=28,
                        done=30,
                    ),
                ),
            ),
            G(
                D.ECONOMY,
                "Bli av med skulden och inte sälja åt någon.",
                "Jag vill inte vara skyldig någon något.",
                "pppppddu",
                (
                    A(
                        "Kontakta Jobbtorget om sommarjobb.",
                        SOCIAL,
                        "handlaggare",
                        meeting=7,
                        decided=True,
                        due=21,
                    ),
                ),
            ),
        ),
        interventions=(
            I(
                "handlaggare",
                "Särskilt kvalificerad kontaktperson",
                "Kontaktperson tre timmar i veckan, med erfarenhet av hot och skulder.",
                start=5,
            ),
            I("falt", "Fritidsaktivitet", "Boxning tre kvällar i veckan.", start=60),
            I("skola", "Skolstöd", "Läxhjälp på språkintroduktionen.", start=10),
        ),
        meetings=DemoMeetings(
            held=(240, 206, 172, 138, 104, 70, 44, 18),
            next=14,
            minutes=(
                "Första nätverksmötet, med tolk. Säkerhetsplanen gicks igenom med Amir och "
                "hans gode man.",
                "Genomgång efter hotet på boendet. Amir vill bo kvar; boendet har fått larm.",
                "",
                "",
                "",
                "",
                "",
                "Skulden är enligt Amir avbetald och han har inte blivit uppsökt sedan i våras. "
                "Han vill söka sommarjobb; Jobbtorget kontaktas.",
            ),
            absent=((3, "Göran"), (5, "youth")),
        ),
    ),
    "Leo": DemoPlan(
        goal="Jag vill inte bli så arg att jag förstör för mig själv.",
        subgoals=(
            G(
                D.CRIME,
                "Ingen ny våldshandling.",
                "Jag vill gå därifrån innan det smäller.",
                "pppdd",
                (
                    A("ART-grupp en gång i veckan.", SOCIAL, "handlaggare", due=21, done=21),
                    A("Uppföljande samtal om misstankarna.", POLICE, "polis", due=28, done=25),
                ),
            ),
            G(
                D.SCHOOL,
                "Närvaro över 80 procent.",
                "Jag vill klara gymnasiet.",
                "ppdpu",
                (A("Mentorn stämmer av med Leo varje fredag.", SCHOOL, "skola", due=7, done=7),),
            ),
            G(
                D.HEALTH,
                "Förstå varför han blir arg så fort.",
                "Jag vill veta varför det blir så.",
                "epppp",
                (
                    A("Neuropsykiatrisk utredning.", CAMHS, "bup", meeting=1, due=60, done=55),
                    A(
                        "Boka återkoppling av utredningen med Leo och mamman.",
                        CAMHS,
                        "bup",
                        meeting=3,
                        due=21,
                    ),
                ),
            ),
            G(
                D.FAMILY,
                "Lugnare hemma och kontakt med pappan.",
                "Jag vill träffa pappa varannan helg.",
                "ppppd",
            ),
        ),
        interventions=(
            I(
                "handlaggare",
                "ART",
                "Aggression Replacement Training i grupp, tio veckor.",
                start=14,
                end=90,
            ),
            I("skola", "Skolstöd", "Mentor och anpassat schema.", start=0),
        ),
        meetings=DemoMeetings(
            held=(146, 111, 76, 42, 8),
            next=24,
            premeeting=3,
            premeeting_minutes=(
                "Förmöte efter konflikten på lektionen: hur mötet läggs upp så att Leo inte "
                "känner sig uthängd."
            ),
            minutes=(
                "Första nätverksmötet. Leo och mamman var med; pappan deltar nästa gång.",
                "Pappan var med för första gången. Leo vill gå i ART-gruppen.",
                "",
                "Genomgång av konflikten på lektionen tillsammans med Leo. Utredningen på BUP "
                "är klar; återkoppling bokas.",
                "",
            ),
            absent=((0, "Mattias"),),
            stand_ins=((1, "polis", "polischef"), (2, "polis", ""), (3, "polis", "polischef")),
        ),
    ),
    "Sofia": DemoPlan(
        goal="Jag vill bo hemma och känna mig trygg.",
        subgoals=(
            G(
                D.FAMILY,
                "Bo hemma varje natt.",
                "Jag vill inte behöva sova hos någon annan.",
                "pp",
                (
                    A(
                        "Familjesamtal med Sofia och mamman varje vecka.",
                        SOCIAL,
                        "handlaggare",
                        due=14,
                        done=10,
                    ),
                ),
            ),
            G(
                D.SCHOOL,
                "Gå i skolan varje dag.",
                "Jag vill ha mina kompisar i skolan.",
                "pd",
                (A("Kuratorn träffar Sofia varje vecka.", SCHOOL, "skola", due=7, done=7),),
            ),
            G(
                D.OTHER,
                "En vuxen att ringa dygnet runt.",
                "Jag vill ha någon att ringa när det känns fel.",
                "pd",
                (
                    A(
                        "Fältassistenten blir lots och ger Sofia sitt nummer.",
                        FIELD,
                        "falt",
                        due=3,
                        done=1,
                    ),
                    A(
                        "Gå igenom säkerhetsplanen med Sofia och mamman.",
                        POLICE,
                        "polis",
                        due=14,
                        done=12,
                    ),
                ),
            ),
            G(
                D.LEISURE,
                "En aktivitet på fritidsgården.",
                "Jag vill dansa.",
                "ep",
                (
                    A(
                        "Gå på danskursen på fritidsgården.",
                        FIELD,
                        "falt",
                        youth_does=True,
                        meeting=1,
                        due=14,
                        done=13,
                    ),
                ),
            ),
        ),
        interventions=(
            I("handlaggare", "MST", "Multisystemisk terapi för Sofia och mamman.", start=20),
            I("falt", "Fritidsaktivitet", "Danskurs på fritidsgården.", start=50),
        ),
        meetings=DemoMeetings(
            held=(75, 42),
            premeeting=0,
            premeeting_minutes=(
                "Förmöte utan Sofia om hotbilden: vad polisen vet om mannen som har kontaktat "
                "henne och vad som kan sägas på nätverksmötet."
            ),
            minutes=(
                "Första nätverksmötet. Mål: bo hemma, gå i skolan och ha en vuxen att ringa "
                "dygnet runt. Fältassistenten blir lots.",
                "Genomgång efter natten hon var försvunnen. Sofia säger att hon ringde "
                "lotsen, men att telefonen var avstängd.",
            ),
        ),
    ),
    "Lejla": DemoPlan(
        goal="Jag vill klara gymnasiet och ha kompisar som inte drar in mig i saker.",
        subgoals=(
            G(
                D.SCHOOL,
                "Fullfölja första året på gymnasiet.",
                "Jag vill inte behöva gå om.",
                "pppdddu",
                (
                    A(
                        "Träffa kuratorn varannan vecka.",
                        SOCIAL_SK,
                        "samordnare.skarholmen",
                        due=14,
                        done=14,
                    ),
                ),
            ),
            G(
                D.FRIENDS,
                "Nya kamrater genom fritidsgården.",
                "Jag vill ha kompisar som gör andra saker.",
                "epppddd",
                (
                    A(
                        "Besöka fritidsgårdens tjejgrupp.",
                        SOCIAL_SK,
                        youth_does=True,
                        due=21,
                        done=21,
                    ),
                ),
            ),
            G(
                D.CRIME,
                "Inte förvara något åt någon.",
                "Jag vill kunna säga nej.",
                "ppppduu",
                (
                    A(
                        "Samtal med kontaktpolisen om hur man säger nej.",
                        POLICE_SK,
                        "polis.skarholmen",
                        due=21,
                        done=18,
                    ),
                    A(
                        "Samtal med kontaktpolisen inför jullovet.",
                        POLICE_SK,
                        "polis.skarholmen",
                        meeting=6,
                        decided=True,
                        due=21,
                    ),
                ),
            ),
        ),
        interventions=(
            I("samordnare.skarholmen", "MI", "Motiverande samtal varannan vecka.", start=0),
        ),
        meetings=DemoMeetings(
            held=(134, 113, 92, 71, 50, 29, 8),
            next=13,
            invited=True,
            premeeting=0,
            premeeting_minutes=(
                "Förmöte med kontaktpolisen: vad kan sägas om misstankarna när Lejla och "
                "föräldrarna är med."
            ),
            minutes=(
                "Första nätverksmötet. Mål: fullföljt första året på gymnasiet och nya "
                "kamrater genom fritidsgården. Nästa möte om tre veckor.",
            ),
            absent=((2, "Senad"), (4, "Senad")),
        ),
    ),
    # --- closed and followed up ---
    "Jonathan": DemoPlan(
        goal="Jag vill klara skolan och inte bli som min bror.",
        subgoals=(
            G(
                D.SCHOOL,
                "Närvaro över 90 procent.",
                "Jag vill ta studenten.",
                "pppdduu",
                (
                    A(
                        "Närvarokontrakt och avstämning med mentorn varje vecka.",
                        SCHOOL,
                        "skola",
                        due=14,
                        done=12,
                    ),
                ),
            ),
            G(
                D.CRIME,
                "Inga nya stölder.",
                "Jag vill inte bli tagen igen.",
                "ppnpduu",
                (A("Orossamtal med Jonathan och mamman.", POLICE, "polis", due=14, done=10),),
            ),
            G(
                D.LEISURE,
                "Spela fotboll i en klubb.",
                "Jag vill spela match.",
                "ppduuuu",
                (A("Följa med till klubbens träningar.", FIELD, "falt", due=30, done=28),),
            ),
            G(
                D.ECONOMY,
                "Ett sommarjobb.",
                "Jag vill ha egna pengar.",
                "epppduu",
                (
                    A(
                        "Söka sommarjobb via Jobbtorget.",
                        SOCIAL,
                        "handlaggare",
                        meeting=6,
                        decided=True,
                        due=45,
                        done=40,
                    ),
                ),
            ),
        ),
        interventions=(
            I(
                "handlaggare",
                "Familjebehandling",
                "Stöd till Jonathan och mamman.",
                start=0,
                end=200,
            ),
            I("skola", "Skolstöd", "Närvarokontrakt och mentor.", start=5),
            I("falt", "Fritidsaktivitet", "Fotboll i föreningen.", start=20),
        ),
        meetings=DemoMeetings(
            held=every(585, 215, 35),
            minutes=(
                "Första nätverksmötet. Jonathan berättade om brodern och varför han vill något "
                "annat.",
                "",
                "Genomgång efter den nya anmälan om cykelstöld. Jonathan erkänner och vill "
                "fortsätta i insatsgruppen.",
            )
            + ("",) * 8
            + (
                "Avslutande nätverksmöte. Genomgång av målen: alla delmål nådda. Jonathan "
                "tyckte att det var bra att ha en och samma vuxen att ringa.",
            ),
            absent=((4, "bup"), (7, "youth")),
        ),
    ),
    "Alva": DemoPlan(
        goal="Jag vill gå klart skolan och glömma det som hände.",
        subgoals=(
            G(
                D.SCHOOL,
                "Skolgång utan ogiltig frånvaro.",
                "Jag vill ha godkänt i alla ämnen.",
                "ppddddd",
                (A("Extra stöd i matematik.", SCHOOL, "skola", due=21, done=21),),
            ),
            G(
                D.FRIENDS,
                "Avstånd till de äldre flickorna.",
                "Jag vill inte träffa dem.",
                "pppdduu",
                (A("Samtal med Alva om att lämna gruppen.", POLICE, "polis", due=21, done=20),),
            ),
            G(
                D.LEISURE,
                "En ny fritidsaktivitet.",
                "Jag vill rida.",
                "epduuuu",
                (A("Hitta ett ridhus och söka bidrag.", SOCIAL, "handlaggare", due=30, done=35),),
            ),
        ),
        interventions=(
            I("skola", "Skolstöd", "Matematikstöd och mentor.", start=5),
            I(
                "handlaggare",
                "Fritidsaktivitet",
                "Bidrag till ridning en kväll i veckan.",
                start=40,
            ),
        ),
        meetings=DemoMeetings(
            held=every(465, 250, 35),
            minutes=("Första nätverksmötet. Alva och mamman var med och skrev planen.",)
            + ("",) * 5
            + ("Sista mötet före flytten: överlämning till socialtjänsten i den nya kommunen.",),
        ),
    ),
    "Mohammed": DemoPlan(
        goal="Jag vill kunna gå ut utan att vara rädd och sluta med det gamla.",
        subgoals=(
            G(
                D.CRIME,
                "Inga nya våldsbrott och inga vapen.",
                "Jag vill inte bära kniv.",
                "pppnpnnnn",
                (A("Avhopparsamtal med kontaktpolisen.", POLICE, "polis", due=21, done=21),),
            ),
            G(
                D.LEISURE,
                "Träna på gymmet flera gånger i veckan.",
                "Jag vill bli stark på riktigt.",
                "pdduuudd",
                (A("Gymkort och fasta tider vid fritidsgården.", FIELD, "falt", due=14, done=14),),
            ),
            G(
                D.SUBSTANCES,
                "Sluta röka cannabis.",
                "Jag vill klara en månad utan.",
                "pppppnnn",
                (
                    A(
                        "Samtal och provtagning på Maria Ungdom.",
                        SOCIAL,
                        "handlaggare",
                        due=30,
                        done=28,
                    ),
                ),
            ),
        ),
        interventions=(
            I(
                "handlaggare",
                "MST",
                "Multisystemisk terapi för familjen.",
                start=10,
                cancelled=True,
                end=280,
            ),
            I("falt", "Fritidsaktivitet", "Gym vid fritidsgården.", start=40),
        ),
        meetings=DemoMeetings(
            held=every(348, 62, 35),
            minutes=(
                "Första nätverksmötet. Mohammed vill pröva insatsgruppen i stället för placering.",
            )
            + ("",) * 7
            + (
                "Efter att Mohammed anhölls. Socialtjänsten ansöker om vård enligt LVU; "
                "insatsgruppen avslutas när placeringen är klar.",
            ),
            absent=((8, "youth"),),
        ),
    ),
    "Robin": DemoPlan(
        goal="Jag vill få ordning på dagarna och sluta ta saker.",
        subgoals=(
            G(
                D.SUBSTANCES,
                "Minska och sedan sluta med droger.",
                "Jag vill vara klar i huvudet.",
                "pppnnpn",
                (A("Kontakt med Maria Ungdom.", SOCIAL, "handlaggare", due=21, done=25),),
            ),
            G(
                D.SCHOOL,
                "En praktik eller sysselsättning varje vardag.",
                "Jag vill jobba med cyklar.",
                "epuuudd",
                (A("Praktik i cykelverkstaden.", FIELD, "falt", due=30, done=28),),
            ),
            G(
                D.CRIME,
                "Inga nya stölder.",
                "Jag vill inte snatta mer.",
                "pppnppn",
            ),
        ),
        interventions=(I("handlaggare", "MI", "Motiverande samtal varannan vecka.", start=0),),
        meetings=DemoMeetings(
            held=every(508, 292, 35),
            absent=((3, "youth"), (5, "youth")),
        ),
    ),
    "Ibrahim": DemoPlan(
        goal="Jag vill sluta sälja och sluta röka.",
        subgoals=(
            G(
                D.SUBSTANCES,
                "Sluta använda cannabis.",
                "Jag vill klara mig utan.",
                "ppnnnnnn",
                (A("Drogscreening varannan vecka.", CAMHS, "bup", due=14, done=14),),
            ),
            G(
                D.CRIME,
                "Inte sälja narkotika.",
                "Jag vill inte bli gripen igen.",
                "pppnpnnn",
                (A("Samtal med kontaktpolisen om gruppen.", POLICE, "polis", due=21, done=21),),
            ),
            G(
                D.SCHOOL,
                "Gå i skolan.",
                "Jag vill klara matten.",
                "ppdddddd",
                (A("Studiestöd efter skoltid.", SCHOOL, "skola", due=14, done=14),),
            ),
        ),
        interventions=(
            I("handlaggare", "MI", "Motiverande samtal.", start=0, end=180),
            I("skola", "Skolstöd", "Studiestöd efter skoltid.", start=7),
            I("handlaggare", "MST", "MST för Ibrahim och mamman inför överlämningen.", start=260),
        ),
        meetings=DemoMeetings(
            held=every(425, 155, 35),
            minutes=("Första nätverksmötet. Ibrahim och mamman var med.",)
            + ("",) * 7
            + (
                "Avslutande nätverksmöte. Överlämning till Maria Ungdom och MST. Ibrahim och "
                "mamman tyckte att det var rätt beslut.",
            ),
        ),
    ),
    "William": DemoPlan(
        goal="Jag vill ha ett jobb och klara mig själv.",
        subgoals=(
            G(
                D.SCHOOL,
                "Gå ut ett introduktionsprogram med praktik.",
                "Jag vill ha ett riktigt jobb.",
                "pppdddduuu",
                (
                    A(
                        "Plats på introduktionsprogram med praktik.",
                        SCHOOL,
                        "skola",
                        due=30,
                        done=28,
                    ),
                ),
            ),
            G(
                D.CRIME,
                "Inga nya brott.",
                "Jag vill inte åka fast igen.",
                "ppppduuuuu",
                (
                    A(
                        "Samtal om kamraterna i bilen.",
                        POLICE,
                        "polis",
                        meeting=4,
                        decided=True,
                        due=14,
                        done=10,
                    ),
                ),
            ),
            G(
                D.LEISURE,
                "Träna regelbundet.",
                "Jag vill börja spela innebandy.",
                "epddduuuuu",
                (A("Följa med till innebandyn.", FIELD, "falt", due=21, done=20),),
            ),
        ),
        interventions=(
            I(
                "skola",
                "Skolstöd",
                "Introduktionsprogram med praktik två dagar i veckan.",
                start=60,
            ),
            I("falt", "Fritidsaktivitet", "Innebandy i föreningen.", start=30),
            I(
                "handlaggare",
                "Ungdomsterapeut",
                "Samtal om impulser och kamratval.",
                start=0,
                end=200,
            ),
        ),
        meetings=DemoMeetings(
            held=every(705, 385, 35),
            absent=((2, "Lars"), (6, "bup")),
        ),
    ),
    "Marcus": DemoPlan(
        goal="Jag vill ha en egen lägenhet och ett jobb, och aldrig tillbaka in.",
        subgoals=(
            G(
                D.HOUSING,
                "Eget kontrakt på en lägenhet.",
                "Jag vill ha en egen nyckel.",
                "ppppdduu",
                (
                    A(
                        "Ansöka om träningslägenhet.",
                        SOCIAL_SK,
                        "samordnare.skarholmen",
                        due=30,
                        done=28,
                    ),
                ),
            ),
            G(
                D.SCHOOL,
                "Ett arbete.",
                "Jag vill jobba, vad som helst.",
                "pppduuuu",
                (
                    A(
                        "Söka jobb via Arbetsförmedlingen varje vecka.",
                        SOCIAL_SK,
                        youth_does=True,
                        due=21,
                        done=21,
                    ),
                ),
            ),
            G(
                D.FRIENDS,
                "En ny vänkrets.",
                "Jag vill inte träffa de gamla.",
                "eppppddu",
                (
                    A(
                        "Samtal med kontaktpolisen om de gamla kamraterna.",
                        POLICE_SK,
                        "polis.skarholmen",
                        due=21,
                        done=14,
                    ),
                ),
            ),
        ),
        interventions=(
            I(
                "samordnare.skarholmen",
                "Särskilt kvalificerad kontaktperson",
                "Kontaktperson de första månaderna efter frigivningen.",
                start=0,
                end=180,
            ),
        ),
        meetings=DemoMeetings(
            held=every(695, 400, 21),
            premeeting=0,
            premeeting_minutes="Förmöte med kontaktpolisen inför det första mötet med Marcus.",
        ),
    ),
}
