"""The operational follow-up report (issue 8): the Huddinge table, suppression, exports, access."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from fractions import Fraction
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import Case, CaseState, Measure, Period
from samsyn.followup import selectors
from samsyn.organisations.models import (
    District,
    LocalPolicy,
    Organisation,
    OrganisationKind,
    Role,
)
from samsyn.plans import services as plans
from samsyn.plans.models import GoalStatus, LifeDomain
from tests.conftest import make_person, staff_client

REPORT_URL = reverse("followup:report")
XLSX_URL = reverse("followup:export_xlsx")
CSV_URL = reverse("followup:export_csv")

# Seed 001, Tabell 2: police reports before, concern reports before, police reports after the
# start, concern reports after the start, for ten youths.
HUDDINGE = [
    (4, 5, 2, 1),
    (2, 1, 0, 0),
    (4, 1, 0, 0),
    (3, 3, 0, 3),
    (4, 3, 3, 2),
    (3, 2, 1, 0),
    (1, 1, 3, 1),
    (4, 0, 0, 0),
    (3, 1, 0, 0),
    (1, 1, 0, 1),
]


def _started(case: Case, *, started_on: date) -> None:
    """Shortcut past consent, assessment and decision (tested elsewhere): the SIG started."""
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.ACTIVE, decided_on=started_on, started_on=started_on
    )


def make_case(world: Any, n: int, *, sex: str = "pojke", district: District | None = None) -> Case:
    today = timezone.localdate()
    return cases.case_create(
        actor=world.coordinator,
        first_name=f"Ung{n}",
        last_name="Testsson",
        reason="Misstänkt för brott.",
        date_of_birth=date(today.year - 16, 6, 1),
        sex=sex,
        district=district or world.district,
        referred_on=date(today.year, 1, 1),
    )


@pytest.fixture
def huddinge(world: Any) -> list[Case]:
    """Ten youths with the counts of the Huddinge evaluation (seed 001, Tabell 2): police
    reports counted by the police, concern reports by social services, "after the start" split
    over the periods "under" and "efter" so the report must add them up."""
    made = []
    start = date(timezone.localdate().year, 1, 1)
    for i, (pb, cb, pa, ca) in enumerate(HUDDINGE, start=1):
        case = make_case(world, i, sex="pojke" if i <= 7 else "flicka")
        cases.member_add(actor=world.coordinator, case=case, person=world.police)
        _started(case, started_on=start)
        save = cases.outcome_count_save
        save(actor=world.police, case=case, period=Period.BEFORE,
             measure=Measure.POLICE_REPORTS, count=pb)  # fmt: skip
        save(actor=world.coordinator, case=case, period=Period.BEFORE,
             measure=Measure.CONCERN_REPORTS, count=cb)  # fmt: skip
        # During the SIG the first of the "after" reports, the rest after it ended.
        save(actor=world.police, case=case, period=Period.DURING,
             measure=Measure.POLICE_REPORTS, count=min(pa, 1))  # fmt: skip
        save(actor=world.police, case=case, period=Period.AFTER,
             measure=Measure.POLICE_REPORTS, count=pa - min(pa, 1))  # fmt: skip
        save(actor=world.coordinator, case=case, period=Period.DURING,
             measure=Measure.CONCERN_REPORTS, count=ca)  # fmt: skip
        made.append(case)
    return made


def _year() -> tuple[date, date]:
    year = timezone.localdate().year
    return date(year, 1, 1), date(year, 12, 31)


def _table(report: Any, key: str) -> Any:
    return next(t for t in report.tables if t.key == key)


def _texts(table: Any) -> dict[str, list[str]]:
    lines = list(table.rows) + ([table.footer] if table.footer else [])
    return {label: [c.text for c in cells] for label, cells in lines}


# --- the Huddinge table -----------------------------------------------------------------------


def test_the_report_reproduces_the_huddinge_table(world, huddinge):
    start, end = _year()
    report = selectors.operational_report(
        scope=selectors.Scope(world.municipality), start=start, end=end
    )
    figures = report.before_after
    assert figures.youths == 10
    assert figures.police_before == Fraction(29, 10) and figures.police_after == Fraction(9, 10)
    assert figures.concern_before == Fraction(18, 10) and figures.concern_after == Fraction(8, 10)
    assert figures.none_after == 4
    # Shown: ten youths, so the means are shown; 4 and 6 are small/complementary at 5.
    table = _texts(_table(report, "fore_efter"))
    assert table["Polisanmälningar per ungdom"] == ["2,9", "0,9"]
    assert table["Orosanmälningar per ungdom"] == ["1,8", "0,8"]
    assert table["Antal ungdomar"][0] == "10"
    assert table["Ungdomar utan polisanmälan och orosanmälan efter start"][1] == "<5"


def test_the_huddinge_page_with_threshold_three_shows_the_four_and_the_caution(
    world, huddinge, settings
):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    response = staff_client(world.steering).get(REPORT_URL)
    assert response.status_code == 200
    table = _texts(_table(response.context["report"], "fore_efter"))
    assert table["Ungdomar utan polisanmälan och orosanmälan efter start"][1] == "4"
    page = response.content.decode()
    assert "2,9" in page and "0,9" in page and "1,8" in page and "0,8" in page
    assert "ingen effektutvärdering" in page and "jämförelsegrupp" in page
    assert "anmäls" in page  # closer monitoring can raise the number of reports
    for case in huddinge:
        assert case.anonymous_code not in page and case.youth.first_name not in page


def test_a_youth_without_counts_after_the_start_is_not_in_the_before_after_table(world, huddinge):
    extra = make_case(world, 11)
    _started(extra, started_on=_year()[0])
    cases.outcome_count_save(
        actor=world.coordinator,
        case=extra,
        period=Period.BEFORE,
        measure=Measure.CONCERN_REPORTS,
        count=7,
    )
    start, end = _year()
    figures = selectors.operational_report(
        scope=selectors.Scope(world.municipality), start=start, end=end
    ).before_after
    assert figures.youths == 10 and figures.concern_before == Fraction(18, 10)


# --- the other tables -------------------------------------------------------------------------


def test_the_operational_counts(world, huddinge, settings):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    case = huddinge[0]
    cases.case_close(
        actor=world.coordinator,
        case=case,
        closed_on=timezone.localdate(),
        reason="mal_uppfyllda",
        summary="Klart.",
    )
    start, end = _year()
    report = selectors.operational_report(
        scope=selectors.Scope(world.municipality), start=start, end=end
    )
    overview = _texts(_table(report, "oversikt"))
    assert overview["Aktualiserade"] == ["10"]
    assert overview["Beslutade (inkluderade)"] == ["10"]
    assert overview["Aktiva under perioden"] == ["10"]
    assert overview["Avslutade"] == ["<3"]  # one closure: hidden
    sexes = _texts(_table(report, "stadsdel_kon"))
    assert sexes["Norra"] == ["3", "7", "0", "0", "10"]
    assert _texts(_table(report, "alder"))["15–17 år"] == ["10"]
    assert _texts(_table(report, "aktualiserad_av"))["Socialtjänsten"] == ["10"]
    assert _texts(_table(report, "tid"))["Medelvärde, dagar"] == ["–"]


def test_durations_are_shown_from_the_threshold(world, settings):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    today = timezone.localdate()
    made = [make_case(world, i) for i in range(3)]
    for days, case in zip((10, 20, 60), made, strict=True):
        _started(case, started_on=today - timedelta(days=days))
        cases.case_close(
            actor=world.coordinator, case=case, closed_on=today, reason="flyttat", summary="."
        )
    start = min(today - timedelta(days=60), date(today.year, 1, 1))
    report = selectors.operational_report(
        scope=selectors.Scope(world.municipality), start=start, end=today
    )
    duration = _texts(_table(report, "tid"))
    assert duration["Antal avslutade SIG som hade startat"] == ["3"]
    assert duration["Medelvärde, dagar"] == ["30,0"] and duration["Median, dagar"] == ["20,0"]
    assert _texts(_table(report, "avslutsskal"))["Flyttat"] == ["3"]


# --- suppression and the differencing attack --------------------------------------------------


def _solutions(table: Any, bound: int) -> dict[tuple[int, int], set[int]]:
    """Every value each hidden cell can take, given what is shown: the shown cells, the shown
    row totals (last column) and the shown column totals (the footer)."""
    body = [[c.value for c in cells] for _label, cells in table.rows]
    footer = [c.value for c in table.footer[1]]
    width = len(body[0]) - 1
    hidden = [(i, j) for i, row in enumerate(body) for j in range(width) if isinstance(row[j], str)]
    found: dict[tuple[int, int], set[int]] = {h: set() for h in hidden}
    for guess in itertools.product(range(bound), repeat=len(hidden)):
        values = [list(row[:width]) for row in body]
        for (i, j), v in zip(hidden, guess, strict=True):
            values[i][j] = v
        ok = all(
            isinstance(body[i][width], str) or sum(values[i]) == body[i][width]
            for i in range(len(body))
        ) and all(
            isinstance(footer[j], str) or sum(r[j] for r in values) == footer[j]
            for j in range(width)
        )
        grand = footer[width]
        ok = ok and (isinstance(grand, str) or sum(map(sum, values)) == grand)
        if ok:
            for (i, j), v in zip(hidden, guess, strict=True):
                found[(i, j)].add(v)
    return found


def test_no_hidden_cell_can_be_recovered_from_the_totals(world):
    south = District.objects.create(municipality=world.municipality, name="Södra")
    for i in range(6):
        make_case(world, i, sex="pojke")
    make_case(world, 6, sex="flicka")  # Norra: one girl, the small cell
    for i in range(7):
        make_case(world, 10 + i, sex="pojke", district=south)
    for i in range(6):
        make_case(world, 20 + i, sex="flicka", district=south)
    start, end = _year()
    report = selectors.operational_report(
        scope=selectors.Scope(world.municipality), start=start, end=end
    )
    table = _table(report, "stadsdel_kon")
    shown = _texts(table)
    assert shown["Norra"][0] == "<5"  # the one girl
    assert shown["Norra"][4] == "7" and shown["Totalt"][4] == "20"  # district total shown
    # Row total minus the shown cells does not give the one girl back ...
    norra = [c for c in table.rows[0][1][:4] if not c.shown]
    assert len(norra) >= 2
    # ... and nothing hidden follows from all the shown rows and columns together.
    for cell, values in _solutions(table, 15).items():
        assert len(values) >= 2, f"hidden cell {cell} is determined: {values}"


def test_a_small_area_shows_nothing_but_that_it_is_small(world):
    make_case(world, 1)
    make_case(world, 2, sex="flicka")
    start, end = _year()
    report = selectors.operational_report(
        scope=selectors.Scope(world.municipality), start=start, end=end
    )
    shown = _texts(_table(report, "stadsdel_kon"))
    assert all(v == "<5" for v in shown["Norra"]) and shown["Totalt"][4] == "<5"
    assert _texts(_table(report, "oversikt"))["Aktualiserade"] == ["<5"]


# --- access, queries, exports -----------------------------------------------------------------


def test_only_steering_of_the_municipality_sees_it(world, huddinge):
    for person in (world.coordinator, world.admin, world.outsider, world.manager):
        assert staff_client(person).get(REPORT_URL).status_code == 404
    assert staff_client(world.steering).get(REPORT_URL).status_code == 200


def test_steering_of_another_municipality_sees_nothing_of_this_one(world, huddinge):
    other_steering = make_person("styrgrupp.granne", world.outsider_org, Role.STEERING)
    client = staff_client(other_steering)
    response = client.get(REPORT_URL, {"stadsdel": world.district.pk})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.scope == selectors.Scope(world.other_municipality)
    assert report.before_after.youths == 0
    assert _texts(_table(report, "oversikt"))["Aktualiserade"] == ["0"]
    assert "Norra" not in response.content.decode()
    book = load_workbook(BytesIO(client.get(XLSX_URL).content))
    overview = book.worksheets[0]
    assert overview.cell(row=2, column=1).value == "Aktualiserade"
    assert [overview.cell(row=r, column=2).value for r in range(2, 8)] == [0] * 6


def test_the_page_costs_the_same_number_of_queries_for_more_cases(world, huddinge):
    client = staff_client(world.steering)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(REPORT_URL).status_code == 200
        return len(queries)

    few = count()
    police = Organisation.objects.create(
        municipality=world.municipality, kind=OrganisationKind.POLICE, name="Polisen Två"
    )
    assert police  # more organisations change nothing either
    south = District.objects.create(municipality=world.municipality, name="Södra")
    for i in range(15):
        case = make_case(world, 100 + i, sex="flicka", district=south)
        _started(case, started_on=_year()[0])
        cases.outcome_count_save(
            actor=world.coordinator,
            case=case,
            period=Period.BEFORE,
            measure=Measure.CONCERN_REPORTS,
            count=1,
        )
        # Meetings (cadence) and sub-goals with reviews (goal attainment) change nothing.
        _held(case, world, _year()[0] + timedelta(days=7))
        _held(case, world, _year()[0] + timedelta(days=14))
        plans.plan_save(actor=world.coordinator, case=case, long_term_goal="Mål.")
        goal = plans.subgoal_save(
            actor=world.coordinator, case=case, domain=LifeDomain.values[i % 5], goal="Delmål."
        )
        plans.goal_review_record(
            actor=world.coordinator,
            case=case,
            subgoal=goal,
            status=GoalStatus.ACHIEVED,
            reviewed_on=_year()[0] + timedelta(days=14),
        )
    LocalPolicy.objects.create(
        municipality=world.municipality, district=south, meeting_cadence_weeks=3
    )
    assert count() == few


def test_the_xlsx_holds_the_numbers_of_the_page_and_the_export_is_audited(world, huddinge):
    client = staff_client(world.steering)
    report = client.get(REPORT_URL).context["report"]
    response = client.get(XLSX_URL)
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert len(book.worksheets) == len(report.tables)
    for sheet, table in zip(book.worksheets, report.tables, strict=True):
        assert sheet.cell(row=1, column=1).font.bold
        assert [c.value for c in sheet[1]] == [table.row_header, *table.columns]
        lines = list(table.rows) + ([table.footer] if table.footer else [])
        for r, (label, cells) in enumerate(lines, start=2):
            assert sheet.cell(row=r, column=1).value == label
            for j, cell in enumerate(cells, start=2):
                value = sheet.cell(row=r, column=j).value
                assert value == (cell.value if cell.value != "" else None)
                if cell.shown:
                    assert isinstance(value, int | float)
    before_after = book.worksheets[[t.key for t in report.tables].index("fore_efter")]
    assert before_after.cell(row=3, column=2).value == 2.9
    assert before_after.cell(row=3, column=3).value == 0.9
    assert before_after.cell(row=5, column=3).value == "<5"
    assert before_after.cell(row=6, column=3).value == "x"
    record = AuditRecord.objects.filter(action=Action.EXPORT).latest("id")
    assert record.detail["format"] == "xlsx" and record.actor_code == world.steering.code
    text = str(record.detail)
    assert all(case.anonymous_code not in text for case in huddinge)


def test_the_csv_holds_the_tables_and_is_audited(world, huddinge):
    client = staff_client(world.steering)
    response = client.get(CSV_URL)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Polisanmälningar per ungdom;2,9;0,9" in body
    assert "Orosanmälningar per ungdom;1,8;0,8" in body
    # The new tables too: the groups (with the totals of the cohort), cadence, goals.
    assert "Före och efter start per kön" in body and "Totalt;10;2,9;0,9;1,8;0,8" in body
    assert "Nätverksmöten inom den lokala kadensen" in body
    assert "Måluppfyllelse per livsområde" in body
    assert body.count("ingen effektutvärdering") == 5
    assert AuditRecord.objects.filter(action=Action.EXPORT, detail__format="csv").exists()
    for case in huddinge:
        assert case.anonymous_code not in body


def test_a_district_filter_and_bad_dates(world, huddinge):
    south = District.objects.create(municipality=world.municipality, name="Södra")
    client = staff_client(world.steering)
    report = client.get(REPORT_URL, {"stadsdel": south.pk, "fran": "nej"}).context["report"]
    assert report.scope.district == south and report.start == _year()[0]
    assert report.before_after.youths == 0
    report = client.get(REPORT_URL, {"stadsdel": world.district.pk}).context["report"]
    assert report.before_after.youths == 10


def test_the_national_coordinator_sees_every_municipality_together_or_one(world, huddinge):
    elsewhere = make_case(world, 99)
    Case.objects.filter(pk=elsewhere.pk).update(
        municipality=world.other_municipality, district=None
    )
    national = make_person("nationell", world.owner_org, Role.NATIONAL)
    client = staff_client(national)
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.scope.is_national
    assert _texts(_table(report, "oversikt"))["Aktualiserade"] == ["11"]
    # By municipality, not by district: both municipalities are rows.
    rows = _texts(_table(report, "stadsdel_kon"))
    assert set(rows) >= {"Testkommun", "Grannkommun", "Totalt"}
    assert rows["Grannkommun"][-1] == "<5"
    one = client.get(REPORT_URL, {"kommun": world.municipality.pk}).context["report"]
    assert one.scope == selectors.Scope(world.municipality)
    assert _texts(_table(one, "oversikt"))["Aktualiserade"] == ["10"]
    page = client.get(REPORT_URL).content.decode()
    assert "alla kommuner tillsammans" in page
    # The menu leads there (and not to the styrgrupp's evaluations, which are per municipality).
    start = client.get(reverse("core:start")).content.decode()
    assert f'href="{REPORT_URL}"' in start and reverse("evaluations:report") not in start
    client.get(XLSX_URL)
    record = AuditRecord.objects.filter(action=Action.EXPORT).latest("pk")
    assert record.detail["municipality"] is None


def test_steering_cannot_choose_another_municipality(world, huddinge):
    client = staff_client(world.steering)
    report = client.get(REPORT_URL, {"kommun": world.other_municipality.pk}).context["report"]
    assert report.scope == selectors.Scope(world.municipality)


def test_the_report_tells_its_progress_step_by_step_to_the_end(world, huddinge):
    start, end = _year()
    calls: list[tuple[int, int]] = []
    selectors.operational_report(
        scope=selectors.Scope(world.municipality),
        start=start,
        end=end,
        progress=lambda done, steps: calls.append((done, steps)),
    )
    steps = selectors.REPORT_STEPS
    assert calls == [(n, steps) for n in range(1, steps + 1)]


# --- convictions, groups, meetings, goals (issue 8, point 2) --------------------------------


def _report(world: Any) -> Any:
    start, end = _year()
    return selectors.operational_report(
        scope=selectors.Scope(world.municipality), start=start, end=end
    )


def _convict(world: Any, case: Case, before: int, after: int) -> None:
    save = cases.outcome_count_save
    save(actor=world.police, case=case, period=Period.BEFORE,
         measure=Measure.CONVICTIONS, count=before)  # fmt: skip
    save(actor=world.police, case=case, period=Period.AFTER,
         measure=Measure.CONVICTIONS, count=after)  # fmt: skip


def test_convictions_have_their_own_cohort_and_leave_the_huddinge_figures_alone(world, huddinge):
    # Five youths with convictions recorded before and after: 3+2+2+1+2 = 10 before, 1 after.
    for case, (before, after) in zip(
        huddinge, [(3, 0), (2, 1), (2, 0), (1, 0), (2, 0)], strict=False
    ):
        _convict(world, case, before, after)
    # One more with convictions before only: not in the convictions cohort.
    cases.outcome_count_save(
        actor=world.police,
        case=huddinge[6],
        period=Period.BEFORE,
        measure=Measure.CONVICTIONS,
        count=9,
    )
    report = _report(world)
    figures = report.before_after
    assert figures.convicted_youths == 5
    assert figures.convictions_before == 2 and figures.convictions_after == Fraction(1, 5)
    assert figures.police_before == Fraction(29, 10) and figures.police_after == Fraction(9, 10)
    assert figures.concern_before == Fraction(18, 10) and figures.none_after == 4
    table = _texts(_table(report, "fore_efter"))
    assert table["Antal ungdomar med registrerade brottsdomar före och efter"][0] == "5"
    assert table["Brottsdomar per ungdom"] == ["2,0", "0,2"]
    assert table["Polisanmälningar per ungdom"] == ["2,9", "0,9"]


def test_convictions_of_fewer_youths_than_the_threshold_show_no_mean(world, huddinge):
    for case in huddinge[:4]:
        _convict(world, case, 2, 1)
    table = _texts(_table(_report(world), "fore_efter"))
    assert table["Antal ungdomar med registrerade brottsdomar före och efter"][0] == "<5"
    assert table["Brottsdomar per ungdom"] == ["–", "–"]


def test_the_huddinge_cohort_by_sex_age_district_and_year(world, huddinge, settings):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    report = _report(world)
    sexes = _texts(_table(report, "fore_efter_kon"))
    # Boys: police 21/7 before, 9/7 after; concern 16/7, 7/7. Girls: 8/3, 0/3; 2/3, 1/3.
    assert sexes["Pojke/man"] == ["7", "3,0", "1,3", "2,3", "1,0"]
    assert sexes["Flicka/kvinna"] == ["3", "2,7", "0,0", "0,7", "0,3"]
    assert sexes["Annat"] == ["0", "–", "–", "–", "–"]
    assert sexes["Totalt"] == ["10", "2,9", "0,9", "1,8", "0,8"]
    ages = _texts(_table(report, "fore_efter_alder"))
    assert ages["15–17 år"] == ["10", "2,9", "0,9", "1,8", "0,8"]
    assert ages["Uppgift saknas"][0] == "0"
    assert _texts(_table(report, "fore_efter_omrade"))["Norra"][0] == "10"
    year = str(_year()[0].year)
    assert _texts(_table(report, "fore_efter_startar"))[year][0] == "10"
    page = staff_client(world.steering).get(REPORT_URL).content.decode()
    assert page.count("ingen effektutvärdering") == 5  # beside every before/after table


def test_group_numbers_are_suppressed_together_and_hidden_groups_show_no_means(world, huddinge):
    # At 5: three girls are hidden, and the seven boys with them (complementary).
    sexes = _texts(_table(_report(world), "fore_efter_kon"))
    assert sexes["Flicka/kvinna"] == ["<5", "–", "–", "–", "–"]
    assert sexes["Pojke/man"] == ["x", "–", "–", "–", "–"]
    assert sexes["Totalt"] == ["10", "2,9", "0,9", "1,8", "0,8"]


def test_a_breakdown_that_cannot_be_protected_is_withdrawn_not_its_total():
    cells, total = selectors._suppressed_row([4, 4], 5)
    assert [c.text for c in cells] == ["–", "–"] and total.text == "8"
    cells, total = selectors._suppressed_row([4, 4, 0], 5)
    assert [c.text for c in cells] == ["<5", "<5", "<5"] and total.text == "8"
    cells, total = selectors._suppressed_row([3], 5)
    assert cells[0].text == "<5" and total.text == "<5"


def _held(case: Case, world: Any, day: date) -> None:
    from datetime import datetime, time

    from samsyn.cases.models import Referral
    from samsyn.meetings.models import Meeting, MeetingKind, MeetingStatus

    at = datetime.combine(day, time(9), tzinfo=timezone.get_current_timezone())
    Meeting.objects.create(
        case=case,
        owner=world.owner_org,
        category=Referral.objects.filter(case=case).first().category,
        created_by=world.coordinator,
        kind=MeetingKind.NETWORK,
        status=MeetingStatus.HELD,
        starts_at=at,
        ends_at=at + timedelta(hours=1),
        held_on=day,
    )


def test_network_meetings_within_the_local_cadence(world, settings):
    from samsyn.meetings.models import Meeting, MeetingStatus

    today = timezone.localdate()
    south = District.objects.create(municipality=world.municipality, name="Södra")
    LocalPolicy.objects.filter(municipality=world.municipality).update(meeting_cadence_weeks=4)
    LocalPolicy.objects.create(
        municipality=world.municipality, district=south, meeting_cadence_weeks=2
    )
    start = today - timedelta(days=60)
    north, southern = make_case(world, 1), make_case(world, 2, district=south)
    for case in (north, southern):
        _started(case, started_on=start)
        for days in (21, 42):
            _held(case, world, start + timedelta(days=days))
    # Not counted: a meeting before the start, and a cancelled one.
    _held(north, world, start - timedelta(days=10))
    Meeting.objects.filter(case=north, held_on=start + timedelta(days=21)).update(
        status=MeetingStatus.CANCELLED
    )
    # Norra, every 4 weeks: 42 days (over), 18 days to today (within). Södra, every 2 weeks
    # (its own policy): 21, 21, 18 days, all over. Five gaps, one within.
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 1  # the arithmetic, nothing hidden
    shown = _texts(_table(_report_at(world, start, today), "motesfrekvens"))
    assert shown["Antal mellanrum"] == ["5"]
    assert shown["Mellanrum inom kadensen"] == ["1"]
    assert shown["Mellanrum längre än kadensen"] == ["4"]
    assert shown["Andel inom kadensen, procent"] == ["20"]
    # The period ends before the second meeting: the gaps reach only to its end. Norra: 30
    # days without a meeting (over); Södra: 21 days (over), 9 days (within).
    shown = _texts(_table(_report_at(world, start, start + timedelta(days=30)), "motesfrekvens"))
    assert shown["Antal mellanrum"] == ["3"]
    assert shown["Mellanrum längre än kadensen"] == ["2"]
    # A period that starts after the second meeting: only the gaps that reach into it count
    # (Norra 42 → today, Södra 42 → today: 18 days each, within 4 weeks, over 2 weeks).
    later = start + timedelta(days=43)
    shown = _texts(_table(_report_at(world, later, today), "motesfrekvens"))
    assert shown["Antal mellanrum"] == ["2"]
    assert shown["Mellanrum inom kadensen"] == ["1"]
    assert shown["Mellanrum längre än kadensen"] == ["1"]
    # Suppressed like any row: the one within is small, the four over hide it; no share.
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    shown = _texts(_table(_report_at(world, start, today), "motesfrekvens"))
    assert shown["Antal mellanrum"] == ["5"]
    assert shown["Mellanrum inom kadensen"] == ["<3"]
    assert shown["Mellanrum längre än kadensen"] == ["x"]
    assert shown["Andel inom kadensen, procent"] == ["–"]


def test_goal_attainment_per_domain_counts_the_latest_status(world, settings):

    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    today = timezone.localdate()
    start, end = today - timedelta(days=60), today
    made = [make_case(world, i) for i in range(4)]
    for case in made:
        _started(case, started_on=start)
        plans.plan_save(actor=world.coordinator, case=case, long_term_goal="Gå ut nian.")
        school = plans.subgoal_save(
            actor=world.coordinator, case=case, domain=LifeDomain.SCHOOL, goal="Närvaro."
        )
        for days, status in ((40, GoalStatus.IN_PROGRESS), (10, GoalStatus.ACHIEVED)):
            plans.goal_review_record(
                actor=world.coordinator,
                case=case,
                subgoal=school,
                status=status,
                reviewed_on=today - timedelta(days=days),
            )
        plans.subgoal_save(
            actor=world.coordinator, case=case, domain=LifeDomain.LEISURE, goal="En aktivitet."
        )
    report = selectors.operational_report(
        scope=selectors.Scope(world.municipality), start=start, end=end
    )
    shown = _texts(_table(report, "mal_livsomraden"))
    assert shown["Skola/sysselsättning"] == ["0", "0", "4", "0", "0", "0", "4"]
    assert shown["Fritid"] == ["0", "0", "0", "0", "0", "4", "4"]
    assert shown["Totalt"] == ["0", "0", "4", "0", "0", "4", "8"]
    # At a period ending before the last review, the status then: "pågår".
    report = selectors.operational_report(
        scope=selectors.Scope(world.municipality), start=start, end=today - timedelta(days=20)
    )
    assert _texts(_table(report, "mal_livsomraden"))["Skola/sysselsättning"][1] == "4"
    # At 5 the fours are hidden; nothing of one domain follows from the totals.
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 5
    table = _table(_report_at(world, start, end), "mal_livsomraden")
    assert _texts(table)["Skola/sysselsättning"][2] in ("<5", "x")


def _report_at(world: Any, start: date, end: date) -> Any:
    return selectors.operational_report(
        scope=selectors.Scope(world.municipality), start=start, end=end
    )


# --- privacy across the whole report (issue 8, point 3) -------------------------------------

Ref = tuple[str, int, int]  # (table key, row — the footer is the row after the last —, column)


def _lines_of(table: Any) -> list[list[Any]]:
    lines = [cells for _label, cells in table.rows]
    return lines + ([table.footer[1]] if table.footer else [])


def _equations(report: Any) -> list[dict[Any, int]]:
    """Every linear relation between the counts of the report, as {reference: coefficient}
    = 0: sums along rows and columns, and the shared totals of one population (a variable
    named by the population). A table this does not know about fails the test: its relations
    must be declared here."""
    equations: list[dict[Any, int]] = []

    def column(key: str, table: Any, j: int, population: str | None) -> None:
        last = len(table.rows)
        equation: dict[Any, int] = {(key, i, j): 1 for i in range(last)}
        equation[(key, last, j)] = -1
        equations.append(equation)
        if population:
            equations.append({(key, last, j): 1, population: -1})

    def grid(key: str, table: Any, population: str | None) -> None:
        width = len(table.columns) - 1
        for i in range(len(table.rows) + 1):
            equation: dict[Any, int] = {(key, i, j): 1 for j in range(width)}
            equation[(key, i, width)] = -1
            equations.append(equation)
        for j in range(width + 1):
            column(key, table, j, population if j == width else None)

    for table in report.tables:
        key = table.key
        rows = {label: i for i, (label, _cells) in enumerate(table.rows)}
        if key == "oversikt":
            equations.append({(key, rows["Aktualiserade"], 0): 1, "referred": -1})
            equations.append({(key, rows["Avslutade"], 0): 1, "closed": -1})
        elif key in ("stadsdel_kon", "mal_livsomraden"):
            grid(key, table, "referred" if key == "stadsdel_kon" else None)
        elif key in ("alder", "aktualiserad_av"):
            column(key, table, 0, "referred")
        elif key == "avslutsskal":
            column(key, table, 0, "closed")
        elif key == "tid":
            equations.append({(key, 0, 0): 1, (key, 1, 0): 1, "closed": -1})
        elif key == "fore_efter":
            equations.append({(key, 0, 0): 1, "cohort": -1})
            equations.append({(key, 3, 1): 1, (key, 4, 1): 1, "cohort": -1})
            equations.append({(key, 5, 0): 1, "convicted": -1})
        elif key.startswith("fore_efter_"):
            column(key, table, 0, "cohort")
        elif key == "motesfrekvens":
            equations.append({(key, 0, 0): 1, (key, 1, 0): 1, (key, 2, 0): -1})
        else:
            raise AssertionError(f"the relations of the table {key} are not declared")
    return equations


def _determined(report: Any) -> tuple[set[Any], set[Any]]:
    """(the hidden counts that follow exactly from the shown ones, the hidden counts), by
    Gaussian elimination over fractions. Raises when the shown counts contradict the
    relations (a breakdown that does not add up to its population)."""
    cells = {t.key: _lines_of(t) for t in report.tables}
    equations = _equations(report)
    hidden: list[Any] = []
    system: list[list[Fraction]] = []
    index: dict[Any, int] = {}
    for equation in equations:
        for ref in equation:
            if isinstance(ref, tuple) and cells[ref[0]][ref[1]][ref[2]].shown:
                continue
            if ref not in index:
                index[ref] = len(hidden)
                hidden.append(ref)
    for equation in equations:
        row = [Fraction(0)] * (len(hidden) + 1)
        for ref, coefficient in equation.items():
            if ref in index:
                row[index[ref]] += coefficient
            else:
                row[-1] -= coefficient * cells[ref[0]][ref[1]][ref[2]].value
        system.append(row)
    # Reduced row echelon form.
    pivot_row = 0
    for j in range(len(hidden)):
        found = next((r for r in range(pivot_row, len(system)) if system[r][j] != 0), None)
        if found is None:
            continue
        system[pivot_row], system[found] = system[found], system[pivot_row]
        lead = system[pivot_row][j]
        system[pivot_row] = [v / lead for v in system[pivot_row]]
        for r in range(len(system)):
            if r != pivot_row and system[r][j] != 0:
                factor = system[r][j]
                system[r] = [
                    a - factor * b for a, b in zip(system[r], system[pivot_row], strict=True)
                ]
        pivot_row += 1
    for row in system[pivot_row:]:
        assert row[-1] == 0, "the shown counts do not add up"
    determined = set()
    for row in system[:pivot_row]:
        nonzero = [j for j in range(len(hidden)) if row[j] != 0]
        if len(nonzero) == 1:
            determined.add(hidden[nonzero[0]])
    return {ref for ref in determined if isinstance(ref, tuple)}, {
        ref for ref in hidden if isinstance(ref, tuple)
    }


def test_the_whole_report_check_finds_a_hidden_count_that_the_totals_give_back(world, huddinge):
    """The check itself can fail: show the small count's partner and it is found."""
    report = _report(world)
    table = _table(report, "fore_efter")
    assert _determined(report)[0] == set()
    label, cells = table.rows[4]
    table.rows[4] = (label, [cells[0], selectors.Cell(6)])  # "x" shown as 6: 10 - 6 = 4
    found, _hidden = _determined(report)
    assert ("fore_efter", 3, 1) in found


