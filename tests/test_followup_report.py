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
from samsyn.organisations.models import District, Organisation, OrganisationKind, Role
from tests.conftest import make_person

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


def staff_client(person: Any) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(person, backend="samsyn.accounts.backends.UsernameOrEmailBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=person).persistent_id
    session.save()
    return client


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
