"""The individual follow-up of one case ("Uppföljning"): goals over time, instrument scores
(with a server-side SVG chart), counts before/during/after, meetings against the cadence and
continuity; all through the one door, in a fixed number of queries."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.assessments.models import MeasurementPhase
from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import Measure, Period
from samsyn.followup import case_selectors, charts
from samsyn.followup.case_views import chart_texts
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


def _measurements(sig, n: int = 3) -> None:
    use(sig.world, "ESTER")
    phases = [MeasurementPhase.ENTRY, MeasurementPhase.MIDWAY, MeasurementPhase.CLOSURE]
    for i in range(n):
        measure(
            sig,
            values={0: str(2 - min(i, 2)), 1: "1"},
            measured_on=TODAY() - timedelta(days=60 - i),
            phase=phases[i % 3],
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
    title, description = chart_texts(comparison)
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
