"""Backups of the database and the scanned consents, and the check that a backup restores.

A backup is three files whose names carry one UTC timestamp: the database (`pg_dump
--format=custom`, or on SQLite a copy made with its online backup API), the media folder as
a tar.gz, and a manifest (JSON) with every table's row count, the last applied migration per
app, the audit chain's state and each file's SHA-256. The manifest is written last, so a
backup without one is incomplete.

The counts come from the very state the dump holds: on PostgreSQL they are taken in a
REPEATABLE READ transaction whose snapshot pg_dump imports (`--snapshot`); on SQLite they are
counted in the copy itself. A restore must therefore reproduce them exactly, however busy the
application was while the backup ran. See docs/operations.md, "Backup and restore".
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.db import connections, models
from django.db.migrations.loader import MigrationLoader
from django.utils.crypto import constant_time_compare, salted_hmac

from samsyn.audit.models import AuditRecord, AuditSeal

MANIFEST_FORMAT = 1
MANIFEST_KIND = "samsyn-backup"

# libpq's connection keywords and the environment variables that carry them to pg_dump and
# pg_restore; the password travels in PGPASSWORD, never on a command line (`ps` shows those).
_LIBPQ_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore check that cannot go on; the message says why."""


@dataclass(frozen=True)
class Backup:
    manifest_path: Path
    manifest: dict[str, Any]


@dataclass
class RestoreCheck:
    """What a restore check found: `problems` fail it, `notes` are for the operator only."""

    passed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- making a backup ------------------------------------------------------------------------


def default_backup_folder() -> Path:
    return Path(settings.BASE_DIR) / "var" / "backups"


def backup_create(
    *, out: Path | None = None, using: str = "default", media_root: Path | None = None
) -> Backup:
    """Back up the database and the media folder into `out`, with a manifest written last.

    Rule: the manifest's counts and audit state describe exactly what the dump holds (one
    snapshot); every file is private to the owner (mode 0600), since it holds personal data.
    """
    out = Path(out) if out is not None else default_backup_folder()
    media = Path(media_root) if media_root is not None else Path(settings.MEDIA_ROOT)
    if out.resolve().is_relative_to(media.resolve()):
        raise BackupError(f"--out {out} is inside the media folder {media}, which is backed up.")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    created = datetime.now(UTC)
    stem = f"samsyn-{created:%Y%m%dT%H%M%SZ}"
    connection = connections[using]
    vendor = connection.vendor
    if vendor == "postgresql":
        database_file = out / f"{stem}.dump"
    elif vendor == "sqlite":
        database_file = out / f"{stem}.sqlite3"
    else:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    media_file = out / f"{stem}.media.tar.gz"
    manifest_path = out / f"{stem}.manifest.json"
    for path in (database_file, media_file, manifest_path):
        if path.exists():
            raise BackupError(f"{path} already exists; wait a second and run the backup again.")

    with _written_atomically(database_file) as part:
        if vendor == "postgresql":
            database, state = _dump_postgresql(connection.settings_dict, part)
        else:
            database, state = _copy_sqlite(connection, part)
    with _written_atomically(media_file) as part:
        media_count = _archive_media(media, part)

    manifest: dict[str, Any] = {
        "kind": MANIFEST_KIND,
        "format": MANIFEST_FORMAT,
        "created_at": created.isoformat(timespec="seconds"),
        "database": {
            **database,
            "vendor": vendor,
            "file": database_file.name,
            "bytes": database_file.stat().st_size,
            "sha256": _sha256(database_file),
        },
        "media": {
            "root": str(media),
            "file": media_file.name,
            "files": media_count,
            "bytes": media_file.stat().st_size,
            "sha256": _sha256(media_file),
        },
        **state,
    }
    manifest["signature"] = manifest_signature(manifest)
    with _written_atomically(manifest_path) as part:
        part.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return Backup(manifest_path=manifest_path, manifest=manifest)


