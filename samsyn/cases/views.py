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
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.cases import selectors, services
from samsyn.cases.forms import (
    CaseCreateForm,
    ClosureForm,
    DecisionForm,
    FollowUpForm,
    GroupForm,
    GuardianForm,
    InformationForm,
    MandateForm,
    MemberAddForm,
    MemberRemoveForm,
    NoteForm,
    OutcomeCountForm,
    ProfileForm,
    TransitionForm,
)
from samsyn.cases.lifecycle import ALLOWED, next_states, steps_for
from samsyn.cases.models import (
    Case,
    CaseState,
    CrimeType,
    InformationPoint,
    LegalBasis,
    ReferralKind,
)
from samsyn.cases.rules import REFERRAL_KIND_OF, refers_cases, runs_case
from samsyn.consent import policy
from samsyn.consent.selectors import active_categories, case_header
from samsyn.lib import personnummer as pnr
from samsyn.lib.http import AuthedHttpRequest
from samsyn.lib.pdf import pdf_response, render_pdf
from samsyn.organisations.forms import apply_service_error, submit
from samsyn.organisations.models import District, Organisation, OrganisationKind, Person


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


def _receivers(viewer: Person) -> QuerySet[Organisation] | None:
    """The social services a referrer outside social services may send to; None inside it."""
    organisation = viewer.organisation
    if organisation is None or organisation.kind == OrganisationKind.SOCIAL_SERVICES:
        return None
    return Organisation.objects.filter(
        municipality_id=organisation.municipality_id,
        kind=OrganisationKind.SOCIAL_SERVICES,
        is_active=True,
    )


