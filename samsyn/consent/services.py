"""Recording, renewing and revoking consents.

Rules (DOMAIN.md, "Consent rules"): each organisation records the consents it obtained itself;
a consent names categories and recipients, never "everything"; who must give it follows the
local age rule; a minor consenting alone needs a recorded maturity assessment; data about two
people needs both; a revocation takes effect at once and deletes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.models import Case, Guardian, GuardianRole
from samsyn.cases.rules import require_information_before_consent, require_member
from samsyn.consent.models import (
    AgeRule,
    Consent,
    ConsentForm,
    ConsentGiver,
    DataCategory,
    GiverRole,
)
from samsyn.lib.dates import add_months
from samsyn.lib.personnummer import age_on
from samsyn.organisations.models import Organisation, OrganisationKind, Person
from samsyn.organisations.selectors import policy_for

if TYPE_CHECKING:
    from samsyn.portal.models import PortalAccount


@dataclass(frozen=True)
class Giver:
    """Who gives the consent: the youth (guardian None) or one of the youth's guardians."""

    role: str
    guardian: Guardian | None = None


def required_givers(*, case: Case, on: date) -> tuple[str, int, list[Guardian]]:
    """The local age rule for the youth on `on`, the age, and the guardians who must consent."""
    policy = policy_for(municipality=case.municipality, district=case.district)
    age = age_on(case.youth.date_of_birth, on)
    rule = (
        policy.consent_rule_for_age(age)
        if policy
        else (
            AgeRule.GUARDIANS
            if age < 15
            else AgeRule.GUARDIANS_AND_YOUTH
            if age < 18
            else AgeRule.YOUTH
        )
    )
    custodians = [
        g for g in case.youth.guardians.all() if g.role == GuardianRole.GUARDIAN and g.has_custody
    ]
    return rule, age, custodians


def _check_givers(
    *,
    case: Case,
    givers: Sequence[Giver],
    rule: str,
    age: int,
    custodians: list[Guardian],
    maturity_assessment: str,
) -> None:
    if not givers:
        raise ValidationError({"givers": _("Ange vem som lämnade samtycket.")})
    for giver in givers:
        if giver.role == GiverRole.YOUTH and giver.guardian is not None:
            raise ValidationError({"givers": _("Ungdomen anges utan vårdnadshavare.")})
        if giver.role != GiverRole.YOUTH and (
            giver.guardian is None or giver.guardian.youth_id != case.youth_id
        ):
            raise ValidationError({"givers": _("Vårdnadshavaren hör inte till ärendet.")})
        if giver.guardian is not None and giver.role != giver.guardian.role:
            # A parent cannot stand in for the other parent by being called a representative.
            raise ValidationError(
                {
                    "givers": _("%(name)s är registrerad som %(role)s.")
                    % {"name": giver.guardian, "role": giver.guardian.get_role_display().lower()}
                }
            )
    named = [g.guardian.pk if g.guardian is not None else None for g in givers]
    if len(named) != len(set(named)):
        raise ValidationError({"givers": _("Samma person är angiven flera gånger.")})
    youth_gave = any(g.role == GiverRole.YOUTH for g in givers)
    given_by = {g.guardian.pk for g in givers if g.guardian is not None}
    representative = any(g.role == GiverRole.LEGAL_REPRESENTATIVE for g in givers)
    guardians_gave = representative or (
        bool(custodians) and all(c.pk in given_by for c in custodians)
    )
    alone = youth_gave and not given_by
    if age < 18 and alone:
        # A minor may consent alone only after an individual assessment of maturity.
        if not maturity_assessment.strip():
            raise ValidationError(
                {
                    "maturity_assessment": _(
                        "Ungdomen är under 18 år och samtycker ensam: skriv mognadsbedömningen."
                    )
                }
            )
        return
    if rule == AgeRule.YOUTH and not youth_gave and not representative:
        raise ValidationError({"givers": _("Ungdomen är vuxen och måste själv samtycka.")})
    if rule in (AgeRule.GUARDIANS, AgeRule.GUARDIANS_AND_YOUTH) and not guardians_gave:
        if not custodians and not representative:
            raise ValidationError(
                {"givers": _("Registrera vårdnadshavarna i ärendet innan samtycket registreras.")}
            )
        missing = ", ".join(str(c) for c in custodians if c.pk not in given_by)
        raise ValidationError(
            {
                "givers": _("Alla vårdnadshavare måste samtycka. Saknas: %(names)s.")
                % {"names": missing}
            }
        )
    if rule == AgeRule.GUARDIANS_AND_YOUTH and not youth_gave:
        raise ValidationError(
            {
                "givers": _(
                    "Ungdomen är %(age)s år och måste samtycka tillsammans med vårdnadshavarna."
                )
                % {"age": age}
            }
        )


