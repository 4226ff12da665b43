"""`python -m load` (what `make load` runs): the load and fault scenario, start to end.

1. Its own PostgreSQL database beside DATABASE_URL's (`<name>_load`), with the demo data
   (load.database; copied from a kept template when the code has not changed).
2. Django set up in this process, on production settings (no debug, a random secret key,
   ALLOWED_HOSTS 127.0.0.1, plain HTTP on loopback): accounts for the simulated people
   (load.accounts), the static files collected, gunicorn started with the project's
   gunicorn.conf.py (bench.measure.Gunicorn).
3. locust in a subprocess, headless, for the duration (load/locustfile.py); meanwhile the audit
   log is sealed every minute, as in production, and the faults are injected (load.faults): a
   worker killed mid-write a third of the way in, PostgreSQL restarted mid-write two thirds in.
4. After: every stored write counted and checked against what was sent (load.verify),
   `manage.py audit_seal` (no grace period) and `manage.py audit_verify`, the figures written
   to docs/reliability.md (load.report) and var/load/<run>/results.json, the database dropped.

The exit status is 0 only when every check passed. PostgreSQL only: the faults and the
question (what happens to a write when the database restarts) are PostgreSQL's.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from load import database
from load.faults import Fault, kill_worker, restart_postgres
from load.scenario import ACCOUNTS_ENV, EVENTS_ENV, RUN_ID_ENV

if TYPE_CHECKING:  # imported at run time once Django is set up
    from bench.measure import Gunicorn

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STOP_TIMEOUT_S = 30  # locust lets the users finish what they are doing at the end


_T0 = time.monotonic()


def log(message: str) -> None:
    print(f"load [{time.monotonic() - _T0:4.0f} s] {message.removeprefix('load: ')}", flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--users", type=int, default=100, help="simulated people (default 100)")
    parser.add_argument("--minutes", type=float, default=10.0, help="duration (default 10)")
    parser.add_argument("--seconds", type=int, help="duration in seconds (instead of --minutes)")
    parser.add_argument(
        "--spawn-rate", type=float, help="people started per second (default users / 50, ≥ 1)"
    )
    parser.add_argument(
        "--no-faults", dest="faults", action="store_false", help="no worker kill, no restart"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "docs" / "reliability.md", help="the report"
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=ROOT / "var" / "load",
        help="where each run keeps its logs, accounts and results.json (default var/load)",
    )
    parser.add_argument(
        "--database", help="the run's database name (default: DATABASE_URL's name + _load)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the run's database afterwards (for inspection)"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="migrate and seed even if the template is current"
    )
    parser.add_argument(
        "--seal-every", type=float, default=60.0, help="seconds between audit seals during the run"
    )
    parser.add_argument(
        "--seal-grace",
        type=int,
        default=60,
        help="grace period of the seals during the run, seconds (after it: none)",
    )
    options = parser.parse_args(argv)
    options.duration = options.seconds if options.seconds else round(options.minutes * 60)
    if options.spawn_rate is None:
        options.spawn_rate = max(1.0, options.users / 50)
    if options.users < 2 or options.duration < 5 or options.workers < 1:
        parser.error("at least 2 users, 5 seconds and 1 worker")
    return options


def environment(url: str) -> dict[str, str]:
    """Production settings on loopback for manage.py, this process and gunicorn."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY_FILE", "DATABASE_URL_FILE", "SQLITE_PATH")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "samsyn.settings",
            "DATABASE_URL": url,
            "SAMSYN_DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": HOST,
            "SAMSYN_SSL_REDIRECT": "0",
            "SAMSYN_SECURE_COOKIES": "0",
        }
    )
    return env


