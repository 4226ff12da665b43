"""Backup and restore (issue 11): `manage.py backup`, `manage.py restore_check`.

Each test makes real data through the services, backs it up and restores it into a fresh,
empty database of the same kind as the suite's: a second PostgreSQL database
(`<test database>_restore`) in CI, a SQLite file locally. The tests are transactional: pg_dump
reads from its own connection and sees only committed data.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from samsyn.audit.models import Action, AuditRecord, AuditSeal
from samsyn.audit.services import audit_record, audit_seal
from samsyn.core import backup
from samsyn.core.backup import (
    BackupError,
    RestoreCheck,
    backup_compare,
    backup_restore,
    backup_restore_check,
    libpq_env,
    libpq_params,
    manifest_load,
    manifest_signature,
    target_parse,
)
from samsyn.organisations.models import Municipality
from tests.conftest import give_consent

pytestmark = pytest.mark.django_db(transaction=True)

on_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="needs PostgreSQL (DATABASE_URL=postgres://...): pg_dump, snapshots, passwords",
)


def _postgres_url(name: str) -> str:
    settings_dict = connection.settings_dict
    auth = quote(settings_dict["USER"] or "")
    if settings_dict["PASSWORD"]:
        auth += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict["HOST"] or ""
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{name}"


def _admin_sql(statement: str) -> None:
    """Run CREATE/DROP DATABASE from the maintenance database."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    params = {**libpq_params(connection.settings_dict), "dbname": "postgres"}
    with psycopg.connect(make_conninfo("", **params), autocommit=True) as admin:
        admin.execute(statement)


@pytest.fixture
def restore_target(tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the suite's kind, as a DATABASE_URL; dropped afterwards."""
    if connection.vendor == "postgresql":
        name = f"{connection.settings_dict['NAME']}_restore"
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin_sql(f'CREATE DATABASE "{name}"')
        yield _postgres_url(name)
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


@pytest.fixture
def data(sig: Any, settings: Any, tmp_path: Path) -> Any:
    """A case with an oral and a scanned written consent; the log sealed, then a bit more."""
    from samsyn.consent import services as consents
    from samsyn.consent.models import ConsentForm, DataCategory, GiverRole

    settings.MEDIA_ROOT = tmp_path / "media"
    give_consent(sig, "skola")
    consents.consent_record(
        actor=sig.world.coordinator,
        case=sig.case,
        categories=[DataCategory.objects.get(slug="socialtjanst")],
        recipients=[sig.world.recipient_org],
        givers=[
            consents.Giver(GiverRole.YOUTH),
            consents.Giver(GiverRole.GUARDIAN, sig.mother),
            consents.Giver(GiverRole.GUARDIAN, sig.father),
        ],
        form=ConsentForm.WRITTEN,
        document=SimpleUploadedFile("samtycke.pdf", b"%PDF-1.4 underskrivet", "application/pdf"),
        given_on=timezone.localdate(),
    )
    assert audit_seal(grace=timedelta(0)) >= 1
    give_consent(sig, "fritid")  # records after the last seal: unsealed in the backup
    return sig


def _backup(tmp_path: Path) -> Path:
    out = StringIO()
    call_command("backup", out=tmp_path / "backups", stdout=out)
    manifest = Path(out.getvalue().strip().splitlines()[-1].removeprefix("Backup written: "))
    assert manifest.is_file()
    return manifest


def _live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _edit_manifest(manifest: Path, change: Any, *, sign: bool = True) -> None:
    """Change a manifest; signed again (as someone holding SECRET_KEY could) unless `sign` is
    false, so that the check behind the signature is tested too."""
    data = json.loads(manifest.read_text())
    change(data)
    if sign:
        data["signature"] = manifest_signature(data)
    manifest.write_text(json.dumps(data))


def _tamper_restored_audit(url: str) -> int:
    """Change one sealed audit record in the restored database, as someone with SQL access."""
    record_id = AuditRecord.objects.order_by("id").values_list("id", flat=True).first()
    target = target_parse(url)
    if target.vendor == "postgresql":
        import psycopg
        from psycopg.conninfo import make_conninfo

        conninfo = make_conninfo("", **libpq_params(target.settings_dict))
        with psycopg.connect(conninfo, autocommit=True) as restored:
            restored.execute(
                "ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_auditrecord_append_only"
            )
            restored.execute(
                "UPDATE audit_auditrecord SET basis = 'ändrad i efterhand' WHERE id = %s",
                [record_id],
            )
    else:
        with sqlite3.connect(target.settings_dict["NAME"]) as restored_file:
            restored_file.execute(
                "UPDATE audit_auditrecord SET basis = 'ändrad i efterhand' WHERE id = ?",
                [record_id],
            )
        restored_file.close()
    assert record_id is not None
    return record_id


# --- the whole round trip ----------------------------------------------------------------------


def test_it_backs_up_and_restores_with_the_same_counts_and_audit_chain(
    data, tmp_path, restore_target
):
    manifest_path = _backup(tmp_path)
    manifest = json.loads(manifest_path.read_text())

    assert manifest["database"]["vendor"] == connection.vendor
    # Every table of the database, with its exact count.
    assert manifest["tables"] == _live_counts()
    assert manifest["tables"]["consent_consent"] == 3
    assert manifest["migrations"]["audit"] == "0004_actor_username_upper"
    last_seal = AuditSeal.objects.order_by("-number")[0]
    assert manifest["audit"]["last_seal_hash"] == last_seal.seal_hash
    assert manifest["audit"]["last_seal_number"] == last_seal.number
    assert manifest["audit"]["max_record_id"] == AuditRecord.objects.order_by("-id")[0].id
    assert manifest["audit"]["unsealed"] > 0
    assert manifest["media"]["files"] == 1
    folder = manifest_path.parent
    for name in (manifest["database"]["file"], manifest["media"]["file"], manifest_path.name):
        assert (folder / name).stat().st_mode & 0o777 == 0o600  # it holds personal data
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".part")) == []

    out = StringIO()
    call_command("restore_check", manifest_path, into=restore_target, stdout=out)
    report = out.getvalue()
    assert f"row counts match in all {len(manifest['tables'])} tables" in report
    assert "migration state matches" in report
    assert "audit chain: Audit log OK" in report
    assert "media archive holds all 1 files the database refers to" in report
    assert "Restore check passed" in report


