"""Reads for the consent pages: the matrix, the consent history and the disclosure log.

Everything starts from a `policy.CaseAccess` (the one door), so the consents are loaded once
and a page costs a fixed number of queries. What a viewer may read about a consent follows
the same rule as the case page: the names of the people who gave it only to viewers who may
see who the youth is, the free-text notes only to the organisations that hold them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Action, AuditRecord
from samsyn.audit.selectors import object_type_label, organisation_names
from samsyn.cases.models import Case
from samsyn.cases.rules import runs_case
from samsyn.consent import policy
from samsyn.consent.models import Consent, DataCategory
from samsyn.organisations.models import Organisation, OrganisationKind, Person

EXPIRY_WARNING_DAYS = 30


class Status:
    LIVE = "live"
    EXPIRING = "expiring"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NONE = "none"


def _status(consent: Consent, today: date) -> str:
    if consent.revoked_at is not None:
        return Status.REVOKED
    if consent.valid_until is not None and consent.valid_until < today:
        return Status.EXPIRED
    if consent.valid_until is not None and (consent.valid_until - today).days <= (
        EXPIRY_WARNING_DAYS
    ):
        return Status.EXPIRING
    return Status.LIVE


def _days_left(consent: Consent, today: date) -> int | None:
    return (consent.valid_until - today).days if consent.valid_until else None


def _revoked_on(consent: Consent) -> date | None:
    return timezone.localdate(consent.revoked_at) if consent.revoked_at else None


@dataclass(frozen=True)
class CaseHeader:
    """What the top of every case page shows: the youth's name only when the viewer may see it."""

    code: UUID
    anonymous_code: str
    owner: str
    opened_on: date
    youth_name: str
    is_owner_organisation: bool
    # The viewer runs the case (coordinator or case officer of the owner): the "Portal" tab.
    runs_case: bool = False


def case_header(*, viewer: Person, case: Case, identified: bool) -> CaseHeader:
    return CaseHeader(
        code=case.code,
        anonymous_code=case.anonymous_code,
        owner=case.owner.name,
        opened_on=case.opened_on,
        youth_name=str(case.youth) if identified else "",
        is_owner_organisation=viewer.organisation_id == case.owner_id,
        runs_case=runs_case(viewer, case),
    )


# --- the matrix ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    recipient: str
    status: str
    until: date | None = None
    revoked_on: date | None = None
    days_left: int | None = None
    number: str = ""


@dataclass(frozen=True)
class MatrixRow:
    category: str
    cells: list[MatrixCell]


@dataclass(frozen=True)
class ConsentMatrix:
    releasing: str
    releasing_code: UUID
    is_viewers: bool
    has_consents: bool
    recipients: list[str]
    rows: list[MatrixRow]


def _cell(recipient: Organisation, covering: list[Consent], today: date) -> MatrixCell:
    live = [c for c in covering if c.is_live(today)]
    if live:
        best = max(live, key=lambda c: c.valid_until or date.max)
        return MatrixCell(
            recipient=recipient.name,
            status=_status(best, today),
            until=best.valid_until,
            days_left=_days_left(best, today),
            number=best.number,
        )
    ended = [c for c in covering if c.revoked_at is not None or c.valid_until is not None]
    ended = [c for c in ended if not c.is_live(today) and c.given_on <= today]
    if not ended:
        return MatrixCell(recipient=recipient.name, status=Status.NONE)

    def ended_on(consent: Consent) -> date:
        return _revoked_on(consent) or consent.valid_until or date.min

    latest = max(ended, key=ended_on)
    return MatrixCell(
        recipient=recipient.name,
        status=_status(latest, today),
        until=latest.valid_until,
        revoked_on=_revoked_on(latest),
        number=latest.number,
    )


def case_member_organisations(*, case: Case) -> list[Organisation]:
    return list(
        Organisation.objects.filter(people__case_memberships__case=case).distinct().order_by("name")
    )


