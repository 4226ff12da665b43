"""The arithmetic of a load run: which requests failed and when, and whether every write the
server acknowledged is stored, whole, once, and where it was sent.

Plain Python over plain data (the locustfile's event log, the fault windows, the rows found in
the database), so that the rules can be tested without a run (tests/test_load.py).

Rules:
- A request fails when it gets anything but its one successful answer (see the locustfile).
  It counts inside a fault window when its time overlaps the window, else outside; the load
  itself must have no failure outside the windows.
- A write is *acknowledged* when the server answered it with its success redirect. Every
  acknowledged write must be stored (no lost writes). A write the server refused (a 4xx, or
  the form again) must not be stored. A write that got no answer or a 5xx is *in doubt*:
  stored or not, both are correct, as long as it is whole.
- A stored write is whole when its row has exactly the content sent, belongs to the account
  and case it was sent for, exists once, and has its audit record; and no audit record of a
  write of the run lacks its row.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from load.scenario import WRITE_KINDS


@dataclass(frozen=True)
class Window:
    """A fault's window: from the fault until the service answered again, plus a margin."""

    name: str
    start: float
    end: float


@dataclass(frozen=True)
class StoredRow:
    """A row found in the database carrying a marker of the run."""

    marker: str
    kind: str
    content_ok: bool
    audited: bool
    account: str | None
    case: str | None = None


@dataclass
class Check:
    """The outcome of the checks: `problems` empty means the run passed."""

    requests: dict[str, Any]
    writes: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_events(path: Path) -> list[dict[str, Any]]:
    """The locustfile's JSON lines (a torn last line, from a killed locust, is skipped)."""
    events: list[dict[str, Any]] = []
    if not path.exists():
        return events
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return events


def window_of(t0: float, t1: float, windows: Iterable[Window]) -> Window | None:
    """The first window the interval [t0, t1] overlaps."""
    for window in windows:
        if t0 <= window.end and t1 >= window.start:
            return window
    return None


def check_requests(events: list[dict[str, Any]], windows: list[Window]) -> dict[str, Any]:
    """Counts of requests and failures, outside and inside each fault window, by kind."""
    requests = [e for e in events if e.get("type") == "request"]
    failed = [e for e in requests if not e["ok"]]
    outside: list[dict[str, Any]] = []
    inside: dict[str, list[dict[str, Any]]] = {w.name: [] for w in windows}
    for event in failed:
        window = window_of(event["t0"], event["t1"], windows)
        if window is None:
            outside.append(event)
        else:
            inside[window.name].append(event)
    return {
        "total": len(requests),
        "ok": len(requests) - len(failed),
        "failed": len(failed),
        "failed_outside_windows": len(outside),
        "outside_kinds": dict(Counter(f"{e['name']}: {e['error']}" for e in outside)),
        "outside_examples": [_brief(e) for e in outside[:20]],
        "windows": {
            name: {
                "failed": len(found),
                "kinds": dict(Counter(str(e["error"]) for e in found)),
                "by_request": dict(Counter(str(e["name"]) for e in found)),
            }
            for name, found in inside.items()
        },
    }


def _brief(event: dict[str, Any]) -> dict[str, Any]:
    return {k: event.get(k) for k in ("t0", "t1", "name", "status", "error", "user")}


