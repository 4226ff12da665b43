"""The load and fault scenario (`make load`, issue 11): the whole orchestrator for real at small
scale (5 people, 15 seconds, no faults, its own database beside DATABASE_URL's), and the checks
it makes on made-up runs, so that a lost, refused-but-stored or partial write is seen to fail
the run: a check that cannot fail would prove nothing.

The real run needs PostgreSQL (its database, its faults); on SQLite it is skipped. It runs in a
subprocess: locust patches its process with gevent, and the orchestrator sets Django up on its
own production settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from load import verify
from load.database import database_name, is_postgres
from load.scenario import FEEDBACK, MARKER_RE, NOTE, marker, totp

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")


@pytest.mark.skipif(not is_postgres(DATABASE_URL), reason="the load run needs PostgreSQL")
def test_a_small_load_run_answers_every_request_and_stores_every_write(tmp_path: Path) -> None:
    out = tmp_path / "reliability.md"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "load",
            "--users",
            "5",
            "--seconds",
            "15",
            "--no-faults",
            "--workers",
            "2",
            "--out",
            str(out),
            "--work-dir",
            str(tmp_path),
            "--database",
            f"{database_name(DATABASE_URL)}_load_test",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    results = json.loads(next(tmp_path.glob("*/results.json")).read_text())
    requests, writes = results["requests"], results["writes"]
    assert requests["total"] > 20 and requests["failed"] == 0
    assert writes["acknowledged"] > 0
    assert writes["stored"] == writes["acknowledged"] == writes["attempted"]
    assert writes["lost"] == 0 and writes["partial"] == []
    assert results["audit"]["ok"] and "Audit log OK" in results["audit"]["verify"]
    assert results["users_seen"] == 5
    text = out.read_text()
    assert "## Result: passed" in text
    assert f"**{writes['attempted']} attempted, {writes['acknowledged']} acknowledged" in text


# --- the checks, on made-up runs -------------------------------------------------------------

RUN = "0badcafe"


def _request(t: float, ok: bool = True, name: str = "staff: case page") -> dict[str, Any]:
    return {
        "type": "request",
        "name": name,
        "t0": t,
        "t1": t + 0.1,
        "ok": ok,
        "status": 200 if ok else 500,
        "error": None if ok else "HTTP 500",
        "user": "s000",
    }


def _write(mark: str, kind: str, outcome: str, t: float) -> list[dict[str, Any]]:
    attempt = {"type": "attempt", "kind": kind, "marker": mark, "t0": t, "account": "load.s000"}
    if kind == NOTE:
        attempt["case"] = "case-1"
    return [
        attempt,
        _request(t, ok=outcome == "ack", name="staff: case page: POST"),
        {"type": "write", "kind": kind, "marker": mark, "t0": t, "outcome": outcome},
    ]


def _row(mark: str, kind: str = NOTE, **changes: Any) -> verify.StoredRow:
    fields: dict[str, Any] = {
        "marker": mark,
        "kind": kind,
        "content_ok": True,
        "audited": True,
        "account": "load.s000",
        "case": "case-1" if kind == NOTE else None,
    }
    return verify.StoredRow(**{**fields, **changes})


A, B, C = (marker(RUN, "s000", n) for n in (1, 2, 3))
F = marker(RUN, "y000", 1)


def test_markers_are_unique_and_found_again():
    assert A != B and all(MARKER_RE.fullmatch(m) for m in (A, B, C, F))


def test_a_clean_run_passes():
    events = [*_write(A, NOTE, "ack", 10), *_write(F, FEEDBACK, "ack", 11), _request(12)]
    checked = verify.check(events, [], [_row(A), _row(F, FEEDBACK, case=None)], [])
    assert checked.ok, checked.problems
    assert checked.writes["attempted"] == checked.writes["acknowledged"] == 2
    assert checked.writes["stored"] == checked.writes["stored_acknowledged"] == 2


def test_an_acknowledged_write_that_is_not_stored_is_a_lost_write():
    events = [*_write(A, NOTE, "ack", 10), *_write(B, NOTE, "ack", 11)]
    checked = verify.check(events, [], [_row(A)], [])
    assert not checked.ok
    assert checked.writes["lost"] == 1 and checked.writes["kinds"][NOTE]["lost"] == [B]
    assert any("lost" in p and B in p for p in checked.problems)


def test_a_refused_write_must_not_be_stored_and_one_in_doubt_may_be():
    events = [*_write(A, NOTE, "ack", 10), *_write(B, NOTE, "refused", 11)]
    events += _write(C, NOTE, "error", 12)
    window = verify.Window("postgres_restart", 11.5, 13)
    checked = verify.check(events, [window], [_row(A), _row(B), _row(C)], [])
    assert checked.writes["stored_in_doubt"] == 1  # C: no answer, stored: allowed
    assert checked.writes["refused_but_stored"] == 1  # B: refused, stored: not allowed
    assert [p for p in checked.problems if "refused" in p] and len(checked.problems) == 2


def test_partial_duplicated_misplaced_and_stray_records_fail_the_run():
    events = [*_write(A, NOTE, "ack", 10), *_write(B, NOTE, "ack", 11), *_write(C, NOTE, "ack", 12)]
    rows = [
        _row(A, audited=False),
        _row(B, content_ok=False),
        _row(C),
        _row(C, case="case-2"),
        _row(marker(RUN, "s009", 7)),
    ]
    orphan = "audit record of cases.journalnote 123 whose row does not exist"
    checked = verify.check(events, [], rows, [orphan])
    partial = "\n".join(checked.writes["partial"])
    assert f"{A}: no audit record" in partial
    assert f"{B}: content differs" in partial
    assert f"{C}: stored 2 times" in partial
    assert "no request of the run sent it" in partial
    assert orphan in partial
    assert not checked.ok


def test_failures_count_against_the_run_only_outside_the_fault_windows():
    window = verify.Window("worker_kill", 100.0, 105.0)
    events = [*_write(A, NOTE, "ack", 10), _request(99.95, ok=False), _request(104.0, ok=False)]
    assert verify.check(events, [window], [_row(A)], []).ok
    late = [*events, _request(106.0, ok=False)]
    checked = verify.check(late, [window], [_row(A)], [])
    assert checked.requests["failed_outside_windows"] == 1
    assert checked.requests["windows"]["worker_kill"]["failed"] == 2
    assert not checked.ok
    recovered = verify.recovery([*events, _request(107.0), _request(108.0)], window, ready=102.0)
    assert recovered["failed_in_window"] == 2 and recovered["next_minute_ok"] == 2


def test_an_empty_run_fails():
    assert not verify.check([], [], [], []).ok


def test_the_simulated_authenticator_gives_django_otps_codes():
    from django_otp.oath import TOTP

    key = "3132333435363738393031323334353637383930"  # RFC 6238's SHA-1 test key
    assert totp(key, at=59) == "287082"  # RFC 6238, appendix B (last six digits)
    for at in (59, 1111111109, 2000000000):
        reference = TOTP(bytes.fromhex(key))
        reference.time = at
        assert totp(key, at=at) == f"{reference.token():06d}"