def consent_matrices(
    *, access: policy.CaseAccess, member_organisations: list[Organisation]
) -> list[ConsentMatrix]:
    """One table per releasing organisation: categories × recipients, the status in each cell.

    Releasing organisations are those taking part in the case and those that recorded a
    consent; recipients are the other organisations taking part, and any named in a consent.
    """
    today = access.today
    organisations = {o.pk: o for o in member_organisations}
    for consent in access.consents:
        organisations.setdefault(consent.releasing_organisation_id, consent.releasing_organisation)
        for recipient in consent.recipients.all():
            organisations.setdefault(recipient.pk, recipient)
    members = {o.pk for o in member_organisations}
    used_categories = {c.pk for consent in access.consents for c in consent.categories.all()}
    categories = sorted(
        (c for c in access.categories.values() if c.is_active or c.pk in used_categories),
        key=lambda c: (c.sort_order, c.name),
    )
    matrices = []
    releasing_ids = members | {c.releasing_organisation_id for c in access.consents}
    viewers = access.viewer_organisation_id
    # The viewer's own organisation first: its consents are the ones the viewer can act on.
    for releasing_id in sorted(
        releasing_ids, key=lambda pk: (pk != viewers, organisations[pk].name)
    ):
        own = [c for c in access.consents if c.releasing_organisation_id == releasing_id]
        recipient_ids = (members | {r.pk for c in own for r in c.recipients.all()}) - {releasing_id}
        recipients = sorted((organisations[pk] for pk in recipient_ids), key=lambda o: o.name)
        if not recipients:
            continue
        rows = []
        for category in categories:
            cells = []
            for recipient in recipients:
                covering = [
                    c
                    for c in own
                    if category.pk in {x.pk for x in c.categories.all()}
                    and recipient.pk in {x.pk for x in c.recipients.all()}
                ]
                cells.append(_cell(recipient, covering, today))
            rows.append(MatrixRow(category=category.name, cells=cells))
        releasing = organisations[releasing_id]
        matrices.append(
            ConsentMatrix(
                releasing=releasing.name,
                releasing_code=releasing.code,
                is_viewers=releasing_id == viewers,
                has_consents=bool(own),
                recipients=[r.name for r in recipients],
                rows=rows,
            )
        )
    return matrices


# --- the history of consents --------------------------------------------------------------


@dataclass(frozen=True)
class ConsentRow:
    """A consent as the viewer may read it: free text only for those who hold it."""

    code: UUID
    number: str
    releasing: str
    categories: list[str]
    recipients: list[str]
    givers: list[str]
    also_about: str
    form: str
    has_document: bool
    oral_note: str
    given_on: date
    valid_until: date | None
    age_rule: str
    age: int | None
    maturity_assessment: str
    recorded_by: str
    status: str
    days_left: int | None
    revoked_at: datetime | None
    revoked_by: str
    revocation_how: str
    revocation_recorded_by: str
    renews: str
    renewed_by: list[str]
    details_visible: bool
    can_renew: bool
    can_revoke: bool
    document_visible: bool = False
    # A partial withdrawal in the portal: what is left is a new consent pointing back.
    remains_of: str = ""
    remainders: tuple[str, ...] = ()


def can_renew(*, viewer: Person, consent: Consent) -> bool:
    """Mirrors `consent_renew`: the releasing organisation renews a consent not revoked."""
    return consent.revoked_at is None and consent.releasing_organisation_id == (
        viewer.organisation_id
    )


def can_revoke(*, viewer: Person, consent: Consent, case: Case) -> bool:
    """Mirrors `consent_revoke`: the releasing organisation or the case's owner records it."""
    return consent.revoked_at is None and viewer.organisation_id in (
        consent.releasing_organisation_id,
        case.owner_id,
    )


def consent_rows(*, access: policy.CaseAccess, identified: bool) -> list[ConsentRow]:
    """Every consent of the case, newest first, with its renewal chain; no extra queries."""
    viewer = access.viewer
    case = access.case
    by_pk = {c.pk: c for c in access.consents}
    renewed_by: dict[int, list[str]] = {}
    for consent in access.consents:
        if consent.renews_id is not None:
            renewed_by.setdefault(consent.renews_id, []).append(consent.number)
    remainders: dict[int, list[str]] = {}
    for consent in access.consents:
        if consent.remains_of_id is not None:
            remainders.setdefault(consent.remains_of_id, []).append(consent.number)
    today = access.today
    rows = []
    for consent in sorted(access.consents, key=lambda c: (c.given_on, c.created_at), reverse=True):
        holds_it = viewer.organisation_id in (consent.releasing_organisation_id, case.owner_id)
        givers = [policy.giver_label(g, named=identified) for g in consent.givers.all()]
        also_about = ""
        if consent.also_about_id is not None:
            also_about = str(consent.also_about) if identified else _("en vårdnadshavare")
        renews = by_pk.get(consent.renews_id) if consent.renews_id else None
        details = holds_it and identified
        rows.append(
            ConsentRow(
                code=consent.code,
                number=consent.number,
                releasing=consent.releasing_organisation.name,
                categories=[c.name for c in consent.categories.all()],
                recipients=sorted(r.name for r in consent.recipients.all()),
                givers=givers,
                also_about=also_about,
                form=consent.get_form_display(),
                has_document=bool(consent.document),
                oral_note=consent.oral_note if details else "",
                given_on=consent.given_on,
                valid_until=consent.valid_until,
                age_rule=consent.get_age_rule_display(),
                age=consent.age_at_consent if identified else None,
                maturity_assessment=consent.maturity_assessment if details else "",
                recorded_by=str(consent.recorded_by),
                status=_status(consent, today),
                days_left=_days_left(consent, today),
                revoked_at=consent.revoked_at,
                revoked_by=consent.revoked_by if details else "",
                revocation_how=consent.revocation_how if details else "",
                revocation_recorded_by=str(consent.revocation_recorded_by or ""),
                renews=renews.number if renews is not None else "",
                renewed_by=renewed_by.get(consent.pk, []),
                details_visible=details,
                can_renew=identified
                and can_renew(viewer=viewer, consent=consent)
                and consent.pk not in renewed_by,
                can_revoke=can_revoke(viewer=viewer, consent=consent, case=case),
                # The scan names the youth: only its holders who may see who it is open it.
                document_visible=bool(consent.document) and details,
                remains_of=by_pk[consent.remains_of_id].number
                if consent.remains_of_id in by_pk
                else "",
                remainders=tuple(remainders.get(consent.pk, [])),
            )
        )
    return rows


