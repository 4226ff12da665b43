"""Feedback from the portal, for the person it was routed (or lifted) to: the inbox, one
feedback with the answer, lifting it to somebody else. Everyone else gets 404, whatever their
role. Reads go through `voice_selectors`, writes through `voice_services`.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.lib import links
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations.forms import apply_service_error, submit
from samsyn.portal import voice_selectors, voice_services
from samsyn.portal.models import Feedback, FeedbackStatus
from samsyn.portal.voice_forms import EscalateForm, ResponseForm


@login_required
def inbox(request: AuthedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in FeedbackStatus.values:
        status = ""
    page = voice_selectors.feedback_inbox(
        viewer=request.user, status=status, page=request.GET.get("sida", 1)
    )
    counts = voice_selectors.feedback_counts(viewer=request.user)
    return render(
        request,
        "portal/voice/inbox.html",
        {
            "page": page,
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in FeedbackStatus.choices
            ],
            "total": sum(counts.values()),
        },
    )


def _detail(
    request: AuthedHttpRequest,
    feedback: Feedback,
    response_form: ResponseForm | None = None,
    escalate_form: EscalateForm | None = None,
) -> HttpResponse:
    viewer = request.user
    voice_selectors.feedback_read(viewer=viewer, feedback=feedback)
    open_ = feedback.status != FeedbackStatus.CLOSED
    may_escalate = open_ and feedback.recipient_id == viewer.pk
    context: dict[str, Any] = {
        "feedback": feedback,
        "sender": voice_selectors.feedback_sender(viewer=viewer, feedback=feedback),
        "is_open": open_,
        "response_form": response_form or ResponseForm(initial={"response": feedback.response}),
        "escalate_form": (
            escalate_form
            or EscalateForm(
                targets=voice_selectors.escalation_targets(viewer=viewer, feedback=feedback)
            )
        )
        if may_escalate
        else None,
    }
    return render(request, "portal/voice/detail.html", context)


@login_required
def detail(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    feedback = voice_selectors.feedback_get_for_viewer(viewer=request.user, code=code)
    if request.method != "POST":
        return _detail(request, feedback)
    try:
        if "avsluta" in request.POST:
            voice_services.feedback_close(actor=request.user, feedback=feedback)
            messages.success(request, _("Synpunkten är avslutad."))
            return redirect("feedback:detail", code=feedback.code)
        form = ResponseForm(request.POST)
        if submit(
            request,
            form,
            lambda data: voice_services.feedback_respond(
                actor=request.user, feedback=feedback, response=data["response"]
            ),
            _("Svaret är sparat."),
        ):
            return redirect("feedback:detail", code=feedback.code)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("feedback:detail", code=feedback.code)
    return _detail(request, feedback, response_form=form)


@login_required
@require_POST
def escalate(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    feedback = voice_selectors.feedback_get_for_viewer(viewer=viewer, code=code)
    if feedback.recipient_id != viewer.pk:
        raise Http404
    form = EscalateForm(
        request.POST,
        targets=voice_selectors.escalation_targets(viewer=viewer, feedback=feedback),
    )
    if form.is_valid():
        try:
            voice_services.feedback_escalate(
                actor=viewer,
                feedback=feedback,
                to=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
                base_url=links.base_url(request),
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Synpunkten är lyft till %(name)s.")
                % {"name": voice_selectors.person_label(form.cleaned_data["to"])},
            )
            return redirect("feedback:detail", code=feedback.code)
    return _detail(request, feedback, escalate_form=form)
