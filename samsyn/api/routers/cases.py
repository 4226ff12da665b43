"""Cases: the worklist, one case, its referrals, consents and interventions, and journal notes.

Each read goes through the selector of the page that shows the same thing (`cases.worklist`,
`case_page`, `lifecycle_page`, `consent_rows`, `interventions_page`), so the consent policy
decides and the audit log records exactly as when the person opens the page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from samsyn.api.fields import IsoDate
from samsyn.api.routers.common import (
    HiddenRow,
    PageQuery,
    etagged,
    hidden_rows,
    invalid,
    person,
    read_only,
)
from samsyn.cases import selectors
from samsyn.cases import services as case_services
from samsyn.cases import worklist as cases_worklist
from samsyn.cases.models import CaseState, Guardian, NoteKind, ReferralKind, Sex
from samsyn.cases.rules import refers_cases
from samsyn.consent import policy
from samsyn.consent.models import DataCategory
from samsyn.consent.selectors import consent_rows
from samsyn.lib import personnummer as pnr
from samsyn.organisations.models import District, Organisation, OrganisationKind
from samsyn.plans.selectors import interventions_page

router = Router(tags=["cases"])

STATE_FILTERS = [cases_worklist.ONGOING, cases_worklist.ALL, *CaseState.values]
NOT_BLANK = r"^[^\x00]*\S[^\x00]*$"  # some text, and no NUL (which PostgreSQL refuses)
NO_NUL = r"^[^\x00]*$"


# --- the worklist -------------------------------------------------------------------------------


class CaseRow(Schema):
    code: UUID
    label: str = Field(description="The youth's name where the person may see it, else the code.")
    identified: bool
    state: str
    state_label: str
    days_in_state: int
    owner: str
    coordinator: str
    opened_on: date


class CasePage(Schema):
    count: int
    page: int
    pages: int
    items: list[CaseRow]


class CaseFilter(PageQuery):
    state: str = Field(
        cases_worklist.ONGOING,
        description="`pagaende` (ongoing), `alla` (all) or a case state.",
        json_schema_extra={"enum": list(STATE_FILTERS)},
    )
    stadsdel: UUID | None = Field(None, description="Only the cases of this district (its code).")
    mine: bool = Field(False, description="Only the cases the person coordinates.")
    overdue: bool = Field(False, description="Only the cases with something overdue.")

    @field_validator("state")
    @classmethod
    def _known_state(cls, value: str) -> str:
        if value not in STATE_FILTERS:
            raise ValueError("unknown state")
        return value


@router.get("/arenden/", response={200: CasePage, 304: None}, summary="The cases I take part in")
def case_list(request: HttpRequest, filters: Query[CaseFilter]) -> HttpResponse:
    """The worklist of the token's person: a youth is named only where that person may see
    who it is (else `label` is the case's anonymous code), ongoing cases by default."""
    listed = cases_worklist.worklist(
        viewer=person(request),
        query=cases_worklist.WorklistQuery(
            state=filters.state,
            mine=filters.mine,
            overdue=filters.overdue,
            district=filters.stadsdel,
        ),
        page_number=filters.page,
        page_size=filters.page_size,
    )
    data = {
        "count": listed.page.paginator.count,
        "page": listed.page.number,
        "pages": listed.page.paginator.num_pages,
        "items": [row.__dict__ for row in listed.rows],
    }
    return etagged(request, CasePage, data)


# --- one case -----------------------------------------------------------------------------------


class Youth(Schema):
    first_name: str
    last_name: str
    personnummer: str
    date_of_birth: date
    sex: str
    address: str
    phone: str
    school: str


class Deidentified(Schema):
    anonymous_code: str
    age_band: str
    sex: str
    district: str
    summary: str


class GuardianOut(Schema):
    code: UUID
    name: str


class Member(Schema):
    name: str
    organisation: str
    receives_nothing: bool = Field(description="No live consent lets the owner release to it.")


class Note(Schema):
    code: UUID
    kind: str
    kind_label: str
    occurred_on: date
    title: str
    text: str
    owner: str
    category: str
    also_about: str | None
    why: str


class CaseOut(Schema):
    code: UUID
    state: str
    state_label: str
    owner: str
    opened_on: date
    identified: bool
    identity_why: str
    youth: Youth | None = Field(description="Only where the person may see who the youth is.")
    deidentified: Deidentified
    guardians: list[GuardianOut]
    members: list[Member]
    notes: list[Note]
    hidden: list[HiddenRow]


@router.get("/arenden/{code}/", response={200: CaseOut, 304: None}, summary="One case")
def case_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    """The case page's content: who the youth is only where allowed (else the de-identified
    form), the members, the journal notes the person may read and a count of the others."""
    viewer = person(request)
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    page = selectors.case_page(viewer=viewer, case=case)
    identified = page.identity.allowed
    guardian_names = {g.pk: str(g) for g in page.guardians}
    youth = page.youth
    data = {
        "code": case.code,
        "state": case.state,
        "state_label": case.get_state_display(),
        "owner": case.owner.name,
        "opened_on": case.opened_on,
        "identified": identified,
        "identity_why": page.identity.explain(identified=identified),
        "youth": None
        if youth is None
        else {
            "first_name": youth.first_name,
            "last_name": youth.last_name,
            "personnummer": pnr.display(youth.personnummer),
            "date_of_birth": youth.date_of_birth,
            "sex": youth.get_sex_display(),
            "address": youth.address,
            "phone": youth.phone,
            "school": youth.school,
        },
        "deidentified": page.anonymous.__dict__,
        "guardians": [{"code": g.code, "name": str(g)} for g in page.guardians],
        "members": [
            {
                "name": str(m.person),
                "organisation": m.person.organisation.name if m.person.organisation else "",
                "receives_nothing": page.access.receives_nothing(m.person.organisation_id),
            }
            for m in page.members
        ],
        "notes": [
            {
                "code": n.note.code,
                "kind": n.note.kind,
                "kind_label": n.note.get_kind_display(),
                "occurred_on": n.note.occurred_on,
                "title": n.note.title,
                "text": n.note.text,
                "owner": n.note.owner.name,
                "category": n.note.category.name,
                "also_about": guardian_names.get(n.note.also_about_id or 0),
                "why": n.decision.explain(identified=identified),
            }
            for n in page.notes
            if n.note is not None
        ],
        "hidden": hidden_rows(page.hidden),
    }
    return etagged(request, CaseOut, data)


# --- referrals ----------------------------------------------------------------------------------


class ReferralOut(Schema):
    code: UUID
    kind: str
    kind_label: str
    referred_on: date
    source_organisation: str
    source_person: str
    source_description: str
    reason: str
    age_at_referral: int
    why: str


class Referrals(Schema):
    identified: bool
    items: list[ReferralOut]
    hidden: list[HiddenRow]


@router.get(
    "/arenden/{code}/aktualiseringar/",
    response={200: Referrals, 304: None},
    summary="The case's referrals",
)
def case_referrals(request: HttpRequest, code: UUID) -> HttpResponse:
    """The referrals as the case's Förlopp page shows them; the others only counted."""
    viewer = person(request)
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    page = selectors.lifecycle_page(viewer=viewer, case=case)
    items = []
    for shown in page.referrals:
        referral = shown.item
        items.append(
            {
                "code": referral.code,
                "kind": referral.kind,
                "kind_label": referral.get_kind_display(),
                "referred_on": referral.referred_on,
                "source_organisation": referral.source_organisation.name
                if referral.source_organisation
                else "",
                "source_person": str(referral.source_person) if referral.source_person else "",
                "source_description": referral.source_description,
                "reason": referral.reason,
                "age_at_referral": referral.age_at_referral,
                "why": shown.why,
            }
        )
    data = {"identified": page.identified, "items": items, "hidden": hidden_rows(page.hidden)}
    return etagged(request, Referrals, data)


# --- consents -----------------------------------------------------------------------------------


class ConsentOut(Schema):
    code: UUID
    number: str
    status: str
    releasing: str
    categories: list[str]
    recipients: list[str]
    givers: list[str]
    also_about: str
    form: str
    given_on: date
    valid_until: date | None
    days_left: int | None
    age_rule: str
    age: int | None
    recorded_by: str
    revoked_at: datetime | None
    renews: str
    renewed_by: list[str]
    details_visible: bool = Field(description="Free text is shown to the consent's holders.")
    oral_note: str
    maturity_assessment: str
    revoked_by: str
    revocation_how: str


class Consents(Schema):
    identified: bool
    items: list[ConsentOut]


@router.get(
    "/arenden/{code}/samtycken/",
    response={200: Consents, 304: None},
    summary="The case's consents",
)
def case_consents(request: HttpRequest, code: UUID) -> HttpResponse:
    """Every consent of the case, newest first, as the Samtycken page lists them: free text
    only for the organisations that hold the consent, givers named only with identity."""
    viewer = person(request)
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    access = policy.case_access(viewer=viewer, case=case)
    identity = access.note(
        access.identity(), object_type="cases.youth", object_code=str(case.youth.code)
    )
    access.record()
    rows = consent_rows(access=access, identified=identity.allowed)
    data = {"identified": identity.allowed, "items": [row.__dict__ for row in rows]}
    return etagged(request, Consents, data)


# --- interventions ------------------------------------------------------------------------------


class InterventionOut(Schema):
    code: UUID
    kind: str
    description: str
    organisation: str
    decided_by: str
    started_on: date
    ended_on: date | None
    status: str
    status_label: str
    why: str


class Interventions(Schema):
    identified: bool
    items: list[InterventionOut]
    hidden: list[HiddenRow]


def intervention_rows(groups: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "code": view.intervention.code,
            "kind": view.intervention.kind.name,
            "description": view.intervention.description,
            "organisation": group.organisation,
            "decided_by": str(view.intervention.decided_by or ""),
            "started_on": view.intervention.started_on,
            "ended_on": view.intervention.ended_on,
            "status": view.intervention.status,
            "status_label": view.intervention.get_status_display(),
            "why": view.why,
        }
        for group in groups
        for view in group.items
    ]


