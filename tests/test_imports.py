"""Imports of youths, referrals and historic cases from CSV and Excel (issue 9): every problem
listed with its line and column and nothing imported; a clean file imported in one transaction,
or nothing when something changed since the preview or a row fails midway."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from samsyn.audit.models import AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import (
    Case,
    CaseState,
    CaseTransition,
    Closure,
    FollowUp,
    OutcomeCount,
    Referral,
    Youth,
)
from samsyn.imports import checks
from samsyn.lib.personnummer import luhn_ok
from samsyn.organisations.models import Role
from tests.conftest import make_person, staff_client

REFERRALS_URL = reverse("imports:upload", kwargs={"kind": "aktualiseringar"})
YOUTHS_URL = reverse("imports:upload", kwargs={"kind": "ungdomar"})
HISTORIC_URL = reverse("imports:upload", kwargs={"kind": "historik"})
REFERRED_ON = date(2025, 1, 15)


def number(born: date, serial: int) -> str:
    """A valid personnummer (right check digit) for a birth date and a serial 0-999."""
    digits = f"{born:%y%m%d}{serial:03d}"
    check = next(c for c in range(10) if luhn_ok(f"{digits}{c}"))
    return f"{born:%Y%m%d}-{serial:03d}{check}"


def wrong_check_digit(valid: str) -> str:
    return valid[:-1] + str((int(valid[-1]) + 1) % 10)


HEADER = [
    "personnummer",
    "förnamn",
    "efternamn",
    "kön",
    "stadsdel",
    "aktualiseringsdatum",
    "aktualiserad av",
    "från organisation",
    "skäl",
]


def referral_rows(n: int) -> list[dict[str, Any]]:
    """n valid referral rows: youths aged 14-15 at the referral, in Norra, from the police."""
    rows = []
    for i in range(n):
        born = date(2010, 1, 1) + timedelta(days=i % 300)
        rows.append(
            {
                "personnummer": number(born, 100 + i // 300),
                "förnamn": f"Ung{i}",
                "efternamn": "Testsson",
                "kön": "pojke" if i % 2 else "Flicka",
                "stadsdel": "norra" if i % 3 else "",
                "aktualiseringsdatum": REFERRED_ON,
                "aktualiserad av": "polisen",
                "från organisation": "Polisen Testkommun" if i % 5 == 0 else "",
                "skäl": "Misstänkt för rån tillsammans med äldre.",
            }
        )
    return rows


def as_csv(header: list[str], rows: list[dict[str, Any]]) -> bytes:
    lines = [";".join(header)]
    for row in rows:
        lines.append(";".join(str(row.get(h, "")) for h in header))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def as_xlsx(header: list[str], rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h, "") for h in header])  # dates stay date cells
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: Any, url: str, data: bytes, name: str, owner: Any = None) -> Any:
    fields: dict[str, Any] = {"file": SimpleUploadedFile(name, data)}
    if owner is not None:
        fields["owner"] = str(owner.code)
    return client.post(url, fields)


def problems_of(response: Any) -> set[tuple[int | None, str]]:
    return {(p.line, p.column) for p in response.context["problems"]}


def counts() -> tuple[int, ...]:
    return (
        Youth.objects.count(),
        Case.objects.count(),
        Referral.objects.count(),
        CaseTransition.objects.count(),
        AuditRecord.objects.filter(object_type__startswith="imports.").count(),
    )


@pytest.fixture
def known(world: Any) -> dict[str, Any]:
    """Two youths already in samsyn: one with an open case, one whose case was declined."""
    open_case = cases.case_create(
        actor=world.coordinator,
        first_name="Öppen",
        last_name="Ärendesson",
        personnummer=number(date(2010, 6, 1), 555),
        reason="Aktualiserad tidigare.",
    )
    ended = cases.case_create(
        actor=world.coordinator,
        first_name="Avböjd",
        last_name="Tidigare",
        personnummer=number(date(2010, 7, 1), 556),
        reason="Aktualiserad tidigare.",
    )
    cases.case_transition(
        actor=world.coordinator, case=ended, to_state=CaseState.DECLINED, reason="Tackade nej."
    )
    registered = Youth.objects.create(
        municipality=world.municipality,
        first_name="Registrerad",
        last_name="Förut",
        personnummer=number(date(2010, 8, 1), 557).replace("-", ""),
        date_of_birth=date(2010, 8, 1),
    )
    return {"open": open_case.youth, "ended": ended.youth, "registered": registered}


def broken_and_fixed(world: Any, known: dict[str, Any]) -> tuple[list[dict], list[dict], set]:
    """1 000 rows with errors of seven kinds (and some variants), the same rows corrected, and
    the (line, column) of every error. Line = index + 2 (the header is line 1)."""
    fixed = referral_rows(1000)
    fixed[42]["personnummer"] = known["ended"].personnummer  # reused youth: not an error
    fixed[42]["förnamn"], fixed[42]["efternamn"] = "avböjd", "TIDIGARE"
    broken = [dict(r) for r in fixed]
    expected: set[tuple[int | None, str]] = set()

    def spoil(i: int, column: str, value: Any, reported: str | None = None) -> None:
        broken[i][column] = value
        expected.add((i + 2, reported or column))

    tomorrow = timezone.localdate() + timedelta(days=1)
    # 1. a required value missing
    for i in (3, 500):
        spoil(i, "skäl", "")
    spoil(777, "förnamn", "  ")
    # 2. a personnummer with a wrong check digit, or not a personnummer at all
    for i in (10, 610):
        spoil(i, "personnummer", wrong_check_digit(fixed[i]["personnummer"]))
    spoil(611, "personnummer", "hej")
    # 3. a date that does not exist, or in the future
    spoil(20, "aktualiseringsdatum", "2024-13-01")
    spoil(620, "aktualiseringsdatum", tomorrow)
    # 4. an unknown district or referring organisation
    spoil(30, "stadsdel", "Västra")
    spoil(630, "från organisation", "Polisen Grannkommun")
    # 5. a value that is not among the allowed choices
    spoil(40, "kön", "robot")
    spoil(640, "aktualiserad av", "grannen")
    # 6. the same youth twice in the file
    spoil(50, "personnummer", fixed[49]["personnummer"])
    spoil(950, "personnummer", fixed[900]["personnummer"])
    # 7. a conflict with samsyn: an open case, or the personnummer under another name
    spoil(60, "personnummer", known["open"].personnummer)
    broken[60]["förnamn"], broken[60]["efternamn"] = "Öppen", "Ärendesson"
    spoil(660, "personnummer", known["registered"].personnummer)  # "Ung660": another name
    # 8. outside the local target ages (13-20) without a reason
    spoil(70, "personnummer", number(date(1999, 2, 2), 123), reported="skäl utanför åldern")
    return broken, fixed, expected


# --- 1 000 rows, seven kinds of error ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_thousand_rows_with_seven_kinds_of_error_are_all_reported_and_nothing_imported(
    world, known, fmt
):
    broken, _fixed, expected = broken_and_fixed(world, known)
    header = [*HEADER, "skäl utanför åldern"]
    data = as_csv(header, broken) if fmt == "csv" else as_xlsx(header, broken)
    before = counts()
    response = upload(staff_client(world.admin), REFERRALS_URL, data, f"f.{fmt}", world.owner_org)
    assert response.status_code == 200
    assert "checked" not in response.context
    assert problems_of(response) == expected
    reasons = {(p.line, p.column): p.reason for p in response.context["problems"]}
    assert "saknas" in reasons[(5, "skäl")]
    assert "kontrollsiffran" in reasons[(12, "personnummer")]
    assert "ÅÅÅÅ-MM-DD" in reasons[(22, "aktualiseringsdatum")]
    assert "framtiden" in reasons[(622, "aktualiseringsdatum")]
    assert "Västra" in reasons[(32, "stadsdel")] and "Norra" in reasons[(32, "stadsdel")]
    assert "robot" in reasons[(42, "kön")]
    assert "rad 51" in reasons[(52, "personnummer")]
    assert "öppet ärende" in reasons[(62, "personnummer")]
    assert "annat namn" in reasons[(662, "personnummer")]
    assert "13–20" in reasons[(72, "skäl utanför åldern")]
    page = response.content.decode()
    assert f"Filen har {len(expected)} fel. Inget har lästs in." in page
    assert counts() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_corrected_file_imports_every_row_in_one_transaction(world, known, fmt):
    _broken, fixed, _expected = broken_and_fixed(world, known)
    data = as_csv(HEADER, fixed) if fmt == "csv" else as_xlsx(HEADER, fixed)
    client = staff_client(world.admin)
    before = counts()
    response = upload(client, REFERRALS_URL, data, f"f.{fmt}", world.owner_org)
    checked = response.context["checked"]
    assert (len(checked.rows), checked.new_youths, checked.known_youths, checked.cases) == (
        1000,
        999,
        1,
        1000,
    )
    assert counts() == before  # the preview writes nothing
    payload = response.context["confirm"].initial["payload"]
    response = client.post(REFERRALS_URL, {"payload": payload}, follow=True)
    assert "Nya ungdomar: 999, ungdomar som redan fanns: 1, nya ärenden: 1000." in (
        response.content.decode()
    )
    assert counts() == (
        before[0] + 999,
        before[1] + 1000,
        before[2] + 1000,
        before[3] + 1000,
        before[4] + 1,
    )
    imported = Case.objects.filter(referrals__kind="polis").exclude(youth__in=known.values())
    assert imported.count() == 999
    assert set(imported.values_list("state", "owner", "coordinator", "opened_on").distinct()) == {
        (CaseState.REFERRED, world.owner_org.pk, None, REFERRED_ON)
    }
    assert not imported.filter(members__isnull=False).exists()  # incoming, nobody has taken it
    reused = Case.objects.get(youth=known["ended"], state=CaseState.REFERRED)
    assert reused.referrals.get().age_at_referral == 14
    row_five = Youth.objects.get(first_name="Ung5")
    assert (row_five.sex, row_five.district) == ("pojke", world.district)
    assert Referral.objects.get(case__youth__first_name="Ung1").source_organisation is None
    assert Referral.objects.get(case__youth__first_name="Ung0").source_organisation == (
        world.recipient_org
    )
    record = AuditRecord.objects.get(object_type="imports.aktualiseringar")
    assert record.detail == {
        "import": "aktualiseringar",
        "rows": 1000,
        "youths_created": 999,
        "youths_known": 1,
        "cases_created": 1000,
        "owner": str(world.owner_org.code),
    }
    # The same file again: every youth now has an open case.
    response = upload(client, REFERRALS_URL, data, f"f.{fmt}", world.owner_org)
    assert len(response.context["problems"]) == 1000


def test_a_failure_midway_leaves_nothing(world, known):
    _broken, fixed, _expected = broken_and_fixed(world, known)
    client = staff_client(world.coordinator)
    response = upload(client, REFERRALS_URL, as_csv(HEADER, fixed), "f.csv", world.owner_org)
    payload = response.context["confirm"].initial["payload"]
    before = counts()
    from samsyn.imports import services

    real = services._case
    calls = {"n": 0}

    def fail_at_500(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 500:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    with (
        mock.patch.object(services, "_case", side_effect=fail_at_500),
        pytest.raises(RuntimeError),
    ):
        client.post(REFERRALS_URL, {"payload": payload})
    assert calls["n"] == 500
    assert counts() == before


def test_something_changed_since_the_preview_imports_nothing(world, known):
    rows = referral_rows(5)
    client = staff_client(world.coordinator)
    response = upload(client, REFERRALS_URL, as_csv(HEADER, rows), "f.csv", world.owner_org)
    payload = response.context["confirm"].initial["payload"]
    cases.case_create(
        actor=world.coordinator,
        first_name="Ung3",
        last_name="Testsson",
        personnummer=rows[3]["personnummer"],
        reason="Hann före.",
    )
    before = counts()
    response = client.post(REFERRALS_URL, {"payload": payload})
    assert response.status_code == 200
    assert problems_of(response) == {(5, "personnummer")}
    assert "Något har ändrats" in response.content.decode()
    assert counts() == before


def test_a_payload_for_another_kind_or_person_is_refused(world):
    rows = referral_rows(2)
    client = staff_client(world.coordinator)
    response = upload(client, REFERRALS_URL, as_csv(HEADER, rows), "f.csv", world.owner_org)
    payload = response.context["confirm"].initial["payload"]
    before = counts()
    response = client.post(HISTORIC_URL, {"payload": payload}, follow=True)
    assert "gäller inte din kommun" in response.content.decode()
    response = staff_client(world.admin).post(REFERRALS_URL, {"payload": payload}, follow=True)
    assert "gäller inte din kommun" in response.content.decode()
    response = client.post(REFERRALS_URL, {"payload": payload[:-3] + "abc"}, follow=True)
    assert "har ändrats" in response.content.decode()
    assert counts() == before


# --- the file as a whole ----------------------------------------------------------------------


def test_missing_columns_are_reported_once_on_the_header(world):
    data = "personnummer;förnamn;skäl\n20100101-1234;A;B\n20100101-1234;A;B\n".encode()
    response = upload(staff_client(world.admin), REFERRALS_URL, data, "f.csv", world.owner_org)
    assert problems_of(response) == {
        (1, "efternamn"),
        (1, "aktualiseringsdatum"),
        (1, "aktualiserad av"),
    }


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xef\xbb\xbf\r\n", "tom"),
        (";".join(HEADER).encode() + b"\n;;;\n", "inga rader"),
        (b"x" * (checks.MAX_BYTES + 1), "5 MB"),
        (b"PK\x03\x04 not really a workbook", "Excel"),
        (b"\x81\x8d;\x8f\n", "läsa"),  # neither UTF-8 nor Windows-1252
    ],
)
def test_problems_with_the_file_as_a_whole(world, data, words):
    response = upload(staff_client(world.admin), YOUTHS_URL, data, "f.csv")
    problems = response.context["problems"]
    assert [(p.line, p.column) for p in problems] == [(None, "")]
    assert words in problems[0].reason


def test_more_rows_than_allowed_is_refused_with_a_message(world):
    with mock.patch.object(checks, "MAX_ROWS", 10):
        rows = referral_rows(12)
        response = upload(
            staff_client(world.admin), REFERRALS_URL, as_csv(HEADER, rows), "f.csv", world.owner_org
        )
    assert (12, "") in problems_of(response)
    assert "fler än 10 rader" in response.content.decode()
    assert Case.objects.count() == 0


def test_the_template_has_every_column(world):
    response = staff_client(world.coordinator).get(
        reverse("imports:template", kwargs={"kind": "historik"})
    )
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    header = text.strip().split(";")
    assert header == [c.header for c in checks.KINDS["historik"].columns]
    assert "polisanmälningar före" in header and "avslutsskäl" in header


# --- youths and historic cases ----------------------------------------------------------------

YOUTH_HEADER = ["Personnummer", "Förnamn", "Efternamn", "Kön", "Stadsdel", "Adress", "Telefon"]


def test_youths_are_imported_and_the_same_youth_again_is_skipped(world, known):
    rows = [
        {
            "Personnummer": number(date(2011, 3, 3), 200 + i),
            "Förnamn": f"Ny{i}",
            "Efternamn": "Ungdom",
            "Kön": "flicka",
            "Stadsdel": "Norra",
            "Adress": "Storgatan 1",
            "Telefon": "070-1",
        }
        for i in range(3)
    ]
    rows.append(
        {
            "Personnummer": known["ended"].personnummer,
            "Förnamn": "Avböjd",
            "Efternamn": "Tidigare",
        }
    )
    client = staff_client(world.coordinator)
    response = upload(client, YOUTHS_URL, as_csv(YOUTH_HEADER, rows), "u.csv")
    checked = response.context["checked"]
    assert (checked.new_youths, checked.known_youths, checked.cases) == (3, 1, 0)
    before = Youth.objects.count()
    client.post(YOUTHS_URL, {"payload": response.context["confirm"].initial["payload"]})
    assert Youth.objects.count() == before + 3
    youth = Youth.objects.get(first_name="Ny1")
    assert (youth.district, youth.address, youth.sex) == (world.district, "Storgatan 1", "flicka")
    assert not Case.objects.filter(youth=youth).exists()
    assert AuditRecord.objects.filter(object_type="cases.youth", object_code=str(youth.code))
    response = upload(client, YOUTHS_URL, as_csv(YOUTH_HEADER, rows), "u.csv")
    assert response.context["checked"].new_youths == 0


HISTORIC_HEADER = [
    *HEADER,
    "beslutsdatum",
    "startdatum",
    "avslutsdatum",
    "avslutsskäl",
    "polisanmälningar före",
    "polisanmälningar efter",
]


def historic_rows() -> list[dict[str, Any]]:
    rows = referral_rows(3)
    for row in rows:
        row.update(
            {
                "aktualiseringsdatum": "2023-01-10",
                "beslutsdatum": "2023-02-01",
                "startdatum": "2023-02-15",
                "avslutsdatum": "2024-01-31",
                "avslutsskäl": "Mål uppfyllda",
                "polisanmälningar före": "4",
                "polisanmälningar efter": "1",
            }
        )
    rows[2].update({"beslutsdatum": "", "startdatum": "", "avslutsskäl": "flyttat"})
    rows[2]["polisanmälningar före"] = ""
    return rows


def test_historic_cases_with_problems_in_dates_and_counts(world):
    rows = historic_rows()
    rows[0]["avslutsdatum"] = "2023-02-10"  # before the start
    rows[1]["polisanmälningar efter"] = "-1"
    rows[2]["avslutsskäl"] = "tröttnade"
    client = staff_client(world.admin)
    response = upload(client, HISTORIC_URL, as_csv(HISTORIC_HEADER, rows), "h.csv", world.owner_org)
    assert problems_of(response) == {
        (2, "avslutsdatum"),
        (3, "polisanmälningar efter"),
        (4, "avslutsskäl"),
    }
    assert Case.objects.count() == 0


def test_historic_cases_are_closed_with_their_dates_and_counts(world):
    client = staff_client(world.admin)
    data = as_csv(HISTORIC_HEADER, historic_rows())
    response = upload(client, HISTORIC_URL, data, "h.csv", world.owner_org)
    client.post(HISTORIC_URL, {"payload": response.context["confirm"].initial["payload"]})
    case = Case.objects.get(youth__first_name="Ung0")
    assert (case.state, case.opened_on, case.decided_on, case.started_on, case.closed_on) == (
        CaseState.CLOSED,
        date(2023, 1, 10),
        date(2023, 2, 1),
        date(2023, 2, 15),
        date(2024, 1, 31),
    )
    assert list(case.casetransitions.values_list("from_state", "to_state")) == [
        ("", CaseState.REFERRED),
        (CaseState.REFERRED, CaseState.CLOSED),
    ]
    assert Closure.objects.get(case=case).reason == "mal_uppfyllda"
    assert sorted(
        OutcomeCount.objects.filter(case=case).values_list("period", "count", "category__slug")
    ) == [("efter", 1, "polis"), ("fore", 4, "polis")]
    assert not FollowUp.objects.exists()
    moved = Case.objects.get(youth__first_name="Ung2")
    assert (moved.started_on, Closure.objects.get(case=moved).reason) == (None, "flyttat")
    # The same file again: already imported.
    response = upload(client, HISTORIC_URL, data, "h.csv", world.owner_org)
    assert {c for _l, c in problems_of(response)} == {"aktualiseringsdatum"}


# --- who may import ---------------------------------------------------------------------------


def test_people_who_may_not_import_get_404(world):
    steering_coordinator_elsewhere = make_person(
        "samordnare.polis", world.recipient_org, Role.COORDINATOR
    )
    urls = [
        reverse("imports:index"),
        YOUTHS_URL,
        REFERRALS_URL,
        reverse("imports:template", kwargs={"kind": "ungdomar"}),
    ]
    for person in (
        world.police,
        world.case_officer,
        world.manager,
        world.steering,
        steering_coordinator_elsewhere,
    ):
        client = staff_client(person)
        for url in urls:
            assert client.get(url).status_code == 404, (person, url)
        data = as_csv(HEADER, referral_rows(2))
        assert upload(client, REFERRALS_URL, data, "f.csv", world.owner_org).status_code == 404
    assert staff_client(world.admin).get("/import/okand/").status_code == 404
    assert Case.objects.count() == 0


def test_a_coordinator_imports_only_for_their_own_organisation(world):
    from samsyn.organisations.models import Organisation, OrganisationKind

    other = Organisation.objects.create(
        municipality=world.municipality, kind=OrganisationKind.SOCIAL_SERVICES, name="Soc Södra"
    )
    data = as_csv(HEADER, referral_rows(2))
    response = upload(staff_client(world.coordinator), REFERRALS_URL, data, "f.csv", other)
    assert "owner" in response.context["form"].errors
    response = upload(staff_client(world.admin), REFERRALS_URL, data, "f.csv", other)
    assert "checked" in response.context


def test_a_neighbouring_administrator_imports_into_their_own_municipality(world):
    client = staff_client(world.outsider_admin)
    rows = [{"personnummer": number(date(2011, 1, 1), 300), "förnamn": "A", "efternamn": "B"}]
    response = upload(
        client, YOUTHS_URL, as_csv(["personnummer", "förnamn", "efternamn"], rows), "u.csv"
    )
    client.post(YOUTHS_URL, {"payload": response.context["confirm"].initial["payload"]})
    assert Youth.objects.get(first_name="A").municipality == world.other_municipality


def test_the_import_costs_a_fixed_number_of_queries_per_row(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samsyn.imports import services
    from samsyn.lib import tabular

    rows = referral_rows(30)
    cost = []
    for chunk in (rows[:10], rows[10:30]):
        table = tabular.read_table(as_csv(HEADER, chunk), max_bytes=10**6, max_rows=100)
        records = checks.records_of(checks.KINDS["aktualiseringar"], table.header, table.rows)
        with CaptureQueriesContext(connection) as queries:
            services.import_run(
                actor=world.admin,
                kind="aktualiseringar",
                municipality=world.municipality,
                owner=world.owner_org,
                records=records,
            )
        cost.append(len(queries.captured_queries))
    per_row = (cost[1] - cost[0]) / 10
    # Youth, case, referral, transition, three audit records (with their savepoints): no
    # query per row to look anything up; the lookups are per file.
    assert per_row <= 12
    assert cost[0] - 10 * per_row < 25
