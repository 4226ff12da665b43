"""Writes: correct an item (rättelse) and restrict it or lift the restriction (begränsning).

Rules: only a member of the case from the item's owner organisation corrects, restricts or
lifts; every write states a reason, is atomic and is audited (UPDATE, basis "rättelse",
"begränsning" or "begränsning hävd"), with field names and codes only, never the wording.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.models import Case, CaseItem
from samsyn.cases.rules import require_member
from samsyn.organisations.models import Person
from samsyn.rectification.kinds import BY_OBJECT_TYPE
from samsyn.rectification.models import Correction, Restriction

BASIS_CORRECTION = "rättelse"
BASIS_RESTRICTION = "begränsning"
BASIS_LIFT = "begränsning hävd"


def _require_owner_staff(actor: Person, case: Case, item: CaseItem) -> None:
    require_member(actor, case)
    if item.case_id != case.pk:
        raise ValidationError(_("Uppgiften hör inte till ärendet."))
    if actor.organisation_id is None or actor.organisation_id != item.owner_id:
        raise PermissionDenied(
            _("Bara den organisation som har registrerat uppgiften kan rätta eller begränsa den.")
        )


def _reason(reason: str, field: str = "reason") -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({field: _("Skriv varför.")})
    return reason


def _audit(actor: Person, case: Case, item: CaseItem, basis: str, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=item,
        case_code=case.code,
        subject_code=case.youth.code,
        municipality_code=case.municipality.code,
        basis=basis,
        detail=detail,
    )


@transaction.atomic
def item_correct(
    *, actor: Person, case: Case, item: CaseItem, values: dict[str, str], reason: str
) -> list[Correction]:
    """Correct the wording of an item, keeping each previous wording with who, when and why.

    Rule: only the owner organisation's staff in the case; only the kind's free-text fields;
    at least one of them changed; the item stays valid (e.g. a note keeps its title)."""
    _require_owner_staff(actor, case, item)
    kind = BY_OBJECT_TYPE.get(item._meta.label_lower)
    if kind is None:
        raise ValidationError(_("Den här sortens uppgift kan inte rättas här."))
    unknown = set(values) - set(kind.fields)
    if unknown:
        raise ValidationError(
            _("Fältet kan inte rättas: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    why = _reason(reason)
    locked = type(item)._default_manager.select_for_update().get(pk=item.pk)
    changed = {
        name: value.strip()
        for name, value in values.items()
        if value.strip() != (getattr(locked, name) or "").strip()
    }
    if not changed:
        raise ValidationError(_("Ingenting är ändrat. Skriv den rättade lydelsen."))
    previous = {name: getattr(locked, name) for name in changed}
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save(update_fields=[*changed, "updated_at"])
    now = timezone.now()
    corrections = [
        Correction(
            case=case,
            object_type=kind.object_type,
            object_code=locked.code,
            field=name,
            previous_value=previous[name],
            new_value=value,
            reason=why,
            corrected_at=now,
            corrected_by=actor,
        )
        for name, value in changed.items()
    ]
    for correction in corrections:
        correction.full_clean()
    Correction.objects.bulk_create(corrections)
    for name, value in changed.items():
        setattr(item, name, value)
    _audit(actor, case, locked, BASIS_CORRECTION, fields=sorted(changed))
    return corrections


@transaction.atomic
def item_restrict(*, actor: Person, case: Case, item: CaseItem, reason: str) -> Restriction:
    """Restrict an item: from now on only its owner organisation sees it (GDPR art. 18).

    Rule: only the owner organisation's staff in the case, with a reason; one live restriction
    per item."""
    _require_owner_staff(actor, case, item)
    why = _reason(reason)
    key = {"object_type": item._meta.label_lower, "object_code": item.code}
    if Restriction.objects.filter(lifted_at__isnull=True, **key).exists():
        raise ValidationError(_("Uppgiften är redan begränsad."))
    restriction = Restriction(
        case=case, owner_id=item.owner_id, reason=why, restricted_by=actor, **key
    )
    restriction.full_clean()
    try:
        with transaction.atomic():
            restriction.save()
    except IntegrityError as exc:  # a concurrent restriction of the same item won
        raise ValidationError(_("Uppgiften är redan begränsad.")) from exc
    _audit(actor, case, item, BASIS_RESTRICTION)
    return restriction


@transaction.atomic
def item_restriction_lift(*, actor: Person, case: Case, item: CaseItem, reason: str) -> Restriction:
    """Lift the item's restriction: it is shown again as the consents allow.

    Rule: only the owner organisation's staff in the case, with a reason."""
    _require_owner_staff(actor, case, item)
    why = _reason(reason)
    restriction = (
        Restriction.objects.select_for_update()
        .filter(object_type=item._meta.label_lower, object_code=item.code, lifted_at__isnull=True)
        .first()
    )
    if restriction is None:
        raise ValidationError(_("Uppgiften är inte begränsad."))
    restriction.lifted_at = timezone.now()
    restriction.lifted_by = actor
    restriction.lift_reason = why
    restriction.full_clean()
    restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    _audit(actor, case, item, BASIS_LIFT)
    return restriction