@router.get(
    "/arenden/{code}/insatser/",
    response={200: Interventions, 304: None},
    summary="The case's interventions",
)
def case_interventions(request: HttpRequest, code: UUID) -> HttpResponse:
    """The interventions per organisation the person may see, the others only counted."""
    viewer = person(request)
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    page = interventions_page(viewer=viewer, case=case)
    data = {
        "identified": page.identified,
        "items": intervention_rows(page.interventions),
        "hidden": hidden_rows(page.hidden),
    }
    return etagged(request, Interventions, data)


# --- writing a journal note ---------------------------------------------------------------------


class NoteIn(Schema):
    category: str = Field(
        max_length=40, pattern=NO_NUL, description="The data category's slug, e.g. `skola`."
    )
    title: str = Field(min_length=1, max_length=160, pattern=NOT_BLANK)
    text: str = Field(min_length=1, max_length=20_000, pattern=NOT_BLANK)
    kind: str = Field(NoteKind.NOTE, json_schema_extra={"enum": list(NoteKind.values)})
    occurred_on: IsoDate | None = None
    also_about: UUID | None = Field(None, description="A guardian's code, when it concerns them.")

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in NoteKind.values:
            raise ValueError("unknown kind")
        return value


@router.post(
    "/arenden/{code}/anteckningar/",
    response={201: Note},
    summary="Write a journal note",
)
def case_note_create(request: HttpRequest, code: UUID, payload: NoteIn) -> Any:
    """A journal note owned by the person's organisation (write scope). The category decides
    who else may read it; a guardian can be named only by someone who may see who they are."""
    refused = read_only(request)
    if refused is not None:
        return refused
    viewer = person(request)
    case = selectors.case_get_for_viewer(viewer=viewer, code=code)
    errors: dict[str, list[str]] = {}
    category = DataCategory.objects.filter(slug=payload.category, is_active=True).first()
    if category is None:
        errors["category"] = [_("Välj en kategori som finns.")]
    also_about = None
    if payload.also_about is not None:
        access = policy.case_access(viewer=viewer, case=case)
        if access.identity().allowed:
            also_about = Guardian.objects.filter(youth=case.youth, code=payload.also_about).first()
        if also_about is None:
            errors["also_about"] = [_("Personen hör inte till ärendet.")]
    if errors or category is None:
        return invalid(request, errors)
    try:
        note = case_services.note_create(
            actor=viewer,
            case=case,
            category=category,
            title=payload.title,
            text=payload.text,
            occurred_on=payload.occurred_on,
            also_about=also_about,
            kind=payload.kind,
        )
    except ValidationError as exc:
        return invalid(request, exc)
    return Status(
        201,
        {
            "code": note.code,
            "kind": note.kind,
            "kind_label": note.get_kind_display(),
            "occurred_on": note.occurred_on,
            "title": note.title,
            "text": note.text,
            "owner": note.owner.name,
            "category": category.name,
            "also_about": str(also_about) if also_about else None,
            "why": policy.Decision(
                True, policy.Basis.OWN_ORGANISATION, note.owner.name, category.name
            ).explain(),
        },
    )


