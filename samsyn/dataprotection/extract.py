"""The register extract (registerutdrag, GDPR art. 15): everything samsyn stores about one
person, and every disclosure of it, for staff to hand over to that person (D48).

What belongs to a person is found from the models, not from a list kept by hand: every model
with a foreign key that leads, through any chain of foreign keys, to the person's `Youth` rows
(for a youth) or `Guardian` rows (for a guardian) is read, each with one query. A model added
later by any app is in the extract without anyone remembering to add it here; a test counts
every row that refers to a case and checks that the extract holds it.

The extract is complete: the controller produces it for the data subject, so it is not the
consent-policy view of the staff member who prints it (D48).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any
from uuid import UUID

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from samsyn.audit.models import Action, AuditRecord
from samsyn.audit.selectors import object_type_label
from samsyn.cases.models import Guardian, Youth
from samsyn.dataprotection.rows import (
    code_map,
    name_of,
    readable_fields,
    related_to_select,
    value_of,
)
from samsyn.organisations.models import Organisation, Person

FORMAT = "samsyn-registerutdrag"
VERSION = 1

# Consents a guardian gave point to the guardian through their givers, not by a foreign key.
EXTRA_PATHS: dict[type[models.Model], dict[str, list[str]]] = {
    Guardian: {"consent.Consent": ["givers__guardian"]},
}
DISCLOSURE_ACTIONS = (Action.READ, Action.EXPORT)


def _foreign_keys(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and f.many_to_one and not isinstance(f.related_model, str)
    ]


def reach(root: type[models.Model]) -> dict[type[models.Model], list[str]]:
    """Every model whose rows belong to a person of `root`, with the lookup paths (to the
    root's primary key) that select them; the root itself first."""
    primary: dict[type[models.Model], str] = {root: "pk"}
    candidates = [m for m in apps.get_models() if m is not root]
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model in primary:
                continue
            for fk in _foreign_keys(model):
                target = fk.related_model
                if target in primary and target is not model:
                    path = primary[target]  # type: ignore[index]
                    primary[model] = fk.name if path == "pk" else f"{fk.name}__{path}"
                    grew = True
                    break
    extra = EXTRA_PATHS.get(root, {})
    paths: dict[type[models.Model], list[str]] = {root: ["pk"]}
    for model in primary:
        if model is root:
            continue
        found = []
        for fk in _foreign_keys(model):
            target = fk.related_model
            if target in primary and target is not model:
                path = primary[target]  # type: ignore[index]
                found.append(fk.name if path == "pk" else f"{fk.name}__{path}")
        found.extend(extra.get(model._meta.label, []))
        paths[model] = found
    return paths


@dataclass
class Section:
    """The rows of one model about the person."""

    label: str
    name: str
    columns: list[tuple[str, str]]  # (field name, Swedish label)
    rows: list[dict[str, Any]]


@dataclass
class Disclosure:
    at: str
    action: str
    actor: str
    organisation: str
    object: str
    case: str
    basis: str


@dataclass
class PersonExtract:
    """What is stored about the person in one capacity (youth, or guardian)."""

    capacity: str
    sections: list[Section] = field(default_factory=list)
    disclosures: list[Disclosure] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(s.rows) for s in self.sections)


def _read(
    root: type[models.Model], ids: list[int]
) -> tuple[list[tuple[type[models.Model], list[models.Model]]], dict[str, dict[int, str]]]:
    paths = reach(root)
    known = {m._meta.label for m in paths}
    codes: dict[str, dict[int, str]] = {}
    loaded = []
    for model, lookups in paths.items():
        if not lookups:
            continue
        condition = reduce(or_, (Q(**{f"{path}__in": ids}) for path in lookups))
        m2m = [f.name for f in model._meta.many_to_many]
        rows = list(
            model._default_manager.filter(condition)
            .distinct()
            .select_related(*related_to_select(model, known=known))
            .prefetch_related(*m2m)
            .order_by("pk")
        )
        codes[model._meta.label] = code_map(rows)
        loaded.append((model, rows))
    return loaded, codes


def _sections(
    loaded: list[tuple[type[models.Model], list[models.Model]]], codes: dict[str, dict[int, str]]
) -> list[Section]:
    sections = []
    for model, rows in loaded:
        if not rows:
            continue
        fields = [f for f in readable_fields(model) if f.name != "id"]
        m2m = list(model._meta.many_to_many)
        columns = [(f.name, str(f.verbose_name)) for f in [*fields, *m2m]]
        read = []
        for row in rows:
            values = {f.name: value_of(row, f, codes) for f in fields}
            for f in m2m:
                values[f.name] = sorted(name_of(o) for o in getattr(row, f.name).all())
            read.append(values)
        sections.append(
            Section(
                label=model._meta.label_lower,
                name=str(model._meta.verbose_name_plural),
                columns=columns,
                rows=read,
            )
        )
    return sections


