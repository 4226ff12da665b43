"""Demo cases: about thirty young people in Stockholm (Rinkeby-Kista and Skärholmen), in every
state of the case lifecycle, with referrals, recommendations, assessments and ESTER scores,
information, consents, decisions, groups, notes, baseline data, counts, closures and follow-ups,
and for the cases with a SIG an action plan, interventions and network meetings.

Adds to the organisations and people of `samsyn.organisations.demo` (run `seed_demo` first).
The youths and how each case has gone are data, in `samsyn.cases.demo_data`.

Everything is written through the services, step by step in date order, so the demo goes
through the same state machine and rules as a person at the keyboard, and the audit log shows
it. The services stamp some things with the day they run (the time of a state change, the day a
case became active, the start of a representation); once a case is seeded, those stamps are
moved back to the day the step happened in the demo's story, so that the timeline reads in date
order. The audit log keeps the real time of seeding.

Idempotent: a youth whose personnummer already has a case in Stockholm is left as it is, so
running it again adds nothing.
"""

from __future__ import annotations

import contextlib
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from samsyn.assessments import services as assessments
from samsyn.assessments.models import (
    IRK_FACTORS,
    PROTECTIVE_FACTORS,
    RISK_FACTORS,
    MeasurementPhase,
)
from samsyn.cases import services as cases
from samsyn.cases.demo_data import (
    CONTACT_POLICE,
    COORDINATORS,
    DISTRICT,
    MUNICIPALITY_NUMBER,
    PLANS,
    SKARHOLMEN,
    SOCIAL,
    SOCIAL_SK,
    YOUTHS,
    DemoConsent,
    DemoEster,
    DemoFollowUp,
    DemoIntervention,
    DemoNote,
    DemoPlan,
    DemoRecommendation,
    DemoYouth,
    check_digit,
    personnummer,
)
from samsyn.cases.models import (
    Case,
    CaseState,
    CaseTransition,
    FollowUp,
    Guardian,
    GuardianRole,
    Measure,
    Period,
    Representation,
)
from samsyn.consent import services as consents
from samsyn.consent.models import Consent, ConsentForm, DataCategory, GiverRole
from samsyn.lib.dates import add_months
from samsyn.lib.personnummer import age_on
from samsyn.meetings import services as meetings
from samsyn.meetings.cadence import is_working_day, next_working_day
from samsyn.meetings.models import Attendance, Meeting, MeetingKind
from samsyn.organisations.models import (
    District,
    Instrument,
    InstrumentDomain,
    Municipality,
    Organisation,
    Person,
)
from samsyn.organisations.selectors import policy_for
from samsyn.plans import services as plans
from samsyn.plans.models import (
    ActionPlan,
    Activity,
    GoalReview,
    GoalStatus,
    Intervention,
    InterventionKind,
    InterventionStatus,
    PlanVersion,
    SubGoal,
)

__all__ = [
    "DISTRICT",
    "MUNICIPALITY_NUMBER",
    "YOUTHS",
    "SeedResult",
    "check_digit",
    "demo_case",
    "personnummer",
    "seed_cases",
]

# Who decides the SIG in each district (a case officer of the owner organisation).
DECISION_MAKERS = {DISTRICT: "handlaggare", SKARHOLMEN: "samordnare.skarholmen"}
OWNERS = {DISTRICT: SOCIAL, SKARHOLMEN: SOCIAL_SK}
REFERENCE_PREFIX = {DISTRICT: "RK", SKARHOLMEN: "SK"}

# The reasons written with each move (the declines have their own).
MOVE_REASONS = {
    CaseState.MOTIVATION: (
        "Motivationsfas: ungdomen får pröva kontakten med samordnaren innan en insatsgrupp "
        "tas upp i beredningsgruppen."
    ),
    CaseState.PREPARATION: "Tas upp avidentifierat i beredningsgruppen.",
    CaseState.SCREENING: (
        "Beredningsgruppen föreslår en social insatsgrupp. Risk- och skyddsbedömning görs."
    ),
    CaseState.INFORMATION: (
        "Bedömningen är gjord. Ungdomen och vårdnadshavarna informeras om insatsgruppen och "
        "tillfrågas om samtycke."
    ),
    CaseState.ACTIVE: "Första nätverksmötet är hållet och åtgärdsplanen är upprättad.",
}
FROM_MOTIVATION = "Motivationsfasen är klar; tas upp avidentifierat i beredningsgruppen."
AGE_REASON = "Utanför målgruppens ålder, men behoven är desamma som för målgruppen."
REVOCATION_HOW = "Ringde samordnaren och återkallade samtycket."

