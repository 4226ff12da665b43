"""Writes for network meetings, pre-meetings and smaller meetings: validated, atomic, audited.

Rules: the coordinator and case officers of the owner organisation (`runs_case`) plan, invite,
prepare, record, cancel, and write the decisions and follow-ups of a meeting. A meeting is an
item of the owner organisation in the category "plan". A förmöte is for professionals only.
Decisions become activities and follow-ups become goal reviews, written by `plans.services`.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Literal, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.cases.lifecycle import HAD_SIG
from samsyn.cases.models import Case, CaseMember, Guardian
from samsyn.cases.rules import require_runs_case
from samsyn.cases.services import audit_case, category_by_slug
from samsyn.consent import policy
from samsyn.lib.links import absolute_url
from samsyn.meetings.calendar import meeting_ics, meeting_title
from samsyn.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
from samsyn.organisations.models import Organisation, Person
from samsyn.organisations.selectors import policy_for
from samsyn.plans import services as plans
from samsyn.plans.models import Activity, GoalReview, SubGoal
from samsyn.webhooks import events as webhook_events

MEETING_CATEGORY = "plan"
YOUTH = "youth"
Invitee = Attendance | Person | Guardian | Literal["youth"]


class PlannedMeeting(NamedTuple):
    """The planned meeting, and warnings to show (not errors): invited professionals whose
    organisation will receive nothing from the case owner, for want of consent."""

    meeting: Meeting
    warnings: list[str]


class InvitationSent(NamedTuple):
    sent_to: list[Person]
    without_email: list[Person]


def _require_meeting_of(meeting: Meeting, case: Case) -> None:
    if meeting.case_id != case.pk:
        raise ValidationError(_("Mötet hör inte till ärendet."))


def _lock(meeting: Meeting) -> None:
    """Lock the meeting's row for the transaction and refresh the caller's instance."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk").first()
    meeting.refresh_from_db()


def receives_nothing_warnings(*, actor: Person, case: Case, people: Iterable[Person]) -> list[str]:
    """A warning for each invited professional whose organisation no live consent lets the
    case owner release anything to: they will take part de-identified only."""
    access = policy.case_access(viewer=actor, case=case)
    return [
        _(
            "%(person)s (%(organisation)s) är kallad, men inget gällande samtycke låter "
            "%(owner)s lämna ut uppgifter till %(organisation)s. Tänk på vad som sägs på mötet "
            "och i anteckningarna."
        )
        % {
            "person": person,
            "organisation": person.organisation.name if person.organisation else "",
            "owner": case.owner.name,
        }
        for person in people
        if access.receives_nothing(person.organisation_id)
    ]