def _disclosures(condition: Q, *, consent_numbers: dict[str, str]) -> list[Disclosure]:
    records = list(
        AuditRecord.objects.filter(condition, action__in=DISCLOSURE_ACTIONS).order_by("at", "id")
    )
    org_codes = {r.organisation_code for r in records if r.organisation_code}
    organisations = dict(
        Organisation.objects.filter(code__in=org_codes).values_list("code", "name")
    )
    actor_codes = {r.actor_code for r in records if r.actor_code}
    people = {
        p.code: p.get_full_name() or p.username
        for p in Person.objects.filter(code__in=actor_codes).only(
            "code", "first_name", "last_name", "username"
        )
    }
    actions = dict(Action.choices)
    out = []
    for record in records:
        basis = record.basis
        if basis.startswith("consent:"):
            number = consent_numbers.get(basis.removeprefix("consent:"))
            basis = f"samtycke {number}" if number else basis
        actor = people.get(record.actor_code) if record.actor_code else None
        out.append(
            Disclosure(
                at=timezone.localtime(record.at).isoformat(timespec="seconds"),
                action=str(actions.get(record.action, record.action)),
                actor=actor or record.actor_username,
                organisation=organisations.get(record.organisation_code, "")
                if record.organisation_code
                else "",
                object=f"{object_type_label(record.object_type)} {record.object_code}".strip(),
                case=str(record.case_code or ""),
                basis=basis,
            )
        )
    return out


def _consent_numbers(codes: dict[str, dict[int, str]]) -> dict[str, str]:
    return {
        code: f"#{UUID(code).hex[:6].upper()}" for code in codes.get("consent.Consent", {}).values()
    }


def youth_extract(youths: list[Youth]) -> PersonExtract:
    """Everything about the person as a youth in SIG, and every read or export of it."""
    extract = PersonExtract(capacity="ungdom")
    if not youths:
        return extract
    loaded, codes = _read(Youth, [y.pk for y in youths])
    extract.sections = _sections(loaded, codes)
    extract.disclosures = _disclosures(
        Q(subject_code__in=[y.code for y in youths]), consent_numbers=_consent_numbers(codes)
    )
    return extract


def guardian_extract(guardians: list[Guardian]) -> PersonExtract:
    """Everything about the person as a guardian: their own record, the consents they gave or
    that concern them, the items that also concern them, their portal account; and every read
    or export of those, of the youth's identity (which names the guardians) or of the person."""
    extract = PersonExtract(capacity="vardnadshavare")
    if not guardians:
        return extract
    loaded, codes = _read(Guardian, [g.pk for g in guardians])
    extract.sections = _sections(loaded, codes)
    object_codes = {code for by_pk in codes.values() for code in by_pk.values()}
    youth_codes = list(
        Youth.objects.filter(guardians__in=guardians).values_list("code", flat=True).distinct()
    )
    condition = Q(subject_code__in=[g.code for g in guardians]) | (
        Q(subject_code__in=youth_codes)
        & (Q(object_code__in=object_codes) | Q(object_type="cases.youth"))
    )
    extract.disclosures = _disclosures(condition, consent_numbers=_consent_numbers(codes))
    return extract


@dataclass
class RegisterExtract:
    personnummer: str
    produced_at: str
    produced_by: str
    organisation: str
    as_youth: PersonExtract
    as_guardian: PersonExtract

    @property
    def found(self) -> bool:
        return bool(self.as_youth.sections or self.as_guardian.sections)

    def as_json(self) -> dict[str, Any]:
        def part(extract: PersonExtract) -> dict[str, Any]:
            return {
                "poster": [
                    {
                        "modell": s.label,
                        "namn": s.name,
                        "etiketter": dict(s.columns),
                        "rader": s.rows,
                    }
                    for s in extract.sections
                ],
                "utlamnanden": [
                    {
                        "tidpunkt": d.at,
                        "handelse": d.action,
                        "vem": d.actor,
                        "organisation": d.organisation,
                        "uppgift": d.object,
                        "arende": d.case,
                        "grund": d.basis,
                    }
                    for d in extract.disclosures
                ],
            }

        return {
            "format": FORMAT,
            "version": VERSION,
            "personnummer": self.personnummer,
            "framstallt": self.produced_at,
            "framstallt_av": {"namn": self.produced_by, "organisation": self.organisation},
            "som_ungdom": part(self.as_youth),
            "som_vardnadshavare": part(self.as_guardian),
        }
