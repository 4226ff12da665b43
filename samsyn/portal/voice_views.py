"""Say what you think: feedback at any time and the evaluation after closure (the portal).

Every page needs a portal session (`portal_required`) and reads only through
`voice_selectors`. The feedback page writes no read record to the audit log: it shows only
what the account itself wrote and the answers to that, and a record of every visit to the
page where anonymous feedback is written would tell who may have sent it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from samsyn.lib import links
from samsyn.organisations.forms import apply_service_error, submit
from samsyn.portal import voice_selectors, voice_services
from samsyn.portal.auth import PortalRequest, portal_required
from samsyn.portal.voice_forms import EvaluationForm, FeedbackForm


@portal_required
def feedback(request: PortalRequest) -> HttpResponse:
    account = request.portal_account
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = voice_services.feedback_submit(
                account=account, base_url=links.base_url(request), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            if sent.anonymous:
                messages.success(
                    request,
                    _(
                        "Tack! Din synpunkt är skickad utan ditt namn. Ingen kan se att den kom från dig."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Tack! Din synpunkt är skickad. Svaret kommer här på sidan."),
                )
            return redirect("portal:feedback")
    recipient = voice_selectors.recipient_for_case(case=account.case)
    return render(
        request,
        "portal/feedback.html",
        {
            "form": form,
            "recipient": recipient,
            "recipient_label": voice_selectors.person_label(recipient) if recipient else "",
            "earlier": voice_selectors.feedback_for_account(account=account),
            "evaluation_due": voice_selectors.evaluation_due(account=account),
            "portal_section": "feedback",
        },
    )


@portal_required
def evaluation(request: PortalRequest) -> HttpResponse:
    account = request.portal_account
    due = voice_selectors.evaluation_due(account=account)
    form = EvaluationForm(request.POST or None) if due else None
    if (
        form is not None
        and request.method == "POST"
        and submit(
            request,
            form,
            lambda _data: voice_services.evaluation_submit(account=account, **form.answers()),
            _("Tack för dina svar!"),
        )
    ):
        return redirect("portal:evaluation")
    answered = not due and account.is_youth and voice_selectors.evaluation_answered(account=account)
    return render(
        request,
        "portal/evaluation.html",
        {
            "form": form,
            "answered": answered,
            "is_youth": account.is_youth,
            "portal_section": "feedback",
        },
    )
