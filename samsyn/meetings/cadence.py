"""When the next network meeting should be: local cadence, fixed slot, Swedish public holidays.

Times are built in Europe/Stockholm with zoneinfo, so a 09:00 slot stays 09:00 local on both
sides of a change to or from summer time (the UTC offset is what changes).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from samsyn.cases.models import Case, CaseState
from samsyn.meetings.models import Meeting, MeetingKind, MeetingStatus
from samsyn.organisations.models import LocalPolicy
from samsyn.organisations.selectors import policy_for

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEFAULT_CADENCE_WEEKS = 5  # the guidance: at least every five weeks
DEFAULT_TIME = time(9, 0)


def easter_sunday(year: int) -> date:
    """Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _saturday_between(first: date, last: date) -> date:
    day = first
    while day.weekday() != 5:
        day += timedelta(days=1)
    assert day <= last
    return day


def swedish_public_holidays(year: int) -> set[date]:
    """The days no meeting is proposed on: the public holidays (helgdagar) and the eves that
    are kept as holidays at work (midsommarafton, julafton, nyårsafton)."""
    easter = easter_sunday(year)
    midsommardagen = _saturday_between(date(year, 6, 20), date(year, 6, 26))
    return {
        date(year, 1, 1),  # nyårsdagen
        date(year, 1, 6),  # trettondedag jul
        easter - timedelta(days=2),  # långfredagen
        easter,  # påskdagen
        easter + timedelta(days=1),  # annandag påsk
        date(year, 5, 1),  # första maj
        easter + timedelta(days=39),  # Kristi himmelsfärds dag
        date(year, 6, 6),  # Sveriges nationaldag
        midsommardagen - timedelta(days=1),  # midsommarafton (fredag 19–25 juni)
        midsommardagen,  # midsommardagen (lördag 20–26 juni)
        _saturday_between(date(year, 10, 31), date(year, 11, 6)),  # alla helgons dag
        date(year, 12, 24),  # julafton
        date(year, 12, 25),  # juldagen
        date(year, 12, 26),  # annandag jul
        date(year, 12, 31),  # nyårsafton
    }


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in swedish_public_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def cadence_weeks(local: LocalPolicy | None) -> int:
    """The local cadence in weeks, or the guidance's five when there is no policy."""
    return local.meeting_cadence_weeks if local is not None else DEFAULT_CADENCE_WEEKS


def meeting_day(meeting: Meeting) -> date:
    """The day a meeting was held, or, until then, the day it is planned for."""
    if meeting.held_on is not None:
        return meeting.held_on
    return timezone.localtime(meeting.starts_at, STOCKHOLM).date()


def _network_meetings(case: Case) -> list[Meeting]:
    return list(
        Meeting.objects.filter(case=case, kind=MeetingKind.NETWORK)
        .exclude(status=MeetingStatus.CANCELLED)
        .only("starts_at", "held_on", "status")
        .order_by("starts_at")
    )


def _anchor(meetings: list[Meeting]) -> date | None:
    """The last held network meeting; a planned one after it counts instead, so the proposal
    never lands on a meeting that is already planned."""
    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    last_held = max((meeting_day(m) for m in held), default=None)
    planned = [
        meeting_day(m)
        for m in meetings
        if m.status != MeetingStatus.HELD and (last_held is None or meeting_day(m) > last_held)
    ]
    return max(planned, default=last_held)


def slot_after(
    anchor: date, *, weeks: int, weekday: int | None, at: time | None, earliest: datetime
) -> datetime:
    """`anchor` + `weeks`, on the fixed weekday when there is one (the last such day on or
    before the due day, so the cadence is kept), at the fixed time (09:00 otherwise), moved to
    the next working day when it is a weekend day or a public holiday; never before
    `earliest`."""
    at = at or DEFAULT_TIME
    due = anchor + timedelta(weeks=weeks)
    day = due
    if weekday is not None:
        day = due - timedelta(days=(due.weekday() - weekday) % 7)
        if day <= anchor:
            day += timedelta(days=7)
    earliest_local = timezone.localtime(earliest, STOCKHOLM)
    if day < earliest_local.date() or (
        day == earliest_local.date() and at <= earliest_local.time()
    ):
        day = earliest_local.date() + timedelta(days=1)
        if weekday is not None:
            day += timedelta(days=(weekday - day.weekday()) % 7)
    day = next_working_day(day)
    return datetime.combine(day, at, tzinfo=STOCKHOLM)


def next_meeting_slot(*, case: Case, after: datetime | None = None) -> datetime:
    """Propose the next network meeting: from the last held network meeting (or the last
    planned, or today) plus the local cadence, snapped to the local fixed weekday and time,
    on a working day, and after `after` (now by default). Aware, in Europe/Stockholm."""
    local = policy_for(municipality=case.municipality, district=case.district)
    now = after or timezone.now()
    anchor = _anchor(_network_meetings(case))
    return slot_after(
        anchor or timezone.localtime(now, STOCKHOLM).date(),
        weeks=cadence_weeks(local),
        weekday=local.meeting_weekday if local is not None else None,
        at=local.meeting_time if local is not None else None,
        earliest=now,
    )


def next_meeting_due(*, case: Case, today: date) -> date | None:
    """The day by which the case's next network meeting should be held (see
    `next_meetings_due`)."""
    return next_meetings_due(cases=Case.objects.filter(pk=case.pk), today=today)[0][3]


def next_meetings_due(
    *, cases: QuerySet[Case], today: date
) -> list[tuple[int, Any, int | None, date | None]]:
    """(case id, case code, coordinator id, next meeting due) for many cases in three queries.

    Rule: the last held network meeting (or the start of the SIG) plus the local cadence;
    None when the case is not active or a network meeting is planned from today on.
    """
    listed = list(
        cases.values_list(
            "pk",
            "code",
            "coordinator_id",
            "state",
            "municipality_id",
            "district_id",
            "started_on",
            "decided_on",
        )
    )
    if not listed:
        return []
    ids = [row[0] for row in listed]
    planned_ahead: set[int] = set()
    last_held: dict[int, date] = {}
    for case_id, status, held_on, starts_at in (
        Meeting.objects.filter(case_id__in=ids, kind=MeetingKind.NETWORK)
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("case_id", "status", "held_on", "starts_at")
    ):
        day = held_on or timezone.localtime(starts_at, STOCKHOLM).date()
        if status == MeetingStatus.HELD:
            last_held[case_id] = max(day, last_held.get(case_id, day))
        elif day >= today:
            planned_ahead.add(case_id)
    weeks: dict[tuple[int, int | None], int] = {
        (municipality_id, district_id): n
        for municipality_id, district_id, n in LocalPolicy.objects.filter(
            municipality_id__in={row[4] for row in listed}
        ).values_list("municipality_id", "district_id", "meeting_cadence_weeks")
    }
    result: list[tuple[int, Any, int | None, date | None]] = []
    for pk, code, coordinator_id, state, municipality_id, district_id, started, decided in listed:
        if state != CaseState.ACTIVE or pk in planned_ahead:
            result.append((pk, code, coordinator_id, None))
            continue
        n = weeks.get(
            (municipality_id, district_id),
            weeks.get((municipality_id, None), DEFAULT_CADENCE_WEEKS),
        )
        start = last_held.get(pk) or started or decided or today
        result.append((pk, code, coordinator_id, start + timedelta(weeks=n)))
    return result
