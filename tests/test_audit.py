"""The audit log: written on sign-in and change, tamper-evident, append-only, searchable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from samsyn.audit.models import Action, AuditRecord, AuditSeal
from samsyn.audit.services import audit_record, audit_seal, audit_verify
from tests.conftest import PASSWORD


def _make_records(world, n: int) -> list[AuditRecord]:
    return [
        audit_record(
            actor=world.admin, action=Action.READ, target=world.coordinator, detail={"n": i}
        )
        for i in range(n)
    ]


def _tamper(sql: str, params: list) -> None:
    """Change the log behind the application's back, as an attacker with SQL access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_auditrecord_append_only"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_auditrecord_append_only"
            )


def test_it_records_a_sign_in_with_request_id(client, world):
    client.post("/konto/logga-in/", {"username": "samordnare", "password": PASSWORD})
    record = AuditRecord.objects.filter(action=Action.SIGN_IN).get()
    assert record.actor_code == world.coordinator.code
    assert record.organisation_code == world.owner_org.code
    assert record.municipality_code == world.municipality.code
    assert len(record.request_id) == 32
    assert record.row_hash == record.compute_hash()


def test_it_records_a_failed_sign_in_without_the_password(client, world):
    client.post("/konto/logga-in/", {"username": "samordnare", "password": "wrong-password-123"})
    record = AuditRecord.objects.get(action=Action.SIGN_IN_FAILED)
    assert record.actor_username == "samordnare"
    assert record.object_code == str(world.coordinator.code)
    assert "wrong-password" not in str(record.detail)


def test_it_verifies_an_untouched_log(world):
    _make_records(world, 25)
    with override_settings(AUDIT_SEAL_BLOCK_SIZE=10):
        assert audit_seal(grace=timedelta(0)) == 3
    _make_records(world, 3)  # unsealed tail
    result = audit_verify()
    assert result.ok, result
    assert result.blocks_checked == 3
    assert result.unsealed == 3
    call_command("audit_verify")


def test_it_names_a_changed_record_in_an_unsealed_tail(world):
    records = _make_records(world, 5)
    _tamper("UPDATE audit_auditrecord SET basis = %s WHERE id = %s", ["forged", records[2].id])
    result = audit_verify()
    assert not result.ok
    assert result.broken_record_id == records[2].id
    with pytest.raises(CommandError, match=f"record {records[2].id}"):
        call_command("audit_verify")


def test_it_names_a_changed_record_even_when_its_hash_was_recomputed(world):
    records = _make_records(world, 12)
    with override_settings(AUDIT_SEAL_BLOCK_SIZE=5):
        audit_seal(grace=timedelta(0))
    victim = records[7]
    victim.basis = "forged"
    forged_hash = victim.compute_hash()
    _tamper(
        "UPDATE audit_auditrecord SET basis = %s, row_hash = %s WHERE id = %s",
        ["forged", forged_hash, victim.id],
    )
    result = audit_verify()
    assert not result.ok
    assert result.broken_record_id == victim.id
    assert result.broken_seal_number == 2


def test_it_names_a_deleted_record(world):
    records = _make_records(world, 6)
    audit_seal(grace=timedelta(0))
    _tamper("DELETE FROM audit_auditrecord WHERE id = %s", [records[3].id])
    result = audit_verify()
    assert not result.ok
    assert result.broken_record_id == records[3].id
    assert "deleted" in result.reason


def test_it_notices_a_removed_seal(world):
    _make_records(world, 6)
    with override_settings(AUDIT_SEAL_BLOCK_SIZE=2):
        audit_seal(grace=timedelta(0))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditseal DISABLE TRIGGER audit_auditseal_append_only"
            )
        cursor.execute("DELETE FROM audit_auditseal WHERE number = 2")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditseal ENABLE TRIGGER audit_auditseal_append_only")
    assert not audit_verify().ok


