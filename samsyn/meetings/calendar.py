"""The calendar file (.ics) of a meeting: the anonymous case code, time, place and a link.

Nothing about the youth goes into it: no name, no agenda, no preparation, no minutes. The
agenda may name the youth; it stays on the meeting page, behind sign-in and the one door.
"""

from __future__ import annotations

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from samsyn.meetings.cadence import STOCKHOLM
from samsyn.meetings.models import Meeting, MeetingKind, MeetingStatus

UID_DOMAIN = "samsyn"
PRODID = "-//samsyn//Sociala insatsgrupper//SV"

_TITLE = {
    MeetingKind.NETWORK: _("Nätverksmöte"),
    MeetingKind.PREMEETING: _("Förmöte"),
    MeetingKind.SMALL: _("Mindre möte"),
}


def meeting_title(meeting: Meeting) -> str:
    """ "Nätverksmöte SIG-XXXXXX": the kind and the case's anonymous code only."""
    return f"{_TITLE[MeetingKind(meeting.kind)]} {meeting.case.anonymous_code}"


def meeting_uid(meeting: Meeting) -> str:
    return f"{meeting.code}@{UID_DOMAIN}"


def meeting_ics(meeting: Meeting, *, link: str) -> bytes:
    """A VCALENDAR with one VEVENT, times in Europe/Stockholm (with its VTIMEZONE). A
    cancelled meeting carries METHOD:CANCEL and STATUS:CANCELLED, so calendars remove it."""
    cancelled = meeting.status == MeetingStatus.CANCELLED
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(meeting.starts_at, STOCKHOLM))
    event.add("dtend", timezone.localtime(meeting.ends_at, STOCKHOLM))
    event.add("summary", meeting_title(meeting))
    if meeting.location:
        event.add("location", meeting.location)
    event.add(
        "description", gettext_now("Mötets sida i samsyn (logga in): %(link)s") % {"link": link}
    )
    if link.startswith(("http://", "https://")):
        event.add("url", link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # Calendars replace an earlier copy of the event when the sequence grows.
    event.add("sequence", int(meeting.updated_at.timestamp()) if meeting.updated_at else 0)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
