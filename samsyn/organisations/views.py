"""The administrators' pages: municipalities, districts, organisations, people, local policy.

Every view starts with an access helper from `selectors` that answers 404 to anyone who
does not administer the municipality in question.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.accounts import services as account_services
from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations import selectors, services
from samsyn.organisations.forms import (
    CrimeCostFormSet,
    DistrictForm,
    MunicipalityForm,
    OrganisationFilterForm,
    OrganisationForm,
    PasswordSetForm,
    PersonCreateForm,
    PersonEditForm,
    PersonFilterForm,
    PolicyForm,
    apply_service_error,
    yes_no,
)
from samsyn.organisations.models import Person

PAGE_SIZE = 50


def _filters(request: AuthedHttpRequest) -> QueryDict:
    # Without a choice, lists show active items only, as the start page counts them.
    data = request.GET.copy()
    data.setdefault("aktiv", "ja")
    return data


# --- overview, municipalities and districts ------------------------------------------


@login_required
def overview(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    selectors.admin_require(viewer=viewer)
    return render(
        request,
        "organisations/overview.html",
        {
            "rows": selectors.admin_overview(viewer=viewer),
            "district_form": DistrictForm(),
            "can_create_municipality": viewer.is_superuser,
        },
    )


@login_required
def municipality_create(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    selectors.admin_require(viewer=viewer)
    if not viewer.is_superuser:
        raise Http404
    form = MunicipalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            municipality = services.municipality_create(actor=viewer, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("Kommunen %(name)s är skapad.") % {"name": municipality.name}
            )
            return redirect("organisations:overview")
    return render(request, "organisations/municipality_form.html", {"form": form})


@login_required
def district_create(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    municipality = selectors.municipality_get_for_admin(viewer=viewer, code=str(code))
    form = DistrictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            district = services.district_create(
                actor=viewer, municipality=municipality, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("Stadsdelen %(name)s är tillagd.") % {"name": district.name}
            )
            return redirect("organisations:overview")
    return render(
        request,
        "organisations/district_form.html",
        {"form": form, "municipality": municipality, "district": None},
    )


@login_required
def district_edit(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    district = selectors.district_get_for_admin(viewer=viewer, code=str(code))
    form = DistrictForm(request.POST or None, initial={"name": district.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.district_update(
                actor=viewer, district=district, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
            district.refresh_from_db()
        else:
            messages.success(request, _("Stadsdelen heter nu %(name)s.") % {"name": district.name})
            return redirect("organisations:overview")
    return render(
        request,
        "organisations/district_form.html",
        {"form": form, "municipality": district.municipality, "district": district},
    )


# --- local policy -----------------------------------------------------------------------


@login_required
@require_POST
def district_policy_create(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    district = selectors.district_get_for_admin(viewer=viewer, code=str(code))
    policy = services.district_policy_create(actor=viewer, district=district)
    messages.success(
        request,
        _("%(name)s har nu egna riktlinjer, kopierade från kommunens. Ändra det som skiljer sig.")
        % {"name": district.name},
    )
    return redirect("organisations:policy_edit", code=policy.code)


@login_required
def policy_edit(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    policy = selectors.policy_get_for_admin(viewer=viewer, code=str(code))
    form = PolicyForm(request.POST or None, policy=policy)
    costs = CrimeCostFormSet(
        request.POST or None,
        prefix="kostnad",
        initial=[
            {"crime_type": c.crime_type, "amount_sek": c.amount_sek}
            for c in policy.crime_costs.all()
        ],
    )
    if request.method == "POST" and form.is_valid() and costs.is_valid():
        try:
            services.policy_update(
                actor=viewer,
                policy=policy,
                instruments=form.cleaned_data["instruments"],
                crime_costs=costs.rows(),
                **form.policy_data(),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("De lokala riktlinjerna för %(area)s är sparade.") % {"area": policy}
            )
            return redirect("organisations:overview")
    return render(
        request, "organisations/policy_form.html", {"form": form, "costs": costs, "policy": policy}
    )


@login_required
@require_POST
def policy_remove(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    policy = selectors.policy_get_for_admin(viewer=viewer, code=str(code))
    try:
        services.district_policy_remove(actor=viewer, policy=policy)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(area)s följer nu kommunens riktlinjer.") % {"area": policy})
    return redirect("organisations:overview")


# --- organisations ------------------------------------------------------------------------


@login_required
def organisation_list(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    selectors.admin_require(viewer=viewer)
    form = OrganisationFilterForm(_filters(request))
    chosen = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_search_for_admin(
        viewer=viewer, kind=chosen.get("slag", ""), active=yes_no(chosen.get("aktiv"))
    )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(
        request,
        "organisations/organisation_list.html",
        {"form": form, "page": page, "several_municipalities": viewer.is_superuser},
    )


@login_required
def organisation_create(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    selectors.admin_require(viewer=viewer)
    municipalities = selectors.admin_municipalities(viewer=viewer)
    form = OrganisationForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=viewer, municipality=form.chosen_municipality(), **form.organisation_data()
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("Organisationen %(name)s är skapad.") % {"name": organisation.name}
            )
            return redirect("organisations:organisation_list")
    return render(request, "organisations/organisation_form.html", {"form": form})


@login_required
def organisation_edit(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    organisation = selectors.organisation_get_for_admin(viewer=viewer, code=str(code))
    form = OrganisationForm(
        request.POST or None,
        municipalities=selectors.admin_municipalities(viewer=viewer),
        organisation=organisation,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=viewer, organisation=organisation, **form.organisation_data()
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
            organisation.refresh_from_db()
        else:
            messages.success(
                request, _("Organisationen %(name)s är sparad.") % {"name": organisation.name}
            )
            return redirect("organisations:organisation_list")
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


# --- people -------------------------------------------------------------------------------


@login_required
def person_list(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    selectors.admin_require(viewer=viewer)
    form = PersonFilterForm(
        _filters(request), organisations=selectors.organisation_list_for_admin(viewer=viewer)
    )
    chosen = form.cleaned_data if form.is_valid() else {}
    people = selectors.person_search_for_admin(
        viewer=viewer,
        text=chosen.get("sok", ""),
        organisation=chosen.get("organisation"),
        role=chosen.get("roll", ""),
        second_factor=yes_no(chosen.get("tvastegs")),
        active=yes_no(chosen.get("aktiv")),
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(request, "organisations/person_list.html", {"form": form, "page": page})


@login_required
def person_create(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    selectors.admin_require(viewer=viewer)
    form = PersonCreateForm(
        request.POST or None, organisations=selectors.organisation_list_for_admin(viewer=viewer)
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=viewer,
                roles=form.cleaned_data["roles"],
                password=form.cleaned_data["password"],
                **form.person_data(),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Kontot för %(name)s är skapat. Personen aktiverar tvåstegsverifiering "
                    "vid första inloggningen."
                )
                % {"name": person},
            )
            return redirect("organisations:person_edit", code=person.code)
    return render(request, "organisations/person_create.html", {"form": form})


def _person_edit_page(
    request: AuthedHttpRequest,
    person: Person,
    form: PersonEditForm | None = None,
    password_form: PasswordSetForm | None = None,
) -> HttpResponse:
    organisations = selectors.organisation_list_for_admin(viewer=request.user)
    return render(
        request,
        "organisations/person_edit.html",
        {
            "person": person,
            "form": form or PersonEditForm(organisations=organisations, person=person),
            "password_form": password_form or PasswordSetForm(),
            "totp_enrolled": account_services.has_confirmed_totp(person=person),
            "is_self": person.pk == request.user.pk,
        },
    )


@login_required
def person_edit(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    person = selectors.person_get_for_admin(viewer=viewer, code=str(code))
    if request.method != "POST":
        # Contact details are personal data: opening them is a read worth logging.
        audit_record(
            actor=viewer,
            action=Action.READ,
            target=person,
            subject_code=person.code,
            basis="role:administrator",
        )
        return _person_edit_page(request, person)
    form = PersonEditForm(
        request.POST,
        organisations=selectors.organisation_list_for_admin(viewer=viewer),
        person=person,
    )
    if form.is_valid():
        try:
            services.person_update(
                actor=viewer, person=person, roles=form.cleaned_data["roles"], **form.person_data()
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
            person.refresh_from_db()
        else:
            messages.success(request, _("Uppgifterna för %(name)s är sparade.") % {"name": person})
            return redirect("organisations:person_edit", code=person.code)
    return _person_edit_page(request, person, form=form)


@login_required
@require_POST
def person_password(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    person = selectors.person_get_for_admin(viewer=viewer, code=str(code))
    form = PasswordSetForm(request.POST)
    if form.is_valid():
        try:
            services.person_set_password(
                actor=viewer, person=person, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            if person.pk == viewer.pk:
                update_session_auth_hash(request, person)
            messages.success(request, _("Nytt lösenord är satt för %(name)s.") % {"name": person})
            return redirect("organisations:person_edit", code=person.code)
    return _person_edit_page(request, person, password_form=form)


@login_required
@require_POST
def person_second_factor_reset(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    person = selectors.person_get_for_admin(viewer=viewer, code=str(code))
    if request.POST.get("kontrollerat") != "on":
        # A reset hands the account to whoever enrols next: it must follow an identity check.
        messages.error(
            request,
            _(
                "Ingenting har återställts. Kryssa i att du har kontrollerat att det är "
                "personen själv som ber om det."
            ),
        )
        return redirect("organisations:person_edit", code=person.code)
    account_services.second_factor_reset(person=person, actor=viewer)
    messages.success(
        request,
        _(
            "Tvåstegsverifieringen för %(name)s är återställd och personen är utloggad. "
            "Vid nästa inloggning aktiverar personen sin app på nytt."
        )
        % {"name": person},
    )
    return redirect("organisations:person_edit", code=person.code)


@login_required
@require_POST
def person_sessions_end(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    person = selectors.person_get_for_admin(viewer=viewer, code=str(code))
    account_services.sessions_end_everywhere(person=person, actor=viewer)
    messages.success(request, _("%(name)s är utloggad på alla enheter.") % {"name": person})
    return redirect("organisations:person_edit", code=person.code)