def check_writes(
    events: list[dict[str, Any]], stored: list[StoredRow], orphans: list[str]
) -> dict[str, Any]:
    """Writes attempted, acknowledged, refused, in doubt, stored; and what is wrong with them."""
    attempts = {e["marker"]: e for e in events if e.get("type") == "attempt"}
    results = {e["marker"]: e for e in events if e.get("type") == "write"}
    rows: dict[str, list[StoredRow]] = defaultdict(list)
    for row in stored:
        rows[row.marker].append(row)
    kinds: dict[str, dict[str, Any]] = {}
    for kind in WRITE_KINDS:
        mine = [m for m, a in attempts.items() if a["kind"] == kind]
        outcome = {m: results.get(m, {}).get("outcome", "unfinished") for m in mine}
        acknowledged = [m for m in mine if outcome[m] == "ack"]
        stored_here = [m for m in rows if rows[m][0].kind == kind]
        kinds[kind] = {
            "attempted": len(mine),
            "acknowledged": len(acknowledged),
            "refused": sum(1 for m in mine if outcome[m] == "refused"),
            "errors": sum(1 for m in mine if outcome[m] == "error"),
            "unfinished": sum(1 for m in mine if outcome[m] == "unfinished"),
            "stored": len(stored_here),
            "stored_acknowledged": sum(1 for m in acknowledged if m in rows),
            "lost": sorted(m for m in acknowledged if m not in rows),
            "stored_in_doubt": sorted(
                m for m in mine if outcome[m] in ("error", "unfinished") and m in rows
            ),
            "refused_but_stored": sorted(m for m in mine if outcome[m] == "refused" and m in rows),
        }
    partial: list[str] = []
    for mark, found in sorted(rows.items()):
        attempt = attempts.get(mark)
        row = found[0]
        if attempt is None:
            partial.append(f"{mark}: stored, but no request of the run sent it")
            continue
        if len(found) > 1:
            partial.append(f"{mark}: stored {len(found)} times")
        if not row.content_ok:
            partial.append(f"{mark}: content differs from what was sent")
        if not row.audited:
            partial.append(f"{mark}: no audit record")
        if row.account != attempt.get("account"):
            partial.append(
                f"{mark}: stored for {row.account!r}, sent by {attempt.get('account')!r}"
            )
        if attempt.get("case") is not None and row.case != attempt["case"]:
            partial.append(f"{mark}: stored in case {row.case}, sent to {attempt['case']}")
    partial += orphans
    totals = {
        key: sum(k[key] for k in kinds.values())
        for key in (
            "attempted",
            "acknowledged",
            "refused",
            "errors",
            "unfinished",
            "stored",
            "stored_acknowledged",
        )
    }
    return {
        **totals,
        "lost": sum(len(k["lost"]) for k in kinds.values()),
        "stored_in_doubt": sum(len(k["stored_in_doubt"]) for k in kinds.values()),
        "refused_but_stored": sum(len(k["refused_but_stored"]) for k in kinds.values()),
        "partial": partial,
        "kinds": kinds,
    }


def check(
    events: list[dict[str, Any]],
    windows: list[Window],
    stored: list[StoredRow],
    orphans: list[str],
) -> Check:
    """Every rule of the module docstring; each broken one is a problem."""
    requests = check_requests(events, windows)
    writes = check_writes(events, stored, orphans)
    problems = []
    if requests["total"] == 0:
        problems.append("no request was made")
    if requests["failed_outside_windows"]:
        problems.append(
            f"{requests['failed_outside_windows']} requests failed outside the fault windows"
        )
    if writes["acknowledged"] == 0:
        problems.append("no write was acknowledged")
    for kind, figures in writes["kinds"].items():
        if figures["lost"]:
            problems.append(
                f"{len(figures['lost'])} acknowledged {kind} writes are not stored "
                f"(lost): {', '.join(figures['lost'][:5])}"
            )
        if figures["refused_but_stored"]:
            problems.append(
                f"{len(figures['refused_but_stored'])} refused {kind} writes are stored: "
                f"{', '.join(figures['refused_but_stored'][:5])}"
            )
    if writes["partial"]:
        problems.append(
            f"{len(writes['partial'])} partial or stray records: {'; '.join(writes['partial'][:5])}"
        )
    return Check(requests=requests, writes=writes, problems=problems)


def recovery(
    events: list[dict[str, Any]], window: Window, ready: float, until: float | None = None
) -> dict[str, Any]:
    """How the requests fared around one fault: when failures stopped, and that the ones after
    it succeed again (the minute after the window, or until `until`, the next fault)."""
    requests = [e for e in events if e.get("type") == "request"]
    failed = [e for e in requests if not e["ok"] and window_of(e["t0"], e["t1"], [window])]
    end = min(window.end + 60, until if until is not None else float("inf"))
    after = [e for e in requests if window.end < e["t0"] and e["t1"] <= end]
    first_ok = min((e["t1"] for e in requests if e["ok"] and e["t0"] >= ready), default=None)
    return {
        "failed_in_window": len(failed),
        "last_failure_after_s": round(max(e["t1"] for e in failed) - window.start, 2)
        if failed
        else None,
        "first_success_after_ready_s": round(first_ok - window.start, 2)
        if first_ok is not None
        else None,
        "after_s": round(end - window.end, 1),
        "next_minute_ok": sum(1 for e in after if e["ok"]),
        "next_minute_failed": sum(1 for e in after if not e["ok"]),
    }
