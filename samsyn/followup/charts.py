"""Charts drawn on the server as SVG (matplotlib, no JavaScript, printable).

Rules:
- No files on disk and no pyplot (so no GUI backend and no global figure state): each chart
  is its own `Figure` on the SVG canvas, safe in threads.
- Deterministic: the same data gives the same bytes (`svg.hashsalt` fixed, no date in the
  metadata), so tests can compare.
- Safe to serve: the SVG has a <title> and a <desc>, no script and no external reference;
  every text from the data is escaped by matplotlib (and a `$` never starts mathtext). The
  page shows a text alternative (a table) next to it.
- Numbers as the reader writes them: the locale's decimal mark ("1,5" in Swedish), in the
  axis labels and the values written at the points too.
- Readable with many domains (ESTER has 19): the reader chooses what is drawn (`ChartChoice`;
  by default the total), the total and the domains get a panel each (their scales differ),
  and the legend goes under the plot, one line per domain, so it never covers a line; the
  figure grows with it.
- Fonts: DejaVu Sans, which matplotlib ships.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import formats
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from samsyn.assessments.selectors import Comparison, ComparisonRow

RC: Any = {
    "svg.hashsalt": "samsyn",
    "svg.fonttype": "none",  # text stays text: selectable, and read by screen readers
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# Colour-blind safe (Okabe–Ito); markers differ too, so lines are told apart without colour,
# and past seven lines the dash pattern changes, so no two of ESTER's 19 domains look alike.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
DASHES = ["-", "--", ":"]

TOTAL = "totalt"  # the choice of the total in a query ("visa=ESTER:totalt")
DEFAULT_DOMAINS = 4  # drawn by default when the instrument has no total
NO_VALUE = "inget värde"  # after a chosen domain without values (the views pass it translated)

DPI = 72


@dataclass(frozen=True)
class Layout:
    """The chart's proportions: the wide one for a screen or paper, the narrow one for a phone
    (the page offers it with <picture>), so the text stays readable when the image is scaled
    to the screen."""

    width: float  # inches; at 72 dpi, 540 pt for the wide one
    panel: float  # the height of one plot
    frame: float  # the title and the dates under the plot
    tick_size: float
    legend_size: float
    wrap: int  # legend names are wrapped at this many characters


WIDE = Layout(width=7.5, panel=2.4, frame=1.05, tick_size=10, legend_size=10, wrap=80)
NARROW = Layout(width=3.9, panel=2.1, frame=1.15, tick_size=9.5, legend_size=10, wrap=38)
LEGEND_LINE = 0.22


# --- what is drawn ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartChoice:
    """What the chart draws: the total (when the instrument has one) and some domains, as
    indexes into `Comparison.rows`, in the instrument's order."""

    total: bool
    domains: tuple[int, ...]

    def values(self, instrument: str) -> list[str]:
        """The choice as query values, e.g. ["ESTER:totalt", "ESTER:3"] (domains from 1)."""
        keys = ([TOTAL] if self.total else []) + [str(n + 1) for n in self.domains]
        return [f"{instrument}:{key}" for key in keys]

    @property
    def panels(self) -> int:
        return int(self.total) + int(bool(self.domains))


def _changed(row: ComparisonRow) -> Decimal:
    known = [v for v in row.values if v is not None]
    return abs(known[-1] - known[0]) if len(known) > 1 else Decimal(-1 if not known else 0)


def default_choice(comparison: Comparison) -> ChartChoice:
    """The total, when any occasion has one; otherwise the domains that changed most (at most
    `DEFAULT_DOMAINS`, in the instrument's order)."""
    if comparison.total is not None:
        return ChartChoice(total=True, domains=())
    drawn = [n for n, row in enumerate(comparison.rows) if any(v is not None for v in row.values)]
    drawn.sort(key=lambda n: -_changed(comparison.rows[n]))
    return ChartChoice(total=False, domains=tuple(sorted(drawn[:DEFAULT_DOMAINS])))


