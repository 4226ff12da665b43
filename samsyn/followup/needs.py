"""The needs inventory (behovsinventering): how many youths in the target group an area had in a
year, imported as aggregate counts from police or social statistics, against how many were in
SIG (the coverage).

Import, in two steps: the uploaded CSV is read and every row checked (`needs_parse`); nothing
is written while any row has a problem, and every problem is listed as (line, column, reason).
A file without problems is shown as a preview (`needs_preview`: adds or replaces, old -> new);
its rows travel to the confirm step signed and timestamped (`needs_sign` / `needs_unsign`, one
hour), so the file is uploaded once; `needs_import` writes them all in one transaction.

The file: a header row naming the columns (any order, any case) `år`, `stadsdel` (empty, or
"Hela kommunen", for the whole municipality) and `antal`, optionally `källa`; separated by
`;` (what Excel in Sweden saves) or `,`; UTF-8 with or without BOM, else Windows-1252 (read by
`samsyn.lib.tabular`, which also reads an Excel workbook).

Coverage (`needs_coverage`): per municipality, year and area with an imported count, the
distinct youths whose SIG was active on some day of that year in that area, counted in SQL
(one grouped query per level: districts, municipalities), suppressed like every count in the
follow-up (`samsyn.lib.suppression`), with the share of the target group when it is shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.followup.models import NeedsCount
from samsyn.followup.selectors import Scope, area_cases
from samsyn.lib import suppression, tabular
from samsyn.lib.tabular import Problem
from samsyn.organisations.models import District, Municipality, Person

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
FIRST_YEAR = 2000
MAX_COUNT = 2_147_483_647  # what a PositiveIntegerField holds everywhere
SIGNING_SALT = "samsyn.followup.needs.preview"
SIGNED_FOR_SECONDS = 3600
WHOLE_MUNICIPALITY = "hela kommunen"

# Column: the header texts accepted for it (compared in lower case, spaces trimmed).
COLUMNS: dict[str, tuple[str, ...]] = {
    "år": ("år", "ar"),
    "stadsdel": ("stadsdel", "område", "stadsdel/område"),
    "antal": ("antal",),
    "källa": ("källa", "kalla"),
}
REQUIRED = ("år", "stadsdel", "antal")


@dataclass(frozen=True)
class NeedsRow:
    """One valid row of the file."""

    line: int
    year: int
    district_id: int | None
    area: str
    count: int
    source: str


@dataclass(frozen=True)
class PreviewRow:
    row: NeedsRow
    old: int | None  # the count stored now for the area and year, None when there is none

    @property
    def adds(self) -> bool:
        return self.old is None

    @property
    def changes(self) -> bool:
        return self.old is not None and self.old != self.row.count


@dataclass(frozen=True)
class ImportResult:
    created: int
    replaced: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.replaced + self.unchanged


# --- reading the file -------------------------------------------------------------------------


def _year(text: str, latest: int) -> tuple[int | None, str]:
    text = text.strip()
    if not text:
        return None, _("År saknas.")
    if not text.isdigit() or len(text) != 4:
        return None, _("”%(value)s” är inget årtal. Skriv året med fyra siffror, t.ex. 2024.") % {
            "value": text
        }
    year = int(text)
    if not FIRST_YEAR <= year <= latest:
        return None, _("Året måste vara mellan %(first)s och %(last)s.") % {
            "first": FIRST_YEAR,
            "last": latest,
        }
    return year, ""


def _count(text: str) -> tuple[int | None, str]:
    # Excel may write thousands with a (non-breaking) space: "1 234".
    compact = "".join(text.split()).replace("\u202f", "")
    if not compact:
        return None, _("Antal saknas.")
    if not compact.isdigit():
        return None, _("”%(value)s” är inget antal. Skriv ett heltal som är 0 eller större.") % {
            "value": text.strip()
        }
    value = int(compact)
    if value > MAX_COUNT:
        return None, _("Antalet är orimligt stort.")
    return value, ""


def needs_parse(
    *, data: bytes, municipality: Municipality, default_source: str
) -> tuple[list[NeedsRow], list[Problem]]:
    """The rows of an uploaded needs file and every problem in it; the rows are to be used
    only when there are no problems.

    Rule: districts are the municipality's own (by name, any case; empty or "Hela kommunen"
    is the whole municipality), years 2000 to next year, counts whole numbers from 0, one row
    per area and year."""
    table = tabular.read_table(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    if not table.header:
        return [], table.problems
    position = tabular.header_positions(table.header, COLUMNS)
    missing = [c for c in REQUIRED if c not in position]
    if missing:
        return [], [
            Problem(
                1,
                column,
                _(
                    "Kolumnen ”%(column)s” saknas. Första raden ska ha rubrikerna år, "
                    "stadsdel och antal (och gärna källa)."
                )
                % {"column": column},
            )
            for column in missing
        ]

    districts = {
        d.name.strip().casefold(): d
        for d in District.objects.filter(municipality=municipality).order_by("name")
    }
    latest = timezone.localdate().year + 1
    rows: list[NeedsRow] = []
    problems: list[Problem] = []
    seen: dict[tuple[int | None, int], int] = {}
    for line, cells in table.rows:

        def cell(column: str, cells: list[str] = cells) -> str:
            return tabular.cell(cells, position, column)

        year, reason = _year(cell("år"), latest)
        if reason:
            problems.append(Problem(line, "år", reason))
        count, reason = _count(cell("antal"))
        if reason:
            problems.append(Problem(line, "antal", reason))
        area = cell("stadsdel")
        district: District | None = None
        area_ok = True
        if area and area.casefold() != WHOLE_MUNICIPALITY:
            district = districts.get(area.casefold())
            if district is None:
                area_ok = False
                if districts:
                    known = ", ".join(d.name for d in districts.values())
                    reason = _(
                        "”%(name)s” är ingen stadsdel i %(municipality)s. Stadsdelarna är: "
                        "%(known)s. Lämna fältet tomt för hela kommunen."
                    ) % {"name": area, "municipality": municipality.name, "known": known}
                else:
                    reason = _(
                        "”%(name)s” är ingen stadsdel i %(municipality)s, som inte har några "
                        "stadsdelar i samsyn. Lämna fältet tomt för hela kommunen."
                    ) % {"name": area, "municipality": municipality.name}
                problems.append(Problem(line, "stadsdel", reason))
        source = cell("källa") or default_source.strip()
        if not source:
            problems.append(
                Problem(line, "källa", _("Källa saknas: fyll i den i formuläret eller på raden."))
            )
        elif len(source) > 200:
            problems.append(Problem(line, "källa", _("Källan får vara högst 200 tecken.")))
        if year is not None and area_ok:
            key = (district.pk if district else None, year)
            if key in seen:
                problems.append(
                    Problem(
                        line,
                        "stadsdel",
                        _(
                            "Samma område och år finns redan på rad %(line)s. Varje område får "
                            "bara finnas en gång per år."
                        )
                        % {"line": seen[key]},
                    )
                )
            else:
                seen[key] = line
        if year is not None and count is not None and area_ok and source and len(source) <= 200:
            rows.append(
                NeedsRow(
                    line=line,
                    year=year,
                    district_id=district.pk if district else None,
                    area=district.name if district else _("Hela kommunen"),
                    count=count,
                    source=source,
                )
            )
    problems.extend(table.problems)
    if not table.rows and not problems:
        problems.append(
            Problem(None, "", _("Filen har inga rader med uppgifter under rubrikerna."))
        )
    return rows, problems


# --- preview, signing, import -----------------------------------------------------------------


def _stored(municipality: Municipality, years: set[int]) -> dict[tuple[int | None, int], int]:
    return {
        (district_id, year): count
        for district_id, year, count in NeedsCount.objects.filter(
            municipality=municipality, year__in=years
        ).values_list("district_id", "year", "count")
    }


def needs_preview(*, municipality: Municipality, rows: list[NeedsRow]) -> list[PreviewRow]:
    """Each row with the count it would replace (one query)."""
    stored = _stored(municipality, {r.year for r in rows})
    return [PreviewRow(row, stored.get((row.district_id, row.year))) for row in rows]


def _bound(municipality: Municipality, viewer: Person) -> dict[str, str]:
    return {"m": str(municipality.code), "p": str(viewer.code)}


def needs_sign(*, municipality: Municipality, viewer: Person, rows: list[NeedsRow]) -> str:
    """The checked rows as a signed, timestamped text for the confirm step."""
    return tabular.sign(
        [[r.line, r.year, r.district_id, r.area, r.count, r.source] for r in rows],
        salt=SIGNING_SALT,
        bound=_bound(municipality, viewer),
    )


def needs_unsign(*, token: str, municipality: Municipality, viewer: Person) -> list[NeedsRow]:
    """The rows signed by `needs_sign` for this municipality and person, at most an hour ago;
    a ValidationError in Swedish for anything else."""
    rows: Any = tabular.unsign(
        token, salt=SIGNING_SALT, max_age=SIGNED_FOR_SECONDS, bound=_bound(municipality, viewer)
    )
    return [
        NeedsRow(line=r[0], year=r[1], district_id=r[2], area=r[3], count=r[4], source=r[5])
        for r in rows
    ]


@transaction.atomic
def needs_import(
    *, actor: Person, municipality: Municipality, rows: list[NeedsRow]
) -> ImportResult:
    """Store the rows (add, or replace the count for the same area and year), all or none, and
    record the import in the audit log.

    Rule: only the municipality's own districts; the rows were checked by `needs_parse`."""
    if not rows:
        raise ValidationError(_("Det finns inga rader att importera."))
    own = set(District.objects.filter(municipality=municipality).values_list("pk", flat=True))
    if any(r.district_id is not None and r.district_id not in own for r in rows):
        raise ValidationError(
            _("En stadsdel i filen finns inte längre i kommunen. Ladda upp filen igen.")
        )
    stored = _stored(municipality, {r.year for r in rows})
    created = replaced = unchanged = 0
    for row in rows:
        NeedsCount.objects.update_or_create(
            municipality=municipality,
            district_id=row.district_id,
            year=row.year,
            defaults={"count": row.count, "source": row.source, "imported_by": actor},
        )
        old = stored.get((row.district_id, row.year))
        if old is None:
            created += 1
        elif old != row.count:
            replaced += 1
        else:
            unchanged += 1
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type="followup.needscount",
        municipality_code=municipality.code,
        detail={
            "import": "behovsinventering",
            "rows": len(rows),
            "created": created,
            "replaced": replaced,
            "unchanged": unchanged,
            "years": sorted({r.year for r in rows}),
        },
    )
    return ImportResult(created=created, replaced=replaced, unchanged=unchanged)


