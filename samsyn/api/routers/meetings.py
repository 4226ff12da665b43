"""Meetings: a case's meetings, one meeting, and planning a meeting, through the selectors of
the Möten pages (`meetings.selectors.meetings_page`, `meeting_page`) and the service
`meeting_plan`. A meeting the person may not read in full (no consent to "plan") comes
de-identified, as on the page: when, where, what kind and which professionals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from samsyn.api.fields import IsoDate, IsoDateTime
from samsyn.api.routers.common import (
    HiddenRow,
    PageQuery,
    etagged,
    hidden_rows,
    invalid,
    paginate,
    person,
    read_only,
)
from samsyn.api.routers.plans import ActivityOut, ReviewOut
from samsyn.cases import selectors as case_selectors
from samsyn.cases.rules import runs_case
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.meetings import selectors, services
from samsyn.meetings.models import Meeting, MeetingKind, MeetingStatus
from samsyn.meetings.selectors import Attendee, MeetingView

router = Router(tags=["meetings"])

NO_NUL = r"^[^\x00]*$"
MEETING_YEARS = (2000, 2100)


class AttendeeOut(Schema):
    name: str
    organisation: str
    attended: bool | None
    has_mandate: bool


class OrganisationOut(Schema):
    organisation: str
    people: list[AttendeeOut]


class PreparationOut(Schema):
    label: str
    text: str


class MeetingOut(Schema):
    code: UUID
    kind: str
    kind_label: str
    status: str
    status_label: str
    starts_at: datetime
    ends_at: datetime
    location: str
    invitation_sent_at: datetime | None
    held_on: date | None
    premeeting_of: UUID | None
    professionals: list[OrganisationOut]
    allowed: bool = Field(description="False: de-identified, the fields below are empty.")
    why: str
    agenda: str
    minutes: str
    preparation: list[PreparationOut]
    youth_prepared_on: date | None
    youth: AttendeeOut | None
    guardians: list[AttendeeOut]


def _attendee(a: Attendee) -> dict[str, Any]:
    return {
        "name": a.name,
        "organisation": a.organisation,
        "attended": a.attended,
        "has_mandate": a.has_mandate,
    }


def meeting_data(view: MeetingView) -> dict[str, Any]:
    return {
        "code": view.code,
        "kind": view.kind,
        "kind_label": view.kind_label,
        "status": view.status,
        "status_label": view.status_label,
        "starts_at": view.starts_at,
        "ends_at": view.ends_at,
        "location": view.location,
        "invitation_sent_at": view.invitation_sent_at,
        "held_on": view.held_on,
        "premeeting_of": view.premeeting_of,
        "professionals": [
            {"organisation": g.organisation, "people": [_attendee(p) for p in g.people]}
            for g in view.professionals
        ],
        "allowed": view.allowed,
        "why": view.why,
        "agenda": view.agenda,
        "minutes": view.minutes,
        "preparation": [{"label": label, "text": text} for label, text in view.preparation],
        "youth_prepared_on": view.youth_prepared_on,
        "youth": _attendee(view.youth) if view.youth else None,
        "guardians": [_attendee(g) for g in view.guardians],
    }


# --- a case's meetings --------------------------------------------------------------------------


class MeetingList(Schema):
    count: int
    page: int
    pages: int
    items: list[MeetingOut]
    due: date | None = Field(description="By when the next network meeting should be held.")
    overdue: bool
    cadence_weeks: int
    hidden: list[HiddenRow]


class MeetingFilter(PageQuery):
    fran: IsoDate | None = Field(None, description="Meetings on or after this day.")
    till: IsoDate | None = Field(None, description="Meetings on or before this day.")
    status: str | None = Field(
        None,
        description="Only meetings in this status.",
        json_schema_extra={"enum": list(MeetingStatus.values)},
    )

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str | None) -> str | None:
        if value is not None and value not in MeetingStatus.values:
            raise ValueError("unknown status")
        return value


@router.get(
    "/arenden/{code}/moten/",
    response={200: MeetingList, 304: None},
    summary="The case's meetings",
)
def case_meetings(request: HttpRequest, code: UUID, filters: Query[MeetingFilter]) -> HttpResponse:
    """The meetings as the case's Möten page shows them, oldest first, filtered and paginated."""
    if filters.fran and filters.till and filters.fran > filters.till:
        return invalid(request, {"till": [_("Slutdatumet ligger före startdatumet.")]})
    viewer = person(request)
    case = case_selectors.case_get_for_viewer(viewer=viewer, code=code)
    page = selectors.meetings_page(viewer=viewer, case=case)
    views = sorted(page.upcoming + page.held + page.cancelled, key=lambda v: v.starts_at)
    views = [
        v
        for v in views
        if (filters.fran is None or v.starts_at.date() >= filters.fran)
        and (filters.till is None or v.starts_at.date() <= filters.till)
        and (filters.status is None or v.status == filters.status)
    ]
    shown, counts = paginate(views, filters)
    data = {
        **counts,
        "items": [meeting_data(v) for v in shown],
        "due": page.due,
        "overdue": page.overdue,
        "cadence_weeks": page.cadence_weeks,
        "hidden": hidden_rows(page.hidden),
    }
    return etagged(request, MeetingList, data)


# --- one meeting --------------------------------------------------------------------------------


