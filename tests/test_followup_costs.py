"""The cost-and-benefit calculator (issue 8, point 5): Växjö's figures, youth-years over part
of a period, the what-if figures, suppression and access."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.cases.models import Case, CaseState
from samsyn.followup import costs
from samsyn.followup.selectors import Scope
from samsyn.organisations.models import CrimeCost, LocalPolicy, Role
from tests import test_followup_report as report_tests
from tests.conftest import make_person
from tests.test_followup_report import make_case, staff_client

huddinge = report_tests.huddinge  # the fixture: ten youths of seed 001's Tabell 2

URL = reverse("followup:costs")
NBSP = "\xa0"
YEAR = {"fran": "2025-01-01", "till": "2025-12-31"}  # not a leap year: 365 days


def kr(text: str) -> str:
    """ "1 800 000 kr" as the page writes it, with non-breaking spaces."""
    return text.replace(" ", NBSP)


def sig(world: Any, n: int, *, started: date, closed: date | None = None) -> Case:
    case = make_case(world, n)
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.CLOSED if closed else CaseState.ACTIVE,
        decided_on=started,
        started_on=started,
        closed_on=closed,
    )
    return case


def whole_year(world: Any, count: int) -> list[Case]:
    """`count` SIGs that started before 2025 and were still running after it."""
    return [sig(world, i, started=date(2024, 6, 1)) for i in range(1, count + 1)]


@pytest.fixture
def robbery(world: Any) -> CrimeCost:
    """Seed 004: a robbery with violence costs society just over 200 000 kr."""
    policy = LocalPolicy.objects.get(municipality=world.municipality, district=None)
    return CrimeCost.objects.create(policy=policy, crime_type="Rån med våld", amount_sek=200_000)


def vaxjo(world: Any) -> costs.Figures:
    return costs.default_figures(costs.saved_figures(scope=Scope(world.municipality)))


def calculate(world: Any, figures: costs.Figures | None = None) -> costs.Calculation:
    return costs.calculate(
        scope=Scope(world.municipality),
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        figures=figures or vaxjo(world),
    )


# --- the computation --------------------------------------------------------------------------


def test_kronor_are_written_the_swedish_way():
    assert costs.kronor(2_726_000) == "2\xa0726\xa0000\xa0kr"
    assert costs.kronor(900) == "900\xa0kr"
    assert costs.kronor(0) == "0\xa0kr"


def test_two_youths_a_whole_year_cost_the_vaxjo_figures(world):
    whole_year(world, 2)
    calc = calculate(world)
    assert calc.figures.sig_per_youth_year == 900_000
    assert calc.figures.placement_per_year == 2_726_000
    assert (calc.youths, calc.youth_days) == (2, 730)
    assert calc.youth_years == 2
    assert calc.sig_cost == 1_800_000
    assert calc.placement_cost == 5_452_000
    assert calc.placement_minus_sig == 3_652_000
    assert not calc.shown  # two youths: below the threshold of five


def test_youth_years_count_only_the_days_of_the_period_each_sig_was_active(world):
    sig(world, 1, started=date(2025, 7, 1))  # 1 July – 31 December: 184 days
    sig(world, 2, started=date(2024, 3, 1), closed=date(2025, 3, 31))  # 1 Jan – 31 Mar: 90
    sig(world, 3, started=date(2025, 2, 1), closed=date(2025, 2, 28))  # February: 28 days
    sig(world, 4, started=date(2025, 5, 5), closed=date(2025, 5, 5))  # one day
    sig(world, 5, started=date(2024, 1, 1), closed=date(2024, 12, 31))  # before: not counted
    sig(world, 6, started=date(2026, 1, 1))  # after: not counted
    make_case(world, 7)  # never started: not counted
    calc = calculate(world)
    assert calc.youths == 4
    assert calc.youth_days == 184 + 90 + 28 + 1 == 303
    assert calc.youth_years == Fraction(303, 365)
    # 303 × 900 000 / 365 = 747 123,29 and 303 × 2 726 000 / 365 = 2 262 953,42
    assert calc.sig_cost == 747_123
    assert calc.placement_cost == 2_262_953
    assert calc.placement_minus_sig == 1_515_830


def test_youth_years_stop_at_today_in_a_period_that_has_not_ended(world):
    today = timezone.localdate()
    sig(world, 1, started=today - timedelta(days=10))  # eleven days so far
    sig(world, 2, started=today + timedelta(days=1))  # not started yet: nothing
    calc = costs.calculate(
        scope=Scope(world.municipality),
        start=today - timedelta(days=30),
        end=today + timedelta(days=300),
        figures=vaxjo(world),
    )
    assert calc.youths == 1 and calc.youth_days == 11
    future = costs.cohort_youth_days(
        scope=Scope(world.municipality),
        start=today + timedelta(days=5),
        end=today.replace(year=today.year + 1),
    )
    assert future == (0, 0)


def test_a_district_is_calculated_with_its_own_figures_when_it_has_them(world):
    whole_year(world, 5)
    own = LocalPolicy.objects.create(
        municipality=world.municipality,
        district=world.district,
        sig_cost_per_youth_year=1_000_000,
        placement_cost_per_year=3_000_000,
    )
    saved = costs.saved_figures(scope=Scope(world.municipality, world.district))
    assert saved.policy == own and saved.sig_per_youth_year == 1_000_000
    calc = costs.calculate(
        scope=Scope(world.municipality, world.district),
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        figures=costs.default_figures(saved),
    )
    assert (calc.sig_cost, calc.placement_cost) == (5_000_000, 15_000_000)
    # The whole municipality keeps the municipality's figures.
    assert costs.saved_figures(scope=Scope(world.municipality)).sig_per_youth_year == 900_000


def test_without_a_policy_the_default_figures_apply(world):
    LocalPolicy.objects.filter(municipality=world.municipality).delete()
    saved = costs.saved_figures(scope=Scope(world.municipality))
    assert saved.policy is None and saved.crime_costs == []
    figures = costs.default_figures(saved)
    assert (figures.sig_per_youth_year, figures.placement_per_year) == (900_000, 2_726_000)
    assert figures.per_crime is None


def test_the_crime_costs_of_the_huddinge_youths(world, huddinge, robbery):
    calc = costs.calculate(
        scope=Scope(world.municipality),
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        figures=vaxjo(world),
    )
    assert calc.figures.crime_type == "Rån med våld" and calc.figures.per_crime == 200_000
    assert calc.crimes.youths == 10
    assert (calc.reports_before, calc.reports_after) == (29, 9)
    assert calc.crime_cost_before == 5_800_000
    assert calc.crime_cost_after == 1_800_000
    assert calc.crime_cost_before_minus_after == 4_000_000
    assert calc.per_youth(calc.crime_cost_before) == 580_000
    assert calc.crimes_shown


def test_the_page_costs_the_same_number_of_queries_for_five_and_for_ten_youths(world, robbery):
    client = staff_client(world.steering)
    whole_year(world, 5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(URL, YEAR).status_code == 200
    for i in range(6, 11):
        sig(world, i, started=date(2024, 6, 1))
    with CaptureQueriesContext(connection) as ten:
        response = client.get(URL, YEAR)
    assert response.context["calc"].youths == 10
    assert len(five) == len(ten)


# --- the page ---------------------------------------------------------------------------------


def test_the_page_shows_the_vaxjo_comparison_and_where_the_figures_come_from(world, robbery):
    whole_year(world, 5)
    response = staff_client(world.steering).get(URL, YEAR)
    assert response.status_code == 200
    page = response.content.decode()
    assert kr("4 500 000 kr") in page  # 5 youth-years × 900 000
    assert kr("13 630 000 kr") in page  # 5 youth-years × 2 726 000
    assert kr("9 130 000 kr") in page  # the difference
    assert "5,0" in page and f"{kr('1 825')} dagar" in page  # youth-years
    assert kr("900 000 kr") in page and kr("2 726 000 kr") in page
    assert "lokala riktlinjerna för Testkommun" in page
    assert "Antaganden" in page and "delad med 365" in page
    assert "ingen effektutvärdering" in page and "jämförelsegrupp" in page
    assert "inte ett bevisat brott" in page
    # Only an administrator of the municipality is sent to edit the figures.
    policy = LocalPolicy.objects.get(municipality=world.municipality, district=None)
    edit = reverse("organisations:policy_edit", kwargs={"code": policy.code})
    assert edit not in page
    both = make_person("styr.admin", world.owner_org, Role.STEERING, Role.ADMINISTRATOR)
    assert edit in staff_client(both).get(URL, YEAR).content.decode()


def test_the_page_shows_the_crime_costs_of_the_huddinge_youths(world, huddinge, robbery):
    response = staff_client(world.steering).get(URL)  # this calendar year by default
    assert response.status_code == 200
    page = response.content.decode()
    rows = {row.label: row.values for row in response.context["crime_rows"]}
    assert rows["Polisanmälningar per ungdom"] == ["2,9", "0,9"]
    assert rows["Kostnad för brotten"] == [kr("5 800 000 kr"), kr("1 800 000 kr")]
    assert rows["Kostnad för brotten per ungdom"] == [kr("580 000 kr"), kr("180 000 kr")]
    assert rows["Skillnad: lägre kostnad efter start"] == ["", kr("4 000 000 kr")]
    assert "Varje polisanmälan räknas som ett brott" in page
    for case in huddinge:
        assert case.anonymous_code not in page and case.youth.first_name not in page


def test_the_reader_may_try_other_figures_without_saving_them(world, robbery):
    whole_year(world, 5)
    CrimeCost.objects.create(policy=robbery.policy, crime_type="Stöld", amount_sek=30_000)
    response = staff_client(world.steering).get(
        URL, {**YEAR, "sig": "1 000 000", "placering": "3000000 kr", "brottstyp": "Stöld"}
    )
    assert response.status_code == 200
    calc = response.context["calc"]
    assert calc.figures == costs.Figures(1_000_000, 3_000_000, 30_000, "Stöld")
    assert (calc.sig_cost, calc.placement_cost) == (5_000_000, 15_000_000)
    page = response.content.decode()
    assert kr("10 000 000 kr") in page and "Du räknar med egna siffror" in page
    policy = LocalPolicy.objects.get(pk=robbery.policy.pk)
    assert (policy.sig_cost_per_youth_year, policy.placement_cost_per_year) == (900_000, 2_726_000)
    # An amount typed in wins over the chosen crime type.
    typed = staff_client(world.steering).get(
        URL, {**YEAR, "brottstyp": "Stöld", "brottskostnad": "50000"}
    )
    assert typed.context["calc"].figures.per_crime == 50_000
    assert typed.context["calc"].figures.crime_type == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sig", "-5", "Beloppet kan inte vara negativt."),
        ("sig", "nio hundra tusen", "Skriv ett belopp i hela kronor med siffror"),
        ("sig", "900000,50", "Skriv ett belopp i hela kronor med siffror"),
        ("placering", "999 999 999 999 999", "Beloppet är orimligt stort"),
        ("placering", "100 000 001", "Beloppet är orimligt stort"),
        ("brottskostnad", "-200000", "Beloppet kan inte vara negativt."),
        ("brottstyp", "Mord", "Välj en av kommunens brottstyper."),
    ],
)
def test_bad_figures_get_a_swedish_error_and_the_saved_figures_are_used(
    world, robbery, field, value, message
):
    whole_year(world, 5)
    response = staff_client(world.steering).get(URL, {**YEAR, field: value})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    page = response.content.decode()
    assert message in page and "räknar kalkylen med de sparade siffrorna" in page
    calc = response.context["calc"]
    assert calc.figures == costs.Figures(900_000, 2_726_000, 200_000, "Rån med våld")
    assert kr("4 500 000 kr") in page and kr("13 630 000 kr") in page


def test_a_good_figure_is_used_beside_a_bad_one(world):
    whole_year(world, 5)
    response = staff_client(world.steering).get(URL, {**YEAR, "sig": "1000000", "placering": "x"})
    calc = response.context["calc"]
    assert (calc.figures.sig_per_youth_year, calc.figures.placement_per_year) == (
        1_000_000,
        2_726_000,
    )


def test_fewer_youths_than_the_threshold_show_no_amounts(world, robbery):
    whole_year(world, 4)
    response = staff_client(world.steering).get(URL, YEAR)
    assert response.status_code == 200
    assert response.context["comparison_rows"] == []
    assert response.context["crime_rows"] == []
    page = response.content.decode()
    assert "Färre än 5 ungdomar hade en aktiv SIG" in page
    for amount in ("3 600 000 kr", "10 904 000 kr", "7 304 000 kr"):
        assert kr(amount) not in page
    assert f"{kr('1 460')} dagar" not in page and "4,0" not in page


def test_the_threshold_setting_decides(world, settings):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 2
    whole_year(world, 2)
    page = staff_client(world.steering).get(URL, YEAR).content.decode()
    assert kr("1 800 000 kr") in page and kr("5 452 000 kr") in page


def test_crime_costs_are_hidden_for_fewer_youths_with_counts_than_the_threshold(
    world, huddinge, robbery
):
    # Ten SIGs, but only four of them with reports counted: no crime amounts.
    from samsyn.cases.models import OutcomeCount

    OutcomeCount.objects.filter(case__in=huddinge[4:]).delete()
    response = staff_client(world.steering).get(URL)
    assert response.context["calc"].shown and response.context["crime_rows"] == []
    page = response.content.decode()
    assert "Inga brottskostnader visas" in page
    sig_cost = response.context["calc"].sig_cost  # this year so far: up to today
    assert sig_cost > 0 and kr(f"{sig_cost:,} kr".replace(",", " ")) in page  # still compared


def test_without_a_crime_cost_the_page_asks_for_one(world, huddinge):
    response = staff_client(world.steering).get(URL)
    assert response.context["crime_rows"] == []
    assert "Det finns ingen kostnad per brott" in response.content.decode()


# --- who may see it ---------------------------------------------------------------------------


def test_people_without_the_steering_role_get_404(world):
    whole_year(world, 5)
    for person in (world.coordinator, world.admin, world.police, world.outsider):
        assert staff_client(person).get(URL, YEAR).status_code == 404


def test_steering_of_another_municipality_sees_only_their_own(world, robbery):
    whole_year(world, 5)
    other = make_person("styr.granne", world.outsider_org, Role.STEERING)
    response = staff_client(other).get(
        URL, {**YEAR, "kommun": str(world.municipality.pk), "stadsdel": str(world.district.pk)}
    )
    assert response.status_code == 200
    assert response.context["scope"] == Scope(world.other_municipality)
    assert response.context["calc"].youths == 0
    page = response.content.decode()
    assert kr("4 500 000 kr") not in page and "Rån med våld" not in page


def test_a_national_coordinator_chooses_one_municipality(world, robbery):
    whole_year(world, 5)
    national = make_person("nationell", world.owner_org, Role.NATIONAL)
    client = staff_client(national)
    response = client.get(URL, YEAR)
    assert response.status_code == 200
    assert "calc" not in response.context
    assert "Välj en kommun" in response.content.decode()
    chosen = client.get(URL, {**YEAR, "kommun": str(world.municipality.pk)})
    assert chosen.context["calc"].sig_cost == 4_500_000
    assert kr("4 500 000 kr") in chosen.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "next=" in response["Location"]