@transaction.atomic
def consent_record(
    *,
    actor: Person,
    case: Case,
    categories: Iterable[DataCategory],
    recipients: Iterable[Organisation],
    givers: Sequence[Giver],
    form: str,
    given_on: date,
    valid_until: date | None = None,
    document: UploadedFile | None = None,
    oral_note: str = "",
    maturity_assessment: str = "",
    also_about: Guardian | None = None,
    renews: Consent | None = None,
) -> Consent:
    """Record a consent the actor's own organisation obtained.

    Rule: before the decision, only once the youth has been told all six points."""
    require_member(actor, case)
    require_information_before_consent(case)
    releasing = actor.organisation
    if releasing is None:
        raise PermissionDenied(_("Du hör inte till någon organisation."))
    categories = list(categories)
    recipients = list(recipients)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not categories:
        errors["categories"] = [_("Välj minst en kategori av uppgifter.")]
    if not recipients:
        errors["recipients"] = [_("Välj minst en mottagare.")]
    if any(r.pk == releasing.pk for r in recipients):
        errors["recipients"] = [
            _("Din egen organisation behöver inget samtycke för sina egna uppgifter.")
        ]
    # Outside the municipality only social services may receive: the receiving municipality
    # when the youth moves (D48, the case export).
    if any(
        not r.is_active
        or (
            r.municipality_id != case.municipality_id and r.kind != OrganisationKind.SOCIAL_SERVICES
        )
        for r in recipients
    ):
        errors["recipients"] = [_("En mottagare hör inte till kommunen eller är inte aktiv.")]
    if given_on > today:
        errors["given_on"] = [_("Samtycket kan inte ha lämnats i framtiden.")]
    if form == ConsentForm.WRITTEN and document is None and renews is None:
        errors["document"] = [_("Ladda upp det inskannade, undertecknade samtycket.")]
    if form == ConsentForm.ORAL and not oral_note.strip():
        errors["oral_note"] = [_("Skriv när, hur och för vem samtycket lämnades muntligt.")]
    if form not in ConsentForm.values:
        errors["form"] = [_("Välj om samtycket är skriftligt eller muntligt.")]
    if also_about is not None and (
        also_about.youth_id != case.youth_id
        or not any(g.guardian is not None and g.guardian.pk == also_about.pk for g in givers)
    ):
        errors["also_about"] = [
            _("Uppgifter om en vårdnadshavare kräver att vårdnadshavaren själv samtycker.")
        ]
    if errors:
        raise ValidationError(errors)
    rule, age, custodians = required_givers(case=case, on=given_on)
    _check_givers(
        case=case,
        givers=givers,
        rule=rule,
        age=age,
        custodians=custodians,
        maturity_assessment=maturity_assessment,
    )
    if valid_until is None:
        policy = policy_for(municipality=case.municipality, district=case.district)
        if policy is not None:
            valid_until = add_months(given_on, policy.consent_validity_months)
    consent = Consent(
        case=case,
        releasing_organisation=releasing,
        also_about=also_about,
        form=form,
        oral_note=oral_note.strip(),
        given_on=given_on,
        valid_until=valid_until,
        age_at_consent=age,
        age_rule=rule,
        maturity_assessment=maturity_assessment.strip(),
        recorded_by=actor,
        renews=renews,
    )
    if document is not None:
        consent.document = document
    elif renews is not None and form == ConsentForm.WRITTEN:
        consent.document = renews.document
    consent.full_clean()
    consent.save()
    consent.categories.set(categories)
    consent.recipients.set(recipients)
    ConsentGiver.objects.bulk_create(
        ConsentGiver(consent=consent, role=g.role, guardian=g.guardian) for g in givers
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=consent,
        case_code=case.code,
        subject_code=case.youth.code,
        municipality_code=case.municipality.code,
        detail={
            "categories": sorted(c.slug for c in categories),
            "recipients": sorted(str(r.code) for r in recipients),
            "valid_until": valid_until.isoformat() if valid_until else None,
            "renews": str(renews.code) if renews else None,
        },
    )
    return consent


