"""The national-scale data set of the benchmark (`manage.py bench_seed --scale N`).

At N=1: 290 municipalities, 50 000 youths whose cases opened over ten years, about 500 000
network meetings, 1 000 000 plan items (sub-goals and activities), 300 000 consents and
5 000 000 audit records, with everything a case page, a plan, a meeting, the portal and the
follow-up report read: members, representatives, referral, lifecycle, information, decision,
baseline and counts, consents with givers, categories and recipients, plan versions, goal
reviews, interventions, notes, attendance, closures and follow-ups, portal accounts.

Deterministic: the same `seed` and `today` give the same rows, codes and hashes (dates are
counted back from `today`, so that "active" and "valid" mean the same on the day it runs).
Sizes follow the municipalities' population (a Zipf curve: the largest has about 8 % of the
youths); the meetings, plan items, consents and audit records are spread over the cases in
proportion to how long each has run. The rows are written straight into the tables
(`bench.writer`), not through the services: the services' rules are tested elsewhere, and 12
million rows through them would take hours. The audit records carry real row hashes in time
order, so `audit_seal` and `audit_verify` work on them.
"""

from __future__ import annotations

import hashlib
import logging
import math
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.audit.models import Action, AuditRecord
from samsyn.audit.services import audit_seal
from samsyn.cases.demo_data import check_digit
from samsyn.cases.models import (
    CODE_ALPHABET,
    Case,
    CaseMember,
    CaseProfile,
    CaseState,
    CaseTransition,
    Closure,
    ClosureReason,
    FollowUp,
    Guardian,
    InformationGiven,
    InformationPoint,
    JournalNote,
    LegalBasis,
    Measure,
    NoteKind,
    OutcomeCount,
    Period,
    Referral,
    ReferralKind,
    Representation,
    Sex,
    SigDecision,
    Youth,
)
from samsyn.consent.models import AgeRule, Consent, ConsentForm, ConsentGiver, DataCategory
from samsyn.lib.dates import add_months
from samsyn.lib.personnummer import age_on
from samsyn.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
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
from samsyn.plans.models import (
    ActionPlan,
    Activity,
    GoalReview,
    GoalStatus,
    Intervention,
    InterventionKind,
    InterventionStatus,
    LifeDomain,
    PlanVersion,
    SubGoal,
)
from samsyn.portal.models import AccountKind, PortalAccount

from .writer import Writer

PASSWORD = "samsyn-bench-2026"  # every bench person; printed by bench_seed
PIN = "2468"  # every bench portal account

# Parents before children: the order every flush writes in.
ORDER: list[type[models.Model]] = [
    Municipality,
    District,
    Organisation,
    LocalPolicy,
    Person,
    RoleAssignment,
    TOTPDevice,
    Youth,
    Guardian,
    Case,
    CaseMember,
    Representation,
    Referral,
    CaseTransition,
    InformationGiven,
    SigDecision,
    CaseProfile,
    OutcomeCount,
    Consent,
    Consent.categories.through,
    Consent.recipients.through,
    ConsentGiver,
    Meeting,
    Attendance,
    ActionPlan,
    PlanVersion,
    SubGoal,
    Activity,
    GoalReview,
    Intervention,
    JournalNote,
    Closure,
    FollowUp,
    PortalAccount,
    AuditRecord,
]


@dataclass(frozen=True)
class Sizes:
    municipalities: int
    youths: int
    meetings: int
    plan_items: int
    consents: int
    audit: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        if scale <= 0:
            raise ValueError("Skalan måste vara större än 0.")
        return cls(
            municipalities=min(290, max(2, round(290 * scale))),
            youths=max(20, round(50_000 * scale)),
            meetings=round(500_000 * scale),
            plan_items=round(1_000_000 * scale),
            consents=round(300_000 * scale),
            audit=round(5_000_000 * scale),
        )


