"""The needs inventory (issue 8, point 6): CSV import with a preview and a signed confirm step,
and the coverage page (target group vs youths in SIG), with suppression and access."""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import Case, CaseState
from samsyn.followup import needs
from samsyn.followup.demo import seed_needs
from samsyn.followup.models import NeedsCount
from samsyn.followup.selectors import Scope
from samsyn.organisations.models import District, Role
from tests.conftest import make_person, staff_client

NEEDS_URL = reverse("followup:needs")
IMPORT_URL = reverse("followup:needs_import")
NEXT_YEAR = timezone.localdate().year + 1


def upload(client: Any, text: str | bytes, *, source: str = "Polisens lägesbild") -> Any:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        IMPORT_URL,
        {"file": SimpleUploadedFile("behov.csv", data, content_type="text/csv"), "source": source},
    )


def problems_of(response: Any) -> set[tuple[int | None, str]]:
    return {(p.line, p.column) for p in response.context["problems"]}


@pytest.fixture
def sodra(world: Any) -> District:
    return District.objects.create(municipality=world.municipality, name="Södra")


# --- import: every problem, nothing imported --------------------------------------------------

BROKEN = (
    "År;Stadsdel;Antal;Källa\n"
    "2024;Norra;12;\n"  # line 2: fine
    "2024;Västra;8;\n"  # line 3: not a district of Testkommun
    "tjugo;Norra;8;\n"  # line 4: year not a number
    "1999;;8;\n"  # line 5: year before 2000
    f"{NEXT_YEAR + 1};;8;\n"  # line 6: year after next year
    "2023;Norra;-3;\n"  # line 7: negative
    "2023;;4,5;\n"  # line 8: not a whole number
    "2024;norra;9;\n"  # line 9: the same area and year as line 2 (any case)
)


def test_a_file_with_every_kind_of_row_error_lists_them_all_and_imports_nothing(world):
    client = staff_client(world.steering)
    response = upload(client, BROKEN)
    assert response.status_code == 200
    assert problems_of(response) == {
        (3, "stadsdel"),
        (4, "år"),
        (5, "år"),
        (6, "år"),
        (7, "antal"),
        (8, "antal"),
        (9, "stadsdel"),
    }
    reasons = {p.line: p.reason for p in response.context["problems"]}
    assert "Västra" in reasons[3] and "Norra" in reasons[3]
    assert "rad 2" in reasons[9]
    assert str(NEXT_YEAR) in reasons[6]
    assert "preview" not in response.context
    page = response.content.decode()
    assert "Filen har 7 fel. Inget har lästs in." in page
    assert NeedsCount.objects.count() == 0
    assert not AuditRecord.objects.filter(object_type="followup.needscount").exists()


@pytest.mark.parametrize(
    ("data", "expected", "words"),
    [
        (b"", {(None, "")}, "tom"),
        (b"\xef\xbb\xbf\r\n", {(None, "")}, "tom"),
        (b"ar;stadsdel;antal\n", {(None, "")}, "inga rader"),
        (b"stadsdel;antal\n;4\n", {(1, "år")}, "saknas"),
        (b"year,area,count\n2024,,4\n", {(1, "år"), (1, "stadsdel"), (1, "antal")}, "saknas"),
        (b"x" * (needs.MAX_BYTES + 1), {(None, "")}, "1 MB"),
    ],
)
def test_problems_with_the_file_as_a_whole(world, data, expected, words):
    rows, problems = needs.needs_parse(
        data=data, municipality=world.municipality, default_source="Polisen"
    )
    assert rows == []
    assert {(p.line, p.column) for p in problems} == expected
    assert all(words in p.reason for p in problems)


def test_a_too_large_upload_is_refused_with_a_message(world):
    response = upload(staff_client(world.steering), "år;stadsdel;antal\n" + "2024;;1\n" * 200_000)
    assert problems_of(response) == {(None, "")}
    assert "1 MB" in response.content.decode()
    assert NeedsCount.objects.count() == 0


