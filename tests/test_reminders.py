"""Reminders: what is due, the e-mail that says so (the case code only), and the "Att göra" page.

Every kind is produced for the right person and sent once; a changed due date reminds again;
the e-mail never carries a name, a personnummer, a goal or an activity; the run goes through
django-tasks; the page shows the viewer's own reminders only, in a fixed number of queries.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samsyn.audit.models import AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import Case, CaseState, FollowUp
from samsyn.consent import services as consents
from samsyn.consent.models import Consent, ConsentForm, DataCategory, GiverRole
from samsyn.meetings import cadence
from samsyn.meetings.models import Meeting, MeetingKind, MeetingStatus
from samsyn.organisations.models import LocalPolicy, Person
from samsyn.plans.models import ActionPlan, Activity, GoalReview, GoalStatus, LifeDomain, SubGoal
from samsyn.reminders.models import ReminderKind, ReminderSent
from samsyn.reminders.services import due_reminders, reminders_send
from samsyn.reminders.tasks import send_reminders
from tests.conftest import inform

pytestmark = pytest.mark.django_db

PAGE = "/paminnelser/"
GOAL = "Klara gymnasiet utan att hänga med gänget vid torget"
SUBGOAL = "Gå till Norraskolan varje dag"
ACTIVITY = "Boka möte med kuratorn om frånvaron"
PRIVATE = [
    "Alex",
    "Exempelsson",
    "201005210016",
    "20100521-0016",
    "100521",
    "Storgatan",
    "Norraskolan",
    "Maria",
    "Mats",
    GOAL,
    SUBGOAL,
    ACTIVITY,
    "gänget",
    "kuratorn",
]
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def today() -> date:
    return timezone.localdate()


def cat(slug: str) -> DataCategory:
    return DataCategory.objects.get(slug=slug)


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def with_email(*people: Person) -> None:
    for person in people:
        Person.objects.filter(pk=person.pk).update(email=f"{person.username}@example.se")
        person.email = f"{person.username}@example.se"


def activate(case, *, started: date) -> None:
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.ACTIVE, decided_on=started, started_on=started
    )
    case.refresh_from_db()


def plan_item(case, world) -> dict[str, object]:
    return {
        "case": case,
        "owner": world.owner_org,
        "category": cat("plan"),
        "created_by": world.coordinator,
    }


def held_meeting(case, world, day: date) -> Meeting:
    return Meeting.objects.create(
        **plan_item(case, world),
        kind=MeetingKind.NETWORK,
        status=MeetingStatus.HELD,
        starts_at=at(day),
        ends_at=at(day, 10),
        held_on=day,
    )


def plan_with_goal(case, world, *, created: date) -> SubGoal:
    plan = ActionPlan.objects.create(**plan_item(case, world), long_term_goal=GOAL)
    goal = SubGoal.objects.create(
        **plan_item(case, world), plan=plan, domain=LifeDomain.SCHOOL, goal=SUBGOAL
    )
    ActionPlan.objects.filter(pk=plan.pk).update(created_at=at(created))
    SubGoal.objects.filter(pk=goal.pk).update(created_at=at(created))
    return goal


def activity(case, world, *, due_on: date, responsible: Person | None) -> Activity:
    return Activity.objects.create(
        **plan_item(case, world),
        description=ACTIVITY,
        responsible_person=responsible,
        responsible_organisation=responsible.organisation
        if responsible and responsible.organisation
        else world.owner_org,
        due_on=due_on,
    )


def expiring_consent(sig, *, recorded_by: Person, days: int = 10) -> Consent:
    return consents.consent_record(
        actor=recorded_by,
        case=sig.case,
        categories=[cat("skola")],
        recipients=[sig.world.recipient_org],
        givers=[consents.Giver(GiverRole.YOUTH)],
        form=ConsentForm.ORAL,
        maturity_assessment="Bedömd mogen att samtycka själv.",
        oral_note="Vid möte.",
        given_on=today() - timedelta(days=100),
        valid_until=today() + timedelta(days=days),
    )


def closed_case(world, *, followup_in: int) -> tuple[Case, FollowUp]:
    case = cases.case_create(
        reason="Misstänkt rån.",
        actor=world.coordinator,
        first_name="Billie",
        last_name="Avslutsson",
        date_of_birth=date(2009, 1, 2),
        district=world.district,
    )
    Case.objects.filter(pk=case.pk).update(state=CaseState.CLOSED, closed_on=today())
    followup = FollowUp.objects.create(
        case=case,
        owner=world.owner_org,
        category=cat("socialtjanst"),
        created_by=world.coordinator,
        months_after=6,
        due_on=today() + timedelta(days=followup_in),
    )
    return case, followup


@pytest.fixture
def due_world(sig):
    """One case of each kind: the sig case active with a meeting due, a plan not followed
    up, two overdue activities (one the police's) and an expiring consent; a closed case with
    a follow-up due."""
    w = sig.world
    with_email(w.coordinator, w.police, w.case_officer)
    activate(sig.case, started=today() - timedelta(days=60))
    # Held 32 days ago: with a five-week cadence the next is due in three days.
    meeting = held_meeting(sig.case, w, today() - timedelta(days=32))
    plan_with_goal(sig.case, w, created=today() - timedelta(days=40))
    police_activity = activity(
        sig.case, w, due_on=today() - timedelta(days=3), responsible=w.police
    )
    own_activity = activity(sig.case, w, due_on=today() - timedelta(days=1), responsible=None)
    consent = expiring_consent(sig, recorded_by=w.case_officer)
    closed, followup = closed_case(w, followup_in=5)
    return {
        "sig": sig,
        "meeting": meeting,
        "police_activity": police_activity,
        "own_activity": own_activity,
        "consent": consent,
        "closed": closed,
        "followup": followup,
    }


def kinds_for(dues, person: Person) -> list[str]:
    return sorted(d.kind for d in dues if d.person.pk == person.pk)


# --- what is due ---------------------------------------------------------------------------


def test_every_kind_is_due_for_the_right_person(due_world):
    w = due_world["sig"].world
    dues = due_reminders(today=today())
    assert kinds_for(dues, w.coordinator) == sorted(
        [
            ReminderKind.MEETING_DUE,
            ReminderKind.PLAN_NOT_FOLLOWED,
            ReminderKind.ACTIVITY_OVERDUE,  # the one without a responsible person
            ReminderKind.CONSENT_EXPIRING,
            ReminderKind.FOLLOWUP_DUE,
        ]
    )
    assert kinds_for(dues, w.police) == [ReminderKind.ACTIVITY_OVERDUE]
    # Whoever recorded the consent is reminded too.
    assert kinds_for(dues, w.case_officer) == [ReminderKind.CONSENT_EXPIRING]
    meeting_due = next(d for d in dues if d.kind == ReminderKind.MEETING_DUE)
    assert meeting_due.due_on == today() + timedelta(days=3)
    assert meeting_due.case.pk == due_world["sig"].case.pk
    followup_due = next(d for d in dues if d.kind == ReminderKind.FOLLOWUP_DUE)
    assert followup_due.case.pk == due_world["closed"].pk
    assert followup_due.key == f"followup:{due_world['followup'].code}:{followup_due.due_on}"


def test_nothing_is_due_when_everything_is_done(due_world):
    sig = due_world["sig"]
    w = sig.world
    Activity.objects.update(done_on=today())
    FollowUp.objects.update(done_on=today())
    for goal in SubGoal.objects.all():
        GoalReview.objects.create(
            **plan_item(sig.case, w),
            subgoal=goal,
            meeting=due_world["meeting"],
            reviewed_on=today(),
            status=GoalStatus.IN_PROGRESS,
        )
    # A planned network meeting: nothing to plan.
    Meeting.objects.create(
        **plan_item(sig.case, w),
        kind=MeetingKind.NETWORK,
        status=MeetingStatus.PLANNED,
        starts_at=at(today() + timedelta(days=2)),
        ends_at=at(today() + timedelta(days=2), 10),
    )
    # A renewal takes the reminder away from the consent it renews.
    consents.consent_record(
        actor=w.case_officer,
        case=sig.case,
        categories=[cat("skola")],
        recipients=[w.recipient_org],
        givers=[consents.Giver(GiverRole.YOUTH)],
        form=ConsentForm.ORAL,
        maturity_assessment="Bedömd mogen att samtycka själv.",
        oral_note="Förnyat.",
        given_on=today(),
        renews=due_world["consent"],
    )
    assert due_reminders(today=today()) == []


def test_far_off_dates_are_not_due_yet(sig):
    w = sig.world
    activate(sig.case, started=today() - timedelta(days=7))  # next meeting in four weeks
    activity(sig.case, w, due_on=today(), responsible=w.police)  # due today is not overdue
    expiring_consent(sig, recorded_by=w.coordinator, days=31)
    closed_case(w, followup_in=15)
    assert due_reminders(today=today()) == []


def test_ended_cases_remind_nothing(due_world):
    Case.objects.filter(pk=due_world["sig"].case.pk).update(state=CaseState.DECLINED)
    Case.objects.filter(pk=due_world["closed"].pk).update(state=CaseState.FOLLOWED_UP)
    assert due_reminders(today=today()) == []


def test_a_sub_goal_added_after_the_meeting_is_not_held_against_it(sig):
    w = sig.world
    activate(sig.case, started=today() - timedelta(days=20))
    held_meeting(sig.case, w, today() - timedelta(days=5))
    plan_with_goal(sig.case, w, created=today())
    assert due_reminders(today=today()) == []


def test_only_people_in_the_case_are_reminded(due_world):
    """An activity whose responsible person left the case goes to the coordinator."""
    sig = due_world["sig"]
    w = sig.world
    cases.member_remove(actor=w.coordinator, case=sig.case, person=w.police)
    dues = due_reminders(today=today())
    assert kinds_for(dues, w.police) == []
    assert kinds_for(dues, w.coordinator).count(ReminderKind.ACTIVITY_OVERDUE) == 2
    # An inactive coordinator gets nothing either.
    Person.objects.filter(pk=w.coordinator.pk).update(is_active=False)
    assert kinds_for(due_reminders(today=today()), w.coordinator) == []


def test_the_meeting_cadence_comes_from_local_policy(sig):
    LocalPolicy.objects.filter(municipality=sig.world.municipality).update(meeting_cadence_weeks=2)
    activate(sig.case, started=today() - timedelta(days=10))
    [due] = [d for d in due_reminders(today=today()) if d.kind == ReminderKind.MEETING_DUE]
    assert due.due_on == today() + timedelta(days=4)


def test_the_next_meeting_is_due_by_cadence_for_many_cases_at_once(sig, world):
    """One bulk computation for the reminders; each case's answer is the rule's."""
    activate(sig.case, started=today() - timedelta(days=50))
    LocalPolicy.objects.create(
        municipality=world.municipality, district=world.district, meeting_cadence_weeks=3
    )
    others = []
    for i, (held, planned) in enumerate([(10, None), (40, 3), (None, -2), (70, None)]):
        case = cases.case_create(
            reason="Skäl.",
            actor=world.coordinator,
            first_name=f"Kim{i}",
            last_name="Kadens",
            date_of_birth=date(2010, 1, 1),
        )
        activate(case, started=today() - timedelta(days=30 + i))
        if held is not None:
            held_meeting(case, world, today() - timedelta(days=held))
        if planned is not None:
            Meeting.objects.create(
                **plan_item(case, world),
                kind=MeetingKind.NETWORK,
                status=MeetingStatus.PLANNED,
                starts_at=at(today() + timedelta(days=planned)),
                ends_at=at(today() + timedelta(days=planned), 10),
            )
        others.append(case)
    Case.objects.filter(pk=others[-1].pk).update(state=CaseState.DECIDED)
    bulk = {
        pk: day
        for pk, _code, _c, day in cadence.next_meetings_due(cases=Case.objects.all(), today=today())
    }
    assert bulk == {
        # the district's own cadence (3 weeks) from the start, no meeting held
        sig.case.pk: today() - timedelta(days=50) + timedelta(weeks=3),
        # every case falls in the district (the owner's): 3 weeks from the last held meeting
        others[0].pk: today() - timedelta(days=10) + timedelta(weeks=3),
        # a network meeting is planned ahead: nothing is due
        others[1].pk: None,
        # a planned meeting in the past does not count; from the start
        others[2].pk: today() - timedelta(days=32) + timedelta(weeks=3),
        # not active
        others[3].pk: None,
    }
    assert cadence.next_meeting_due(case=others[0], today=today()) == bulk[others[0].pk]


def test_each_person_gets_one_email_with_the_case_code_only(due_world):
    sig = due_world["sig"]
    assert reminders_send(today=today()) == 3
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {
        "samordnare@example.se",
        "polis@example.se",
        "handlaggare@example.se",
    }
    coordinator_mail = by_recipient["samordnare@example.se"]
    body = coordinator_mail.body
    assert sig.case.anonymous_code in body and due_world["closed"].anonymous_code in body
    assert f"/arenden/{sig.case.code}/" in body
    for kind in ReminderKind:
        assert str(kind.label) in body
    assert (today() + timedelta(days=3)).isoformat() in body
    assert "5 påminnelser" in coordinator_mail.subject
    for message in mail.outbox:
        text = message.subject + message.body
        leaked = [word for word in PRIVATE if word in text]
        assert leaked == [], (message.to, leaked)
    assert ReminderSent.objects.count() == 5 + 1 + 1
    police_mail = by_recipient["polis@example.se"]
    assert "Aktivitet försenad" in police_mail.body and "Samtycke" not in police_mail.body


def test_a_second_run_sends_nothing(due_world):
    assert reminders_send(today=today()) == 3
    sent = ReminderSent.objects.count()
    mail.outbox.clear()
    assert reminders_send(today=today()) == 0
    assert mail.outbox == [] and ReminderSent.objects.count() == sent


def test_a_changed_due_date_reminds_again(due_world):
    reminders_send(today=today())
    mail.outbox.clear()
    Activity.objects.filter(pk=due_world["police_activity"].pk).update(
        due_on=today() - timedelta(days=2)
    )
    assert reminders_send(today=today()) == 1
    [message] = mail.outbox
    assert message.to == ["polis@example.se"]
    assert (today() - timedelta(days=2)).isoformat() in message.body


def test_a_new_thing_due_is_sent_alone(due_world):
    sig = due_world["sig"]
    reminders_send(today=today())
    mail.outbox.clear()
    activity(sig.case, sig.world, due_on=today() - timedelta(days=9), responsible=sig.world.police)
    assert reminders_send(today=today()) == 1
    assert "1 påminnelse" in mail.outbox[0].subject


def test_people_without_email_get_none_but_see_them(due_world, login):
    w = due_world["sig"].world
    Person.objects.filter(pk=w.police.pk).update(email=None)
    assert reminders_send(today=today()) == 2
    assert not ReminderSent.objects.filter(person=w.police).exists()
    body = login(w.police).get(PAGE).content.decode()
    assert "Aktivitet försenad" in body and due_world["sig"].case.anonymous_code in body


def test_a_failed_send_records_nothing_and_is_tried_again(due_world, monkeypatch):
    import samsyn.reminders.services as reminder_services

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(reminder_services, "send_mail", broken)
    assert reminders_send(today=today()) == 0
    assert ReminderSent.objects.count() == 0
    assert not AuditRecord.objects.filter(object_type="reminders.remindersent").exists()
    monkeypatch.undo()
    assert reminders_send(today=today()) == 3


def test_a_reminder_another_run_sent_first_is_skipped(due_world):
    """A reminder already in the sent log (another run got there first) is not sent again;
    the log's unique constraint guards the moment between the check and the insert."""
    w = due_world["sig"].world
    due = next(d for d in due_reminders(today=today()) if d.person.pk == w.police.pk)
    ReminderSent.objects.create(
        kind=due.kind, key=due.key, person=w.police, case=due.case, due_on=due.due_on
    )
    assert reminders_send(today=today()) == 2
    assert [m.to for m in mail.outbox if m.to == ["polis@example.se"]] == []


def test_every_send_is_audited_without_personal_data(due_world):
    before = AuditRecord.objects.count()
    reminders_send(today=today())
    records = list(AuditRecord.objects.filter(object_type="reminders.remindersent").order_by("pk"))
    # One per recipient and case: coordinator (2 cases), police, case officer.
    assert len(records) == 4 == AuditRecord.objects.count() - before
    sig = due_world["sig"]
    assert {r.case_code for r in records} == {sig.case.code, due_world["closed"].code}
    for record in records:
        assert record.action == "create" and record.actor_code is None
        assert not [word for word in PRIVATE if word in str(record.detail)]


# --- django-tasks and the command ----------------------------------------------------------


def test_the_task_runs_through_django_tasks(due_world):
    with override_settings(TASKS=IMMEDIATE):
        result = send_reminders.enqueue()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 3
    assert len(mail.outbox) == 3


def test_the_task_queued_in_the_database_runs_in_db_worker(due_world, monkeypatch):
    # The worker closes "old" connections between tasks; inside the test's transaction that
    # would close the test's own connection on PostgreSQL (SQLite's in-memory one survives).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    result = send_reminders.enqueue()
    assert result.status == "READY" and mail.outbox == []
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=_Null(), stderr=_Null())
    assert send_reminders.get_result(result.id).status == "SUCCESSFUL"
    assert len(mail.outbox) == 3