@transaction.atomic
def consent_renew(
    *,
    actor: Person,
    consent: Consent,
    givers: Sequence[Giver],
    form: str,
    given_on: date,
    valid_until: date | None = None,
    document: UploadedFile | None = None,
    oral_note: str = "",
    maturity_assessment: str = "",
) -> Consent:
    """Renew: a new consent with the same scope, pointing to the old one (kept as history)."""
    # Read it again, locked: a revocation recorded meanwhile must not be renewed away.
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.releasing_organisation_id != actor.organisation_id:
        raise PermissionDenied(_("Bara organisationen som fick samtycket kan förnya det."))
    if consent.revoked_at is not None:
        raise ValidationError(_("Ett återkallat samtycke kan inte förnyas. Registrera ett nytt."))
    return consent_record(
        actor=actor,
        case=consent.case,
        categories=consent.categories.all(),
        recipients=consent.recipients.all(),
        givers=givers,
        form=form,
        given_on=given_on,
        valid_until=valid_until,
        document=document,
        oral_note=oral_note,
        maturity_assessment=maturity_assessment,
        also_about=consent.also_about,
        renews=consent,
    )


def _mark_revoked(
    consent: Consent, *, at: datetime, by: str, how: str, recorded_by: Person | None
) -> None:
    """Record the revocation on the (locked) consent: from `at`, nothing more is disclosed
    under it. The one place both revocations (staff and portal) write it."""
    consent.revoked_at = at
    consent.revoked_by = by
    consent.revocation_how = how
    consent.revocation_recorded_by = recorded_by
    consent.save(
        update_fields=[
            "revoked_at",
            "revoked_by",
            "revocation_how",
            "revocation_recorded_by",
            "updated_at",
        ]
    )


@transaction.atomic
def consent_revoke(
    *, actor: Person, consent: Consent, revoked_by: str, how: str, at: datetime | None = None
) -> Consent:
    """Withdraw a consent. Rule: it takes effect at once; nothing is deleted."""
    case = consent.case
    require_member(actor, case)
    if actor.organisation_id not in (consent.releasing_organisation_id, case.owner_id):
        raise PermissionDenied(
            _(
                "Återkallelsen registreras av organisationen som fick samtycket eller av samordnaren."
            )
        )
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at is not None:
        raise ValidationError(_("Samtycket är redan återkallat."))
    errors = {}
    if not revoked_by.strip():
        errors["revoked_by"] = [_("Ange vem som återkallade samtycket.")]
    if not how.strip():
        errors["how"] = [_("Ange hur samtycket återkallades, t.ex. muntligt i telefon.")]
    if errors:
        raise ValidationError(errors)
    _mark_revoked(
        consent, at=at or timezone.now(), by=revoked_by.strip(), how=how.strip(), recorded_by=actor
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=consent,
        case_code=case.code,
        subject_code=case.youth.code,
        municipality_code=case.municipality.code,
        detail={"revoked": True},
    )
    return consent


@transaction.atomic
def category_save(
    *,
    actor: Person,
    category: DataCategory | None,
    name: str,
    description: str,
    sort_order: int,
    is_active: bool,
) -> DataCategory:
    """Add or change a data category. Rule: only a system administrator (superuser) changes
    the list, which every municipality shares; a category is never deleted, only retired,
    because consents and items keep pointing to it."""
    if not actor.is_superuser:
        raise PermissionDenied(_("Bara en systemadministratör ändrar uppgiftskategorierna."))
    from django.utils.text import slugify

    creating = category is None
    if category is None:
        base = slugify(name)[:36] or "kategori"
        slug, n = base, 2
        while DataCategory.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        category = DataCategory(slug=slug)
    if category.identifying and not is_active:
        raise ValidationError({"is_active": _("Kategorin för identitet kan inte tas ur bruk.")})
    before = {"name": category.name, "is_active": category.is_active}
    category.name = name.strip()
    category.description = description.strip()
    category.sort_order = sort_order
    category.is_active = is_active
    category.full_clean()
    category.save()
    audit_record(
        actor=actor,
        action=Action.CREATE if creating else Action.UPDATE,
        target=category,
        object_code=category.slug,
        detail={"before": before, "after": {"name": category.name, "is_active": is_active}},
    )
    return category


# --- withdrawing in the portal ------------------------------------------------------------


def _portal_revoker(account: PortalAccount) -> str:
    if account.is_youth:
        return _("Ungdomen (i portalen)")
    return _("%(name)s (vårdnadshavare, i portalen)") % {"name": account.guardian}


