"""The cost-and-benefit calculator (kostnader och nytta) for styrgrupp/analytiker.

Aggregates only, like the operational report (`selectors`): the cohort is counted and its
youth-years summed in SQL, in a fixed number of queries; no amount is shown for a cohort of
fewer youths than the suppression threshold (an amount divided by a known yearly cost would
tell how long one youth was in a SIG).

Definitions (the period and the area as on the report page):

- *the cohort*: the SIGs active on some day of the period in the area (the report's
  "aktiva under perioden");
- *youth-years* (ungdomsår): for each of those SIGs the days of the period it was active,
  from max(start, period start) to min(closure, period end, today), both days included,
  added up and divided by 365 (days that have not come yet have cost nothing);
- *SIG cost*: youth-years × the SIG cost per youth and year; *placement*: the same
  youth-years × the placement cost per year (the same youths placed for the same time);
- *crimes before/after*: the youths of the cohort with police and concern reports recorded
  before and after the start (`selectors.before_after`, the Huddinge table); every police
  report counted as one crime of the chosen cost.

The figures are the local policy's (`LocalPolicy`): the chosen district's own when it has
one, else the municipality's; the reader may try other figures for one calculation (not
saved). The national view has no figures of its own (they differ per municipality): a
national coordinator chooses one municipality.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import (
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samsyn.cases.models import Case
from samsyn.followup.selectors import (
    BeforeAfter,
    Scope,
    active_in,
    area_cases,
    before_after,
)
from samsyn.lib import suppression
from samsyn.organisations import selectors as organisations
from samsyn.organisations.models import LocalPolicy, Person

DAYS_PER_YEAR = 365
# Larger than any real yearly cost of one youth or one crime: a typing slip, not a figure.
MAX_AMOUNT = 100_000_000


def kronor(amount: int) -> str:
    """An amount of money the Swedish way: "2 726 000 kr" (non-breaking spaces)."""
    digits = f"{abs(amount):,}".replace(",", "\xa0")
    return f"{'−' if amount < 0 else ''}{digits}\xa0kr"


def _half_up(value: Fraction) -> int:
    """Whole kronor, halves rounded up (amounts here are never negative)."""
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


@dataclass(frozen=True)
class SavedFigures:
    """The figures saved in the local policy in force for the area."""

    policy: LocalPolicy | None  # None: the municipality has no policy; the defaults apply
    sig_per_youth_year: int
    placement_per_year: int
    crime_costs: list[tuple[str, int]] = field(default_factory=list)

    @property
    def source(self) -> str:
        """The area whose policy the figures come from ("" for the defaults)."""
        return str(self.policy) if self.policy is not None else ""


@dataclass(frozen=True)
class Figures:
    """The figures one calculation uses: saved or tried out by the reader."""

    sig_per_youth_year: int
    placement_per_year: int
    per_crime: int | None  # None: no cost per crime known, the crime part is not computed
    crime_type: str  # the crime type whose cost is used; "" for an amount typed in

    @property
    def sig_text(self) -> str:
        return kronor(self.sig_per_youth_year)

    @property
    def placement_text(self) -> str:
        return kronor(self.placement_per_year)

    @property
    def per_crime_text(self) -> str:
        if self.per_crime is None:
            return _("Ingen angiven")
        if self.crime_type:
            return f"{kronor(self.per_crime)} ({self.crime_type})"
        return _("%(amount)s (eget belopp)") % {"amount": kronor(self.per_crime)}


def saved_figures(*, scope: Scope) -> SavedFigures:
    """The saved figures for the area (a municipality must be chosen: national has none)."""
    if scope.municipality is None:
        raise ValueError("the national view has no local figures: choose a municipality")
    policy = organisations.policy_for(municipality=scope.municipality, district=scope.district)
    if policy is None:
        defaults = LocalPolicy()
        return SavedFigures(
            policy=None,
            sig_per_youth_year=defaults.sig_cost_per_youth_year,
            placement_per_year=defaults.placement_cost_per_year,
        )
    return SavedFigures(
        policy=policy,
        sig_per_youth_year=policy.sig_cost_per_youth_year,
        placement_per_year=policy.placement_cost_per_year,
        crime_costs=[(c.crime_type, c.amount_sek) for c in policy.crime_costs.all()],
    )


def default_figures(saved: SavedFigures) -> Figures:
    """The saved figures, the first crime type's cost per crime (when there is one)."""
    first = saved.crime_costs[0] if saved.crime_costs else None
    return Figures(
        sig_per_youth_year=saved.sig_per_youth_year,
        placement_per_year=saved.placement_per_year,
        per_crime=first[1] if first else None,
        crime_type=first[0] if first else "",
    )