def test_the_command_queues_or_sends_now(due_world, capsys):
    call_command("send_reminders")
    assert mail.outbox == []
    assert "Queued" in capsys.readouterr().out
    call_command("send_reminders", "--now")
    assert len(mail.outbox) == 3
    assert "Sent 3" in capsys.readouterr().out


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


# --- the "Att göra" page -------------------------------------------------------------------


def test_the_coordinator_sees_every_reminder_with_names(due_world, login):
    sig = due_world["sig"]
    body = login(sig.world.coordinator).get(PAGE).content.decode()
    for kind in ReminderKind:
        assert str(kind.label) in body
    # The coordinator's own organisation holds the identity: the youth is named.
    assert "Alex Exempelsson" in body and "Billie Avslutsson" in body
    assert f'href="/arenden/{sig.case.code}/"' in body


def test_the_police_sees_only_their_reminder_and_only_the_code(due_world, login):
    sig = due_world["sig"]
    body = login(sig.world.police).get(PAGE).content.decode()
    assert "Aktivitet försenad" in body and sig.case.anonymous_code in body
    assert "Exempelsson" not in body and "Avslutsson" not in body
    assert "Samtycke går ut" not in body and due_world["closed"].anonymous_code not in body
    # The identity decision went to the audit log.
    assert AuditRecord.objects.filter(
        action="refused", object_type="cases.youth", case_code=sig.case.code
    ).exists()


