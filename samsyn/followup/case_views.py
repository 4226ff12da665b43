"""The individual follow-up of one case: the page, and its charts as SVG.

Every view starts with `case_get_for_viewer` (404 outside the case). What they show comes
from `case_selectors`, in which the one door has already left out what the viewer may not see.

The reader chooses what each instrument's chart draws with a plain GET form (no JavaScript):
`?visa=ESTER:totalt&visa=ESTER:3` (the total, the third domain). The page and the SVG read the
same values, so the picture is the one the form describes; other instruments' choices ride
along as hidden fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode
from uuid import UUID

from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from samsyn.assessments.selectors import Comparison
from samsyn.cases.selectors import case_get_for_viewer
from samsyn.followup import case_selectors, charts
from samsyn.lib.http import AuthedHttpRequest

CHOICE = "visa"  # the query parameter of the chart's form
NARROW = ("bredd", "smal")  # the chart drawn for a phone (offered by the page's <picture>)


def chart_texts(comparison: Comparison, choice: charts.ChartChoice) -> tuple[str, str]:
    """The chart's title and its description (what is drawn; the table has the values)."""
    title = _("%(instrument)s: skattningar över tid") % {"instrument": comparison.instrument}
    parts = []
    if choice.total and comparison.total is not None:
        low, high = charts.total_scale(comparison)
        if low is not None and high is not None:
            parts.append(
                _("totalvärdet (skala %(low)s–%(high)s)")
                % {"low": charts.number_text(low), "high": charts.number_text(high)}
            )
        else:
            parts.append(_("totalvärdet"))
    if choice.domains:
        names = ", ".join(comparison.rows[n].label for n in choice.domains)
        parts.append(
            _("%(chosen)s av %(all)s områden (skala %(scale)s): %(names)s")
            % {
                "chosen": len(choice.domains),
                "all": len(comparison.rows),
                "scale": comparison.scale,
                "names": names,
            }
        )
    if len(parts) == 2:
        what = _("%(first)s och %(second)s") % {"first": parts[0], "second": parts[1]}
    else:
        what = parts[0] if parts else _("inga valda värden")
    description = _(
        "Linjediagram över %(n)s tillfällen med %(what)s. Alla värden finns i tabellen under "
        "diagrammet."
    ) % {"n": len(comparison.occasions), "what": what}
    return title, description


def _svg(comparison: Comparison, choice: charts.ChartChoice, layout: charts.Layout) -> str:
    title, description = chart_texts(comparison, choice)
    return charts.scores_chart(
        comparison,
        title=title,
        description=description,
        choice=choice,
        total_label=_("Totalvärde"),
        domains_label=_("Värde per område"),
        no_value=_("inget värde"),
        layout=layout,
    )


@dataclass(frozen=True)
class ChartOption:
    value: str  # "ESTER:3"
    label: str
    checked: bool


@dataclass(frozen=True)
class ChartView:
    """One instrument's chart on the page, with the form that chooses what it draws."""

    comparison: Comparison
    choice: charts.ChartChoice
    title: str
    description: str
    query: str  # the SVG's query string
    width: int
    height: int
    narrow_query: str  # the phone's version
    narrow_width: int
    narrow_height: int
    total: ChartOption | None
    domains: list[ChartOption]
    keep: list[str]  # the other instruments' choices, carried by hidden fields
    chose_domains: bool  # domains are drawn: the list of domains starts open


def _instrument_of(value: str) -> str:
    return value.rpartition(":")[0]


def chart_view(comparison: Comparison, asked: list[str]) -> ChartView:
    choice = charts.choice_from_query(comparison, asked)
    title, description = chart_texts(comparison, choice)
    width, height = charts.chart_size(comparison, choice)
    narrow_width, narrow_height = charts.chart_size(comparison, choice, charts.NARROW)
    query = [("instrument", comparison.instrument)] + [
        (CHOICE, value) for value in choice.values(comparison.instrument)
    ]
    chosen = set(choice.values(comparison.instrument))
    prefix = f"{comparison.instrument}:"
    total = (
        ChartOption(f"{prefix}{charts.TOTAL}", _("Totalvärde"), f"{prefix}{charts.TOTAL}" in chosen)
        if comparison.total is not None
        else None
    )
    return ChartView(
        comparison=comparison,
        choice=choice,
        title=title,
        description=description,
        query=urlencode(query),
        width=width,
        height=height,
        narrow_query=urlencode([*query, NARROW]),
        narrow_width=narrow_width,
        narrow_height=narrow_height,
        total=total,
        domains=[
            ChartOption(f"{prefix}{n}", row.label, f"{prefix}{n}" in chosen)
            for n, row in enumerate(comparison.rows, start=1)
        ],
        keep=[v for v in asked if _instrument_of(v) != comparison.instrument],
        chose_domains=bool(choice.domains),
    )


@login_required
@require_GET
def overview(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    case = case_get_for_viewer(viewer=request.user, code=code)
    page = case_selectors.case_followup_page(viewer=request.user, case=case)
    asked = request.GET.getlist(CHOICE)
    return render(
        request,
        "followup/case_followup.html",
        {
            "page": page,
            "header": page.header,
            "charts": [chart_view(c, asked) for c in page.comparisons],
        },
    )


@login_required
@require_GET
# The SVG styles its shapes with style attributes; it has no script (default-src 'none').
@csp_replace(  # type: ignore[arg-type]  # typed for views taking only the request
    {
        "default-src": ["'none'"],
        "script-src": ["'none'"],
        "img-src": ["'none'"],
        "font-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
    }
)
def chart(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    """One instrument's scores as an SVG image (?instrument=ESTER, and what to draw:
    &visa=ESTER:totalt&visa=ESTER:3; &bredd=smal for a phone); 404 when the viewer may see no
    measurement of it."""
    case = case_get_for_viewer(viewer=request.user, code=code)
    comparison = case_selectors.instrument_comparison(
        viewer=request.user, case=case, instrument=request.GET.get("instrument", "")
    )
    if comparison is None:
        raise Http404
    choice = charts.choice_from_query(comparison, request.GET.getlist(CHOICE))
    layout = charts.NARROW if request.GET.get(NARROW[0]) == NARROW[1] else charts.WIDE
    response = HttpResponse(
        _svg(comparison, choice, layout), content_type="image/svg+xml; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response