_PREFIX = "Sjö Berg Ek Lund Å Bro Holm Vik Dal Ny Gran Björk Sand Hög Strand Lind Ås Mal Norr Söder"
_SUFFIX = "by köping stad holm vik berga sala hammar torp ås dal näs fors lunda tuna"
_FIRST_F = [
    "Alva",
    "Elsa",
    "Maja",
    "Wilma",
    "Ella",
    "Saga",
    "Nora",
    "Alice",
    "Julia",
    "Ebba",
    "Sara",
    "Amira",
    "Leila",
    "Hanna",
    "Ida",
]
_FIRST_M = [
    "Liam",
    "Noah",
    "Elias",
    "Hugo",
    "Adam",
    "Leo",
    "Ali",
    "Omar",
    "Oscar",
    "Lucas",
    "William",
    "Isak",
    "Adrian",
    "Theo",
    "Milo",
]
_LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Mohammed",
    "Ali",
    "Hassan",
    "Ahmed",
    "Lindberg",
    "Berg",
    "Lindqvist",
    "Holm",
    "Axelsson",
    "Sandberg",
]
_GOALS = {
    LifeDomain.SCHOOL: "Gå till skolan varje dag och klara matte och svenska",
    LifeDomain.HEALTH: "Sova bättre och få hjälp med oron",
    LifeDomain.LEISURE: "Hitta en fritidsaktivitet att gå till varje vecka",
    LifeDomain.CRIME: "Inte begå nya brott",
    LifeDomain.FRIENDS: "Umgås med kompisar som inte håller på med brott",
    LifeDomain.FAMILY: "Färre bråk hemma",
    LifeDomain.SUBSTANCES: "Sluta röka cannabis",
}
_ACTIVITIES = [
    "Möte med mentor varje måndag",
    "Prova på boxning på fritidsgården",
    "Samtal med skolkurator",
    "Besök hos BUP för bedömning",
    "Kontaktpolisen träffar ungdomen en gång i månaden",
    "Sommarjobb via kommunen",
    "Föräldrastöd för vårdnadshavarna",
    "Läxhjälp två kvällar i veckan",
]
_NOTES = [
    ("Bra vecka i skolan", NoteKind.POSITIVE),
    ("Samtal med vårdnadshavare", NoteKind.NOTE),
    ("Frånvaro tre dagar", NoteKind.INCIDENT),
    ("Började på fotbollsträning", NoteKind.POSITIVE),
    ("Uppgifter från kontaktpolisen", NoteKind.NOTE),
]
_CRIMES = ["stold", "ran", "misshandel", "narkotika", "skadegorelse", "hot", "vapen"]
_READ_TYPES = [
    ("cases.case", 40),
    ("plans.actionplan", 20),
    ("meetings.meeting", 15),
    ("cases.journalnote", 15),
    ("consent.consent", 10),
]


@dataclass
class _Org:
    id: int
    code: uuid.UUID
    kind: str
    name: str


@dataclass
class _Person:
    id: int
    code: uuid.UUID
    username: str
    name: str
    org: _Org


@dataclass
class _Mun:
    id: int
    code: uuid.UUID
    name: str
    youths: int
    districts: list[int] = field(default_factory=list)
    orgs: dict[str, _Org] = field(default_factory=dict)
    people: dict[str, list[_Person]] = field(default_factory=dict)


@dataclass
class _Case:
    """What the later passes need of a case, kept small: 50 000 of them sit in memory."""

    id: int
    code: uuid.UUID
    youth_code: uuid.UUID
    mun: _Mun
    district: int | None
    opened: date
    state: str
    decided: date | None
    started: date | None
    closed: date | None
    end: date  # closed, or the seed's today for a case still open
    born: date
    coordinator: _Person
    members: list[_Person]
    guardians: list[int] = field(default_factory=list)
    plan_code: uuid.UUID | None = None
    item_codes: list[tuple[str, uuid.UUID]] = field(default_factory=list)

    @property
    def runs(self) -> bool:
        return self.started is not None


_GIVEN = (CaseState.ACTIVE, CaseState.CLOSED, CaseState.FOLLOWED_UP)


