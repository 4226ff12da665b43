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
- the breakdowns by district × sex, age band and referral source are of the cases referred in
  the period. Age and source are those of the case's first referral (`Referral`, by date), so
  each case is counted once; a case without a referral is "Uppgift saknas";
- duration: days from start to closure of the SIGs closed in the period that had started.

Before and after (seed 001, the Huddinge table): the youths whose SIG was active in the
period and who have counts of both police reports and concern reports recorded both *before*
and *after the start*. "After the start" is the `OutcomeCount` periods "under" (during) and
"efter" (after) added up per youth, as the Huddinge evaluation counted everything "efter
insatsstarten". When several organisations recorded the same measure for a youth, their
counts are added.

- Convictions have a cohort of their own: the youths of the same active SIGs with convictions
  recorded both before and after the start (a conviction comes long after the crime, and is
  often not recorded at all, so tying it to the police/concern cohort would shrink that one).
  Its number of youths is shown beside its means.
- By group (sex, age band at the first referral, district — municipality in the national view
  — and year of start): the same cohort cut four ways. The numbers of youths of one cut form a
  row whose total is the cohort, suppressed together; a group's means are shown only when its
  number is shown and is at least the threshold.

Network meetings within the cadence: for the SIGs active in the period, the gaps of the
case page's rule (`case_selectors.meeting_cadence`: from the start to the first held network
meeting, between held network meetings, and from the last one to the closure — here to the
closure or the end of the period, or today, whichever comes first) that end in the period or
later (a gap that ended before the period belongs to an earlier one), each compared with the
local cadence of the case's district or municipality (`LocalPolicy`, loaded once). A gap
still open at the end is counted as it stands. The share within the cadence is shown only
when there are at least the threshold number of gaps and neither count is hidden.

Goal attainment: the sub-goals still in the plans of the SIGs active in the period, each with
its status at its latest follow-up (`GoalReview`) on or before the end of the period, "Inte
uppföljt" when it has none; counted per life domain × status (`suppress_table`).

Privacy across tables (issue 8, point 3). The same youths appear in several tables, so each
population has one total and one decision about it:

- a population's total (referred in the period, closed in the period, the before/after
  cohort, ...) is hidden exactly when it is 1 … threshold - 1, in every table that shows it;
- every breakdown of one population adds up to that total: missing values have a row of
  their own ("Uppgift saknas", "Utan stadsdel", "Inte startat"), so nothing is left over that
  the total minus the rows would give;
- each breakdown is suppressed as a row (or a table) with that total; should a breakdown be
  unprotectable with its total shown (every cell exactly threshold - 1), the breakdown is
  withdrawn ("–" in every cell) instead of hiding the total in one table but not another.

The guarantee: within one report (one area, one period) no hidden count follows from the shown
counts by adding and subtracting rows, columns and shared totals of all its tables together
(tested on the whole report with exact linear algebra). What it is not: means are not counts
and are left out of that reckoning (they are shown only for groups of the threshold or
more); the bounds the labels give ("<5" is 0–4) can narrow a hidden count in a table (see
`samsyn.lib.suppression`); counts of *different* populations that overlap are not balanced
against each other (e.g. "Aktiva under perioden" and the before/after cohort, whose difference
is the number of youths whose counts are not all recorded); and reports for different periods
or areas, asked for one after another (a district and the whole municipality, January–June
and January–July), are not protected against each other: their differences can reveal small
counts.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections import defaultdict
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
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear, TruncDate
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samsyn.cases.models import (
    Case,
    CaseState,
    CaseTransition,
    ClosureReason,
    Measure,
    Period,
    Referral,
    ReferralKind,
    Sex,
)
from samsyn.cases.selectors import age_band
from samsyn.followup.case_selectors import gaps_between
from samsyn.lib import suppression
from samsyn.meetings import cadence
from samsyn.meetings.models import Meeting, MeetingKind, MeetingStatus
from samsyn.organisations.models import District, LocalPolicy, Municipality, Person, Role
from samsyn.plans.models import GoalReview, GoalStatus, LifeDomain, SubGoal