def test_a_row_without_a_source_needs_one_from_the_form(world):
    _rows, problems = needs.needs_parse(
        data="år,stadsdel,antal\n2024,,4\n".encode(),
        municipality=world.municipality,
        default_source=" ",
    )
    assert [(p.line, p.column) for p in problems] == [(2, "källa")]
    response = upload(staff_client(world.steering), "år,stadsdel,antal\n2024,,4\n", source="")
    assert response.status_code == 200
    assert "source" in response.context["form"].errors


# --- import: preview, confirm, replace --------------------------------------------------------

GOOD = "år;stadsdel;antal;källa\n2024;Norra;12;\n2024;;40;Socialtjänstens kartläggning\n\n;;;\n"


def test_a_correct_file_previews_then_imports_in_one_go(world):
    client = staff_client(world.steering)
    response = upload(client, GOOD)
    assert "problems" not in response.context
    preview = response.context["preview"]
    assert [(p.row.line, p.row.year, p.row.area, p.row.count, p.adds) for p in preview] == [
        (2, 2024, "Norra", 12, True),
        (3, 2024, "Hela kommunen", 40, True),
    ]
    assert preview[0].row.source == "Polisens lägesbild"  # from the form
    assert preview[1].row.source == "Socialtjänstens kartläggning"  # from the row
    page = response.content.decode()
    assert "Nya: 2." in page and 'name="payload"' in page
    assert NeedsCount.objects.count() == 0  # nothing until confirmed

    payload = response.context["confirm"].initial["payload"]
    confirmed = client.post(IMPORT_URL, {"payload": payload}, follow=True)
    assert confirmed.redirect_chain[-1][0] == NEEDS_URL
    stored = {
        (n.district_id, n.year): (n.count, n.source, n.imported_by_id)
        for n in NeedsCount.objects.all()
    }
    assert stored == {
        (world.district.pk, 2024): (12, "Polisens lägesbild", world.steering.pk),
        (None, 2024): (40, "Socialtjänstens kartläggning", world.steering.pk),
    }
    record = AuditRecord.objects.get(object_type="followup.needscount")
    assert record.actor_code == world.steering.code
    assert record.municipality_code == world.municipality.code
    assert record.detail["rows"] == 2 and record.detail["created"] == 2
    assert "Behovsinventeringen är inläst. Nya: 2, ersatta: 0" in confirmed.content.decode()


def test_a_reimport_replaces_and_the_preview_shows_old_and_new(world):
    NeedsCount.objects.create(
        municipality=world.municipality,
        district=world.district,
        year=2024,
        count=40,
        source="Gammal källa",
        imported_by=world.steering,
    )
    NeedsCount.objects.create(
        municipality=world.municipality,
        year=2024,
        count=90,
        source="Gammal källa",
        imported_by=world.steering,
    )
    client = staff_client(world.steering)
    response = upload(client, "år;stadsdel;antal\n2024;Norra;45\n2024;;90\n2023;;80\n")
    preview = {(p.row.district_id, p.row.year): p for p in response.context["preview"]}
    assert preview[(world.district.pk, 2024)].old == 40
    assert preview[(world.district.pk, 2024)].changes
    assert not preview[(None, 2024)].changes and not preview[(None, 2024)].adds
    assert preview[(None, 2023)].adds
    page = response.content.decode()
    assert "Ersätter 40 → 45" in page and "Oförändrad" in page
    assert "Nya: 1. Ersätter ett tidigare antal: 1. Oförändrade: 1." in page

    client.post(IMPORT_URL, {"payload": response.context["confirm"].initial["payload"]})
    assert NeedsCount.objects.count() == 3
    norra = NeedsCount.objects.get(district=world.district, year=2024)
    assert (norra.count, norra.source) == (45, "Polisens lägesbild")
    detail = AuditRecord.objects.get(object_type="followup.needscount").detail
    assert (detail["created"], detail["replaced"], detail["unchanged"]) == (1, 1, 1)