def test_a_consent_to_identity_lets_the_police_see_the_name(due_world, login):
    sig = due_world["sig"]
    consents.consent_record(
        actor=sig.world.coordinator,
        case=sig.case,
        categories=[cat("identitet")],
        recipients=[sig.world.recipient_org],
        givers=[consents.Giver(GiverRole.YOUTH)],
        form=ConsentForm.ORAL,
        maturity_assessment="Bedömd mogen att samtycka själv.",
        oral_note="Vid möte.",
        given_on=today(),
    )
    body = login(sig.world.police).get(PAGE).content.decode()
    assert "Alex Exempelsson" in body


@pytest.mark.parametrize("who", ["outsider", "manager", "admin", "outsider_admin", "steering"])
def test_people_outside_the_cases_see_nothing(due_world, login, who):
    sig = due_world["sig"]
    response = login(getattr(sig.world, who)).get(PAGE)
    body = response.content.decode()
    assert response.status_code == 200
    assert sig.case.anonymous_code not in body and due_world["closed"].anonymous_code not in body
    assert "Exempelsson" not in body and "Aktivitet försenad" not in body


def test_the_page_says_when_the_email_went(due_world, login):
    w = due_world["sig"].world
    assert "påmind med e-post" not in login(w.police).get(PAGE).content.decode()
    reminders_send(today=today())
    assert "påmind med e-post" in login(w.police).get(PAGE).content.decode()