def choice_from_query(comparison: Comparison, values: Iterable[str]) -> ChartChoice:
    """The choice for this instrument among the query's values ("ESTER:totalt", "ESTER:3",
    "SAVRY:1"…); what does not fit (another instrument, an unknown domain, a total the
    instrument lacks) is ignored, and the default is used when nothing is left."""
    total, domains = False, set()
    for value in values:
        instrument, _sep, key = value.rpartition(":")
        if instrument != comparison.instrument:
            continue
        if key == TOTAL:
            total = comparison.total is not None
        elif re.fullmatch(r"[0-9]{1,3}", key) and 1 <= int(key) <= len(comparison.rows):
            domains.add(int(key) - 1)
    if not total and not domains:
        return default_choice(comparison)
    return ChartChoice(total=total, domains=tuple(sorted(domains)))


def chart_size(
    comparison: Comparison, choice: ChartChoice, layout: Layout = WIDE
) -> tuple[int, int]:
    """The chart's width and height at 72 dpi, for the <img> that shows it (its proportions)."""
    width, height = _figsize(comparison, choice, layout)
    return round(width * DPI), round(height * DPI)


def total_scale(comparison: Comparison) -> tuple[float | None, float | None]:
    """The bounds of the total: the scale times the number of domains in use (one when the
    instrument is scored as a whole), as `assessments.scales.total_bounds`."""
    low, high = _scale(comparison.scale)
    if low is None or high is None:
        return None, None
    domains = max(sum(not row.retired for row in comparison.rows), 1)
    return low * domains, high * domains


def _legend_label(label: str, layout: Layout) -> str:
    return "\n".join(textwrap.wrap(_plain(label), layout.wrap)) or " "


def _row_label(row: ComparisonRow, layout: Layout, no_value: str = NO_VALUE) -> str:
    """A domain's name in the legend, with `no_value` when the viewer sees no value of it."""
    if any(v is not None for v in row.values):
        return _legend_label(row.label, layout)
    return _legend_label(f"{row.label} ({no_value})", layout)


def _figsize(comparison: Comparison, choice: ChartChoice, layout: Layout) -> tuple[float, float]:
    lines = sum(_row_label(comparison.rows[n], layout).count("\n") + 1 for n in choice.domains)
    legend = lines + 1 if lines else 0  # +1: room above the first line
    return layout.width, layout.frame + layout.panel * max(choice.panels, 1) + LEGEND_LINE * legend


# --- how it is drawn ---------------------------------------------------------------------------


def number_text(value: float | Decimal) -> str:
    """A number as the reader writes it: "2", "1,5" (the active language's decimal mark)."""
    rounded = round(Decimal(str(value)), 1)
    if rounded == rounded.to_integral_value():
        return str(int(rounded))
    return str(formats.number_format(rounded, decimal_pos=1))


def _plain(text: str) -> str:
    """Text from the data as matplotlib shows it literally: a `$` never starts mathtext."""
    return text.replace("$", r"\$")


def _svg(figure: Figure, *, title: str, description: str, ids: str = "chart") -> str:
    """The figure as an SVG document with its <title> and <desc>; `ids` prefixes their ids,
    unique per document when several charts are inlined in one (the PDF)."""
    buffer = io.StringIO()
    FigureCanvasSVG(figure)
    with rc_context(RC):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML declaration or DOCTYPE: ready to inline or serve
    accessible = (
        f'<title id="{ids}-title">{escape(title)}</title>'
        f'<desc id="{ids}-desc">{escape(description)}</desc>'
    )
    svg = re.sub(
        r"<svg\b([^>]*)>",
        lambda m: (
            f'<svg{m.group(1)} role="img" aria-labelledby="{ids}-title {ids}-desc">{accessible}'
        ),
        svg,
        count=1,
    )
    return svg