@transaction.atomic
def meeting_plan(
    *,
    actor: Person,
    case: Case,
    kind: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    location: str = "",
    agenda: str = "",
    premeeting_of: Meeting | None = None,
    invite: Iterable[Person] = (),
    invite_youth: bool | None = None,
    invite_guardians: Iterable[Guardian] = (),
) -> PlannedMeeting:
    """Plan a meeting and who is invited.

    Rules: only while a SIG runs (decided or active); a förmöte is for professionals only (no
    youth, no guardians), and may precede a network meeting of the same case; invited
    professionals take part in the case; guardians are the youth's. The youth is invited by
    default except to a förmöte. Warns (does not refuse) about invited professionals whose
    organisation receives nothing for want of consent.
    """
    require_runs_case(actor, case)
    invite = list(dict.fromkeys(invite))
    guardians = list(dict.fromkeys(invite_guardians))
    if invite_youth is None:
        invite_youth = kind != MeetingKind.PREMEETING
    errors: dict[str, list[str]] = {}
    if case.state not in HAD_SIG:
        errors["__all__"] = [_("Möten planeras när den sociala insatsgruppen är beslutad.")]
    if kind not in MeetingKind.values:
        errors["kind"] = [_("Välj slag av möte.")]
    if timezone.is_naive(starts_at) or (ends_at is not None and timezone.is_naive(ends_at)):
        errors["starts_at"] = [_("Tiden saknar tidszon.")]
    elif ends_at is None:
        local = policy_for(municipality=case.municipality, district=case.district)
        ends_at = starts_at + timedelta(minutes=local.meeting_length_minutes if local else 60)
    elif ends_at <= starts_at:
        errors["ends_at"] = [_("Mötet måste sluta efter att det börjar.")]
    if kind == MeetingKind.PREMEETING:
        if invite_youth or guardians:
            errors["invite_youth"] = [
                _(
                    "Ett förmöte är bara för yrkesverksamma: bjud inte in ungdomen eller vårdnadshavare."
                )
            ]
        if premeeting_of is not None and (
            premeeting_of.case_id != case.pk or premeeting_of.kind != MeetingKind.NETWORK
        ):
            errors["premeeting_of"] = [_("Välj ett nätverksmöte i ärendet.")]
        elif premeeting_of is not None and starts_at > premeeting_of.starts_at:
            errors["starts_at"] = [_("Förmötet ska hållas före nätverksmötet.")]
    elif premeeting_of is not None:
        errors["premeeting_of"] = [_("Bara ett förmöte hör till ett annat möte.")]
    members = set(
        CaseMember.objects.filter(case=case, person__is_active=True).values_list(
            "person_id", flat=True
        )
    )
    outside = [person for person in invite if person.pk not in members]
    if outside:
        errors["invite"] = [
            _("%(names)s deltar inte i ärendet.") % {"names": ", ".join(str(p) for p in outside)}
        ]
    if any(g.youth_id != case.youth_id for g in guardians):
        errors["invite_guardians"] = [_("Vårdnadshavaren hör inte till ungdomen.")]
    if errors:
        raise ValidationError(errors)
    assert ends_at is not None
    meeting = Meeting(
        case=case,
        owner=case.owner,
        category=category_by_slug(MEETING_CATEGORY),
        created_by=actor,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        agenda=agenda.strip(),
        premeeting_of=premeeting_of,
    )
    meeting.full_clean()
    meeting.save()
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, person=p, organisation=p.organisation) for p in invite]
        + [Attendance(meeting=meeting, guardian=g) for g in guardians]
        + ([Attendance(meeting=meeting, is_youth=True)] if invite_youth else [])
    )
    audit_case(
        actor,
        Action.CREATE,
        case,
        meeting,
        kind=kind,
        category=MEETING_CATEGORY,
        invited=[str(p.code) for p in invite],
        guardians=len(guardians),
        youth=invite_youth,
    )
    webhook_events.meeting_planned(meeting=meeting)
    return PlannedMeeting(meeting, receives_nothing_warnings(actor=actor, case=case, people=invite))


def _invited_professionals(meeting: Meeting) -> list[Person]:
    return [
        a.person
        for a in Attendance.objects.filter(meeting=meeting, person__isnull=False)
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
        if a.person is not None
    ]


def _send(meeting: Meeting, people: list[Person], *, subject: str, body: str, ics: bytes) -> None:
    """One message per person: no recipient learns who else is invited from the headers."""
    messages = []
    for person in people:
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[person.email or ""],
        )
        message.attach(f"{meeting.case.anonymous_code}.ics", ics, "text/calendar; charset=utf-8")
        messages.append(message)
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except (OSError, smtplib.SMTPException) as exc:
        # Raised inside the service's transaction: nothing is recorded as sent.
        raise ValidationError(
            _("E-posten kunde inte skickas just nu. Försök igen om en stund.")
        ) from exc


def meeting_link(meeting: Meeting, base_url: str = "") -> str:
    path = reverse(
        "meetings:detail", kwargs={"code": meeting.case.code, "meeting_code": meeting.code}
    )
    return absolute_url(path, base=base_url)