# --- referring a youth --------------------------------------------------------------------------


class ReferralIn(Schema):
    first_name: str = Field(min_length=1, max_length=80, pattern=NOT_BLANK)
    last_name: str = Field(min_length=1, max_length=80, pattern=NOT_BLANK)
    reason: str = Field(min_length=1, max_length=20_000, pattern=NOT_BLANK)
    personnummer: str = Field(
        "", max_length=20, pattern=NO_NUL, description="ÅÅÅÅMMDD-NNNN, or empty with date_of_birth."
    )
    date_of_birth: IsoDate | None = Field(None, description="When there is no personnummer.")
    kind: str | None = Field(
        None,
        description="Who refers; by default from the person's organisation.",
        json_schema_extra={"enum": list(ReferralKind.values)},
    )
    referred_on: IsoDate | None = Field(None, description="Default: today.")
    owner: UUID | None = Field(
        None, description="From outside social services: the social services that receive it."
    )
    source_description: str = Field("", max_length=200, pattern=NO_NUL)
    age_exception_reason: str = Field("", max_length=20_000, pattern=NO_NUL)
    sex: str = Field(Sex.UNKNOWN, json_schema_extra={"enum": list(Sex.values)})
    district: UUID | None = Field(None, description="The district's code.")
    address: str = Field("", max_length=200, pattern=NO_NUL)
    phone: str = Field("", max_length=40, pattern=NO_NUL)
    school: str = Field("", max_length=160, pattern=NO_NUL)
    summary: str = Field("", max_length=20_000, pattern=NO_NUL)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str | None) -> str | None:
        if value is not None and value not in ReferralKind.values:
            raise ValueError("unknown kind")
        return value

    @field_validator("sex")
    @classmethod
    def _known_sex(cls, value: str) -> str:
        if value not in Sex.values:
            raise ValueError("unknown sex")
        return value


