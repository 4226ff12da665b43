"""The operational follow-up report (verksamhetsuppföljning) for styrgrupp/analytiker.

Aggregates only: no names, no case codes, no row per youth ever leaves this module. Every
figure is computed in SQL with GROUP BY, in a fixed number of queries whatever the number of
cases (tested). Every count goes through `samsyn.lib.suppression`; a mean or median is shown
only when its group has at least the threshold number of youths.

Definitions (the period is from–to, both days included; the area is the municipality, or one
of its districts, by the case's district):

- *aktualiserade*: cases opened (referred) in the period;
- *nådde beredning*: cases moved to "under beredning" in the period;
- *beslutade (inkluderade)*: cases whose SIG was decided in the period;
- *startade*: cases that became active in the period;
- *aktiva*: cases active on some day of the period (started on or before its end, not closed
  before its start);
- *avslutade*: cases closed (with a closure and its reason) in the period;
- the breakdowns by district × sex, age band (age at referral, `cases.selectors.age_band`)
  and referral source are of the cases referred in the period;
- duration: days from start to closure of the SIGs closed in the period that had started.

Before and after (seed 001, the Huddinge table): the youths whose SIG was active in the
period and who have counts of both police reports and concern reports recorded both *before*
and *after the start*. "After the start" is the `OutcomeCount` periods "under" (during) and
"efter" (after) added up per youth, as the Huddinge evaluation counted everything "efter
insatsstarten". When several organisations recorded the same measure for a youth, their
counts are added. Convictions are not in this table yet.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import formats
from django.utils.translation import gettext as _

from samsyn.cases.models import (
    Case,
    CaseState,
    CaseTransition,
    ClosureReason,
    Measure,
    Period,
    ReferralKind,
    Sex,
)
from samsyn.cases.selectors import age_band
from samsyn.lib import suppression
from samsyn.organisations.models import District, Municipality, Person, Role

AGE_BANDS = ("0–12", "13–14", "15–17", "18–20", "21–25", "26+")
AFTER_START = (Period.DURING, Period.AFTER)

CellValue = int | float | str  # a cell: a shown count or figure, or the text of a hidden one


@dataclass(frozen=True)
class Cell:
    """One value of a table: a number when shown, "<5", "x" or "–" when not."""

    value: CellValue
    decimals: int = 0

    @property
    def shown(self) -> bool:
        return not isinstance(self.value, str)

    @property
    def text(self) -> str:
        if isinstance(self.value, str):
            return self.value
        if self.decimals:
            return str(formats.number_format(self.value, decimal_pos=self.decimals))
        return str(self.value)


@dataclass
class Table:
    """A table as every format shows it: HTML, CSV and xlsx render the same object."""

    key: str
    title: str
    caption: str
    row_header: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    footer: tuple[str, list[Cell]] | None = None
    caution: str = ""


@dataclass(frozen=True)
class BeforeAfter:
    """The computed before/after figures, unsuppressed: used to build the shown table and by
    tests; never rendered as such."""

    youths: int
    police_before: Fraction | None
    police_after: Fraction | None
    concern_before: Fraction | None
    concern_after: Fraction | None
    none_after: int


@dataclass(frozen=True)
class Scope:
    """The area a report covers: one district, one municipality, or (municipality None)
    every municipality in the instance, the national view."""

    municipality: Municipality | None
    district: District | None = None

    @property
    def name(self) -> str:
        if self.municipality is None:
            return _("Alla kommuner")
        if self.district is not None:
            return f"{self.municipality.name}, {self.district.name}"
        return self.municipality.name

    @property
    def is_national(self) -> bool:
        return self.municipality is None


@dataclass
class Report:
    scope: Scope
    start: date
    end: date
    threshold: int
    tables: list[Table]
    before_after: BeforeAfter


@dataclass(frozen=True)
class Choices:
    """The areas the viewer may choose between: municipalities (national coordinators only;
    empty for styrgrupp, who read their own) and the districts of the chosen municipality."""

    municipalities: list[Municipality]
    districts: list[District]


def report_scope(
    *, viewer: Person, municipality: str = "", district: str = ""
) -> tuple[Scope, Choices]:
    """The area whose report the viewer reads, from the page's choices (`kommun`, `stadsdel`;
    unknown values fall back to the widest area the viewer may see).

    - a national coordinator (Role.NATIONAL): every municipality together, or one of them;
    - styrgrupp/analytiker (Role.STEERING): their own municipality, or one of its districts;
    - everyone else: 404.
    """
    if not viewer.is_active:
        raise Http404
    if viewer.has_role(Role.NATIONAL):
        municipalities = list(Municipality.objects.order_by("name"))
        chosen = next((m for m in municipalities if str(m.pk) == municipality), None)
    elif viewer.has_role(Role.STEERING) and viewer.organisation is not None:
        municipalities = []
        chosen = viewer.organisation.municipality
    else:
        raise Http404
    districts = districts_of(chosen) if chosen is not None else []
    picked = next((d for d in districts if str(d.pk) == district), None)
    return Scope(chosen, picked), Choices(municipalities, districts)


def report_municipality(*, viewer: Person) -> Municipality:
    """The municipality of a styrgrupp/analytiker (their own only); 404 for everyone else,
    national coordinators included (pages that are about one municipality's own figures)."""
    if not viewer.is_active or not viewer.has_role(Role.STEERING) or viewer.organisation is None:
        raise Http404
    return viewer.organisation.municipality


def districts_of(municipality: Municipality) -> list[District]:
    return list(District.objects.filter(municipality=municipality).order_by("name"))


def _count(value: int, text: str) -> Cell:
    return Cell(int(text)) if text.isdigit() else Cell(text)


def _suppressed_row(values: list[int], limit: int) -> tuple[list[Cell], Cell]:
    row = suppression.suppress_row(values, limit=limit)
    return (
        [_count(v, t) for v, t in zip(values, row.cells, strict=True)],
        _count(sum(values), row.total),
    )


def _mean(total: int | Fraction, n: int, limit: int) -> Cell:
    if n < limit or n == 0:
        return Cell("–")
    return Cell(round(float(Fraction(total) / n), 1), decimals=1)


def area_cases(scope: Scope) -> QuerySet[Case]:
    """Every case of the area (of every state; the report's definitions pick among them)."""
    cases = Case.objects.all()
    if scope.municipality is not None:
        cases = cases.filter(municipality=scope.municipality)
    if scope.district is not None:
        cases = cases.filter(district=scope.district)
    return cases


def _active_in(start: date, end: date) -> Q:
    return Q(started_on__isnull=False, started_on__lte=end) & (
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )


Progress = Callable[[int, int], None]  # (steps done, steps in all)

REPORT_STEPS = 6


def operational_report(
    *, scope: Scope, start: date, end: date, progress: Progress | None = None
) -> Report:
    """The report for the area and period (see the module for the definitions).

    `progress`, when given, is called after each step (one query or a few) with the number
    of steps done and the number in all (`REPORT_STEPS`), for a background run to show.
    """
    step = iter(range(1, REPORT_STEPS + 1))

    def done() -> None:
        if progress is not None:
            progress(next(step), REPORT_STEPS)

    municipality, district = scope.municipality, scope.district
    if district is not None and (
        municipality is None or district.municipality_id != municipality.pk
    ):
        raise Http404
    limit = suppression.threshold()
    cases = area_cases(scope)
    period = Q(opened_on__gte=start, opened_on__lte=end)
    closed = Q(closures__closed_on__gte=start, closures__closed_on__lte=end)
    prepared = Exists(
        CaseTransition.objects.filter(
            case=OuterRef("pk"),
            to_state=CaseState.PREPARATION,
            created_at__date__gte=start,
            created_at__date__lte=end,
        )
    )
    # Query 1: the headline counts.
    head = cases.aggregate(
        referred=Count("id", filter=period, distinct=True),
        prepared=Count("id", filter=Q(prepared), distinct=True),
        decided=Count("id", filter=Q(decided_on__gte=start, decided_on__lte=end), distinct=True),
        started=Count("id", filter=Q(started_on__gte=start, started_on__lte=end), distinct=True),
        active=Count("id", filter=_active_in(start, end), distinct=True),
        closed=Count("id", filter=closed, distinct=True),
    )
    tables = [_overview(head, limit)]
    done()

    # Query 2 (and 3: the districts): referred by district × sex.
    tables.append(_district_sex(municipality, district, cases.filter(period), limit))
    done()

    # Query 4: referred by age at referral and referral source.
    by_age_kind = list(
        cases.filter(period)
        .values("referrals__age_at_referral", "referrals__kind")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    tables.append(_by_age(by_age_kind, limit))
    tables.append(_by_kind(by_age_kind, limit))
    done()

    # Query 5: closure reasons.
    reasons = {
        row["closures__reason"]: row["n"]
        for row in cases.filter(closed)
        .values("closures__reason")
        .annotate(n=Count("id"))
        .order_by()
    }
    tables.append(
        _one_column(
            key="avslutsskal",
            title=_("Avslutsskäl"),
            caption=_("Avslutade SIG per avslutsskäl"),
            row_header=_("Skäl"),
            column=_("Antal"),
            labels=[str(label) for _v, label in ClosureReason.choices],
            values=[reasons.get(v, 0) for v in ClosureReason.values],
            limit=limit,
        )
    )
    done()

    # Query 6: durations of the SIGs closed in the period, as a distribution.
    duration = ExpressionWrapper(
        F("closures__closed_on") - F("started_on"), output_field=DurationField()
    )
    spread = [
        (row["days"].days, row["n"])
        for row in cases.filter(closed, started_on__isnull=False)
        .annotate(days=duration)
        .values("days")
        .annotate(n=Count("id"))
        .order_by()
    ]
    tables.append(_duration(spread, limit))
    done()

    # Query 7: before and after.
    figures = before_after(cases=cases.filter(_active_in(start, end)))
    tables.append(_before_after_table(figures, limit))
    done()
    return Report(
        scope=scope,
        start=start,
        end=end,
        threshold=limit,
        tables=tables,
        before_after=figures,
    )


def _overview(head: dict[str, int], limit: int) -> Table:
    labels = [
        ("referred", _("Aktualiserade")),
        ("prepared", _("Nådde beredning")),
        ("decided", _("Beslutade (inkluderade)")),
        ("started", _("Startade")),
        ("active", _("Aktiva under perioden")),
        ("closed", _("Avslutade")),
    ]
    table = Table(
        key="oversikt",
        title=_("Översikt"),
        caption=_("Antal ärenden under perioden"),
        row_header=_("Steg"),
        columns=[_("Antal")],
    )
    for key, label in labels:
        # Each figure stands alone (the steps overlap), so each is its own row of one cell.
        cells, _total = _suppressed_row([int(head[key])], limit)
        table.rows.append((label, cells))
    return table


def _one_column(
    *,
    key: str,
    title: str,
    caption: str,
    row_header: str,
    column: str,
    labels: list[str],
    values: list[int],
    limit: int,
) -> Table:
    cells, total = _suppressed_row(values, limit)
    return Table(
        key=key,
        title=title,
        caption=caption,
        row_header=row_header,
        columns=[column],
        rows=[(label, [cell]) for label, cell in zip(labels, cells, strict=True)],
        footer=(_("Totalt"), [total]),
    )


def _district_sex(
    municipality: Municipality | None,
    district: District | None,
    referred: QuerySet[Case],
    limit: int,
) -> Table:
    """Referred by district and sex; in the national view by municipality and sex."""
    by = "district_id" if municipality is not None else "municipality_id"
    counts = {
        (row[by], row["youth__sex"]): row["n"]
        for row in referred.values(by, "youth__sex").annotate(n=Count("id")).order_by()
    }
    groups: list[tuple[Any, str]]
    if municipality is None:
        groups = [(m.pk, m.name) for m in Municipality.objects.order_by("name")]
    elif district is not None:
        groups = [(district.pk, district.name)]
    else:
        groups = [(d.pk, d.name) for d in districts_of(municipality)]
        if not groups or any(k[0] is None for k in counts):
            groups.append((None, _("Utan stadsdel") if groups else _("Hela kommunen")))
    sexes = Sex.values
    values = [[counts.get((pk, s), 0) for s in sexes] for pk, _name in groups]
    shown = suppression.suppress_table(values, limit=limit)
    table = Table(
        key="stadsdel_kon",
        title=(
            _("Aktualiserade per stadsdel och kön")
            if municipality is not None
            else _("Aktualiserade per kommun och kön")
        ),
        caption=(
            _("Aktualiserade under perioden per stadsdel och kön")
            if municipality is not None
            else _("Aktualiserade under perioden per kommun och kön")
        ),
        row_header=_("Stadsdel") if municipality is not None else _("Kommun"),
        columns=[str(label) for _v, label in Sex.choices] + [_("Totalt")],
    )
    for i, (_pk, name) in enumerate(groups):
        cells = [_count(v, t) for v, t in zip(values[i], shown.cells[i], strict=True)]
        cells.append(_count(sum(values[i]), shown.row_totals[i]))
        table.rows.append((name, cells))
    column_totals = [sum(row[j] for row in values) for j in range(len(sexes))]
    footer = [_count(v, t) for v, t in zip(column_totals, shown.column_totals, strict=True)]
    footer.append(_count(sum(column_totals), shown.total))
    table.footer = (_("Totalt"), footer)
    return table


def _by_age(rows: list[dict[str, Any]], limit: int) -> Table:
    per_band = dict.fromkeys(AGE_BANDS, 0)
    for row in rows:
        age = row["referrals__age_at_referral"]
        if age is not None:
            per_band[age_band(age)] += row["n"]
    return _one_column(
        key="alder",
        title=_("Aktualiserade per åldersgrupp"),
        caption=_("Aktualiserade under perioden per ålder vid aktualiseringen"),
        row_header=_("Ålder"),
        column=_("Antal"),
        labels=[_("%(band)s år") % {"band": band} for band in AGE_BANDS],
        values=list(per_band.values()),
        limit=limit,
    )


def _by_kind(rows: list[dict[str, Any]], limit: int) -> Table:
    per_kind = dict.fromkeys(ReferralKind.values, 0)
    for row in rows:
        if row["referrals__kind"] in per_kind:
            per_kind[row["referrals__kind"]] += row["n"]
    return _one_column(
        key="aktualiserad_av",
        title=_("Aktualiserade per källa"),
        caption=_("Aktualiserade under perioden per vem som aktualiserade"),
        row_header=_("Aktualiserad av"),
        column=_("Antal"),
        labels=[str(label) for _v, label in ReferralKind.choices],
        values=list(per_kind.values()),
        limit=limit,
    )


def _duration(spread: list[tuple[int, int]], limit: int) -> Table:
    n = sum(count for _days, count in spread)
    days = [d for d, count in spread for _i in range(count)]
    cells, _total = _suppressed_row([n], limit)
    enough = n >= limit
    table = Table(
        key="tid",
        title=_("Tid i SIG"),
        caption=_("Dagar från start till avslut för SIG som avslutades under perioden"),
        row_header=_("Mått"),
        columns=[_("Värde")],
    )
    table.rows.append((_("Antal avslutade SIG som hade startat"), cells))
    table.rows.append(
        (_("Medelvärde, dagar"), [_mean(sum(days), n, limit) if enough else Cell("–")])
    )
    median = Cell(round(float(statistics.median(days)), 1), decimals=1) if enough else Cell("–")
    table.rows.append((_("Median, dagar"), [median]))
    return table


def before_after(*, cases: QuerySet[Case]) -> BeforeAfter:
    """The before/after figures of the cases (see the module for the rule), in one query."""
    police, concern = Measure.POLICE_REPORTS, Measure.CONCERN_REPORTS
    before, after = Q(outcomecounts__period=Period.BEFORE), Q(outcomecounts__period__in=AFTER_START)

    def rows(measure: str, when: Q) -> Count:
        return Count("outcomecounts", filter=when & Q(outcomecounts__measure=measure))

    def total(measure: str, when: Q) -> Coalesce:
        return Coalesce(
            Sum("outcomecounts__count", filter=when & Q(outcomecounts__measure=measure)),
            Value(0),
            output_field=IntegerField(),
        )

    # The youths with all four counts recorded (a subquery), then the sums over their counts:
    # one query. (Summing per-case aggregates in an outer query is not used: Django drops the
    # inner columns from the subquery on SQLite.)
    cohort = (
        cases.annotate(
            npb=rows(police, before),
            npa=rows(police, after),
            ncb=rows(concern, before),
            nca=rows(concern, after),
        )
        .filter(npb__gt=0, npa__gt=0, ncb__gt=0, nca__gt=0)
        .values("pk")
    )
    reported_after = after & Q(
        outcomecounts__measure__in=[police, concern], outcomecounts__count__gt=0
    )
    result = Case.objects.filter(pk__in=cohort).aggregate(
        n=Count("id", distinct=True),
        pb=total(police, before),
        pa=total(police, after),
        cb=total(concern, before),
        ca=total(concern, after),
        some=Count("id", distinct=True, filter=reported_after),
    )
    n = int(result["n"] or 0)
    return BeforeAfter(
        youths=n,
        police_before=Fraction(result["pb"], n) if n else None,
        police_after=Fraction(result["pa"], n) if n else None,
        concern_before=Fraction(result["cb"], n) if n else None,
        concern_after=Fraction(result["ca"], n) if n else None,
        none_after=n - int(result["some"] or 0),
    )


def _before_after_table(figures: BeforeAfter, limit: int) -> Table:
    n = figures.youths
    some_after = n - figures.none_after
    cells, total = _suppressed_row([figures.none_after, some_after], limit)

    def mean(value: Fraction | None) -> Cell:
        if value is None or n < limit:
            return Cell("–")
        return Cell(round(float(value), 1), decimals=1)

    table = Table(
        key="fore_efter",
        title=_("Polisanmälningar och orosanmälningar före och efter start"),
        caption=_(
            "Genomsnittligt antal anmälningar per ungdom före och efter insatsstarten, för "
            "ungdomar med registrerade antal"
        ),
        row_header=_("Mått"),
        columns=[_("Före"), _("Efter start")],
        caution=_(
            "Detta är ingen effektutvärdering: utan en jämförelsegrupp går det inte att säga "
            "att skillnaden beror på insatsen. Tätare kontakt och bevakning under en SIG kan "
            "i sig göra att fler händelser upptäcks och anmäls. ”Efter start” räknar allt från "
            "insatsstarten, under och efter SIG."
        ),
    )
    table.rows.append((_("Antal ungdomar"), [total, Cell("")]))
    table.rows.append(
        (
            _("Polisanmälningar per ungdom"),
            [mean(figures.police_before), mean(figures.police_after)],
        )
    )
    table.rows.append(
        (
            _("Orosanmälningar per ungdom"),
            [mean(figures.concern_before), mean(figures.concern_after)],
        )
    )
    table.rows.append(
        (_("Ungdomar utan polisanmälan och orosanmälan efter start"), [Cell(""), cells[0]])
    )
    table.rows.append(
        (_("Ungdomar med någon polisanmälan eller orosanmälan efter start"), [Cell(""), cells[1]])
    )
    return table
