from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def cell(row: dict[str, Any], name: str) -> str:
    """One value of an extract row, readable: lists joined, yes/no, empty as a dash."""
    value = row.get(name)
    if value is None or value == "" or value == []:
        return "–"
    if value is True:
        return _("Ja")
    if value is False:
        return _("Nej")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


@register.filter
def is_coordinator(person: Any) -> bool:
    """For the case page's export link; the export view itself decides (404 otherwise)."""
    from samsyn.organisations.models import Role

    return bool(getattr(person, "has_role", None)) and person.has_role(Role.COORDINATOR)
