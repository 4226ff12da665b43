"""Template helpers of the administration pages."""

from __future__ import annotations

from django import template

from samsyn.organisations.models import OrganisationKind

register = template.Library()


@register.filter
def kind_label(value: str) -> str:
    """The Swedish name of an organisation kind code, e.g. "polis" → "Polis"."""
    return str(OrganisationKind(value).label) if value in OrganisationKind.values else value
