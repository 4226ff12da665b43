"""Charts of the operational report as SVG, drawn from the report's own `Table` objects.

The same rules as the case charts (`followup.charts`: matplotlib without pyplot, deterministic
bytes, <title> and <desc>, no script, text escaped), plus one of the report's: a chart shows
exactly what its table shows. A hidden count ("<5", "x") or a mean not shown ("–") is drawn as
its label at the baseline, never as a bar, so no bar length gives a hidden value away. The
table right below each chart on the page is its text alternative.

`chart_svg(report, key)` is the one entry point: the page's <img> (through `chart_views`) and
the PDF (inlined) use the same SVG.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from samsyn.followup.charts import COLOURS, RC, _plain, _svg, number_text
from samsyn.followup.selectors import CHARTED, Cell, Table

if TYPE_CHECKING:
    from samsyn.followup.selectors import Report

__all__ = ["CHARTED", "chart_svg", "chart_texts"]

HATCHES = ["", "//"]  # the second series differs by pattern too, not by colour alone


def chart_texts(table: Table) -> tuple[str, str]:
    """The chart's title and its description for assistive technology."""
    if table.key == "fore_efter":
        description = _(
            "Stapeldiagram med genomsnittligt antal per ungdom före och efter insatsstarten. "
            "Värden som inte visas är utskrivna utan stapel. Värdena finns i tabellen under "
            "diagrammet."
        )
    else:
        description = _(
            "Liggande stapeldiagram med en stapel per rad i tabellen. Små tal som döljs är "
            "utskrivna utan stapel. Värdena finns i tabellen under diagrammet."
        )
    return table.title, description


def _number(cell: Cell) -> float | None:
    return float(cell.value) if cell.shown and not isinstance(cell.value, str) else None


def _bars(axes: Axes, labels: list[str], cells: list[Cell]) -> None:
    """One horizontal bar per row; a hidden value as its label, without a bar."""
    ys = list(range(len(labels)))[::-1]  # the first row on top, as in the table
    values = [_number(c) for c in cells]
    top = max([v for v in values if v is not None] + [1.0])
    for y, value, cell in zip(ys, values, cells, strict=True):
        if value is None:
            axes.text(0, y, f" {cell.text}", va="center", ha="left", color="#333333")
            continue
        axes.barh(y, value, color=COLOURS[0], height=0.6)
        axes.text(value + top * 0.01, y, cell.text, va="center", ha="left")
    axes.set_yticks(ys, [_plain(label) for label in labels])
    axes.set_ylim(-0.6, len(labels) - 0.4)
    axes.set_xlim(0, top * 1.15)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", color="#dddddd")
    axes.set_axisbelow(True)


def _grouped(axes: Axes, table: Table) -> None:
    """Before and after side by side for each row of means (the rows with both columns)."""
    rows = [(label, cells) for label, cells in table.rows if all(c.value != "" for c in cells)]
    width = 0.38
    shown = [v for _label, cells in rows for c in cells if (v := _number(c)) is not None]
    top = max([*shown, 1.0])
    for s in range(len(table.columns)):  # "Före", "Efter start"
        for x, (_label, cells) in enumerate(rows):
            cell, at = cells[s], x + (s - 0.5) * width
            value = _number(cell)
            if value is None:
                axes.text(at, 0, cell.text, ha="center", va="bottom", color="#333333")
                continue
            axes.bar(
                at,
                value,
                width=width,
                color=COLOURS[s],
                hatch=HATCHES[s % len(HATCHES)],
                edgecolor="white",
            )
            axes.text(at, value + top * 0.01, cell.text, ha="center", va="bottom")
    axes.set_xticks(
        list(range(len(rows))), [_plain(label.replace(" per ungdom", "")) for label, _c in rows]
    )
    axes.set_xlim(-0.7, len(rows) - 0.3)
    axes.set_ylim(0, top * 1.2)
    axes.set_ylabel(_("Genomsnitt per ungdom"))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: number_text(value)))
    axes.grid(axis="y", color="#dddddd")
    axes.set_axisbelow(True)
    handles = [
        Patch(facecolor=COLOURS[s], hatch=HATCHES[s % len(HATCHES)], edgecolor="white", label=n)
        for s, n in enumerate(table.columns)
    ]
    axes.legend(handles=handles, loc="upper right", frameon=False)


def chart_svg(report: Report, key: str, *, ids: str = "chart") -> str | None:
    """The chart of the report's table `key` as an SVG document; None when that table has no
    chart (or is not in this report). `ids` prefixes the ids of its title and description."""
    if key not in CHARTED:
        return None
    table = next((t for t in report.tables if t.key == key), None)
    if table is None:
        return None
    title, description = chart_texts(table)
    with rc_context(RC):
        if key == "fore_efter":
            figure = Figure(figsize=(7.5, 4.0), dpi=72)
            _grouped(figure.add_subplot(), table)
        else:
            labels = [label for label, _cells in table.rows]
            figure = Figure(figsize=(7.5, 0.9 + 0.4 * len(labels)), dpi=72)
            _bars(figure.add_subplot(), labels, [cells[0] for _label, cells in table.rows])
        figure.axes[0].set_title(_plain(title), loc="left")
        figure.tight_layout()
        return _svg(figure, title=title, description=description, ids=ids)