@transaction.atomic
def meeting_invite(
    *, actor: Person, case: Case, meeting: Meeting, base_url: str = ""
) -> InvitationSent:
    """Send the invitation (kallelse) by e-mail, with an .ics attached, to every invited
    professional with an e-mail address.

    Rules: only a planned or already invited meeting; the message and the .ics carry only the
    case's anonymous code, the time, the place and a link to the meeting page: nothing about
    the youth. Sending again is allowed (after a change of time or place).
    """
    require_runs_case(actor, case)
    _require_meeting_of(meeting, case)
    _lock(meeting)
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.INVITED):
        raise ValidationError(_("Mötet är redan genomfört eller inställt."))
    people = _invited_professionals(meeting)
    with_email = [p for p in people if p.email]
    if not with_email:
        raise ValidationError(_("Ingen av de kallade har en e-postadress i samsyn."))
    link = meeting_link(meeting, base_url)
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    title = meeting_title(meeting)
    body = _(
        "Du är kallad till %(title)s.\n\n"
        "Tid: %(day)s kl. %(start)s–%(end)s\n"
        "Plats: %(place)s\n\n"
        "Dagordning och förberedelser finns på mötets sida i samsyn (logga in):\n%(link)s\n\n"
        "Kalenderinbjudan finns som bilaga. Det här meddelandet innehåller inga "
        "personuppgifter; ärendet anges bara med sin avidentifierade kod.\n"
    ) % {
        "title": title,
        "day": start.strftime("%Y-%m-%d"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "place": meeting.location or _("meddelas senare"),
        "link": link,
    }
    resend = meeting.invitation_sent_at is not None
    meeting.invitation_sent_at = timezone.now()
    meeting.status = MeetingStatus.INVITED
    meeting.save(update_fields=["invitation_sent_at", "status", "updated_at"])
    _send(
        meeting,
        with_email,
        subject=_("Kallelse: %(title)s %(day)s kl. %(start)s")
        % {"title": title, "day": start.strftime("%Y-%m-%d"), "start": start.strftime("%H:%M")},
        body=body,
        ics=meeting_ics(meeting, link=link),
    )
    without = [p for p in people if not p.email]
    audit_case(
        actor,
        Action.UPDATE,
        case,
        meeting,
        invitation="resent" if resend else "sent",
        sent_to=[str(p.code) for p in with_email],
        without_email=[str(p.code) for p in without],
    )
    return InvitationSent(with_email, without)


@transaction.atomic
def meeting_prepare(
    *,
    actor: Person,
    case: Case,
    meeting: Meeting,
    prep_about: str = "",
    prep_outcome: str = "",
    prep_who: str = "",
    prep_topics: str = "",
    prep_after: str = "",
    youth_prepared_on: date | None = None,
) -> Meeting:
    """Record how the youth is prepared: what the meeting is about, the hoped-for outcome, who
    comes, which topics, what happens after, and when the youth was prepared.

    Rules: not for a förmöte (the youth does not come) nor a cancelled meeting; the youth
    cannot have been prepared in the future.
    """
    require_runs_case(actor, case)
    _require_meeting_of(meeting, case)
    _lock(meeting)
    errors: dict[str, list[str]] = {}
    if meeting.kind == MeetingKind.PREMEETING:
        errors["__all__"] = [_("Ungdomen deltar inte i förmötet och förbereds inte för det.")]
    elif meeting.status == MeetingStatus.CANCELLED:
        errors["__all__"] = [_("Mötet är inställt.")]
    if youth_prepared_on is not None and youth_prepared_on > timezone.localdate():
        errors["youth_prepared_on"] = [_("Datumet kan inte ligga i framtiden.")]
    if errors:
        raise ValidationError(errors)
    fields = {
        "prep_about": prep_about,
        "prep_outcome": prep_outcome,
        "prep_who": prep_who,
        "prep_topics": prep_topics,
        "prep_after": prep_after,
    }
    for name, value in fields.items():
        setattr(meeting, name, value.strip())
    meeting.youth_prepared_on = youth_prepared_on
    meeting.full_clean()
    meeting.save(update_fields=[*fields, "youth_prepared_on", "updated_at"])
    audit_case(
        actor,
        Action.UPDATE,
        case,
        meeting,
        fields=sorted(name for name, value in fields.items() if value.strip()),
        youth_prepared_on=youth_prepared_on.isoformat() if youth_prepared_on else None,
    )
    return meeting


@transaction.atomic
def meeting_record(
    *,
    actor: Person,
    case: Case,
    meeting: Meeting,
    held_on: date,
    minutes: str,
    attended: Mapping[Invitee, bool],
) -> Meeting:
    """Record that the meeting was held: when, the minutes, and who came.

    `attended` maps an invitee (`Attendance`) — or a case member (`Person`), a guardian of the
    youth (`Guardian`) or "youth" who came without being invited — to True or False.
    Rules: not a cancelled meeting; not in the future nor before the case was opened; people
    added are case members (their organisation is recorded as it is today, for continuity);
    nobody but professionals at a förmöte.
    """
    require_runs_case(actor, case)
    _require_meeting_of(meeting, case)
    _lock(meeting)
    errors: dict[str, list[str]] = {}
    if meeting.status == MeetingStatus.CANCELLED:
        errors["__all__"] = [_("Mötet är inställt.")]
    if held_on > timezone.localdate():
        errors["held_on"] = [_("Mötet kan inte ha hållits i framtiden.")]
    elif held_on < case.opened_on:
        errors["held_on"] = [_("Mötet kan inte ha hållits innan ärendet öppnades.")]
    invited = {a.pk: a for a in Attendance.objects.filter(meeting=meeting)}
    by_person = {a.person_id: a for a in invited.values() if a.person_id}
    by_guardian = {a.guardian_id: a for a in invited.values() if a.guardian_id}
    youth_row = next((a for a in invited.values() if a.is_youth), None)
    members = set(CaseMember.objects.filter(case=case).values_list("person_id", flat=True))
    changed: list[Attendance] = []
    added: list[Attendance] = []
    for who, came in attended.items():
        row: Attendance | None
        if isinstance(who, Attendance):
            row = invited.get(who.pk)
            if row is None:
                errors["attended"] = [_("Personen är inte kallad till mötet.")]
                continue
        elif isinstance(who, Person):
            row = by_person.get(who.pk)
            if row is None:
                if who.pk not in members:
                    errors["attended"] = [_("%(name)s deltar inte i ärendet.") % {"name": who}]
                    continue
                row = Attendance(meeting=meeting, person=who, organisation=who.organisation)
        elif isinstance(who, Guardian) or who == YOUTH:
            if meeting.kind == MeetingKind.PREMEETING:
                errors["attended"] = [_("Ett förmöte är bara för yrkesverksamma.")]
                continue
            if isinstance(who, Guardian):
                if who.youth_id != case.youth_id:
                    errors["attended"] = [_("Vårdnadshavaren hör inte till ungdomen.")]
                    continue
                row = by_guardian.get(who.pk) or Attendance(meeting=meeting, guardian=who)
            else:
                row = youth_row or Attendance(meeting=meeting, is_youth=True)
        else:
            errors["attended"] = [_("Okänd deltagare.")]
            continue
        row.attended = bool(came)
        (changed if row.pk else added).append(row)
    if errors:
        raise ValidationError(errors)
    if changed:
        Attendance.objects.bulk_update(changed, ["attended"])
    if added:
        Attendance.objects.bulk_create(added)
    meeting.held_on = held_on
    meeting.minutes = minutes.strip()
    meeting.status = MeetingStatus.HELD
    meeting.full_clean()
    meeting.save(update_fields=["held_on", "minutes", "status", "updated_at"])
    present = [a for a in [*invited.values(), *added] if a.attended]
    audit_case(
        actor,
        Action.UPDATE,
        case,
        meeting,
        status=MeetingStatus.HELD,
        held_on=held_on.isoformat(),
        present=len(present),
        added=len(added),
    )
    return meeting


def _require_decisions_possible(meeting: Meeting) -> None:
    if meeting.kind == MeetingKind.PREMEETING:
        raise ValidationError(
            _("Beslut och uppföljning görs på nätverksmötet, med ungdomen, inte på förmötet.")
        )
    if meeting.status != MeetingStatus.HELD or meeting.held_on is None:
        raise ValidationError(_("Registrera först att mötet har hållits."))


@transaction.atomic
def meeting_decide(
    *,
    actor: Person,
    case: Case,
    meeting: Meeting,
    description: str,
    responsible_organisation: Organisation,
    responsible_person: Person | None = None,
    subgoal: SubGoal | None = None,
    due_on: date | None = None,
    follow_up_on: date | None = None,
    youth_does: bool = False,
) -> Activity:
    """A concrete decision of the meeting: who does what by when, recorded as an activity of
    the plan that points to the meeting. Rules: the meeting is held and is not a förmöte;
    the rest is `plans.services.activity_create`'s."""
    require_runs_case(actor, case)
    _require_meeting_of(meeting, case)
    _require_decisions_possible(meeting)
    return plans.activity_create(
        actor=actor,
        case=case,
        description=description,
        responsible_organisation=responsible_organisation,
        responsible_person=responsible_person,
        subgoal=subgoal,
        due_on=due_on,
        follow_up_on=follow_up_on,
        meeting=meeting,
        youth_does=youth_does,
    )


@transaction.atomic
def meeting_follow_up(
    *,
    actor: Person,
    case: Case,
    meeting: Meeting,
    reviews: list[tuple[SubGoal, str, str]],
) -> list[GoalReview]:
    """Follow up sub-goals of the plan at the meeting: each (sub-goal, status, comment) becomes
    a goal review on the day the meeting was held, and sets the sub-goal's status.

    Rules: the meeting is held and is not a förmöte; at least one sub-goal; each sub-goal once
    and still in the plan; the rest is `plans.services.goal_review_record`'s.
    """
    require_runs_case(actor, case)
    _require_meeting_of(meeting, case)
    _require_decisions_possible(meeting)
    if not reviews:
        raise ValidationError(_("Välj status för minst ett delmål."))
    seen: set[int] = set()
    for subgoal, _status, _comment in reviews:
        if subgoal.pk in seen:
            raise ValidationError({"subgoal": _("Varje delmål följs upp en gång per möte.")})
        if subgoal.case_id == case.pk and not subgoal.is_active:
            raise ValidationError({"subgoal": _("Delmålet ingår inte längre i planen.")})
        seen.add(subgoal.pk)
    assert meeting.held_on is not None
    return [
        plans.goal_review_record(
            actor=actor,
            case=case,
            subgoal=subgoal,
            status=status,
            reviewed_on=meeting.held_on,
            comment=comment,
            meeting=meeting,
        )
        for subgoal, status, comment in reviews
    ]


@transaction.atomic
def meeting_cancel(
    *, actor: Person, case: Case, meeting: Meeting, reason: str, base_url: str = ""
) -> Meeting:
    """Cancel a meeting that has not been held. When the invitation was sent, the invited
    professionals get a cancellation (with an .ics that removes it from their calendars)."""
    require_runs_case(actor, case)
    _require_meeting_of(meeting, case)
    _lock(meeting)
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED):
        raise ValidationError(_("Mötet är redan genomfört eller inställt."))
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv varför mötet ställs in.")})
    was_invited = meeting.status == MeetingStatus.INVITED
    meeting.status = MeetingStatus.CANCELLED
    # The reason may say something about the youth: it stays in the minutes (decided by the
    # one door), never in the audit detail or an e-mail.
    meeting.minutes = "\n\n".join(
        part
        for part in (meeting.minutes, _("Inställt: %(reason)s") % {"reason": reason.strip()})
        if part
    )
    meeting.save(update_fields=["status", "minutes", "updated_at"])
    if was_invited:
        start = timezone.localtime(meeting.starts_at)
        title = meeting_title(meeting)
        _send(
            meeting,
            [p for p in _invited_professionals(meeting) if p.email],
            subject=_("Inställt: %(title)s %(day)s kl. %(start)s")
            % {
                "title": title,
                "day": start.strftime("%Y-%m-%d"),
                "start": start.strftime("%H:%M"),
            },
            body=_("%(title)s den %(day)s kl. %(start)s är inställt.\n\n%(link)s\n")
            % {
                "title": title,
                "day": start.strftime("%Y-%m-%d"),
                "start": start.strftime("%H:%M"),
                "link": meeting_link(meeting, base_url),
            },
            ics=meeting_ics(meeting, link=meeting_link(meeting, base_url)),
        )
    audit_case(actor, Action.UPDATE, case, meeting, status=MeetingStatus.CANCELLED)
    return meeting