def test_it_leaves_records_inside_the_grace_period_unsealed(world):
    _make_records(world, 3)
    assert audit_seal(grace=timedelta(minutes=5)) == 0
    assert AuditSeal.objects.count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database trigger exists on PostgreSQL"
)
def test_it_refuses_update_and_delete_in_the_database(world):
    record = _make_records(world, 1)[0]
    for sql in (
        "UPDATE audit_auditrecord SET basis = 'x' WHERE id = %s",
        "DELETE FROM audit_auditrecord WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [record.id])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).update(basis="x")


def test_the_search_page_finds_what_a_person_did_and_what_was_done_to_them(world, login):
    audit_record(actor=world.coordinator, action=Action.READ, target=world.police)
    audit_record(
        actor=world.case_officer,
        action=Action.UPDATE,
        target=world.coordinator,
        subject_code=world.coordinator.code,
    )
    audit_record(actor=world.police, action=Action.READ, target=world.police)
    client = login(world.admin)
    response = client.get("/granskningslogg/", {"person": "samordnare"})
    assert response.status_code == 200
    rows = [row[0] for row in response.context["rows"]]
    assert {r.actor_username for r in rows} >= {"samordnare", "handlaggare"}
    assert "polis" not in {
        r.actor_username
        for r in rows
        if r.action == Action.READ and r.actor_code == world.police.code
    }
    # The search itself is logged, with codes rather than the typed text.
    search = AuditRecord.objects.filter(action=Action.SEARCH).latest("id")
    assert search.actor_code == world.admin.code
    assert str(world.coordinator.code) in search.detail["people"]


def test_the_search_page_filters_by_period_and_case(world, login):
    import uuid

    case = uuid.uuid4()
    audit_record(actor=world.coordinator, action=Action.READ, target=world.police, case_code=case)
    audit_record(actor=world.coordinator, action=Action.READ, target=world.police)
    client = login(world.admin)
    response = client.get("/granskningslogg/", {"case": str(case)})
    assert [r[0].case_code for r in response.context["rows"]] == [case]
    response = client.get("/granskningslogg/", {"date_from": "2001-01-01", "date_to": "2001-12-31"})
    assert response.context["rows"] == []


def test_the_search_page_explains_bad_input_in_swedish(world, login):
    client = login(world.admin)
    response = client.get(
        "/granskningslogg/",
        {"case": "not-a-code", "date_from": "2026-02-01", "date_to": "2026-01-01"},
    )
    body = response.content.decode()
    assert "Ärendekoden ska se ut som" in body
    assert "Slutdatum kan inte vara före startdatum" in body


def test_an_administrator_of_another_municipality_sees_none_of_our_log(world, login):
    audit_record(actor=world.coordinator, action=Action.READ, target=world.police)
    client = login(world.outsider_admin)
    response = client.get("/granskningslogg/", {"person": ""})
    assert response.status_code == 200
    assert all(
        r[0].municipality_code == world.other_municipality.code for r in response.context["rows"]
    )
    assert "samordnare" not in [r[0].actor_username for r in response.context["rows"]]


@pytest.mark.parametrize("who", ["coordinator", "police", "steering", "manager", "outsider"])
def test_the_search_page_is_not_found_for_non_administrators(world, login, who):
    client = login(getattr(world, who))
    assert client.get("/granskningslogg/").status_code == 404


def test_the_search_page_sends_anonymous_visitors_to_login(client, world):
    response = client.get("/granskningslogg/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/")


def test_the_search_page_costs_a_fixed_number_of_queries(
    world, login, django_assert_max_num_queries
):
    client = login(world.admin)
    _make_records(world, 3)
    with django_assert_max_num_queries(20) as small:
        client.get("/granskningslogg/", {"person": "admin"})
    _make_records(world, 60)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/granskningslogg/", {"person": "admin"})


def test_htmx_gets_only_the_results_fragment(world, login):
    audit_record(actor=world.coordinator, action=Action.READ, target=world.police)
    client = login(world.admin)
    response = client.get(
        "/granskningslogg/", {"person": "samordnare"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body
    assert "samordnare" in body


def test_a_search_without_hits_says_so(world, login):
    client = login(world.admin)
    response = client.get("/granskningslogg/", {"person": "finns-inte-alls"})
    body = response.content.decode()
    assert "0 händelser" in body
    assert "Fyll i minst ett fält" not in body


def _csv(response) -> list[list[str]]:
    import csv
    import io

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_search_can_be_exported_as_csv_for_excel(world, login):
    audit_record(actor=world.coordinator, action=Action.READ, target=world.police)
    audit_record(actor=world.outsider, action=Action.READ, target=world.outsider)
    client = login(world.admin)
    response = client.get("/granskningslogg/export.csv", {"person": "samordnare"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "granskningslogg-" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:4] == ["Tidpunkt", "Användarnamn", "Organisation", "Händelse"]
    assert [r[1] for r in rows[1:]] == ["samordnare"]
    assert rows[1][2] == "Socialtjänsten Norra"
    export = AuditRecord.objects.filter(action=Action.EXPORT).get()
    assert export.actor_code == world.admin.code


def test_the_export_holds_only_the_administrators_municipality(world, login):
    audit_record(actor=world.coordinator, action=Action.READ, target=world.police)
    rows = _csv(login(world.outsider_admin).get("/granskningslogg/export.csv"))
    assert "samordnare" not in {r[1] for r in rows[1:]}


def test_the_export_refuses_bad_input_in_swedish(world, login):
    response = login(world.admin).get("/granskningslogg/export.csv", {"case": "nonsense"})
    assert response.status_code == 400
    assert "Ärendekoden ska se ut som" in response.content.decode()
    assert not AuditRecord.objects.filter(action=Action.EXPORT).exists()


def test_the_search_page_shows_how_far_the_log_is_sealed(world, login):
    _make_records(world, 4)
    audit_seal(grace=timedelta(0))
    _make_records(world, 2)
    body = login(world.admin).get("/granskningslogg/").content.decode()
    assert "Loggen är förseglad till och med block 1" in body
    assert "väntar på försegling" in body
