"""Reading the audit log: only administrators, only their own municipality's records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.audit.models import AuditRecord, AuditSeal
from samsyn.organisations.models import Organisation, Person
from samsyn.organisations.selectors import admin_municipalities


@dataclass(frozen=True)
class AuditQuery:
    person: str = ""
    case: UUID | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_people_matching(*, viewer: Person, text: str) -> list[Person]:
    """People in the viewer's municipalities whose username, e-mail or name matches."""
    text = text.strip()
    if not text:
        return []
    query = Q(username__iexact=text) | Q(email__iexact=text)
    parts = text.split()
    name = Q()
    for part in parts:
        name &= Q(first_name__icontains=part) | Q(last_name__icontains=part)
    people = Person.objects.filter(query | name)
    if not viewer.is_superuser:
        people = people.filter(organisation__municipality__in=admin_municipalities(viewer=viewer))
    return list(people.only("pk", "code")[:50])


def audit_search(
    *, viewer: Person, query: AuditQuery
) -> tuple[QuerySet[AuditRecord], list[Person]]:
    """Records in the viewer's municipalities matching the query, newest first."""
    municipalities = admin_municipalities(viewer=viewer)
    records = AuditRecord.objects.all()
    if not viewer.is_superuser:
        records = records.filter(municipality_code__in=municipalities.values("code"))
    people: list[Person] = []
    if query.person:
        people = audit_people_matching(viewer=viewer, text=query.person)
        codes = [p.code for p in people]
        records = records.filter(
            Q(actor_code__in=codes)
            | Q(subject_code__in=codes)
            | Q(object_type="organisations.person", object_code__in=[str(c) for c in codes])
            | Q(actor_username__iexact=query.person.strip())
        )
    if query.case:
        records = records.filter(case_code=query.case)
    if query.action:
        records = records.filter(action=query.action)
    if query.date_from:
        records = records.filter(at__gte=_day_start(query.date_from))
    if query.date_to:
        records = records.filter(at__lt=_day_start(query.date_to + timedelta(days=1)))
    return records.order_by("-at", "-id"), people


def organisation_names(codes: set[UUID]) -> dict[UUID, str]:
    return dict(Organisation.objects.filter(code__in=codes).values_list("code", "name"))


# Audited reads that are not one model's rows: pages that gather several.
PAGE_LABELS: dict[str, Any] = {
    "portal.overview": _("Portalen: konton och inbjudningar"),
    "portal.group": _("Vilka som är med i gruppen"),
}


def object_type_label(label: str) -> str:
    if not label:
        return ""
    if label in PAGE_LABELS:
        return str(PAGE_LABELS[label])
    try:
        return str(apps.get_model(label)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return label


@dataclass(frozen=True)
class SealStatus:
    last_seal: AuditSeal | None
    unsealed: int


def audit_seal_status() -> SealStatus:
    """How far the log is sealed: the newest block and the records after it."""
    last = AuditSeal.objects.order_by("-number").first()
    after = last.last_record_id if last else 0
    return SealStatus(last_seal=last, unsealed=AuditRecord.objects.filter(id__gt=after).count())


def field_labels(object_type: str, fields: list[str]) -> list[str]:
    """Swedish labels for the field names an audit record lists."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return fields
    labels = []
    for name in fields:
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except Exception:  # not a model field (e.g. "roles", "password")
            labels.append(str(_EXTRA_FIELD_LABELS.get(name, name)))
    return labels


_EXTRA_FIELD_LABELS = {
    "roles": _("roller"),
    "password": _("lösenord"),
    "guardian": _("vårdnadshavare"),
}


def basis_label(basis: str) -> str:
    """The basis of an event in words: which role, which consent, which organisation."""
    if not basis:
        return ""
    kind, _sep, value = basis.partition(":")
    if kind == "role":
        from samsyn.organisations.models import Role

        return str(_("Roll: %(role)s")) % {
            "role": Role(value).label if value in Role.values else value
        }
    if kind == "consent":
        return str(_("Samtycke %(number)s")) % {"number": "#" + value.replace("-", "")[:6].upper()}
    return str(_BASIS_LABELS.get(basis, basis))


_BASIS_LABELS = {
    "own_organisation": _("Egen organisation"),
    "no_consent": _("Inget samtycke"),
    "not_member": _("Deltar inte i ärendet"),
    "password": _("Lösenord"),
}
