"""Reads for the case export and the register extract, each behind its own access helper.

Rules (D48): the case export is for the coordinator of the case's owner organisation who takes
part in the case; the register extract for an administrator of the municipality (the one who
handles data-subject requests), for the people registered there. Everyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from samsyn.cases.models import Case, Guardian, Youth
from samsyn.cases.selectors import case_get_for_viewer
from samsyn.organisations.models import Person, Role
from samsyn.organisations.selectors import admin_municipalities


def may_export(viewer: Person, case: Case) -> bool:
    """The coordinator of the owner organisation runs the move of a case."""
    return viewer.organisation_id == case.owner_id and viewer.has_role(Role.COORDINATOR)


def export_case_get(*, viewer: Person, code: Any) -> Case:
    """The case, if the viewer may export it; 404 otherwise."""
    case = case_get_for_viewer(viewer=viewer, code=code)
    if not may_export(viewer, case):
        raise Http404
    return case


def extract_require(*, viewer: Person) -> None:
    """The register extract answers 404 to everyone who administers no municipality."""
    if not admin_municipalities(viewer=viewer).exists():
        raise Http404


def youths_with(*, viewer: Person, personnummer: str) -> list[Youth]:
    """The person's youth records in the municipalities the viewer administers."""
    return list(
        Youth.objects.filter(
            municipality__in=admin_municipalities(viewer=viewer), personnummer=personnummer
        ).order_by("pk")
    )


def guardians_with(*, viewer: Person, personnummer: str) -> list[Guardian]:
    """The person's guardian records (one per youth) in the viewer's municipalities."""
    guardians: QuerySet[Guardian] = Guardian.objects.filter(
        youth__municipality__in=admin_municipalities(viewer=viewer), personnummer=personnummer
    )
    return list(guardians.order_by("pk"))
