"""The case export and the register extract: each produces a document and writes the audit
records that say so, in one transaction (D48)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_build, audit_bulk
from samsyn.cases.models import Case
from samsyn.consent import policy
from samsyn.dataprotection import export, extract, selectors
from samsyn.dataprotection.rows import name_of
from samsyn.lib import personnummer as pnr
from samsyn.organisations.models import Organisation, OrganisationKind, Person

EXTRACT_BASIS = "registerutdrag"


def case_export(*, actor: Person, case: Case, recipient: Organisation) -> export.Export:
    """Export the case for the social services of the municipality the youth moves to.

    Rule: only the owner's coordinator; only to another municipality's social services; only
    while a live consent lets the owner release the youth's identity to it; each item only
    when the one door lets its owner release it to the recipient. Every exported item is
    recorded as an export (a disclosure) with the consent it relied on; a refusal is recorded
    too, and nothing is exported.
    """
    if not selectors.may_export(actor, case):
        raise ValidationError(_("Bara samordnaren i den ansvariga organisationen kan exportera."))
    if (
        recipient.kind != OrganisationKind.SOCIAL_SERVICES
        or recipient.municipality_id == case.municipality_id
        or not recipient.is_active
    ):
        raise ValidationError(
            {"recipient": _("Välj socialtjänsten i den kommun som ungdomen flyttar till.")}
        )
    access = policy.case_access(viewer=actor, case=case)
    # The format's texts (choices, categories' labels) are Swedish whatever the UI language.
    with translation.override("sv"):
        built = export.build_export(actor=actor, case=case, recipient=recipient, access=access)
    common: dict[str, Any] = {
        "actor": actor,
        "case_code": case.code,
        "subject_code": case.youth.code,
        "municipality_code": case.municipality.code,
    }
    if built is None:
        # Recorded outside any transaction of the caller's: the refusal stays in the log.
        audit_bulk(
            [
                audit_build(
                    **common,
                    action=Action.REFUSED,
                    object_type="dataprotection.caseexport",
                    object_code=str(case.code),
                    basis=str(policy.Basis.NO_CONSENT),
                    detail={"recipient": str(recipient.code)},
                )
            ]
        )
        raise ValidationError(
            _(
                "Inget gällande samtycke låter %(owner)s lämna ut ungdomens identitet till "
                "%(recipient)s. Registrera först ett samtycke där ungdomen (och "
                "vårdnadshavarna, efter åldersregeln) godkänner att uppgifterna lämnas till "
                "%(recipient)s. Ingenting har exporterats."
            )
            % {"owner": case.owner.name, "recipient": str(recipient)}
        )
    detail = {"recipient": str(recipient.code), "format": f"{export.FORMAT}/{export.VERSION}"}
    records = [
        audit_build(
            **common,
            action=Action.EXPORT,
            object_type="cases.youth",
            object_code=str(case.youth.code),
            basis=built.identity.audit_basis,
            detail=detail,
        )
    ]
    records += [
        audit_build(
            **common,
            action=Action.EXPORT,
            object_type=exported.item._meta.label_lower,
            object_code=str(exported.item.code),
            basis=exported.decision.audit_basis,
            detail=detail,
        )
        for exported in built.items
    ]
    with transaction.atomic():
        audit_bulk(records)
    return built


@transaction.atomic
def register_extract(*, actor: Person, personnummer: str, output: str) -> extract.RegisterExtract:
    """Produce the register extract of the person with `personnummer`, for that person.

    Rule: only an administrator, only for people registered in the municipalities they
    administer; complete (not filtered by consent: it is the person's own data); producing it
    is recorded as an export with the basis "registerutdrag" for each record of the person.
    """
    selectors.extract_require(viewer=actor)
    try:
        number = pnr.parse(personnummer, today=timezone.localdate())
    except ValidationError as exc:
        raise ValidationError({"personnummer": exc.messages}) from exc
    youths = selectors.youths_with(viewer=actor, personnummer=number.normalised)
    guardians = selectors.guardians_with(viewer=actor, personnummer=number.normalised)
    result = extract.RegisterExtract(
        personnummer=str(number),
        produced_at=timezone.localtime().isoformat(timespec="seconds"),
        produced_by=name_of(actor),
        organisation=actor.organisation.name if actor.organisation else "",
        as_youth=extract.youth_extract(youths),
        as_guardian=extract.guardian_extract(guardians),
    )
    action = Action.SEARCH if output == "html" else Action.EXPORT
    records = [
        audit_build(
            actor=actor,
            action=action,
            object_type="cases.youth",
            object_code=str(youth.code),
            subject_code=youth.code,
            basis=EXTRACT_BASIS,
            detail={"format": output},
        )
        for youth in youths
    ]
    records += [
        audit_build(
            actor=actor,
            action=action,
            object_type="cases.guardian",
            object_code=str(guardian.code),
            subject_code=guardian.code,
            basis=EXTRACT_BASIS,
            detail={"format": output},
        )
        for guardian in guardians
    ]
    if not records:
        # A search that found nobody is logged too, without what was typed.
        records.append(
            audit_build(
                actor=actor,
                action=Action.SEARCH,
                object_type="dataprotection.extract",
                basis=EXTRACT_BASIS,
                detail={"format": output, "found": 0},
            )
        )
    audit_bulk(records)
    return result
