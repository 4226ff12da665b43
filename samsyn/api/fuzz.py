"""`make fuzz`: schemathesis over the whole OpenAPI document, against gunicorn on loopback with a
throwaway, seeded database (issue 9, decision D46). tests/test_api_fuzz.py runs the same
schemathesis command, shorter, against pytest-django's live server.

    .venv/bin/python -m samsyn.api.fuzz            # FUZZ_EXAMPLES=100 by default
    FUZZ_EXAMPLES=500 FUZZ_SEED=1 .venv/bin/python -m samsyn.api.fuzz

The database is `var/fuzz/samsyn-fuzz.sqlite3`, made anew on every run, or DATABASE_URL when
set (then it must be a throwaway database: the run migrates it, loads the demo data with
`seed_demo --not-production` and writes through the API into it). The tokens are made here
with `api.services.token_create` for demo people (FUZZ_USERS), write scope, valid one day:
there is no management command that hands out tokens, so nothing here can serve as a backdoor.

The exit status is schemathesis's: not 0 when any check failed. The server's log (with the
traceback of any 500) is `var/fuzz/server.log`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent.parent
FUZZ_DIR = BASE_DIR / "var" / "fuzz"
HOOKS = Path(__file__).resolve().parent / "fuzz_hooks.py"
SCHEMA_PATH = "/api/v1/openapi.json"
KNOWN_ENV = "SAMSYN_FUZZ_KNOWN"
# Demo people whose tokens the fuzzer uses, one run each (FUZZ_USERS overrides): the
# coordinator of Rinkeby-Kista (member of many cases, writes) and the steering group (reads
# the follow-up report, which the coordinator may not).
FUZZ_USERS = ("samordnare", "styrgrupp")

# Every check that means something without OpenAPI links: no 5xx; status, content type,
# headers and body as documented; invalid input refused with a 4xx; valid input not refused
# with a 400 (a 422 is allowed: the services' rules, e.g. "a meeting of this case", are not in
# the schema; see `CONFIG`); no answer without the token; 405 for methods the document does
# not list.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
)
CONFIG = """\
# Written by samsyn/api/fuzz.py for each run.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
"""

# Real objects, so that the fuzzer gets past the 404 and the 422 (see fuzz_hooks.py): every
# other schema-valid request uses codes (or slugs) of seeded objects for these. Path parameters
# by the path segment before them (`/arenden/{code}/` → cases), query parameters and top-level
# body fields by name. Objects of the person's own cases come first, then a few of others
# (which must answer 404).
KNOWN_PATH = {
    "arenden": "cases.Case",
    "moten": "meetings.Meeting",
    "aktualiseringar": "cases.Referral",
    "anteckningar": "cases.JournalNote",
    "samtycken": "consent.Consent",
    "insatser": "plans.Intervention",
    "delmal": "plans.SubGoal",
    "aktiviteter": "plans.Activity",
    "organisationer": "organisations.Organisation",
}
KNOWN_QUERY = {"kommun": "organisations.Municipality", "stadsdel": "organisations.District"}
KNOWN_BODY = {
    "category": "consent.DataCategory",
    "premeeting_of": "meetings.Meeting",
    "also_about": "cases.Guardian",
}


def _codes(label: str, person: Any, limit: int) -> list[str]:
    from django.apps import apps

    try:
        model = apps.get_model(label)
    except LookupError:
        return []
    objects = model._default_manager.order_by("pk")
    fields = {field.name for field in model._meta.get_fields()}
    key = "slug" if "slug" in fields else "code"
    if "members" in fields:
        mine = objects.filter(members__person=person)
    elif "case" in fields:
        mine = objects.filter(case__members__person=person)
    elif "youth" in fields:
        mine = objects.filter(youth__cases__members__person=person).distinct()
    else:
        mine = objects
    others = objects.exclude(pk__in=mine.values("pk"))
    values = [*mine.values_list(key, flat=True)[:limit], *others.values_list(key, flat=True)[:3]]
    return [str(value) for value in values]


def known_values(username: str, limit: int = 20) -> dict[str, dict[str, list[str]]]:
    """Values of real objects in the seeded database for the person (see KNOWN_PATH)."""
    from samsyn.organisations.models import Person

    person = Person.objects.get(username=username)
    return {
        part: {name: _codes(label, person, limit) for name, label in known.items()}
        for part, known in (("path", KNOWN_PATH), ("query", KNOWN_QUERY), ("body", KNOWN_BODY))
    }


def fuzz_token(username: str) -> str:
    """A fresh write-scoped token, valid one day, for a seeded demo person."""
    from samsyn.api import services
    from samsyn.api.models import Scope
    from samsyn.organisations.models import Person

    person = Person.objects.get(username=username)
    _token, raw = services.token_create(
        actor=person, name="schemathesis", scope=Scope.WRITE, days=1
    )
    return raw


def prepare(username: str, run_dir: Path) -> tuple[str, Path]:
    """A token for the person and the files of its run (the known codes, the config)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "known.json").write_text(json.dumps(known_values(username)))
    (run_dir / "schemathesis.toml").write_text(CONFIG)
    return fuzz_token(username), run_dir