# --- coverage ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    """One area and year: the target group (imported; None when only its districts were), the
    youths in SIG as shown ("12", "<5" or "x") and the share, with the imported count's origin."""

    area: str
    is_district: bool
    year: int
    target: int | None
    in_sig: str
    share: str
    source: str = ""
    imported_by: str = ""
    imported_on: date | None = None


@dataclass
class MunicipalityCoverage:
    municipality: Municipality
    rows: list[CoverageRow] = field(default_factory=list)


@dataclass(frozen=True)
class Coverage:
    scope: Scope
    threshold: int
    municipalities: list[MunicipalityCoverage]


def _active_during(year: int) -> Q:
    """The SIG was active on some day of the year (the report's "aktiva" for that year)."""
    return Q(started_on__isnull=False, started_on__lte=date(year, 12, 31)) & (
        Q(closed_on__isnull=True) | Q(closed_on__gte=date(year, 1, 1))
    )


def _youths_in_sig(
    scope: Scope, years: list[int], municipality_ids: set[int], by_district: bool
) -> dict[tuple[int, int | None, int], int]:
    """(municipality, district or None for the whole municipality, year) -> distinct youths
    active in SIG that year: one query, grouped by the area, a column per year."""
    per_year = {
        f"y{year}": Count("youth", distinct=True, filter=_active_during(year)) for year in years
    }
    cases = area_cases(Scope(scope.municipality)).filter(municipality_id__in=municipality_ids)
    keys = ["municipality_id", "district_id"] if by_district else ["municipality_id"]
    if by_district:
        cases = cases.filter(district__isnull=False)
    found: dict[tuple[int, int | None, int], int] = {}
    for row in cases.values(*keys).annotate(**per_year).order_by():
        for year in years:
            found[(row["municipality_id"], row.get("district_id"), year)] = row[f"y{year}"]
    return found


