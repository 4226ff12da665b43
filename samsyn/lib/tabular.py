"""Reading uploaded tables (CSV or Excel) for the all-or-nothing imports, and carrying checked
rows from the preview to the confirm step.

CSV: UTF-8 with or without BOM, else Windows-1252 (what Excel in Sweden saves), separated by
`;` or `,` (whichever separates the header). Excel: the first sheet of an .xlsx workbook; dates
become ISO text, whole numbers lose their ".0". Lines are numbered as the user sees them in the
spreadsheet (the header is line 1), blank lines are skipped but keep their numbers.

Problems are (line, column, reason) with the reason in Swedish; line None is the file as a whole.
The preview's rows travel signed and timestamped (`sign` / `unsign`), bound to whoever and
whatever they were checked for, so nothing is stored between the two steps.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: its line (None for the file as a whole), the column
    (empty when none) and the reason, in Swedish."""

    line: int | None
    column: str
    reason: str


@dataclass
class Table:
    """The header's cells and the non-blank data rows as (line, cells); `problems` are about
    the file as a whole or about reading it (then `rows` holds what was read before)."""

    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in Sweden saves "CSV (semikolonavgränsad)" as Windows-1252.
        return data.decode("cp1252")


def delimiter(header: str) -> str:
    """`;` or `,`, whichever separates the header's names (Excel in Sweden writes `;`)."""
    return ";" if header.count(";") >= header.count(",") and ";" in header else ","


def size_text(max_bytes: int) -> str:
    return f"{max_bytes // (1024 * 1024)} MB"


def _too_many(line: int, max_rows: int) -> Problem:
    return Problem(line, "", _("Filen har fler än %(max)s rader.") % {"max": max_rows})


def _read_csv(data: bytes, table: Table, max_rows: int) -> Table:
    try:
        text = decode(data)
    except UnicodeDecodeError:
        table.problems.append(
            Problem(
                None,
                "",
                _(
                    "Filen går inte att läsa som text. Spara den som CSV (UTF-8) eller "
                    "CSV (semikolonavgränsad) och försök igen."
                ),
            )
        )
        return table
    text = text.lstrip("\r\n")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter(text.split("\n", 1)[0]))
    try:
        table.header = next(reader)
    except (StopIteration, csv.Error):
        table.problems.append(Problem(None, "", _("Filen är tom.")))
        return table
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            table.problems.append(
                Problem(reader.line_num, "", _("Raden går inte att läsa (ett citattecken fattas)."))
            )
            break
        if not any(c.strip() for c in cells):
            continue  # an empty line (Excel adds ";;" lines at the end)
        if len(table.rows) >= max_rows:
            table.problems.append(_too_many(reader.line_num, max_rows))
            break
        table.rows.append((reader.line_num, cells))
    return table


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, table: Table, max_rows: int) -> Table:
    from openpyxl import load_workbook

    from samsyn.lib.uploads import UnsafeFile, check_xlsx

    try:
        check_xlsx(data)
    except UnsafeFile as exc:
        table.problems.append(Problem(None, "", str(exc)))
        return table
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        table.problems.append(
            Problem(
                None,
                "",
                _("Filen går inte att läsa som Excel-fil. Spara den som .xlsx eller som CSV."),
            )
        )
        return table
    try:
        sheet = workbook.worksheets[0]
        header_seen = False
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            if not header_seen:
                table.header, header_seen = cells, True
                continue
            if len(table.rows) >= max_rows:
                table.problems.append(_too_many(line, max_rows))
                break
            table.rows.append((line, cells))
        if not header_seen:
            table.problems.append(Problem(None, "", _("Filen är tom.")))
    finally:
        workbook.close()
    return table


def read_table(data: bytes, *, max_bytes: int, max_rows: int) -> Table:
    """The header and data rows of an uploaded CSV or .xlsx file (told apart by content).

    Rule: an empty file, a file over `max_bytes` and unreadable text are problems of the file
    as a whole; reading stops at the first row beyond `max_rows`."""
    table = Table()
    if not data.strip():
        table.problems.append(Problem(None, "", _("Filen är tom.")))
        return table
    if len(data) > max_bytes:
        table.problems.append(
            Problem(
                None,
                "",
                _("Filen är för stor. Den får vara högst %(size)s.")
                % {"size": size_text(max_bytes)},
            )
        )
        return table
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, table, max_rows)
    return _read_csv(data, table, max_rows)


def header_positions(header: list[str], accepted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column -> index of the first header cell that names it (any case, spaces trimmed)."""
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    position: dict[str, int] = {}
    for column, texts in accepted.items():
        for i, name in enumerate(names):
            if name in texts and column not in position:
                position[column] = i
    return position


def cell(cells: list[str], position: dict[str, int], column: str) -> str:
    """The trimmed text of a column in a row; empty when the row is short or has no column."""
    i = position.get(column)
    return cells[i].strip() if i is not None and i < len(cells) else ""


# --- preview to confirm -----------------------------------------------------------------------


def sign(rows: Any, *, salt: str, bound: dict[str, str]) -> str:
    """Checked rows as a signed, timestamped, compressed text for the confirm step, bound to
    e.g. the municipality and the person they were checked for."""
    return signing.dumps({"b": bound, "r": rows}, salt=salt, compress=True)


def unsign(token: str, *, salt: str, max_age: int, bound: dict[str, str]) -> Any:
    """The rows signed by `sign` with the same salt and binding at most `max_age` seconds ago;
    a ValidationError in Swedish for anything else."""
    try:
        payload: Any = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(
            _("Förhandsgranskningen är äldre än en timme. Ladda upp filen igen.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            _("Förhandsgranskningen har ändrats eller är ofullständig. Ladda upp filen igen.")
        ) from None
    if not isinstance(payload, dict) or payload.get("b") != bound:
        raise ValidationError(
            _("Förhandsgranskningen gäller inte din kommun eller dig. Ladda upp filen igen.")
        )
    return payload.get("r")