AGE_BANDS = ("0–12", "13–14", "15–17", "18–20", "21–25", "26+")
AFTER_START = (Period.DURING, Period.AFTER)
MISSING = "–"  # a mean not computed, or a breakdown withdrawn (see the module)
# The tables drawn as charts too (`report_charts`), above the table that is their text version.
CHARTED = ("oversikt", "alder", "fore_efter")

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

    @property
    def charted(self) -> bool:
        """The table has a chart (`report_charts`), shown above it."""
        return self.key in CHARTED


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
    # Convictions, over their own cohort (see the module): youths with convictions recorded
    # both before and after the start.
    convicted_youths: int = 0
    convictions_before: Fraction | None = None
    convictions_after: Fraction | None = None


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
    """A breakdown of one population as it may be shown, with that population's total.

    The total is hidden exactly when it is small (the same decision in every table): when
    `suppress_row` cannot protect the row without hiding a total of the threshold or more
    (every cell exactly threshold - 1), the breakdown is withdrawn instead ("–" everywhere).
    """
    row = suppression.suppress_row(values, limit=limit)
    whole = sum(values)
    if row.total_hidden and whole >= limit:
        return [Cell(MISSING) for _v in values], Cell(whole)
    return (
        [_count(v, t) for v, t in zip(values, row.cells, strict=True)],
        _count(whole, row.total),
    )


def _mean(total: int | Fraction, n: int, limit: int) -> Cell:
    if n < limit or n == 0:
        return Cell(MISSING)
    return Cell(round(float(Fraction(total) / n), 1), decimals=1)


def area_cases(scope: Scope) -> QuerySet[Case]:
    """Every case of the area (of every state; the report's definitions pick among them)."""
    cases = Case.objects.all()
    if scope.municipality is not None:
        cases = cases.filter(municipality=scope.municipality)
    if scope.district is not None:
        cases = cases.filter(district=scope.district)
    return cases


def active_in(start: date, end: date) -> Q:
    """The SIGs active on some day of the period: started by its end, not closed before its
    start (the report's "aktiva")."""
    return Q(started_on__isnull=False, started_on__lte=end) & (
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )


def _first_referral(field_name: str) -> Subquery:
    """A field of the case's first referral (by date): one value per case."""
    return Subquery(
        Referral.objects.filter(case=OuterRef("pk"))
        .order_by("referred_on", "created_at", "pk")
        .values(field_name)[:1]
    )


Progress = Callable[[int, int], None]  # (steps done, steps in all)

