"""The consent pages of a case: the matrix and history, recording, renewing, revoking, the
printable form, and the log of who saw the data.

Every view starts with `case_get_for_viewer` (404 outside the case) and reads through
`policy.case_access`. Pages that show who the youth or the guardians are (the forms, the PDF)
answer 404 to viewers the policy does not let see the youth's identity.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.models import Case
from samsyn.cases.selectors import case_get_for_viewer
from samsyn.consent import policy, selectors, services
from samsyn.consent.forms import (
    BlankFormScopeForm,
    ConsentRecordForm,
    ConsentRenewForm,
    ConsentRevokeForm,
    DisclosureFilterForm,
)
from samsyn.consent.models import AgeRule
from samsyn.consent.pdf import (
    ConsentFormContent,
    render_consent_form,
    signers_for,
    signers_of,
)
from samsyn.lib.csvexport import chunked, csv_download
from samsyn.lib.http import AuthedHttpRequest
from samsyn.lib.pdf import pdf_response
from samsyn.organisations.forms import apply_service_error
from samsyn.organisations.models import Person
from samsyn.organisations.selectors import policy_for

PAGE_SIZE = 50


def _access(viewer: Person, code: UUID) -> tuple[Case, policy.CaseAccess]:
    case = case_get_for_viewer(viewer=viewer, code=code)
    return case, policy.case_access(viewer=viewer, case=case)


def _identified(access: policy.CaseAccess) -> policy.Decision:
    """The identity decision, logged: these pages name the youth or the guardians."""
    decision = access.note(
        access.identity(), object_type="cases.youth", object_code=str(access.case.youth.code)
    )
    access.record()
    return decision


def _require_identity(access: policy.CaseAccess) -> policy.Decision:
    # Recording a consent, and its form, name the youth and the guardians.
    decision = _identified(access)
    if not decision.allowed or access.viewer.organisation is None:
        raise Http404
    return decision


def _validity_months(case: Case) -> int | None:
    local = policy_for(municipality=case.municipality, district=case.district)
    return local.consent_validity_months if local is not None else None


def age_rule_text(*, rule: str, age: int, custodians: Sequence[object]) -> str:
    """Who must consent today, in plain Swedish (consent.services.required_givers)."""
    names = ", ".join(str(g) for g in custodians) or _("inga registrerade ännu")
    if rule == AgeRule.GUARDIANS:
        return _(
            "Ungdomen är %(age)s år. Enligt de lokala riktlinjerna samtycker vårdnadshavarna "
            "(%(names)s). Alla som har vårdnaden måste samtycka."
        ) % {"age": age, "names": names}
    if rule == AgeRule.GUARDIANS_AND_YOUTH:
        return _(
            "Ungdomen är %(age)s år. Enligt de lokala riktlinjerna samtycker ungdomen och "
            "vårdnadshavarna (%(names)s) tillsammans. Ungdomen kan samtycka ensam bara efter "
            "en individuell mognadsbedömning, som du då skriver nedan."
        ) % {"age": age, "names": names}
    return _("Ungdomen är %(age)s år och samtycker själv.") % {"age": age}


# --- the matrix and the history -----------------------------------------------------------


@login_required
def consent_list(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case, access = _access(viewer, code)
    identity = _identified(access)
    matrices = selectors.consent_matrices(
        access=access, member_organisations=selectors.case_member_organisations(case=case)
    )
    return render(
        request,
        "consent/consent_list.html",
        {
            "header": selectors.case_header(viewer=viewer, case=case, identified=identity.allowed),
            "identified": identity.allowed,
            "matrices": [m for m in matrices if m.has_consents],
            "without_consents": [m for m in matrices if not m.has_consents],
            "rows": selectors.consent_rows(access=access, identified=identity.allowed),
            "can_record": identity.allowed and viewer.organisation is not None,
            "warning_days": selectors.EXPIRY_WARNING_DAYS,
        },
    )


# --- recording and renewing ---------------------------------------------------------------


def _given_form_options(case: Case) -> dict[str, Any]:
    return {
        "youth_label": str(case.youth),
        "guardians": list(case.youth.guardians.all()),
        "validity_months": _validity_months(case),
    }


@login_required
def consent_create(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case, access = _access(viewer, code)
    _require_identity(access)
    options = _given_form_options(case)
    categories = selectors.active_categories()
    recipients = selectors.recipient_choices(case=case, releasing=viewer.organisation)
    form = ConsentRecordForm(
        request.POST or None,
        request.FILES or None,
        categories=categories,
        recipients=recipients,
        initial={"given_on": access.today},
        **options,
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.consent_record(actor=viewer, case=case, **form.consent_data())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("Samtycke %(number)s är registrerat.") % {"number": consent.number}
            )
            return redirect("consent:list", code=case.code)
    rule, age, custodians = services.required_givers(case=case, on=access.today)
    return render(
        request,
        "consent/consent_create.html",
        {
            "header": selectors.case_header(viewer=viewer, case=case, identified=True),
            "form": form,
            "releasing": viewer.organisation,
            "age_rule": age_rule_text(rule=rule, age=age, custodians=custodians),
            "no_custodians": rule != AgeRule.YOUTH and not custodians,
            "scope_form": BlankFormScopeForm(categories=categories, recipients=recipients),
        },
    )


@login_required
def consent_renew(request: AuthedHttpRequest, code: UUID, consent_code: UUID) -> HttpResponse:
    viewer = request.user
    case, access = _access(viewer, code)
    consent = selectors.consent_get_for_viewer(access=access, code=consent_code)
    _require_identity(access)
    if not selectors.can_renew(viewer=viewer, consent=consent):
        raise PermissionDenied(_("Bara organisationen som fick samtycket kan förnya det."))
    previous = {
        "givers": [
            str(g.guardian.code) if g.guardian is not None else "ungdom"
            for g in consent.givers.all()
        ],
        "form": consent.form,
        "given_on": access.today,
        "maturity_assessment": consent.maturity_assessment,
    }
    form = ConsentRenewForm(
        request.POST or None, request.FILES or None, initial=previous, **_given_form_options(case)
    )
    if request.method == "POST" and form.is_valid():
        try:
            renewal = services.consent_renew(actor=viewer, consent=consent, **form.given_data())
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Samtycke %(old)s är förnyat som %(new)s.")
                % {"old": consent.number, "new": renewal.number},
            )
            return redirect("consent:list", code=case.code)
    rule, age, custodians = services.required_givers(case=case, on=access.today)
    row = next(
        r for r in selectors.consent_rows(access=access, identified=True) if r.code == consent.code
    )
    return render(
        request,
        "consent/consent_renew.html",
        {
            "header": selectors.case_header(viewer=viewer, case=case, identified=True),
            "form": form,
            "row": row,
            "age_rule": age_rule_text(rule=rule, age=age, custodians=custodians),
        },
    )


@login_required
def consent_revoke(request: AuthedHttpRequest, code: UUID, consent_code: UUID) -> HttpResponse:
    viewer = request.user
    case, access = _access(viewer, code)
    consent = selectors.consent_get_for_viewer(access=access, code=consent_code)
    identity = _identified(access)
    if consent.revoked_at is not None:
        messages.info(
            request, _("Samtycke %(number)s är redan återkallat.") % {"number": consent.number}
        )
        return redirect("consent:list", code=case.code)
    if not selectors.can_revoke(viewer=viewer, consent=consent, case=case):
        raise PermissionDenied(
            _(
                "Återkallelsen registreras av organisationen som fick samtycket eller av samordnaren."
            )
        )
    form = ConsentRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_revoke(actor=viewer, consent=consent, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Samtycke %(number)s är återkallat. Från och med nu lämnas inga uppgifter ut "
                    "med stöd av det."
                )
                % {"number": consent.number},
            )
            return redirect("consent:list", code=case.code)
    rows = selectors.consent_rows(access=access, identified=identity.allowed)
    return render(
        request,
        "consent/consent_revoke.html",
        {
            "header": selectors.case_header(viewer=viewer, case=case, identified=identity.allowed),
            "form": form,
            "row": next(r for r in rows if r.code == consent.code),
        },
    )


# --- the printable form -------------------------------------------------------------------


def _pdf_response(
    request: AuthedHttpRequest,
    content: ConsentFormContent,
    filename: str,
    identity: policy.Decision,
) -> HttpResponse:
    case = content.case
    body = render_consent_form(request=request, content=content)
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        target=content.consent,
        object_type="consent.consent",
        case_code=case.code,
        subject_code=case.youth.code,
        municipality_code=case.municipality.code,
        basis=identity.audit_basis,
        detail={
            "format": "pdf",
            "categories": sorted(c.slug for c in content.categories),
            "recipients": sorted(str(o.code) for o in content.recipients),
        },
    )
    return pdf_response(body, filename)


@login_required
@require_GET
def consent_form_pdf(request: AuthedHttpRequest, code: UUID, consent_code: UUID) -> HttpResponse:
    case, access = _access(request.user, code)
    consent = selectors.consent_get_for_viewer(access=access, code=consent_code)
    identity = _require_identity(access)
    content = ConsentFormContent(
        case=case,
        releasing=consent.releasing_organisation,
        recipients=sorted(consent.recipients.all(), key=lambda o: o.name),
        categories=sorted(consent.categories.all(), key=lambda c: (c.sort_order, c.name)),
        signers=signers_of(consent, str(case.youth)),
        age=consent.age_at_consent,
        age_rule=consent.age_rule,
        consent=consent,
        valid_until=consent.valid_until,
        also_about=consent.also_about,
    )
    filename = f"samtycke-{consent.number.lstrip('#')}.pdf"
    return _pdf_response(request, content, filename, identity)


@login_required
@require_GET
def blank_form_pdf(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    viewer = request.user
    case, access = _access(viewer, code)
    identity = _require_identity(access)
    assert viewer.organisation is not None
    form = BlankFormScopeForm(
        request.GET,
        categories=selectors.active_categories(),
        recipients=selectors.recipient_choices(case=case, releasing=viewer.organisation),
    )
    if not form.is_valid():
        messages.error(
            request,
            _("Välj vilka uppgifter och vilka mottagare blanketten ska gälla, och försök igen."),
        )
        return redirect("consent:create", code=case.code)
    rule, age, custodians = services.required_givers(case=case, on=access.today)
    content = ConsentFormContent(
        case=case,
        releasing=viewer.organisation,
        recipients=sorted(form.cleaned_data["mottagare"], key=lambda o: o.name),
        categories=list(form.cleaned_data["kategori"]),
        signers=signers_for(rule=rule, custodians=custodians, youth_name=str(case.youth)),
        age=age,
        age_rule=rule,
        validity_months=_validity_months(case),
    )
    return _pdf_response(request, content, "samtyckesblankett.pdf", identity)


# --- who saw the data ---------------------------------------------------------------------


def _disclosure_query(
    request: AuthedHttpRequest, code: UUID
) -> tuple[Case, DisclosureFilterForm, Any]:
    viewer = request.user
    case = case_get_for_viewer(viewer=viewer, code=code)
    selectors.disclosure_log_require(viewer=viewer, case=case)
    form = DisclosureFilterForm.from_query(request.GET)
    records = selectors.disclosures_for_case(
        case=case, only_other_organisations=form.only_other_organisations()
    )
    return case, form, records


def _log_reading(viewer: Person, case: Case, action: str, **detail: Any) -> None:
    # Reading who saw the data is itself a read of the case's log: it is logged too.
    audit_record(
        actor=viewer,
        action=action,
        object_type="audit.auditrecord",
        case_code=case.code,
        subject_code=case.youth.code,
        municipality_code=case.municipality.code,
        basis="own_organisation",
        detail=detail,
    )


@login_required
@require_GET
def disclosures(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case, form, records = _disclosure_query(request, code)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("sida"))
    _log_reading(request.user, case, Action.SEARCH, page=page.number)
    template = "consent/disclosures.html#results" if request.htmx else "consent/disclosures.html"
    return render(
        request,
        template,
        {
            # Only the owner organisation gets here, and it always knows who the youth is.
            "header": selectors.case_header(viewer=request.user, case=case, identified=True),
            "form": form,
            "page": page,
            "rows": selectors.disclosure_rows(list(page.object_list)),
            "export_query": _export_query(form),
        },
    )


def _export_query(form: DisclosureFilterForm) -> str:
    query = QueryDict(mutable=True)
    query["visa"] = "1"
    if form.only_other_organisations():
        query["andra"] = "on"
    return query.urlencode()


def _csv_rows(records: Iterable[Any]) -> Iterator[list[Any]]:
    for chunk in chunked(records, 500):
        for row in selectors.disclosure_rows(chunk):
            yield [
                timezone.localtime(row.at).isoformat(timespec="seconds"),
                row.person,
                row.organisation,
                row.what,
                row.category,
                row.owner,
                _("Visad") if row.allowed else _("Nekad"),
                row.basis,
            ]


@login_required
@require_GET
def disclosures_csv(request: AuthedHttpRequest, code: UUID) -> StreamingHttpResponse:
    case, form, records = _disclosure_query(request, code)
    _log_reading(
        request.user,
        case,
        Action.EXPORT,
        format="csv",
        only_other_organisations=form.only_other_organisations(),
    )
    header = [
        _("Tidpunkt"),
        _("Person"),
        _("Organisation"),
        _("Vad"),
        _("Kategori"),
        _("Uppgiftens ägare"),
        _("Utfall"),
        _("Grund"),
    ]
    return csv_download(
        header=header,
        rows=_csv_rows(records.iterator(chunk_size=2000)),
        name=f"utlamnanden-{case.anonymous_code}",
    )


@login_required
@require_GET
def consent_document(
    request: AuthedHttpRequest, code: UUID, consent_code: UUID
) -> HttpResponse | FileResponse:
    """The scanned, signed consent. Only the organisation that obtained it and the case's
    owner open it (it names the youth and the guardians); every opening is logged."""
    viewer = request.user
    case, access = _access(viewer, code)
    consent = selectors.consent_get_for_viewer(access=access, code=consent_code)
    identity = _require_identity(access)
    if viewer.organisation_id not in (consent.releasing_organisation_id, case.owner_id):
        raise Http404
    if not consent.document:
        raise Http404
    audit_record(
        actor=viewer,
        action=Action.READ,
        target=consent,
        case_code=case.code,
        subject_code=case.youth.code,
        municipality_code=case.municipality.code,
        basis=identity.audit_basis,
        detail={"document": True},
    )
    name = consent.document.name.rsplit("/", 1)[-1]
    response = FileResponse(consent.document.open("rb"), as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
