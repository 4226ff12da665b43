"""The faults injected during a load run, from the orchestrator.

1. A gunicorn worker killed (SIGKILL) in the middle of a write: the orchestrator watches
   PostgreSQL for a transaction of the load database that has inserted a journal note or a
   feedback row and not yet committed (`pg_stat_activity`: idle in transaction, with a
   transaction id, last statement that INSERT), finds the gunicorn worker at the other end of
   that connection (its local port, /proc/net/tcp, the worker's open sockets), stops it
   (SIGSTOP), checks that the transaction is still open, and kills it. The master starts a new
   worker; PostgreSQL rolls the transaction back when the connection drops.
2. PostgreSQL restarted (`pg_ctlcluster <version> <cluster> restart`, fast shutdown) while a
   worker is held, the same way, between the two inserts of a write; the worker is let go
   once the server is back, and its request fails on the dead connection.

Each fault's window runs from the moment it is injected until the application answers
`/healthz` again with every worker up, plus a margin; requests overlapping it are counted apart
(load.verify). If no write can be caught in flight within the wait, the fault is injected
anyway and the report says so.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from load.scenario import MARKER_RE

WRITE_STATEMENTS = ('INSERT INTO "cases_journalnote"', 'INSERT INTO "portal_feedback"')
MARGIN_S = 3.0  # after the service answers again: requests already on their way


@dataclass
class Fault:
    """One fault: when it was injected, done, and answered for again, and what it hit."""

    name: str
    label: str
    at: float = 0.0  # injected
    done: float = 0.0  # the worker respawned / the restart command returned
    ready: float = 0.0  # /healthz answered 200 with every worker up
    detail: dict[str, Any] = field(default_factory=dict)
    skipped: str = ""

    @property
    def window_end(self) -> float:
        return self.ready + MARGIN_S

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "at": self.at,
            "done": self.done,
            "ready": self.ready,
            "window_end": self.window_end if self.ready else None,
            "detail": self.detail,
            "skipped": self.skipped,
        }


@dataclass(frozen=True)
class HeldWrite:
    """A gunicorn worker stopped while its transaction has written and not committed."""

    worker: int
    backend: int
    transaction: str
    statement: str  # the statement that made it a candidate
    held_after: str  # the last statement when it was held (the same, or the next insert)
    marker: str | None
    caught_after_s: float


def _socket_inode(local_port: int, remote_port: int) -> str | None:
    """The inode of the loopback TCP socket from `local_port` to `remote_port`."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                local, remote, inode = parts[1], parts[2], parts[9]
                if (
                    int(local.rsplit(":", 1)[1], 16) == local_port
                    and int(remote.rsplit(":", 1)[1], 16) == remote_port
                ):
                    return inode
    return None


def _socket_owner(inode: str, pids: list[int]) -> int | None:
    wanted = f"socket:[{inode}]"
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) == wanted:
                        return pid
    return None


_IN_FLIGHT = """
    SELECT pid, client_port, backend_xid::text, left(query, 4000)
    FROM pg_stat_activity
    WHERE datname = %s AND state = 'idle in transaction' AND backend_xid IS NOT NULL
      AND client_port IS NOT NULL AND pid <> pg_backend_pid()
"""


def hold_a_write(
    *, dsn: str, database: str, pg_port: int, workers: Callable[[], list[int]], wait: float
) -> HeldWrite | None:
    """Stop (SIGSTOP) a gunicorn worker in the middle of a write transaction, or None if none
    was caught within `wait` seconds. The last third of the wait takes any open write
    transaction, not only a journal note or feedback insert."""
    started = time.monotonic()
    deadline = started + wait
    with psycopg.connect(dsn, autocommit=True) as conn:
        while time.monotonic() < deadline:
            late = time.monotonic() > deadline - wait / 3
            for backend, port, xid, query in conn.execute(_IN_FLIGHT, (database,)).fetchall():
                if not late and not str(query).startswith(WRITE_STATEMENTS):
                    continue
                inode = _socket_inode(int(port), pg_port)
                worker = _socket_owner(inode, workers()) if inode else None
                if worker is None:
                    continue
                os.kill(worker, signal.SIGSTOP)
                time.sleep(0.05)  # a statement already on the wire finishes first
                row = conn.execute(
                    "SELECT state, backend_xid::text, left(query, 4000) FROM pg_stat_activity "
                    "WHERE pid = %s",
                    (backend,),
                ).fetchone()
                if row is not None and row[0] == "idle in transaction" and row[1] == xid:
                    found = MARKER_RE.search(str(query))
                    return HeldWrite(
                        worker=worker,
                        backend=int(backend),
                        transaction=str(xid),
                        statement=_statement(str(query)),
                        held_after=_statement(str(row[2])),
                        marker=found.group(0) if found else None,
                        caught_after_s=round(time.monotonic() - started, 2),
                    )
                os.kill(worker, signal.SIGCONT)  # it committed meanwhile: try another
            time.sleep(0.003)
    return None