class Sealer(threading.Thread):
    """`audit_seal` every `every` seconds while the load runs, as production runs it every
    minute; a round that fails (the database restarting) is recorded and the next one tries
    again."""

    def __init__(self, every: float, grace: int) -> None:
        super().__init__(name="audit-sealer", daemon=True)
        self.every = every
        self.grace = grace
        self.stopping = threading.Event()
        self.rounds: list[dict[str, Any]] = []

    def run(self) -> None:
        from django.db import connection

        from samsyn.audit.services import audit_seal

        while not self.stopping.wait(self.every):
            at = time.time()
            try:
                made = audit_seal(grace=timedelta(seconds=self.grace))
                self.rounds.append({"at": at, "blocks": made, "error": None})
            except Exception as error:  # recorded and reported; the next round tries again
                self.rounds.append({"at": at, "blocks": 0, "error": f"{type(error).__name__}"})
            finally:
                connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=120)


def start_locust(
    options: argparse.Namespace, port: int, work: Path, run_id: str
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        ACCOUNTS_ENV: str(work / "accounts.json"),
        EVENTS_ENV: str(work / "events.jsonl"),
        RUN_ID_ENV: run_id,
    }
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(ROOT / "load" / "locustfile.py"),
        "--headless",
        "--users",
        str(options.users),
        "--spawn-rate",
        str(options.spawn_rate),
        "--run-time",
        f"{options.duration}s",
        "--stop-timeout",
        str(STOP_TIMEOUT_S),
        "--host",
        f"http://{HOST}:{port}",
        "--only-summary",
        "--csv",
        str(work / "locust"),
        "--exit-code-on-error",
        "0",
    ]
    with (work / "locust.log").open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def command_output(name: str, **options: Any) -> tuple[bool, str]:
    """A management command run here (Django is set up): whether it succeeded, its answer."""
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    try:
        call_command(name, stdout=out, **options)
    except CommandError as error:
        return False, str(error)
    return True, out.getvalue().strip()


def locust_counts(stats: Path) -> tuple[int, int] | None:
    """locust's own count of requests and failures (its CSV is written when the time is up,
    before the users finish their last task, so the event log may hold a few more)."""
    with contextlib.suppress(OSError, KeyError, ValueError):
        for row in csv.DictReader(stats.open(encoding="utf-8")):
            if row["Name"] == "Aggregated":
                return int(row["Request Count"]), int(row["Failure Count"])
    return None


def timeline(
    started: float, ended: float, ramp: float, users: int, faults: list[Fault]
) -> list[tuple[float, str]]:
    """What happened when, in seconds from the start of the load."""
    moments = [
        (0.0, f"locust starts {users} simulated people"),
        (min(ramp, ended - started), "all of them started"),
    ]
    for fault in faults:
        if fault.skipped:
            continue
        moments += [
            (fault.at - started, f"{fault.label}"),
            (
                fault.done - started,
                "worker replaced" if fault.name == "worker_kill" else "restart done",
            ),
            (fault.ready - started, "`/healthz` 200 with every worker up"),
            (fault.window_end - started, "end of the fault's window"),
        ]
    moments.append((ended - started, "load ends (each person finishes the task at hand)"))
    return sorted(((round(t, 1), what) for t, what in moments), key=lambda m: m[0])


def inject_faults(
    locust: subprocess.Popen[bytes],
    schedule: list[tuple[float, Callable[[], Fault]]],
) -> list[Fault]:
    faults = []
    for at, inject in schedule:
        while time.time() < at and locust.poll() is None:
            time.sleep(0.2)
        if locust.poll() is not None:
            break
        fault = inject()
        faults.append(fault)
        if fault.skipped:
            log(f"{fault.name} skipped: {fault.skipped}")
        else:
            log(
                f"{fault.label}: answered again after {fault.ready - fault.at:.1f} s "
                f"({json.dumps(fault.detail, ensure_ascii=False)})"
            )
    return faults


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    url = os.environ.get("DATABASE_URL") or database.DEFAULT_URL
    if not database.is_postgres(url):
        print(
            "python -m load needs PostgreSQL: set DATABASE_URL=postgres://… (its server gets a "
            "database of its own, <name>_load).",
            file=sys.stderr,
        )
        return 2
    base = database.database_name(url)
    name = options.database or f"{base}_load"
    run_url = database.with_database(url, name)
    run_id = secrets.token_hex(4)
    work = options.work_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{run_id}"
    work.mkdir(parents=True, exist_ok=True)
    env = environment(run_url)
    os.environ.update(env)
    for key in ("SECRET_KEY_FILE", "DATABASE_URL_FILE", "SQLITE_PATH"):
        os.environ.pop(key, None)
    log(f"run {run_id}: database {name}, {options.users} users, {options.duration} s, logs {work}")
    started = time.monotonic()
    how = database.prepare(env=env, template=f"{base}_load_template", fresh=options.fresh, log=log)
    try:
        return _run(options, run_url, run_id, work, how, started)
    finally:
        if not options.keep:
            with contextlib.suppress(Exception):
                database.drop(run_url)


