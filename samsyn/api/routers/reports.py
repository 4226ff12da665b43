"""The operational follow-up (verksamhetsuppföljning) as figures: the report of /uppfoljning/,
through the same selectors and stored runs (`followup.selectors.report_scope`, `jobs.obtain`),
so the same people read it (styrgrupp/analytiker of the municipality, national coordinators;
404 for everyone else) and the same small counts are suppressed ("<5", "x")."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from samsyn.api.fields import IsoDate
from samsyn.api.routers.common import etagged, invalid, person
from samsyn.followup import jobs, selectors
from samsyn.followup.models import ReportRun
from samsyn.organisations.models import District, Municipality

router = Router(tags=["reports"])


class CellOut(Schema):
    value: int | float | str = Field(
        description='A number when shown; "<5", "x" or "–" when suppressed or not applicable.'
    )
    text: str
    shown: bool


class RowOut(Schema):
    label: str
    cells: list[CellOut]


class TableOut(Schema):
    key: str
    title: str
    caption: str
    row_header: str
    columns: list[str]
    rows: list[RowOut]
    footer: RowOut | None
    caution: str


class ReportOut(Schema):
    area: str
    municipality: UUID | None
    district: UUID | None
    start: date
    end: date
    threshold: int = Field(description="Counts below this are shown as <5 (or x).")
    tables: list[TableOut]


class ReportPending(Schema):
    status: str = Field(description="`vantar` (waiting), `pagar` (running), `misslyckades`.")
    steps_done: int
    steps_total: int


class ReportQuery(Schema):
    fran: IsoDate | None = Field(None, description="First day of the period (default: 1 January).")
    till: IsoDate | None = Field(None, description="Last day (default: 31 December).")
    kommun: UUID | None = Field(None, description="National coordinators: one municipality.")
    stadsdel: UUID | None = Field(None, description="One district of the municipality.")


def _row(label: str, cells: list[selectors.Cell]) -> dict[str, Any]:
    return {
        "label": label,
        "cells": [{"value": c.value, "text": c.text, "shown": c.shown} for c in cells],
    }


def _pk(model: type[Municipality] | type[District], code: UUID | None) -> str:
    if code is None:
        return ""
    found = model.objects.filter(code=code).values_list("pk", flat=True).first()
    return str(found) if found is not None else "-"


@router.get(
    "/rapporter/uppfoljning/",
    response={200: ReportOut, 202: ReportPending, 304: None},
    summary="The operational follow-up report",
)
def report_operational(request: HttpRequest, query: Query[ReportQuery]) -> Any:
    """The aggregate figures of the Verksamhetsuppföljning page, small counts suppressed as
    there. A large area is computed in the background: then 202 with the progress; ask again."""
    viewer = person(request)
    scope, _choices = selectors.report_scope(
        viewer=viewer,
        municipality=_pk(Municipality, query.kommun),
        district=_pk(District, query.stadsdel),
    )
    errors: dict[str, list[str]] = {}
    if query.kommun is not None and (
        scope.municipality is None or scope.municipality.code != query.kommun
    ):
        errors["kommun"] = [_("Välj en kommun du får läsa uppföljningen för.")]
    if query.stadsdel is not None and (
        scope.district is None or scope.district.code != query.stadsdel
    ):
        errors["stadsdel"] = [_("Välj en stadsdel i kommunen.")]
    year = timezone.localdate().year
    start = query.fran or date(year, 1, 1)
    end = query.till or date(year, 12, 31)
    if start > end:
        errors["till"] = [_("Slutdatumet ligger före startdatumet.")]
    if errors:
        return invalid(request, errors)
    found = jobs.obtain(scope=scope, start=start, end=end, requested_by=viewer)
    if isinstance(found, ReportRun):
        return Status(
            202,
            {
                "status": found.status,
                "steps_done": found.steps_done,
                "steps_total": found.steps_total,
            },
        )
    data = {
        "area": found.scope.name,
        "municipality": found.scope.municipality.code if found.scope.municipality else None,
        "district": found.scope.district.code if found.scope.district else None,
        "start": found.start,
        "end": found.end,
        "threshold": found.threshold,
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "caption": t.caption,
                "row_header": t.row_header,
                "columns": t.columns,
                "rows": [_row(label, cells) for label, cells in t.rows],
                "footer": _row(*t.footer) if t.footer else None,
                "caution": t.caution,
            }
            for t in found.tables
        ],
    }
    return etagged(request, ReportOut, data)