def _statement(query: str) -> str:
    """`INSERT INTO "audit_auditrecord"`: the statement's kind and table, no values."""
    words = query.split()
    return " ".join(words[:3]) if words[:2] == ["INSERT", "INTO"] else " ".join(words[:2])


def _held_detail(held: HeldWrite | None) -> dict[str, Any]:
    if held is None:
        return {"mid_write": False}
    return {
        "mid_write": True,
        "worker_pid": held.worker,
        "statement": held.statement,
        "held_after": held.held_after,
        "transaction_id": held.transaction,
        "marker": held.marker,
        "caught_after_s": held.caught_after_s,
    }


def wait_until_serving(
    healthy: Callable[[], bool], timeout: float = 120.0, interval: float = 0.1
) -> float:
    """The time at which `healthy()` first held (raises after `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if healthy():
                return time.time()
        time.sleep(interval)
    raise RuntimeError(f"the application did not answer again within {timeout:.0f} s")


def kill_worker(
    *,
    dsn: str,
    database: str,
    pg_port: int,
    workers: Callable[[], list[int]],
    healthy: Callable[[], bool],
    wait: float = 30.0,
) -> Fault:
    fault = Fault("worker_kill", "gunicorn worker killed (SIGKILL)")
    held = hold_a_write(dsn=dsn, database=database, pg_port=pg_port, workers=workers, wait=wait)
    fault.label += " mid-write" if held else ", no write caught in flight"
    victim = held.worker if held else workers()[0]
    fault.at = time.time()
    os.kill(victim, signal.SIGKILL)
    fault.detail = {**_held_detail(held), "worker_pid": victim}
    deadline = time.monotonic() + 60
    while victim in workers() and time.monotonic() < deadline:
        time.sleep(0.05)
    fault.done = time.time()
    fault.ready = wait_until_serving(healthy)
    return fault


def restart_command(pg_port: int) -> list[str] | None:
    """`pg_ctlcluster <version> <cluster> restart` for the local cluster on `pg_port`."""
    try:
        listing = subprocess.run(
            ["pg_lsclusters", "--no-header"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[2] == str(pg_port):
            sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
            return [*sudo, "pg_ctlcluster", parts[0], parts[1], "restart"]
    return None


def restart_postgres(
    *,
    dsn: str,
    database: str,
    pg_port: int,
    workers: Callable[[], list[int]],
    healthy: Callable[[], bool],
    wait: float = 30.0,
) -> Fault:
    fault = Fault("postgres_restart", "PostgreSQL restarted (pg_ctlcluster restart)")
    command = restart_command(pg_port)
    if command is None:
        fault.skipped = f"no local PostgreSQL cluster on port {pg_port} (pg_lsclusters)"
        return fault
    held = hold_a_write(dsn=dsn, database=database, pg_port=pg_port, workers=workers, wait=wait)
    fault.label += " mid-write" if held else ", no write caught in flight"
    fault.at = time.time()
    try:
        finished = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    finally:
        if held is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(held.worker, signal.SIGCONT)
    fault.done = time.time()
    fault.detail = {
        **_held_detail(held),
        "command": " ".join(command),
        "exit_status": finished.returncode,
        "restart_s": round(fault.done - fault.at, 2),
    }
    if finished.returncode != 0:
        fault.detail["stderr"] = finished.stderr.strip()[-500:]
    fault.ready = wait_until_serving(healthy)
    return fault