@dataclass
class LoadRun:
    """What happened while locust ran."""

    started: float
    ended: float
    since: datetime  # before the first request: audit records after it belong to the run
    faults: list[Fault]
    seals: list[dict[str, Any]]
    locust_status: int | None


def _run(
    options: argparse.Namespace, run_url: str, run_id: str, work: Path, how: str, started: float
) -> int:
    import django

    django.setup()
    from django.db import connections

    from bench.measure import Gunicorn, collect_static, machine, server_env, settle
    from load import accounts, report

    settled = settle(log)
    log("accounts …")
    people = accounts.prepare(users=options.users)
    (work / "accounts.json").write_text(json.dumps(people.as_json(), indent=1))
    about = {**machine(), "settled": settled}
    server_environment = {**server_env(), "SAMSYN_SECURE_COOKIES": "0"}
    collect_static(server_environment, log)
    server = Gunicorn(server_environment, workers=options.workers)
    if options.port:
        server.port = options.port
    server.log_path.unlink(missing_ok=True)
    server.log_path = work / "gunicorn.log"
    connections.close_all()
    run = _load(options, server, run_url, run_id, work)
    log(f"locust ended (status {run.locust_status}); counting the writes …")
    result = _check(options, run, run_url, run_id, work)
    result.update(
        {
            "elapsed_s": round(time.monotonic() - started),
            "machine": about,
            "accounts": {
                "staff": len(people.staff),
                "portal": len(people.youths),
                "made": people.made,
            },
        }
    )
    result["settings"]["database_made"] = how
    (work / "results.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(report.markdown(result))
    log(f"wrote {options.out} and {work / 'results.json'}")
    if result["ok"]:
        log("every check passed")
        return 0
    for problem in result["problems"]:
        log(f"PROBLEM: {problem}")
    return 1


def _load(
    options: argparse.Namespace, server: Gunicorn, run_url: str, run_id: str, work: Path
) -> LoadRun:
    """gunicorn up, the sealer and locust running, the faults on schedule; all stopped after."""
    from django.db import connections
    from django.utils import timezone

    def healthy() -> bool:
        status, _body, _ms = server.get("/healthz", {})
        return status == 200 and len(server.worker_pids()) >= options.workers

    def fault_args() -> dict[str, Any]:
        return {
            # How long to watch for a write in flight: long enough to catch one at any load,
            # short enough to leave the run time to show that requests recover.
            "wait": min(30.0, max(5.0, options.duration / 20)),
            "dsn": run_url,
            "database": database.database_name(run_url),
            "pg_port": urlsplit(run_url).port or 5432,
            "workers": server.worker_pids,
            "healthy": healthy,
        }

    sealer = Sealer(options.seal_every, options.seal_grace)
    run = LoadRun(time.time(), time.time(), timezone.now(), [], sealer.rounds, None)
    locust: subprocess.Popen[bytes] | None = None
    try:
        log(f"gunicorn on {HOST}:{server.port} with {options.workers} workers …")
        server.start()
        sealer.start()
        log(f"locust: {options.users} users for {options.duration} s …")
        locust = start_locust(options, server.port, work, run_id)
        run.started = time.time()
        ramp = options.users / options.spawn_rate
        steady = max(0.0, options.duration - ramp)
        schedule: list[tuple[float, Callable[[], Fault]]] = []
        if options.faults:
            schedule = [
                (run.started + ramp + steady / 3, lambda: kill_worker(**fault_args())),
                (run.started + ramp + 2 * steady / 3, lambda: restart_postgres(**fault_args())),
            ]
        run.faults = inject_faults(locust, schedule)
        try:
            locust.wait(timeout=options.duration + STOP_TIMEOUT_S + 300)
        except subprocess.TimeoutExpired:
            locust.kill()
        run.ended = time.time()
    finally:
        if locust is not None and locust.poll() is None:
            locust.kill()
        if locust is not None:
            run.locust_status = locust.wait()
        sealer.stop()
        server.stop()
        connections.close_all()
    return run


def _check(
    options: argparse.Namespace, run: LoadRun, run_url: str, run_id: str, work: Path
) -> dict[str, Any]:
    """Every figure and check of the run (load.verify), the audit log sealed and verified."""
    from load import report, verify

    events = verify.read_events(work / "events.jsonl")
    rows = database.stored_rows(run_id)
    orphans = database.orphan_audit_records(run.since)
    faults = run.faults
    windows = [verify.Window(f.name, f.at, f.window_end) for f in faults if not f.skipped]
    checked = verify.check(events, windows, rows, orphans)
    problems = checked.problems
    stored_markers = {row.marker for row in rows}
    for fault in faults:
        held = fault.detail.get("marker")
        if held:
            fault.detail["held_write_stored"] = held in stored_markers
            if held in stored_markers:
                problems.append(f"{fault.name}: the write held mid-transaction ({held}) is stored")
        if fault.detail.get("exit_status"):
            problems.append(f"{fault.name}: the restart command failed")
    counted = locust_counts(work / "locust_stats.csv")
    if counted and (
        counted[0] > checked.requests["total"] or counted[1] > checked.requests["failed"]
    ):
        problems.append(
            f"locust counted {counted[0]} requests ({counted[1]} failed), the event log fewer"
        )
    user_errors = [e for e in events if e.get("type") == "user_error"]
    if user_errors:
        problems.append(f"{len(user_errors)} errors inside the simulated users")
    if run.locust_status not in (0, 1):
        problems.append(f"locust ended with status {run.locust_status} (see locust.log)")
    log("audit_seal (no grace period) and audit_verify …")
    sealed, seal_output = command_output("audit_seal", grace_seconds=0)
    verified, verify_output = command_output("audit_verify")
    if not (sealed and verified):
        problems.append(f"the audit log does not verify: {verify_output or seal_output}")
    failed_seals = [r for r in run.seals if r["error"]]
    if any(verify.window_of(r["at"], r["at"], windows) is None for r in failed_seals):
        problems.append("audit seals failed outside the fault windows")
    return {
        "run_id": run_id,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "ok": not problems,
        "problems": problems,
        "settings": {
            "users": options.users,
            "duration_s": options.duration,
            "spawn_rate": options.spawn_rate,
            "workers": options.workers,
            "faults": options.faults,
            "seal_every_s": options.seal_every,
            "seal_grace_s": options.seal_grace,
            "database": database.database_name(run_url),
            "server": f"{urlsplit(run_url).hostname}:{urlsplit(run_url).port or 5432}",
        },
        "load": {"started": run.started, "ended": run.ended},
        "locust_counted": counted,
        "timeline": timeline(
            run.started, run.ended, options.users / options.spawn_rate, options.users, faults
        ),
        "users_seen": len({e.get("user") for e in events if e.get("type") == "request"}),
        "requests": checked.requests,
        "latency": report.latency(events),
        "writes": checked.writes,
        "faults": [f.as_dict() for f in faults],
        "recovery": {
            f.name: verify.recovery(
                events,
                verify.Window(f.name, f.at, f.window_end),
                f.ready,
                until=next((g.at for g in faults if g.at > f.at and not g.skipped), None),
            )
            for f in faults
            if not f.skipped
        },
        "seals": {
            "rounds": len(run.seals),
            "blocks": sum(r["blocks"] for r in run.seals),
            "failed": [
                {"after_s": round(r["at"] - run.started, 1), "error": r["error"]}
                for r in failed_seals
            ],
        },
        "audit": {"seal": seal_output, "verify": verify_output, "ok": sealed and verified},
        "user_errors": user_errors[:20],
        "work_dir": str(work),
    }
