"""The load run's own PostgreSQL database, and what the run left in it.

The database sits beside DATABASE_URL's, named `<name>_load` (or --database), and is made anew
for every run: migrated and loaded with the demo data (`seed_demo --not-production`). Both
take a minute, so the result is also kept as a template, `<name>_load_template`, labelled with
a fingerprint of the code under samsyn/; the next run copies it (CREATE DATABASE … TEMPLATE,
a second) when the fingerprint still matches, and builds it again when it does not (or with
--fresh). The template holds only the demo data; everything a run adds goes into the copy,
which is dropped at the end (unless --keep).

`stored_rows` and `orphan_audit_records` read the rows a run wrote (Django must be set up).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench.__main__ import manage, reset_database
from load.scenario import (
    FEEDBACK,
    FEEDBACK_ABOUT,
    MARKER_RE,
    NOTE,
    feedback_text,
    note_text,
    note_title,
    run_prefix,
)
from load.verify import StoredRow

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
TEMPLATE_LABEL = "samsyn load seed"


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin(url: str) -> str:
    return with_database(url, "postgres")


def fingerprint() -> str:
    """Of every Python file under samsyn/ (models, migrations, the demo data and its seeding)."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "samsyn").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _label(url: str, name: str) -> str | None:
    with psycopg.connect(_admin(url), autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (name,),
        ).fetchone()
    return None if row is None else (row[0] or "")


def _copy(url: str, source: str, target: str, label: str | None = None) -> None:
    with psycopg.connect(_admin(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
        if label is not None:
            conn.execute(f"COMMENT ON DATABASE \"{target}\" IS '{label}'")


def _set_synchronous_commit(url: str, name: str, *, off: bool) -> None:
    with psycopg.connect(_admin(url), autocommit=True) as conn:
        if off:
            conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        else:
            conn.execute(f'ALTER DATABASE "{name}" RESET synchronous_commit')


def prepare(*, env: dict[str, str], template: str, fresh: bool, log: Callable[[str], None]) -> str:
    """Make the run's database (env's DATABASE_URL) with the demo data; say how."""
    url = env["DATABASE_URL"]
    name = database_name(url)
    label = f"{TEMPLATE_LABEL} {fingerprint()}"
    started = time.monotonic()
    if not fresh and _label(url, template) == label:
        log(f"{name} copied from the template {template} …")
        _copy(url, template, name)
        return f"copied from the template `{template}` ({time.monotonic() - started:.0f} s)"
    log(f"{name}: migrate and seed_demo (then kept as the template {template}) …")
    reset_database(env)
    # The demo data is loaded without waiting for each commit to reach the disk: it is a
    # throwaway copy until the template is made. The run itself commits durably.
    _set_synchronous_commit(url, name, off=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "--not-production", "--quiet")
    _set_synchronous_commit(url, name, off=False)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
    try:
        _copy(url, name, template, label)
    except psycopg.Error as error:  # another run is copying it: the next run builds it again
        log(f"the template was not kept ({error})")
    return f"migrated and seeded (`seed_demo`) in {time.monotonic() - started:.0f} s"


def drop(url: str) -> None:
    with psycopg.connect(_admin(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)')


# --- what the run wrote (Django set up) --------------------------------------------------------


def stored_rows(run_id: str) -> list[StoredRow]:
    """Every journal note and feedback row carrying a marker of the run, with its audit
    record looked up by the row's code (`audit_case` and the portal name it so)."""
    from django.db.models import Q

    from samsyn.audit.models import Action, AuditRecord
    from samsyn.cases.models import JournalNote
    from samsyn.portal.models import Feedback

    prefix = run_prefix(run_id)
    rows: list[StoredRow] = []
    notes = list(
        JournalNote.objects.filter(Q(title__contains=prefix) | Q(text__contains=prefix))
        .select_related("case", "created_by")
        .order_by("pk")
    )
    feedback = list(
        Feedback.objects.filter(text__contains=prefix).select_related("account").order_by("pk")
    )
    audited = set(
        AuditRecord.objects.filter(
            action=Action.CREATE,
            object_type__in=("cases.journalnote", "portal.feedback"),
            object_code__in=[str(n.code) for n in notes] + [str(f.code) for f in feedback],
        ).values_list("object_type", "object_code", "case_code")
    )
    for note in notes:
        found = MARKER_RE.search(note.title) or MARKER_RE.search(note.text)
        assert found is not None
        mark = found.group(0)
        rows.append(
            StoredRow(
                marker=mark,
                kind=NOTE,
                content_ok=note.title == note_title(mark) and note.text == note_text(mark),
                audited=("cases.journalnote", str(note.code), note.case.code) in audited,
                account=note.created_by.username,
                case=str(note.case.code),
            )
        )
    for item in feedback:
        found = MARKER_RE.search(item.text)
        assert found is not None
        mark = found.group(0)
        rows.append(
            StoredRow(
                marker=mark,
                kind=FEEDBACK,
                content_ok=item.text == feedback_text(mark) and item.about == FEEDBACK_ABOUT,
                audited=any(
                    t == "portal.feedback" and c == str(item.code) for t, c, _case in audited
                ),
                account=item.account.username if item.account else None,
            )
        )
    return rows


def orphan_audit_records(since: datetime) -> list[str]:
    """Audit records of journal notes and feedback written since `since` whose row does not
    exist: the other half of a partial write."""
    from samsyn.audit.models import Action, AuditRecord
    from samsyn.cases.models import JournalNote
    from samsyn.portal.models import Feedback

    found = []
    for object_type, model in (("cases.journalnote", JournalNote), ("portal.feedback", Feedback)):
        codes = set(
            AuditRecord.objects.filter(
                action=Action.CREATE, object_type=object_type, at__gte=since
            ).values_list("object_code", flat=True)
        )
        existing = {
            str(c)
            for c in model._default_manager.filter(code__in=codes).values_list("code", flat=True)
        }
        found += [
            f"audit record of {object_type} {code} whose row does not exist"
            for code in sorted(codes - existing)
        ]
    return found
