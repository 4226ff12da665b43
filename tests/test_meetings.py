"""Network meetings: the cadence, the services (refusals write nothing, every write is audited),
the invitation e-mail and its .ics, attendance and continuity, decisions and follow-ups, and
the pages, which show a member without consent the meeting de-identified only.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import AuditRecord
from samsyn.cases.models import Case, CaseState
from samsyn.consent import services as consents
from samsyn.consent.models import ConsentForm, DataCategory, GiverRole
from samsyn.meetings import cadence, selectors
from samsyn.meetings import services as meetings
from samsyn.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
from samsyn.organisations.models import LocalPolicy, Role
from samsyn.plans import services as plans
from samsyn.plans.models import Activity, GoalReview, GoalStatus, LifeDomain
from tests.conftest import make_person

STHLM = ZoneInfo("Europe/Stockholm")
YOUTH_WORDS = ("Alex", "Exempelsson", "20100521", "Storgatan", "070-1234567", "Norraskolan")
GUARDIAN_WORDS = ("Maria", "Mats")
AGENDA = "Dagordning: skolgången på Norraskolan och fritiden i Alex fotbollslag."
MINUTES = "Anteckning: Alex berättade om läget hemma."


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STHLM)


def activate(case: Case, started_on: date | None = None) -> Case:
    """Set-up only: the lifecycle's own services are tested elsewhere."""
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.ACTIVE,
        opened_on=date(2024, 1, 2),
        started_on=started_on or timezone.localdate(),
    )
    case.refresh_from_db()
    return case


def policy(sig, **fields) -> None:
    LocalPolicy.objects.filter(municipality=sig.world.municipality).update(**fields)


def plan_meeting(sig, when: datetime | None = None, **kwargs) -> Meeting:
    w = sig.world
    kwargs.setdefault("invite", [w.coordinator, w.police])
    kwargs.setdefault("invite_guardians", [sig.mother])
    kwargs.setdefault("agenda", AGENDA)
    kwargs.setdefault("location", "Socialkontoret, rum 3")
    planned = meetings.meeting_plan(
        actor=w.coordinator,
        case=sig.case,
        kind=kwargs.pop("kind", MeetingKind.NETWORK),
        starts_at=when or timezone.now() + timedelta(days=7),
        **kwargs,
    )
    return planned.meeting


def held(sig, meeting: Meeting, day: date | None = None, present=None) -> Meeting:
    return meetings.meeting_record(
        actor=sig.world.coordinator,
        case=sig.case,
        meeting=meeting,
        held_on=day or timezone.localdate(),
        minutes=MINUTES,
        attended=present if present is not None else {},
    )


def give_consent(sig, *slugs: str):
    return consents.consent_record(
        actor=sig.world.coordinator,
        case=sig.case,
        categories=list(DataCategory.objects.filter(slug__in=slugs)),
        recipients=[sig.world.recipient_org],
        givers=[
            consents.Giver(GiverRole.YOUTH),
            consents.Giver(GiverRole.GUARDIAN, sig.mother),
            consents.Giver(GiverRole.GUARDIAN, sig.father),
        ],
        form=ConsentForm.ORAL,
        oral_note="Vid hembesök.",
        given_on=timezone.localdate(),
    )


@pytest.fixture
def active(sig):
    activate(sig.case)
    return sig


def meeting_count() -> tuple[int, int, int]:
    return (
        Meeting.objects.count(),
        Attendance.objects.count(),
        AuditRecord.objects.filter(
            object_type="meetings.meeting", action__in=["create", "update", "delete"]
        ).count(),
    )


# --- the calendar --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2000, date(2000, 4, 23)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_by_the_anonymous_gregorian_algorithm(year, easter):
    assert cadence.easter_sunday(year) == easter


def test_the_swedish_public_holidays_of_2025():
    assert cadence.swedish_public_holidays(2025) == {
        date(2025, 1, 1),
        date(2025, 1, 6),
        date(2025, 4, 18),
        date(2025, 4, 20),
        date(2025, 4, 21),
        date(2025, 5, 1),
        date(2025, 5, 29),
        date(2025, 6, 6),
        date(2025, 6, 20),
        date(2025, 6, 21),
        date(2025, 11, 1),
        date(2025, 12, 24),
        date(2025, 12, 25),
        date(2025, 12, 26),
        date(2025, 12, 31),
    }


@pytest.mark.parametrize("year", range(2020, 2041))
def test_midsommar_and_all_saints_fall_on_their_weekdays(year):
    days = cadence.swedish_public_holidays(year)
    eve = [d for d in days if d.month == 6 and 19 <= d.day <= 25 and d.weekday() == 4]
    saints = [d for d in days if d.month in (10, 11) and d.weekday() == 5]
    assert len(eve) == 1 and eve[0] + timedelta(days=1) in days
    assert len(saints) == 1 and date(year, 10, 31) <= saints[0] <= date(year, 11, 6)


