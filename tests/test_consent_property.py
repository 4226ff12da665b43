"""Property-based tests of the one door (hypothesis).

Each example builds a fresh municipality with 3–5 organisations, a case with members and
non-members, notes with random owners and categories, and consents with random scope, dates
and revocations, all through the services, inside a savepoint that is rolled back afterwards.
The policy's answers are compared with `may_see`, a reference oracle written here from the
rule text (DOMAIN.md, "Consent rules"), not from `samsyn.consent.policy`.

Days are counted from BASE = today - 400 days: consents are given on days 0..400 (never in the
future, as the service requires) and decisions are evaluated on days 0..500.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import selectors
from samsyn.cases import services as cases
from samsyn.cases.models import Case, Guardian, JournalNote
from samsyn.consent import policy
from samsyn.consent import services as consents
from samsyn.consent.models import Consent, ConsentForm, DataCategory, GiverRole
from samsyn.consent.policy import Basis
from samsyn.lib import personnummer as pnr
from samsyn.organisations.models import (
    District,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    RoleAssignment,
)
from tests.conftest import inform

DB_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TODAY = BASE_OFFSET = 400  # "today" as a day number
HORIZON = 500
IDENTITY = "identitet"
# Few categories, so that consents often cover notes (and often do not).
CATEGORIES = [IDENTITY, "skola", "halsa", "familj"]
KINDS = [
    OrganisationKind.SOCIAL_SERVICES,  # organisation 0 owns the case
    OrganisationKind.POLICE,
    OrganisationKind.SCHOOL,
    OrganisationKind.CAMHS,
    OrganisationKind.FIELD_WORKERS,
]
OUTSIDE = -1  # an organisation in another municipality
FIRST_NAMES = ["Alva", "Elias", "Nora", "Omar", "Saga", "Liam", "Maja", "Adam"]
LAST_NAMES = ["Andersson", "Haddad", "Nyström", "Korhonen", "Bergqvist", "Lindholm"]


# --- scenarios ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteSpec:
    owner: int
    category: str
    about: int | None  # index of the guardian the note also concerns


@dataclass(frozen=True)
class ConsentSpec:
    releasing: int
    categories: frozenset[str]
    recipients: frozenset[int]
    about: int | None
    given: int
    length: int | None  # valid_until = given + length; None: no end date
    revoked: bool

    @property
    def until(self) -> int | None:
        return None if self.length is None else self.given + self.length


@dataclass(frozen=True)
class Viewer:
    org: int  # organisation index, or OUTSIDE
    member: bool


@dataclass(frozen=True)
class Scenario:
    n_orgs: int
    notes: tuple[NoteSpec, ...]
    consents: tuple[ConsentSpec, ...]
    days: tuple[int, ...]
    first_name: str
    last_name: str
    serial: int

    @property
    def viewers(self) -> list[Viewer]:
        # A member and a non-member in every organisation, and someone from elsewhere.
        people = [Viewer(i, member) for i in range(self.n_orgs) for member in (True, False)]
        return [*people, Viewer(OUTSIDE, False)]

    @property
    def targets(self) -> list[NoteSpec]:
        """The notes, then the youth's identity (owned by the case owner, about the youth)."""
        return [*self.notes, NoteSpec(0, IDENTITY, None)]


