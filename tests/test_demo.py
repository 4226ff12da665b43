"""The demo data: about thirty invented youths in every state, seeded through the services."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
from django.db import transaction
from django.utils import timezone

from samsyn.assessments.models import Measurement, MeasurementPhase, RiskAssessment
from samsyn.audit.models import AuditRecord
from samsyn.cases.demo import YOUTHS, demo_case, ester_scores, seed_cases
from samsyn.cases.lifecycle import ALLOWED
from samsyn.cases.models import (
    Case,
    CaseState,
    CaseTransition,
    Closure,
    FollowUp,
    JournalNote,
    NoteKind,
    OutcomeCount,
    Period,
    PreparationRecommendation,
    Recommendation,
    Referral,
    ReferralKind,
    Representation,
    Sex,
    Youth,
)
from samsyn.consent.models import Consent
from samsyn.lib import personnummer as pnr
from samsyn.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
from samsyn.organisations.demo import seed_demo
from samsyn.organisations.models import Instrument
from samsyn.organisations.selectors import policy_for
from samsyn.plans.models import (
    ActionPlan,
    Activity,
    GoalReview,
    GoalStatus,
    Intervention,
    PlanVersion,
    SubGoal,
)
from samsyn.portal.demo import seed_portal
from samsyn.reminders.models import ReminderKind
from samsyn.reminders.services import due_reminders

pytestmark = pytest.mark.django_db

DEMO_NUMBERS = [y.personnummer.replace("-", "") for y in YOUTHS]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (it takes a few seconds), inside a transaction rolled back at
    the end; each test runs in its own savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        seed_cases()
        seed_portal()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return Case.objects.filter(youth__personnummer__in=DEMO_NUMBERS).select_related(
        "youth", "district", "municipality"
    )


def test_every_state_has_a_demo_case_and_there_are_about_thirty_youths(demo):
    states = Counter(demo.values_list("state", flat=True))
    assert set(states) == set(CaseState.values)
    assert 28 <= len(YOUTHS) <= 35
    assert demo.count() == len(YOUTHS)
    assert states[CaseState.ACTIVE] >= 4 and states[CaseState.CLOSED] >= 4


def test_seeding_twice_adds_nothing(demo):
    counted = [
        Case,
        Youth,
        JournalNote,
        Consent,
        CaseTransition,
        Measurement,
        AuditRecord,
        ActionPlan,
        PlanVersion,
        SubGoal,
        Activity,
        GoalReview,
        Intervention,
        Meeting,
        Attendance,
    ]
    before = {model.__name__: model.objects.count() for model in counted}
    again = seed_cases()
    assert again.created == 0 and again.existing == len(YOUTHS)
    seed_portal()
    assert {model.__name__: model.objects.count() for model in counted} == before


def test_the_demo_portal_has_adam_his_mother_feedback_and_evaluations(demo, client):
    from samsyn.cases.models import CaseMember
    from samsyn.portal.models import Evaluation, EvaluationReceipt, Feedback, PortalAccount
    from samsyn.portal.voice_services import feedback_recipient_for

    adam = PortalAccount.objects.get(username="ung.adam")
    assert adam.case == demo_case(1) and adam.is_youth
    assert PortalAccount.objects.get(username="vh.hodan").guardian.first_name == "Hodan"
    # The printed login works, and Adam may withdraw a consent that reaches the police.
    response = client.post(
        "/ung/logga-in/", {"username": "ung.adam", "password": "samsyn-demo-2026"}
    )
    assert response.status_code == 302
    page = client.get("/ung/samtycken/").content.decode()
    assert "Lokalpolisområde Rinkeby" in page and "/ta-tillbaka/" in page
    # Feedback goes to someone outside every demo group; one named and answered, one anonymous.
    recipient = feedback_recipient_for(case=adam.case)
    assert recipient.username == "synpunkter"
    assert not CaseMember.objects.filter(person=recipient).exists()
    assert Feedback.objects.filter(account=adam).exclude(response="").exists()
    assert Feedback.objects.filter(anonymous=True, account__isnull=True).exists()
    # Every youth whose SIG ended has answered; one group is large enough to be shown.
    assert EvaluationReceipt.objects.count() == Evaluation.objects.count() >= 5


def test_the_personnummer_are_valid_distinct_and_match_birth_and_sex():
    assert len(set(DEMO_NUMBERS)) == len(DEMO_NUMBERS)
    for youth in YOUTHS:
        parsed = pnr.parse(youth.personnummer)
        assert parsed.birth_date == youth.born
        assert parsed.normalised[8] == "9", "demo birth numbers are 9xx"
        odd = int(parsed.normalised[10]) % 2 == 1
        assert odd == (youth.sex == Sex.MALE), youth.first_name


def test_phone_numbers_are_from_the_series_kept_for_fiction():
    from samsyn.cases.demo_data import YOUTHS as TABLE

    phones = [y.phone for y in TABLE if y.phone] + [g.phone for y in TABLE for g in y.guardians]
    assert phones
    for phone in phones:
        match = re.fullmatch(r"070-174 06 (\d\d)", phone)
        assert match and 5 <= int(match.group(1)) <= 99, phone
    assert len(set(phones)) == len(phones)


def test_every_timeline_follows_the_state_machine_in_date_order(demo):
    for case in demo:
        moves = list(CaseTransition.objects.filter(case=case).order_by("created_at", "pk"))
        assert moves[0].from_state == "" and moves[0].to_state == CaseState.REFERRED
        for previous, move in pairwise(moves):
            assert move.from_state == previous.to_state, case.youth
            assert move.to_state in ALLOWED[move.from_state], case.youth
            assert previous.created_at <= move.created_at, case.youth
        assert moves[-1].to_state == case.state
        assert moves[0].created_at.date() == case.opened_on
        assert case.state_since == moves[-1].created_at
        assert case.opened_on <= timezone.localdate()
        if case.decided_on:
            assert case.opened_on <= case.decided_on
        if case.started_on:
            assert case.decided_on and case.decided_on <= case.started_on
        if case.closed_on:
            assert (case.started_on or case.opened_on) <= case.closed_on
        for period in Representation.objects.filter(case=case, ended_on__isnull=False):
            assert period.started_on <= period.ended_on, case.youth


def test_referrals_come_from_several_sources_and_respect_the_target_ages(demo):
    referrals = Referral.objects.filter(case__in=demo).select_related("case__district")
    kinds = Counter(r.kind for r in referrals)
    for kind in (ReferralKind.POLICE, ReferralKind.SCHOOL, ReferralKind.FIELD_WORKERS):
        assert kinds[kind] >= 2
    outside = 0
    for referral in referrals:
        case = referral.case
        local = policy_for(municipality=case.municipality, district=case.district)
        assert local is not None
        if not local.target_age_min <= referral.age_at_referral <= local.target_age_max:
            outside += 1
            assert referral.age_exception_reason
    assert 1 <= outside <= 3
    # An incoming police referral the coordinator has not taken yet.
    assert demo.filter(state=CaseState.REFERRED, coordinator__isnull=True).exists()


def test_the_motivation_phase_is_used_where_the_policy_has_one(demo):
    for case in demo.filter(state=CaseState.MOTIVATION):
        assert policy_for(municipality=case.municipality, district=case.district).motivation_phase
    assert demo.filter(state=CaseState.MOTIVATION).exists()


def test_preparation_screening_and_information_look_like_real_work(demo):
    recommendations = PreparationRecommendation.objects.filter(case__in=demo)
    assert recommendations.filter(recommendation=Recommendation.MORE_INFORMATION).exists()
    assert recommendations.filter(recommendation=Recommendation.NOT_PROPOSE).exists()
    for case in demo.exclude(summary=""):
        assert case.youth.first_name not in case.summary
        assert case.youth.last_name not in case.summary
    screening = demo.filter(state=CaseState.SCREENING)
    assert RiskAssessment.objects.filter(case__in=screening).exists()
    informing = demo.filter(state=CaseState.INFORMATION)
    told = Counter(
        c.informationgivens.count() for c in informing.prefetch_related("informationgivens")
    )
    assert any(n < 6 for n in told.elements()) and any(n == 6 for n in told.elements())


def test_active_and_closed_cases_have_the_whole_picture(demo):
    for case in demo.filter(state__in=[CaseState.ACTIVE, CaseState.CLOSED]).exclude(
        decided_on__isnull=True
    ):
        assert case.coordinator_id and case.started_on
        assert Consent.objects.filter(case=case).exists()
        assert case.caseprofiles.exists()
        assert OutcomeCount.objects.filter(case=case, period=Period.BEFORE).exists()
        assert OutcomeCount.objects.filter(case=case, period=Period.DURING).exists()
    notes = JournalNote.objects.filter(case__in=demo)
    assert {NoteKind.NOTE, NoteKind.POSITIVE, NoteKind.INCIDENT} <= set(
        notes.values_list("kind", flat=True)
    )
    active = demo.filter(state=CaseState.ACTIVE)
    assert active.filter(lead_contact__isnull=False, contact_police__isnull=False).count() >= 4


def test_ester_compares_entry_with_later_values(demo):
    ester = Instrument.objects.get(short_name="ESTER")
    for case in demo.filter(state=CaseState.ACTIVE):
        local = policy_for(municipality=case.municipality, district=case.district)
        assert ester in local.instruments.all()
    compared = {
        m.case_id
        for m in Measurement.objects.filter(case__in=demo, instrument=ester).exclude(
            phase=MeasurementPhase.ENTRY
        )
    }
    assert len(compared) >= 4
    closures = Measurement.objects.filter(case__in=demo, phase=MeasurementPhase.CLOSURE)
    assert closures.exists()
    for measurement in Measurement.objects.filter(case__in=demo).prefetch_related("scores"):
        assert measurement.total == sum(s.score for s in measurement.scores.all())


def test_ester_scores_move_the_changeable_domains_within_the_scale():
    entry = "2211111111112222211"
    better, worse = ester_scores(entry, 5), ester_scores(entry, -3)
    assert sum(better) == sum(int(c) for c in entry) - 5
    assert sum(worse) == sum(int(c) for c in entry) + 3
    assert all(0 <= v <= 2 for v in better + worse)
    assert better[0] == worse[0] == 2  # early debut is history: it does not change
    assert sum(ester_scores("0" * 19, 4)) == 0


def test_closures_have_reasons_and_follow_ups_some_overdue_some_done(demo):
    today = timezone.localdate()
    closed = demo.filter(state__in=[CaseState.CLOSED, CaseState.FOLLOWED_UP])
    reasons = set(Closure.objects.filter(case__in=closed).values_list("reason", flat=True))
    assert len(reasons) >= 4
    followups = FollowUp.objects.filter(case__in=closed)
    assert followups.filter(done_on__isnull=True, due_on__lt=today).exists()  # overdue
    assert followups.filter(done_on__isnull=False).exists()
    assert followups.filter(done_on__isnull=True, due_on__gte=today).exists()  # to come
    for case in demo.filter(state=CaseState.FOLLOWED_UP):
        assert not FollowUp.objects.filter(case=case, done_on__isnull=True).exists()
    for closure in Closure.objects.filter(case__in=closed).select_related("case"):
        assert closure.closed_on >= closure.case.opened_on
        assert closure.closed_on == closure.case.closed_on


def test_the_first_demo_cases_keep_their_roles(demo):
    adam, liam = demo_case(1), demo_case(2)
    assert adam.state == CaseState.ACTIVE
    assert Consent.objects.filter(case=adam, revoked_at__isnull=False).count() == 1
    assert not Consent.objects.filter(case=liam).exists()
    assert Referral.objects.get(case=demo_case(4)).age_exception_reason


def test_active_and_closed_cases_have_a_plan_and_held_network_meetings(demo):
    had_sig = demo.filter(
        state__in=[CaseState.ACTIVE, CaseState.CLOSED, CaseState.FOLLOWED_UP],
        started_on__isnull=False,
    )
    assert had_sig.filter(state=CaseState.ACTIVE).count() >= 4
    for case in had_sig:
        plan = ActionPlan.objects.get(case=case)
        assert plan.long_term_goal and plan.version >= 1, case.youth
        subgoals = SubGoal.objects.filter(case=case, is_active=True)
        assert 3 <= subgoals.count() <= 5, case.youth
        assert len(set(subgoals.values_list("domain", flat=True))) == subgoals.count()
        assert all(s.youth_words for s in subgoals), case.youth
        held = Meeting.objects.filter(
            case=case, kind=MeetingKind.NETWORK, status=MeetingStatus.HELD
        )
        assert held.exists(), case.youth
        first = held.order_by("held_on").first()
        assert first.held_on == case.started_on
        for meeting in held:
            assert meeting.minutes and meeting.held_on <= timezone.localdate()
            present = Attendance.objects.filter(meeting=meeting, attended=True)
            assert present.filter(person__isnull=False).count() >= 2, case.youth
            assert present.filter(is_youth=True).exists() or "kunde inte" in (
                meeting.minutes.lower()
            )
            reviewed = set(
                GoalReview.objects.filter(meeting=meeting).values_list("subgoal_id", flat=True)
            )
            created_by_then = set(
                subgoals.filter(created_at__lte=meeting.ends_at).values_list("pk", flat=True)
            )
            assert created_by_then <= reviewed, (case.youth, meeting.held_on)
        assert Activity.objects.filter(case=case).exists()
        assert Intervention.objects.filter(case=case).exists()
        if case.state == CaseState.ACTIVE:
            assert held.count() >= 2 or case.started_on >= timezone.localdate() - timedelta(days=60)
    # What everyday work looks like: done and overdue activities, decisions of a meeting,
    # statuses that move, a second version of some plans, a förmöte, guardians who came.
    activities = Activity.objects.filter(case__in=had_sig)
    assert activities.filter(done_on__isnull=False).count() > activities.count() // 2
    assert activities.filter(meeting__isnull=False).exists()
    assert activities.filter(youth_does=True).exists()
    reviews = GoalReview.objects.filter(case__in=had_sig)
    assert {GoalStatus.IN_PROGRESS, GoalStatus.PARTLY, GoalStatus.ACHIEVED} <= set(
        reviews.values_list("status", flat=True)
    )
    assert PlanVersion.objects.filter(plan__case__in=had_sig, number=2).count() >= 2
    for version in PlanVersion.objects.filter(plan__case__in=had_sig, number=2):
        assert version.changes and version.agreed_on > version.plan.versions.get(number=1).agreed_on
    assert Meeting.objects.filter(
        case__in=had_sig, kind=MeetingKind.PREMEETING, status=MeetingStatus.HELD
    ).exists()
    assert Attendance.objects.filter(
        meeting__case__in=had_sig, guardian__isnull=False, attended=True
    ).exists()
    owners = set(
        Intervention.objects.filter(case__in=had_sig).values_list("owner__kind", flat=True)
    )
    assert {"socialtjanst", "skola", "faltassistenter"} <= owners
    assert "polis" not in owners


def test_the_police_representative_varies_in_one_case(demo):
    varied = [
        case
        for case in demo.filter(state=CaseState.ACTIVE)
        if Attendance.objects.filter(meeting__case=case, attended=True, organisation__kind="polis")
        .values("person")
        .distinct()
        .count()
        >= 2
    ]
    assert len(varied) == 1


def test_upcoming_meetings_some_invited_and_the_reminders_they_give(demo):
    today = timezone.localdate()
    upcoming = Meeting.objects.filter(
        case__in=demo,
        starts_at__date__gte=today,
        status__in=[MeetingStatus.PLANNED, MeetingStatus.INVITED],
    )
    invited = upcoming.filter(status=MeetingStatus.INVITED)
    assert 1 <= invited.count() <= 2
    for meeting in invited:
        assert meeting.invitation_sent_at and meeting.invitation_sent_at.date() < today
        assert meeting.youth_prepared_on
    assert upcoming.filter(case__state=CaseState.ACTIVE).count() >= 3
    dues = due_reminders(today=today)
    kinds = Counter(d.kind for d in dues)
    assert kinds[ReminderKind.MEETING_DUE] >= 1
    assert any(d.due_on < today for d in dues if d.kind == ReminderKind.MEETING_DUE)
    assert 1 <= kinds[ReminderKind.ACTIVITY_OVERDUE] <= 4
    assert kinds[ReminderKind.PLAN_NOT_FOLLOWED] == 0  # every sub-goal is followed up
