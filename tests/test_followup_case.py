"""The individual follow-up of one case ("Uppföljning"): goals over time, instrument scores
(with a server-side SVG chart), counts before/during/after, meetings against the cadence and
continuity; all through the one door, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.assessments.models import MeasurementPhase
from samsyn.assessments.selectors import Comparison, ComparisonRow, Occasion
from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import Measure, Period
from samsyn.followup import case_selectors, charts
from samsyn.followup.case_views import chart_texts, chart_view
from samsyn.meetings import services as meetings
from samsyn.meetings.models import MeetingKind
from samsyn.organisations.models import LocalPolicy
from samsyn.plans import services as plans
from samsyn.plans.models import GoalStatus, LifeDomain
from tests.test_assessments import measure, use
from tests.test_meetings import activate

pytestmark = pytest.mark.django_db

STHLM = ZoneInfo("Europe/Stockholm")
TODAY = timezone.localdate
SUB = "Närvaro i skolan minst 90 procent."
START_DAYS = 70


def url(sig, name: str = "followup_case:overview") -> str:
    return reverse(name, kwargs={"code": sig.case.code})


def _goals(sig, n: int = 1) -> None:
    w = sig.world
    plans.plan_save(actor=w.coordinator, case=sig.case, long_term_goal="Gå ut nian.")
    for i in range(n):
        sub = plans.subgoal_save(
            actor=w.coordinator,
            case=sig.case,
            domain=LifeDomain.values[i % 9],
            goal=SUB if i == 0 else f"Delmål {i}",
        )
        for days, status in ((40, GoalStatus.IN_PROGRESS), (10, GoalStatus.ACHIEVED)):
            plans.goal_review_record(
                actor=w.coordinator,
                case=sig.case,
                subgoal=sub,
                status=status,
                reviewed_on=TODAY() - timedelta(days=days),
            )


def _measurements(sig, n: int = 3, totals: list[str] | None = None) -> None:
    use(sig.world, "ESTER")
    phases = [MeasurementPhase.ENTRY, MeasurementPhase.MIDWAY, MeasurementPhase.CLOSURE]
    for i in range(n):
        measure(
            sig,
            values={0: str(2 - min(i, 2)), 1: "1"},
            measured_on=TODAY() - timedelta(days=60 - i),
            phase=phases[i % 3],
            total=Decimal(totals[i]) if totals else None,
        )


def _counts(sig) -> None:
    w = sig.world
    for period, n in ((Period.BEFORE, 4), (Period.DURING, 2), (Period.AFTER, 1)):
        cases.outcome_count_save(
            actor=w.police,
            case=sig.case,
            period=period,
            measure=Measure.POLICE_REPORTS,
            count=n,
        )
    cases.outcome_count_save(
        actor=w.coordinator,
        case=sig.case,
        period=Period.BEFORE,
        measure=Measure.CONCERN_REPORTS,
        count=3,
    )


def _meetings(sig, days_ago: list[int]) -> None:
    w = sig.world
    for days in days_ago:
        day = TODAY() - timedelta(days=days)
        planned = meetings.meeting_plan(
            actor=w.coordinator,
            case=sig.case,
            kind=MeetingKind.NETWORK,
            starts_at=datetime.combine(day, time(9), tzinfo=STHLM),
            invite=[w.coordinator, w.police],
        )
        meetings.meeting_record(
            actor=w.coordinator,
            case=sig.case,
            meeting=planned.meeting,
            held_on=day,
            minutes="Anteckning.",
            attended={w.coordinator: True, w.police: True},
        )


@pytest.fixture
def followed(sig):
    activate(sig.case, started_on=TODAY() - timedelta(days=START_DAYS))
    LocalPolicy.objects.filter(municipality=sig.world.municipality).update(meeting_cadence_weeks=3)
    _goals(sig)
    _measurements(sig)
    _counts(sig)
    _meetings(sig, [63, 42, 7])
    return sig


def test_the_coordinator_sees_goals_scores_counts_meetings_and_continuity(followed, login):
    sig = followed
    response = login(sig.world.coordinator).get(url(sig))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alex Exempelsson" in html  # the owner may know who the youth is
    assert SUB in html and "Pågår" in html and "Uppnått" in html
    assert "ESTER" in html and "diagram.svg?instrument=ESTER" in html
    assert "Orosanmälningar" in html and "Socialtjänsten Norra" in html
    assert "Polisanmälningar" not in html  # the police's own counts: no consent to the owner
    assert "3 uppgifter från Polisen Testkommun" in html
    assert "jämförelsegrupp" in html  # the caution beside before/after
    assert 'aria-current="page">Uppföljning' in html

    page = case_selectors.case_followup_page(viewer=sig.world.coordinator, case=sig.case)
    assert [(owner, n) for owner, _category, n in page.hidden] == [("Polisen Testkommun", 3)]
    [domain] = page.domains
    assert (domain.achieved, domain.total) == (1, 1)
    assert [s.status for s in domain.goals[0].history] == ["pagar", "uppnatt"]
    [comparison] = page.comparisons
    assert [o.phase for o in comparison.occasions] == ["Ingångsvärde", "Mellanvärde", "Slutvärde"]
    [concern] = page.outcomes
    assert (concern.owner, concern.values) == ("Socialtjänsten Norra", [3, None, None])
    c = page.cadence
    assert (c.weeks, c.held, c.expected) == (3, 3, START_DAYS // 21)
    # start (70 days ago) → 63 → 42 → 7 → today: the longest gap is 35 days = 5 weeks
    assert c.longest_gap_weeks == 5.0 and c.gaps_over == 1
    police_row = next(r for r in page.continuity if r.organisation == "Polisen Testkommun")
    assert police_row.meetings == 3 and len(police_row.people) == 1


def test_the_police_without_consent_sees_hidden_counts_not_the_items(followed, login):
    sig = followed
    response = login(sig.world.police).get(url(sig))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alex" not in html and "Exempelsson" not in html
    assert SUB not in html
    assert "ESTER" not in html  # social services' measurements: no consent
    assert "Orosanmälningar" not in html
    assert "Polisanmälningar" in html  # the police's own counts
    page = case_selectors.case_followup_page(viewer=sig.world.police, case=sig.case)
    assert {owner for owner, _category, _n in page.hidden} == {"Socialtjänsten Norra"}
    # a sub-goal and its 2 reviews, 3 measurements and 1 concern-report count
    assert sum(n for _owner, _category, n in page.hidden) == 1 + 2 + 3 + 1
    [police] = page.outcomes
    assert police.values == [4, 2, 1]
    assert page.domains == [] and page.comparisons == []
    assert page.cadence.held == 3  # when meetings were held is known to every member
    assert AuditRecord.objects.filter(
        actor_code=sig.world.police.code, action=Action.REFUSED, object_type="plans.subgoal"
    ).exists()
    # the chart is refused too: no measurement the viewer may see
    chart = login(sig.world.police).get(url(sig, "followup_case:chart") + "?instrument=ESTER")
    assert chart.status_code == 404


def test_an_outsider_gets_404(followed, login):
    sig = followed
    http = login(sig.world.outsider)
    assert http.get(url(sig)).status_code == 404
    assert http.get(url(sig, "followup_case:chart") + "?instrument=ESTER").status_code == 404


def test_the_chart_is_a_safe_svg_with_a_title(followed, login):
    sig = followed
    response = login(sig.world.coordinator).get(
        url(sig, "followup_case:chart") + "?instrument=ESTER"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "script-src 'none'" in response["Content-Security-Policy"]
    svg = response.content.decode()
    assert svg.startswith("<svg") and "<title" in svg and "ESTER" in svg
    assert "<script" not in svg.lower() and "javascript:" not in svg.lower()
    assert "onload" not in svg.lower() and "<foreignobject" not in svg.lower()
    assert 'xlink:href="http' not in svg
    assert login(sig.world.coordinator).get(url(sig, "followup_case:chart")).status_code == 404


def test_the_chart_is_deterministic_and_escapes_text(followed):
    sig = followed
    [comparison] = case_selectors.case_followup_page(
        viewer=sig.world.coordinator, case=sig.case
    ).comparisons
    title, description = chart_texts(comparison, charts.default_choice(comparison))
    first = charts.scores_chart(comparison, title=title, description=description)
    second = charts.scores_chart(comparison, title=title, description=description)
    assert first == second
    nasty = charts.scores_chart(comparison, title="<script>x</script>", description="a & b")
    assert "<script" not in nasty and "&lt;script&gt;" in nasty and "a &amp; b" in nasty


def _count(http, address: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_takes_a_fixed_number_of_queries(sig, login):
    activate(sig.case, started_on=TODAY() - timedelta(days=START_DAYS))
    _goals(sig, 1)
    _measurements(sig, 1)
    _counts(sig)
    _meetings(sig, [63])
    http = login(sig.world.coordinator)
    with CaptureQueriesContext(connection) as few_selector:
        case_selectors.case_followup_page(viewer=sig.world.police, case=sig.case)
    few = _count(http, url(sig))
    _goals(sig, 8)
    _measurements(sig, 3)
    _meetings(sig, [56, 49, 35, 14])
    with CaptureQueriesContext(connection) as many_selector:
        page = case_selectors.case_followup_page(viewer=sig.world.police, case=sig.case)
    assert page.cadence.held == 5
    many = _count(http, url(sig))
    assert len(many_selector.captured_queries) == len(few_selector.captured_queries)
    assert many == few, (few, many)


# --- what the chart draws: the reader's choice --------------------------------------------------

ESTER_FIRST = "Tidigt debuterande normbrytande beteende"
ESTER_SECOND = "Aggressivt och utagerande beteende"
ESTER_THIRD = "Alkohol och droger"


def _texts(svg: str) -> list[str]:
    """The visible texts of an SVG drawn with `svg.fonttype` none (one <text> per label)."""
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r"<text\b.*?</text>", svg, re.S)]


def _chart(http, sig, *chosen: str, narrow: bool = False):
    query = "".join(f"&visa={value}" for value in chosen) + ("&bredd=smal" if narrow else "")
    return http.get(url(sig, "followup_case:chart") + "?instrument=ESTER" + query)


@pytest.fixture
def totals(sig):
    """ESTER three times, with totals 12.5, 9 and 7 and two domain scores each."""
    activate(sig.case, started_on=TODAY() - timedelta(days=START_DAYS))
    _measurements(sig, 3, totals=["12.5", "9", "7"])
    return sig


def test_the_chart_shows_the_total_by_default_and_the_chosen_domains_on_request(totals, login):
    sig = totals
    http = login(sig.world.coordinator)
    default = _chart(http, sig)
    assert default.status_code == 200
    texts = _texts(default.content.decode())
    assert "Totalvärde" in texts and "12,5" in texts  # the total, its values at the points
    assert ESTER_FIRST not in texts and ESTER_SECOND not in texts  # no domain by default

    chosen = _chart(http, sig, "ESTER:2", "ESTER:3")
    assert chosen.status_code == 200
    assert "script-src 'none'" in chosen["Content-Security-Policy"]  # its own strict policy
    svg = chosen.content.decode()
    texts = _texts(svg)
    assert ESTER_SECOND in texts  # in the legend
    assert f"{ESTER_THIRD} (inget värde)" in texts  # chosen, but never scored: said so
    assert ESTER_FIRST not in texts
    assert "Totalvärde" not in texts and "12,5" not in texts  # the total was not chosen
    assert ESTER_SECOND in svg[: svg.index("</desc>")]  # the description names what is drawn

    both = _texts(_chart(http, sig, "ESTER:totalt", "ESTER:1").content.decode())
    assert "Totalvärde" in both and ESTER_FIRST in both
    assert _chart(http, sig, "ESTER:²", "ESTER:99999999999").status_code == 200  # the default


def test_numbers_in_the_chart_have_a_decimal_comma(totals, login):
    svg = _chart(login(totals.world.coordinator), totals, "ESTER:totalt", "ESTER:1").content
    texts = _texts(svg.decode())
    assert "12,5" in texts  # the total written at its point
    assert "0,5" in texts and "1,5" in texts  # the domain axis (scale 0–2)
    assert not [t for t in texts if re.search(r"\d\.\d", t)], texts


def test_a_choice_that_does_not_fit_falls_back_to_the_default(followed, totals):
    [with_total] = case_selectors.case_followup_page(
        viewer=totals.world.coordinator, case=totals.case
    ).comparisons
    assert charts.choice_from_query(with_total, []) == charts.ChartChoice(True, ())
    junk = ["ESTER:99", "ESTER:0", "ESTER:x", "ESTER:²", "ESTER:-1", "SAVRY:1", "ESTER", ":1"]
    assert charts.choice_from_query(with_total, junk) == charts.ChartChoice(True, ())
    assert charts.choice_from_query(with_total, ["ESTER:3", "ESTER:1", "ESTER:3"]) == (
        charts.ChartChoice(False, (0, 2))
    )


def test_without_totals_the_domains_that_changed_most_are_drawn(followed):
    # `followed` has no totals: domain 1 goes 2 → 0, domain 2 stays 1, the rest are empty
    [comparison] = case_selectors.case_followup_page(
        viewer=followed.world.coordinator, case=followed.case
    ).comparisons
    assert comparison.total is None
    assert charts.default_choice(comparison) == charts.ChartChoice(False, (0, 1))
    # asking for the total of an instrument that has none is the default too
    assert charts.choice_from_query(comparison, ["ESTER:totalt"]) == charts.ChartChoice(
        False, (0, 1)
    )


def _comparison(label: str, n_rows: int = 1) -> Comparison:
    occasions = [
        Occasion(
            code=uuid4(),
            measured_on=date(2025, 1, 1) + timedelta(days=90 * i),
            phase="<b>Fas</b>",
            owner="x",
            category="x",
            recorded_by="x",
            comment="",
            total=None,
            why="",
        )
        for i in range(2)
    ]
    rows = [
        ComparisonRow(label=label, retired=False, values=[Decimal(1), Decimal("0.5")], trend=None)
    ] + [
        ComparisonRow(label=f"Område {i}", retired=False, values=[Decimal(i % 3), None], trend=None)
        for i in range(1, n_rows)
    ]
    return Comparison(
        instrument="X",
        name="X",
        scale="0–2",
        higher_is_risk=True,
        occasions=occasions,
        rows=rows,
        total=None,
    )


def test_text_from_the_data_is_escaped_and_never_mathtext():
    comparison = _comparison("<script>alert(1)</script> & $x^2$")
    svg = charts.scores_chart(
        comparison,
        title="Titel",
        description="Beskrivning",
        choice=charts.ChartChoice(False, (0,)),
    )
    assert "<script" not in svg
    # one text, escaped, with its dollar signs as typed (not typeset as a formula)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; $x^2$" in _texts(svg)
    assert "&lt;b&gt;Fas&lt;/b&gt;" in svg and "<b>" not in svg
    assert "0,5" in _texts(svg)


def test_many_domains_get_a_legend_under_the_plot_and_lines_that_differ():
    comparison = _comparison("Område 0", n_rows=19)
    every = charts.ChartChoice(False, tuple(range(19)))
    svg = charts.scores_chart(comparison, title="T", description="D", choice=every)
    texts = _texts(svg)
    assert all(f"Område {i}" in texts for i in range(1, 19))
    # the figure grows with its legend, so the legend has room under the plot
    assert (
        charts.chart_size(comparison, every)[1]
        > charts.chart_size(comparison, charts.ChartChoice(False, (0,)))[1] + 19 * 10
    )
    # colour, marker and dash: no two of the 19 lines look alike
    styles = {
        (charts.COLOURS[n % 7], charts.MARKERS[n % 7], charts.DASHES[(n // 7) % 3])
        for n in range(19)
    }
    assert len(styles) == 19
    # the phone's version is narrower and wraps the long names
    narrow = charts.chart_size(comparison, every, charts.NARROW)
    assert narrow[0] < charts.chart_size(comparison, every)[0]


def test_the_page_offers_the_choice_and_draws_what_was_chosen(totals, login):
    sig = totals
    http = login(sig.world.coordinator)
    html = http.get(url(sig)).content.decode()
    assert 'name="visa" value="ESTER:totalt" checked' in html
    assert 'value="ESTER:2">' in html and 'value="ESTER:2" checked' not in html
    assert "diagram.svg?instrument=ESTER&amp;visa=ESTER%3Atotalt" in html
    assert "bredd=smal" in html  # the phone's version, in a <picture>
    assert '<details class="chart-domains">' in html  # closed: no domain chosen

    html = http.get(url(sig) + "?visa=ESTER:2&visa=SAVRY:1").content.decode()
    assert 'value="ESTER:2" checked' in html and 'value="ESTER:totalt" checked' not in html
    assert "visa=ESTER%3A2" in html and "visa=ESTER%3Atotalt" not in html
    assert '<details class="chart-domains" open>' in html
    # another instrument's choice rides along in the form
    assert '<input type="hidden" name="visa" value="SAVRY:1">' in html


def test_chart_view_keeps_the_other_instruments_choices(totals):
    [comparison] = case_selectors.case_followup_page(
        viewer=totals.world.coordinator, case=totals.case
    ).comparisons
    view = chart_view(comparison, ["ESTER:1", "BBIC:2", "ESTER:totalt", "SAVRY:totalt"])
    assert view.keep == ["BBIC:2", "SAVRY:totalt"]
    assert view.choice == charts.ChartChoice(True, (0,))
    assert [o.value for o in view.domains if o.checked] == ["ESTER:1"]
    assert view.total is not None and view.total.checked


def test_the_phone_gets_a_narrower_chart(totals, login):
    http = login(totals.world.coordinator)
    wide = _chart(http, totals).content.decode()
    narrow = _chart(http, totals, narrow=True).content.decode()
    width = re.compile(r'<svg[^>]*\swidth="([\d.]+)pt"')
    assert float(width.search(narrow).group(1)) < float(width.search(wide).group(1))


def test_the_case_subnav_marks_one_tab_current(followed, login):
    html = login(followed.world.coordinator).get(url(followed)).content.decode()
    nav = html[
        html.index('<nav class="subnav"') : html.index("</nav>", html.index('class="subnav"'))
    ]
    assert nav.count('aria-current="page"') == 1
    assert 'aria-current="page">Uppföljning' in nav