@transaction.atomic
def consent_withdraw_in_portal(
    *,
    account: PortalAccount,
    consent: Consent,
    recipients: list[Organisation] | None,
    at: datetime | None = None,
) -> Consent | None:
    """The youth or a guardian takes a consent back in the portal, for every recipient or
    for some of them. The same mechanism as `consent_revoke`: it takes effect at once and
    nothing is deleted.

    Rules: only a current consent (not revoked, not renewed, not ended) of the account's own
    case that the account's person gave (`PortalAccess.may_withdraw`); for some recipients
    only, the consent is revoked and what remains is recorded as a new consent
    (`remains_of`) with the same givers, dates, categories and documents and the remaining
    recipients. The coordinator gets a notice. Returns the remainder, or None.
    """
    from samsyn.consent.policy import portal_access, portal_audit_fields
    from samsyn.portal.models import NoticeKind
    from samsyn.portal.services import notify_coordinator

    if not account.is_active:
        raise PermissionDenied(_("Kontot är stängt."))
    # Read it again, locked: a revocation or renewal recorded meanwhile wins.
    locked = Consent.objects.select_for_update().filter(pk=consent.pk).first()
    if locked is None or locked.case_id != account.case_id:
        raise PermissionDenied(_("Samtycket hör inte till ditt ärende."))
    access = portal_access(account=account)
    consent = next(c for c in access.consents if c.pk == locked.pk)
    if not access.sees_consent(consent):
        raise PermissionDenied(_("Samtycket hör inte till ditt ärende."))
    if consent.revoked_at is not None:
        raise ValidationError(_("Samtycket är redan taget tillbaka."))
    if access.is_renewed(consent):
        raise ValidationError(
            _("Samtycket har ersatts av ett nytt. Ta tillbaka det nya i stället.")
        )
    if not access.is_current(consent):
        raise ValidationError(_("Samtycket har redan gått ut."))
    if not access.may_withdraw(consent):
        raise PermissionDenied(_("Du kan bara ta tillbaka ett samtycke som du själv har lämnat."))
    current = sorted(consent.recipients.all(), key=lambda o: o.name)
    if recipients is None:
        chosen = current
    else:
        wanted = {r.pk for r in recipients}
        if not wanted:
            raise ValidationError(
                {"recipients": _("Välj vilka som inte längre ska få uppgifterna.")}
            )
        if not wanted <= {r.pk for r in current}:
            raise ValidationError({"recipients": _("Samtycket gäller inte den mottagaren.")})
        chosen = [r for r in current if r.pk in wanted]
    remaining = [r for r in current if r not in chosen]
    when = at or timezone.now()
    names = ", ".join(r.name for r in chosen)
    how = _("Tog tillbaka samtycket i portalen.")
    if remaining:
        how += " " + (
            _("Bara för: %(names)s. Resten gäller som ett nytt samtycke.") % {"names": names}
        )
    _mark_revoked(consent, at=when, by=_portal_revoker(account), how=how, recorded_by=None)
    audit_record(
        **portal_audit_fields(
            account,
            action=Action.UPDATE,
            object_type="consent.consent",
            object_code=str(consent.code),
            revoked=True,
            withdrawn_for=sorted(str(r.code) for r in chosen),
        )
    )
    remainder = None
    if remaining:
        happened = _(
            "Kvarstår av samtycke %(number)s, som togs tillbaka i portalen den %(day)s för: "
            "%(names)s."
        ) % {
            "number": consent.number,
            "day": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
            "names": names,
        }
        remainder = Consent(
            case=consent.case,
            releasing_organisation=consent.releasing_organisation,
            also_about=consent.also_about,
            form=consent.form,
            document=consent.document.name if consent.document else "",
            oral_note=f"{consent.oral_note}\n\n{happened}" if consent.oral_note else happened,
            given_on=consent.given_on,
            valid_until=consent.valid_until,
            age_at_consent=consent.age_at_consent,
            age_rule=consent.age_rule,
            maturity_assessment=consent.maturity_assessment,
            recorded_by=consent.recorded_by,
            remains_of=consent,
        )
        remainder.full_clean()
        remainder.save()
        remainder.categories.set(list(consent.categories.all()))
        remainder.recipients.set(remaining)
        ConsentGiver.objects.bulk_create(
            ConsentGiver(consent=remainder, role=g.role, guardian_id=g.guardian_id)
            for g in consent.givers.all()
        )
        audit_record(
            **portal_audit_fields(
                account,
                action=Action.CREATE,
                object_type="consent.consent",
                object_code=str(remainder.code),
                remains_of=str(consent.code),
                categories=sorted(c.slug for c in consent.categories.all()),
                recipients=sorted(str(r.code) for r in remaining),
                valid_until=consent.valid_until.isoformat() if consent.valid_until else None,
            )
        )
    notify_coordinator(
        consent.case,
        NoticeKind.CONSENT_WITHDRAWN,
        _("Samtycke %(number)s i ärende %(code)s har tagits tillbaka i portalen för: %(names)s.")
        % {"number": consent.number, "code": consent.case.anonymous_code, "names": names}
        + (
            " " + _("Det som kvarstår är samtycke %(number)s.") % {"number": remainder.number}
            if remainder is not None
            else ""
        ),
    )
    return remainder
