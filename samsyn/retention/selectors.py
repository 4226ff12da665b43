"""Reads for the retention pages: scoped to what the viewer administers or takes part in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from samsyn.cases.models import Case
from samsyn.cases.rules import runs_case
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.organisations.models import Municipality, Person
from samsyn.organisations.selectors import admin_municipalities
from samsyn.retention.models import ErasureRecord, LegalHold
from samsyn.retention.services import RetentionPlan, may_hold, retention_plan

RECORDS_SHOWN = 100


@dataclass
class MunicipalityRetention:
    municipality: Municipality
    plan: RetentionPlan
    holds: list[LegalHold]
    records: list[ErasureRecord]


def retention_overview(*, viewer: Person, today: date) -> list[MunicipalityRetention]:
    """Rules, the dry-run plan, standing holds and erasure records per administered
    municipality. Codes, dates and counts only: no names."""
    rows = []
    for municipality in admin_municipalities(viewer=viewer).order_by("name"):
        rows.append(
            MunicipalityRetention(
                municipality=municipality,
                plan=retention_plan(municipality=municipality, today=today),
                holds=list(
                    LegalHold.objects.filter(
                        case__municipality=municipality, lifted_at__isnull=True
                    ).select_related("case", "held_by")
                ),
                records=list(
                    ErasureRecord.objects.filter(municipality=municipality)[:RECORDS_SHOWN]
                ),
            )
        )
    return rows


def case_for_admin_hold(*, viewer: Person, code: object) -> Case:
    """A case in a municipality the viewer administers (for lifting a hold); 404 otherwise."""
    cases = Case.objects.select_related("municipality").filter(
        municipality__in=admin_municipalities(viewer=viewer)
    )
    return get_by_code_or_404(cases, code)


def case_for_hold(*, case: Case, viewer: Person) -> bool:
    """The case page's hold tab: for those who run the case (404 for the others); returns
    whether the viewer may also set and lift the hold (the owner's coordinators)."""
    if not (runs_case(viewer, case) or may_hold(viewer, case)):
        raise Http404
    return may_hold(viewer, case)


def holds_of(case: Case) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(case=case).select_related("held_by", "lifted_by")
