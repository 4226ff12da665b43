"""Every write about organisations, people and local policy: validated, transactional, audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import time
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.organisations.models import (
    CrimeCost,
    District,
    Instrument,
    LocalPolicy,
    Municipality,
    Organisation,
    Person,
    Role,
    RoleAssignment,
)

# The editable fields of each model, shared with the forms. Changes to these are recorded with old and new value; they are configuration, not
# personal data. Changes to people are recorded by field name only.
POLICY_FIELDS = [
    "target_age_min",
    "target_age_max",
    "meeting_cadence_weeks",
    "premeeting",
    "meeting_weekday",
    "meeting_time",
    "meeting_length_minutes",
    "motivation_phase",
    "followup_months",
    "consent_validity_months",
    "consent_guardians_only_below_age",
    "consent_youth_alone_from_age",
    "required_actor_kinds",
    "sig_cost_per_youth_year",
    "placement_cost_per_year",
    "feedback_recipient",
]
ORGANISATION_FIELDS = ["name", "kind", "district", "parent", "is_active"]
_PERSON_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "title",
    "phone",
    "organisation",
    "is_active",
]


def require_administers(actor: Person, *municipality_ids: int | None) -> None:
    """Defence in depth behind the views' access helpers: an administrator changes only
    their own municipality; only a superuser may change any."""
    if actor.is_superuser:
        return
    own = actor.organisation.municipality_id if actor.organisation is not None else None
    if (
        not actor.is_active
        or not actor.has_role(Role.ADMINISTRATOR)
        or own is None
        or any(m != own for m in municipality_ids)
    ):
        raise PermissionDenied(_("Du administrerar inte den här kommunen."))


def _apply(instance: Any, fields: Iterable[str], data: dict[str, Any]) -> list[str]:
    changed = []
    for field in fields:
        if field in data and getattr(instance, field) != data[field]:
            setattr(instance, field, data[field])
            changed.append(field)
    return changed


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return str(getattr(value, "code", value.pk))
    return value


@transaction.atomic
def municipality_create(*, actor: Person, name: str, municipality_number: str) -> Municipality:
    """Create a municipality with a default local policy, so that it is usable at once."""
    if not actor.is_superuser:
        raise PermissionDenied(_("Bara en systemadministratör kan lägga till kommuner."))
    municipality = Municipality(name=name.strip(), municipality_number=municipality_number.strip())
    municipality.full_clean()
    municipality.save()
    policy = LocalPolicy(municipality=municipality)
    policy.full_clean()
    policy.save()
    audit_record(
        actor=actor, action=Action.CREATE, target=municipality, municipality_code=municipality.code
    )
    return municipality


@transaction.atomic
def district_create(*, actor: Person, municipality: Municipality, name: str) -> District:
    require_administers(actor, municipality.pk)
    district = District(municipality=municipality, name=name.strip())
    district.full_clean()
    district.save()
    audit_record(actor=actor, action=Action.CREATE, target=district)
    return district


@transaction.atomic
def district_update(*, actor: Person, district: District, name: str) -> District:
    require_administers(actor, district.municipality_id)
    old = district.name
    district.name = name.strip()
    district.full_clean()
    district.save()
    if old != district.name:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=district,
            detail={"name": [old, district.name]},
        )
    return district


@transaction.atomic
def organisation_create(*, actor: Person, municipality: Municipality, **data: Any) -> Organisation:
    """Create an authority or branch: a new secrecy domain."""
    require_administers(actor, municipality.pk)
    organisation = Organisation(municipality=municipality)
    _apply(organisation, ORGANISATION_FIELDS, data)
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action=Action.CREATE, target=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, actor: Person, organisation: Organisation, **data: Any) -> Organisation:
    """Change an organisation. Rule: authorities and branches form one level, never deeper."""
    require_administers(actor, organisation.municipality_id)
    before = {f: _plain(getattr(organisation, f)) for f in ORGANISATION_FIELDS}
    changed = _apply(organisation, ORGANISATION_FIELDS, data)
    if organisation.parent_id is not None and organisation.branches.exists():
        raise ValidationError(
            {
                "parent": _(
                    "Organisationen har egna delar och kan därför inte själv vara del av "
                    "en annan myndighet."
                )
            }
        )
    organisation.full_clean()
    organisation.save()
    if changed:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=organisation,
            detail={f: [before[f], _plain(getattr(organisation, f))] for f in changed},
        )
    return organisation


def _roles_set(person: Person, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("Okänd roll: %s") % ", ".join(sorted(unknown))})
    current = set(person.role_assignments.values_list("role", flat=True))
    if wanted == current:
        return False
    person.role_assignments.exclude(role__in=wanted).delete()
    RoleAssignment.objects.bulk_create(
        RoleAssignment(person=person, role=r) for r in wanted - current
    )
    person._roles_cache = sorted(wanted)
    return True


def _without_empty_email(data: dict[str, Any]) -> dict[str, Any]:
    # The form sends "" for no address; it is stored as NULL, so "" is no change.
    if data.get("email") == "":
        return {**data, "email": None}
    return data


def _password_errors(person: Person, password: str) -> list[str]:
    try:
        password_validation.validate_password(password, user=person)
    except ValidationError as exc:
        return list(exc.messages)
    return []


@transaction.atomic
def person_create(*, actor: Person, roles: Iterable[str], password: str, **data: Any) -> Person:
    """Create a staff account. The person enrols a second factor at first sign-in.

    Rule: the initial password passes the same validators as one the person picks.
    """
    roles = list(roles)
    data = _without_empty_email(data)
    organisation = data.get("organisation")
    require_administers(actor, organisation.municipality_id if organisation else None)
    person = Person()
    _apply(person, _PERSON_FIELDS, data)
    person.set_password(password)
    errors: dict[str, Any] = {}
    try:
        person.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if weak := _password_errors(person, password):
        errors["password"] = weak
    if errors:
        raise ValidationError(errors)
    person.save()
    _roles_set(person, roles)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=person,
        subject_code=person.code,
        detail={"fields": sorted(k for k in data if k in _PERSON_FIELDS), "roles": sorted(roles)},
    )
    return person


@transaction.atomic
def person_update(*, actor: Person, person: Person, roles: Iterable[str], **data: Any) -> Person:
    """Change a staff account. Rule: administrators cannot lock themselves out."""
    roles = list(roles)
    new_organisation = data.get("organisation", person.organisation)
    require_administers(
        actor,
        person.municipality_id,
        new_organisation.municipality_id if new_organisation else None,
    )
    if person.pk == actor.pk and not actor.is_superuser:
        if data.get("is_active") is False:
            raise ValidationError(
                {
                    "is_active": _(
                        "Du kan inte stänga av ditt eget konto. Be en annan administratör."
                    )
                }
            )
        if Role.ADMINISTRATOR in person.roles and Role.ADMINISTRATOR not in roles:
            raise ValidationError(
                {
                    "roles": _(
                        "Du kan inte ta bort din egen roll som administratör. "
                        "Be en annan administratör."
                    )
                }
            )
    changed = _apply(person, _PERSON_FIELDS, _without_empty_email(data))
    person.full_clean()
    person.save()
    if _roles_set(person, roles):
        changed.append("roles")
    if "is_active" in changed and not person.is_active:
        # A deactivated account must not keep any open session.
        person.session_generation = uuid.uuid4()
        person.save(update_fields=["session_generation"])
    if changed:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=person,
            subject_code=person.code,
            detail={"fields": changed, **({"roles": sorted(roles)} if "roles" in changed else {})},
        )
    return person


@transaction.atomic
def person_set_password(*, actor: Person, person: Person, password: str) -> None:
    """Set a new password. Rule: it passes the configured password validators."""
    require_administers(actor, person.municipality_id)
    if weak := _password_errors(person, password):
        raise ValidationError({"password": weak})
    person.set_password(password)
    person.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=person,
        subject_code=person.code,
        detail={"fields": ["password"]},
    )


def _loggable(value: Any) -> Any:
    """A policy value as the audit log's JSON can hold it (times as "HH:MM", people by code)."""
    if isinstance(value, Person):
        return str(value.code)
    return value.strftime("%H:%M") if isinstance(value, time) else value


