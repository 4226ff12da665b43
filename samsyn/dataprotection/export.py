"""The case export (ärendeexport): a youth's case in a documented JSON format, for the social
services of the municipality the youth moves to (docs/format/arende-export.md, D48).

The format is generated from the models, and so is its JSON Schema (`export_schema`): a new
field in an item model appears in both, and a test compares the schema with the one in docs/.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone

from samsyn.cases.models import Case, CaseItem, Guardian
from samsyn.consent import policy
from samsyn.consent.models import Consent
from samsyn.dataprotection.rows import (
    code_map,
    name_of,
    readable_fields,
    related_to_select,
    value_of,
)
from samsyn.organisations.models import Organisation, Person

FORMAT = "samsyn-arendeexport"
VERSION = 1
SCHEMA_ID = "https://samsyn.se/format/arende-export/v1.schema.json"

# The columns every item has; the envelope carries them, `falt` the rest.
ITEM_BASE = ("id", "code", "created_at", "updated_at", "case", "owner", "category", "also_about")
ITEM_BASE_ALL = (*ITEM_BASE, "created_by")

YOUTH_FIELDS = (
    "first_name",
    "last_name",
    "personnummer",
    "date_of_birth",
    "sex",
    "address",
    "phone",
    "school",
)
GUARDIAN_FIELDS = ("first_name", "last_name", "role", "has_custody")


def item_models() -> list[type[CaseItem]]:
    """Every kind of personal-data item in a case, whichever app defines it."""
    found = [m for m in apps.get_models() if issubclass(m, CaseItem)]
    return sorted(found, key=lambda m: m._meta.label_lower)


def item_fields(model: type[models.Model]) -> list[models.Field]:
    return readable_fields(model, skip=ITEM_BASE_ALL)


# --- the schema -----------------------------------------------------------------------------


def _json_type(field: models.Field) -> dict[str, Any]:
    if field.is_relation:
        kind: dict[str, Any] = {"type": "string"}
    elif isinstance(field, models.BooleanField):
        kind = {"type": "boolean"}
    elif isinstance(field, (models.IntegerField, models.AutoField)):
        kind = {"type": "integer"}
    elif isinstance(field, models.FloatField):
        kind = {"type": "number"}
    elif isinstance(field, models.DateTimeField):
        kind = {"type": "string", "format": "date-time"}
    elif isinstance(field, models.DateField):
        kind = {"type": "string", "format": "date"}
    elif isinstance(field, models.JSONField):
        return {"description": str(field.verbose_name)}
    else:
        kind = {"type": "string"}
    if field.null:
        kind["type"] = [kind["type"], "null"]
    kind["description"] = str(field.verbose_name)
    return kind


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _fields_object(model: type[models.Model], names: tuple[str, ...]) -> dict[str, Any]:
    fields = {f.name: f for f in model._meta.concrete_fields}
    return _object({name: _json_type(fields[name]) for name in names})


def export_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the current version of the format."""
    from samsyn.cases.models import Youth

    text = {"type": "string"}
    nullable_date = {"type": ["string", "null"], "format": "date"}
    organisation = _object({"namn": text, "kod": text, "kommun": text})
    item_types = [m._meta.label_lower for m in item_models()]
    per_type = [
        {
            "if": {"properties": {"typ": {"const": m._meta.label_lower}}},
            "then": {
                "properties": {
                    "falt": _object(
                        {f.name: _json_type(f) for f in item_fields(m)},
                        str(m._meta.verbose_name),
                    )
                }
            },
        }
        for m in item_models()
    ]
    item = _object(
        {
            "typ": {"enum": item_types},
            "kod": text,
            "agare": text,
            "kategori": text,
            "skapad": {"type": "string", "format": "date-time"},
            "andrad": {"type": "string", "format": "date-time"},
            "skapad_av": text,
            "ror_ocksa_vardnadshavare": {"type": ["string", "null"]},
            "samtycke": text,
            "falt": {"type": "object"},
        }
    )
    item["allOf"] = per_type
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "samsyn ärendeexport",
        **_object(
            {
                "format": {"const": FORMAT},
                "version": {"const": VERSION},
                "exporterad": {"type": "string", "format": "date-time"},
                "exporterad_av": _object({"namn": text, "organisation": text}),
                "fran": organisation,
                "till": organisation,
                "samtycke": _object(
                    {
                        "nummer": text,
                        "kod": text,
                        "lamnat": {"type": "string", "format": "date"},
                        "galler_till": nullable_date,
                        "lamnat_av": text,
                        "kategorier": {"type": "array", "items": text},
                    }
                ),
                "arende": _object(
                    {
                        "kod": text,
                        "avidentifierad_kod": text,
                        "lage": text,
                        "oppnat": {"type": "string", "format": "date"},
                        "beslutat": nullable_date,
                        "startat": nullable_date,
                        "avslutat": nullable_date,
                        "stadsdel": {"type": ["string", "null"]},
                        "sammanfattning": text,
                    }
                ),
                "ungdom": _fields_object(Youth, YOUTH_FIELDS),
                "vardnadshavare": {
                    "type": "array",
                    "items": _object(
                        {"kod": text, **_fields_object(Guardian, GUARDIAN_FIELDS)["properties"]}
                    ),
                },
                "uppgifter": {"type": "array", "items": item},
                "utelamnat": {
                    "type": "array",
                    "items": _object(
                        {"agare": text, "kategori": text, "antal": {"type": "integer"}}
                    ),
                },
            }
        ),
    }