def slot(anchor: date, weeks: int = 5, weekday=None, at_time=None, earliest=None) -> datetime:
    return cadence.slot_after(
        anchor,
        weeks=weeks,
        weekday=weekday,
        at=at_time,
        earliest=earliest or datetime.combine(anchor, time(12), tzinfo=STHLM),
    )


def test_a_slot_on_good_friday_moves_past_easter():
    # 14 March 2025 + 5 weeks = långfredagen; annandag påsk is Monday: Tuesday 22 April.
    assert slot(date(2025, 3, 14)) == at(2025, 4, 22)


def test_a_slot_on_midsommarafton_moves_to_the_monday():
    assert slot(date(2026, 5, 15)) == at(2026, 6, 22)


def test_slots_over_christmas_and_new_year():
    assert slot(date(2025, 11, 19)) == at(2025, 12, 29)  # julafton → after annandag jul
    assert slot(date(2025, 11, 26)) == at(2026, 1, 2)  # nyårsafton, nyårsdagen → Friday
    assert slot(date(2025, 12, 2)) == at(2026, 1, 7)  # trettondedag jul (Tuesday) → Wednesday


def test_a_slot_after_the_change_to_summer_time_stays_at_nine_local():
    before = at(2026, 3, 2)
    after = slot(date(2026, 3, 2), weeks=4)  # Monday 30 March, the day after the change
    assert after == at(2026, 3, 30)
    assert (before.hour, after.hour) == (9, 9)
    assert before.utcoffset() == timedelta(hours=1)
    assert after.utcoffset() == timedelta(hours=2)
    assert after.astimezone(ZoneInfo("UTC")).hour == 7


def test_a_slot_after_the_change_to_winter_time_stays_at_nine_local():
    after = slot(date(2025, 10, 6), weeks=3)  # Monday 27 October, the day after the change
    assert after == at(2025, 10, 27)
    assert after.utcoffset() == timedelta(hours=1)
    assert at(2025, 10, 6).utcoffset() == timedelta(hours=2)
    assert after.astimezone(ZoneInfo("UTC")).hour == 8


def test_a_fixed_weekday_and_time_keep_the_cadence():
    # Thursday + 5 weeks, fixed Tuesdays 13:30: the Tuesday before the due day.
    assert slot(date(2025, 9, 4), weekday=1, at_time=time(13, 30)) == at(2025, 10, 7, 13, 30)


def test_a_weekly_fixed_slot_skips_holidays():
    wednesday = dict(weeks=1, weekday=2, at_time=time(10))
    assert slot(date(2025, 5, 28), **wednesday) == at(2025, 6, 4, 10)
    assert slot(date(2025, 12, 17), **wednesday) == at(2025, 12, 29, 10)
    assert slot(date(2025, 12, 31), **wednesday) == at(2026, 1, 7, 10)


def test_a_slot_is_never_in_the_past():
    proposed = slot(date(2025, 1, 8), earliest=at(2025, 6, 2, 12))
    assert proposed == at(2025, 6, 3)


def test_next_meeting_slot_counts_from_the_last_held_network_meeting(active):
    policy(active, meeting_cadence_weeks=5)
    first = plan_meeting(active, at(2025, 3, 14))
    held(active, first, date(2025, 3, 14))
    assert cadence.next_meeting_slot(case=active.case, after=at(2025, 3, 15)) == at(2025, 4, 22)
    # A planned meeting after it counts instead: the proposal never repeats it.
    plan_meeting(active, at(2025, 4, 22))
    assert cadence.next_meeting_slot(case=active.case, after=at(2025, 3, 15)) == at(2025, 5, 27)


def test_next_meeting_slot_without_meetings_counts_from_today(active):
    policy(active, meeting_cadence_weeks=2, meeting_time=time(14))
    assert cadence.next_meeting_slot(case=active.case, after=at(2025, 6, 2, 8)) == at(
        2025, 6, 16, 14
    )
    assert timezone.is_aware(cadence.next_meeting_slot(case=active.case))


def test_next_meeting_due(active):
    today = timezone.localdate()
    policy(active, meeting_cadence_weeks=3)
    assert cadence.next_meeting_due(case=active.case, today=today) == today + timedelta(weeks=3)
    meeting = plan_meeting(active)
    assert cadence.next_meeting_due(case=active.case, today=today) is None
    held(active, meeting, today - timedelta(days=30))
    assert cadence.next_meeting_due(case=active.case, today=today) == today - timedelta(days=9)
    Case.objects.filter(pk=active.case.pk).update(state=CaseState.CLOSED)
    active.case.refresh_from_db()
    assert cadence.next_meeting_due(case=active.case, today=today) is None


