"""Reads: one item with its corrections and restrictions, always through `consent.policy`.

Rule: the previous wording of a corrected item is shown only to those the policy lets see the
item; the restrictions' reasons only to the item's owner organisation. Anyone else gets 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import Http404

from samsyn.cases.models import Case, CaseItem
from samsyn.consent import policy
from samsyn.consent.selectors import CaseHeader, case_header
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.organisations.models import Person
from samsyn.rectification.kinds import KINDS, Kind
from samsyn.rectification.models import Correction, Restriction


def item_get(*, case: Case, slug: str, code: Any) -> tuple[Kind, CaseItem]:
    """One item of the case by the kind's slug and its code; 404 otherwise. The caller has
    checked that the viewer takes part in the case; the policy decides the item itself."""
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404
    manager: Any = kind.model._default_manager
    item = get_by_code_or_404(manager.filter(case=case).select_related("owner", "category"), code)
    return kind, item


@dataclass(frozen=True)
class HistoryEntry:
    field: str
    previous: str
    new: str
    reason: str
    at: datetime
    by: str


@dataclass(frozen=True)
class ItemPage:
    header: CaseHeader
    kind: Kind
    item: CaseItem
    slug: str
    why: str
    owned: bool  # the viewer's organisation owns the item: may correct, restrict and lift
    fields: list[tuple[str, str, str]]  # name, label, current wording
    history: list[HistoryEntry]
    restriction: Restriction | None  # the live one (shown to the owner organisation only)
    restrictions: list[Restriction]  # every one, newest first (owner organisation only)
    page_url: str


def item_page(*, viewer: Person, case: Case, kind: Kind, item: CaseItem) -> ItemPage:
    """The item, its current wording and its corrections, for a viewer the policy lets see it
    (404 otherwise, the refusal logged)."""
    access = policy.case_access(viewer=viewer, case=case)
    identified = access.identity().allowed
    decision = access.note(
        access.decide_item(item), object_type=kind.object_type, object_code=str(item.code)
    )
    access.record()
    if not decision.allowed:
        raise Http404
    owned = decision.basis == policy.Basis.OWN_ORGANISATION
    corrections = Correction.objects.filter(
        case=case, object_type=kind.object_type, object_code=item.code
    ).select_related("corrected_by")
    restrictions = (
        list(
            Restriction.objects.filter(
                case=case, object_type=kind.object_type, object_code=item.code
            ).select_related("restricted_by", "lifted_by")
        )
        if owned
        else []
    )
    return ItemPage(
        header=case_header(viewer=viewer, case=case, identified=identified),
        kind=kind,
        item=item,
        slug=kind.slug,
        why=decision.explain(identified=identified),
        owned=owned,
        fields=[(name, kind.field_label(name), getattr(item, name)) for name in kind.fields],
        history=[
            HistoryEntry(
                field=kind.field_label(c.field),
                previous=c.previous_value,
                new=c.new_value,
                reason=c.reason,
                at=c.corrected_at,
                by=str(c.corrected_by),
            )
            for c in corrections
        ],
        restriction=next((r for r in restrictions if r.is_live), None),
        restrictions=restrictions,
        page_url=kind.page_url(case.code, item),
    )