# --- building an export ---------------------------------------------------------------------


def transfer_recipients(*, case: Case) -> list[Organisation]:
    """Social services of other municipalities, the organisations a case may move to."""
    from samsyn.organisations.models import OrganisationKind

    return list(
        Organisation.objects.filter(kind=OrganisationKind.SOCIAL_SERVICES, is_active=True)
        .exclude(municipality_id=case.municipality_id)
        .select_related("municipality")
        .order_by("municipality__name", "name")
    )


def recipient_access(access: policy.CaseAccess, recipient: Organisation) -> policy.CaseAccess:
    """The same loaded consents, decided for the receiving organisation as the recipient.

    The receiving organisation takes no part in the case; the policy is asked what the owner
    organisations may release to it, which is what the one door answers for a member of it.
    """
    stand_in = Person(organisation=recipient)
    return dataclasses.replace(access, viewer=stand_in, is_member=True, _pending=[])


def _organisation(org: Organisation) -> dict[str, str]:
    return {"namn": org.name, "kod": str(org.code), "kommun": org.municipality.name}


@dataclasses.dataclass
class ExportedItem:
    item: CaseItem
    decision: policy.Decision


@dataclasses.dataclass
class Export:
    document: dict[str, Any]
    identity: policy.Decision
    items: list[ExportedItem]


def _consent_givers(consent: Consent) -> str:
    return policy.givers_text(list(consent.givers.all()), named=False)


def build_export(
    *, actor: Person, case: Case, recipient: Organisation, access: policy.CaseAccess
) -> Export | None:
    """The export document, or None when no live consent lets the owner release the youth's
    identity to `recipient`.

    Rule: an item goes along only when the one door lets the actor read it and lets its owner
    organisation release it to the recipient (a live consent covering its category and naming
    the recipient); everything else is counted under `utelamnat`, never sent.
    """
    receiving = recipient_access(access, recipient)
    identity = receiving.identity()
    if not identity.allowed or identity.consent is None:
        return None
    guardians = list(case.youth.guardians.all())
    item_classes = item_models()
    codes: dict[str, dict[int, str]] = {"cases.Guardian": code_map(guardians)}
    loaded: list[tuple[type[CaseItem], list[CaseItem]]] = []
    for model in item_classes:
        related = related_to_select(model, known={m._meta.label for m in item_classes})
        rows = list(
            model._default_manager.filter(case=case)
            .select_related("owner", "category", "created_by", *related)
            .order_by("pk")
        )
        codes[model._meta.label] = code_map(rows)
        loaded.append((model, rows))
    exported: list[ExportedItem] = []
    left_out: Counter[tuple[str, str]] = Counter()
    documents = []
    for model, rows in loaded:
        fields = item_fields(model)
        for item in rows:
            mine = access.decide_item(item)
            theirs = receiving.decide_item(item)
            if not (mine.allowed and theirs.allowed and theirs.consent is not None):
                left_out[(theirs.owner_name, theirs.category_name)] += 1
                continue
            exported.append(ExportedItem(item, theirs))
            documents.append(
                {
                    "typ": model._meta.label_lower,
                    "kod": str(item.code),
                    "agare": item.owner.name,
                    "kategori": item.category.name,
                    "skapad": value_of(item, model._meta.get_field("created_at"), codes),
                    "andrad": value_of(item, model._meta.get_field("updated_at"), codes),
                    "skapad_av": name_of(item.created_by),
                    "ror_ocksa_vardnadshavare": codes["cases.Guardian"].get(item.also_about_id)
                    if item.also_about_id
                    else None,
                    "samtycke": theirs.consent.number,
                    "falt": {f.name: value_of(item, f, codes) for f in fields},
                }
            )
    youth = case.youth
    youth_fields = {f.name: f for f in youth._meta.concrete_fields}
    guardian_fields = {f.name: f for f in Guardian._meta.concrete_fields}
    consent = identity.consent
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exporterad": timezone.localtime().isoformat(timespec="seconds"),
        "exporterad_av": {"namn": name_of(actor), "organisation": case.owner.name},
        "fran": _organisation(case.owner),
        "till": _organisation(recipient),
        "samtycke": {
            "nummer": consent.number,
            "kod": str(consent.code),
            "lamnat": consent.given_on.isoformat(),
            "galler_till": consent.valid_until.isoformat() if consent.valid_until else None,
            "lamnat_av": _consent_givers(consent),
            "kategorier": sorted(c.name for c in consent.categories.all()),
        },
        "arende": {
            "kod": str(case.code),
            "avidentifierad_kod": case.anonymous_code,
            "lage": str(case.get_state_display()),
            "oppnat": case.opened_on.isoformat(),
            "beslutat": case.decided_on.isoformat() if case.decided_on else None,
            "startat": case.started_on.isoformat() if case.started_on else None,
            "avslutat": case.closed_on.isoformat() if case.closed_on else None,
            "stadsdel": case.district.name if case.district else None,
            "sammanfattning": case.summary,
        },
        "ungdom": {name: value_of(youth, youth_fields[name], {}) for name in YOUTH_FIELDS},
        "vardnadshavare": [
            {
                "kod": str(g.code),
                **{name: value_of(g, guardian_fields[name], {}) for name in GUARDIAN_FIELDS},
            }
            for g in guardians
        ],
        "uppgifter": documents,
        "utelamnat": [
            {"agare": owner, "kategori": category, "antal": n}
            for (owner, category), n in sorted(left_out.items())
        ],
    }
    return Export(document=document, identity=identity, items=exported)
