"""What is due in the cases, and the e-mail that says so.

Five kinds (`ReminderKind`): the next network meeting is due by the local cadence; an activity
of the plan is overdue; a follow-up after closure is due; a consent is running out without a
renewal; the last network meeting did not follow up every sub-goal of the plan.

Rules:
- reminders go only to active people who take part in the case (nobody is reminded about a
  case they are not part of); an activity whose responsible person is not one goes to the
  coordinator instead;
- the e-mail carries the case's anonymous code, the kind, the date and a link, never a name,
  a personnummer, a goal or an activity text: e-mail leaves the system unencrypted;
- a reminder is sent once per (kind, key, person); the key holds the thing's code and its due
  date, so a changed date reminds again;
- a fixed number of queries, whatever the number of cases.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samsyn.audit.models import Action
from samsyn.audit.services import audit_build, audit_bulk
from samsyn.cases.lifecycle import ENDED
from samsyn.cases.models import Case, CaseMember, CaseState, FollowUp
from samsyn.consent.models import Consent
from samsyn.lib.links import absolute_url
from samsyn.meetings import cadence
from samsyn.meetings.models import Meeting, MeetingKind, MeetingStatus
from samsyn.organisations.models import Person
from samsyn.plans.models import Activity, GoalReview, SubGoal
from samsyn.reminders.models import ReminderKind, ReminderSent

logger = logging.getLogger("samsyn.reminders")

MEETING_SOON_DAYS = 7  # the next network meeting is due this close: plan it now
FOLLOWUP_SOON_DAYS = 14  # a follow-up after closure this close
CONSENT_SOON_DAYS = 30  # a consent ends this close (as `cases.selectors.consents_expiring`)

# The order of the groups on the dashboard and in the e-mail.
KIND_ORDER = [
    ReminderKind.MEETING_DUE,
    ReminderKind.PLAN_NOT_FOLLOWED,
    ReminderKind.ACTIVITY_OVERDUE,
    ReminderKind.CONSENT_EXPIRING,
    ReminderKind.FOLLOWUP_DUE,
]


@dataclass(frozen=True)
class Due:
    """One reminder for one person: what (`kind`), about which thing (`key`: its code and due
    date), in which case, by when."""

    kind: str
    key: str
    person: Person
    case: Case
    due_on: date

    @property
    def kind_label(self) -> str:
        return str(ReminderKind(self.kind).label)


@dataclass(frozen=True)
class _Raw:
    kind: str
    key: str
    case_id: int
    due_on: date
    person_ids: tuple[int | None, ...]  # in order of preference; the first who may gets it
    everyone: bool = False  # True: every listed person who may gets it, not only the first


def _key(prefix: str, code: Any, day: date) -> str:
    return f"{prefix}:{code}:{day.isoformat()}"


def _open_cases(person: Person | None) -> QuerySet[Case]:
    cases = Case.objects.exclude(state__in=ENDED)
    if person is not None:
        cases = cases.filter(members__person=person)
    return cases


def _closed_cases(person: Person | None) -> QuerySet[Case]:
    # Follow-ups after closure: the case is closed and not yet "efterföljd".
    cases = Case.objects.filter(state=CaseState.CLOSED)
    if person is not None:
        cases = cases.filter(members__person=person)
    return cases


def _meetings_due(person: Person | None, today: date) -> list[_Raw]:
    """Active cases whose next network meeting is due within a week, or overdue."""
    active = _open_cases(person).filter(state=CaseState.ACTIVE)
    return [
        _Raw(ReminderKind.MEETING_DUE, _key("case", code, day), case_id, day, (coordinator_id,))
        for case_id, code, coordinator_id, day in cadence.next_meetings_due(
            cases=active, today=today
        )
        if day is not None and day <= today + timedelta(days=MEETING_SOON_DAYS)
    ]


def _activities_overdue(person: Person | None, today: date) -> list[_Raw]:
    rows = Activity.objects.filter(
        case__in=_open_cases(person), due_on__lt=today, done_on__isnull=True
    ).values_list("case_id", "code", "due_on", "responsible_person_id", "case__coordinator_id")
    return [
        _Raw(
            ReminderKind.ACTIVITY_OVERDUE,
            _key("activity", code, due_on),
            case_id,
            due_on,
            (responsible_id, coordinator_id),
        )
        for case_id, code, due_on, responsible_id, coordinator_id in rows
        if due_on is not None  # excluded by the query; says so to the type checker
    ]


def _followups_due(person: Person | None, today: date) -> list[_Raw]:
    rows = FollowUp.objects.filter(
        case__in=_closed_cases(person),
        done_on__isnull=True,
        due_on__lte=today + timedelta(days=FOLLOWUP_SOON_DAYS),
    ).values_list("case_id", "code", "due_on", "case__coordinator_id")
    return [
        _Raw(
            ReminderKind.FOLLOWUP_DUE,
            _key("followup", code, due_on),
            case_id,
            due_on,
            (coordinator_id,),
        )
        for case_id, code, due_on, coordinator_id in rows
    ]


def _consents_expiring(person: Person | None, today: date) -> list[_Raw]:
    """Live consents that end within 30 days and have not been renewed (as
    `cases.selectors.consents_expiring`): to the coordinator and to whoever recorded it."""
    rows = (
        Consent.objects.current()
        .filter(
            case__in=_open_cases(person),
            given_on__lte=today,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=CONSENT_SOON_DAYS),
        )
        .values_list("case_id", "code", "valid_until", "case__coordinator_id", "recorded_by_id")
    )
    return [
        _Raw(
            ReminderKind.CONSENT_EXPIRING,
            _key("consent", code, until),
            case_id,
            until,
            (coordinator_id, recorded_by_id),
            everyone=True,
        )
        for case_id, code, until, coordinator_id, recorded_by_id in rows
        if until is not None  # excluded by the query; says so to the type checker
    ]


def _plans_not_followed(person: Person | None) -> list[_Raw]:
    """The last held network meeting of the case left one or more active sub-goals without a
    review. Sub-goals added after that meeting are not counted against it."""
    network_held = Meeting.objects.filter(kind=MeetingKind.NETWORK, status=MeetingStatus.HELD)
    last = network_held.filter(case=OuterRef("case")).order_by(
        F("held_on").desc(nulls_last=True), "-starts_at", "-pk"
    )
    meetings = network_held.filter(
        case__in=_open_cases(person), pk=Subquery(last.values("pk")[:1])
    ).values_list(
        "pk", "case_id", "code", "held_on", "starts_at", "ends_at", "case__coordinator_id"
    )
    by_case = {row[1]: row for row in meetings}
    if not by_case:
        return []
    reviewed = set(
        GoalReview.objects.filter(meeting_id__in=[m[0] for m in by_case.values()]).values_list(
            "meeting_id", "subgoal_id"
        )
    )
    missing: set[int] = set()
    for subgoal_id, case_id, created_at in SubGoal.objects.filter(
        case_id__in=list(by_case), is_active=True
    ).values_list("pk", "case_id", "created_at"):
        meeting_pk, ends_at = by_case[case_id][0], by_case[case_id][5]
        if created_at <= ends_at and (meeting_pk, subgoal_id) not in reviewed:
            missing.add(case_id)
    result = []
    for case_id in sorted(missing):
        _pk, _case_id, code, held_on, starts_at, _ends, coordinator_id = by_case[case_id]
        day = held_on or timezone.localdate(starts_at)
        result.append(
            _Raw(
                ReminderKind.PLAN_NOT_FOLLOWED,
                _key("meeting", code, day),
                case_id,
                day,
                (coordinator_id,),
            )
        )
    return result


def due_reminders(*, today: date, person: Person | None = None) -> list[Due]:
    """Everything due in the cases that are not ended (follow-ups: closed cases), one `Due` per
    person to remind; only `person`'s when given (the dashboard).

    Rule: only active people who take part in the case are reminded; a fixed number of queries.
    """
    raws = [
        *_meetings_due(person, today),
        *_plans_not_followed(person),
        *_activities_overdue(person, today),
        *_consents_expiring(person, today),
        *_followups_due(person, today),
    ]
    if not raws:
        return []
    case_ids = {raw.case_id for raw in raws}
    wanted = {pid for raw in raws for pid in raw.person_ids if pid is not None}
    members = set(
        CaseMember.objects.filter(
            case_id__in=case_ids, person_id__in=wanted, person__is_active=True
        ).values_list("case_id", "person_id")
    )
    chosen: list[tuple[_Raw, int]] = []
    for raw in raws:
        allowed = [
            pid
            for pid in dict.fromkeys(raw.person_ids)
            if pid is not None and (raw.case_id, pid) in members
        ]
        for pid in allowed if raw.everyone else allowed[:1]:
            if person is None or pid == person.pk:
                chosen.append((raw, pid))
    if not chosen:
        return []
    cases = Case.objects.select_related("youth", "municipality", "owner").in_bulk(
        {raw.case_id for raw, _pid in chosen}
    )
    people = (
        {person.pk: person}
        if person is not None
        else Person.objects.select_related("organisation").in_bulk({pid for _raw, pid in chosen})
    )
    dues = [
        Due(
            kind=raw.kind,
            key=raw.key,
            person=people[pid],
            case=cases[raw.case_id],
            due_on=raw.due_on,
        )
        for raw, pid in chosen
    ]
    order: dict[str, int] = {kind: i for i, kind in enumerate(KIND_ORDER)}
    dues.sort(key=lambda d: (d.person.pk, order[d.kind], d.due_on, d.case.anonymous_code))
    return dues


# --- sending -------------------------------------------------------------------------------


def _case_url(case: Case) -> str:
    return absolute_url(reverse("cases:detail", kwargs={"code": case.code}))


def reminder_email(*, dues: list[Due], today: date) -> tuple[str, str]:
    """The subject and body for one person's reminders, in Swedish.

    Rule: the anonymous code, the kind, the date and a link only, never a name or any other
    personal data (not even the recipient's own name: a forwarded e-mail says nothing).
    """
    with translation.override("sv"):
        subject = ngettext("samsyn: %(n)d påminnelse", "samsyn: %(n)d påminnelser", len(dues)) % {
            "n": len(dues)
        }
        lines = [
            _("Det här behöver göras i ärenden där du deltar (per %(day)s):")
            % {"day": today.isoformat()},
            "",
        ]
        for due in dues:
            lines.append(
                _("%(code)s – %(kind)s – %(day)s")
                % {"code": due.case.anonymous_code, "kind": due.kind_label, "day": due.due_on}
            )
            lines.append(f"  {_case_url(due.case)}")
        lines += [
            "",
            _(
                "Logga in i samsyn för att se vad påminnelserna gäller. Det här meddelandet "
                "innehåller medvetet inga personuppgifter."
            ),
            _("Alla dina påminnelser: %(url)s")
            % {"url": absolute_url(reverse("reminders:dashboard"))},
        ]
    return str(subject), "\n".join(lines) + "\n"


def reminders_send(*, today: date) -> int:
    """Send each person one e-mail with the reminders not yet sent to them; returns how many
    e-mails were sent.

    Rule: once per (kind, key, person): the sent log is written in the same transaction as the
    e-mail is sent (a failed send writes nothing and is tried again next run; a second run
    sends nothing). People without an e-mail address get none, and see them on the dashboard.
    """
    dues = [d for d in due_reminders(today=today) if d.person.email]
    if not dues:
        return 0
    sent = set(
        ReminderSent.objects.filter(key__in={d.key for d in dues}).values_list(
            "kind", "key", "person_id"
        )
    )
    per_person: dict[int, list[Due]] = defaultdict(list)
    for due in dues:
        if (due.kind, due.key, due.person.pk) not in sent:
            per_person[due.person.pk].append(due)
    emails = 0
    for person_dues in per_person.values():
        try:
            _send_to_person(person_dues, today)
        except IntegrityError:
            continue  # a run at the same time sent them first
        except Exception:
            # One bad address or a mail server hiccup must not hold back everyone else's;
            # nothing was recorded for this person, so the next run tries again.
            logger.exception(
                "reminder e-mail failed", extra={"person_code": str(person_dues[0].person.code)}
            )
            continue
        emails += 1
    return emails


@transaction.atomic
def _send_to_person(dues: list[Due], today: date) -> None:
    person = dues[0].person
    ReminderSent.objects.bulk_create(
        [
            ReminderSent(kind=d.kind, key=d.key, person=person, case=d.case, due_on=d.due_on)
            for d in dues
        ]
    )
    per_case: dict[int, list[Due]] = defaultdict(list)
    for due in dues:
        per_case[due.case.pk].append(due)
    audit_bulk(
        [
            audit_build(
                actor=None,
                actor_username="samsyn",
                action=Action.CREATE,
                object_type="reminders.remindersent",
                object_code=str(person.code),
                case_code=case_dues[0].case.code,
                subject_code=case_dues[0].case.youth.code,
                municipality_code=case_dues[0].case.municipality.code,
                detail={
                    "sent": "e-mail",
                    "recipient": str(person.code),
                    "reminders": [{"kind": d.kind, "key": d.key} for d in case_dues],
                },
            )
            for case_dues in per_case.values()
        ]
    )
    subject, body = reminder_email(dues=dues, today=today)
    # Last: should sending fail, the transaction rolls back and the next run tries again.
    send_mail(subject, body, None, [str(person.email)])