def _share(in_sig: int, target: int | None) -> str:
    if not target:
        return "–"
    percent = (200 * in_sig + target) // (2 * target)  # rounded half up, in whole numbers
    return _("%(percent)s %%") % {"percent": formats.number_format(percent)}


def _hidden(value: int, limit: int) -> str:
    return suppression.hidden_text(limit) if value < limit else suppression.COMPLEMENT_TEXT


def needs_coverage(*, scope: Scope) -> Coverage:
    """The coverage of every imported count in the scope (a municipality, or every one).

    Rule: the youths in SIG of a municipality's districts in a year are suppressed as one row
    whose total is what the districts add up to (`suppress_row`); the municipality's own count
    is hidden as well when that row's total is, so that it cannot give back a hidden district
    by subtraction. A share is shown only beside a shown count."""
    limit = suppression.threshold()
    needs = NeedsCount.objects.select_related("municipality", "district", "imported_by")
    if scope.municipality is not None:
        needs = needs.filter(municipality=scope.municipality)
    imported = list(needs.order_by("municipality__name", "-year", "district__name"))
    if not imported:
        return Coverage(scope=scope, threshold=limit, municipalities=[])
    years = sorted({n.year for n in imported})
    municipality_ids = {n.municipality_id for n in imported}
    whole = _youths_in_sig(scope, years, municipality_ids, by_district=False)
    district_counts: dict[tuple[int, int | None, int], int] = {}
    if any(n.district_id is not None for n in imported):
        district_counts = _youths_in_sig(scope, years, municipality_ids, by_district=True)

    grouped: dict[tuple[int, int], list[NeedsCount]] = defaultdict(list)
    for need in imported:
        grouped[(need.municipality_id, need.year)].append(need)
    result: dict[int, MunicipalityCoverage] = {}
    for (municipality_id, year), group in grouped.items():
        municipality = group[0].municipality
        own = next((n for n in group if n.district_id is None), None)
        parts = [n for n in group if n.district_id is not None]
        values = [district_counts.get((municipality_id, n.district_id, year), 0) for n in parts]
        shown = suppression.suppress_row(values, limit=limit) if parts else None
        total = whole.get((municipality_id, None, year), 0)
        if total and (0 < total < limit or (shown is not None and shown.total_hidden)):
            total_text = _hidden(total, limit)
        else:
            total_text = str(total)
        coverage = result.setdefault(municipality_id, MunicipalityCoverage(municipality))
        coverage.rows.append(
            _row(municipality.name, False, year, own, total, total_text, str(total) == total_text)
        )
        for i, need in enumerate(parts):
            assert shown is not None and need.district is not None
            text = shown.cells[i]
            coverage.rows.append(
                _row(need.district.name, True, year, need, values[i], text, i not in shown.hidden)
            )
    return Coverage(scope=scope, threshold=limit, municipalities=list(result.values()))


def _row(
    area: str,
    is_district: bool,
    year: int,
    need: NeedsCount | None,
    in_sig: int,
    text: str,
    shown: bool,
) -> CoverageRow:
    target = need.count if need is not None else None
    imported_at: datetime | None = need.updated_at if need is not None else None
    return CoverageRow(
        area=area,
        is_district=is_district,
        year=year,
        target=target,
        in_sig=text,
        share=_share(in_sig, target) if shown else "–",
        source=need.source if need is not None else "",
        imported_by=str(need.imported_by) if need is not None else "",
        imported_on=timezone.localdate(imported_at) if imported_at is not None else None,
    )