def _line(
    axes: Axes, xs: list[int], values: list[Decimal | None], n: int, label: str
) -> list[tuple[int, Decimal]]:
    """One series as a line with markers (gaps left out); `label` is ready for matplotlib."""
    points = [(x, v) for x, v in zip(xs, values, strict=True) if v is not None]
    axes.plot(  # also without points: the legend still lists what the reader chose
        [p[0] for p in points],
        [float(p[1]) for p in points],
        label=label,
        color=COLOURS[n % len(COLOURS)],
        marker=MARKERS[n % len(MARKERS)],
        linestyle=DASHES[(n // len(COLOURS)) % len(DASHES)],
        linewidth=2,
    )
    return points


def _frame(
    axes: Axes,
    labels: list[str],
    scale: tuple[float | None, float | None],
    ylabel: str,
    layout: Layout,
) -> None:
    xs = list(range(len(labels)))
    crowded = len(labels) > (3 if layout is NARROW else 8)
    axes.set_xticks(
        xs,
        labels,
        fontsize=layout.tick_size,
        rotation=30 if crowded else 0,
        ha="right" if crowded else "center",
    )
    axes.tick_params(axis="y", labelsize=layout.tick_size)
    axes.set_xlim(-0.5, max(len(xs) - 0.5, 0.5))
    low, high = scale
    if low is not None and high is not None:
        margin = (high - low) * 0.04  # a line at the bottom of the scale stays visible
        axes.set_ylim(low - margin, high + margin * 2)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: number_text(value)))
    axes.set_ylabel(_plain(ylabel))
    axes.grid(axis="y", color="#dddddd")


def scores_chart(
    comparison: Comparison,
    *,
    title: str,
    description: str,
    choice: ChartChoice | None = None,
    total_label: str = "Totalvärde",
    domains_label: str = "Områden",
    no_value: str = NO_VALUE,
    layout: Layout = WIDE,
) -> str:
    """The instrument's scores over its occasions (entry, midway, closure…) as an SVG document
    with `title` and `description` for assistive technology: the total in one panel (its
    values written at the points), the chosen domains in another, a line each, with their
    legend under the plot. By default (`choice` None) `default_choice`; `layout` NARROW for a
    phone."""
    choice = choice or default_choice(comparison)
    labels = [f"{o.measured_on.isoformat()}\n{_plain(o.phase)}" for o in comparison.occasions]
    xs = list(range(len(labels)))
    low, high = _scale(comparison.scale)
    with rc_context(RC):
        figure = Figure(figsize=_figsize(comparison, choice, layout), dpi=DPI, layout="constrained")
        panels = figure.subplots(max(choice.panels, 1), 1, sharex=True, squeeze=False)[:, 0]
        figure.suptitle(_plain(title), x=0.01, ha="left", fontsize=11)
        panel = 0
        if choice.total and comparison.total is not None:
            axes = panels[panel]
            panel += 1
            scale = total_scale(comparison)
            for x, value in _line(axes, xs, comparison.total.values, 0, _plain(total_label)):
                axes.annotate(
                    number_text(value),
                    (x, float(value)),
                    xytext=(0, 6),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=layout.tick_size,
                    annotation_clip=False,
                )
            _frame(axes, labels, scale, total_label, layout)
        if choice.domains:
            axes = panels[panel]
            for n, index in enumerate(choice.domains):
                row = comparison.rows[index]
                _line(axes, xs, row.values, n, _row_label(row, layout, no_value))
            _frame(axes, labels, (low, high), domains_label, layout)
            # Under the plot, outside it: the constrained layout makes room, so it never covers
            # a line, and one line per domain keeps long names whole.
            figure.legend(
                handles=axes.get_legend_handles_labels()[0],
                loc="outside lower left",
                frameon=False,
                ncols=1,
                fontsize=layout.legend_size,
            )
        if not choice.panels:  # nothing to draw: an empty frame with the dates
            _frame(panels[0], labels, (low, high), domains_label, layout)
        return _svg(figure, title=title, description=description)


def _scale(text: str) -> tuple[float | None, float | None]:
    """The instrument's scale as shown ("0–3") back to numbers; (None, None) when unknown."""
    parts = text.replace(",", ".").split("–")
    try:
        return float(Decimal(parts[0])), float(Decimal(parts[1]))
    except (ArithmeticError, IndexError, ValueError):
        return None, None