def may_edit_figures(*, viewer: Person, saved: SavedFigures) -> bool:
    """The viewer administers the municipality whose policy holds the figures."""
    if saved.policy is None:
        return False
    return (
        organisations.admin_municipalities(viewer=viewer)
        .filter(pk=saved.policy.municipality_id)
        .exists()
    )


def active_cases(*, scope: Scope, start: date, end: date) -> QuerySet[Case]:
    """The SIGs of the area active on some day of the period (the report's "aktiva")."""
    return area_cases(scope).filter(active_in(start, end))


def cohort_youth_days(*, scope: Scope, start: date, end: date) -> tuple[int, int]:
    """(youths, days): the youths whose SIG was active in the period, and the days of the
    period their SIGs were active up to today, both days included, added up. One query."""
    end = min(end, timezone.localdate())  # a day that has not come has cost nothing yet
    if end < start:
        return 0, 0
    first = Value(start, output_field=DateField())
    last = Value(end, output_field=DateField())
    active_days = ExpressionWrapper(
        Least(Coalesce(F("closed_on"), last), last) - Greatest(F("started_on"), first),
        output_field=DurationField(),
    )
    result = active_cases(scope=scope, start=start, end=end).aggregate(
        youths=Count("youth", distinct=True), cases=Count("id"), spans=Sum(active_days)
    )
    spans = result["spans"] or timedelta(0)
    # A span from a day to the same day is one day of SIG: one more day per case.
    return int(result["youths"] or 0), spans.days + int(result["cases"] or 0)


@dataclass(frozen=True)
class Calculation:
    """One calculation, unsuppressed: the view shows its amounts only when `shown`."""

    scope: Scope
    start: date
    end: date
    threshold: int
    youths: int
    youth_days: int
    figures: Figures
    crimes: BeforeAfter

    @property
    def shown(self) -> bool:
        """Amounts are shown only for a cohort of at least the threshold."""
        return self.youths >= self.threshold

    @property
    def crimes_shown(self) -> bool:
        return (
            self.shown
            and self.crimes.youths >= self.threshold
            and self.figures.per_crime is not None
        )

    @property
    def youth_years(self) -> Fraction:
        return Fraction(self.youth_days, DAYS_PER_YEAR)

    @property
    def sig_cost(self) -> int:
        return _half_up(self.youth_years * self.figures.sig_per_youth_year)

    @property
    def placement_cost(self) -> int:
        return _half_up(self.youth_years * self.figures.placement_per_year)

    @property
    def placement_minus_sig(self) -> int:
        """What placing the same youths would have cost more than their SIGs (rounded amounts,
        so that the page adds up)."""
        return self.placement_cost - self.sig_cost

    @property
    def reports_before(self) -> int:
        n, mean = self.crimes.youths, self.crimes.police_before
        return int(mean * n) if mean is not None else 0

    @property
    def reports_after(self) -> int:
        n, mean = self.crimes.youths, self.crimes.police_after
        return int(mean * n) if mean is not None else 0

    @property
    def crime_cost_before(self) -> int:
        return self.reports_before * (self.figures.per_crime or 0)

    @property
    def crime_cost_after(self) -> int:
        return self.reports_after * (self.figures.per_crime or 0)

    @property
    def crime_cost_before_minus_after(self) -> int:
        return self.crime_cost_before - self.crime_cost_after

    @property
    def youth_days_text(self) -> str:
        return f"{self.youth_days:,}".replace(",", "\xa0")

    @property
    def youth_years_text(self) -> str:
        return one_decimal(self.youth_years)

    def per_youth(self, amount: int) -> int:
        """An amount of the crime cohort per youth of it, in whole kronor."""
        return _half_up(Fraction(amount, self.crimes.youths)) if self.crimes.youths else 0