def schemathesis_command(
    base_url: str, token: str, run_dir: Path, *, examples: int, seed: int | None = None
) -> list[str]:
    """The schemathesis run over the whole document at `base_url` (every phase)."""
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(run_dir / "schemathesis.toml"),
        "run",
        base_url.rstrip("/") + SCHEMA_PATH,
        "--checks",
        ",".join(CHECKS),
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(examples),
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--generation-database",
        "none",  # nothing written into the working tree
        "--no-color",
    ]
    if seed is not None:
        command += ["--seed", str(seed)]
    return command


def schemathesis_env(run_dir: Path) -> dict[str, str]:
    """The environment of the schemathesis process: the hooks and the known codes."""
    return {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS), KNOWN_ENV: str(run_dir / "known.json")}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode}); see its log")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds:.0f} s")


def main() -> int:
    examples = int(os.environ.get("FUZZ_EXAMPLES", "100"))
    seed = int(os.environ["FUZZ_SEED"]) if os.environ.get("FUZZ_SEED") else None
    FUZZ_DIR.mkdir(parents=True, exist_ok=True)
    # Production settings over plain HTTP on loopback (no TLS redirect), as the suite runs them.
    os.environ["DJANGO_SETTINGS_MODULE"] = "samsyn.test_settings"
    if not os.environ.get("DATABASE_URL"):
        database = FUZZ_DIR / "samsyn-fuzz.sqlite3"
        for stale in FUZZ_DIR.glob("samsyn-fuzz.sqlite3*"):
            stale.unlink()
        os.environ["SQLITE_PATH"] = str(database)

    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    print("fuzz: migrating and loading the demo data …", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", not_production=True, quiet=True)
    users = os.environ.get("FUZZ_USERS", ",".join(FUZZ_USERS)).split(",")
    runs = [prepare(username, FUZZ_DIR / username) for username in users]
    connections.close_all()

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = FUZZ_DIR / "server.log"
    failed: list[str] = []
    with log.open("wb") as server_log:
        server = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "samsyn.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "60",
            ],
            cwd=BASE_DIR,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(base_url + "/healthz", server)
            for username, (token, run_dir) in zip(users, runs, strict=True):
                print(
                    f"fuzz: {username}'s token against gunicorn on {base_url}, "
                    f"{examples} examples per operation",
                    flush=True,
                )
                result = subprocess.run(  # noqa: S603
                    schemathesis_command(base_url, token, run_dir, examples=examples, seed=seed),
                    cwd=run_dir,
                    env=schemathesis_env(run_dir),
                    check=False,
                )
                if result.returncode:
                    failed.append(username)
        finally:
            server.terminate()
            server.wait(timeout=30)
    if failed:
        print(f"fuzz: FAILED for {', '.join(failed)}; the server's log is {log}", flush=True)
        return 1
    print("fuzz: no findings", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