REPORT_STEPS = 7


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
        active=Count("id", filter=active_in(start, end), distinct=True),
        closed=Count("id", filter=closed, distinct=True),
    )
    tables = [_overview(head, limit)]
    done()

    # Query 2 (and 3: the districts): referred by district × sex.
    tables.append(_district_sex(municipality, district, cases.filter(period), limit))
    done()

    # Query 4: referred by age and source of the first referral.
    by_age_kind = list(
        cases.filter(period)
        .annotate(age=_first_referral("age_at_referral"), kind=_first_referral("kind"))
        .values("age", "kind")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    tables.append(_by_age(by_age_kind, limit))
    tables.append(_by_kind(by_age_kind, limit))
    done()

    # Query 5: closure reasons (one closure per case), and query 6: the durations of the SIGs
    # closed in the period, as a distribution.
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
    tables.append(_duration(spread, sum(reasons.values()), limit))
    done()

    # Queries 7–9: before and after, convictions, and the cohort by group.
    active = cases.filter(active_in(start, end))
    figures = before_after(cases=active)
    figures = dataclasses.replace(figures, **_convictions(active))
    tables.append(_before_after_table(figures, limit))
    tables.extend(_before_after_groups(scope, active, figures, limit))
    done()

    # Queries 10–12: network meetings against the local cadence.
    tables.append(_meeting_cadence(scope, active, start, end, limit))
    done()

    # Query 13: goal attainment per life domain.
    tables.append(_goal_attainment(active, end, limit))
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
    missing = 0
    for row in rows:
        age = row["age"]
        if age is None:
            missing += row["n"]
        else:
            per_band[age_band(age)] += row["n"]
    return _one_column(
        key="alder",
        title=_("Aktualiserade per åldersgrupp"),
        caption=_("Aktualiserade under perioden per ålder vid aktualiseringen"),
        row_header=_("Ålder"),
        column=_("Antal"),
        labels=[_("%(band)s år") % {"band": band} for band in AGE_BANDS] + [_("Uppgift saknas")],
        values=[*per_band.values(), missing],
        limit=limit,
    )


def _by_kind(rows: list[dict[str, Any]], limit: int) -> Table:
    per_kind = dict.fromkeys(ReferralKind.values, 0)
    missing = 0
    for row in rows:
        if row["kind"] in per_kind:
            per_kind[row["kind"]] += row["n"]
        else:
            missing += row["n"]
    return _one_column(
        key="aktualiserad_av",
        title=_("Aktualiserade per källa"),
        caption=_("Aktualiserade under perioden per vem som aktualiserade"),
        row_header=_("Aktualiserad av"),
        column=_("Antal"),
        labels=[str(label) for _v, label in ReferralKind.choices] + [_("Uppgift saknas")],
        values=[*per_kind.values(), missing],
        limit=limit,
    )


def _duration(spread: list[tuple[int, int]], closed: int, limit: int) -> Table:
    """How long the SIGs closed in the period lasted. The closed ones that had started and
    those that had not are one row with the total "Avslutade" (so neither is the total minus
    the other)."""
    n = sum(count for _days, count in spread)
    days = [d for d, count in spread for _i in range(count)]
    cells, _total = _suppressed_row([n, closed - n], limit)
    enough = cells[0].shown and n >= limit
    table = Table(
        key="tid",
        title=_("Tid i SIG"),
        caption=_("Dagar från start till avslut för SIG som avslutades under perioden"),
        row_header=_("Mått"),
        columns=[_("Värde")],
    )
    table.rows.append((_("Antal avslutade SIG som hade startat"), [cells[0]]))
    table.rows.append((_("Antal avslutade SIG som inte hade startat"), [cells[1]]))
    table.rows.append(
        (_("Medelvärde, dagar"), [_mean(sum(days), n, limit) if enough else Cell(MISSING)])
    )
    median = Cell(round(float(statistics.median(days)), 1), decimals=1) if enough else Cell(MISSING)
    table.rows.append((_("Median, dagar"), [median]))
    return table


POLICE, CONCERN, CONVICTIONS = Measure.POLICE_REPORTS, Measure.CONCERN_REPORTS, Measure.CONVICTIONS
BEFORE, AFTER = Q(outcomecounts__period=Period.BEFORE), Q(outcomecounts__period__in=AFTER_START)


def _recorded(measure: str, when: Q) -> Count:
    return Count("outcomecounts", filter=when & Q(outcomecounts__measure=measure))


def _sum(measure: str, when: Q) -> Coalesce:
    return Coalesce(
        Sum("outcomecounts__count", filter=when & Q(outcomecounts__measure=measure)),
        Value(0),
        output_field=IntegerField(),
    )


def _cohort(cases: QuerySet[Case]) -> QuerySet[Case, dict[str, Any]]:
    """The youths with police and concern reports recorded before and after (a subquery)."""
    return (
        cases.annotate(
            npb=_recorded(POLICE, BEFORE),
            npa=_recorded(POLICE, AFTER),
            ncb=_recorded(CONCERN, BEFORE),
            nca=_recorded(CONCERN, AFTER),
        )
        .filter(npb__gt=0, npa__gt=0, ncb__gt=0, nca__gt=0)
        .values("pk")
    )


def before_after(*, cases: QuerySet[Case]) -> BeforeAfter:
    """The before/after figures of the cases (see the module for the rule), in one query.
    Convictions are left at their defaults (`operational_report` adds them)."""
    # The youths with all four counts recorded (a subquery), then the sums over their counts:
    # one query. (Summing per-case aggregates in an outer query is not used: Django drops the
    # inner columns from the subquery on SQLite.)
    reported_after = AFTER & Q(
        outcomecounts__measure__in=[POLICE, CONCERN], outcomecounts__count__gt=0
    )
    result = Case.objects.filter(pk__in=_cohort(cases)).aggregate(
        n=Count("id", distinct=True),
        pb=_sum(POLICE, BEFORE),
        pa=_sum(POLICE, AFTER),
        cb=_sum(CONCERN, BEFORE),
        ca=_sum(CONCERN, AFTER),
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


def _convictions(cases: QuerySet[Case]) -> dict[str, Any]:
    """Convictions per youth before and after, over the youths with convictions recorded both
    before and after the start (their own cohort), in one query."""
    cohort = (
        cases.annotate(nb=_recorded(CONVICTIONS, BEFORE), na=_recorded(CONVICTIONS, AFTER))
        .filter(nb__gt=0, na__gt=0)
        .values("pk")
    )
    result = Case.objects.filter(pk__in=cohort).aggregate(
        n=Count("id", distinct=True), b=_sum(CONVICTIONS, BEFORE), a=_sum(CONVICTIONS, AFTER)
    )
    n = int(result["n"] or 0)
    return {
        "convicted_youths": n,
        "convictions_before": Fraction(result["b"], n) if n else None,
        "convictions_after": Fraction(result["a"], n) if n else None,
    }


def _caution() -> str:
    # Translated when the report is built, not when the module is imported.
    return _(
        "Detta är ingen effektutvärdering: utan en jämförelsegrupp går det inte att säga att "
        "skillnaden beror på insatsen. Tätare kontakt och bevakning under en SIG kan i sig "
        "göra att fler händelser upptäcks och anmäls. ”Efter start” räknar allt från "
        "insatsstarten, under och efter SIG."
    )


def _before_after_table(figures: BeforeAfter, limit: int) -> Table:
    n = figures.youths
    some_after = n - figures.none_after
    cells, total = _suppressed_row([figures.none_after, some_after], limit)

    def mean(value: Fraction | None, youths: int) -> Cell:
        if value is None or youths < limit:
            return Cell(MISSING)
        return Cell(round(float(value), 1), decimals=1)

    convicted, _convicted_total = _suppressed_row([figures.convicted_youths], limit)
    table = Table(
        key="fore_efter",
        title=_("Polisanmälningar, orosanmälningar och brottsdomar före och efter start"),
        caption=_(
            "Genomsnittligt antal per ungdom före och efter insatsstarten, för ungdomar med "
            "registrerade antal"
        ),
        row_header=_("Mått"),
        columns=[_("Före"), _("Efter start")],
        caution=_caution(),
    )
    table.rows.append((_("Antal ungdomar"), [total, Cell("")]))
    table.rows.append(
        (
            _("Polisanmälningar per ungdom"),
            [mean(figures.police_before, n), mean(figures.police_after, n)],
        )
    )
    table.rows.append(
        (
            _("Orosanmälningar per ungdom"),
            [mean(figures.concern_before, n), mean(figures.concern_after, n)],
        )
    )
    table.rows.append(
        (_("Ungdomar utan polisanmälan och orosanmälan efter start"), [Cell(""), cells[0]])
    )
    table.rows.append(
        (_("Ungdomar med någon polisanmälan eller orosanmälan efter start"), [Cell(""), cells[1]])
    )
    table.rows.append(
        (_("Antal ungdomar med registrerade brottsdomar före och efter"), [convicted[0], Cell("")])
    )
    table.rows.append(
        (
            _("Brottsdomar per ungdom"),
            [
                mean(figures.convictions_before, figures.convicted_youths),
                mean(figures.convictions_after, figures.convicted_youths),
            ],
        )
    )
    return table


@dataclass
class _Group:
    youths: int = 0
    sums: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # pb, pa, cb, ca


def _before_after_groups(
    scope: Scope, active: QuerySet[Case], figures: BeforeAfter, limit: int
) -> list[Table]:
    """The before/after cohort cut by sex, age band, district (municipality) and year of
    start, in one query: one table per cut, each adding up to the cohort."""
    by = "municipality_id" if scope.is_national else "district_id"
    rows = list(
        Case.objects.filter(pk__in=_cohort(active))
        .annotate(age=_first_referral("age_at_referral"), year=ExtractYear("started_on"))
        .values("youth__sex", "age", by, "year")
        .annotate(
            n=Count("id", distinct=True),
            pb=_sum(POLICE, BEFORE),
            pa=_sum(POLICE, AFTER),
            cb=_sum(CONCERN, BEFORE),
            ca=_sum(CONCERN, AFTER),
        )
        .order_by()
    )
    missing = _("Uppgift saknas")
    cuts: dict[str, dict[Any, _Group]] = {"kon": {}, "alder": {}, "omrade": {}, "startar": {}}
    for row in rows:
        age = row["age"]
        keys = {
            "kon": row["youth__sex"],
            "alder": age_band(age) if age is not None else None,
            "omrade": row[by],
            "startar": row["year"],
        }
        for cut, key in keys.items():
            group = cuts[cut].setdefault(key, _Group())
            group.youths += row["n"]
            for j, name in enumerate(("pb", "pa", "cb", "ca")):
                group.sums[j] += int(row[name])
    area: list[tuple[Any, str]]
    if scope.is_national:
        area = [(m.pk, m.name) for m in Municipality.objects.order_by("name")]
    elif scope.district is None and scope.municipality is not None:
        area = [(d.pk, d.name) for d in districts_of(scope.municipality)]
        area.append((None, _("Utan stadsdel")))
    else:
        area = []  # one district: the cut would be the cohort itself
    years = sorted(y for y in cuts["startar"] if y is not None)
    layouts: list[tuple[str, str, str, list[tuple[Any, str]]]] = [
        ("kon", _("per kön"), _("Kön"), [(v, str(label)) for v, label in Sex.choices]),
        (
            "alder",
            _("per åldersgrupp"),
            _("Ålder vid aktualiseringen"),
            [(band, _("%(band)s år") % {"band": band}) for band in AGE_BANDS] + [(None, missing)],
        ),
        (
            "omrade",
            _("per kommun") if scope.is_national else _("per stadsdel"),
            _("Kommun") if scope.is_national else _("Stadsdel"),
            area,
        ),
        ("startar", _("per startår"), _("Startår"), [(y, str(y)) for y in years]),
    ]
    tables = []
    for cut, title, header, groups in layouts:
        if not groups:
            continue
        tables.append(_group_table(cut, title, header, groups, cuts[cut], figures, limit))
    return tables


def _group_table(
    cut: str,
    title: str,
    header: str,
    groups: list[tuple[Any, str]],
    found: dict[Any, _Group],
    figures: BeforeAfter,
    limit: int,
) -> Table:
    values = [found.get(key, _Group()).youths for key, _label in groups]
    cells, total = _suppressed_row(values, limit)
    table = Table(
        key=f"fore_efter_{cut}",
        title=_("Före och efter start %(cut)s") % {"cut": title},
        caption=_(
            "Antal ungdomar och genomsnittligt antal anmälningar per ungdom före och efter "
            "insatsstarten, %(cut)s"
        )
        % {"cut": title},
        row_header=header,
        columns=[
            _("Antal ungdomar"),
            _("Polisanmälningar före"),
            _("Polisanmälningar efter start"),
            _("Orosanmälningar före"),
            _("Orosanmälningar efter start"),
        ],
        caution=_caution(),
    )
    for (key, label), cell in zip(groups, cells, strict=True):
        group = found.get(key, _Group())
        # A mean only beside a shown number of youths (of the threshold or more).
        means = [_mean(s, group.youths, limit) if cell.shown else Cell(MISSING) for s in group.sums]
        table.rows.append((label, [cell, *means]))
    n = figures.youths
    overall = [
        figures.police_before,
        figures.police_after,
        figures.concern_before,
        figures.concern_after,
    ]
    table.footer = (
        _("Totalt"),
        [total, *(_mean(v * n if v is not None else 0, n, limit) for v in overall)],
    )
    return table


def _meeting_cadence(
    scope: Scope, active: QuerySet[Case], start: date, end: date, limit: int
) -> Table:
    """Gaps between held network meetings against the local cadence (see the module), in
    three queries: the cases, their held network meetings, the local policies."""
    listed = list(
        active.values_list(
            "pk", "municipality_id", "district_id", "started_on", "decided_on", "closed_on"
        )
    )
    # The days only (`cadence.meeting_day`, in SQL): a municipality's active cases have held
    # tens of thousands of meetings, and a model instance each cost most of the report's time.
    held: dict[int, list[date]] = defaultdict(list)
    day = Coalesce("held_on", TruncDate("starts_at", tzinfo=cadence.STOCKHOLM))
    for case_id, held_day in (
        Meeting.objects.filter(
            case__in=active.values("pk"), kind=MeetingKind.NETWORK, status=MeetingStatus.HELD
        )
        .annotate(day=day)
        .values_list("case_id", "day")
    ):
        held[case_id].append(held_day)
    policies = LocalPolicy.objects.only("municipality_id", "district_id", "meeting_cadence_weeks")
    if scope.municipality is not None:
        policies = policies.filter(municipality=scope.municipality)
    local = {(p.municipality_id, p.district_id): p for p in policies}
    cutoff = min(end, timezone.localdate())
    gaps = over = 0
    for pk, municipality_id, district_id, started_on, decided_on, closed_on in listed:
        if started_on is None or started_on > cutoff:
            continue
        until = min(closed_on, cutoff) if closed_on else cutoff
        days = [d for d in held[pk] if started_on <= d <= until]
        policy = local.get((municipality_id, district_id)) or local.get((municipality_id, None))
        allowed = 7 * cadence.cadence_weeks(policy)
        # The case as far as the report reaches: closed (for the rule) at the cutoff. The gaps
        # that reach into the period count (one that ends before it is another period's).
        _days, _start, _end, all_spans = gaps_between(
            days, started=started_on, decided=decided_on, closed=until, today=until
        )
        spans = [(a, b) for a, b in all_spans if b >= start]
        gaps += len(spans)
        over += sum((b - a).days > allowed for a, b in spans)
    cells, total = _suppressed_row([gaps - over, over], limit)
    share = (
        Cell(round(100 * (gaps - over) / gaps), decimals=0)
        if gaps >= limit and all(c.shown for c in cells)
        else Cell(MISSING)
    )
    table = Table(
        key="motesfrekvens",
        title=_("Nätverksmöten inom den lokala kadensen"),
        caption=_(
            "Tiden mellan hållna nätverksmöten i SIG som var aktiva under perioden, jämförd med "
            "kommunens eller stadsdelens kadens"
        ),
        row_header=_("Mått"),
        columns=[_("Värde")],
    )
    table.rows.append((_("Mellanrum inom kadensen"), [cells[0]]))
    table.rows.append((_("Mellanrum längre än kadensen"), [cells[1]]))
    table.rows.append((_("Antal mellanrum"), [total]))
    table.rows.append((_("Andel inom kadensen, procent"), [share]))
    return table


NOT_REVIEWED = "ej_uppfoljt"


def _goal_attainment(active: QuerySet[Case], end: date, limit: int) -> Table:
    """The sub-goals of the active SIGs by life domain and latest status (see the module), in
    one query."""
    latest = Subquery(
        GoalReview.objects.filter(subgoal=OuterRef("pk"), reviewed_on__lte=end)
        .order_by("-reviewed_on", "-created_at", "-pk")
        .values("status")[:1]
    )
    counts = {
        (row["domain"], row["latest"] or NOT_REVIEWED): row["n"]
        for row in SubGoal.objects.filter(case__in=active.values("pk"), is_active=True)
        .annotate(latest=latest)
        .values("domain", "latest")
        .annotate(n=Count("id"))
        .order_by()
    }
    statuses = [*GoalStatus.values, NOT_REVIEWED]
    values = [[counts.get((d, s), 0) for s in statuses] for d in LifeDomain.values]
    shown = suppression.suppress_table(values, limit=limit)
    table = Table(
        key="mal_livsomraden",
        title=_("Måluppfyllelse per livsområde"),
        caption=_(
            "Delmål i SIG som var aktiva under perioden, per livsområde och status vid den "
            "senaste uppföljningen"
        ),
        row_header=_("Livsområde"),
        columns=[str(label) for _v, label in GoalStatus.choices]
        + [_("Inte uppföljt"), _("Totalt")],
    )
    for i, (_v, label) in enumerate(LifeDomain.choices):
        cells = [_count(v, t) for v, t in zip(values[i], shown.cells[i], strict=True)]
        cells.append(_count(sum(values[i]), shown.row_totals[i]))
        table.rows.append((str(label), cells))
    column_totals = [sum(row[j] for row in values) for j in range(len(statuses))]
    footer = [_count(v, t) for v, t in zip(column_totals, shown.column_totals, strict=True)]
    footer.append(_count(sum(column_totals), shown.total))
    table.footer = (_("Totalt"), footer)
    return table
