"""Follow-up reports over large data as background runs, and their stored results as the cache
(issue 8, point 8).

A `ReportRun` row is both the job and the cache. Its key is a hash of everything the report
depends on: the kind of report, the area (municipality and district), the period, the
suppression threshold, the language (the tables carry translated titles), the report code
(`CODE_VERSION`) and a *fingerprint of the data*. The same question over unchanged data finds
the same row and its stored result, in every process; any change to the data gives a new key,
and the old result is simply never asked for again (rows older than `KEEP` are deleted whenever
a new row is made, in the request or for the background).

The data fingerprint (`fingerprint`) is one query: the number of rows and the newest
`updated_at` of every table the reports read (`FINGERPRINT_MODELS`). An insert changes the
count and the newest time, a delete the count, a `save()` the newest time (`auto_now`; the
services' `save(update_fields=...)` name `updated_at` too). What it cannot see:

- a `queryset.update()` that does not set `updated_at` (in this code base only the demo data
  generator and the tests back-date cases that way; every state change through the services
  saves the case with `updated_at` and writes a `CaseTransition` row);
- a change saved with an `updated_at` older than the newest one already seen (a transaction
  that commits long after it saved, or app servers with skewed clocks).

Both are bounded by `KEEP`: a stored result older than that is computed again.

When the report is computed:

- areas with fewer than `SAMSYN_REPORT_BACKGROUND_FROM` cases (default 2000) at once, in the
  request (the result is stored all the same);
- larger areas in the background: the request creates the run and starts it when its
  transaction commits, in a thread of the web process (`SAMSYN_REPORT_RUNNER = "thread"`,
  the default) or as a django-tasks task for `manage.py db_worker` (`"task"`). The page shows
  the progress and turns into the report when it is done; a second request for the same
  report joins the same run. A run that has not moved for `STALE_AFTER` (its process died) is
  started again; `attempt` keeps the dead one from writing over its successor.

Who may read a result is decided before this module is asked: the views resolve the area from
the viewer (`selectors.report_scope`, 404 for everyone else), and the area is part of the key.
Run ids never appear in URLs.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, models, transaction
from django.db.models import F
from django.utils import timezone, translation
from django_tasks import task

from samsyn.cases.models import Case, CaseTransition, Closure, OutcomeCount, Referral, Youth
from samsyn.followup import selectors
from samsyn.followup.models import ReportRun, RunStatus
from samsyn.lib import suppression
from samsyn.meetings.models import Meeting
from samsyn.organisations.models import District, LocalPolicy, Municipality, Person
from samsyn.plans.models import GoalReview, SubGoal

logger = logging.getLogger(__name__)

OPERATIONAL = "verksamhet"  # the kind of the operational report (the only kind so far)

STALE_AFTER = timedelta(minutes=10)  # a waiting or running run that has not moved is dead
KEEP = timedelta(hours=24)  # a stored result is used for at most this long

# The tables the follow-up reports read, or will (goal attainment, meetings within cadence).
FINGERPRINT_MODELS: tuple[type[models.Model], ...] = (
    Case,
    CaseTransition,
    Closure,
    Referral,
    OutcomeCount,
    Youth,
    SubGoal,
    GoalReview,
    Meeting,
    District,
    Municipality,
    LocalPolicy,
)

# The report's code (its queries and the suppression): a result computed by other code
# (before a deploy) is not used.
CODE_VERSION = hashlib.sha256(
    Path(selectors.__file__).read_bytes()
    + Path(suppression.__file__).read_bytes()
    + str(selectors.REPORT_STEPS).encode()
).hexdigest()[:16]


def background_from() -> int:
    return int(settings.SAMSYN_REPORT_BACKGROUND_FROM)


def runner() -> str:
    return str(settings.SAMSYN_REPORT_RUNNER)


def fingerprint() -> str:
    """A hash of the row count and newest change of every table the reports read: one query."""
    quote = connection.ops.quote_name
    newest = quote("updated_at")
    # Table and column names from the models, quoted: no input reaches this SQL.
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*), MAX({newest}) FROM {quote(model._meta.db_table)}"  # noqa: S608
        for i, model in enumerate(FINGERPRINT_MODELS)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = sorted(cursor.fetchall())
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def run_key(
    *, kind: str, scope: selectors.Scope, start: date, end: date, data: str | None = None
) -> str:
    """The key of the report: the question and the state of the data it is asked of."""
    parts = [
        kind,
        CODE_VERSION,
        str(scope.municipality.pk) if scope.municipality is not None else "*",
        str(scope.district.pk) if scope.district is not None else "*",
        start.isoformat(),
        end.isoformat(),
        str(suppression.threshold()),
        translation.get_language() or "",
        data if data is not None else fingerprint(),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _load(run: ReportRun, scope: selectors.Scope) -> selectors.Report | None:
    """The stored report, with the area as the viewer's request resolved it (the same area:
    it is part of the key). None when it cannot be read (then it is computed again)."""
    if run.result is None:
        return None
    try:
        report = pickle.loads(bytes(run.result))  # noqa: S301  (written by `_dump` only)
    except Exception:
        logger.warning("Stored report run %s could not be read; computing it again", run.pk)
        return None
    if not isinstance(report, selectors.Report):
        return None
    report.scope = scope
    return report


def _dump(report: selectors.Report) -> bytes:
    return pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)


def _fresh(run: ReportRun, now: datetime) -> bool:
    return run.status == RunStatus.DONE and (run.finished_at or run.updated_at) >= now - KEEP


def _stale(run: ReportRun, now: datetime) -> bool:
    return run.in_progress and run.updated_at < now - STALE_AFTER


def obtain(
    *,
    scope: selectors.Scope,
    start: date,
    end: date,
    requested_by: Person | None,
) -> selectors.Report | ReportRun:
    """The report, stored or computed now; or, for a large area, the run that is computing it
    (waiting, running, or failed: the caller shows its progress)."""
    key = run_key(kind=OPERATIONAL, scope=scope, start=start, end=end)
    run = ReportRun.objects.filter(key=key).first()
    now = timezone.now()
    if run is not None and _fresh(run, now):
        report = _load(run, scope)
        if report is not None:
            return report
    if (run is None or not run.in_progress) and _small(scope):
        return _compute_now(key=key, scope=scope, start=start, end=end, requested_by=requested_by)
    if run is None:
        return _create(key=key, scope=scope, start=start, end=end, requested_by=requested_by)
    if run.status == RunStatus.DONE or _stale(run, now):
        # Too old to use, unreadable, or given up for dead: compute it again.
        _restart(run, requested_by=requested_by)
        run.refresh_from_db()
    return run


def retry(*, scope: selectors.Scope, start: date, end: date, requested_by: Person | None) -> None:
    """Start a failed run of this report again (nothing when it has not failed)."""
    key = run_key(kind=OPERATIONAL, scope=scope, start=start, end=end)
    run = ReportRun.objects.filter(key=key, status=RunStatus.FAILED).first()
    if run is not None:
        _restart(run, requested_by=requested_by)


def _small(scope: selectors.Scope) -> bool:
    """Fewer cases in the area than the background limit (counted no further than it)."""
    limit = background_from()
    return limit > 0 and selectors.area_cases(scope)[:limit].count() < limit


def _fields(*, scope: selectors.Scope, start: date, end: date) -> dict[str, Any]:
    return {
        "kind": OPERATIONAL,
        "municipality": scope.municipality,
        "district": scope.district,
        "period_start": start,
        "period_end": end,
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "threshold": suppression.threshold(),
        "steps_total": selectors.REPORT_STEPS,
    }


def _compute_now(
    *,
    key: str,
    scope: selectors.Scope,
    start: date,
    end: date,
    requested_by: Person | None,
) -> selectors.Report:
    """Compute in this request and store the result for the next one."""
    report = selectors.operational_report(scope=scope, start=start, end=end)
    now = timezone.now()
    _run, created = ReportRun.objects.update_or_create(
        key=key,
        defaults={
            **_fields(scope=scope, start=start, end=end),
            "status": RunStatus.DONE,
            "steps_done": selectors.REPORT_STEPS,
            "result": _dump(report),
            "error": "",
            "started_at": now,
            "finished_at": now,
            "requested_by": requested_by,
        },
    )
    if created:
        _prune()
    return report


def _prune() -> None:
    """Results too old to be used again are deleted (the table holds one row per question)."""
    ReportRun.objects.filter(updated_at__lt=timezone.now() - KEEP).delete()


def _create(
    *,
    key: str,
    scope: selectors.Scope,
    start: date,
    end: date,
    requested_by: Person | None,
) -> ReportRun:
    """A new run, started when this transaction commits; a concurrent request that created
    the same run first is joined instead."""
    with transaction.atomic():
        run, created = ReportRun.objects.get_or_create(
            key=key,
            defaults={**_fields(scope=scope, start=start, end=end), "requested_by": requested_by},
        )
        if created:
            _prune()
            pk = run.pk
            transaction.on_commit(lambda: start_run(pk))
    return run


def _restart(run: ReportRun, *, requested_by: Person | None) -> bool:
    """Put the run back in the queue and start it; False when another request did first."""
    with transaction.atomic():
        restarted = ReportRun.objects.filter(pk=run.pk, attempt=run.attempt).update(
            status=RunStatus.WAITING,
            attempt=F("attempt") + 1,
            steps_done=0,
            result=None,
            error="",
            started_at=None,
            finished_at=None,
            requested_by=requested_by,
            updated_at=timezone.now(),
        )
        if restarted:
            pk = run.pk
            transaction.on_commit(lambda: start_run(pk))
    return bool(restarted)


def start_run(pk: int) -> None:
    """Start the run in the background, the way the settings say."""
    if runner() == "task":
        build_report.enqueue(pk)
        return
    threading.Thread(target=_in_thread, args=(pk,), name=f"report-run-{pk}", daemon=True).start()


def _in_thread(pk: int) -> None:
    try:
        run(pk)
    finally:
        connection.close()  # the thread's own connection


@task()
def build_report(pk: int) -> None:
    """The run as a django-tasks task (`SAMSYN_REPORT_RUNNER = "task"`, `manage.py db_worker`)."""
    run(pk)


def run(pk: int) -> None:
    """Compute a waiting run and store its result (or its failure). Nothing when the run is
    not waiting: another thread or worker took it."""
    now = timezone.now()
    claimed = ReportRun.objects.filter(pk=pk, status=RunStatus.WAITING).update(
        status=RunStatus.RUNNING, started_at=now, updated_at=now, steps_done=0
    )
    if not claimed:
        return
    job = ReportRun.objects.select_related("municipality", "district").get(pk=pk)
    mine = ReportRun.objects.filter(pk=pk, attempt=job.attempt, status=RunStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        # The progress is for the waiting reader only: a step that cannot be written now
        # (a busy SQLite file) must not fail the report, the next step writes it again.
        try:
            mine.update(steps_done=done, steps_total=total, updated_at=timezone.now())
        except OperationalError:
            logger.warning("Report run %s: progress %s/%s not written", pk, done, total)

    try:
        with translation.override(job.language):
            report = selectors.operational_report(
                scope=selectors.Scope(job.municipality, job.district),
                start=job.period_start,
                end=job.period_end,
                progress=progress,
            )
    except Exception as error:
        logger.exception("Report run %s failed", pk)
        now = timezone.now()
        mine.update(
            status=RunStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=now,
            updated_at=now,
        )
        return
    now = timezone.now()
    mine.update(
        status=RunStatus.DONE,
        result=_dump(report),
        steps_done=selectors.REPORT_STEPS,
        finished_at=now,
        updated_at=now,
    )
