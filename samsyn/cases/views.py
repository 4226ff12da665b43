"""The case pages: the list, opening a case, and the case as the viewer may see it.

Every view starts with `case_get_for_viewer`, which answers 404 to anyone outside the case.
What the page shows comes from `selectors.case_page` only: the one door has already left out
what the viewer may not see, so it never reaches the template.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.cases import selectors, services
from samsyn.cases.forms import (
    CaseCreateForm,
    GuardianForm,
    MemberAddForm,
    MemberRemoveForm,
    NoteForm,
)
from samsyn.cases.models import Case
from samsyn.cases.rules import opens_cases
from samsyn.consent import policy
from samsyn.consent.selectors import active_categories, case_header
from samsyn.lib import personnummer as pnr
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations.forms import apply_service_error
from samsyn.organisations.models import District, Person


def _member_candidates(case: Case) -> QuerySet[Person]:
    return (
        Person.objects.filter(
            is_active=True,
            organisation__municipality_id=case.municipality_id,
            organisation__is_active=True,
        )
        .exclude(case_memberships__case=case)
        .select_related("organisation")
        .order_by("organisation__name", "last_name", "first_name")
    )


def _guardians_if_identified(viewer: Person, case: Case) -> list[Any]:
    # Only to check the choice on the note form; the page shows them through case_page.
    if not policy.case_access(viewer=viewer, case=case).identity().allowed:
        return []
    return list(case.youth.guardians.all())


@login_required
def case_list(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    return render(
        request,
        "cases/case_list.html",
        {"rows": selectors.case_list_for_viewer(viewer=viewer), "can_open": opens_cases(viewer)},
    )


@login_required
def case_create(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    if not opens_cases(viewer) or viewer.organisation is None:
        raise Http404
    districts = District.objects.filter(municipality_id=viewer.organisation.municipality_id)
    form = CaseCreateForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=viewer, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Ärendet %(code)s är öppnat. Lägg till vårdnadshavare och deltagare.")
                % {"code": case.anonymous_code},
            )
            return redirect("cases:detail", code=case.code)
    return render(request, "cases/case_create.html", {"form": form})


def case_page_response(
    request: AuthedHttpRequest,
    case: Case,
    *,
    guardian_form: GuardianForm | None = None,
    member_form: MemberAddForm | None = None,
    note_form: NoteForm | None = None,
) -> HttpResponse:
    viewer = request.user
    page = selectors.case_page(viewer=viewer, case=case)
    identified = page.identity.allowed
    guardian_names = {g.pk: str(g) for g in page.guardians}  # empty unless identified
    # The template gets the view objects only, never the case: nothing the viewer may not see.
    context: dict[str, Any] = {
        "header": case_header(viewer=viewer, case=case, identified=identified),
        "identified": identified,
        "identity_explanation": page.identity.explain(identified=identified),
        "youth": page.youth,
        "personnummer": pnr.display(page.youth.personnummer) if page.youth else "",
        "anonymous": page.anonymous,
        "guardians": page.guardians,
        "members": [
            (member, page.access.receives_nothing(member.person.organisation_id))
            for member in page.members
        ],
        "owner_name": page.case.owner.name,
        "viewer_pk": viewer.pk,
        "notes": [
            (
                n.note,
                n.decision.explain(identified=identified),
                guardian_names.get(n.note.also_about_id or 0),
            )
            for n in page.notes
            if n.note is not None
        ],
        "hidden": page.hidden,
        "runs_case": page.runs_case,
        "note_form": note_form
        or NoteForm(categories=active_categories(), guardians=page.guardians),
    }
    if page.runs_case:
        context["guardian_form"] = guardian_form or GuardianForm()
        context["member_form"] = member_form or MemberAddForm(candidates=_member_candidates(case))
    return render(request, "cases/case_detail.html", context)


@login_required
def case_detail(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case = selectors.case_get_for_viewer(viewer=request.user, code=code)
    return case_page_response(request, case)


@login_required
@require_POST
def guardian_add(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    form = GuardianForm(request.POST)
    if form.is_valid():
        try:
            guardian = services.guardian_add(actor=viewer, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s är tillagd.") % {"name": guardian})
            return redirect("cases:detail", code=case.code)
    return case_page_response(request, case, guardian_form=form)


@login_required
@require_POST
def member_add(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    form = MemberAddForm(request.POST, candidates=_member_candidates(case))
    if form.is_valid():
        try:
            member = services.member_add(
                actor=viewer, case=case, person=form.cleaned_data["person"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s deltar nu i ärendet.") % {"name": member.person})
            return redirect("cases:detail", code=case.code)
    return case_page_response(request, case, member_form=form)


@login_required
@require_POST
def member_remove(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    form = MemberRemoveForm(
        request.POST, members=Person.objects.filter(case_memberships__case=case)
    )
    if not form.is_valid():
        raise Http404
    person = form.cleaned_data["person"]
    try:
        services.member_remove(actor=viewer, case=case, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s deltar inte längre i ärendet.") % {"name": person})
    return redirect("cases:detail", code=case.code)


@login_required
@require_POST
def note_create(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    form = NoteForm(
        request.POST,
        categories=active_categories(),
        guardians=_guardians_if_identified(viewer, case),
    )
    if form.is_valid():
        try:
            services.note_create(actor=viewer, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Anteckningen är sparad."))
            return redirect("cases:detail", code=case.code)
    return case_page_response(request, case, note_form=form)
