"""Charts drawn on the server as SVG (matplotlib, no JavaScript, printable).

Rules:
- No files on disk and no pyplot (so no GUI backend and no global figure state): each chart
  is its own `Figure` on the SVG canvas, safe in threads.
- Deterministic: the same data gives the same bytes (`svg.hashsalt` fixed, no date in the
  metadata), so tests can compare.
- Safe to serve: the SVG has a <title> and a <desc>, no script and no external reference;
  every text from the data is escaped by matplotlib. The page shows a text alternative (a
  table) next to it.
- Fonts: DejaVu Sans, which matplotlib ships.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from samsyn.assessments.selectors import Comparison

RC: Any = {
    "svg.hashsalt": "samsyn",
    "svg.fonttype": "none",  # text stays text: selectable, and read by screen readers
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# Colour-blind safe (Okabe–Ito); markers differ too, so lines are told apart without colour.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]


def _svg(figure: Figure, *, title: str, description: str) -> str:
    buffer = io.StringIO()
    FigureCanvasSVG(figure)
    with rc_context(RC):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]  # no XML declaration or DOCTYPE: ready to inline or serve
    accessible = (
        f'<title id="chart-title">{escape(title)}</title>'
        f'<desc id="chart-desc">{escape(description)}</desc>'
    )
    svg = re.sub(
        r"<svg\b([^>]*)>",
        lambda m: (
            f'<svg{m.group(1)} role="img" aria-labelledby="chart-title chart-desc">{accessible}'
        ),
        svg,
        count=1,
    )
    return svg


def scores_chart(comparison: Comparison, *, title: str, description: str) -> str:
    """A line per domain of the instrument over its occasions (entry, midway, closure…), as an
    SVG document with `title` and `description` for assistive technology."""
    with rc_context(RC):
        figure = Figure(figsize=(7.5, 4.0), dpi=72)
        axes = figure.add_subplot()
        labels = [f"{o.measured_on.isoformat()}\n{o.phase}" for o in comparison.occasions]
        xs = list(range(len(labels)))
        for n, row in enumerate(comparison.rows):
            points = [(x, float(v)) for x, v in zip(xs, row.values, strict=True) if v is not None]
            if not points:
                continue
            axes.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                label=row.label,
                color=COLOURS[n % len(COLOURS)],
                marker=MARKERS[n % len(MARKERS)],
                linewidth=2,
            )
        axes.set_xticks(xs, labels)
        axes.set_xlim(-0.5, max(len(xs) - 0.5, 0.5))
        low, high = _scale(comparison.scale)
        if low is not None and high is not None:
            axes.set_ylim(low, high + (high - low) * 0.05)
        axes.set_title(title, loc="left")
        axes.grid(axis="y", color="#dddddd")
        if comparison.rows:
            axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        figure.tight_layout()
        return _svg(figure, title=title, description=description)


def _scale(text: str) -> tuple[float | None, float | None]:
    """The instrument's scale as shown ("0–3") back to numbers; (None, None) when unknown."""
    parts = text.replace(",", ".").split("–")
    try:
        return float(Decimal(parts[0])), float(Decimal(parts[1]))
    except (ArithmeticError, IndexError, ValueError):
        return None, None