class Generator:
    def __init__(
        self,
        *,
        scale: float,
        seed: int,
        today: date,
        fast: bool,
        progress: Callable[[str], None],
        dry_run: bool = False,
    ) -> None:
        self.sizes = Sizes.at(scale)
        self.rng = random.Random(seed)  # noqa: S311 (repeatable on purpose, not a secret)
        self.today = today
        self.progress = progress
        self.w = Writer(ORDER, fast=fast, dry_run=dry_run)
        self.categories = dict(DataCategory.objects.values_list("slug", "pk"))
        self.intervention_kinds = list(InterventionKind.objects.values_list("pk", flat=True))
        self.munis: list[_Mun] = []
        self.cases: list[_Case] = []
        self.codes_used: set[str] = set()
        self.texts: dict[uuid.UUID, str] = {}
        self.password = make_password(PASSWORD, salt="samsynbenchsalt1")
        self.pin = make_password(PIN, salt="samsynbenchsalt2")

    # --- small helpers -------------------------------------------------------------------

    def text(self, code: uuid.UUID) -> str:
        """A code as text, remembered: the audit log writes the same codes millions of times
        (the columns take the text as it is)."""
        found = self.texts.get(code)
        if found is None:
            found = self.texts[code] = str(code)
        return found

    def new_code(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, day: date, hour: int = 10) -> datetime:
        moment = datetime.combine(day, time(hour, self.rng.randrange(60)))
        return timezone.make_aware(moment)

    def stamps(self, day: date, code: uuid.UUID | None = None) -> dict[str, Any]:
        moment = self.at(day)
        return {"code": code or self.new_code(), "created_at": moment, "updated_at": moment}

    def item(
        self, model: type[models.Model], case: _Case, owner: _Org, slug: str, by: _Person,
        day: date, **values: Any,
    ) -> int:  # fmt: skip
        row = self.stamps(day)
        row.update(values)
        return self.w.add(
            model,
            case_id=case.id,
            owner_id=owner.id,
            category_id=self.categories[slug],
            created_by_id=by.id,
            **row,
        )

    @staticmethod
    def spread(total: int, weights: list[float]) -> list[int]:
        """`total` split in proportion to `weights`, by largest remainder: sums to `total`."""
        whole = sum(weights) or 1.0
        shares = [total * weight / whole for weight in weights]
        out = [int(share) for share in shares]
        by_remainder = sorted(range(len(shares)), key=lambda i: out[i] - shares[i])
        for i in by_remainder[: total - sum(out)]:
            out[i] += 1
        return out

    # --- the passes ----------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self.municipalities()
        self.progress(f"{len(self.munis)} kommuner med organisationer och personer")
        self.youths_and_cases()
        self.progress(f"{len(self.cases)} ungdomar och ärenden")
        self.case_contents()
        self.progress("innehållet i ärendena skrivet")
        self.audit()
        self.progress("granskningsloggen skriven")
        written = self.w.close()
        self.progress("statistik för frågeplaneraren samlad")
        if not self.w.digest:
            # Sealed as `manage.py audit_seal` (cron) keeps a running log: the pages that show
            # what is not yet sealed count only the newest records, as they would in service.
            audit_log = logging.getLogger("samsyn.audit")
            level = audit_log.level
            audit_log.setLevel(logging.WARNING)  # not a line per block: 5 000 at N=1
            try:
                blocks = audit_seal()
            finally:
                audit_log.setLevel(level)
            self.progress(f"granskningsloggen förseglad i {blocks} block")
        return written

    def municipalities(self) -> None:
        n = self.sizes.municipalities
        names = [p + s for p in _PREFIX.split() for s in _SUFFIX.split()]
        self.rng.shuffle(names)
        weights = [1 / (i + 1) ** 0.9 for i in range(n)]
        youths = self.spread(self.sizes.youths, weights)
        start = self.today - timedelta(days=3650)
        for i in range(n):
            code = self.new_code()
            pk = self.w.add(
                Municipality,
                **self.stamps(start, code),
                name=names[i].capitalize(),
                municipality_number=f"{1000 + i:04d}",
            )
            mun = _Mun(pk, code, names[i].capitalize(), youths[i])
            if youths[i] >= 0.02 * self.sizes.youths:
                for part in ("Norra", "Södra", "Östra", "Västra"):
                    mun.districts.append(
                        self.w.add(District, **self.stamps(start), municipality_id=pk, name=part)
                    )
            self.w.add(
                LocalPolicy,
                **self.stamps(start),
                municipality_id=pk,
                followup_months=[6, 12],
            )
            self.organisations(mun, start)
            self.people(mun, start)
            self.munis.append(mun)
        national = self.munis[0]
        self.person(national, "nationell", "social", Role.NATIONAL, start, title="Nationell")

    def organisations(self, mun: _Mun, start: date) -> None:
        for key, kind, name in (
            ("social", OrganisationKind.SOCIAL_SERVICES, "Socialtjänsten"),
            ("police", OrganisationKind.POLICE, "Lokalpolisområdet"),
            ("school", OrganisationKind.SCHOOL, "Grundskolan"),
            ("bup", OrganisationKind.CAMHS, "BUP"),
            ("leisure", OrganisationKind.LEISURE, "Fritidsgårdarna"),
            ("field", OrganisationKind.FIELD_WORKERS, "Fältassistenterna"),
        ):
            code = self.new_code()
            full = f"{name} {mun.name}"
            pk = self.w.add(
                Organisation,
                **self.stamps(start, code),
                municipality_id=mun.id,
                kind=kind,
                name=full,
            )
            mun.orgs[key] = _Org(pk, code, kind, full)

    def person(
        self, mun: _Mun, key: str, org: str, role: str, start: date, title: str = ""
    ) -> _Person:
        people = mun.people.setdefault(key, [])
        username = f"k{mun.id:03d}.{key}{len(people) + 1}"
        first = self.rng.choice(_FIRST_F + _FIRST_M)
        last = self.rng.choice(_LAST)
        code = self.new_code()
        pk = self.w.add(
            Person,
            password=self.password,
            username=username,
            first_name=first,
            last_name=last,
            date_joined=self.at(start),
            code=code,
            email=f"{username}@bench.samsyn.se",
            organisation_id=mun.orgs[org].id,
            title=title,
            session_generation=self.new_code(),
        )
        self.w.add(RoleAssignment, person_id=pk, role=role)
        self.w.add(
            TOTPDevice,
            user_id=pk,
            name="Autentiseringsapp",
            confirmed=True,
            key=f"{self.rng.getrandbits(160):040x}",
            created_at=self.at(start),
        )
        person = _Person(pk, code, username, f"{first} {last}", mun.orgs[org])
        people.append(person)
        return person

    def people(self, mun: _Mun, start: date) -> None:
        active = max(1, round(mun.youths * 0.19))  # about a fifth of the cases run now
        coordinators = max(1, math.ceil(active / 15))
        for _ in range(coordinators):
            self.person(mun, "samordnare", "social", Role.COORDINATOR, start, "Samordnare")
        for _ in range(max(1, coordinators // 3)):
            self.person(mun, "handlaggare", "social", Role.CASE_OFFICER, start, "Handläggare")
        for _ in range(max(1, coordinators // 2)):
            self.person(mun, "polis", "police", Role.ACTOR_REPRESENTATIVE, start, "Kontaktpolis")
            self.person(mun, "skola", "school", Role.ACTOR_REPRESENTATIVE, start, "Kurator")
        self.person(mun, "bup", "bup", Role.ACTOR_REPRESENTATIVE, start, "Psykolog")
        self.person(mun, "fritid", "leisure", Role.ACTOR_REPRESENTATIVE, start, "Fritidsledare")
        self.person(mun, "falt", "field", Role.ACTOR_REPRESENTATIVE, start, "Fältassistent")
        self.person(mun, "chef", "social", Role.MANAGER, start, "Enhetschef")
        self.person(mun, "styrgrupp", "social", Role.STEERING, start, "Analytiker")
        self.person(mun, "admin", "social", Role.ADMINISTRATOR, start, "Systemförvaltare")

    def anonymous_code(self) -> str:
        while True:
            text = "SIG-" + "".join(self.rng.choice(CODE_ALPHABET) for _ in range(6))
            if text not in self.codes_used:
                self.codes_used.add(text)
                return text

    def youths_and_cases(self) -> None:
        serials: set[tuple[date, int]] = set()
        for mun in self.munis:
            coordinators = mun.people["samordnare"]
            running = 0
            for _ in range(mun.youths):
                # More cases in later years: the square root leans the dates towards today.
                opened = self.today - timedelta(days=int(3650 * (1 - math.sqrt(self.rng.random()))))
                age = self.rng.choice([13, 14, 15, 15, 16, 16, 17, 17, 18, 19])
                born = opened - timedelta(days=365 * age + self.rng.randrange(365))
                serial = self.rng.randrange(1000)
                while (born, serial) in serials:
                    serial = (serial + 1) % 1000
                serials.add((born, serial))
                nine = f"{born:%y%m%d}{serial:03d}"
                sex = Sex.FEMALE if self.rng.random() < 0.2 else Sex.MALE
                first = self.rng.choice(_FIRST_F if sex == Sex.FEMALE else _FIRST_M)
                last = self.rng.choice(_LAST)
                district = self.rng.choice(mun.districts) if mun.districts else None
                youth_code = self.new_code()
                youth = self.w.add(
                    Youth,
                    **self.stamps(opened, youth_code),
                    municipality_id=mun.id,
                    district_id=district,
                    first_name=first,
                    last_name=last,
                    personnummer=f"{born:%Y%m%d}{serial:03d}{check_digit(nine)}",
                    date_of_birth=born,
                    sex=sex,
                    school=f"Grundskolan {mun.name}",
                )
                guardians = []
                for g in range(1 if self.rng.random() < 0.3 else 2):
                    guardians.append(
                        self.w.add(
                            Guardian,
                            **self.stamps(opened),
                            youth_id=youth,
                            first_name=self.rng.choice(_FIRST_F if g == 0 else _FIRST_M),
                            last_name=last,
                        )
                    )
                days = (self.today - opened).days
                state, decided, started, closed = self.lifecycle(opened, days)
                if state in (CaseState.CLOSED, CaseState.FOLLOWED_UP, CaseState.DECLINED):
                    coordinator = self.rng.choice(coordinators)
                else:
                    coordinator = coordinators[running % len(coordinators)]
                    running += 1
                police = self.rng.choice(mun.people["polis"])
                school = self.rng.choice(mun.people["skola"])
                officer = self.rng.choice(mun.people["handlaggare"])
                lead = mun.people["falt"][0]
                code = self.new_code()
                pk = self.w.add(
                    Case,
                    **self.stamps(opened, code),
                    youth_id=youth,
                    municipality_id=mun.id,
                    district_id=district,
                    owner_id=mun.orgs["social"].id,
                    anonymous_code=self.anonymous_code(),
                    summary="Pojke/flicka i tonåren med oro kring skola och kamrater.",
                    opened_on=opened,
                    closed_on=closed,
                    state=state,
                    state_since=self.at(closed or started or decided or opened),
                    decided_on=decided,
                    started_on=started,
                    coordinator_id=coordinator.id,
                    lead_contact_id=lead.id if started else None,
                    contact_police_id=police.id if started else None,
                )
                members = [coordinator, officer] + ([police, school, lead] if decided else [])
                for person in members:
                    self.w.add(
                        CaseMember,
                        case_id=pk,
                        person_id=person.id,
                        added_at=self.at(opened),
                        added_by_id=coordinator.id,
                    )
                self.cases.append(
                    _Case(
                        pk,
                        code,
                        youth_code,
                        mun,
                        district,
                        opened,
                        state,
                        decided,
                        started,
                        closed,
                        closed or self.today,
                        born,
                        coordinator,
                        members,
                        guardians,
                    )
                )

    def lifecycle(
        self, opened: date, days: int
    ) -> tuple[str, date | None, date | None, date | None]:
        """State and dates of a case opened `days` ago."""
        if self.rng.random() < 0.08:  # declined before a SIG started
            if days < 40:
                return CaseState.PREPARATION, None, None, None
            return CaseState.DECLINED, None, None, opened + timedelta(days=30)
        if days < 14:
            return CaseState.REFERRED, None, None, None
        if days < 28:
            return CaseState.INFORMATION, None, None, None
        decided = opened + timedelta(days=21)
        started = opened + timedelta(days=28)
        length = 300 + self.rng.randrange(200)
        closed = started + timedelta(days=length)
        if closed > self.today:
            return CaseState.ACTIVE, decided, started, None
        state = CaseState.FOLLOWED_UP if (self.today - closed).days > 365 else CaseState.CLOSED
        return state, decided, started, closed

    # --- case contents -------------------------------------------------------------------

    def case_contents(self) -> None:
        running = [c for c in self.cases if c.runs]
        consenting = [c for c in self.cases if c.state in (*_GIVEN, CaseState.INFORMATION)]
        weights = [float((c.end - c.started).days + 30) for c in running if c.started]
        meetings = self.spread(self.sizes.meetings, weights)
        items = self.spread(self.sizes.plan_items, [1.0] * len(running))
        rounds = [self.consent_rounds(c) for c in consenting]
        totals = self.spread(self.sizes.consents, [float(r) for r in rounds])
        consents_of = {c.id: (r, t) for c, r, t in zip(consenting, rounds, totals, strict=True)}
        plan_of = dict(zip((c.id for c in running), zip(meetings, items, strict=True), strict=True))
        for n, case in enumerate(self.cases, start=1):
            self.basics(case)
            if case.id in consents_of:
                self.consents(case, *consents_of[case.id])
            if case.id in plan_of:
                self.sig(case, *plan_of[case.id])
            if n % 5000 == 0:
                self.progress(f"  {n} ärenden")

    def basics(self, case: _Case) -> None:
        social = case.mun.orgs["social"]
        by = case.coordinator
        age = age_on(case.born, case.opened)
        self.item(
            Referral, case, social, "socialtjanst", by, case.opened,
            kind=self.rng.choice(ReferralKind.values),
            referred_on=case.opened,
            reason="Oro för kriminalitet och skolfrånvaro.",
            age_at_referral=age,
        )  # fmt: skip
        steps = [(CaseState.REFERRED, case.opened)]
        if case.state == CaseState.DECLINED:
            steps.append((CaseState.DECLINED, case.closed or case.opened))
        if case.state in (*_GIVEN, CaseState.INFORMATION):
            steps += [
                (CaseState.PREPARATION, case.opened + timedelta(days=3)),
                (CaseState.SCREENING, case.opened + timedelta(days=8)),
                (CaseState.INFORMATION, case.opened + timedelta(days=14)),
            ]
            for point in InformationPoint.values:
                self.item(
                    InformationGiven, case, social, "socialtjanst", by,
                    case.opened + timedelta(days=14),
                    point=point, informed_on=case.opened + timedelta(days=14), informed_by_id=by.id,
                )  # fmt: skip
        if case.decided and case.started:
            steps += [(CaseState.DECIDED, case.decided), (CaseState.ACTIVE, case.started)]
        if case.closed and case.state != CaseState.DECLINED:
            steps.append((CaseState.CLOSED, case.closed))
            if case.state == CaseState.FOLLOWED_UP:
                steps.append((CaseState.FOLLOWED_UP, add_months(case.closed, 12)))
        previous = ""
        for state, day in steps:
            self.item(
                CaseTransition, case, social, "socialtjanst", by, day,
                from_state=previous, to_state=state,
            )  # fmt: skip
            previous = state

    def consent_rounds(self, case: _Case) -> int:
        """How many six-month consent periods the case has needed, up to now."""
        given = case.opened + timedelta(days=16)
        end = case.closed or self.today
        rounds = 0
        while given <= end:  # the same steps as `consents` takes
            rounds += 1
            given = add_months(given, 6)
        return max(1, rounds)

    def consents(self, case: _Case, rounds: int, total: int) -> None:
        """`total` consents over `rounds` six-month periods: each period renews the last one's
        consents (the owner's first: it is what lets the group see who the youth is)."""
        orgs = case.mun.orgs
        scopes = [
            ("social", ["identitet", "socialtjanst", "familj", "plan"],
             ["police", "school", "bup", "leisure", "field"]),
            ("police", ["polis"], ["social", "school"]),
            ("school", ["skola"], ["social", "police"]),
            ("bup", ["halsa"], ["social"]),
        ]  # fmt: skip
        per_round = self.spread(total, [1.0] * rounds)
        previous: dict[str, int] = {}
        given = case.opened + timedelta(days=16)
        for count in per_round:
            count = min(len(scopes), max(1, count))
            if given > self.today:
                break
            age = age_on(case.born, given)
            rule = (
                AgeRule.GUARDIANS
                if age < 15
                else AgeRule.GUARDIANS_AND_YOUTH
                if age < 18
                else AgeRule.YOUTH
            )
            until = add_months(given, 6) - timedelta(days=1)
            for key, slugs, recipients in scopes[:count]:
                stamps = self.stamps(given)
                case.item_codes.append(("consent.consent", stamps["code"]))
                pk = self.w.add(
                    Consent,
                    **stamps,
                    case_id=case.id,
                    releasing_organisation_id=orgs[key].id,
                    form=ConsentForm.WRITTEN,
                    given_on=given,
                    valid_until=until,
                    age_at_consent=age,
                    age_rule=rule,
                    recorded_by_id=case.coordinator.id,
                    renews_id=previous.get(key),
                )
                previous[key] = pk
                for slug in slugs:
                    self.w.add(
                        Consent.categories.through,
                        consent_id=pk,
                        datacategory_id=self.categories[slug],
                    )
                for recipient in recipients:
                    self.w.add(
                        Consent.recipients.through,
                        consent_id=pk,
                        organisation_id=orgs[recipient].id,
                    )
                if rule != AgeRule.GUARDIANS:
                    self.w.add(ConsentGiver, consent_id=pk, role="ungdom")
                if rule != AgeRule.YOUTH:
                    for guardian in case.guardians:
                        self.w.add(
                            ConsentGiver, consent_id=pk, role="vardnadshavare", guardian_id=guardian
                        )
            given = until + timedelta(days=1)

    def sig(self, case: _Case, n_meetings: int, n_items: int) -> None:
        assert case.started is not None and case.decided is not None
        mun, orgs, by = case.mun, case.mun.orgs, case.coordinator
        social = orgs["social"]
        self.item(
            SigDecision, case, social, "socialtjanst", by, case.decided,
            legal_basis=LegalBasis.GRANTED, decided_on=case.decided,
            reference=f"SN {case.decided.year}/{case.id}", decision_maker_id=case.members[1].id,
        )  # fmt: skip
        self.item(
            CaseProfile, case, social, "socialtjanst", by, case.decided,
            area=f"{mun.name} centrum", parents_separated="ja", earlier_interventions="ja",
            substance_use=self.rng.choice(["ja", "nej", "okant"]),
            crime_types=self.rng.sample(_CRIMES, 2),
        )  # fmt: skip
        periods = [Period.BEFORE, Period.DURING] + ([Period.AFTER] if case.closed else [])
        for period in periods:
            for measure, owner, slug in (
                (Measure.POLICE_REPORTS, orgs["police"], "polis"),
                (Measure.CONCERN_REPORTS, social, "socialtjanst"),
                (Measure.CONVICTIONS, orgs["police"], "polis"),
            ):
                self.item(
                    OutcomeCount, case, owner, slug, by, case.started,
                    period=period, measure=measure, count=self.rng.randrange(6),
                )  # fmt: skip
        coordinator, _officer, police, school, lead = case.members
        for person, function in (
            (coordinator, "samordnare"),
            (school, "representant"),
            (police, "kontaktpolis"),
            (lead, "lots"),
        ):
            self.w.add(
                Representation,
                case_id=case.id,
                person_id=person.id,
                organisation_id=person.org.id,
                function=function,
                started_on=case.started,
                recorded_by_id=by.id,
            )
        meetings = self.meetings(case, n_meetings)
        self.plan(case, n_items, meetings)
        for _ in range(1 + self.rng.randrange(3)):
            org = self.rng.choice([social, orgs["bup"], orgs["leisure"]])
            self.item(
                Intervention, case, org, "socialtjanst" if org is social else "fritid", by,
                case.started,
                kind_id=self.rng.choice(self.intervention_kinds), decided_by_id=by.id,
                started_on=case.started, ended_on=case.closed,
                status=InterventionStatus.ENDED if case.closed else InterventionStatus.ONGOING,
            )  # fmt: skip
        for _ in range(3 + self.rng.randrange(4)):
            title, kind = self.rng.choice(_NOTES)
            day = case.started + timedelta(
                days=self.rng.randrange((case.end - case.started).days + 1)
            )
            writer = self.rng.choice(case.members)
            code = self.new_code()
            case.item_codes.append(("cases.journalnote", code))  # read in the audit log
            self.item(
                JournalNote, case, writer.org, "plan", writer, day,
                code=code, kind=kind, occurred_on=day, title=title, text=f"{title}. Följs upp på nästa möte.",
            )  # fmt: skip
        if case.closed:
            self.item(
                Closure, case, social, "socialtjanst", by, case.closed,
                closed_on=case.closed, reason=self.rng.choice(ClosureReason.values),
                summary="Planen följdes till stor del. Ungdomen går i skolan.",
            )  # fmt: skip
            for months in (6, 12):
                due = add_months(case.closed, months)
                done = due if due <= self.today else None
                self.item(
                    FollowUp, case, social, "socialtjanst", by, case.closed,
                    months_after=months, due_on=due, done_on=done,
                    done_by_id=by.id if done else None,
                    situation="Går i skolan, inga nya brott." if done else "",
                )  # fmt: skip
        elif case.state == CaseState.ACTIVE and self.rng.random() < 0.7:
            self.w.add(
                PortalAccount,
                **self.stamps(case.started),
                case_id=case.id,
                kind=AccountKind.YOUTH,
                username=f"ung{case.id}",
                pin_hash=self.pin,
                session_generation=self.new_code(),
                created_by_id=by.id,
            )

    def meetings(self, case: _Case, count: int) -> list[tuple[int, date, bool]]:
        """The case's network meetings, evenly spread from start to end (and the next one
        ahead for a running case); returns (id, day, held)."""
        assert case.started is not None
        end = case.closed or (self.today + timedelta(days=35))
        span = max(1, (end - case.started).days)
        out = []
        youth_guardian = case.guardians[0]
        for i in range(count):
            day = case.started + timedelta(days=int(span * (i + 0.5) / max(count, 1)))
            if day.weekday() >= 5:
                day += timedelta(days=7 - day.weekday())
            held = day < self.today
            starts = self.at(day, 9 + self.rng.randrange(7))
            code = self.new_code()
            case.item_codes.append(("meetings.meeting", code))
            kind = MeetingKind.NETWORK if self.rng.random() < 0.9 else MeetingKind.SMALL
            pk = self.item(
                Meeting, case, case.mun.orgs["social"], "plan", case.coordinator, day,
                code=code, kind=kind,
                status=MeetingStatus.HELD if held else MeetingStatus.INVITED,
                starts_at=starts, ends_at=starts + timedelta(hours=1),
                location="Socialtjänstens mötesrum",
                agenda="Uppföljning av planen. Skolan. Fritiden.",
                invitation_sent_at=starts - timedelta(days=14),
                minutes="Vi gick igenom planen. Skolan går bättre." if held else "",
                held_on=day if held else None,
            )  # fmt: skip
            for person in case.members[:1] + case.members[2:4]:
                self.w.add(
                    Attendance,
                    meeting_id=pk,
                    person_id=person.id,
                    organisation_id=person.org.id,
                    attended=True if held else None,
                )
            self.w.add(Attendance, meeting_id=pk, is_youth=True, attended=True if held else None)
            self.w.add(
                Attendance,
                meeting_id=pk,
                guardian_id=youth_guardian,
                attended=(self.rng.random() < 0.8) if held else None,
            )
            out.append((pk, day, held))
        return out

    def plan(self, case: _Case, n_items: int, meetings: list[tuple[int, date, bool]]) -> None:
        assert case.started is not None
        orgs, by = case.mun.orgs, case.coordinator
        social = orgs["social"]
        plan_code = self.new_code()
        case.plan_code = plan_code
        plan = self.item(
            ActionPlan, case, social, "plan", by, case.started,
            code=plan_code, long_term_goal="Jag vill klara skolan och få ett jobb.", version=1,
        )  # fmt: skip
        n_goals = max(1, round(n_items / 4))
        n_activities = max(0, n_items - n_goals)
        domains = self.rng.sample(list(_GOALS), min(n_goals, len(_GOALS)))
        held = [m for m in meetings if m[2]]
        snapshot: dict[str, Any] = {
            "long_term_goal": "Jag vill klara skolan och få ett jobb.",
            "subgoals": [],
        }
        per_goal = self.spread(n_activities, [1.0] * n_goals)
        responsible = [("social", 0), ("school", 3), ("police", 2), ("leisure", None)]
        for g in range(n_goals):
            domain = domains[g % len(domains)]
            status = self.rng.choice(GoalStatus.values)
            goal_code = self.new_code()
            goal = self.item(
                SubGoal, case, social, "plan", by, case.started,
                code=goal_code, plan_id=plan, domain=domain, goal=_GOALS[domain],
                youth_words="Jag vill det här själv.", status=status, sort_order=g + 1,
            )  # fmt: skip
            activities = []
            for a in range(per_goal[g]):
                key, member = responsible[(g + a) % len(responsible)]
                org = orgs[key]
                person = case.members[member] if member is not None else None
                due = case.started + timedelta(days=30 * (a + 1))
                done = due if due < self.today and self.rng.random() < 0.6 else None
                meeting = self.rng.choice(meetings)[0] if meetings and a == 0 else None
                code = self.new_code()
                text = self.rng.choice(_ACTIVITIES)
                self.item(
                    Activity, case, social, "plan", by, case.started,
                    code=code, subgoal_id=goal, description=text,
                    responsible_person_id=person.id if person else None,
                    responsible_organisation_id=org.id, due_on=due, follow_up_on=due,
                    done_on=done, meeting_id=meeting,
                )  # fmt: skip
                activities.append(
                    {
                        "code": str(code),
                        "description": text,
                        "person": person.name if person else "",
                        "organisation": org.name,
                        "youth_does": False,
                        "due_on": due.isoformat(),
                        "follow_up_on": due.isoformat(),
                        "done_on": done.isoformat() if done else None,
                    }
                )
            snapshot["subgoals"].append(
                {
                    "code": str(goal_code),
                    "domain": domain,
                    "domain_label": str(LifeDomain(domain).label),
                    "goal": _GOALS[domain],
                    "youth_words": "Jag vill det här själv.",
                    "status": status,
                    "status_label": str(GoalStatus(status).label),
                    "activities": activities,
                }
            )
            for meeting_id, day, _held in held[-2:]:
                self.item(
                    GoalReview, case, social, "plan", by, day,
                    subgoal_id=goal, meeting_id=meeting_id, reviewed_on=day, status=status,
                    comment="Det går framåt.",
                )  # fmt: skip
        self.w.add(
            PlanVersion,
            plan_id=plan,
            number=1,
            agreed_on=case.started,
            agreed_by_id=by.id,
            snapshot=snapshot,
            changes=[],
            created_at=self.at(case.started),
        )

    # --- the audit log -------------------------------------------------------------------

    def audit(self) -> None:
        """Reads by the case's members while it ran, plus sign-ins, in time order (ids rise
        with time, as they do in the real log), month by month."""
        first = self.today - timedelta(days=3650)
        months: list[date] = []
        day = first.replace(day=1)
        while day <= self.today:
            months.append(day)
            day = add_months(day, 1)
        buckets: list[list[_Case]] = [[] for _ in months]
        for case in self.cases:
            begins = (case.opened.year - first.year) * 12 + case.opened.month - first.month
            ends = (case.end.year - first.year) * 12 + case.end.month - first.month
            for m in range(max(0, begins), min(len(months) - 1, ends) + 1):
                buckets[m].append(case)
        counts = self.spread(self.sizes.audit, [float(len(b)) for b in buckets])
        types = [t for t, _ in _READ_TYPES]
        type_weights = [w for _, w in _READ_TYPES]
        for m, (month, bucket, count) in enumerate(zip(months, buckets, counts, strict=True)):
            if not bucket:
                continue
            start = datetime.combine(month, time.min, tzinfo=UTC)
            # Up to the start of `today`: nothing in the log may lie ahead of the clock.
            until = min(add_months(month, 1), self.today)
            seconds = max(1, int((datetime.combine(until, time.min, tzinfo=UTC) - start)
                                 .total_seconds()))  # fmt: skip
            moments = sorted(self.rng.randrange(seconds) for _ in range(count))
            for offset in moments:
                case = self.rng.choice(bucket)
                actor = self.rng.choice(case.members)
                row = self.audit_record(case, actor, types, type_weights)
                row["at"] = start + timedelta(
                    seconds=offset, microseconds=self.rng.randrange(10**6)
                )
                # The model's own canonical form, read off a plain object: a model instance per
                # row would double the time of the whole seed.
                canonical = AuditRecord.canonical(cast(AuditRecord, SimpleNamespace(**row)))
                row["row_hash"] = hashlib.sha256(canonical).hexdigest()
                self.w.add(AuditRecord, **row)
            if m % 12 == 11:
                self.progress(f"  granskningslogg till {month:%Y-%m}")

    def audit_record(
        self, case: _Case, actor: _Person, types: list[str], weights: list[int]
    ) -> dict[str, Any]:
        common: dict[str, Any] = {
            "actor_code": self.text(actor.code),
            "actor_username": actor.username,
            "organisation_code": self.text(actor.org.code),
            "municipality_code": self.text(case.mun.code),
            "request_id": f"{self.rng.getrandbits(64):016x}",
            "ip_address": f"10.{case.mun.id % 250}.{actor.id % 250}.{self.rng.randrange(1, 250)}",
        }
        if self.rng.random() < 0.1:
            return {
                **common,
                "action": Action.SIGN_IN,
                "object_type": "",
                "object_code": "",
                "case_code": None,
                "subject_code": None,
                "basis": "",
                "detail": {},
            }
        kind = self.rng.choices(types, weights)[0]
        if kind == "cases.case" or (kind == "plans.actionplan" and case.plan_code is None):
            kind, code = "cases.case", case.code
        elif kind == "plans.actionplan":
            code = case.plan_code  # type: ignore[assignment]
        elif case.item_codes:
            kind, code = self.rng.choice(case.item_codes)
        else:
            kind, code = "cases.case", case.code
        own = actor.org.kind == OrganisationKind.SOCIAL_SERVICES
        return {
            **common,
            "action": Action.READ,
            "object_type": kind,
            "object_code": self.text(code),
            "case_code": self.text(case.code),
            "subject_code": self.text(case.youth_code),
            "basis": "own_organisation" if own else "consent",
            "detail": {"category": "Åtgärdsplan och mötesanteckningar", "owner": "Socialtjänsten"},
        }


def seed(
    *,
    scale: float,
    seed: int = 2026,
    today: date | None = None,
    fast: bool = True,
    progress: Callable[[str], None] = lambda _text: None,
) -> dict[str, int]:
    """Generate the data set into the (empty) database; returns rows written per table."""
    if Case.objects.exists() or Municipality.objects.exists():
        raise ValueError(
            "Databasen innehåller redan kommuner eller ärenden. bench_seed fyller bara en tom, "
            "migrerad databas (make bench skapar en egen)."
        )
    generator = Generator(
        scale=scale,
        seed=seed,
        today=today or timezone.localdate(),
        fast=fast,
        progress=progress,
    )
    return generator.run()


def digest(*, scale: float, seed: int = 2026, today: date) -> str:
    """A hash of every row `seed` would write, without writing: equal for equal inputs."""
    generator = Generator(
        scale=scale, seed=seed, today=today, fast=False, progress=lambda _t: None, dry_run=True
    )
    generator.run()
    assert generator.w.digest is not None
    return generator.w.digest.hexdigest()