def test_a_tampered_payload_is_refused_and_nothing_is_imported(world):
    client = staff_client(world.steering)
    payload = upload(client, GOOD).context["confirm"].initial["payload"]
    value, stamp, signature = payload.rsplit(":", 2)
    forged = signing.dumps(
        {"m": str(world.municipality.code), "p": str(world.steering.code), "r": []},
        salt="something else",
    )
    for bad in (f"{value}x:{stamp}:{signature}", forged, "", "nonsense"):
        response = client.post(IMPORT_URL, {"payload": bad}, follow=True)
        assert response.redirect_chain[-1][0] == IMPORT_URL
        page = response.content.decode()
        assert "Ladda upp filen igen" in page
    assert NeedsCount.objects.count() == 0


def test_a_payload_older_than_an_hour_is_refused(world):
    client = staff_client(world.steering)
    payload = upload(client, GOOD).context["confirm"].initial["payload"]
    later = timezone.now().timestamp() + needs.SIGNED_FOR_SECONDS + 5
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(IMPORT_URL, {"payload": payload}, follow=True)
    assert "äldre än en timme" in response.content.decode()
    assert NeedsCount.objects.count() == 0
    client.post(IMPORT_URL, {"payload": payload})  # within the hour it still works
    assert NeedsCount.objects.count() == 2


def test_a_payload_signed_for_another_municipality_is_refused(world):
    own = staff_client(world.steering)
    payload = upload(own, GOOD).context["confirm"].initial["payload"]
    neighbour = make_person("styrgrupp.granne", world.outsider_org, Role.STEERING)
    response = staff_client(neighbour).post(IMPORT_URL, {"payload": payload}, follow=True)
    assert "gäller inte din kommun" in response.content.decode()
    assert NeedsCount.objects.count() == 0


def test_a_cp1252_file_with_semicolons_from_swedish_excel(world):
    District.objects.create(municipality=world.municipality, name="Östra Åby")
    data = "År;Stadsdel;Antal;Källa\r\n2024;östra åby;1 234;Socialtjänstens kartläggning\r\n"
    raw = data.replace("1 234", "1\xa0234").encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows, problems = needs.needs_parse(
        data=raw, municipality=world.municipality, default_source="x"
    )
    assert problems == []
    assert [(r.area, r.count, r.source) for r in rows] == [
        ("Östra Åby", 1234, "Socialtjänstens kartläggning")
    ]


def test_a_utf8_file_with_bom_and_commas(world):
    data = "\ufeffantal,år,stadsdel\n7,2022,Norra\n3,2022,\n".encode()
    rows, problems = needs.needs_parse(
        data=data, municipality=world.municipality, default_source="Polisen"
    )
    assert problems == []
    assert [(r.year, r.district_id, r.count) for r in rows] == [
        (2022, world.district.pk, 7),
        (2022, None, 3),
    ]


# --- coverage ---------------------------------------------------------------------------------


def _case(world: Any, n: int, district: District | None, start: date, end: date | None) -> Case:
    case = cases.case_create(
        actor=world.coordinator,
        first_name=f"Ung{n}",
        last_name="Testsson",
        reason="Misstänkt för brott.",
        date_of_birth=date(2008, 6, 1),
        sex="pojke",
        district=world.district,
    )
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.CLOSED if end else CaseState.ACTIVE,
        district=district,
        decided_on=start,
        started_on=start,
        closed_on=end,
    )
    return case


def _need(world: Any, year: int, count: int, district: District | None = None) -> NeedsCount:
    return NeedsCount.objects.create(
        municipality=world.municipality,
        district=district,
        year=year,
        count=count,
        source="Polisens lägesbild",
        imported_by=world.steering,
    )


@pytest.fixture
def youths(world: Any, sodra: District) -> None:
    """2023: Norra 6 active (one closed in March), Södra 2, 1 without district; not counted: one
    closed in 2022, one started in 2024."""
    n = iter(range(1, 100))
    for _i in range(5):
        _case(world, next(n), world.district, date(2022, 5, 1), None)
    _case(world, next(n), world.district, date(2022, 5, 1), date(2023, 3, 1))
    _case(world, next(n), world.district, date(2021, 1, 1), date(2022, 12, 31))  # before 2023
    _case(world, next(n), world.district, date(2024, 1, 1), None)  # after 2023
    for _i in range(2):
        _case(world, next(n), sodra, date(2023, 12, 31), None)
    _case(world, next(n), None, date(2023, 6, 1), None)