@transaction.atomic
def policy_update(
    *,
    actor: Person,
    policy: LocalPolicy,
    instruments: Iterable[Instrument] | None = None,
    crime_costs: list[tuple[str, int]] | None = None,
    **data: Any,
) -> LocalPolicy:
    """Change local policy. Rule: policy is data per municipality or district, never code."""
    require_administers(actor, policy.municipality_id)
    recipient = data.get("feedback_recipient")
    if recipient is not None and (
        not recipient.is_active
        or recipient.organisation is None
        or recipient.organisation.municipality_id != policy.municipality_id
    ):
        raise ValidationError(
            {"feedback_recipient": _("Välj en aktiv person som arbetar i kommunen.")}
        )
    before = {f: getattr(policy, f) for f in POLICY_FIELDS}
    changed = _apply(policy, POLICY_FIELDS, data)
    policy.full_clean()
    policy.save()
    detail: dict[str, Any] = {
        f: [_loggable(before[f]), _loggable(getattr(policy, f))] for f in changed
    }
    if instruments is not None:
        old = sorted(i.short_name for i in policy.instruments.all())
        policy.instruments.set(list(instruments))
        new = sorted(i.short_name for i in policy.instruments.all())
        if old != new:
            detail["instruments"] = [old, new]
    if crime_costs is not None:
        names = [name.strip() for name, _ in crime_costs]
        if len(set(n.lower() for n in names)) != len(names):
            raise ValidationError({"crime_costs": _("Samma brottstyp finns flera gånger.")})
        old_costs = {c.crime_type: c.amount_sek for c in policy.crime_costs.all()}
        new_costs = {name.strip(): amount for name, amount in crime_costs}
        if old_costs != new_costs:
            policy.crime_costs.all().delete()
            for name, amount in new_costs.items():
                cost = CrimeCost(policy=policy, crime_type=name, amount_sek=amount)
                try:
                    cost.full_clean()
                except ValidationError as exc:
                    raise ValidationError(
                        {"crime_costs": [f"{name or '–'}: {m}" for m in exc.messages]}
                    ) from exc
                cost.save()
            detail["crime_costs"] = [old_costs, new_costs]
    if detail:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=policy,
            municipality_code=policy.municipality.code,
            detail=detail,
        )
    return policy