# --- planning --------------------------------------------------------------------------------


def test_the_coordinator_plans_a_meeting_owned_by_the_case_owner(active):
    w = active.world
    planned = meetings.meeting_plan(
        actor=w.coordinator,
        case=active.case,
        kind=MeetingKind.NETWORK,
        starts_at=at(2030, 5, 7),
        location="Socialkontoret",
        agenda=AGENDA,
        invite=[w.coordinator, w.police],
        invite_guardians=[active.mother],
    )
    m = planned.meeting
    assert (m.owner, m.category.slug, m.status) == (w.owner_org, "plan", MeetingStatus.PLANNED)
    assert m.ends_at - m.starts_at == timedelta(minutes=60)  # the local meeting length
    rows = list(m.attendances.all())
    assert {r.person_id for r in rows if r.person_id} == {w.coordinator.pk, w.police.pk}
    assert {r.organisation_id for r in rows if r.person_id} == {w.owner_org.pk, w.recipient_org.pk}
    assert [r.guardian_id for r in rows if r.guardian_id] == [active.mother.pk]
    assert sum(r.is_youth for r in rows) == 1
    record = AuditRecord.objects.get(object_type="meetings.meeting", action="create")
    assert record.object_code == str(m.code)
    assert "Alex" not in str(record.detail)


def test_planning_warns_about_invited_organisations_that_receive_nothing(active):
    w = active.world
    planned = meetings.meeting_plan(
        actor=w.coordinator,
        case=active.case,
        kind=MeetingKind.NETWORK,
        starts_at=at(2030, 5, 7),
        invite=[w.coordinator, w.police],
    )
    assert len(planned.warnings) == 1
    assert "Polisen Testkommun" in planned.warnings[0] and "samtycke" in planned.warnings[0]
    give_consent(active, "skola")
    again = meetings.meeting_plan(
        actor=w.coordinator,
        case=active.case,
        kind=MeetingKind.NETWORK,
        starts_at=at(2030, 6, 7),
        invite=[w.coordinator, w.police],
    )
    assert again.warnings == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": MeetingKind.PREMEETING, "invite_youth": True}, "invite_youth"),
        ({"kind": MeetingKind.PREMEETING, "invite_guardians": "mother"}, "invite_youth"),
        ({"invite": "outsider"}, "invite"),
        ({"ends_at": at(2030, 5, 7, 8)}, "ends_at"),
        ({"starts_at": datetime(2030, 5, 7, 9)}, "starts_at"),
        ({"kind": "fest"}, "kind"),
        ({"invite_guardians": "other_guardian"}, "invite_guardians"),
    ],
)
def test_planning_refusals_write_nothing(active, change, field):
    from samsyn.cases import services as cases

    w = active.world
    other = cases.case_create(
        actor=w.coordinator,
        reason="Annat ärende.",
        first_name="Annan",
        last_name="Person",
        date_of_birth=date(2011, 1, 1),
    )
    other_guardian = cases.guardian_add(
        actor=w.coordinator, case=other, first_name="Annan", last_name="Förälder"
    )
    values = {
        "kind": MeetingKind.NETWORK,
        "starts_at": at(2030, 5, 7),
        "invite": [w.coordinator],
        "invite_guardians": [],
    }
    named = {
        "mother": [active.mother],
        "outsider": [w.outsider],
        "other_guardian": [other_guardian],
    }
    values.update({k: named.get(v, v) if isinstance(v, str) else v for k, v in change.items()})
    before = meeting_count()
    with pytest.raises(ValidationError) as refused:
        meetings.meeting_plan(actor=w.coordinator, case=active.case, **values)
    assert field in refused.value.message_dict
    assert meeting_count() == before


def test_a_premeeting_is_for_professionals_and_precedes_its_network_meeting(active):
    w = active.world
    main = plan_meeting(active, at(2030, 5, 7))
    pre = meetings.meeting_plan(
        actor=w.coordinator,
        case=active.case,
        kind=MeetingKind.PREMEETING,
        starts_at=at(2030, 5, 7, 8),
        premeeting_of=main,
        invite=[w.coordinator, w.police],
    ).meeting
    assert not pre.attendances.filter(is_youth=True).exists()
    assert pre.premeeting_of == main
    with pytest.raises(ValidationError) as late:
        meetings.meeting_plan(
            actor=w.coordinator,
            case=active.case,
            kind=MeetingKind.PREMEETING,
            starts_at=at(2030, 5, 8),
            premeeting_of=main,
        )
    assert "starts_at" in late.value.message_dict


