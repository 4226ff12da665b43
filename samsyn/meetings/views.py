"""The meeting pages of a case: the list with the proposed next meeting, planning, one meeting
(invitation, preparation, attendance, minutes, decisions, follow-up), and its calendar file.

Every view starts with `case_get_for_viewer` (404 outside the case); writes are for those who
run the case (404 for others). What a page shows comes from `meetings.selectors` only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from samsyn.cases.models import Case
from samsyn.cases.rules import runs_case
from samsyn.cases.selectors import case_get_for_viewer
from samsyn.consent.selectors import case_header
from samsyn.lib import links
from samsyn.lib.http import AuthedHttpRequest
from samsyn.meetings import selectors, services
from samsyn.meetings.cadence import next_meeting_slot
from samsyn.meetings.calendar import meeting_ics
from samsyn.meetings.forms import (
    CancelForm,
    DecisionForm,
    FollowUpForm,
    MeetingPlanForm,
    PreparationForm,
    RecordForm,
)
from samsyn.meetings.models import Meeting, MeetingKind
from samsyn.organisations.forms import apply_service_error, submit


def _running(request: AuthedHttpRequest, code: UUID) -> Case:
    """The case, for someone who runs it; 404 for everyone else (members included)."""
    case = case_get_for_viewer(viewer=request.user, code=code)
    if not runs_case(request.user, case):
        raise Http404
    return case


@login_required
def meeting_list(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case = case_get_for_viewer(viewer=request.user, code=code)
    page = selectors.meetings_page(viewer=request.user, case=case)
    return render(request, "meetings/meeting_list.html", {"page": page, "header": page.header})


def _plan_form(request: AuthedHttpRequest, case: Case) -> MeetingPlanForm:
    viewer = request.user
    choices: dict[str, Any] = {
        "people": selectors.case_people_queryset(case=case),
        "guardians": selectors.guardians_for(viewer=viewer, case=case),
        "network_meetings": selectors.network_meetings_open(case=case),
    }
    if request.method == "POST":
        return MeetingPlanForm(request.POST, **choices)
    kind = request.GET.get("slag", MeetingKind.NETWORK)
    if kind not in MeetingKind.values:
        kind = MeetingKind.NETWORK
    main = selectors.open_network_meeting(case=case, code=request.GET.get("till"))
    if main is not None:
        kind = MeetingKind.PREMEETING
    local = selectors.meeting_policy(case=case)
    length = timedelta(minutes=local.meeting_length_minutes if local else 60)
    starts_at = next_meeting_slot(case=case)
    if main is not None:
        starts_at = timezone.localtime(main.starts_at) - length
    professionals_only = kind == MeetingKind.PREMEETING
    initial = {
        "kind": kind,
        "starts_at": starts_at,
        "ends_at": starts_at + length,
        "premeeting_of": main.code if main else None,
        "invite": [p.code for p in choices["people"]],
        "invite_youth": not professionals_only,
        "invite_guardians": []
        if professionals_only
        else [g.code for g in choices["guardians"] if g.has_custody],
    }
    return MeetingPlanForm(initial=initial, **choices)


@login_required
def meeting_plan(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case = _running(request, code)
    form = _plan_form(request, case)
    if request.method == "POST" and form.is_valid():
        try:
            meeting, warnings = services.meeting_plan(
                actor=request.user, case=case, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("Mötet är planerat. Skicka kallelsen när allt är klart."))
            return redirect("meetings:detail", code=case.code, meeting_code=meeting.code)
    header = case_header(viewer=request.user, case=case, identified=True)
    return render(request, "meetings/meeting_plan.html", {"form": form, "header": header})


def _detail_response(
    request: AuthedHttpRequest, case: Case, meeting: Meeting, **forms: Any
) -> HttpResponse:
    viewer = request.user
    page = selectors.meeting_page(viewer=viewer, case=case, meeting=meeting)
    context: dict[str, Any] = {"page": page, "header": page.header, "m": page.meeting}
    if page.runs_case and page.meeting.allowed:
        view = page.meeting
        staff = [a for group in view.professionals for a in group.people]
        family = ([view.youth] if view.youth else []) + view.guardians
        invitees = [(a.key, f"{a.name} – {a.organisation}") for a in staff]
        invitees += [(a.key, a.name) for a in family]
        present = [a.key for a in [*staff, *family] if a.attended is not False]
        today = timezone.localdate()
        context.update(
            preparation_form=forms.get("preparation_form")
            or PreparationForm(initial={name: value for name, value in _prep_initial(meeting)}),
            record_form=forms.get("record_form")
            or RecordForm(
                invitees=invitees,
                others=selectors.uninvited_people(case=case, meeting=meeting),
                initial={
                    "held_on": view.held_on or min(today, view.starts_at.date()),
                    "present": present,
                    "minutes": view.minutes,
                },
            ),
            decision_form=forms.get("decision_form")
            or DecisionForm(
                organisations=selectors.decision_organisations(case=case),
                people=selectors.case_people_queryset(case=case),
                subgoals=selectors.subgoals_queryset(case=case, allowed=page.subgoals),
            ),
            follow_up_form=forms.get("follow_up_form") or FollowUpForm(subgoals=page.subgoals),
            cancel_form=forms.get("cancel_form") or CancelForm(),
        )
    return render(request, "meetings/meeting_detail.html", context)


def _prep_initial(meeting: Meeting) -> list[tuple[str, Any]]:
    return [(name, getattr(meeting, name)) for name, _field in selectors.PREPARATION] + [
        ("youth_prepared_on", meeting.youth_prepared_on)
    ]


@login_required
def meeting_detail(request: AuthedHttpRequest, code: UUID, meeting_code: UUID) -> HttpResponse:
    case = case_get_for_viewer(viewer=request.user, code=code)
    meeting = selectors.meeting_get(case=case, code=meeting_code)
    return _detail_response(request, case, meeting)


@login_required
def meeting_calendar(request: AuthedHttpRequest, code: UUID, meeting_code: UUID) -> HttpResponse:
    """The .ics of the meeting, for any member: it holds no personal data."""
    case = case_get_for_viewer(viewer=request.user, code=code)
    meeting = selectors.meeting_calendar(
        viewer=request.user, case=case, meeting=selectors.meeting_get(case=case, code=meeting_code)
    )
    link = services.meeting_link(meeting, links.base_url(request))
    response = HttpResponse(
        meeting_ics(meeting, link=link), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{case.anonymous_code}.ics"'
    return response


def _meeting_post(
    request: AuthedHttpRequest,
    code: UUID,
    meeting_code: UUID,
    *,
    form_name: str,
    make_form: Any,
    act: Any,
    success: str,
) -> HttpResponse:
    """Parse the form, call the service, redirect to the meeting; on error show the meeting
    page with the form's errors (nothing was written: every service is one transaction)."""
    case = _running(request, code)
    meeting = selectors.meeting_get(case=case, code=meeting_code)
    form = make_form(case, meeting)
    if submit(request, form, lambda data: act(case, meeting, form), success):
        return redirect("meetings:detail", code=case.code, meeting_code=meeting.code)
    return _detail_response(request, case, meeting, **{form_name: form})