def test_the_start_page_and_the_menu_link_to_the_page(due_world, login):
    w = due_world["sig"].world
    body = login(w.coordinator).get("/").content.decode()
    assert 'href="/paminnelser/"' in body
    assert "Att göra: 5 påminnelser i dina ärenden" in body
    body = login(w.admin).get("/").content.decode()
    assert 'href="/paminnelser/"' not in body


def _many_cases(world, n: int) -> None:
    school = cat("skola")
    for i in range(n):
        case = cases.case_create(
            reason="Skäl.",
            actor=world.coordinator,
            first_name=f"Ung{i}",
            last_name="Mängdsson",
            date_of_birth=date(2010, 1, 1),
            district=world.district,
        )
        cases.member_add(actor=world.coordinator, case=case, person=world.police)
        inform(case, world.coordinator)
        activate(case, started=today() - timedelta(days=40))
        meeting = held_meeting(case, world, today() - timedelta(days=33))
        plan_with_goal(case, world, created=today() - timedelta(days=50))
        activity(case, world, due_on=today() - timedelta(days=2), responsible=world.police)
        activity(case, world, due_on=today() - timedelta(days=4), responsible=None)
        consents.consent_record(
            actor=world.coordinator,
            case=case,
            categories=[school] if i % 2 else [cat("identitet")],
            recipients=[world.recipient_org],
            givers=[consents.Giver(GiverRole.YOUTH)],
            form=ConsentForm.ORAL,
            maturity_assessment="Bedömd mogen att samtycka själv.",
            oral_note="Vid möte.",
            given_on=today() - timedelta(days=5),
            valid_until=today() + timedelta(days=20),
        )
        assert meeting.pk