def _rows(coverage: Any) -> dict[tuple[str, int], Any]:
    return {(r.area, r.year): r for m in coverage.municipalities for r in m.rows}


def test_coverage_counts_the_youths_active_in_the_year_and_area(world, sodra, youths, settings):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 2
    _need(world, 2023, 30, world.district)
    _need(world, 2023, 8, sodra)
    _need(world, 2023, 200)
    _need(world, 2024, 50)
    with CaptureQueriesContext(connection) as queries:
        coverage = needs.needs_coverage(scope=Scope(world.municipality))
    rows = _rows(coverage)
    assert (rows[("Norra", 2023)].in_sig, rows[("Norra", 2023)].share) == ("6", "20 %")
    assert (rows[("Södra", 2023)].in_sig, rows[("Södra", 2023)].share) == ("2", "25 %")
    whole = rows[("Testkommun", 2023)]
    assert (whole.target, whole.in_sig, whole.share) == (200, "9", "5 %")  # 6 + 2 + 1: rounded
    # 2024: the 5 still active in Norra and the one started then, 2 in Södra, 1 without.
    assert (rows[("Testkommun", 2024)].in_sig, rows[("Testkommun", 2024)].share) == ("9", "18 %")
    assert whole.source == "Polisens lägesbild" and whole.imported_by == str(world.steering)
    assert len(queries) == 3  # the imported counts, youths per municipality, per district

    page = staff_client(world.steering).get(NEEDS_URL).content.decode()
    assert "20 %" in page and "Norra" in page and "Polisens lägesbild" in page
    assert "Läs in behovsinventering" in page


def test_the_number_of_queries_does_not_grow_with_the_rows(world, sodra, youths):
    for year in range(2015, 2025):
        _need(world, year, 30, world.district)
        _need(world, year, 30, sodra)
        _need(world, year, 100)
    with CaptureQueriesContext(connection) as queries:
        coverage = needs.needs_coverage(scope=Scope(world.municipality))
    assert len(_rows(coverage)) == 30
    assert len(queries) == 3


def test_small_counts_in_sig_are_hidden_and_show_no_share(world, sodra, youths):
    _need(world, 2023, 30, world.district)
    _need(world, 2023, 8, sodra)
    _need(world, 2023, 200)
    rows = _rows(needs.needs_coverage(scope=Scope(world.municipality)))
    # Södra has 2: hidden; Norra (6) is hidden too, or Södra = districts' total - Norra.
    assert (rows[("Södra", 2023)].in_sig, rows[("Södra", 2023)].share) == ("<5", "–")
    assert (rows[("Norra", 2023)].in_sig, rows[("Norra", 2023)].share) == ("x", "–")
    assert rows[("Testkommun", 2023)].in_sig == "9"


def test_the_whole_municipality_is_hidden_when_it_would_give_back_its_districts(world, sodra):
    _case(world, 1, world.district, date(2023, 1, 1), None)
    _case(world, 2, sodra, date(2023, 1, 1), None)
    for n in range(3, 9):
        _case(world, n, None, date(2023, 1, 1), None)
    _need(world, 2023, 30, world.district)
    _need(world, 2023, 30, sodra)
    _need(world, 2023, 100)
    rows = _rows(needs.needs_coverage(scope=Scope(world.municipality)))
    # The districts add up to 2: everything about them is hidden, and the municipality's 8
    # (which minus the youths without a district gives their sum) as well.
    assert rows[("Norra", 2023)].in_sig == "<5" and rows[("Södra", 2023)].in_sig == "<5"
    assert (rows[("Testkommun", 2023)].in_sig, rows[("Testkommun", 2023)].share) == ("x", "–")
    # Without district rows the municipality's count stands alone and is shown.
    NeedsCount.objects.exclude(district=None).delete()
    rows = _rows(needs.needs_coverage(scope=Scope(world.municipality)))
    assert (rows[("Testkommun", 2023)].in_sig, rows[("Testkommun", 2023)].share) == ("8", "8 %")


