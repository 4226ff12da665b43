"""The operational report as CSV and xlsx: the same `Table` objects the page shows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from samsyn.followup.selectors import Report, Table


def report_heading(report: Report) -> list[str]:
    scope = report.scope
    area = (
        scope.name
        if scope.is_national or scope.district
        else f"{scope.name}, " + _("hela kommunen")
    )
    return [
        _("Verksamhetsuppföljning"),
        area,
        f"{report.start.isoformat()}–{report.end.isoformat()}",
    ]


def _lines(table: Table) -> Iterator[tuple[str, list[Any]]]:
    yield from table.rows
    if table.footer is not None:
        yield table.footer


def csv_rows(report: Report) -> Iterator[list[str]]:
    """Every table after the other: its title, its header, its rows, an empty line."""
    yield [
        _(
            "Små tal visas som <%(t)s; x är ett större tal som döljs för att skydda ett litet; "
            "– är ett värde som inte visas (ett medelvärde för en grupp med färre än %(t)s, "
            "eller en fördelning som inte kan visas utan att små tal går att räkna fram)."
        )
        % {"t": report.threshold}
    ]
    for table in report.tables:
        yield []
        yield [table.title]
        yield [table.row_header, *table.columns]
        for label, cells in _lines(table):
            yield [label, *(cell.text for cell in cells)]
        if table.caution:
            yield [table.caution]


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("-", title)[:31]
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def xlsx_bytes(report: Report) -> bytes:
    """A workbook with a sheet per table: a bold header row, numbers as numbers, hidden values
    as the text "<5" or "x", sensible column widths."""
    workbook = Workbook()
    if workbook.active is not None:
        workbook.remove(workbook.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for table in report.tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.append([table.row_header, *table.columns])
        for cell in sheet[1]:
            cell.font = bold
        for label, cells in _lines(table):
            sheet.append([label, *(c.value if c.value != "" else None for c in cells)])
            row = sheet.max_row
            sheet.cell(row=row, column=1).font = bold if (label, cells) == table.footer else Font()
            for j, c in enumerate(cells, start=2):
                target = sheet.cell(row=row, column=j)
                if c.shown:
                    target.number_format = "0.0" if c.decimals else "0"
                else:
                    target.alignment = Alignment(horizontal="right")
        notes = [table.caption, " · ".join(report_heading(report))]
        if table.caution:
            notes.insert(0, table.caution)
        sheet.append([])
        for note in notes:
            sheet.append([note])
        widths = [len(table.row_header)] + [len(c) for c in table.columns]
        for label, _cells in _lines(table):
            widths[0] = max(widths[0], len(label))
        for j, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 10), 60)
        sheet.freeze_panes = "B2"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