@pytest.fixture
def varied(world: Any) -> None:
    """Youths spread thinly over districts, sexes, ages and sources, some closed, some with
    counts, convictions, meetings and goals: many small cells in every table."""

    today = timezone.localdate()
    south = District.objects.create(municipality=world.municipality, name="Södra")
    started = today - timedelta(days=50)
    kinds = ["polis", "socialtjanst", "skola", "socialtjanst", "faltassistenter", "socialtjanst"]
    sexes = ["pojke", "pojke", "flicka", "pojke", "annat", "flicka", "pojke", "okant"]
    for n in range(22):
        district = [world.district, south, None][n % 3] if n % 7 else south
        case = cases.case_create(
            actor=world.coordinator,
            first_name=f"Ung{n}",
            last_name="Testsson",
            reason="Misstänkt för brott.",
            kind=kinds[n % len(kinds)],
            date_of_birth=date(today.year - (13 + n % 5) - (6 if n == 4 else 0), 6, 1),
            age_exception_reason="Syskon i samma grupp.",
            sex=sexes[n % len(sexes)],
            district=district,
            referred_on=date(today.year, 1, 1),
        )
        if n % 4 == 3:
            continue  # referred only
        cases.member_add(actor=world.coordinator, case=case, person=world.police)
        _started(case, started_on=started if n % 2 else date(today.year - 1, 11, 1))
        if n % 5 == 0:
            cases.case_close(
                actor=world.coordinator,
                case=case,
                closed_on=today,
                reason=["mal_uppfyllda", "flyttat", "annan_insats"][n % 3],
                summary=".",
            )
        if n % 6 != 1:
            counts = (n % 4, n % 3, (n + 1) % 3, n % 2)
            for (period, measure), count in zip(
                [
                    (Period.BEFORE, Measure.POLICE_REPORTS),
                    (Period.BEFORE, Measure.CONCERN_REPORTS),
                    (Period.AFTER, Measure.POLICE_REPORTS),
                    (Period.DURING, Measure.CONCERN_REPORTS),
                ],
                counts,
                strict=True,
            ):
                cases.outcome_count_save(
                    actor=world.coordinator, case=case, period=period, measure=measure, count=count
                )
        if n % 3 == 0:
            _convict(world, case, 1 + n % 2, n % 2)
        for days in range(7, 50, 7 * (1 + n % 4)):
            _held(case, world, started + timedelta(days=days))
        if n % 2 == 0:
            plans.plan_save(actor=world.coordinator, case=case, long_term_goal="Mål.")
            for d in range(1 + n % 3):
                sub = plans.subgoal_save(
                    actor=world.coordinator,
                    case=case,
                    domain=LifeDomain.values[(n + d) % 4],
                    goal=f"Delmål {d}.",
                )
                if d:
                    plans.goal_review_record(
                        actor=world.coordinator,
                        case=case,
                        subgoal=sub,
                        status=GoalStatus.values[(n + d) % 5],
                        reviewed_on=today,
                    )