def manifest_signature(manifest: dict[str, Any]) -> str:
    """An HMAC of the manifest (without its signature) keyed by SECRET_KEY (D56): one who can
    change a dump and its manifest to match still cannot make the signature match."""
    content = {k: v for k, v in manifest.items() if k != "signature"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return salted_hmac("samsyn.core.backup.manifest", canonical, algorithm="sha256").hexdigest()


def _dump_postgresql(
    settings_dict: dict[str, Any], path: Path
) -> tuple[dict[str, Any], dict[str, Any]]:
    """pg_dump of the database, and the counts, from one exported REPEATABLE READ snapshot."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    pg_dump = _pg_tool("pg_dump")
    params = libpq_params(settings_dict)
    try:
        snapshot_connection = psycopg.connect(make_conninfo("", **params))
    except psycopg.Error as error:
        raise BackupError(f"Cannot connect to the database: {error}") from error
    with snapshot_connection:
        snapshot_connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot_connection.read_only = True
        with snapshot_connection.cursor() as cursor:
            # The first statement fixes the transaction's snapshot; everything below, and
            # pg_dump, sees that one state whatever commits meanwhile.
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()  # type: ignore[misc]
            state = _database_state(cursor, _postgresql_tables(cursor))
        # The snapshot stays importable while its transaction is open, i.e. until pg_dump ends.
        _run_pg_dump(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={path}"],
            env=libpq_env(params),
        )
        snapshot_connection.rollback()
    return {
        "name": settings_dict["NAME"],
        "server_version": server_version,
        "snapshot": snapshot,
        "pg_dump": _pg_tool_version(pg_dump),
    }, state


def _run_pg_dump(command: list[str], *, env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 (fixed program, no shell)
        [*command, "--no-password"], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")


def _copy_sqlite(connection: Any, path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """A copy through SQLite's online backup API, counted in the copy itself."""
    if connection.in_atomic_block:
        # The copy would hold this connection's uncommitted writes.
        raise BackupError("Run the backup outside a transaction.")
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection
    target = sqlite3.connect(path)
    try:
        source.backup(target)  # all pages in one step: one consistent state
        # A self-contained file: no -wal beside it to forget.
        target.execute("PRAGMA journal_mode=DELETE")
        cursor = target.cursor()
        state = _database_state(cursor, _sqlite_tables(cursor))
    finally:
        target.close()
    return {"name": str(connection.settings_dict["NAME"]), "sqlite": sqlite3.sqlite_version}, state


def _archive_media(media_root: Path, path: Path) -> int:
    """Every regular file under the media folder, with paths relative to it; returns count."""
    count = 0
    with tarfile.open(path, "w:gz") as archive:
        for name in _media_files(media_root):
            archive.add(media_root / name, arcname=name, recursive=False)
            count += 1
    return count


def _media_files(media_root: Path) -> Iterator[str]:
    if not media_root.is_dir():
        return
    for folder, dirs, files in os.walk(media_root):
        dirs.sort()
        for name in sorted(files):
            full = Path(folder) / name
            if full.is_file() and not full.is_symlink():
                yield full.relative_to(media_root).as_posix()


# --- what the manifest records ---------------------------------------------------------------


def _quote(name: str) -> str:
    """An SQL identifier, quoted the same way on PostgreSQL and SQLite."""
    return '"' + name.replace('"', '""') + '"'


def _postgresql_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid) "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
    )
    return [row[0] for row in cursor.fetchall()]


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY 1"
    )
    return [row[0] for row in cursor.fetchall()]


def _database_state(cursor: Any, tables: list[str]) -> dict[str, Any]:
    """Row counts of every table, the migration state and the audit chain's state.

    `cursor` is a plain DB-API cursor (psycopg or sqlite3), so the same code reads the live
    snapshot, a backup copy and a restored database.
    """
    counts: dict[str, int] = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 (quoted name)
        counts[table] = int(cursor.fetchone()[0])
    migrations: dict[str, str] = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            migrations[app] = name  # the last applied wins
    return {
        "migrations": dict(sorted(migrations.items())),
        "tables": counts,
        "audit": _audit_state(cursor, counts),
    }


def _audit_state(cursor: Any, counts: dict[str, int]) -> dict[str, Any] | None:
    records, seals = AuditRecord._meta.db_table, AuditSeal._meta.db_table
    if records not in counts or seals not in counts:
        return None
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_quote(records)}")  # noqa: S608
    max_record_id = int(cursor.fetchone()[0])
    cursor.execute(
        f"SELECT number, last_record_id, seal_hash FROM {_quote(seals)} "  # noqa: S608
        "ORDER BY number DESC LIMIT 1"
    )
    last = cursor.fetchone()
    last_sealed_id = int(last[1]) if last else 0
    cursor.execute(
        f"SELECT COUNT(*) FROM {_quote(records)} WHERE id > {last_sealed_id}"  # noqa: S608
    )
    unsealed = int(cursor.fetchone()[0])
    return {
        "records": counts[records],
        "max_record_id": max_record_id,
        "seals": counts[seals],
        "last_seal_number": int(last[0]) if last else None,
        "last_sealed_record_id": last_sealed_id,
        "last_seal_hash": last[2] if last else None,
        "unsealed": unsealed,
    }