# The network meetings: where, the usual agenda, how the youth is prepared for the first one,
# and the minutes of a meeting that the data leaves without words of its own.
LOCATIONS = {
    DISTRICT: "Socialkontoret Rinkeby, mötesrum Järva",
    SKARHOLMEN: "Socialkontoret Skärholmen, mötesrum 2",
}
AGENDA = (
    "1. Hur har det gått sedan sist? (ungdomen börjar)\n"
    "2. Uppföljning av delmålen\n"
    "3. Vem gör vad till när\n"
    "4. Nästa möte"
)
PREPARATION = {
    "prep_about": "Vi ska tillsammans skriva en plan för vad du vill uppnå.",
    "prep_outcome": "En plan med ditt långsiktiga mål, med dina egna ord, och några delmål.",
    "prep_who": "Samordnaren, de som arbetar med dig från skolan, polisen och fältassistenterna, "
    "och dina vårdnadshavare.",
    "prep_topics": "Skolan, fritiden, kompisarna och hur det är hemma. Du bestämmer vad du vill "
    "börja med.",
    "prep_after": "Alla gör det de har lovat, och vi ses igen om några veckor och ser hur det går.",
}
USUAL_MINUTES = (
    "Genomgång av delmålen och aktiviteterna sedan förra mötet. {name} berättade själv hur "
    "veckorna har gått.",
    "Aktiviteterna följdes upp en i taget. Inga nya händelser sedan förra mötet.",
    "{name} och nätverket gick igenom vad som fungerar och vad som behöver ändras. Planen "
    "gäller som den är.",
    "Kort möte. {name} vill fortsätta som nu; alla aktiviteter är gjorda eller på väg.",
)
STATUS_OF = {
    "e": GoalStatus.NOT_STARTED,
    "p": GoalStatus.IN_PROGRESS,
    "d": GoalStatus.PARTLY,
    "u": GoalStatus.ACHIEVED,
    "n": GoalStatus.NOT_ACHIEVED,
}
REVIEW_COMMENTS = {
    GoalStatus.NOT_STARTED: ("Har inte kommit igång ännu.", "Väntar på att aktiviteten börjar."),
    GoalStatus.IN_PROGRESS: (
        "Arbetet pågår enligt planen.",
        "Går framåt, men inte varje vecka.",
        "Aktiviteterna är gjorda; fortsätter som nu.",
    ),
    GoalStatus.PARTLY: ("En bit på väg: delvis uppnått.", "Bättre än vid starten, inte ända fram."),
    GoalStatus.ACHIEVED: ("Uppnått.", "Uppnått, och det håller i sig."),
    GoalStatus.NOT_ACHIEVED: (
        "Bakslag sedan förra mötet; nätverket prövar ett annat sätt.",
        "Inte uppnått.",
    ),
}
UNCHANGED = "Oförändrat sedan förra mötet."

# ESTER's domains in the order they change when things get better (or worse): school absence,
# leisure, school, friends, supervision, family conflicts, substances, attitudes... The rest
# (early debut, the parents' problems, the neighbourhood, the family's economy) stay as they are.
ESTER_CHANGEABLE = (14, 16, 13, 15, 8, 12, 2, 5, 1, 10, 6, 9, 4, 7)


@dataclass(frozen=True)
class SeedResult:
    created: int
    existing: int
    notes: int
    consents: int
    states: dict[str, int] = field(default_factory=dict)  # of every demo case, by state
    meetings: int = 0  # network meetings held
    plans: int = 0

    def summary(self) -> str:
        spread = ", ".join(
            f"{str(CaseState(state).label).lower()} {self.states[state]}"
            for state in CaseState.values
            if self.states.get(state)
        )
        return (
            f"Demo cases in Stockholms stad: {self.created} created, {self.existing} already "
            f"there ({self.notes} journal notes, {self.consents} consents, {self.plans} action "
            f"plans and {self.meetings} held network meetings added). "
            f"By state: {spread}."
        )


def ester_scores(entry: str, change: int) -> list[int]:
    """The entry's domain scores moved `change` steps (positive: lower risk)."""
    scores = [int(c) for c in entry]
    step = -1 if change > 0 else 1
    remaining = abs(change)
    while remaining:
        moved = False
        for index in ESTER_CHANGEABLE:
            if remaining and 0 <= scores[index] + step <= 2:
                scores[index] += step
                remaining -= 1
                moved = True
        if not moved:
            break
    return scores


@dataclass
class _World:
    """What every demo case needs, looked up once."""

    municipality: Municipality
    districts: dict[str, District]
    people: dict[str, Person]
    organisations: dict[str, Organisation]
    categories: dict[str, DataCategory]
    ester: Instrument | None
    ester_domains: list[InstrumentDomain]
    kinds: dict[str, InterventionKind]

    @classmethod
    def load(cls) -> _World:
        municipality = Municipality.objects.get(municipality_number=MUNICIPALITY_NUMBER)
        ester = Instrument.objects.filter(short_name="ESTER").first()
        return cls(
            municipality=municipality,
            districts={d.name: d for d in District.objects.filter(municipality=municipality)},
            people={
                p.username: p
                for p in Person.objects.filter(
                    organisation__municipality=municipality
                ).select_related("organisation__municipality", "organisation__district")
            },
            organisations={
                o.name: o for o in Organisation.objects.filter(municipality=municipality)
            },
            categories={c.slug: c for c in DataCategory.objects.all()},
            ester=ester,
            ester_domains=list(
                InstrumentDomain.objects.filter(instrument=ester, is_active=True).order_by(
                    "sort_order", "pk"
                )
            )
            if ester
            else [],
            kinds={k.name: k for k in InterventionKind.objects.all()},
        )


def _aware(day: date, minutes: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)) + timedelta(minutes=minutes))


def _givers(case: Case, on: date) -> list[consents.Giver]:
    """Who gives consent: an adult alone; a minor together with every custodian, or with the
    legal representative."""
    if age_on(case.youth.date_of_birth, on) >= 18:
        return [consents.Giver(GiverRole.YOUTH)]
    givers = [consents.Giver(GiverRole.YOUTH)]
    for guardian in Guardian.objects.filter(youth=case.youth).order_by("created_at", "pk"):
        if guardian.role == GuardianRole.LEGAL_REPRESENTATIVE:
            givers.append(consents.Giver(GiverRole.LEGAL_REPRESENTATIVE, guardian))
        elif guardian.has_custody:
            givers.append(consents.Giver(GiverRole.GUARDIAN, guardian))
    return givers


