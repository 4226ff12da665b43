"""Plain helpers about an instrument's scale: the bounds of a score and a total, how a value is
written, and which way a change points. No queries, no personal data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _


def score_text(value: Decimal | int | None) -> str:
    """A score as people write it: "2", "1,5" (the locale's decimal mark), "–" when missing."""
    if value is None:
        return "–"
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return formats.number_format(value, decimal_pos=1)


def total_bounds(
    *, scale_min: Decimal, scale_max: Decimal, domains: int
) -> tuple[Decimal, Decimal]:
    """The lowest and highest possible total: the scale times the number of domains (one when
    the instrument is scored as a whole)."""
    n = max(domains, 1)
    return Decimal(scale_min) * n, Decimal(scale_max) * n


def range_message(low: Decimal, high: Decimal) -> str:
    return _("Värdet ska vara mellan %(low)s och %(high)s.") % {
        "low": score_text(low),
        "high": score_text(high),
    }


@dataclass(frozen=True)
class Trend:
    """The change from the first to the latest value, in words as well as an arrow, so it is
    never told by colour alone."""

    arrow: str  # "↑", "↓" or "→"
    text: str
    better: bool | None  # None when unchanged


def trend(first: Decimal | None, latest: Decimal | None, *, higher_is_risk: bool) -> Trend | None:
    if first is None or latest is None:
        return None
    if latest == first:
        return Trend("→", _("oförändrat"), None)
    difference = score_text(abs(latest - first))
    if latest > first:
        if higher_is_risk:
            return Trend("↑", _("%(d)s högre: ökad risk") % {"d": difference}, False)
        return Trend("↑", _("%(d)s högre: bättre") % {"d": difference}, True)
    if higher_is_risk:
        return Trend("↓", _("%(d)s lägre: minskad risk") % {"d": difference}, True)
    return Trend("↓", _("%(d)s lägre: sämre") % {"d": difference}, False)
