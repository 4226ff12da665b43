"""Follow-up reports over large data as background runs, stored until the data changes
(issue 8, point 8): `samsyn.followup.jobs` and the report views."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import Measure, Period
from samsyn.followup import jobs, selectors
from samsyn.followup.models import ReportRun, RunStatus
from samsyn.organisations.models import Role
from tests import test_followup_report as report_tests
from tests.conftest import make_person
from tests.test_followup_report import _year, staff_client
from tests.test_meetings import activate, held, plan_meeting

REPORT_URL = reverse("followup:report")
CSV_URL = reverse("followup:export_csv")
XLSX_URL = reverse("followup:export_xlsx")
PDF_URL = reverse("followup:export_pdf")
CHART_URL = reverse("followup:chart", kwargs={"key": "oversikt"})
huddinge = report_tests.huddinge  # the fixture: ten youths of seed 001

PROGRESS = "Rapporten räknas fram"
REPORT = "Polisanmälningar per ungdom"  # a row of the before/after table: the report is shown


@pytest.fixture
def background(settings: Any) -> Any:
    """Every area is large: the report runs in the background."""
    settings.SAMSYN_REPORT_BACKGROUND_FROM = 0
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    return settings


def _only_run() -> ReportRun:
    (run,) = ReportRun.objects.all()
    return run


def _page(client: Any, url: str = REPORT_URL, **kwargs: Any) -> Any:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response


# --- the data fingerprint ---------------------------------------------------------------------


def test_the_fingerprint_is_one_query_and_stays_the_same_without_changes(world, huddinge):
    with CaptureQueriesContext(connection) as queries:
        first = jobs.fingerprint()
    assert len(queries) == 1
    assert jobs.fingerprint() == first


def test_the_fingerprint_changes_when_a_case_changes(world, huddinge):
    before = jobs.fingerprint()
    case = huddinge[0]
    case.summary = "Ny sammanfattning."
    case.save()
    assert jobs.fingerprint() != before


def test_the_fingerprint_changes_when_an_outcome_count_is_added(world, huddinge):
    before = jobs.fingerprint()
    cases.outcome_count_save(
        actor=world.police,
        case=huddinge[0],
        period=Period.AFTER,
        measure=Measure.CONVICTIONS,
        count=1,
    )
    assert jobs.fingerprint() != before


def test_the_fingerprint_changes_when_a_meeting_is_held(sig):
    activate(sig.case)
    meeting = plan_meeting(sig)
    before = jobs.fingerprint()
    held(sig, meeting)
    assert jobs.fingerprint() != before


def test_the_fingerprint_changes_when_a_row_is_deleted(world, huddinge):
    before = jobs.fingerprint()
    huddinge[0].outcomecounts.order_by("pk").first().delete()
    assert jobs.fingerprint() != before


def test_the_key_depends_on_area_period_threshold_and_language(world, settings):
    start, end = _year()
    scope = selectors.Scope(world.municipality)
    key = jobs.run_key(kind=jobs.OPERATIONAL, scope=scope, start=start, end=end, data="x")
    assert key == jobs.run_key(kind=jobs.OPERATIONAL, scope=scope, start=start, end=end, data="x")
    others = [
        jobs.run_key(kind=jobs.OPERATIONAL, scope=scope, start=start, end=end, data="y"),
        jobs.run_key(
            kind=jobs.OPERATIONAL,
            scope=selectors.Scope(world.municipality, world.district),
            start=start,
            end=end,
            data="x",
        ),
        jobs.run_key(
            kind=jobs.OPERATIONAL,
            scope=selectors.Scope(world.other_municipality),
            start=start,
            end=end,
            data="x",
        ),
        jobs.run_key(
            kind=jobs.OPERATIONAL, scope=selectors.Scope(None), start=start, end=end, data="x"
        ),
        jobs.run_key(
            kind=jobs.OPERATIONAL, scope=scope, start=start + timedelta(days=1), end=end, data="x"
        ),
    ]
    with translation.override("en"):
        others.append(
            jobs.run_key(kind=jobs.OPERATIONAL, scope=scope, start=start, end=end, data="x")
        )
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    others.append(jobs.run_key(kind=jobs.OPERATIONAL, scope=scope, start=start, end=end, data="x"))
    assert len({key, *others}) == len(others) + 1


# --- small areas: at once, and stored ---------------------------------------------------------


def test_a_small_area_is_computed_in_the_request_and_stored(world, huddinge, settings):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    client = staff_client(world.steering)
    response = _page(client)
    assert REPORT in response.content.decode() and "2,9" in response.content.decode()
    run = _only_run()
    assert run.status == RunStatus.DONE and run.result
    assert run.municipality == world.municipality and run.requested_by == world.steering


def test_a_second_identical_request_uses_the_stored_result(world, huddinge, settings, monkeypatch):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    client = staff_client(world.steering)
    first = _page(client).content.decode()

    def no(**kwargs: Any) -> None:
        raise AssertionError("computed again")

    monkeypatch.setattr(selectors, "operational_report", no)
    with CaptureQueriesContext(connection) as queries:
        second = _page(client).content.decode()
    # Session, person, device, roles, the area and its districts, the menu, the fingerprint,
    # the stored run: nothing of the report itself.
    sqls = [q["sql"] for q in queries.captured_queries]
    assert len(sqls) <= 14, sqls
    assert sum("cases_case" in sql for sql in sqls) == 1  # the fingerprint only
    assert "2,9" in second and second.count("<td>") == first.count("<td>")
    assert ReportRun.objects.count() == 1


def test_a_change_to_the_data_computes_the_report_again(world, huddinge, settings):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    client = staff_client(world.steering)
    _page(client)
    cases.outcome_count_save(
        actor=world.police,
        case=huddinge[0],
        period=Period.AFTER,
        measure=Measure.POLICE_REPORTS,
        count=11,  # 2 + 11 - 1 after: police reports after the start 0.9 -> 1.9
    )
    body = _page(client).content.decode()
    assert "1,9" in body
    assert ReportRun.objects.count() == 2


def test_a_stored_result_older_than_a_day_is_not_used(world, huddinge, settings, monkeypatch):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    client = staff_client(world.steering)
    _page(client)
    old = timezone.now() - jobs.KEEP - timedelta(minutes=1)
    ReportRun.objects.update(finished_at=old, updated_at=old)
    calls = []
    real = selectors.operational_report

    def counted(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(selectors, "operational_report", counted)
    assert "2,9" in _page(client).content.decode()
    assert len(calls) == 1 and _only_run().finished_at > old


# --- large areas: in the background -----------------------------------------------------------


def test_a_large_area_shows_progress_and_then_the_report(
    world, huddinge, background, django_capture_on_commit_callbacks
):
    client = staff_client(world.steering)
    with django_capture_on_commit_callbacks() as started:
        body = _page(client).content.decode()
    assert PROGRESS in body and REPORT not in body
    assert 'role="status"' in body and "<progress" in body and 'hx-trigger="every 2s"' in body
    assert len(started) == 1  # the run starts when the request's transaction commits
    run = _only_run()
    assert run.status == RunStatus.WAITING and run.steps_total == selectors.REPORT_STEPS

    # A second request while it waits joins the same run: nothing new is started.
    with django_capture_on_commit_callbacks() as again:
        assert PROGRESS in _page(client).content.decode()
    assert again == [] and ReportRun.objects.count() == 1

    jobs.run(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.steps_done == selectors.REPORT_STEPS
    body = _page(client).content.decode()
    assert REPORT in body and "2,9" in body and PROGRESS not in body


def test_the_run_reports_its_progress_step_by_step(world, huddinge, background, monkeypatch):
    client = staff_client(world.steering)
    _page(client)
    run = _only_run()
    seen = []
    real = selectors.operational_report

    def watched(**kwargs: Any) -> Any:
        progress = kwargs["progress"]

        def step(done: int, total: int) -> None:
            progress(done, total)
            current = ReportRun.objects.get(pk=run.pk)
            seen.append((current.status, current.steps_done, current.steps_total))

        return real(**{**kwargs, "progress": step})

    monkeypatch.setattr(selectors, "operational_report", watched)
    jobs.run(run.pk)
    total = selectors.REPORT_STEPS
    assert seen == [(RunStatus.RUNNING, i, total) for i in range(1, total + 1)]


def test_the_progress_page_asks_again_and_reloads_when_done(world, huddinge, background):
    client = staff_client(world.steering)
    _page(client)
    poll = _page(client, HTTP_HX_REQUEST="true")
    assert "rapport-lage" in poll.content.decode() and "HX-Refresh" not in poll
    jobs.run(_only_run().pk)
    done = client.get(REPORT_URL, HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and done["HX-Refresh"] == "true"


def test_a_run_that_fails_shows_an_error_and_can_be_tried_again(
    world, huddinge, background, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    client = staff_client(world.steering)
    query = {"fran": f"{_year()[0].year}-01-01"}
    _page(client, data=query)
    run = _only_run()
    real = selectors.operational_report

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("databasen svarade inte")

    monkeypatch.setattr(selectors, "operational_report", broken)
    with caplog.at_level(logging.ERROR, logger="samsyn.followup.jobs"):
        jobs.run(run.pk)
    assert "databasen svarade inte" in caplog.text
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "RuntimeError" in run.error
    body = _page(client, data=query).content.decode()
    assert "Rapporten kunde inte räknas fram" in body and "Försök igen" in body
    assert "RuntimeError" not in body  # the technical error is logged, not shown
    assert client.get(REPORT_URL, data=query, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"

    monkeypatch.setattr(selectors, "operational_report", real)
    with django_capture_on_commit_callbacks() as started:
        again = client.post(f"{REPORT_URL}?fran={query['fran']}")
    assert again.status_code == 302 and again["Location"] == f"{REPORT_URL}?fran={query['fran']}"
    assert len(started) == 1
    run.refresh_from_db()
    assert run.status == RunStatus.WAITING and run.attempt == 1 and run.error == ""
    jobs.run(run.pk)
    assert "2,9" in _page(client, data=query).content.decode()


def test_a_stale_run_is_started_again(
    world, huddinge, background, django_capture_on_commit_callbacks
):
    client = staff_client(world.steering)
    _page(client)
    run = _only_run()
    # Running, but moved 9 minutes ago: still alive, left alone.
    ReportRun.objects.update(
        status=RunStatus.RUNNING, updated_at=timezone.now() - timedelta(minutes=9)
    )
    with django_capture_on_commit_callbacks() as started:
        _page(client)
    assert started == [] and _only_run().status == RunStatus.RUNNING
    # Not moved for 11 minutes: its process died. Started again, once.
    ReportRun.objects.update(updated_at=timezone.now() - timedelta(minutes=11))
    with django_capture_on_commit_callbacks() as started:
        assert PROGRESS in _page(client).content.decode()
    assert len(started) == 1
    run.refresh_from_db()
    assert run.status == RunStatus.WAITING and run.attempt == 1
    jobs.run(run.pk)
    assert REPORT in _page(client).content.decode()


def test_a_run_given_up_for_dead_does_not_overwrite_its_successor(
    world, huddinge, background, monkeypatch
):
    client = staff_client(world.steering)
    _page(client)
    run = _only_run()
    real = selectors.operational_report

    def slow(**kwargs: Any) -> Any:
        # While this run computes, a request gives it up for dead and starts it again.
        assert jobs._restart(ReportRun.objects.get(pk=run.pk), requested_by=None)
        return real(**kwargs)

    monkeypatch.setattr(selectors, "operational_report", slow)
    jobs.run(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.WAITING and run.attempt == 1 and run.result is None


def test_a_waiting_run_is_taken_once(world, huddinge, background, monkeypatch):
    client = staff_client(world.steering)
    _page(client)
    run = _only_run()
    jobs.run(run.pk)
    monkeypatch.setattr(selectors, "operational_report", lambda **kwargs: 1 / 0)
    jobs.run(run.pk)  # done already: a second worker does nothing
    assert _only_run().status == RunStatus.DONE


def test_exports_go_to_the_progress_page_until_the_report_is_ready(world, huddinge, background):
    client = staff_client(world.steering)
    query = f"fran={_year()[0].isoformat()}&till={_year()[1].isoformat()}"
    for url in (CSV_URL, XLSX_URL):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 302 and response["Location"] == f"{REPORT_URL}?{query}"
    assert not AuditRecord.objects.filter(action=Action.EXPORT).exists()
    jobs.run(_only_run().pk)
    csv = client.get(f"{CSV_URL}?{query}")
    assert csv.status_code == 200 and "2,9" in b"".join(csv.streaming_content).decode("utf-8-sig")
    xlsx = client.get(f"{XLSX_URL}?{query}")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert AuditRecord.objects.filter(action=Action.EXPORT).count() == 2


def test_the_pdf_and_the_charts_wait_for_a_background_run(world, huddinge, background):
    client = staff_client(world.steering)
    pdf = client.get(PDF_URL)
    assert pdf.status_code == 302 and pdf["Location"] == REPORT_URL  # the page shows progress
    chart = client.get(CHART_URL)
    assert chart.status_code == 503 and chart["Retry-After"] == "10"
    assert not AuditRecord.objects.filter(action=Action.EXPORT).exists()
    assert _only_run().status == RunStatus.WAITING  # one run for them all, nothing computed
    jobs.run(_only_run().pk)
    assert client.get(PDF_URL).content[:5] == b"%PDF-"
    assert client.get(CHART_URL)["Content-Type"].startswith("image/svg+xml")


def test_a_result_is_only_seen_by_viewers_of_the_same_area(world, huddinge, background):
    mine = staff_client(world.steering)
    _page(mine)
    jobs.run(_only_run().pk)
    assert REPORT in _page(mine).content.decode()
    # Another municipality's styrgrupp asks the same question: their own run, not this result.
    other = make_person("styrgrupp.annan", world.outsider_org, Role.STEERING)
    theirs = staff_client(other)
    body = _page(theirs, data={"kommun": str(world.municipality.pk)}).content.decode()
    assert PROGRESS in body and "Testkommun" not in body and "Grannkommun" in body
    assert ReportRun.objects.filter(municipality=world.other_municipality).count() == 1
    # People without a report role get 404, whatever they ask for.
    for person in (world.coordinator, world.outsider):
        client = staff_client(person)
        assert client.get(REPORT_URL).status_code == 404
        assert client.post(REPORT_URL).status_code == 404
        assert client.get(CSV_URL).status_code == 404


def test_the_run_can_go_through_django_tasks(
    world, huddinge, background, django_capture_on_commit_callbacks
):
    background.SAMSYN_REPORT_RUNNER = "task"
    background.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = staff_client(world.steering)
    with django_capture_on_commit_callbacks(execute=True):
        _page(client)
    assert _only_run().status == RunStatus.DONE
    assert REPORT in _page(client).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_background_thread_turns_the_progress_page_into_the_report(world, huddinge, background):
    client = staff_client(world.steering)
    assert PROGRESS in _page(client).content.decode()  # the thread starts on commit
    # Wait on the thread rather than reading the run over and over: the in-memory SQLite
    # test database locks a table that one connection reads while another writes it.
    (thread,) = [t for t in threading.enumerate() if t.name.startswith("report-run-")]
    thread.join(timeout=30)
    assert _only_run().status == RunStatus.DONE
    body = _page(client).content.decode()
    assert REPORT in body and "2,9" in body


def test_a_new_result_computed_in_the_request_clears_out_results_too_old_to_use(
    world, huddinge, settings
):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    client = staff_client(world.steering)
    _page(client)
    old = timezone.now() - jobs.KEEP - timedelta(minutes=1)
    ReportRun.objects.update(finished_at=old, updated_at=old)
    (kept,) = ReportRun.objects.values_list("key", flat=True)
    _page(client, f"{REPORT_URL}?fran={timezone.localdate().year}-02-01")  # a new question
    assert list(ReportRun.objects.values_list("key", flat=True)) != [kept]
    assert ReportRun.objects.count() == 1