@on_postgresql
def test_the_counts_and_the_dump_come_from_one_snapshot_while_the_app_writes(
    data, tmp_path, restore_target, monkeypatch
):
    """Writes committed after the snapshot, while pg_dump runs, are in neither."""
    before = AuditRecord.objects.count()
    run_pg_dump = backup._run_pg_dump

    def write_then_dump(command, *, env):
        Municipality.objects.create(name="Skrivkommun", municipality_number="9903")
        for n in range(3):
            audit_record(actor=data.world.admin, action=Action.READ, detail={"n": n})
        run_pg_dump(command, env=env)

    monkeypatch.setattr(backup, "_run_pg_dump", write_then_dump)
    manifest_path = _backup(tmp_path)
    manifest = json.loads(manifest_path.read_text())

    assert AuditRecord.objects.count() == before + 3
    assert manifest["tables"]["audit_auditrecord"] == before
    assert manifest["tables"]["organisations_municipality"] == 2
    result = backup_restore_check(manifest_path=manifest_path, into=restore_target)
    assert result.ok, result.problems


@on_postgresql
def test_the_password_goes_to_pg_dump_in_the_environment_never_on_its_command_line(
    data, tmp_path, monkeypatch
):
    # The test server trusts local connections, so any password is accepted.
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "hemligt-lösen-123")
    seen: dict[str, Any] = {}
    run_pg_dump = backup._run_pg_dump

    def spy(command, *, env):
        seen.update(command=command, env=env)
        run_pg_dump(command, env=env)

    monkeypatch.setattr(backup, "_run_pg_dump", spy)
    _backup(tmp_path)
    assert not any("hemligt" in part for part in seen["command"])
    assert seen["env"]["PGPASSWORD"] == "hemligt-lösen-123"
    assert any(part.startswith("--snapshot=") for part in seen["command"])


def test_libpq_settings_map_to_environment_variables():
    params = libpq_params(
        {
            "NAME": "samsyn",
            "USER": "samsyn_owner",
            "PASSWORD": "s3cret",
            "HOST": "db.internal",
            "PORT": 5432,
            "OPTIONS": {"sslmode": "verify-full", "pool": True},
        }
    )
    env = libpq_env(params)
    assert env["PGPASSWORD"] == "s3cret"
    assert env["PGDATABASE"] == "samsyn"
    assert env["PGPORT"] == "5432"
    assert env["PGSSLMODE"] == "verify-full"
    assert "pool" not in params


# --- refusals and differences found ---------------------------------------------------------------


def test_it_refuses_to_restore_into_a_database_that_has_tables(data, tmp_path):
    manifest_path = _backup(tmp_path)
    if connection.vendor == "postgresql":
        occupied = _postgres_url(connection.settings_dict["NAME"])  # the live test database
    else:
        occupied_file = tmp_path / "occupied.sqlite3"
        with sqlite3.connect(occupied_file) as db:
            db.execute("CREATE TABLE kept (x INTEGER)")
            db.execute("INSERT INTO kept VALUES (1)")
        db.close()
        occupied = str(occupied_file)
    counts = _live_counts()

    with pytest.raises(CommandError, match=r"Refusing to restore: .* is not empty"):
        call_command("restore_check", manifest_path, into=occupied, stdout=StringIO())

    assert _live_counts() == counts
    if connection.vendor == "sqlite":
        with sqlite3.connect(occupied_file) as db:
            tables = db.execute("SELECT name FROM sqlite_master").fetchall()
        db.close()
        assert tables == [("kept",)]