@pytest.mark.parametrize("who", ["coordinator", "police"])
def test_the_page_costs_the_same_queries_for_3_and_30_cases(world, login, who):
    _many_cases(world, 3)
    http = login(getattr(world, who))
    with CaptureQueriesContext(connection) as three:
        body = http.get(PAGE).content.decode()
    # The coordinator's own organisation holds the identity; the police may see it in the
    # cases where a consent covers it (every other case).
    assert body.count("Mängdsson") == (3 * 4 if who == "coordinator" else 2)
    _many_cases(world, 27)
    with CaptureQueriesContext(connection) as thirty:
        http.get(PAGE)
    assert len(thirty.captured_queries) == len(three.captured_queries), "\n".join(
        q["sql"][:120] for q in thirty.captured_queries
    )
    print(f"reminders page ({who}): {len(three.captured_queries)} queries")


def test_computing_and_sending_cost_the_same_queries_for_3_and_30_cases(world):
    with_email(world.coordinator, world.police)
    _many_cases(world, 3)
    with CaptureQueriesContext(connection) as three:
        due_reminders(today=today())
    _many_cases(world, 27)
    with CaptureQueriesContext(connection) as thirty:
        dues = due_reminders(today=today())
    assert len(thirty.captured_queries) == len(three.captured_queries)
    assert len(dues) == 30 * 4 + 30  # coordinator: 4 per case; police: 1 per case
    with CaptureQueriesContext(connection) as sending:
        assert reminders_send(today=today()) == 2
    print(
        f"due_reminders: {len(three.captured_queries)} queries; "
        f"reminders_send (2 people, 30 cases): {len(sending.captured_queries)} queries"
    )


# --- notices from the portal -----------------------------------------------------------------


def _notices_for_all(world) -> None:
    from samsyn.portal.models import NoticeKind, PortalNotice

    for case in Case.objects.filter(coordinator=world.coordinator):
        if not PortalNotice.objects.filter(case=case).exists():
            PortalNotice.objects.create(
                case=case,
                kind=NoticeKind.CONSENT_WITHDRAWN,
                text=f"Samtycke #ABC123 i ärende {case.anonymous_code} har tagits tillbaka.",
            )


def test_the_page_lists_portal_notices_at_a_fixed_cost(world, login):
    _many_cases(world, 3)
    _notices_for_all(world)
    http = login(world.coordinator)
    with CaptureQueriesContext(connection) as three:
        body = http.get(PAGE).content.decode()
    assert "Från portalen" in body and body.count("Markera som läst") == 3
    _many_cases(world, 27)
    _notices_for_all(world)
    with CaptureQueriesContext(connection) as thirty:
        body = http.get(PAGE).content.decode()
    assert body.count("Markera som läst") == 30
    assert len(thirty.captured_queries) == len(three.captured_queries)
    # The police officer takes part in every case but coordinates none: no notices.
    assert "Från portalen" not in login(world.police).get(PAGE).content.decode()