@transaction.atomic
def district_policy_create(*, actor: Person, district: District) -> LocalPolicy:
    """Give a district its own policy, starting as a copy of its municipality's."""
    require_administers(actor, district.municipality_id)
    if hasattr(district, "policy"):
        return district.policy
    # A municipality without a policy of its own (made outside the services) gives defaults.
    base = LocalPolicy.objects.filter(
        municipality=district.municipality, district__isnull=True
    ).first()
    policy = LocalPolicy(municipality=district.municipality, district=district)
    if base is not None:
        for field in POLICY_FIELDS:
            setattr(policy, field, getattr(base, field))
    policy.full_clean()
    policy.save()
    if base is not None:
        policy.instruments.set(base.instruments.all())
        CrimeCost.objects.bulk_create(
            CrimeCost(policy=policy, crime_type=c.crime_type, amount_sek=c.amount_sek)
            for c in base.crime_costs.all()
        )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=policy,
        detail={"copied_from": str(base.code) if base is not None else None},
    )
    return policy


@transaction.atomic
def district_policy_remove(*, actor: Person, policy: LocalPolicy) -> None:
    """Let a district follow its municipality's policy again."""
    require_administers(actor, policy.municipality_id)
    if policy.district_id is None:
        raise ValidationError(_("Kommunens egna riktlinjer kan inte tas bort."))
    code = policy.code
    municipality_code = policy.municipality.code
    policy.instruments.clear()
    policy.crime_costs.all().delete()
    policy.delete()
    audit_record(
        actor=actor,
        action=Action.DELETE,
        object_type="organisations.localpolicy",
        object_code=str(code),
        municipality_code=municipality_code,
    )