def test_a_changed_row_count_in_the_manifest_is_named(data, tmp_path, restore_target):
    manifest_path = _backup(tmp_path)
    cases = json.loads(manifest_path.read_text())["tables"]["cases_case"]
    _edit_manifest(manifest_path, lambda m: m["tables"].update(cases_case=cases + 1))

    with pytest.raises(CommandError) as error:
        call_command("restore_check", manifest_path, into=restore_target, stdout=StringIO())

    assert "FAILED" in str(error.value)
    assert f"table cases_case: {cases + 1} rows in the manifest, {cases} restored" in str(
        error.value
    )


def test_a_manifest_changed_without_the_key_is_refused_before_anything_is_restored(
    data, tmp_path, restore_target, settings
):
    manifest_path = _backup(tmp_path)
    cases = json.loads(manifest_path.read_text())["tables"]["cases_case"]
    _edit_manifest(manifest_path, lambda m: m["tables"].update(cases_case=cases + 1), sign=False)

    result = backup_restore_check(manifest_path=manifest_path, into=restore_target)
    assert result.problems == [
        "manifest signature does not match: the manifest was changed after the backup, or it "
        "was written with another SECRET_KEY (restore with the one it was made with)"
    ]
    assert not any(p.startswith("restored into") for p in result.passed)

    # An untouched manifest checked with another SECRET_KEY is refused the same way.
    fresh = _backup(tmp_path / "again")
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert (
        backup_restore_check(manifest_path=fresh, into=restore_target)
        .problems[0]
        .startswith("manifest signature does not match")
    )


def test_a_changed_audit_record_in_the_restored_database_is_found(data, tmp_path, restore_target):
    manifest = manifest_load(_backup(tmp_path))
    target = target_parse(restore_target)
    backup_restore(manifest=manifest, into=target)
    record_id = _tamper_restored_audit(restore_target)

    result = RestoreCheck()
    backup_compare(manifest=manifest, into=target, result=result)

    assert len(result.problems) == 1
    assert result.problems[0].startswith(
        f"audit chain: Audit log BROKEN at record {record_id} in sealed block 1: content "
        "differs from its hash."
    )


def test_a_changed_audit_state_in_the_manifest_is_named(data, tmp_path, restore_target):
    manifest_path = _backup(tmp_path)
    _edit_manifest(manifest_path, lambda m: m["audit"].update(last_seal_hash="0" * 64))

    result = backup_restore_check(manifest_path=manifest_path, into=restore_target)

    assert len(result.problems) == 1
    assert result.problems[0].startswith(f"audit last seal hash: {'0' * 64} in the manifest")


def test_a_damaged_dump_is_not_restored(data, tmp_path, restore_target):
    manifest_path = _backup(tmp_path)
    manifest = manifest_load(manifest_path)
    raw = bytearray(manifest.database_file.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    manifest.database_file.write_bytes(bytes(raw))

    with pytest.raises(CommandError) as error:
        call_command("restore_check", manifest_path, into=restore_target, stdout=StringIO())

    assert f"database file {manifest.database_file.name} differs from its SHA-256" in str(
        error.value
    )
    assert backup._target_tables(target_parse(restore_target)) == []  # nothing restored


def test_a_changed_media_archive_is_found(data, tmp_path, restore_target):
    manifest_path = _backup(tmp_path)
    manifest = manifest_load(manifest_path)
    with manifest.media_file.open("ab") as archive:
        archive.write(b"\0")

    result = backup_restore_check(manifest_path=manifest_path, into=restore_target)

    assert result.problems == [
        f"media file {manifest.media_file.name} differs from its SHA-256 in the manifest"
    ]


def test_a_scan_missing_from_the_media_folder_is_found(data, tmp_path, restore_target, settings):
    for scan in Path(settings.MEDIA_ROOT).rglob("*.pdf"):
        scan.unlink()
    manifest_path = _backup(tmp_path)

    result = backup_restore_check(manifest_path=manifest_path, into=restore_target)

    assert len(result.problems) == 1
    assert result.problems[0].startswith(
        "1 files the database refers to are not in the media archive, e.g. samtycken/"
    )


def test_it_refuses_a_target_of_another_kind_and_a_file_that_is_no_manifest(data, tmp_path):
    manifest_path = _backup(tmp_path)
    other = (
        f"sqlite:///{tmp_path / 'x.sqlite3'}"
        if connection.vendor == "postgresql"
        else "postgres://nobody@127.0.0.1:1/h_backup_none"
    )
    with pytest.raises(BackupError, match=f"The backup is of a {connection.vendor} database"):
        backup_restore_check(manifest_path=manifest_path, into=other)
    not_a_manifest = tmp_path / "other.json"
    not_a_manifest.write_text("{}")
    with pytest.raises(CommandError, match="is not a samsyn backup manifest"):
        call_command("restore_check", not_a_manifest, into=other, stdout=StringIO())