@login_required
def case_create(request: AuthedHttpRequest) -> HttpResponse:
    """The referral (aktualisering), open to every professional in the municipality."""
    viewer = request.user
    if not refers_cases(viewer) or viewer.organisation is None:
        raise Http404
    organisation = viewer.organisation
    districts = District.objects.filter(municipality_id=organisation.municipality_id)
    form = CaseCreateForm(
        request.POST or None,
        districts=districts,
        receivers=_receivers(viewer),
        initial={
            "referred_on": timezone.localdate(),
            "kind": REFERRAL_KIND_OF.get(organisation.kind, ReferralKind.OTHER),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=viewer, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            if runs_case(viewer, case):
                message = _(
                    "Ärendet %(code)s är aktualiserat. Lägg till vårdnadshavare och deltagare."
                )
            else:
                message = _(
                    "Ärendet %(code)s är aktualiserat hos %(owner)s. Du följer det avidentifierat "
                    "tills samtycke finns."
                )
            messages.success(
                request, message % {"code": case.anonymous_code, "owner": case.owner.name}
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
        "state_label": page.case.get_state_display(),
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


# --- the course of the case -----------------------------------------------------------------


def _header(viewer: Person, case: Case, identified: bool) -> Any:
    return case_header(viewer=viewer, case=case, identified=identified)


def lifecycle_response(request: AuthedHttpRequest, case: Case, **forms: Any) -> HttpResponse:
    viewer = request.user
    page = selectors.lifecycle_page(viewer=viewer, case=case)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "header": _header(viewer, case, page.identified),
        "page": page,
        "today": today,
        "states": steps_for(page.state),
    }
    if page.runs_case:
        members = Person.objects.filter(case_memberships__case=case)
        state = page.state
        context.update(
            transition_form=forms.get("transition_form")
            or TransitionForm(choices=page.next_states),
            information_form=forms.get("information_form")
            or InformationForm(
                members=members, initial={"informed_on": today, "informed_by": viewer.code}
            ),
            decision_form=forms.get("decision_form")
            or DecisionForm(
                makers=selectors.decision_makers(case=case),
                initial={"decided_on": today, "legal_basis": LegalBasis.GRANTED},
            ),
            group_form=forms.get("group_form")
            or GroupForm(
                people=selectors.case_people(case=case),
                initial={
                    "coordinator": case.coordinator.code if case.coordinator else None,
                    "lead_contact": case.lead_contact.code if case.lead_contact else None,
                    "contact_police": case.contact_police.code if case.contact_police else None,
                },
            ),
            closure_form=forms.get("closure_form") or ClosureForm(initial={"closed_on": today}),
            followup_form=forms.get("followup_form") or FollowUpForm(initial={"done_on": today}),
            failed_followup=forms.get("failed_followup"),
            can_decide=state == CaseState.INFORMATION,
            can_close=CaseState.CLOSED in ALLOWED.get(state, ()),
            mandates={
                r.person_id for r in page.representations if r.ended_on is None and r.has_mandate
            },
        )
    return render(request, "cases/lifecycle.html", context)


@login_required
def lifecycle(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case = selectors.case_get_for_viewer(viewer=request.user, code=code)
    return lifecycle_response(request, case)


def _lifecycle_post(
    request: AuthedHttpRequest,
    code: UUID,
    *,
    form_name: str,
    make_form: Any,
    act: Any,
    success: str,
) -> HttpResponse:
    """Parse the form, call the service, and redirect; on error, show the page with the form's
    errors (nothing was written: every service is one transaction)."""
    viewer = request.user
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    if not runs_case(viewer, case):
        raise Http404
    form = make_form(case)
    if submit(request, form, lambda data: act(viewer, case, data), success):
        return redirect("cases:lifecycle", code=case.code)
    return lifecycle_response(request, case, **{form_name: form})


@login_required
@require_POST
def transition(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _lifecycle_post(
        request,
        code,
        form_name="transition_form",
        make_form=lambda case: TransitionForm(
            request.POST, choices=[(s, str(CaseState(s).label)) for s in next_states(case.state)]
        ),
        act=lambda viewer, case, data: services.case_transition(actor=viewer, case=case, **data),
        success=_("Ärendet har bytt läge."),
    )


@login_required
@require_POST
def information(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _lifecycle_post(
        request,
        code,
        form_name="information_form",
        make_form=lambda case: InformationForm(
            request.POST, members=Person.objects.filter(case_memberships__case=case)
        ),
        act=lambda viewer, case, data: services.information_record(actor=viewer, case=case, **data),
        success=_("Informationen är registrerad."),
    )


@login_required
@require_POST
def decision(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _lifecycle_post(
        request,
        code,
        form_name="decision_form",
        make_form=lambda case: DecisionForm(
            request.POST, makers=selectors.decision_makers(case=case)
        ),
        act=lambda viewer, case, data: services.decision_record(actor=viewer, case=case, **data),
        success=_("Beslutet är registrerat. Ärendet är beslutat."),
    )


@login_required
@require_POST
def group(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _lifecycle_post(
        request,
        code,
        form_name="group_form",
        make_form=lambda case: GroupForm(request.POST, people=selectors.case_people(case=case)),
        act=lambda viewer, case, data: services.group_assign(actor=viewer, case=case, **data),
        success=_("Uppdragen är sparade."),
    )


@login_required
@require_POST
def mandate(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    form = MandateForm(request.POST, members=Person.objects.filter(case_memberships__case=case))
    if not runs_case(viewer, case) or not form.is_valid():
        raise Http404
    services.mandate_set(actor=viewer, case=case, **form.cleaned_data)
    messages.success(request, _("Mandatet är sparat."))
    return redirect("cases:lifecycle", code=case.code)


@login_required
@require_POST
def close(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    return _lifecycle_post(
        request,
        code,
        form_name="closure_form",
        make_form=lambda case: ClosureForm(request.POST),
        act=lambda viewer, case, data: services.case_close(actor=viewer, case=case, **data),
        success=_("Ärendet är avslutat."),
    )


@login_required
@require_POST
def followup(request: AuthedHttpRequest, code: UUID, followup_code: UUID) -> HttpResponse:
    viewer = request.user
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    if not runs_case(viewer, case):
        raise Http404
    entry = selectors.followup_for_case(case=case, code=followup_code)
    form = FollowUpForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.followup_record(actor=viewer, case=case, followup=entry, **data),
        _("Uppföljningen är registrerad."),
    ):
        return redirect("cases:lifecycle", code=case.code)
    return lifecycle_response(request, case, followup_form=form, failed_followup=entry.code)


# --- background and outcome -----------------------------------------------------------------


def profile_response(
    request: AuthedHttpRequest,
    case: Case,
    *,
    profile_form: ProfileForm | None = None,
    count_form: OutcomeCountForm | None = None,
) -> HttpResponse:
    viewer = request.user
    page = selectors.profile_page(viewer=viewer, case=case)
    initial: dict[str, Any] = {}
    if page.profile is not None:
        item = page.profile.item
        initial = {name: getattr(item, name) for name in ProfileForm.base_fields}
    elif case.district is not None:
        initial = {"area": case.district.name}
    return render(
        request,
        "cases/profile.html",
        {
            "header": _header(viewer, case, page.identified),
            "page": page,
            "profile_form": profile_form or ProfileForm(initial=initial),
            "crime_labels": [
                str(CrimeType(c).label)
                for c in (page.profile.item.crime_types if page.profile else [])
                if c in CrimeType.values
            ],
            "count_form": count_form or OutcomeCountForm(),
        },
    )


@login_required
def profile(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case = selectors.case_get_for_viewer(viewer=request.user, code=code)
    return profile_response(request, case)


@login_required
@require_POST
def profile_save(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    if not runs_case(viewer, case):
        raise Http404
    form = ProfileForm(request.POST)
    if submit(
        request,
        form,
        lambda data: services.profile_save(actor=viewer, case=case, **data),
        _("Bakgrundsuppgifterna är sparade."),
    ):
        return redirect("cases:profile", code=case.code)
    return profile_response(request, case, profile_form=form)


@login_required
@require_POST
def outcome_save(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    form = OutcomeCountForm(request.POST)
    try:
        saved = submit(
            request,
            form,
            lambda data: services.outcome_count_save(actor=viewer, case=case, **data),
            _("Antalet är sparat."),
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    if saved:
        return redirect("cases:profile", code=case.code)
    return profile_response(request, case, count_form=form)


# --- the information sheet for young people ------------------------------------------------


def _sheet_context(case: Case) -> dict[str, Any]:
    # Only the coordinator's work contact and the organisation: nothing about the youth.
    return {
        "coordinator": case.coordinator,
        "organisation": case.owner.name,
        "points": InformationPoint.choices,
    }


@login_required
def information_sheet(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case = selectors.case_get_for_viewer(viewer=request.user, code=code)
    return render(
        request,
        "cases/information_sheet.html",
        {**_sheet_context(case), "header": _header(request.user, case, False)},
    )


@login_required
def information_sheet_pdf(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case = selectors.case_get_for_viewer(viewer=request.user, code=code)
    body = render_pdf(
        request=request,
        template="cases/information_sheet_pdf.html",
        context=_sheet_context(case),
    )
    return pdf_response(body, "vad-ar-en-social-insatsgrupp.pdf")