@pytest.mark.parametrize("who", ["police", "outsider", "manager"])
def test_only_those_who_run_the_case_plan_meetings(active, who):
    before = meeting_count()
    with pytest.raises(PermissionDenied):
        meetings.meeting_plan(
            actor=getattr(active.world, who),
            case=active.case,
            kind=MeetingKind.NETWORK,
            starts_at=at(2030, 5, 7),
        )
    assert meeting_count() == before


def test_meetings_are_planned_once_the_sig_is_decided(sig):
    with pytest.raises(ValidationError):
        plan_meeting(sig)
    assert Meeting.objects.count() == 0


# --- the invitation --------------------------------------------------------------------------


def _emails(sig) -> None:
    w = sig.world
    for person, address in ((w.coordinator, "sam@example.se"), (w.police, "polis@example.se")):
        person.email = address
        person.save(update_fields=["email"])


def _ics_event(payload: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(payload)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def test_the_invitation_is_mailed_with_an_ics_and_no_personal_data(active):
    _emails(active)
    meeting = plan_meeting(active, at(2030, 3, 29, 9))
    code = active.case.anonymous_code
    sent = meetings.meeting_invite(
        actor=active.world.coordinator,
        case=active.case,
        meeting=meeting,
        base_url="https://samsyn.example.se/",
    )
    assert len(sent.sent_to) == 2 and sent.without_email == []
    assert sorted(m.to[0] for m in mail.outbox) == ["polis@example.se", "sam@example.se"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    link = f"https://samsyn.example.se/arenden/{active.case.code}/moten/{meeting.code}/"
    for message in mail.outbox:
        assert code in message.subject
        assert link in message.body
        (name, payload, mimetype) = message.attachments[0]
        assert name == f"{code}.ics" and mimetype.startswith("text/calendar")
        payload = payload if isinstance(payload, bytes) else payload.encode()
        event = _ics_event(payload)
        assert str(event["UID"]) == f"{meeting.code}@samsyn"
        assert str(event["SUMMARY"]) == f"Nätverksmöte {code}"
        assert str(event["LOCATION"]) == "Socialkontoret, rum 3"
        start = event.decoded("DTSTART")
        assert start.tzinfo is not None and start == at(2030, 3, 29, 9)
        assert event.decoded("DTEND") == at(2030, 3, 29, 10)
        everything = message.subject + message.body + payload.decode()
        for word in YOUTH_WORDS + GUARDIAN_WORDS + ("skolgången", "fotbollslag"):
            assert word not in everything, word
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.INVITED and meeting.invitation_sent_at is not None
    record = AuditRecord.objects.filter(object_type="meetings.meeting", action="update").get()
    assert record.detail["invitation"] == "sent"


def test_an_invitation_nobody_can_receive_is_refused_and_changes_nothing(active):
    meeting = plan_meeting(active)
    with pytest.raises(ValidationError):
        meetings.meeting_invite(actor=active.world.coordinator, case=active.case, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED and meeting.invitation_sent_at is None
    assert mail.outbox == []


def test_the_police_cannot_send_the_invitation(active):
    _emails(active)
    meeting = plan_meeting(active)
    with pytest.raises(PermissionDenied):
        meetings.meeting_invite(actor=active.world.police, case=active.case, meeting=meeting)
    assert mail.outbox == []


def test_the_ics_download_holds_no_personal_data(active, login):
    meeting = plan_meeting(active, at(2030, 10, 28, 9))
    url = reverse("meetings:ics", kwargs={"code": active.case.code, "meeting_code": meeting.code})
    for person in (active.world.coordinator, active.world.police):
        response = login(person).get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        event = _ics_event(response.content)
        assert event.decoded("DTSTART") == at(2030, 10, 28, 9)
        assert event.decoded("DTSTART").utcoffset() == timedelta(hours=1)
        assert f"/arenden/{active.case.code}/moten/{meeting.code}/" in str(event["DESCRIPTION"])
        for word in YOUTH_WORDS + GUARDIAN_WORDS + ("skolgången", "fotbollslag"):
            assert word not in response.content.decode()


# --- preparation, attendance, decisions, follow-up -------------------------------------------


def test_the_youth_is_prepared(active):
    meeting = plan_meeting(active)
    meetings.meeting_prepare(
        actor=active.world.coordinator,
        case=active.case,
        meeting=meeting,
        prep_about="Hur skolan går.",
        prep_outcome="En plan för närvaron.",
        prep_who="Skolan, polisen, mamma.",
        prep_topics="Skola, fritid.",
        prep_after="Vi följer upp om fem veckor.",
        youth_prepared_on=timezone.localdate(),
    )
    meeting.refresh_from_db()
    assert meeting.prep_topics == "Skola, fritid."
    assert meeting.youth_prepared_on == timezone.localdate()
    with pytest.raises(ValidationError):
        meetings.meeting_prepare(
            actor=active.world.coordinator,
            case=active.case,
            meeting=meeting,
            youth_prepared_on=timezone.localdate() + timedelta(days=1),
        )
    pre = plan_meeting(active, kind=MeetingKind.PREMEETING, invite_guardians=[])
    with pytest.raises(ValidationError):
        meetings.meeting_prepare(
            actor=active.world.coordinator, case=active.case, meeting=pre, prep_about="x"
        )


def test_attendance_is_recorded_and_people_not_invited_can_be_added(active):
    w = active.world
    meeting = plan_meeting(active)
    rows = {(r.person_id, r.guardian_id, r.is_youth): r for r in meeting.attendances.all()}
    police_row = rows[(w.police.pk, None, False)]
    youth_row = rows[(None, None, True)]
    meetings.meeting_record(
        actor=w.coordinator,
        case=active.case,
        meeting=meeting,
        held_on=timezone.localdate(),
        minutes=MINUTES,
        attended={
            police_row: False,
            youth_row: True,
            w.case_officer: True,
            active.father: True,
            w.coordinator: True,
        },
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.minutes == MINUTES
    came = {(r.person_id, r.guardian_id, r.is_youth): r.attended for r in meeting.attendances.all()}
    assert came[(w.police.pk, None, False)] is False
    assert came[(None, None, True)] is True
    assert came[(w.case_officer.pk, None, False)] is True
    assert came[(None, active.father.pk, False)] is True
    assert came[(None, active.mother.pk, False)] is None  # not recorded
    added = meeting.attendances.get(person=w.case_officer)
    assert added.organisation_id == w.owner_org.pk


@pytest.mark.parametrize(
    "bad", ["future", "outsider", "youth_at_premeeting", "cancelled", "police_actor"]
)
def test_recording_refusals_write_nothing(active, bad):
    w = active.world
    kind = MeetingKind.PREMEETING if bad == "youth_at_premeeting" else MeetingKind.NETWORK
    meeting = plan_meeting(active, kind=kind, invite_guardians=[])
    if bad == "cancelled":
        meetings.meeting_cancel(actor=w.coordinator, case=active.case, meeting=meeting, reason="x")
    before = (meeting_count(), list(Attendance.objects.values_list("attended", flat=True)))
    attended = {
        "outsider": {w.outsider: True},
        "youth_at_premeeting": {"youth": True},
    }.get(bad, {})
    held_on = timezone.localdate() + timedelta(days=1 if bad == "future" else 0)
    actor = w.police if bad == "police_actor" else w.coordinator
    with pytest.raises((ValidationError, PermissionDenied)):
        meetings.meeting_record(
            actor=actor,
            case=active.case,
            meeting=meeting,
            held_on=held_on,
            minutes="x",
            attended=attended,
        )
    assert (meeting_count(), list(Attendance.objects.values_list("attended", flat=True))) == before
    meeting.refresh_from_db()
    assert meeting.status != MeetingStatus.HELD


def _plan_with_goals(sig, n: int = 3):
    w = sig.world
    plans.plan_save(actor=w.coordinator, case=sig.case, long_term_goal="Klara skolan.")
    domains = [LifeDomain.SCHOOL, LifeDomain.LEISURE, LifeDomain.FAMILY, LifeDomain.HEALTH]
    return [
        plans.subgoal_save(
            actor=w.coordinator,
            case=sig.case,
            domain=domains[i % len(domains)],
            goal=f"Delmål nummer {i}",
        )
        for i in range(n)
    ]


def test_decisions_become_activities_of_the_meeting(active):
    w = active.world
    goals = _plan_with_goals(active, 1)
    meeting = plan_meeting(active)
    with pytest.raises(ValidationError):
        meetings.meeting_decide(
            actor=w.coordinator,
            case=active.case,
            meeting=meeting,
            description="Ringa skolan.",
            responsible_organisation=w.owner_org,
        )
    held(active, meeting)
    activity = meetings.meeting_decide(
        actor=w.coordinator,
        case=active.case,
        meeting=meeting,
        description="Polisen träffar Alex varannan vecka.",
        responsible_organisation=w.recipient_org,
        responsible_person=w.police,
        subgoal=goals[0],
        due_on=timezone.localdate() + timedelta(days=14),
    )
    assert Activity.objects.get() == activity
    assert activity.meeting == meeting and activity.category.slug == "plan"
    with pytest.raises(PermissionDenied):
        meetings.meeting_decide(
            actor=w.police,
            case=active.case,
            meeting=meeting,
            description="x",
            responsible_organisation=w.recipient_org,
        )
    assert Activity.objects.count() == 1


def test_a_premeeting_takes_no_decisions(active):
    w = active.world
    pre = plan_meeting(active, kind=MeetingKind.PREMEETING, invite_guardians=[])
    held(active, pre)
    with pytest.raises(ValidationError):
        meetings.meeting_decide(
            actor=w.coordinator,
            case=active.case,
            meeting=pre,
            description="x",
            responsible_organisation=w.owner_org,
        )
    assert Activity.objects.count() == 0


def test_sub_goals_are_followed_up_at_the_meeting(active):
    w = active.world
    goals = _plan_with_goals(active, 3)
    meeting = held(active, plan_meeting(active), timezone.localdate() - timedelta(days=1))
    reviews = meetings.meeting_follow_up(
        actor=w.coordinator,
        case=active.case,
        meeting=meeting,
        reviews=[
            (goals[0], GoalStatus.ACHIEVED, "Klart!"),
            (goals[1], GoalStatus.IN_PROGRESS, ""),
            (goals[2], GoalStatus.PARTLY, "Halvvägs."),
        ],
    )
    assert GoalReview.objects.filter(meeting=meeting).count() == 3 == len(reviews)
    assert {r.reviewed_on for r in reviews} == {meeting.held_on}
    goals[0].refresh_from_db()
    assert goals[0].status == GoalStatus.ACHIEVED
    with pytest.raises(ValidationError):
        meetings.meeting_follow_up(
            actor=w.coordinator,
            case=active.case,
            meeting=meeting,
            reviews=[(goals[1], GoalStatus.ACHIEVED, ""), (goals[1], GoalStatus.PARTLY, "")],
        )
    assert GoalReview.objects.count() == 3


def test_a_cancelled_invited_meeting_sends_a_cancellation(active):
    _emails(active)
    w = active.world
    meeting = plan_meeting(active)
    meetings.meeting_invite(actor=w.coordinator, case=active.case, meeting=meeting)
    mail.outbox.clear()
    meetings.meeting_cancel(
        actor=w.coordinator, case=active.case, meeting=meeting, reason="Alex är sjuk."
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert "Alex" not in message.body + message.subject
    event = _ics_event(message.attachments[0][1])
    assert str(event["STATUS"]) == "CANCELLED"
    assert "sjuk" not in str(AuditRecord.objects.filter(object_type="meetings.meeting").values())
    held_meeting = held(active, plan_meeting(active))
    with pytest.raises(ValidationError):
        meetings.meeting_cancel(
            actor=w.coordinator, case=active.case, meeting=held_meeting, reason="x"
        )


# --- continuity --------------------------------------------------------------------------------


def test_continuity_shows_who_represented_each_organisation(active):
    from samsyn.cases import services as cases

    w = active.world
    other_officer = make_person("polis2", w.recipient_org, Role.ACTOR_REPRESENTATIVE)
    cases.member_add(actor=w.coordinator, case=active.case, person=other_officer)
    first = plan_meeting(active, invite=[w.coordinator, w.police])
    held(active, first, timezone.localdate() - timedelta(days=40), {w.police: True})
    second = plan_meeting(active, invite=[w.coordinator, other_officer])
    held(active, second, timezone.localdate(), {other_officer: True, w.coordinator: True})
    page = selectors.meetings_page(viewer=w.police, case=active.case)
    police = next(r for r in page.continuity if r.organisation == "Polisen Testkommun")
    assert police.cells == [str(w.police), str(other_officer)]
    assert police.people == 2
    social = next(r for r in page.continuity if r.organisation == "Socialtjänsten Norra")
    assert social.cells == ["", str(w.coordinator)]


# --- the pages ---------------------------------------------------------------------------------


def _url(name: str, sig, meeting: Meeting | None = None) -> str:
    kwargs = {"code": sig.case.code}
    if meeting is not None:
        kwargs["meeting_code"] = meeting.code
    return reverse(f"meetings:{name}", kwargs=kwargs)


def _full_meeting(sig) -> Meeting:
    w = sig.world
    goals = _plan_with_goals(sig, 2)
    meeting = plan_meeting(sig)
    meetings.meeting_prepare(
        actor=w.coordinator,
        case=sig.case,
        meeting=meeting,
        prep_about="Förberedelsetext om skolan.",
    )
    held(sig, meeting, present={w.police: True, sig.mother: True})
    meetings.meeting_decide(
        actor=w.coordinator,
        case=sig.case,
        meeting=meeting,
        description="Beslutstext: läxhjälp två dagar i veckan.",
        responsible_organisation=w.owner_org,
    )
    meetings.meeting_follow_up(
        actor=w.coordinator,
        case=sig.case,
        meeting=meeting,
        reviews=[(goals[0], GoalStatus.IN_PROGRESS, "Uppföljningskommentar.")],
    )
    return meeting


SECRET = (
    AGENDA,
    MINUTES,
    "Förberedelsetext",
    "Beslutstext",
    "Uppföljningskommentar",
    "Delmål nummer",
)


def test_the_coordinator_sees_the_whole_meeting(active, login):
    meeting = _full_meeting(active)
    body = login(active.world.coordinator).get(_url("detail", active, meeting)).content.decode()
    for text in SECRET:
        assert text in body, text
    assert "Maria Exempelsson" in body


def test_the_police_without_plan_consent_sees_the_meeting_de_identified(active, login):
    meeting = _full_meeting(active)
    http = login(active.world.police)
    body = http.get(_url("detail", active, meeting)).content.decode()
    assert "Socialkontoret, rum 3" in body
    assert "Nätverksmöte" in body
    assert str(active.world.coordinator) in body and "Polisen Testkommun" in body
    for text in SECRET + YOUTH_WORDS + GUARDIAN_WORDS:
        assert text not in body, text
    refused = AuditRecord.objects.filter(
        actor_code=active.world.police.code, object_code=str(meeting.code), action="refused"
    )
    assert refused.exists()
    listing = http.get(_url("list", active)).content.decode()
    assert "Socialkontoret, rum 3" in listing
    for text in SECRET + YOUTH_WORDS + GUARDIAN_WORDS:
        assert text not in listing, text


def test_the_police_with_plan_consent_sees_the_meeting_but_not_who_the_youth_is(active, login):
    meeting = _full_meeting(active)
    give_consent(active, "plan")
    body = login(active.world.police).get(_url("detail", active, meeting)).content.decode()
    for text in SECRET:
        assert text in body, text
    for text in ("Maria", "Mats", "Exempelsson"):
        assert text not in body, text
    assert "Vårdnadshavare" in body


def test_outsiders_get_404_on_every_meeting_url(active, login):
    meeting = _full_meeting(active)
    for who in ("outsider", "manager", "admin"):
        http = login(getattr(active.world, who))
        before = meeting_count()
        for name in ("list", "plan"):
            assert http.get(_url(name, active)).status_code == 404, (who, name)
            assert http.post(_url(name, active), {}).status_code == 404, (who, name)
        assert http.get(_url("detail", active, meeting)).status_code == 404
        assert http.get(_url("ics", active, meeting)).status_code == 404
        for name in ("invite", "prepare", "record", "decide", "follow_up", "cancel"):
            assert http.post(_url(name, active, meeting), {}).status_code == 404, (who, name)
        assert meeting_count() == before


def test_members_who_do_not_run_the_case_cannot_write(active, login):
    meeting = plan_meeting(active)
    http = login(active.world.police)
    assert http.get(_url("plan", active)).status_code == 404
    for name in ("invite", "prepare", "record", "decide", "follow_up", "cancel"):
        assert http.post(_url(name, active, meeting), {}).status_code == 404, name


def test_the_list_proposes_the_next_meeting(active, login):
    policy(active, meeting_cadence_weeks=3)
    body = login(active.world.coordinator).get(_url("list", active)).content.decode()
    assert "Planera nästa möte" in body
    assert "minst var 3:e vecka" in body
    form = login(active.world.coordinator).get(_url("plan", active)).content.decode()
    proposed = cadence.next_meeting_slot(case=active.case)
    assert proposed.strftime("%Y-%m-%dT%H:%M") in form
    assert 'type="datetime-local"' in form


def test_planning_recording_deciding_and_following_up_through_the_pages(active, login):
    w = active.world
    goals = _plan_with_goals(active, 2)
    http = login(w.coordinator)
    response = http.post(
        _url("plan", active),
        {
            "kind": MeetingKind.NETWORK,
            "starts_at": "2030-05-07T09:00",
            "location": "Rum 3",
            "agenda": "Skolan",
            "invite": [str(w.coordinator.code), str(w.police.code)],
            "invite_youth": "on",
            "invite_guardians": [str(active.mother.code)],
        },
        follow=True,
    )
    meeting = Meeting.objects.get()
    assert meeting.starts_at == at(2030, 5, 7)
    body = response.content.decode()
    assert "inget gällande samtycke" in body.lower()  # the warning about the police
    detail = _url("detail", active, meeting)
    today = timezone.localdate().isoformat()
    response = http.post(
        _url("record", active, meeting),
        {
            "rec-held_on": today,
            "rec-present": [f"p-{w.coordinator.code}", "youth"],
            "rec-also_present": [str(w.case_officer.code)],
            "rec-minutes": "Bra möte.",
        },
    )
    assert response.status_code == 302 and response["Location"] == detail
    came = {(a.person_id, a.is_youth, a.guardian_id): a.attended for a in meeting.attendances.all()}
    assert came[(w.police.pk, False, None)] is False
    assert came[(None, False, active.mother.pk)] is False
    assert came[(w.case_officer.pk, False, None)] is True
    response = http.post(
        _url("decide", active, meeting),
        {
            "beslut-description": "Ringa skolan.",
            "beslut-responsible_organisation": str(w.owner_org.code),
            "beslut-subgoal": str(goals[0].code),
        },
    )
    assert response.status_code == 302
    assert Activity.objects.get().meeting == meeting
    response = http.post(
        _url("follow_up", active, meeting),
        {
            "uppf-s0_status": GoalStatus.ACHIEVED,
            "uppf-s0_comment": "Klart.",
            "uppf-s1_status": "",
        },
    )
    assert response.status_code == 302
    assert list(GoalReview.objects.values_list("subgoal_id", "status")) == [
        (goals[0].pk, GoalStatus.ACHIEVED)
    ]
    page = http.get(detail).content.decode()
    assert "Ringa skolan." in page and "Klart." in page


def test_a_refused_form_shows_its_errors_and_writes_nothing(active, login):
    meeting = plan_meeting(active)
    http = login(active.world.coordinator)
    before = meeting_count()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = http.post(
        _url("record", active, meeting), {"rec-held_on": tomorrow, "rec-minutes": "x"}
    )
    assert response.status_code == 200
    assert "Mötet kan inte ha hållits i framtiden." in response.content.decode()
    assert meeting_count() == before


def test_invitation_through_the_page_uses_the_sites_address(active, login):
    _emails(active)
    meeting = plan_meeting(active)
    response = login(active.world.coordinator).post(_url("invite", active, meeting))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert f"http://testserver/arenden/{active.case.code}/moten/{meeting.code}/" in (
        mail.outbox[0].body
    )


# --- a fixed number of queries --------------------------------------------------------------


def _many_meetings(sig, n: int) -> None:
    w = sig.world
    for i in range(n):
        meeting = plan_meeting(sig, at(2030, 1, 7) + timedelta(weeks=i))
        if i % 2:
            held(sig, meeting, timezone.localdate(), {w.police: True, sig.mother: True})


@pytest.mark.parametrize("viewer", ["coordinator", "police"])
def test_the_list_costs_the_same_queries_for_2_and_20_meetings(
    active, login, django_assert_num_queries, viewer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _many_meetings(active, 2)
    http = login(getattr(active.world, viewer))
    url = _url("list", active)
    with CaptureQueriesContext(connection) as few:
        assert http.get(url).status_code == 200
    _many_meetings(active, 18)
    with django_assert_num_queries(len(few.captured_queries)):
        assert http.get(url).status_code == 200


def test_the_meeting_page_costs_the_same_queries_whatever_it_holds(
    active, login, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = active.world
    goals = _plan_with_goals(active, 2)
    meeting = held(active, plan_meeting(active))
    http = login(w.coordinator)
    url = _url("detail", active, meeting)

    def decide(n: int) -> None:
        for i in range(n):
            meetings.meeting_decide(
                actor=w.coordinator,
                case=active.case,
                meeting=meeting,
                description=f"Beslut {i}",
                responsible_organisation=w.owner_org,
                subgoal=goals[i % 2],
            )

    decide(2)
    with CaptureQueriesContext(connection) as few:
        assert http.get(url).status_code == 200
    decide(18)
    _plan_with_goals(active, 10)
    with django_assert_num_queries(len(few.captured_queries)):
        assert http.get(url).status_code == 200


def test_an_invitation_that_cannot_be_sent_records_nothing(active, monkeypatch):
    class Broken:
        def send_messages(self, messages):
            raise OSError("smtp down")

    _emails(active)
    meeting = plan_meeting(active)
    monkeypatch.setattr(meetings, "get_connection", lambda: Broken())
    before = meeting_count()
    with pytest.raises(ValidationError):
        meetings.meeting_invite(actor=active.world.coordinator, case=active.case, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED and meeting.invitation_sent_at is None
    assert meeting_count() == before


def test_a_premeeting_form_is_prefilled_for_professionals_only(active, login):
    main = plan_meeting(active, at(2030, 5, 7))
    body = (
        login(active.world.coordinator)
        .get(_url("plan", active) + f"?till={main.code}")
        .content.decode()
    )
    assert re.search(r'<input type="radio" name="kind" value="formote"[^>]* checked>', body)
    assert re.search(r'<input type="checkbox" name="invite_youth"[^>]*>', body)
    assert not re.search(r'<input type="checkbox" name="invite_youth"[^>]* checked>', body)
    assert 'value="2030-05-07T08:00"' in body
    assert (
        login(active.world.coordinator).get(_url("plan", active) + "?till=nonsense").status_code
        == 200
    )
