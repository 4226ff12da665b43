"""The coordinator's "Portal" tab on a case: accounts, invitations, resets and notices.

Only those who run the case (`runs_case`) reach these pages; everyone else gets 404, GET or
POST, and nothing changes. An invitation's one-time code is shown once, on a printable page
that is never cached; only a keyed hash of it is kept.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.cases.models import Case
from samsyn.cases.rules import runs_case
from samsyn.cases.selectors import case_get_for_viewer
from samsyn.consent.selectors import case_header
from samsyn.lib import links
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations.forms import apply_service_error
from samsyn.portal import account_services, staff_selectors
from samsyn.portal.access_forms import InviteForm
from samsyn.portal.models import AccountKind, PortalInvitation


def _running(request: AuthedHttpRequest, code: UUID) -> Case:
    """The case, for someone who runs it; 404 for everyone else (members included)."""
    case = case_get_for_viewer(viewer=request.user, code=code)
    if not runs_case(request.user, case):
        raise Http404
    return case


def _redeem_url(request: AuthedHttpRequest, code: str) -> tuple[str, str]:
    """The address to type, and the one the QR code holds (with the code filled in)."""
    path = reverse("portal:redeem")
    address = links.absolute_url(path, request=request)
    return address, f"{address}?{urlencode({'kod': code})}"


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def _invitation_page(
    request: AuthedHttpRequest, case: Case, invitation: PortalInvitation, code: str
) -> HttpResponse:
    address, link = _redeem_url(request, code)
    response = render(
        request,
        "portal/staff/invitation.html",
        {
            "header": case_header(viewer=request.user, case=case, identified=True),
            "invitation": invitation,
            "for_youth": invitation.kind == AccountKind.YOUTH,
            "code": code,
            "address": address,
            # The SVG is made by qrcode from our own URL and a code of our alphabet.
            "qr_svg": mark_safe(_qr_svg(link)),  # noqa: S308
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _overview_response(
    request: AuthedHttpRequest, case: Case, *, invite_form: InviteForm | None = None
) -> HttpResponse:
    page = staff_selectors.portal_overview(viewer=request.user, case=case)
    context: dict[str, Any] = {
        "page": page,
        "header": case_header(viewer=request.user, case=case, identified=True),
        "guardian_form": invite_form
        if invite_form is not None and invite_form.data.get("kind") == AccountKind.GUARDIAN
        else InviteForm(initial={"kind": AccountKind.GUARDIAN}, guardians=page.guardians),
        "youth_form_errors": invite_form.non_field_errors()
        if invite_form is not None and invite_form.data.get("kind") == AccountKind.YOUTH
        else [],
        "invitation_hours": settings.PORTAL_INVITATION_HOURS,
    }
    return render(request, "portal/staff/overview.html", context)


@login_required
def overview(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _overview_response(request, _running(request, code))


@login_required
@require_POST
def invite(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case = _running(request, code)
    form = InviteForm(
        request.POST, guardians=staff_selectors.invitable_guardians(viewer=request.user, case=case)
    )
    if form.is_valid():
        try:
            invitation, one_time_code = account_services.invitation_create(
                actor=request.user,
                case=case,
                kind=form.cleaned_data["kind"],
                guardian=form.cleaned_data["guardian"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            return _invitation_page(request, case, invitation, one_time_code)
    return _overview_response(request, case, invite_form=form)


@login_required
@require_POST
def invitation_revoke(
    request: AuthedHttpRequest, code: UUID, invitation_code: UUID
) -> HttpResponse:
    case = _running(request, code)
    invitation = staff_selectors.invitation_get(case=case, code=invitation_code)
    try:
        account_services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Inbjudan är återkallad. Koden fungerar inte längre."))
    return redirect("portal_staff:overview", code=case.code)


@login_required
@require_POST
def account_reset(request: AuthedHttpRequest, code: UUID, account_code: UUID) -> HttpResponse:
    case = _running(request, code)
    account = staff_selectors.account_get(case=case, code=account_code)
    try:
        invitation, one_time_code = account_services.account_reset(
            actor=request.user, account=account
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("portal_staff:overview", code=case.code)
    messages.success(
        request,
        _("Kontot är stängt och alla inloggningar är avslutade. Ge personen den nya koden."),
    )
    return _invitation_page(request, case, invitation, one_time_code)


@login_required
@require_POST
def notice_read(request: AuthedHttpRequest, code: UUID, notice_code: UUID) -> HttpResponse:
    case = _running(request, code)
    notice = staff_selectors.notice_get(case=case, code=notice_code)
    account_services.notice_mark_read(actor=request.user, notice=notice)
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("portal_staff:overview", code=case.code)