def consent_get_for_viewer(*, access: policy.CaseAccess, code: Any) -> Consent:
    """A consent of the case (already loaded by the access); 404 for any other code."""
    for consent in access.consents:
        if str(consent.code) == str(code):
            return consent
    raise Http404


# --- who saw the data ---------------------------------------------------------------------


def disclosure_log_require(*, viewer: Person, case: Case) -> None:
    """The disclosure log is for the case's owner organisation; everybody else gets 404."""
    if viewer.organisation_id != case.owner_id:
        raise Http404


def disclosures_for_case(*, case: Case, only_other_organisations: bool) -> QuerySet[AuditRecord]:
    """Every read of the case's data and every refusal, newest first.

    "Other organisations" leaves out reads an organisation made of its own records: what is
    left is what crossed between organisations under consent, and what was refused.
    """
    records = AuditRecord.objects.filter(
        case_code=case.code, action__in=[Action.READ, Action.REFUSED]
    )
    if only_other_organisations:
        records = records.exclude(basis=policy.Basis.OWN_ORGANISATION)
    return records.order_by("-at", "-id")


@dataclass(frozen=True)
class DisclosureRow:
    at: datetime
    person: str
    organisation: str
    what: str
    category: str
    owner: str
    allowed: bool
    basis: str


def consent_number_of(basis: str) -> str | None:
    """The consent's short number ("A1B2C3") in an audit basis `consent:<code>`; None for any
    other basis, or a malformed one."""
    if not basis.startswith(f"{policy.Basis.CONSENT}:"):
        return None
    try:
        return UUID(basis.split(":", 1)[1]).hex[:6].upper()
    except ValueError:
        return None


def basis_label(basis: str) -> str:
    if basis.startswith(f"{policy.Basis.CONSENT}:"):
        number = consent_number_of(basis)
        if number is None:
            return basis
        return _("Samtycke #%(number)s") % {"number": number}
    labels: dict[str, str] = {
        policy.Basis.OWN_ORGANISATION: _("Egen organisations uppgift"),
        policy.Basis.NO_CONSENT: _("Inget samtycke"),
        policy.Basis.NOT_MEMBER: _("Deltar inte i ärendet"),
        policy.Basis.RESTRICTED: _("Begränsad uppgift"),
    }
    return str(labels.get(basis, basis))


def disclosure_rows(records: list[AuditRecord]) -> list[DisclosureRow]:
    """Audit records as the log shows them; one query for the organisation names."""
    names = organisation_names({r.organisation_code for r in records if r.organisation_code})
    return [
        DisclosureRow(
            at=record.at,
            person=record.actor_username,
            organisation=names.get(record.organisation_code, "")
            if record.organisation_code
            else "",
            what=object_type_label(record.object_type),
            category=str(record.detail.get("category", "")),
            owner=str(record.detail.get("owner", "")),
            allowed=record.action == Action.READ,
            basis=basis_label(record.basis),
        )
        for record in records
    ]


def active_categories() -> QuerySet[DataCategory]:
    return DataCategory.objects.filter(is_active=True).order_by("sort_order", "name")


def recipient_choices(*, case: Case, releasing: Organisation | None) -> QuerySet[Organisation]:
    """Organisations a consent may name: active, in the case's municipality, not the releaser;
    and the social services of other municipalities, for a move (D48)."""
    organisations = Organisation.objects.filter(
        Q(municipality_id=case.municipality_id) | Q(kind=OrganisationKind.SOCIAL_SERVICES),
        is_active=True,
    )
    if releasing is not None:
        organisations = organisations.exclude(pk=releasing.pk)
    return organisations.order_by("name")
