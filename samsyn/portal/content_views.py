"""What the youth or a guardian reads and controls in the portal: the start page, the plan,
the meetings (with a calendar file), the consents (taking one back in two steps), what the
guardians may see, and who has seen the data.

Every view is behind `portal_required` and reads through `portal.selectors`, which decide
through `consent.policy.portal_access`; writes go through the services. A code outside the
account's own case, or one it may not see, answers 404.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samsyn.consent.services import consent_withdraw_in_portal
from samsyn.lib import links
from samsyn.meetings.calendar import meeting_ics
from samsyn.portal import selectors, services
from samsyn.portal.auth import PortalRequest, portal_required
from samsyn.portal.content_forms import WithdrawForm


def _error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Det gick inte.")


def start_page(request: PortalRequest) -> HttpResponse:
    """The start page (called by `access_views.start`, which checks the session)."""
    if getattr(request, "portal_account", None) is None:
        return portal_required(start_page)(request)
    page = selectors.start_page(account=request.portal_account)
    return render(request, "portal/start.html", {"page": page, "portal_section": "start"})


@portal_required
def plan(request: PortalRequest) -> HttpResponse:
    page = selectors.plan_page(account=request.portal_account)
    return render(request, "portal/plan.html", {"page": page, "portal_section": "plan"})


@portal_required
def meetings(request: PortalRequest) -> HttpResponse:
    page = selectors.meetings_page(account=request.portal_account)
    return render(request, "portal/meetings.html", {"page": page, "portal_section": "meetings"})


@portal_required
def meeting(request: PortalRequest, meeting_code: UUID) -> HttpResponse:
    page = selectors.meeting_page(account=request.portal_account, code=meeting_code)
    return render(request, "portal/meeting.html", {"page": page, "portal_section": "meetings"})


@portal_required
def meeting_calendar(request: PortalRequest, meeting_code: UUID) -> HttpResponse:
    """The meeting for the phone's calendar: time, place and a link to the meeting's page."""
    item = selectors.meeting_for_calendar(account=request.portal_account, code=meeting_code)
    path = reverse("portal:meeting", kwargs={"meeting_code": item.code})
    response = HttpResponse(
        meeting_ics(item, link=links.absolute_url(path, request=request)),
        content_type="text/calendar; charset=utf-8",
    )
    day = timezone.localtime(item.starts_at).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="mote-{day}.ics"'
    return response


@portal_required
def consents(request: PortalRequest) -> HttpResponse:
    page = selectors.consents_page(account=request.portal_account)
    return render(request, "portal/consents.html", {"page": page, "portal_section": "consents"})


@portal_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: PortalRequest, consent_code: UUID) -> HttpResponse:
    """Taking a consent back, in two steps: choose (GET, then POST step=valj shows "Är du
    säker?"), then confirm (POST step=bekrafta). Nothing changes before the confirmation."""
    account = request.portal_account
    page = selectors.consent_for_withdrawal(account=account, code=consent_code)
    form = WithdrawForm(
        request.POST if request.method == "POST" else None, organisations=page.recipients
    )
    context = {"page": page, "form": form, "portal_section": "consents"}
    if request.method != "POST" or not form.is_valid():
        return render(request, "portal/consent_withdraw.html", context)
    chosen = form.chosen()
    remaining = [o for o in page.recipients if o not in chosen]
    names = ", ".join(o.name for o in chosen)
    if request.POST.get("step") != "bekrafta":
        return render(
            request,
            "portal/consent_withdraw_confirm.html",
            {
                **context,
                "chosen": chosen,
                "chosen_names": names,
                "remaining_names": ", ".join(o.name for o in remaining),
                "now": timezone.localtime(),
            },
        )
    try:
        consent_withdraw_in_portal(
            account=account, consent=page.consent, recipients=None if not remaining else chosen
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
        return redirect("portal:consents")
    text = _(
        "Klart. Från och med nu får %(names)s inte längre några uppgifter från %(releasing)s "
        "genom samtycke %(number)s. Din samordnare har fått veta det."
    ) % {"names": names, "releasing": page.card.releasing, "number": page.card.number}
    if remaining:
        text += " " + _("%(rest)s får uppgifterna som förut.") % {
            "rest": ", ".join(o.name for o in remaining)
        }
    messages.success(request, text)
    return redirect("portal:consents")


@portal_required
@require_http_methods(["GET", "POST"])
def guardian_share(request: PortalRequest) -> HttpResponse:
    """The youth chooses which guardians see the plan (404 for a guardian's account)."""
    account = request.portal_account
    if request.method == "POST":
        guardian = selectors.custodian_for_share(account=account, code=request.POST.get("guardian"))
        shared = request.POST.get("share") == "ja"
        try:
            services.plan_share_set(account=account, guardian=guardian, shared=shared)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                (
                    _("Nu kan %(name)s se din plan och vad som bestäms på möten.")
                    if shared
                    else _("Nu ser %(name)s inte längre din plan.")
                )
                % {"name": guardian},
            )
        return redirect("portal:guardian_share")
    page = selectors.guardian_share_page(account=account)
    return render(
        request, "portal/guardian_share.html", {"page": page, "portal_section": "consents"}
    )


@portal_required
def seen(request: PortalRequest) -> HttpResponse:
    only_shared = request.GET.get("andra") == "1"
    page = selectors.seen_page(
        account=request.portal_account,
        page_number=request.GET.get("sida"),
        only_shared=only_shared,
    )
    return render(request, "portal/seen.html", {"page": page, "portal_section": "consents"})