class ReferralCreated(Schema):
    code: UUID
    anonymous_code: str
    state: str
    owner: str


@router.post("/aktualiseringar/", response={201: ReferralCreated}, summary="Refer a youth")
def referral_create(request: HttpRequest, payload: ReferralIn) -> Any:
    """A referral (aktualisering), as the page "Aktualisera" makes it (write scope): the case
    opens at social services; a referrer from outside it takes part, de-identified until there
    is consent. Refused (404) to people who may not refer, as the page."""
    refused = read_only(request)
    if refused is not None:
        return refused
    viewer = person(request)
    organisation = viewer.organisation
    if organisation is None or not refers_cases(viewer):
        raise Http404
    errors: dict[str, list[str]] = {}
    district = None
    if payload.district is not None:
        district = District.objects.filter(
            municipality_id=organisation.municipality_id, code=payload.district
        ).first()
        if district is None:
            errors["district"] = [_("Välj en stadsdel i kommunen.")]
    owner = None
    if payload.owner is not None:
        owner = Organisation.objects.filter(
            municipality_id=organisation.municipality_id,
            kind=OrganisationKind.SOCIAL_SERVICES,
            is_active=True,
            code=payload.owner,
        ).first()
        if owner is None:
            errors["owner"] = [_("Välj socialtjänsten i kommunen.")]
    if errors:
        return invalid(request, errors)
    fields = payload.model_dump(exclude={"district", "owner"})
    try:
        case = case_services.case_create(actor=viewer, district=district, owner=owner, **fields)
    except ValidationError as exc:
        return invalid(request, exc)
    return Status(
        201,
        {
            "code": case.code,
            "anonymous_code": case.anonymous_code,
            "state": case.state,
            "owner": case.owner.name,
        },
    )
