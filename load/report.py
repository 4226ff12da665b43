"""docs/reliability.md, written whole from a run's results (load.run): nothing in it is typed
by hand, so every figure is from the run it names."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from importlib import metadata
from typing import Any

from bench.measure import percentile
from load.scenario import WRITE_KINDS

THINK_TIMES = "staff 3–8 s, youths 4–10 s between tasks"


def latency(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per kind of request: how many, how many failed, and p50/p95/max of the successful
    ones (nearest rank, ms)."""
    times: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for event in events:
        if event.get("type") != "request":
            continue
        counts[event["name"]][0] += 1
        if event["ok"]:
            times[event["name"]].append(float(event["ms"]))
        else:
            counts[event["name"]][1] += 1
    rows = []
    for name in sorted(counts):
        samples = times.get(name, [])
        rows.append(
            {
                "name": name,
                "requests": counts[name][0],
                "failed": counts[name][1],
                "p50_ms": round(percentile(samples, 0.5), 1) if samples else None,
                "p95_ms": round(percentile(samples, 0.95), 1) if samples else None,
                "max_ms": round(max(samples), 1) if samples else None,
            }
        )
    return rows


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _clock(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).astimezone().strftime("%H:%M:%S")


def _kinds(kinds: dict[str, int]) -> str:
    if not kinds:
        return "none"
    return "; ".join(f"{n} × {kind}" for kind, n in sorted(kinds.items(), key=lambda i: -i[1]))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def markdown(result: dict[str, Any]) -> str:
    s = result["settings"]
    m = result["machine"]
    r = result["requests"]
    w = result["writes"]
    load = result["load"]
    seconds = max(1.0, load["ended"] - load["started"])
    verdict = "passed" if result["ok"] else "FAILED"
    lines = [
        "# Reliability under load and faults",
        "",
        "Written by `python -m load` (`make load`, issue 11) from the run it describes; do not "
        "edit by hand, run it again. Simulated staff and youths use samsyn through gunicorn "
        "and PostgreSQL on loopback while a gunicorn worker is killed and PostgreSQL is "
        "restarted, each in the middle of a write; afterwards every write is counted in the "
        "database and the audit chain is verified.",
        "",
        f"Run `{result['run_id']}`, finished {result['finished_at']}, {result['elapsed_s']} s "
        "in all (database, accounts, load, checks).",
        "",
        f"## Result: {verdict}",
        "",
    ]
    if result["problems"]:
        lines += [f"- **Problem:** {p}" for p in result["problems"]]
        lines.append("")
    lines += [
        f"- Requests: **{r['total']:,}** ({r['total'] / seconds:.1f}/s), failed **{r['failed']}**: "
        f"**{r['failed_outside_windows']} outside the fault windows**, "
        f"{r['failed'] - r['failed_outside_windows']} inside them.",
        f"- Writes: **{w['attempted']:,} attempted, {w['acknowledged']:,} acknowledged, "
        f"{w['stored']:,} stored**; every acknowledged write stored: "
        f"{w['stored_acknowledged']:,} of {w['acknowledged']:,} (lost: {w['lost']}); "
        f"refused {w['refused']}, no answer or 5xx {w['errors']} (of which stored: "
        f"{w['stored_in_doubt']}), unfinished at the end {w['unfinished']}.",
        f"- Partial or stray records: {len(w['partial'])}.",
        f"- Audit chain after the run: {'verifies' if result['audit']['ok'] else 'BROKEN'} "
        f"(`{result['audit']['verify']}`).",
    ]
    for fault in result["faults"]:
        if fault["skipped"]:
            lines.append(f"- {fault['label']}: skipped, {fault['skipped']}.")
            continue
        rec = result["recovery"][fault["name"]]
        window = r["windows"].get(fault["name"], {})
        lines.append(
            f"- {fault['label']} at {fault['at'] - load['started']:.0f} s: answered again after "
            f"{fault['ready'] - fault['at']:.1f} s, {window.get('failed', 0)} requests failed in "
            f"its window, then {rec['next_minute_ok']:,} succeeded and "
            f"{rec['next_minute_failed']} failed in the {rec['after_s']:.0f} s after it."
        )
    staff, portal = result["accounts"]["staff"], result["accounts"]["portal"]
    lines += [
        "",
        "## What was run",
        "",
        f"- {s['users']} simulated people (locust {_version('locust')}, headless, weights 3 staff "
        f": 2 youths), started at {s['spawn_rate']:g} per second, for {s['duration_s']} s; "
        f"{THINK_TIMES}. {result['users_seen']} made requests.",
        f"- Staff: {staff} accounts modelled on the demo's case officer, police officer and "
        "school counsellor, each a member of three ongoing cases, signing in with password and "
        "TOTP; they read the start page, the work list, their case pages, plans, meeting lists "
        "and meetings, and write journal notes through the case page's form.",
        f"- Youths and guardians: {portal} portal accounts made by invitation (shared when "
        "there are more simulated youths than accounts); they read the portal's start page, "
        "plan, meetings, consents, who has seen their data and What is a SIG, and send "
        "feedback.",
        f"- gunicorn {_version('gunicorn')}, {s['workers']} sync workers, the project's "
        "gunicorn.conf.py; production settings (no debug, a random secret key, "
        "ALLOWED_HOSTS=127.0.0.1, no TLS redirect or secure cookies on loopback); database "
        "connections kept for 60 s and checked before reuse, as the settings give them.",
        f"- PostgreSQL {m['db_version']} on {s['server']} (shared with other work), psycopg "
        f"{m['psycopg']}; the run's database `{s['database']}`: {s['database_made']}.",
        f"- Machine: {m['cpu_model']}, {m['cpu_count']} cores ({m['cpus_usable']} usable), "
        f"{m['ram_gb']} GB RAM, load average {' '.join(m['load_average'])} before the run "
        "(shared with other work); locust, gunicorn and PostgreSQL on the same 2 cores. "
        f"Python {m['python']}, Django {m['django']}.",
        f"- The audit log sealed every {s['seal_every_s']:g} s during the run (grace "
        f"{s['seal_grace_s']} s), as production does every minute; at the end "
        "`manage.py audit_seal` with no grace period and `manage.py audit_verify`.",
        "",
        "## Requests",
        "",
        "Times of the successful requests, ms, nearest rank. A request fails when it gets "
        "anything but its one successful answer: 200 for a page, a redirect to the right place "
        "for a form (redirects are not followed).",
        "",
        "| request | requests | failed | p50 | p95 | max |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for row in result["latency"]:
        lines.append(
            f"| {row['name']} | {row['requests']:,} | {row['failed']} | {_ms(row['p50_ms'])} "
            f"| {_ms(row['p95_ms'])} | {_ms(row['max_ms'])} |"
        )
    lines.append(f"| **all** | **{r['total']:,}** | **{r['failed']}** | | | |")
    lines += [
        "",
        f"Failed outside the fault windows: {r['failed_outside_windows']}"
        + (f" ({_kinds(r['outside_kinds'])})" if r["outside_kinds"] else "")
        + ".",
        "",
        "## Writes",
        "",
        "Each write carries a unique marker; afterwards the rows carrying the run's markers are "
        "counted. *Acknowledged*: the server answered with the success redirect; *in doubt*: no "
        "answer or a 5xx (stored or not, both are correct). A stored row must have exactly the "
        "content sent, the account and case it was sent for, exist once and have its audit "
        "record; no audit record of the run's writes may lack its row.",
        "",
        "| write | attempted | acknowledged | refused | no answer / 5xx | unfinished "
        "| stored | acknowledged and stored | in doubt and stored | lost |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for kind, k in w["kinds"].items():
        lines.append(
            f"| {WRITE_KINDS[kind]} | {k['attempted']:,} | {k['acknowledged']:,} | {k['refused']} "
            f"| {k['errors']} | {k['unfinished']} | {k['stored']:,} "
            f"| {k['stored_acknowledged']:,} | {len(k['stored_in_doubt'])} | {len(k['lost'])} |"
        )
    lines.append(
        f"| **all** | **{w['attempted']:,}** | **{w['acknowledged']:,}** | {w['refused']} "
        f"| {w['errors']} | {w['unfinished']} | **{w['stored']:,}** "
        f"| {w['stored_acknowledged']:,} | {w['stored_in_doubt']} | **{w['lost']}** |"
    )
    lines += ["", f"Partial or stray records: {len(w['partial'])}."]
    lines += [f"- {p}" for p in w["partial"][:20]]
    lines += ["", "## Faults", ""]
    if not result["faults"]:
        lines += ["None (`--no-faults`).", ""]
    else:
        lines += ["| s into the load | what |", "|--:|---|"]
        lines += [f"| {t:.1f} | {what} |" for t, what in result["timeline"]]
        lines.append("")
    for fault in result["faults"]:
        lines.append(f"### {fault['label']}")
        lines.append("")
        if fault["skipped"]:
            lines += [f"Skipped: {fault['skipped']}.", ""]
            continue
        d = fault["detail"]
        rec = result["recovery"][fault["name"]]
        window = r["windows"].get(fault["name"], {})
        if d.get("mid_write"):
            held = (
                f"Caught in flight after {d['caught_after_s']} s of watching: worker "
                f"{d['worker_pid']}, transaction {d['transaction_id']} open after "
                f"`{d['statement']}`"
                + (f" (write `{d['marker']}`)" if d.get("marker") else "")
                + "; the worker was stopped (SIGSTOP) and the transaction seen still open, "
                f"uncommitted, its last statement `{d['held_after']}`, before the fault."
            )
            if "held_write_stored" in d:
                held += " That write is " + (
                    "**stored** (it should not be)." if d["held_write_stored"] else "not stored."
                )
        else:
            held = "No write was caught in flight within the wait; the fault hit regardless."
        lines += [
            f"- At {_clock(fault['at'])} ({fault['at'] - load['started']:.0f} s into the load). "
            + held,
        ]
        if fault["name"] == "postgres_restart":
            lines.append(
                f"- `{d.get('command')}` took {d.get('restart_s')} s "
                f"(exit status {d.get('exit_status')})."
            )
        else:
            lines.append(
                f"- gunicorn had started a new worker {fault['done'] - fault['at']:.1f} s later."
            )
        lines += [
            f"- `/healthz` answered 200 with every worker up {fault['ready'] - fault['at']:.1f} s "
            f"after the fault; the window ends {fault['window_end'] - fault['ready']:.0f} s after "
            "that.",
            f"- Failed requests in the window: {window.get('failed', 0)} "
            f"({_kinds(window.get('kinds', {}))}); by request: "
            f"{_kinds(window.get('by_request', {}))}.",
            "- Last failure ended "
            + (
                f"{rec['last_failure_after_s']} s after the fault"
                if rec["last_failure_after_s"] is not None
                else "– (none failed)"
            )
            + f"; in the {rec['after_s']:.0f} s after the window {rec['next_minute_ok']:,} "
            f"requests succeeded and {rec['next_minute_failed']} failed.",
            "",
        ]
    seals = result["seals"]
    lines += [
        "## Audit log",
        "",
        f"- During the run: {seals['rounds']} sealing rounds, {seals['blocks']} blocks sealed"
        + (
            "; failed rounds: "
            + ", ".join(f"{x['after_s']} s ({x['error']})" for x in seals["failed"])
            if seals["failed"]
            else ", none failed"
        )
        + ".",
        f"- After the run: `{result['audit']['seal']}` then `{result['audit']['verify']}`",
        "",
        "## Reproduce",
        "",
        "```sh",
        "make load                                   # 100 users, 10 minutes, faults",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python -m load --help",
        ".venv/bin/python -m load --users 20 --minutes 2 --no-faults",
        "```",
        "",
        "It needs PostgreSQL on this machine (the restart uses `pg_ctlcluster`, as root or "
        "with sudo) and uses a database of its own beside DATABASE_URL's (`<name>_load`, "
        "dropped afterwards unless `--keep`; the demo data is kept as `<name>_load_template` "
        "for the next run). Each run's logs, accounts, locust CSV and `results.json` are in "
        f"`var/load/` (this run: `{result['work_dir'].split('/var/load/')[-1]}`). "
        "tests/test_load.py runs the same orchestrator with 5 users for 15 seconds, without "
        "faults.",
        "",
    ]
    return "\n".join(lines)