def test_a_district_only_inventory_shows_the_municipality_without_a_target(world, youths):
    _need(world, 2023, 30, world.district)
    rows = _rows(needs.needs_coverage(scope=Scope(world.municipality)))
    assert rows[("Testkommun", 2023)].target is None
    assert rows[("Testkommun", 2023)].share == "–"
    assert rows[("Norra", 2023)].in_sig == "6"


# --- who sees what ----------------------------------------------------------------------------


def test_another_municipalitys_steering_sees_nothing_of_this_one(world, youths):
    _need(world, 2023, 417, world.district)
    neighbour = make_person("styrgrupp.granne", world.outsider_org, Role.STEERING)
    client = staff_client(neighbour)
    response = client.get(NEEDS_URL, {"kommun": str(world.municipality.pk)})
    assert response.status_code == 200
    assert response.context["coverage"].municipalities == []
    page = response.content.decode()
    assert ">417<" not in page and "Testkommun" not in page
    # Importing names their own districts only: Norra is not one of theirs.
    imported = upload(client, "år;stadsdel;antal\n2023;Norra;5\n")
    assert problems_of(imported) == {(2, "stadsdel")}
    assert NeedsCount.objects.filter(municipality=world.other_municipality).count() == 0


@pytest.mark.parametrize("who", ["coordinator", "case_officer", "manager", "admin", "police"])
def test_other_staff_get_404(world, who):
    _need(world, 2023, 30)
    client = staff_client(getattr(world, who))
    assert client.get(NEEDS_URL).status_code == 404
    assert client.get(IMPORT_URL).status_code == 404
    assert upload(client, GOOD).status_code == 404
    assert NeedsCount.objects.count() == 1


def test_the_national_coordinator_reads_every_municipality_and_imports_nothing(world, youths):
    _need(world, 2023, 30, world.district)
    NeedsCount.objects.create(
        municipality=world.other_municipality,
        year=2023,
        count=77,
        source="Grannens statistik",
        imported_by=world.steering,
    )
    national = make_person("nationell", world.outsider_org, Role.NATIONAL)
    client = staff_client(national)
    response = client.get(NEEDS_URL)
    assert response.status_code == 200
    names = [m.municipality.name for m in response.context["coverage"].municipalities]
    assert names == ["Grannkommun", "Testkommun"]
    page = response.content.decode()
    assert "Grannens statistik" in page and ">77<" in page
    assert "Läs in behovsinventering" not in page
    one = client.get(NEEDS_URL, {"kommun": str(world.other_municipality.pk)})
    assert [m.municipality.name for m in one.context["coverage"].municipalities] == ["Grannkommun"]
    assert client.get(IMPORT_URL).status_code == 404
    assert upload(client, GOOD).status_code == 404
    assert NeedsCount.objects.count() == 2


def test_an_empty_inventory_says_so(world):
    page = staff_client(world.steering).get(NEEDS_URL).content.decode()
    assert "Ingen behovsinventering är inläst än" in page


def test_the_import_page_describes_the_file(world):
    page = staff_client(world.steering).get(IMPORT_URL).content.decode()
    for column in ("år", "stadsdel", "antal", "källa"):
        assert f"<strong>{column}</strong>" in page
    assert "Norra" in page  # the example names one of the municipality's own districts


# --- demo -------------------------------------------------------------------------------------


def test_the_demo_needs_inventory_imports_once(db):
    from samsyn.organisations.demo import seed_demo

    seed_demo()
    assert seed_needs() == 8
    assert seed_needs() == 0
    assert NeedsCount.objects.count() == 8
    assert AuditRecord.objects.filter(object_type="followup.needscount").count() == 2


def test_a_payload_signed_for_a_colleague_is_refused(world):
    payload = upload(staff_client(world.steering), GOOD).context["confirm"].initial["payload"]
    colleague = make_person("analytiker", world.owner_org, Role.STEERING)
    response = staff_client(colleague).post(IMPORT_URL, {"payload": payload}, follow=True)
    assert "gäller inte din kommun eller dig" in response.content.decode()
    assert NeedsCount.objects.count() == 0
