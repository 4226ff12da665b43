"""`{% item_marks item %}`: the "Begränsad"/"Rättad" badges and the owner's actions beside an
item the viewer may see (marked by `consent.policy.CaseAccess.decide_item`)."""

from __future__ import annotations

from typing import Any

from django import template

from samsyn.rectification.kinds import BY_OBJECT_TYPE

register = template.Library()


@register.inclusion_tag("rectification/_marks.html")
def item_marks(item: Any) -> dict[str, Any]:
    marks = getattr(item, "rectification_marks", None)
    kind = BY_OBJECT_TYPE.get(marks.object_type) if marks is not None else None
    if marks is None or kind is None:
        return {"marks": None}
    return {"marks": marks, "slug": kind.slug, "label": kind.label}