@pytest.mark.parametrize("limit", [3, 4, 5])
def test_no_hidden_count_follows_from_the_whole_report(world, varied, settings, limit):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = limit
    start, end = _year()
    reports = [
        selectors.operational_report(
            scope=selectors.Scope(world.municipality), start=start, end=end
        ),
        selectors.operational_report(
            scope=selectors.Scope(world.municipality, world.district), start=start, end=end
        ),
        selectors.operational_report(scope=selectors.Scope(None), start=start, end=end),
    ]
    hidden_somewhere = False
    for report in reports:
        found, hidden = _determined(report)
        assert found == set(), f"hidden counts that follow from the shown ones: {sorted(found)}"
        hidden_somewhere = hidden_somewhere or bool(hidden)
        # One total per population, the same everywhere: hidden in one table, hidden in all.
        overview = _texts(_table(report, "oversikt"))
        referred = overview["Aktualiserade"][0]
        assert _texts(_table(report, "alder"))["Totalt"] == [referred]
        assert _texts(_table(report, "aktualiserad_av"))["Totalt"] == [referred]
        assert _texts(_table(report, "stadsdel_kon"))["Totalt"][-1] == referred
        cohort = _texts(_table(report, "fore_efter"))["Antal ungdomar"][0]
        for table in report.tables:
            if table.key.startswith("fore_efter_"):
                assert table.footer[1][0].text == cohort
    assert hidden_somewhere  # the data is thin enough to hide something