class _CaseSeeder:
    """Writes one demo youth's case through the services, one dated step at a time."""

    def __init__(self, world: _World, demo: DemoYouth, number: int, today: date) -> None:
        self.world = world
        self.demo = demo
        self.number = number
        self.today = today
        self.district = world.districts[demo.district]
        self.coordinator = world.people[COORDINATORS[demo.district]]
        self._case_pk: int | None = None
        self.moved_at: list[datetime] = []
        self.started_on: date | None = None
        self.recorded: dict[int, Consent] = {}
        self.notes = 0
        self.consents = 0
        # The plan and the network meetings (none for most cases before a decision).
        self.spec: DemoPlan | None = PLANS.get(demo.first_name)
        self.held: list[date] = self.held_days()
        self.next_day: date | None = None
        if self.spec is not None and self.spec.meetings.next is not None:
            self.next_day = next_working_day(today + timedelta(days=self.spec.meetings.next))
        self.meeting_pks: dict[int, int] = {}  # by index into `held` (len(held): the next one)
        self.premeeting_pk: int | None = None
        self.subgoal_pks: dict[int, int] = {}
        self.activity_pks: dict[tuple[int, int], int] = {}
        self.intervention_pks: dict[int, int] = {}
        self.meetings_held = 0
        self.run_started = timezone.now()
        self.touched = False  # a step wrote plan or meeting items whose stamps are to move

    # --- helpers --------------------------------------------------------------------------

    @property
    def case_pk(self) -> int:
        assert self._case_pk is not None, "the case is created by the first step"
        return self._case_pk

    def person(self, username: str) -> Person:
        return self.world.people[username]

    def case(self) -> Case:
        """The case as it is now (the services save their own copy; never reuse a stale one)."""
        return Case.objects.select_related(
            "youth", "municipality", "district", "owner", "coordinator"
        ).get(pk=self.case_pk)

    def category(self, slug: str) -> DataCategory:
        return self.world.categories[slug]

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    # --- the plan -------------------------------------------------------------------------

    def plan(self) -> list[tuple[int, int, Callable[[date], None]]]:
        """(days ago, order within the day, step). Later steps need earlier ones: the six points
        before consent, consent before the decision, and so on."""
        demo, course = self.demo, self.demo.course
        steps: list[tuple[int, int, Callable[[date], None]]] = [(course.referred, 0, self.refer)]
        coordinator_refers = not course.referrer or course.referrer == self.coordinator.username
        if course.received is not None:
            steps.append((course.received, 1, self.receive))
        setup_day = course.received
        if setup_day is None and coordinator_refers:
            setup_day = course.referred
        if setup_day is not None:
            steps.append((setup_day, 2, self.set_up))
        for state, days_ago in (
            (CaseState.MOTIVATION, course.motivation),
            (CaseState.PREPARATION, course.preparation),
            (CaseState.SCREENING, course.screening),
            (CaseState.INFORMATION, course.information),
        ):
            if days_ago is not None:
                steps.append((days_ago, 10, self.mover(state)))
        for recommendation in demo.recommendations:
            steps.append((recommendation.days_ago, 11, self.recommender(recommendation)))
        if demo.assessment is not None:
            steps.append((demo.assessment.days_ago, 12, self.assess))
            if demo.ester is not None:
                steps.extend(self.measurements(demo.assessment.days_ago, demo.ester))
        for days_ago, points in course.informed:
            steps.append((days_ago, 13, self.informer(points)))
        for index, spec in enumerate(demo.consents):
            steps.append((spec.days_ago, 14, self.consenter(index, spec)))
            if spec.revoked:
                assert spec.revoked_days_ago is not None
                steps.append((spec.revoked_days_ago, 31, self.revoker(index, spec)))
        if course.decided is not None:
            steps.append((course.decided, 15, self.decide))
            if demo.profile is not None:
                steps.append((course.decided, 16, self.profile))
        if course.group is not None:
            steps.append((course.group, 17, self.assign_group))
        if course.active is not None:
            steps.append((course.active, 20, self.mover(CaseState.ACTIVE)))
        steps.extend(self.plan_steps())
        for note in demo.notes:
            steps.append((note.days_ago, 30, self.noter(note)))
        if demo.counts is not None:
            assert course.active is not None, f"{demo.first_name}: counts need an active SIG"
            steps.append((course.active, 32, self.count_before))
            steps.append((course.closed or 0, 32, self.count_during))
            if demo.counts.after is not None:
                assert course.followups
                steps.append((course.followups[-1].days_ago, 42, self.count_after))
        if course.closed is not None:
            steps.append((course.closed, 40, self.close))
        for followup in course.followups:
            steps.append((followup.days_ago, 41, self.follower(followup)))
        if course.declined is not None:
            steps.append((course.declined, 40, self.decline))
        return steps

    def run(self) -> Case:
        steps = sorted(self.plan(), key=lambda step: (-step[0], step[1]))
        for days_ago, _order, step in steps:
            day = self.day(days_ago)
            step(day)
            self.stamp(day)
        self.backdate()
        return self.case()

    # --- the steps ------------------------------------------------------------------------

    def refer(self, day: date) -> None:
        demo, course = self.demo, self.demo.course
        referrer = self.person(course.referrer or self.coordinator.username)
        case = cases.case_create(
            actor=referrer,
            owner=self.world.organisations[OWNERS[demo.district]],
            first_name=demo.first_name,
            last_name=demo.last_name,
            reason=demo.reason,
            kind=course.kind or None,
            referred_on=day,
            source_description=course.source,
            age_exception_reason=self.age_reason(day),
            personnummer=demo.personnummer,
            sex=demo.sex,
            district=self.district,
            address=demo.address,
            phone=demo.phone,
            school=demo.school,
            summary=demo.summary,
        )
        self._case_pk = case.pk

    def age_reason(self, day: date) -> str:
        local = policy_for(municipality=self.world.municipality, district=self.district)
        age = age_on(self.demo.born, day)
        if local is None or local.in_target_ages(age):
            return ""
        return self.demo.age_reason or AGE_REASON

    def receive(self, day: date) -> None:
        cases.referral_receive(actor=self.coordinator, case=self.case())

    def set_up(self, day: date) -> None:
        case = self.case()
        for username in self.demo.members:
            cases.member_add(actor=self.coordinator, case=case, person=self.person(username))
        for guardian in self.demo.guardians:
            cases.guardian_add(
                actor=self.coordinator,
                case=case,
                first_name=guardian.first_name,
                last_name=guardian.last_name,
                role=guardian.role,
                phone=guardian.phone,
                address=self.demo.address if guardian.has_custody else "",
                has_custody=guardian.has_custody,
            )

    def mover(self, state: str) -> Callable[[date], None]:
        def move(day: date) -> None:
            case = self.case()
            reason = MOVE_REASONS[CaseState(state)]
            if state == CaseState.PREPARATION and case.state == CaseState.MOTIVATION:
                reason = FROM_MOTIVATION
            cases.case_transition(actor=self.coordinator, case=case, to_state=state, reason=reason)
            if state == CaseState.ACTIVE:
                self.started_on = day

        return move

    def recommender(self, spec: DemoRecommendation) -> Callable[[date], None]:
        def recommend(day: date) -> None:
            cases.recommendation_record(
                actor=self.person(spec.by),
                case=self.case(),
                meeting_on=day,
                recommendation=spec.recommendation,
                motivation=spec.motivation,
            )

        return recommend

    def assess(self, day: date) -> None:
        spec = self.demo.assessment
        assert spec is not None

        def checklist(
            factors: Sequence[tuple[str, object]], present: tuple[str, ...]
        ) -> dict[str, dict[str, object]]:
            unknown = set(present) - {key for key, _label in factors}
            assert not unknown, f"{self.demo.first_name}: unknown factors {unknown}"
            return {key: {"present": key in present, "comment": ""} for key, _label in factors}

        assessments.assessment_record(
            actor=self.person(spec.by),
            case=self.case(),
            assessed_on=day,
            risk_factors=checklist(RISK_FACTORS, spec.risk),
            protective_factors=checklist(PROTECTIVE_FACTORS, spec.protective),
            irk_factors=checklist(IRK_FACTORS, spec.irk),
            debut_crime=spec.debut_crime,
            threat_level=spec.threat_level,
            threat_assessment=spec.threat,
            judgment=spec.judgment,
            category=self.category("socialtjanst"),
        )

    def measurements(
        self, entry_days_ago: int, spec: DemoEster
    ) -> list[tuple[int, int, Callable[[date], None]]]:
        steps = [(entry_days_ago, 12, self.measurer(MeasurementPhase.ENTRY, spec.entry, 0))]
        if spec.midway is not None:
            days_ago, change = spec.midway
            steps.append((days_ago, 12, self.measurer(MeasurementPhase.MIDWAY, spec.entry, change)))
        if spec.closure is not None:
            days_ago, change = spec.closure
            steps.append(
                (days_ago, 12, self.measurer(MeasurementPhase.CLOSURE, spec.entry, change))
            )
        return steps

    def measurer(self, phase: str, entry: str, change: int) -> Callable[[date], None]:
        comments = {
            MeasurementPhase.ENTRY: "Ingångsvärde vid bedömningen.",
            MeasurementPhase.MIDWAY: "Mellanvärde inför halvtidsuppföljningen.",
            MeasurementPhase.CLOSURE: "Slutvärde vid avslut.",
        }

        def measure(day: date) -> None:
            instrument = self.world.ester
            domains = self.world.ester_domains
            assert instrument is not None and len(entry) == 19, self.demo.first_name
            age = age_on(self.demo.born, day)
            if (instrument.min_age is not None and age < instrument.min_age) or (
                instrument.max_age is not None and age > instrument.max_age
            ):
                return  # the youth has grown out of the instrument since the data was written
            values = ester_scores(entry, change)
            scores = {domain: Decimal(v) for domain, v in zip(domains, values, strict=False)}
            assert self.demo.assessment is not None
            assessments.measurement_record(
                actor=self.person(self.demo.assessment.by),
                case=self.case(),
                instrument=instrument,
                measured_on=day,
                phase=phase,
                total=Decimal(sum(int(v) for v in scores.values())),
                scores=scores,
                comment=comments[MeasurementPhase(phase)],
                category=self.category("socialtjanst"),
            )

        return measure

    def informer(self, points: tuple[int, ...]) -> Callable[[date], None]:
        def inform(day: date) -> None:
            cases.information_record(
                actor=self.coordinator,
                case=self.case(),
                points=list(points),
                informed_on=day,
                informed_by=self.coordinator,
            )

        return inform

    def consenter(self, index: int, spec: DemoConsent) -> Callable[[date], None]:
        def consent(day: date) -> None:
            case = self.case()
            valid_until = None
            if spec.until_followup:
                assert self.demo.course.closed is not None or self.demo.course.active is not None
                end = self.demo.course.closed
                valid_until = add_months(self.day(end if end is not None else 0), 14)
            elif spec.valid_days:
                valid_until = day + timedelta(days=spec.valid_days)
            self.recorded[index] = consents.consent_record(
                actor=self.person(spec.recorder),
                case=case,
                categories=[self.category(slug) for slug in spec.categories],
                recipients=[self.world.organisations[name] for name in spec.recipients],
                givers=_givers(case, day),
                form=ConsentForm.ORAL,
                oral_note=spec.oral_note,
                given_on=day,
                valid_until=valid_until,
            )
            self.consents += 1

        return consent

    def revoker(self, index: int, spec: DemoConsent) -> Callable[[date], None]:
        def revoke(day: date) -> None:
            consents.consent_revoke(
                actor=self.coordinator,
                consent=self.recorded[index],
                revoked_by=spec.revoked,
                how=REVOCATION_HOW,
                at=_aware(day, 60),
            )

        return revoke

    def decide(self, day: date) -> None:
        course = self.demo.course
        cases.decision_record(
            actor=self.coordinator,
            case=self.case(),
            legal_basis=course.legal_basis,
            decided_on=day,
            reference=f"{REFERENCE_PREFIX[self.demo.district]}-{day:%Y}-{1000 + self.number * 37}",
            decision_maker=self.person(DECISION_MAKERS[self.demo.district]),
            misconduct_rules=course.misconduct_rules,
        )

    def profile(self, day: date) -> None:
        spec = self.demo.profile
        assert spec is not None
        cases.profile_save(
            actor=self.coordinator,
            case=self.case(),
            area=spec.area,
            parents_separated=spec.parents_separated,
            earlier_interventions=spec.earlier_interventions,
            earlier_interventions_text=spec.earlier_interventions_text,
            substance_use=spec.substance_use,
            main_drug=spec.main_drug,
            crime_types=list(spec.crime_types),
            prior_conviction=spec.prior_conviction,
            waived_prosecution=spec.waived_prosecution,
        )

    def assign_group(self, day: date) -> None:
        course = self.demo.course
        case = self.case()
        cases.group_assign(
            actor=self.coordinator,
            case=case,
            coordinator=case.coordinator,
            lead_contact=self.person(course.lead_contact) if course.lead_contact else None,
            contact_police=(
                self.person(CONTACT_POLICE[self.demo.district]) if course.contact_police else None
            ),
        )
        for username in course.mandates:
            cases.mandate_set(
                actor=self.coordinator,
                case=self.case(),
                person=self.person(username),
                has_mandate=True,
            )

    def noter(self, spec: DemoNote) -> Callable[[date], None]:
        def note(day: date) -> None:
            cases.note_create(
                actor=self.person(spec.author),
                case=self.case(),
                category=self.category(spec.category),
                title=spec.title,
                text=spec.text,
                occurred_on=day,
                kind=spec.kind,
            )
            self.notes += 1

        return note

    def count(
        self, period: str, values: tuple[int, int, int], start: date, end: date | None
    ) -> None:
        police = self.person(CONTACT_POLICE[self.demo.district])
        case = self.case()
        for actor, measure, value in (
            (police, Measure.POLICE_REPORTS, values[0]),
            (self.coordinator, Measure.CONCERN_REPORTS, values[1]),
            (police, Measure.CONVICTIONS, values[2]),
        ):
            cases.outcome_count_save(
                actor=actor,
                case=case,
                period=period,
                measure=measure,
                count=value,
                period_start=start,
                period_end=end,
            )

    def count_before(self, day: date) -> None:
        assert self.demo.counts is not None
        self.count(Period.BEFORE, self.demo.counts.before, add_months(day, -12), day)

    def count_during(self, day: date) -> None:
        counts, course = self.demo.counts, self.demo.course
        assert counts is not None and course.active is not None
        if counts.during is not None:
            self.count(Period.DURING, counts.during, self.day(course.active), day)

    def count_after(self, day: date) -> None:
        counts, course = self.demo.counts, self.demo.course
        assert counts is not None and counts.after is not None and course.closed is not None
        self.count(Period.AFTER, counts.after, self.day(course.closed), day)

    def close(self, day: date) -> None:
        course = self.demo.course
        cases.case_close(
            actor=self.coordinator,
            case=self.case(),
            closed_on=day,
            reason=course.closure_reason,
            summary=course.closure_summary,
        )

    def follower(self, spec: DemoFollowUp) -> Callable[[date], None]:
        def follow_up(day: date) -> None:
            case = self.case()
            cases.followup_record(
                actor=self.coordinator,
                case=case,
                followup=FollowUp.objects.get(case=case, months_after=spec.months),
                done_on=day,
                situation=spec.situation,
            )

        return follow_up

    def decline(self, day: date) -> None:
        cases.case_transition(
            actor=self.coordinator,
            case=self.case(),
            to_state=CaseState.DECLINED,
            reason=self.demo.course.declined_reason,
        )

    # --- the action plan, the interventions and the network meetings --------------------

    def ago(self, day: date) -> int:
        return (self.today - day).days

    def held_days(self) -> list[date]:
        """The days the network meetings were held: the data's, moved back to a working day
        (the first is the day the SIG started, as it is)."""
        if self.spec is None:
            return []
        days: list[date] = []
        for days_ago in self.spec.meetings.held:
            day = self.day(days_ago)
            if days:
                moved = day
                while not is_working_day(moved):
                    moved -= timedelta(days=1)
                if moved > days[-1]:
                    day = moved
            days.append(day)
        if days:
            assert days[0] == self.day(self.demo.course.active or 0), self.demo.first_name
        return days

    def booked_on(self) -> date:
        course = self.demo.course
        booked = course.group if course.group is not None else course.decided
        assert booked is not None, f"{self.demo.first_name}: meetings need a decided SIG"
        return self.day(booked)

    def premeeting_day(self, index: int) -> date:
        day = self.held[index] - timedelta(days=2)
        while not is_working_day(day):
            day -= timedelta(days=1)
        booked = self.booked_on() if index == 0 else self.held[index - 1]
        return max(day, booked)

    def plan_steps(self) -> list[tuple[int, int, Callable[[date], None]]]:
        spec = self.spec
        if spec is None:
            return []
        steps: list[tuple[int, int, Callable[[date], None]]] = [
            (self.ago(self.booked_on()), 18, lambda day: self.book(0, day))
        ]
        for index, day in enumerate(self.held):
            steps.append((self.ago(day), 19, self.holder(index)))
            if spec.meetings.premeeting == index:
                steps.append((self.ago(self.premeeting_day(index)), 19, self.hold_premeeting))
        if spec.meetings.invited and self.next_day is not None:
            steps.append((1, 19, self.prepare_next))
        for g, goal in enumerate(spec.subgoals):
            for a, activity in enumerate(goal.activities):
                if activity.done is None:
                    continue
                done = self.held[activity.meeting] + timedelta(days=activity.done)
                if done <= self.today:
                    steps.append((self.ago(done), 22, self.doer(g, a)))
        started = self.held[0] if self.held else None
        closed = self.day(self.demo.course.closed) if self.demo.course.closed is not None else None
        for i, intervention in enumerate(spec.interventions):
            assert started is not None
            start = started + timedelta(days=intervention.start)
            # Recorded when it starts (on the SIG's first day if it began before); a planned
            # one at the last meeting.
            recorded = self.held[-1] if start > self.today else max(start, started)
            end = closed
            if intervention.end is not None:
                end = started + timedelta(days=intervention.end)
                end = min(end, closed) if closed is not None else end
            steps.append((self.ago(recorded), 21, self.intervener(i, start)))
            if end is not None and end <= self.today:
                steps.append((self.ago(end), 23, self.ender(i, start, end)))
        return steps

    def professionals(self) -> list[Person]:
        usernames = [self.coordinator.username, *self.demo.members]
        return [self.person(u) for u in dict.fromkeys(usernames)]

    def guardians_on(self, case: Case, day: date) -> list[Guardian]:
        """The guardians (or the legal representative) come while the youth is a minor."""
        if age_on(self.demo.born, day) >= 18:
            return []
        return list(Guardian.objects.filter(youth=case.youth).order_by("created_at", "pk"))

    def at(self, index: int) -> int:
        """An index into the held meetings (negative: from the last)."""
        return index % len(self.held)

    def meeting_on(self, index: int) -> date | None:
        if index < len(self.held):
            return self.held[index]
        return self.next_day

    def book(self, index: int, day: date) -> None:
        """Plan network meeting `index` (the next one after the held ones: `len(held)`), and
        the förmöte before it; send the invitation to the next one when the data says so."""
        assert self.spec is not None
        when = self.meeting_on(index)
        if when is None:
            return
        case = self.case()
        meeting = meetings.meeting_plan(
            actor=self.coordinator,
            case=case,
            kind=MeetingKind.NETWORK,
            starts_at=_aware(when),
            location=LOCATIONS[self.demo.district],
            agenda=AGENDA,
            invite=self.professionals(),
            invite_guardians=self.guardians_on(case, when),
        ).meeting
        self.meeting_pks[index] = meeting.pk
        if self.spec.meetings.premeeting == index and index < len(self.held):
            premeeting = meetings.meeting_plan(
                actor=self.coordinator,
                case=case,
                kind=MeetingKind.PREMEETING,
                starts_at=_aware(self.premeeting_day(index), 240),
                location=LOCATIONS[self.demo.district],
                agenda="Hur nätverksmötet läggs upp, och vad som kan sägas när ungdomen är med.",
                premeeting_of=meeting,
                invite=self.professionals(),
            ).meeting
            self.premeeting_pk = premeeting.pk
        if index == len(self.held) and self.spec.meetings.invited:
            # The console e-mail backend of the demo prints the messages: keep them quiet.
            with contextlib.redirect_stdout(io.StringIO()):
                meetings.meeting_invite(actor=self.coordinator, case=case, meeting=meeting)
        self.touched = True

    def prepare_next(self, day: date) -> None:
        meeting = Meeting.objects.get(pk=self.meeting_pks[len(self.held)])
        meetings.meeting_prepare(
            actor=self.coordinator,
            case=self.case(),
            meeting=meeting,
            prep_about="Uppföljning av planen: hur det har gått sedan förra mötet.",
            prep_outcome="Att vi ser vad som har blivit bättre och bestämmer vad som görs nu.",
            prep_who="Samma som förra gången.",
            prep_topics="Du börjar med att berätta hur veckorna har varit.",
            prep_after="Nästa möte bokas innan vi går.",
            youth_prepared_on=day,
        )

    def hold_premeeting(self, day: date) -> None:
        assert self.spec is not None and self.premeeting_pk is not None
        meetings.meeting_record(
            actor=self.coordinator,
            case=self.case(),
            meeting=Meeting.objects.get(pk=self.premeeting_pk),
            held_on=day,
            minutes=self.spec.meetings.premeeting_minutes,
            attended=dict.fromkeys(self.professionals(), True),
        )
        self.touched = True

    def holder(self, index: int) -> Callable[[date], None]:
        def hold(day: date) -> None:
            self.hold(index, day)

        return hold

    def hold(self, index: int, day: date) -> None:
        """A held network meeting: who came, the minutes, the plan written (the first time) or
        changed, what was decided, each sub-goal followed up, the plan agreed, the next
        meeting booked."""
        spec = self.spec
        assert spec is not None
        case = self.case()
        meeting = Meeting.objects.get(pk=self.meeting_pks[index])
        if index == 0:
            meetings.meeting_prepare(
                actor=self.coordinator,
                case=case,
                meeting=meeting,
                youth_prepared_on=max(day - timedelta(days=2), self.booked_on()),
                **PREPARATION,
            )
        attended, absent = self.attendance(case, meeting, index)
        meetings.meeting_record(
            actor=self.coordinator,
            case=case,
            meeting=meeting,
            held_on=day,
            minutes=self.minutes(index, absent),
            attended=attended,
        )
        self.meetings_held += 1
        if index == 0:
            plans.plan_save(actor=self.coordinator, case=case, long_term_goal=spec.goal)
        for g, goal in enumerate(spec.subgoals):
            if goal.added == index:
                self.subgoal_pks[g] = plans.subgoal_save(
                    actor=self.coordinator,
                    case=case,
                    domain=goal.domain,
                    goal=goal.goal,
                    youth_words=goal.youth_words,
                ).pk
        for g, goal in enumerate(spec.subgoals):
            for a, activity in enumerate(goal.activities):
                if self.at(activity.meeting) == index:
                    self.activity_pks[(g, a)] = self.agree_activity(case, meeting, g, a, day)
        reviews = []
        for g, goal in enumerate(spec.subgoals):
            if g in self.subgoal_pks:
                status, comment = self.review(goal.statuses, index - goal.added, goal.added)
                reviews.append((SubGoal.objects.get(pk=self.subgoal_pks[g]), status, comment))
        meetings.meeting_follow_up(
            actor=self.coordinator, case=case, meeting=meeting, reviews=reviews
        )
        if index == 0 or index in spec.revised:
            plans.plan_agree(actor=self.coordinator, case=case, agreed_on=day)
        self.book(index + 1, day)
        self.touched = True

    def attendance(
        self, case: Case, meeting: Meeting, index: int
    ) -> tuple[dict[meetings.Invitee, bool], list[str]]:
        """Who came: everyone invited but those the data says did not, and the stand-ins who
        came in someone's place. Also the names of those who did not come, for the minutes."""
        assert self.spec is not None
        away = {who for n, who in self.spec.meetings.absent if n == index}
        stand_ins = [(a, b) for n, a, b in self.spec.meetings.stand_ins if n == index]
        away |= {a for a, _b in stand_ins}
        attended: dict[meetings.Invitee, bool] = {}
        absent: list[str] = []
        for person in self.professionals():
            attended[person] = person.username not in away
            if person.username in away:
                replaced = next((b for a, b in stand_ins if a == person.username), "")
                if replaced:
                    absent.append(f"{person} ({self.person(replaced)} kom i stället)")
                else:
                    absent.append(str(person))
        for _a, username in stand_ins:
            if username:
                stand_in = self.person(username)
                cases.member_add(actor=self.coordinator, case=case, person=stand_in)
                attended[stand_in] = True
        for row in Attendance.objects.filter(meeting=meeting, guardian__isnull=False):
            guardian = row.guardian
            assert guardian is not None
            came = guardian.first_name not in away
            attended[row] = came
            if not came:
                absent.append(f"{guardian.first_name} {guardian.last_name}")
        attended["youth"] = "youth" not in away
        if "youth" in away:
            absent.append(self.demo.first_name)
        return attended, absent

    def minutes(self, index: int, absent: list[str]) -> str:
        assert self.spec is not None
        written = self.spec.meetings.minutes
        text = written[index] if index < len(written) and written[index] else ""
        lines = [
            text or USUAL_MINUTES[index % len(USUAL_MINUTES)].format(name=self.demo.first_name)
        ]
        if absent:
            lines.append("Kunde inte komma: " + ", ".join(absent) + ".")
        following = self.meeting_on(index + 1)
        if following is not None:
            lines.append(f"Nästa nätverksmöte: {following:%Y-%m-%d}.")
        elif self.demo.course.closed is None:
            lines.append("Nästa nätverksmöte bokas när skolans schema är klart.")
        return "\n\n".join(lines)

    def review(self, statuses: str, since: int, added: int) -> tuple[str, str]:
        """The sub-goal's status at the `since`th meeting since it was added, and a comment."""

        def letter(n: int) -> str:
            count = len(self.held) - added
            return statuses[n] if count <= len(statuses) else statuses[n * len(statuses) // count]

        status = STATUS_OF[letter(since)]
        if since and STATUS_OF[letter(since - 1)] == status:
            return status, "Håller i sig." if status == GoalStatus.ACHIEVED else UNCHANGED
        comments = REVIEW_COMMENTS[status]
        return status, comments[(since + self.number) % len(comments)]

    def agree_activity(self, case: Case, meeting: Meeting, g: int, a: int, day: date) -> int:
        assert self.spec is not None
        spec = self.spec.subgoals[g].activities[a]
        organisation = self.world.organisations[spec.organisation]
        who = self.person(spec.who) if spec.who else None
        due = day + timedelta(days=spec.due)
        follow_up = next(
            (d for d in [*self.held, self.next_day] if d is not None and d >= due), None
        )
        subgoal = SubGoal.objects.get(pk=self.subgoal_pks[g])
        if spec.decided:
            activity = meetings.meeting_decide(
                actor=self.coordinator,
                case=case,
                meeting=meeting,
                description=spec.description,
                responsible_organisation=organisation,
                responsible_person=who,
                subgoal=subgoal,
                due_on=due,
                follow_up_on=follow_up,
                youth_does=spec.youth_does,
            )
        else:
            activity = plans.activity_create(
                actor=who or self.coordinator,
                case=case,
                description=spec.description,
                responsible_organisation=organisation,
                responsible_person=who,
                subgoal=subgoal,
                due_on=due,
                follow_up_on=follow_up,
                youth_does=spec.youth_does,
            )
        return activity.pk

    def doer(self, g: int, a: int) -> Callable[[date], None]:
        def done(day: date) -> None:
            assert self.spec is not None
            spec = self.spec.subgoals[g].activities[a]
            plans.activity_done(
                actor=self.person(spec.who) if spec.who else self.coordinator,
                case=self.case(),
                activity=Activity.objects.get(pk=self.activity_pks[(g, a)]),
                done_on=day,
            )
            self.touched = True

        return done

    def intervention(self, i: int) -> DemoIntervention:
        assert self.spec is not None
        return self.spec.interventions[i]

    def intervener(self, i: int, start: date) -> Callable[[date], None]:
        def record(day: date) -> None:
            spec = self.intervention(i)
            self.intervention_pks[i] = plans.intervention_save(
                actor=self.person(spec.by),
                case=self.case(),
                kind=self.world.kinds[spec.kind],
                description=spec.description,
                started_on=start,
                status=InterventionStatus.PLANNED if start > day else InterventionStatus.ONGOING,
            ).pk
            self.touched = True

        return record

    def ender(self, i: int, start: date, end: date) -> Callable[[date], None]:
        def end_it(day: date) -> None:
            spec = self.intervention(i)
            plans.intervention_save(
                actor=self.person(spec.by),
                case=self.case(),
                intervention=Intervention.objects.get(pk=self.intervention_pks[i]),
                kind=self.world.kinds[spec.kind],
                description=spec.description,
                started_on=start,
                ended_on=end,
                status=InterventionStatus.CANCELLED if spec.cancelled else InterventionStatus.ENDED,
            )

        return end_it

    # --- the services' own dates ----------------------------------------------------------

    def stamp(self, day: date) -> None:
        """After a step: note the demo day of each state change it made, and start the group
        periods it opened on that day."""
        moves = CaseTransition.objects.filter(case_id=self.case_pk).count()
        while len(self.moved_at) < moves:
            self.moved_at.append(_aware(day, len(self.moved_at)))
        Representation.objects.filter(
            case_id=self.case_pk, started_on=timezone.localdate()
        ).exclude(started_on=day).update(started_on=day)
        if self.touched:
            self.touched = False
            # The plan, its sub-goals, activities, reviews and versions, the interventions and
            # the meetings written by the step: created on the step's day (an activity cannot
            # be done before it was created), the invitation sent that day.
            since = {"created_at__gte": self.run_started}
            at = _aware(day)
            for model in (ActionPlan, SubGoal, Activity, GoalReview, Intervention, Meeting):
                model.objects.filter(case_id=self.case_pk, **since).update(created_at=at)
            PlanVersion.objects.filter(plan__case_id=self.case_pk, **since).update(created_at=at)
            Meeting.objects.filter(
                case_id=self.case_pk, invitation_sent_at__gte=self.run_started
            ).update(invitation_sent_at=_aware(day, 30))

    def backdate(self) -> None:
        """Move the services' "now" of each state change to the day it happened in the story."""
        moves = list(
            CaseTransition.objects.filter(case_id=self.case_pk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        assert len(moves) == len(self.moved_at), self.demo.first_name
        for pk, at in zip(moves, self.moved_at, strict=True):
            CaseTransition.objects.filter(pk=pk).update(created_at=at)
        fields: dict[str, object] = {"state_since": self.moved_at[-1]}
        if self.started_on is not None:
            fields["started_on"] = self.started_on
        if self.demo.course.declined is not None:
            fields["closed_on"] = self.day(self.demo.course.declined)
        Case.objects.filter(pk=self.case_pk).update(**fields)


def _exists(municipality: Municipality, demo: DemoYouth) -> bool:
    return Case.objects.filter(
        municipality=municipality, youth__personnummer=demo.personnummer.replace("-", "")
    ).exists()


def seed_cases(*, today: date | None = None) -> SeedResult:
    """Create the demo cases that are not there yet; returns what was done."""
    today = today or timezone.localdate()
    world = _World.load()
    created = existing = notes = recorded = held = written = 0
    for number, demo in enumerate(YOUTHS, start=1):
        if _exists(world.municipality, demo):
            existing += 1
            continue
        seeder = _CaseSeeder(world, demo, number, today)
        with transaction.atomic():
            seeder.run()
        created += 1
        notes += seeder.notes
        recorded += seeder.consents
        held += seeder.meetings_held
        written += 1 if seeder.held else 0
    states = Counter(
        Case.objects.filter(
            municipality=world.municipality,
            youth__personnummer__in=[d.personnummer.replace("-", "") for d in YOUTHS],
        ).values_list("state", flat=True)
    )
    return SeedResult(
        created=created,
        existing=existing,
        notes=notes,
        consents=recorded,
        states=dict(states),
        meetings=held,
        plans=written,
    )


def demo_case(number: int) -> Case:
    """The case of demo youth `number` (1-based), for tests and walkthroughs."""
    demo = YOUTHS[number - 1]
    return Case.objects.get(
        municipality__municipality_number=MUNICIPALITY_NUMBER,
        youth__personnummer=demo.personnummer.replace("-", ""),
    )