# --- restoring and checking ------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    path: Path
    data: dict[str, Any]

    @property
    def vendor(self) -> str:
        return str(self.data["database"]["vendor"])

    @property
    def database_file(self) -> Path:
        return self.path.parent / self.data["database"]["file"]

    @property
    def media_file(self) -> Path:
        return self.path.parent / self.data["media"]["file"]


def manifest_load(path: Path) -> Manifest:
    """A backup's manifest; the files it names are looked for beside it."""
    path = Path(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"Cannot read the manifest {path}: {error}") from error
    if not isinstance(data, dict) or data.get("kind") != MANIFEST_KIND:
        raise BackupError(f"{path} is not a samsyn backup manifest.")
    if data.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{path} has manifest format {data.get('format')!r}; expected 1.")
    return Manifest(path=path, data=data)


@dataclass(frozen=True)
class Target:
    """The database a backup is restored into, from a DATABASE_URL (or a SQLite file path)."""

    url: str
    settings_dict: dict[str, Any]

    @property
    def vendor(self) -> str:
        engine = str(self.settings_dict.get("ENGINE", ""))
        return (
            "postgresql" if "postgresql" in engine else "sqlite" if "sqlite" in engine else engine
        )

    def __str__(self) -> str:
        if self.vendor == "sqlite":
            return str(self.settings_dict["NAME"])
        host = self.settings_dict.get("HOST") or "local socket"
        port = self.settings_dict.get("PORT") or ""
        return f"{self.settings_dict['NAME']} on {host}{':' if port else ''}{port}"


def target_parse(url: str) -> Target:
    if "://" not in url:
        path = Path(url).resolve()
        return Target(
            url=f"sqlite:///{path}", settings_dict=dict(dj_database_url.parse(f"sqlite:///{path}"))
        )
    try:
        parsed = dj_database_url.parse(url)
    except ValueError as error:
        raise BackupError(f"--into is not a database URL: {error}") from error
    if parsed.get("ENGINE") == "django.db.backends.sqlite3":
        parsed["NAME"] = str(Path(parsed["NAME"]).resolve())
        url = f"sqlite:///{parsed['NAME']}"
    return Target(url=url, settings_dict=dict(parsed))


def backup_restore_check(*, manifest_path: Path, into: str) -> RestoreCheck:
    """Restore a backup into an empty database, then compare it with the manifest.

    Rule: never into a database that has tables; a damaged file is not restored at all.
    """
    manifest = manifest_load(manifest_path)
    target = target_parse(into)
    result = RestoreCheck()
    backup_files_check(manifest, result)
    if not result.ok:
        return result
    backup_restore(manifest=manifest, into=target)
    result.passed.append(f"restored into {target}")
    backup_compare(manifest=manifest, into=target, result=result)
    return result


def backup_files_check(manifest: Manifest, result: RestoreCheck) -> None:
    """The manifest is signed with this SECRET_KEY, the files exist and have the SHA-256 the
    manifest gives, and the media archive opens."""
    signature = manifest.data.get("signature", "")
    if not constant_time_compare(signature, manifest_signature(manifest.data)):
        result.problems.append(
            "manifest signature does not match: the manifest was changed after the backup, or "
            "it was written with another SECRET_KEY (restore with the one it was made with)"
        )
        return
    result.passed.append("manifest signature matches")
    for kind, path in (("database", manifest.database_file), ("media", manifest.media_file)):
        expected = manifest.data[kind]["sha256"]
        if not path.is_file():
            result.problems.append(f"{kind} file {path.name} is missing")
        elif _sha256(path) != expected:
            result.problems.append(
                f"{kind} file {path.name} differs from its SHA-256 in the manifest"
            )
        else:
            result.passed.append(f"{kind} file {path.name}: SHA-256 matches")
    if any(p.startswith("media") for p in result.problems):
        return
    try:
        names = _archive_names(manifest.media_file)
    except (OSError, tarfile.TarError) as error:
        result.problems.append(f"media archive cannot be read: {error}")
        return
    unsafe = [n for n in names if n.startswith("/") or ".." in Path(n).parts]
    if unsafe:
        result.problems.append(f"media archive has unsafe paths, e.g. {unsafe[0]}")
    if len(names) != manifest.data["media"]["files"]:
        result.problems.append(
            f"media archive holds {len(names)} files, the manifest says "
            f"{manifest.data['media']['files']}"
        )