def calculate(*, scope: Scope, start: date, end: date, figures: Figures) -> Calculation:
    """The calculation for the area, period and figures (see the module): two queries."""
    if scope.municipality is None:
        raise ValueError("the national view has no local figures: choose a municipality")
    youths, days = cohort_youth_days(scope=scope, start=start, end=end)
    return Calculation(
        scope=scope,
        start=start,
        end=end,
        threshold=suppression.threshold(),
        youths=youths,
        youth_days=days,
        figures=figures,
        crimes=before_after(cases=active_cases(scope=scope, start=start, end=end)),
    )


def youths_text(n: int, limit: int) -> str:
    """A count of youths as it may be shown ("12", "0" or "<5")."""
    return suppression.suppress_row([n], limit=limit).total


def one_decimal(value: Fraction) -> str:
    return str(formats.number_format(round(float(value), 1), decimal_pos=1))


# --- what the page shows ------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a shown table: a label and its values as text."""

    label: str
    values: list[str]


def figure_rows(figures: Figures) -> list[Row]:
    """The figures in use, as the page lists them."""
    return [
        Row(_("SIG per ungdom och år"), [figures.sig_text]),
        Row(_("Placering per år"), [figures.placement_text]),
        Row(_("Kostnad per polisanmälan"), [figures.per_crime_text]),
    ]


def comparison_rows(calc: Calculation) -> list[Row]:
    """SIG against placement for the cohort (only for a cohort of at least the threshold)."""
    if not calc.shown:
        return []
    difference = calc.placement_minus_sig
    return [
        Row(_("Ungdomar med aktiv SIG under perioden"), [youths_text(calc.youths, calc.threshold)]),
        Row(_("Ungdomsår"), [calc.youth_years_text]),
        Row(_("Kostnad för SIG"), [kronor(calc.sig_cost)]),
        Row(
            _("Kostnad om samma ungdomar i stället hade varit placerade lika länge"),
            [kronor(calc.placement_cost)],
        ),
        Row(
            _("Skillnad: placering hade kostat mer")
            if difference >= 0
            else _("Skillnad: SIG har kostat mer"),
            [kronor(abs(difference))],
        ),
    ]


def crime_rows(calc: Calculation) -> list[Row]:
    """Police reports and their cost before and after the start (only when shown)."""
    if not calc.crimes_shown:
        return []
    crimes = calc.crimes
    difference = calc.crime_cost_before_minus_after

    def mean(value: Fraction | None) -> str:
        return one_decimal(value) if value is not None else "–"

    return [
        Row(
            _("Ungdomar med registrerade antal"),
            [youths_text(crimes.youths, calc.threshold), ""],
        ),
        Row(
            _("Polisanmälningar per ungdom"),
            [mean(crimes.police_before), mean(crimes.police_after)],
        ),
        Row(
            _("Kostnad för brotten"),
            [kronor(calc.crime_cost_before), kronor(calc.crime_cost_after)],
        ),
        Row(
            _("Kostnad för brotten per ungdom"),
            [
                kronor(calc.per_youth(calc.crime_cost_before)),
                kronor(calc.per_youth(calc.crime_cost_after)),
            ],
        ),
        Row(
            _("Skillnad: lägre kostnad efter start")
            if difference >= 0
            else _("Skillnad: högre kostnad efter start"),
            ["", kronor(abs(difference))],
        ),
    ]