class MeetingDetail(Schema):
    case: UUID
    meeting: MeetingOut
    decisions: list[ActivityOut]
    reviews: list[ReviewOut]
    premeetings: list[MeetingOut]
    hidden: list[HiddenRow]


@router.get("/moten/{code}/", response={200: MeetingDetail, 304: None}, summary="One meeting")
def meeting_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """One meeting as its page shows it: decisions and goal follow-ups only when the person
    may read the meeting; a restricted meeting is not found."""
    viewer = person(request)
    found = get_by_code_or_404(
        Meeting.objects.filter(case__members__person=viewer).select_related("case"), code
    )
    case = case_selectors.case_get_for_viewer(viewer=viewer, code=found.case.code)
    meeting = selectors.meeting_get(case=case, code=code)
    page = selectors.meeting_page(viewer=viewer, case=case, meeting=meeting)
    data = {
        "case": case.code,
        "meeting": meeting_data(page.meeting),
        "decisions": [
            {
                "code": d.activity.code,
                "description": d.activity.description,
                "responsible": str(
                    d.activity.responsible_person or d.activity.responsible_organisation or ""
                ),
                "youth_does": d.activity.youth_does,
                "due_on": d.activity.due_on,
                "follow_up_on": d.activity.follow_up_on,
                "done_on": d.activity.done_on,
                "why": d.why,
            }
            for d in page.decisions
        ],
        "reviews": [
            {
                "code": r.review.code,
                "reviewed_on": r.review.reviewed_on,
                "status": r.review.status,
                "status_label": r.review.get_status_display(),
                "comment": r.review.comment,
                "why": r.why,
            }
            for r in page.reviews
        ],
        "premeetings": [meeting_data(v) for v in page.premeetings],
        "hidden": hidden_rows(page.hidden),
    }
    return etagged(request, MeetingDetail, data)


# --- planning a meeting -------------------------------------------------------------------------


class MeetingIn(Schema):
    kind: str = Field(json_schema_extra={"enum": list(MeetingKind.values)})
    starts_at: IsoDateTime = Field(description="With a time zone, e.g. 2026-03-02T15:00:00+01:00.")
    ends_at: IsoDateTime | None = None
    location: str = Field("", max_length=200, pattern=NO_NUL)
    agenda: str = Field("", max_length=20_000, pattern=NO_NUL)
    premeeting_of: UUID | None = Field(None, description="For a förmöte: its network meeting.")
    invite: list[UUID] = Field(default_factory=list, max_length=100, description="People's codes.")
    invite_youth: bool | None = Field(None, description="Default: yes, except to a förmöte.")
    invite_guardians: list[UUID] = Field(default_factory=list, max_length=20)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in MeetingKind.values:
            raise ValueError("unknown kind")
        return value


class MeetingCreated(Schema):
    code: UUID
    warnings: list[str]


@router.post("/arenden/{code}/moten/", response={201: MeetingCreated}, summary="Plan a meeting")
def case_meeting_plan(request: HttpRequest, code: UUID, payload: MeetingIn) -> Any:
    """Plan a meeting (write scope; the coordinator or case officer running the case), as the
    page does: the same rules, the same warnings about organisations without consent."""
    refused = read_only(request)
    if refused is not None:
        return refused
    viewer = person(request)
    case = case_selectors.case_get_for_viewer(viewer=viewer, code=code)
    if not runs_case(viewer, case):
        raise Http404  # as on the page: only those who run the case plan its meetings
    errors: dict[str, list[str]] = {}
    people = list(selectors.case_people_queryset(case=case).filter(code__in=payload.invite))
    if len(people) != len(set(payload.invite)):
        errors["invite"] = [_("Bjud bara in personer som deltar i ärendet.")]
    guardians = list(
        selectors.guardians_for(viewer=viewer, case=case).filter(code__in=payload.invite_guardians)
    )
    if len(guardians) != len(set(payload.invite_guardians)):
        errors["invite_guardians"] = [_("Vårdnadshavaren hör inte till ungdomen.")]
    premeeting_of = None
    if payload.premeeting_of is not None:
        premeeting_of = (
            selectors.network_meetings_open(case=case).filter(code=payload.premeeting_of).first()
        )
        if premeeting_of is None:
            errors["premeeting_of"] = [_("Välj ett nätverksmöte i ärendet.")]
    times = [t for t in (payload.starts_at, payload.ends_at) if t is not None]
    if any(timezone.is_naive(t) for t in times):
        errors["starts_at"] = [_("Tiden saknar tidszon.")]
    elif any(not MEETING_YEARS[0] <= t.year <= MEETING_YEARS[1] for t in times):
        # Far-off years would overflow when converted to UTC or given a length.
        errors["starts_at"] = [_("Välj en tid mellan år 2000 och 2100.")]
    if errors:
        return invalid(request, errors)
    try:
        planned = services.meeting_plan(
            actor=viewer,
            case=case,
            kind=payload.kind,
            starts_at=payload.starts_at,
            ends_at=payload.ends_at,
            location=payload.location,
            agenda=payload.agenda,
            premeeting_of=premeeting_of,
            invite=people,
            invite_youth=payload.invite_youth,
            invite_guardians=guardians,
        )
    except ValidationError as exc:
        return invalid(request, exc)
    return Status(
        201, {"code": planned.meeting.code, "warnings": [str(w) for w in planned.warnings]}
    )
