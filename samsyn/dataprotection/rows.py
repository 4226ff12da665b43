"""Reading any model's rows as plain values: the shared ground of the case export and the
register extract.

Values are what a person can read: choices as their Swedish label, dates in ISO form, a link
to another record of the same person by that record's code, a link to anything else (a
person, an organisation, a category) by its name. Secrets (password and PIN hashes, invitation
hashes, session generations) are never read out: they are not information about the person
but keys to their account.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

SECRET_FIELDS = frozenset(
    {"pin_hash", "secret_hash", "secret", "credential_id", "session_generation", "row_hash"}
)


def readable_fields(model: type[models.Model], *, skip: Iterable[str] = ()) -> list[models.Field]:
    """The model's own columns a person may read, in declaration order."""
    skipped = set(skip) | SECRET_FIELDS
    return [f for f in model._meta.concrete_fields if f.name not in skipped]


def name_of(obj: Any) -> str:
    """A related object's name without touching further relations (no extra queries)."""
    if hasattr(obj, "get_full_name"):
        return str(obj.get_full_name() or obj.get_username())
    for attribute in ("name", "short_name", "title"):
        value = getattr(obj, attribute, None)
        if isinstance(value, str) and value:
            return value
    code = getattr(obj, "code", None)
    return str(code) if code is not None else str(obj.pk)


def plain(value: Any) -> Any:
    """A JSON value for a column value."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def value_of(obj: models.Model, field: models.Field, codes: dict[str, dict[int, str]]) -> Any:
    """The readable value of one column. `codes` maps a model label to {pk: code} for the
    records already read, so that a link to one of them is given by its code."""
    if field.is_relation:
        target_id = getattr(obj, field.attname)
        if target_id is None:
            return None
        related = field.related_model
        assert related is not None and not isinstance(related, str)
        known = codes.get(related._meta.label)
        if known is not None:
            return known.get(target_id, str(target_id))
        return name_of(getattr(obj, field.name))
    value = getattr(obj, field.attname)
    if field.choices and value not in (None, ""):
        display = dict(field.flatchoices).get(value, value)
        return str(display)
    return plain(value)


def related_to_select(model: type[models.Model], *, known: Iterable[str]) -> list[str]:
    """The foreign keys to follow with `select_related`: those not given by code."""
    known = set(known)
    names = []
    for field in readable_fields(model):
        related = field.related_model if field.is_relation else None
        if related is None or isinstance(related, str):
            continue
        if related._meta.label not in known:
            names.append(field.name)
    return names


def code_map(rows: Iterable[models.Model]) -> dict[int, str]:
    return {row.pk: str(getattr(row, "code", row.pk)) for row in rows}