def backup_restore(*, manifest: Manifest, into: Target) -> None:
    """Restore the database file into `into`, which must exist (PostgreSQL) and be empty."""
    if into.vendor != manifest.vendor:
        raise BackupError(
            f"The backup is of a {manifest.vendor} database; --into is {into.vendor or 'unknown'}."
        )
    tables = _target_tables(into)
    if tables:
        raise BackupError(
            f"Refusing to restore: {into} is not empty ({len(tables)} tables, sequences or "
            f"views, e.g. {tables[0]}). Restore only into a new, empty database; this "
            "command never overwrites one that holds data."
        )
    if into.vendor == "postgresql":
        params = libpq_params(into.settings_dict)
        result = subprocess.run(  # noqa: S603 (fixed program, no shell)
            [
                _pg_tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--no-password",
                f"--dbname={params['dbname']}",
                str(manifest.database_file),
            ],
            env=libpq_env(params),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    else:
        try:
            source = sqlite3.connect(f"file:{manifest.database_file}?mode=ro", uri=True)
            target = sqlite3.connect(into.settings_dict["NAME"])
        except sqlite3.Error as error:
            raise BackupError(f"Cannot open {into}: {error}") from error
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()


def backup_compare(*, manifest: Manifest, into: Target, result: RestoreCheck) -> None:
    """Compare a restored database with the manifest: every table's rows, the migrations, the
    audit chain (verified by `manage.py audit_verify` against it) and the media it refers to."""
    with _target_cursor(into) as cursor:
        tables = (
            _postgresql_tables(cursor) if into.vendor == "postgresql" else _sqlite_tables(cursor)
        )
        state = _database_state(cursor, tables)
        file_names = _referenced_files(cursor, set(tables))
    expected: dict[str, int] = manifest.data["tables"]
    differing = 0
    for table, count in expected.items():
        if table not in state["tables"]:
            result.problems.append(f"table {table} is missing after restoring")
            differing += 1
        elif state["tables"][table] != count:
            result.problems.append(
                f"table {table}: {count} rows in the manifest, {state['tables'][table]} restored"
            )
            differing += 1
    for table in sorted(set(state["tables"]) - set(expected)):
        result.problems.append(f"table {table} was restored but is not in the manifest")
        differing += 1
    if not differing:
        result.passed.append(
            f"row counts match in all {len(expected)} tables ({sum(expected.values())} rows)"
        )
    if state["migrations"] != manifest.data["migrations"]:
        apps_differing = sorted(
            app
            for app in set(state["migrations"]) | set(manifest.data["migrations"])
            if state["migrations"].get(app) != manifest.data["migrations"].get(app)
        )
        result.problems.append(f"migration state differs for {', '.join(apps_differing)}")
    else:
        result.passed.append(f"migration state matches ({len(state['migrations'])} apps)")
    _compare_audit(manifest.data.get("audit"), state["audit"], into, result)
    missing = sorted(file_names - set(_archive_names(manifest.media_file)))
    if missing:
        result.problems.append(
            f"{len(missing)} files the database refers to are not in the media archive, "
            f"e.g. {missing[0]}"
        )
    else:
        result.passed.append(
            f"media archive holds all {len(file_names)} files the database refers to"
        )
    result.notes.extend(_migration_notes(state["migrations"], into))


def _compare_audit(
    expected: dict[str, Any] | None,
    restored: dict[str, Any] | None,
    into: Target,
    result: RestoreCheck,
) -> None:
    if expected is None:
        result.notes.append("the backup has no audit tables")
        return
    if restored is None:
        result.problems.append("the audit tables are missing after restoring")
        return
    for key in ("max_record_id", "last_seal_number", "last_seal_hash", "unsealed"):
        if restored[key] != expected[key]:
            result.problems.append(
                f"audit {key.replace('_', ' ')}: {expected[key]} in the manifest, "
                f"{restored[key]} restored"
            )
    verified = audit_verify_in(into)
    if verified.returncode != 0:
        result.problems.append(f"audit chain: {_command_message(verified)}")
    else:
        result.passed.append(f"audit chain: {_command_message(verified)}")


def audit_verify_in(into: Target) -> subprocess.CompletedProcess[str]:
    """`manage.py audit_verify` run against the restored database, in a process of its own."""
    env = dict(os.environ)
    env.pop("DATABASE_URL_FILE", None)  # it would win over DATABASE_URL
    env["DATABASE_URL"] = into.url
    return subprocess.run(  # noqa: S603 (this interpreter, our manage.py)
        # The checks ran in this process already; they cost seconds.
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "audit_verify",
            "--skip-checks",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _command_message(result: subprocess.CompletedProcess[str]) -> str:
    """The command's own message: its output line, or the CommandError on standard error."""
    lines = [line.strip() for line in (result.stdout + "\n" + result.stderr).splitlines()]
    for line in lines:
        if line.startswith("CommandError:"):
            return line.removeprefix("CommandError:").strip()
    useful = [line for line in lines if line and not line.startswith("{")]
    return useful[-1] if useful else f"exit status {result.returncode}"


def _referenced_files(cursor: Any, tables: set[str]) -> set[str]:
    """Names stored in the file fields of every model (the scanned consents)."""
    names: set[str] = set()
    for model in apps.get_models():
        table = model._meta.db_table
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField) and table in tables:
                column = _quote(model_field.column)
                cursor.execute(
                    f"SELECT {column} FROM {_quote(table)} "  # noqa: S608 (quoted names)
                    f"WHERE {column} IS NOT NULL AND {column} <> ''"
                )
                names.update(row[0] for row in cursor.fetchall())
    return names


def _migration_notes(applied: dict[str, str], into: Target) -> list[str]:
    """Whether this code has migrations the backup lacks (run migrate after restoring)."""
    with _target_cursor(into) as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        done = {(app, name) for app, name in cursor.fetchall()}
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    newer = sorted(on_disk - done)
    if not applied or not newer:
        return []
    app, name = newer[0]
    return [
        f"this code has {len(newer)} migrations the backup lacks (e.g. {app}.{name}): "
        "run `manage.py migrate` after restoring it for this version"
    ]


# --- helpers ---------------------------------------------------------------------------------


def libpq_params(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq keywords for a Django database setting (the options libpq understands)."""
    params: dict[str, str] = {}
    for key, setting in (
        ("dbname", "NAME"),
        ("user", "USER"),
        ("password", "PASSWORD"),
        ("host", "HOST"),
        ("port", "PORT"),
    ):
        if settings_dict.get(setting):
            params[key] = str(settings_dict[setting])
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key in _LIBPQ_ENV and value not in (None, ""):
            params[key] = str(value)
    if "dbname" not in params:
        raise BackupError("The database setting has no NAME.")
    return params


def libpq_env(params: dict[str, str]) -> dict[str, str]:
    """The environment for pg_dump and pg_restore: ours over the inherited PG* variables."""
    env = dict(os.environ)
    env.update({_LIBPQ_ENV[key]: value for key, value in params.items()})
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH; install the PostgreSQL client tools (the same "
            "major version as the server or newer)."
        )
    return found


def _pg_tool_version(tool: str) -> str:
    result = subprocess.run(  # noqa: S603 (fixed program, no shell)
        [tool, "--version"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def _target_tables(into: Target) -> list[str]:
    """Every table, view or sequence outside the system schemas: anything means not empty."""
    if into.vendor == "sqlite" and not Path(into.settings_dict["NAME"]).exists():
        return []
    with _target_cursor(into) as cursor:
        if into.vendor == "postgresql":
            cursor.execute(
                "SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c "
                "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' "
                "ORDER BY 1"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY 1"
            )
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def _target_cursor(into: Target) -> Iterator[Any]:
    if into.vendor == "postgresql":
        import psycopg
        from psycopg.conninfo import make_conninfo

        try:
            connection = psycopg.connect(
                make_conninfo("", **libpq_params(into.settings_dict)), autocommit=True
            )
        except psycopg.Error as error:
            raise BackupError(
                f"Cannot connect to {into}: {str(error).strip()} (create it first, e.g. with "
                "createdb)"
            ) from error
        with connection, connection.cursor() as cursor:
            yield cursor
    elif into.vendor == "sqlite":
        sqlite = sqlite3.connect(into.settings_dict["NAME"])
        try:
            yield sqlite.cursor()
        finally:
            sqlite.close()
    else:
        raise BackupError(f"Cannot restore into a {into.vendor or 'unknown'} database.")


def _archive_names(path: Path) -> list[str]:
    with tarfile.open(path, "r:gz") as archive:
        return [member.name for member in archive.getmembers() if member.isfile()]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _written_atomically(path: Path) -> Iterator[Path]:
    """A private (0600) `.part` file that becomes `path` only when the block succeeds."""
    part = path.with_name(path.name + ".part")
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield part
        os.chmod(part, 0o600)  # in case a tool recreated it
        os.replace(part, path)
    finally:
        with suppress(FileNotFoundError):
            part.unlink()
