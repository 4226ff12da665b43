"""The work list (with incoming referrals) and the beredningsgrupp's agenda.

Each view starts with its access helper, which answers 404 to anyone it is not for: the work
list shows only the viewer's own cases; taking a referral needs one addressed to the viewer's
organisation; the agenda and its forms are for the beredningsgrupp of the case's area.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.cases import services, worklist
from samsyn.cases.rules import refers_cases
from samsyn.cases.worklist_forms import RecommendationForm, WorklistFilterForm
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations.forms import submit


@login_required
def worklist_view(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    form = WorklistFilterForm(request.GET or None)
    query = form.query()
    today = timezone.localdate()
    result = worklist.worklist(
        viewer=viewer, query=query, page_number=request.GET.get("sida"), today=today
    )
    context: dict[str, Any] = {
        "form": form,
        "query": query,
        "result": result,
        "filtered": query.mine or query.overdue or bool(query.text.strip()),
        "current_state": next(c for c in result.counts if c.value == query.state),
        "has_cases": result.counts[-1].count > 0,
    }
    if request.htmx:
        return render(request, "cases/worklist.html#results", context)
    incoming, incoming_more = (
        worklist.incoming_referrals(viewer=viewer, today=today)
        if worklist.receives_referrals(viewer)
        else ([], False)
    )
    context |= {
        "can_open": refers_cases(viewer),
        "agenda_allowed": worklist.agenda_allowed(viewer),
        "incoming": incoming,
        "incoming_more": incoming_more,
    }
    return render(request, "cases/worklist.html", context)


@login_required
@require_POST
def receive(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = worklist.incoming_referral_get_for_viewer(viewer=viewer, code=code)
    try:
        services.referral_receive(actor=viewer, case=case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:list")
    messages.success(
        request,
        _("Du har tagit emot ärendet %(code)s och är nu dess samordnare.")
        % {"code": case.anonymous_code},
    )
    return redirect("cases:detail", code=case.code)


def _prefix(anonymous_code: str) -> str:
    return anonymous_code.lower()


def _agenda_response(
    request: AuthedHttpRequest, *, failed: tuple[UUID, RecommendationForm] | None = None
) -> HttpResponse:
    page, rows = worklist.agenda(viewer=request.user, page_number=request.GET.get("sida"))
    items = [
        (
            row,
            failed[1]
            if failed is not None and failed[0] == row.code
            else RecommendationForm(prefix=_prefix(row.anonymous.anonymous_code)),
        )
        for row in rows
    ]
    return render(request, "cases/agenda.html", {"page": page, "items": items})


@login_required
def agenda(request: AuthedHttpRequest) -> HttpResponse:
    if not worklist.agenda_allowed(request.user):
        raise Http404
    return _agenda_response(request)


@login_required
@require_POST
def recommend(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = worklist.agenda_case_get_for_viewer(viewer=viewer, code=code)
    form = RecommendationForm(request.POST, prefix=_prefix(case.anonymous_code))
    if submit(
        request,
        form,
        lambda data: services.recommendation_record(actor=viewer, case=case, **data),
        _(
            "Rekommendationen för %(code)s är sparad. Den är en rekommendation, inget "
            "beslut: ärendet ligger kvar i samma läge."
        )
        % {"code": case.anonymous_code},
    ):
        page = request.GET.get("sida", "")
        url = reverse("cases:agenda") + (f"?sida={page}" if page.isdigit() else "")
        return redirect(f"{url}#{_prefix(case.anonymous_code)}")
    return _agenda_response(request, failed=(case.code, form))