@login_required
@require_POST
def meeting_invite(request: AuthedHttpRequest, code: UUID, meeting_code: UUID) -> HttpResponse:
    case = _running(request, code)
    meeting = selectors.meeting_get(case=case, code=meeting_code)
    try:
        sent = services.meeting_invite(
            actor=request.user, case=case, meeting=meeting, base_url=links.base_url(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "Kallelsen är skickad till %(n)s person, med kalenderfil.",
                "Kallelsen är skickad till %(n)s personer, med kalenderfil.",
                len(sent.sent_to),
            )
            % {"n": len(sent.sent_to)},
        )
        if sent.without_email:
            messages.warning(
                request,
                _("Saknar e-postadress, kalla på annat sätt: %(names)s")
                % {"names": ", ".join(str(p) for p in sent.without_email)},
            )
    return redirect("meetings:detail", code=case.code, meeting_code=meeting.code)


@login_required
@require_POST
def meeting_prepare(request: AuthedHttpRequest, code: UUID, meeting_code: UUID) -> HttpResponse:
    return _meeting_post(
        request,
        code,
        meeting_code,
        form_name="preparation_form",
        make_form=lambda case, meeting: PreparationForm(request.POST),
        act=lambda case, meeting, form: services.meeting_prepare(
            actor=request.user, case=case, meeting=meeting, **form.cleaned_data
        ),
        success=_("Förberedelsen är sparad."),
    )