@st.composite
def consent_specs(draw: st.DrawFn, n_orgs: int) -> ConsentSpec:
    releasing = draw(st.one_of(st.just(0), st.integers(0, n_orgs - 1)))
    others = [i for i in range(n_orgs) if i != releasing]
    return ConsentSpec(
        releasing=releasing,
        categories=draw(st.frozensets(st.sampled_from(CATEGORIES), min_size=1)),
        recipients=draw(st.frozensets(st.sampled_from(others), min_size=1)),
        about=draw(st.sampled_from([None, None, 0, 1])),
        given=draw(st.integers(0, BASE_OFFSET)),
        length=draw(st.one_of(st.none(), st.integers(0, 400))),
        revoked=draw(st.sampled_from([False, False, False, True])),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    n_orgs = draw(st.integers(3, 5))
    notes = draw(
        st.lists(
            st.builds(
                NoteSpec,
                owner=st.one_of(st.just(0), st.integers(0, n_orgs - 1)),
                category=st.sampled_from(CATEGORIES),
                about=st.sampled_from([None, None, None, 0, 1]),
            ),
            max_size=6,
        )
    )
    return Scenario(
        n_orgs=n_orgs,
        notes=tuple(notes),
        consents=tuple(draw(st.lists(consent_specs(n_orgs), min_size=1, max_size=6))),
        days=tuple(draw(st.lists(st.integers(0, HORIZON), min_size=1, max_size=3))),
        first_name=draw(st.sampled_from(FIRST_NAMES)),
        last_name=draw(st.sampled_from(LAST_NAMES)),
        serial=draw(st.integers(0, 999)),
    )


# --- the reference oracle (from the rule text) --------------------------------------------


def live(consent: ConsentSpec, day: int, revoked: set[int], index: int) -> bool:
    """Given on or before the day, not ended before it, and not revoked."""
    ended = consent.until is not None and consent.until < day
    return index not in revoked and consent.given <= day and not ended


def covering(s: Scenario, viewer: Viewer, item: NoteSpec, day: int, revoked: set[int]) -> set[int]:
    """The consents that let the item's owner release it to the viewer's organisation."""
    return {
        i
        for i, c in enumerate(s.consents)
        if c.releasing == item.owner
        and item.category in c.categories
        and viewer.org in c.recipients
        and (item.about is None or c.about == item.about)
        and live(c, day, revoked, i)
    }


def may_see(s: Scenario, viewer: Viewer, item: NoteSpec, day: int, revoked: set[int]) -> bool:
    if not viewer.member:
        return False
    if viewer.org == item.owner:
        return True
    return bool(covering(s, viewer, item, day, revoked))


def initially_revoked(s: Scenario) -> set[int]:
    return {i for i, c in enumerate(s.consents) if c.revoked}


# --- building a scenario in the database --------------------------------------------------


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example's data lives in a savepoint that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def luhn_digit(nine: str) -> int:
    """The check digit for YYMMDDNNN: double every other digit from the left, sum the digits."""
    total = 0
    for index, char in enumerate(nine):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return (10 - total % 10) % 10


def make_pnr(born: date, serial: int, *, coordination: bool = False) -> str:
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    return f"{born:%Y%m}{day:02d}-{serial:03d}{luhn_digit(nine)}"


@dataclass
class Built:
    scenario: Scenario
    base: date
    case: Case
    people: list[Person]  # aligned with scenario.viewers
    recorders: list[Person]  # the member of each organisation
    guardians: list[Guardian]
    notes: list[JournalNote]
    consents: list[Consent]
    secrets: list[str]

    def day(self, number: int) -> date:
        return self.base + timedelta(days=number)

    def index_of(self, consent: Consent) -> int:
        return next(i for i, c in enumerate(self.consents) if c.pk == consent.pk)


def _person(username: str, organisation: Organisation, role: str) -> Person:
    person = Person(username=username, organisation=organisation, first_name=username.title())
    person.set_unusable_password()
    person.save()
    RoleAssignment.objects.create(person=person, role=role)
    return person


def build(s: Scenario) -> Built:
    today = timezone.localdate()
    base = today - timedelta(days=BASE_OFFSET)
    municipality = Municipality.objects.create(name="Provkommun", municipality_number="9950")
    elsewhere = Municipality.objects.create(name="Annan kommun", municipality_number="9951")
    district = District.objects.create(municipality=municipality, name="Västra")
    orgs = [
        Organisation.objects.create(
            municipality=municipality,
            district=district if i == 0 else None,
            kind=KINDS[i],
            name=f"Organisation {i}",
        )
        for i in range(s.n_orgs)
    ]
    outside = Organisation.objects.create(
        municipality=elsewhere, kind=OrganisationKind.SOCIAL_SERVICES, name="Utanför"
    )
    people = []
    for n, viewer in enumerate(s.viewers):
        org = outside if viewer.org == OUTSIDE else orgs[viewer.org]
        role = Role.COORDINATOR if viewer.org in (0, OUTSIDE) else Role.ACTOR_REPRESENTATIVE
        people.append(_person(f"person{n}", org, role))
    recorders = [p for p, v in zip(people, s.viewers, strict=True) if v.member]
    # 16 years and some weeks old today: 15 or 16 on every day a consent can be given.
    born = date(today.year - 16, today.month, 1) - timedelta(days=40)
    number = make_pnr(born, s.serial)
    case = cases.case_create(
        reason="Skolfrånvaro och misstänkt stöld.",
        actor=recorders[0],
        first_name=s.first_name,
        last_name=s.last_name,
        personnummer=number,
        address="Björkvägen 17",
        phone="070-5551234",
        school="Ekbackeskolan",
        summary="Ungdom i gymnasieåldern, hög frånvaro och oro för umgänget.",
    )
    for member in recorders[1:]:
        cases.member_add(actor=recorders[0], case=case, person=member)
    inform(case, recorders[0])
    guardians = [
        cases.guardian_add(
            actor=recorders[0], case=case, first_name="Gunilla", last_name="Vårdnadsdottir"
        ),
        cases.guardian_add(
            actor=recorders[0], case=case, first_name="Gustav", last_name="Vårdnadsson"
        ),
    ]
    categories = {c.slug: c for c in DataCategory.objects.all()}
    notes = [
        cases.note_create(
            actor=recorders[spec.owner],
            case=case,
            category=categories[spec.category],
            title=f"Anteckning {k}",
            text="Text.",
            also_about=None if spec.about is None else guardians[spec.about],
        )
        for k, spec in enumerate(s.notes)
    ]
    givers = [consents.Giver(GiverRole.YOUTH)] + [
        consents.Giver(GiverRole.GUARDIAN, g) for g in guardians
    ]
    recorded = []
    for spec in s.consents:
        consent = consents.consent_record(
            actor=recorders[spec.releasing],
            case=case,
            categories=[categories[c] for c in sorted(spec.categories)],
            recipients=[orgs[r] for r in sorted(spec.recipients)],
            givers=givers,
            form=ConsentForm.ORAL,
            oral_note="Muntligt vid nätverksmöte, antecknat av handläggaren.",
            given_on=base + timedelta(days=spec.given),
            valid_until=None if spec.until is None else base + timedelta(days=spec.until),
            also_about=None if spec.about is None else guardians[spec.about],
        )
        if spec.revoked:
            consents.consent_revoke(
                actor=recorders[spec.releasing],
                consent=consent,
                revoked_by="Ungdomen",
                how="I telefon till handläggaren",
            )
        recorded.append(consent)
    youth = case.youth
    secrets = [
        youth.first_name,
        youth.last_name,
        youth.personnummer,
        youth.personnummer[2:],
        number,
        youth.address,
        youth.phone,
        youth.school,
        *(g.first_name for g in guardians),
        *(g.last_name for g in guardians),
    ]
    return Built(s, base, case, people, recorders, guardians, notes, recorded, secrets)


def decisions(built: Built, viewer: int, day: int) -> list[policy.Decision]:
    """The policy's decisions for one viewer on one day, aligned with `scenario.targets`."""
    access = policy.case_access(viewer=built.people[viewer], case=built.case, today=built.day(day))
    return [access.decide_item(note) for note in built.notes] + [access.identity()]


def assert_agrees(built: Built, day: int, revoked: set[int]) -> None:
    s = built.scenario
    for v, viewer in enumerate(s.viewers):
        for item, decision in zip(s.targets, decisions(built, v, day), strict=True):
            expected = may_see(s, viewer, item, day, revoked)
            context = f"viewer={viewer} item={item} day={day} revoked={sorted(revoked)}"
            assert decision.allowed == expected, context
            if not viewer.member:
                assert decision.basis == Basis.NOT_MEMBER, context
            elif viewer.org == item.owner:
                assert decision.basis == Basis.OWN_ORGANISATION, context
            elif expected:
                assert decision.basis == Basis.CONSENT and decision.consent is not None
                # The consent named as the reason really covers the item.
                assert built.index_of(decision.consent) in covering(
                    s, viewer, item, day, revoked
                ), context
                event("allowed through a consent")
            else:
                assert decision.basis == Basis.NO_CONSENT and decision.consent is None, context


# --- property 1: the policy is the rule ----------------------------------------------------


@DB_SETTINGS
@given(s=scenarios())
def test_a_viewer_sees_an_item_exactly_when_the_rule_allows(db: None, s: Scenario) -> None:
    with rolled_back():
        built = build(s)
        for day in (*s.days, TODAY):
            assert_agrees(built, day, initially_revoked(s))


# --- property 2: after revocation or expiry nothing more is disclosed ----------------------


@DB_SETTINGS
@given(s=scenarios(), rnd=st.randoms(use_true_random=False))
def test_revocation_and_expiry_stop_disclosure(db: None, s: Scenario, rnd: Random) -> None:
    with rolled_back():
        built = build(s)
        revoked = initially_revoked(s)
        # Non-members never see anything (property 1); follow the members here.
        members = [v for v, viewer in enumerate(s.viewers) if viewer.member]
        pairs = [(v, t) for v in members for t in range(len(s.targets))]

        def all_decisions(day: int) -> dict[int, list[policy.Decision]]:
            return {v: decisions(built, v, day) for v in members}

        # Expiry: on the day after a consent ends it covers nothing.
        for i, spec in enumerate(s.consents):
            if i in revoked or spec.until is None:
                continue
            last, after = spec.until, spec.until + 1
            on_after = all_decisions(after)
            for v, t in pairs:
                viewer, item = s.viewers[v], s.targets[t]
                if viewer.org != item.owner and covering(s, viewer, item, last, revoked) == {i}:
                    # Disclosed only through consent i on its last day: refused the day after,
                    # unless another consent starts to cover it that very day.
                    still = covering(s, viewer, item, after, revoked) - {i}
                    assert on_after[v][t].allowed == bool(still)
                    if not still:
                        event("expiry ended a disclosure")
                assert on_after[v][t].allowed == may_see(s, viewer, item, after, revoked)
        # Revocation, one consent at a time, in random order, evaluated today.
        before = all_decisions(TODAY)
        for i in rnd.sample(range(len(s.consents)), len(s.consents)):
            if i in revoked:
                continue
            consents.consent_revoke(
                actor=built.recorders[s.consents[i].releasing],
                consent=built.consents[i],
                revoked_by="Vårdnadshavaren",
                how="Muntligt vid möte",
            )
            revoked.add(i)
            after_revoking = all_decisions(TODAY)
            for v, t in pairs:
                viewer, item = s.viewers[v], s.targets[t]
                was, now = before[v][t], after_revoking[v][t]
                assert not (now.allowed and not was.allowed), "revoking granted access"
                if was.allowed and was.basis == Basis.CONSENT:
                    others = covering(s, viewer, item, TODAY, revoked)
                    assert now.allowed == bool(others)
                    if now.allowed:
                        assert now.consent is not None and now.consent.pk != built.consents[i].pk
                    elif was.consent is not None and was.consent.pk == built.consents[i].pk:
                        event("revocation ended a disclosure")
                assert now.allowed == may_see(s, viewer, item, TODAY, revoked)
            before = after_revoking


# --- property 3: every decision is logged ---------------------------------------------------


@DB_SETTINGS
@given(s=scenarios(), pick=st.integers(0, 100))
def test_every_decision_on_a_case_page_is_logged(db: None, s: Scenario, pick: int) -> None:
    with rolled_back():
        built = build(s)
        v = pick % len(s.viewers)
        viewer, person, case = s.viewers[v], built.people[v], built.case
        revoked = initially_revoked(s)
        old = set(AuditRecord.objects.values_list("id", flat=True))
        selectors.case_page(viewer=person, case=case)
        new = list(AuditRecord.objects.exclude(id__in=old))
        assert len(new) == 1 + len(s.notes)
        assert all(r.case_code == case.code and r.actor_code == person.code for r in new)
        objects = [str(note.code) for note in built.notes] + [str(case.youth.code)]
        types = ["cases.journalnote"] * len(s.notes) + ["cases.youth"]
        codes = {str(c.code): i for i, c in enumerate(built.consents)}
        for item, code, kind in zip(s.targets, objects, types, strict=True):
            [record] = [r for r in new if r.object_code == code]
            assert record.object_type == kind
            allowed = may_see(s, viewer, item, TODAY, revoked)
            assert record.action == (Action.READ if allowed else Action.REFUSED)
            if not viewer.member:
                assert record.basis == Basis.NOT_MEMBER
            elif viewer.org == item.owner:
                assert record.basis == Basis.OWN_ORGANISATION
            elif allowed:
                prefix, _, consent_code = record.basis.partition(":")
                assert prefix == "consent"
                assert codes[consent_code] in covering(s, viewer, item, TODAY, revoked)
            else:
                assert record.basis == Basis.NO_CONSENT


# --- property 4: without identity consent, nothing identifying ----------------------------


@DB_SETTINGS
@given(s=scenarios(), pick=st.integers(0, 100))
def test_a_deidentified_page_exposes_no_identifying_value(db: None, s: Scenario, pick: int) -> None:
    with rolled_back():
        built = build(s)
        v = pick % len(s.viewers)
        viewer = s.viewers[v]
        revoked = initially_revoked(s)
        page = selectors.case_page(viewer=built.people[v], case=built.case)
        identity = may_see(s, viewer, s.targets[-1], TODAY, revoked)
        assert page.identity.allowed == identity
        visible = {
            str(note.code)
            for note, spec in zip(built.notes, s.notes, strict=True)
            if may_see(s, viewer, spec, TODAY, revoked)
        }
        assert {str(n.code) for n in page.notes} == visible
        assert all(n.note is not None for n in page.notes)
        assert sum(count for _, _, count in page.hidden) == len(s.notes) - len(visible)
        if identity:
            assert page.youth is not None and page.youth.pk == built.case.youth_id
            assert len(page.guardians) == 2
            return
        event("de-identified page")
        assert page.youth is None
        assert page.guardians == []
        exposed = [str(value) for value in dataclasses.asdict(page.anonymous).values()]
        exposed += [f"{owner} {category}" for owner, category, _ in page.hidden]
        for value in exposed:
            for secret in built.secrets:
                assert secret.lower() not in value.lower(), (secret, value)
        assert page.anonymous.anonymous_code == built.case.anonymous_code
        assert page.anonymous.age_band == "15–17"


# --- personnummer -------------------------------------------------------------------------

PNR_TODAY = date(2026, 1, 15)
births = st.dates(min_value=date(1900, 1, 1), max_value=PNR_TODAY)


@settings(max_examples=300, deadline=None, database=None)
@given(born=births, serial=st.integers(0, 999), coordination=st.booleans())
def test_a_computed_check_digit_parses_back_to_the_birth_date(
    born: date, serial: int, coordination: bool
) -> None:
    number = make_pnr(born, serial, coordination=coordination)
    parsed = pnr.parse(number, today=PNR_TODAY)
    assert parsed.birth_date == born
    assert parsed.coordination == coordination
    assert parsed.normalised == number.replace("-", "")
    assert pnr.parse(number.replace("-", ""), today=PNR_TODAY) == parsed
    assert str(parsed) == number
    age = pnr.age_on(born, PNR_TODAY)
    if age < 99:  # the ten-digit form: "-" under 100 years, the century is implied
        assert pnr.parse(number[2:], today=PNR_TODAY) == parsed
    elif age >= 100 and age < 199:  # "+" marks a hundred years or more
        assert pnr.parse(number[2:].replace("-", "+"), today=PNR_TODAY) == parsed


@settings(max_examples=150, deadline=None, database=None)
@given(born=births, serial=st.integers(0, 999), coordination=st.booleans())
def test_changing_any_single_digit_is_detected(born: date, serial: int, coordination: bool) -> None:
    digits = make_pnr(born, serial, coordination=coordination).replace("-", "")
    for position in range(12):
        for replacement in "0123456789":
            if replacement == digits[position]:
                continue
            changed = digits[:position] + replacement + digits[position + 1 :]
            if position < 2:
                # The century is outside the check digit: a different, possibly valid, number.
                try:
                    other = pnr.parse(changed, today=PNR_TODAY)
                except ValidationError:
                    continue
                assert other.birth_date != born
                continue
            with pytest.raises(ValidationError) as raised:
                pnr.parse(changed, today=PNR_TODAY)
            assert raised.value.code == "checksum", changed