def _record(request: AuthedHttpRequest, case: Case, meeting: Meeting, form: RecordForm) -> None:
    rows = selectors.attendance_by_key(meeting=meeting)
    present = set(form.cleaned_data.get("present", []))
    attended: dict[Any, bool] = {row: key in present for key, row in rows.items()}
    attended.update({person: True for person in form.cleaned_data["also_present"]})
    services.meeting_record(
        actor=request.user,
        case=case,
        meeting=meeting,
        held_on=form.cleaned_data["held_on"],
        minutes=form.cleaned_data["minutes"],
        attended=attended,
    )


def _record_form(request: AuthedHttpRequest, case: Case, meeting: Meeting) -> RecordForm:
    rows = selectors.attendance_by_key(meeting=meeting)
    return RecordForm(
        request.POST,
        invitees=[(key, key) for key in rows],
        others=selectors.uninvited_people(case=case, meeting=meeting),
    )


@login_required
@require_POST
def meeting_record(request: AuthedHttpRequest, code: UUID, meeting_code: UUID) -> HttpResponse:
    return _meeting_post(
        request,
        code,
        meeting_code,
        form_name="record_form",
        make_form=lambda case, meeting: _record_form(request, case, meeting),
        act=lambda case, meeting, form: _record(request, case, meeting, form),
        success=_("Mötet är registrerat som genomfört."),
    )


def _decision_form(request: AuthedHttpRequest, case: Case) -> DecisionForm:
    page_subgoals = selectors.visible_subgoals(viewer=request.user, case=case)
    return DecisionForm(
        request.POST,
        organisations=selectors.decision_organisations(case=case),
        people=selectors.case_people_queryset(case=case),
        subgoals=selectors.subgoals_queryset(case=case, allowed=page_subgoals),
    )


@login_required
@require_POST
def meeting_decide(request: AuthedHttpRequest, code: UUID, meeting_code: UUID) -> HttpResponse:
    return _meeting_post(
        request,
        code,
        meeting_code,
        form_name="decision_form",
        make_form=lambda case, meeting: _decision_form(request, case),
        act=lambda case, meeting, form: services.meeting_decide(
            actor=request.user, case=case, meeting=meeting, **form.cleaned_data
        ),
        success=_("Beslutet är sparat som en aktivitet i planen."),
    )


@login_required
@require_POST
def meeting_follow_up(request: AuthedHttpRequest, code: UUID, meeting_code: UUID) -> HttpResponse:
    return _meeting_post(
        request,
        code,
        meeting_code,
        form_name="follow_up_form",
        make_form=lambda case, meeting: FollowUpForm(
            request.POST, subgoals=selectors.visible_subgoals(viewer=request.user, case=case)
        ),
        act=lambda case, meeting, form: services.meeting_follow_up(
            actor=request.user, case=case, meeting=meeting, reviews=form.reviews()
        ),
        success=_("Uppföljningen av delmålen är sparad."),
    )


@login_required
@require_POST
def meeting_cancel(request: AuthedHttpRequest, code: UUID, meeting_code: UUID) -> HttpResponse:
    return _meeting_post(
        request,
        code,
        meeting_code,
        form_name="cancel_form",
        make_form=lambda case, meeting: CancelForm(request.POST),
        act=lambda case, meeting, form: services.meeting_cancel(
            actor=request.user,
            case=case,
            meeting=meeting,
            reason=form.cleaned_data["reason"],
            base_url=links.base_url(request),
        ),
        success=_("Mötet är inställt."),
    )
