"""Retention (gallring, issue 9): rules per municipality, legal hold, dry run, erasure and
pseudonymisation, audit blocks, the command, the task and the pages. The clock is frozen."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import Action, AuditRecord, AuditSeal
from samsyn.audit.services import audit_record, audit_seal, audit_verify
from samsyn.cases import services as cases
from samsyn.cases.models import (
    Case,
    CaseState,
    Guardian,
    JournalNote,
    Measure,
    OutcomeCount,
    Period,
    Youth,
)
from samsyn.consent import services as consents
from samsyn.consent.models import Consent, ConsentForm, DataCategory, GiverRole
from samsyn.followup import selectors as followup
from samsyn.meetings.models import Meeting, MeetingStatus
from samsyn.portal.models import Feedback, PortalAccount
from samsyn.retention import services
from samsyn.retention.models import (
    ErasureRecord,
    LegalHold,
    RetentionAction,
    RetentionKind,
    RetentionRule,
)
from samsyn.retention.tasks import run_retention
from tests.conftest import inform

T0 = date(2027, 1, 15)  # the cases are closed
RUN = date(2032, 3, 1)  # five years and six weeks later
TZ = "Europe/Stockholm"


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def travel(day: date) -> Any:
    return time_machine.travel(at(day), tick=False)


def _case(world: Any, first: str, personnummer: str) -> Case:
    case = cases.case_create(
        actor=world.coordinator,
        first_name=first,
        last_name="Gallringsson",
        personnummer=personnummer,
        reason="Misstänkt stöld.",
        district=world.district,
        address="Gallringsgatan 3",
        phone="070-7654321",
        school="Gallringsskolan",
    )
    cases.member_add(actor=world.coordinator, case=case, person=world.police)
    inform(case, world.coordinator)
    return case


def _closed(case: Case, on: date) -> None:
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.CLOSED, closed_on=on, state_since=at(on), started_on=case.opened_on
    )


def _meeting(case: Case, day: date, minutes: str) -> Meeting:
    return Meeting.objects.create(
        case=case,
        owner=case.owner,
        category=DataCategory.objects.get(slug="plan"),
        created_by=case.coordinator,
        starts_at=at(day, 9),
        ends_at=at(day, 10),
        status=MeetingStatus.HELD,
        held_on=day,
        minutes=minutes,
        location="Ungdomens skola",
    )


@dataclass
class Scene:
    world: Any
    due: Case  # closed at T0: due at RUN
    held: Case  # closed at T0, on legal hold
    recent: Case  # closed 2030: not due at RUN
    active: Case  # still running
    consent_file: str
    revoked: Consent
    live: Consent
    old_meeting: Meeting
    new_meeting: Meeting
    feedback: Feedback


@pytest.fixture
def scene(world: Any) -> Scene:
    school = DataCategory.objects.get(slug="skola")
    with travel(T0 - timedelta(days=30)):
        due = _case(world, "Alex", "20100521-0016")
        held = _case(world, "Bea", "20110304-0026")
        recent = _case(world, "Cem", "20120405-0031")
        active = _case(world, "Dana", "20080606-0042")
        mother = cases.guardian_add(
            actor=world.coordinator, case=due, first_name="Maria", last_name="Gallringsson"
        )
        consent = consents.consent_record(
            actor=world.coordinator,
            case=due,
            categories=[school],
            recipients=[world.recipient_org],
            givers=[
                consents.Giver(GiverRole.GUARDIAN, mother),
                consents.Giver(GiverRole.YOUTH, None),
            ],
            form=ConsentForm.WRITTEN,
            document=SimpleUploadedFile("samtycke.pdf", b"%PDF-1.4 Maria", "application/pdf"),
            given_on=T0 - timedelta(days=30),
        )
        for case in (due, held, recent):
            cases.note_create(
                actor=world.coordinator,
                case=case,
                category=school,
                title="Frånvaro för Alex",
                text="Alex Gallringsson var borta 30 %.",
            )
        OutcomeCount.objects.create(
            case=due,
            owner=due.owner,
            category=DataCategory.objects.get(slug="socialtjanst"),
            created_by=world.coordinator,
            period=Period.BEFORE,
            measure=Measure.CONCERN_REPORTS,
            count=3,
        )
        account = PortalAccount.objects.create(
            case=due, kind="ungdom", username="alex.g", created_by=world.coordinator
        )
        feedback = Feedback.objects.create(
            municipality=world.municipality,
            recipient=world.steering,
            case=due,
            account=account,
            sender_kind="ungdom",
            anonymous=False,
            text="Bra möten.",
            received_on=T0,
        )
        revoked = consents.consent_record(
            actor=world.coordinator,
            case=active,
            categories=[school],
            recipients=[world.recipient_org],
            givers=[consents.Giver(GiverRole.YOUTH, None)],
            form=ConsentForm.ORAL,
            oral_note="Muntligt hos Dana.",
            given_on=T0 - timedelta(days=30),
        )
        live = consents.consent_record(
            actor=world.coordinator,
            case=active,
            categories=[DataCategory.objects.get(slug="polis")],
            recipients=[world.recipient_org],
            givers=[consents.Giver(GiverRole.YOUTH, None)],
            form=ConsentForm.ORAL,
            oral_note="Muntligt.",
            given_on=T0 - timedelta(days=30),
        )
    Consent.objects.filter(pk=revoked.pk).update(revoked_at=at(T0), revoked_by="Dana")
    # Open-ended (the local policy's default end date would otherwise have passed by RUN).
    Consent.objects.filter(pk__in=[consent.pk, live.pk]).update(valid_until=None)
    _closed(due, T0)
    _closed(held, T0)
    _closed(recent, date(2030, 6, 1))
    with travel(T0):
        services.hold_set(actor=world.coordinator, case=held, reason="Begäran från JO.")
    return Scene(
        world=world,
        due=due,
        held=held,
        recent=recent,
        active=active,
        consent_file=consent.document.name,
        revoked=revoked,
        live=live,
        old_meeting=_meeting(active, date(2029, 1, 10), "Dana berättade om skolan."),
        new_meeting=_meeting(active, date(2031, 12, 1), "Uppföljning av planen."),
        feedback=feedback,
    )


def _plan(scene: Scene, day: date = RUN) -> services.RetentionPlan:
    with travel(day):
        return services.retention_plan(municipality=scene.world.municipality, today=day)


def _run(scene: Scene, *, dry_run: bool = False, day: date = RUN) -> services.RunResult:
    with travel(day):
        return services.retention_run(
            municipality=scene.world.municipality, today=day, dry_run=dry_run
        )


def _status(plan: services.RetentionPlan, kind: str, code: str) -> str:
    return next(i.status for i in plan.items if i.kind == kind and i.object_code == code)


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Youth.objects.order_by("pk").values_list("first_name", "personnummer", "address")),
        list(Guardian.objects.order_by("pk").values_list("first_name", "personnummer")),
        Case.objects.count(),
        list(JournalNote.objects.order_by("pk").values_list("text", flat=True)),
        list(Consent.objects.order_by("pk").values_list("pk", "oral_note", "document")),
        list(Meeting.objects.order_by("pk").values_list("minutes", flat=True)),
        PortalAccount.objects.count(),
        ErasureRecord.objects.count(),
    )


# --- the plan and the dry run ----------------------------------------------------------------


def test_the_dry_run_says_what_is_due_what_is_kept_and_why(scene):
    plan = _plan(scene)
    assert _status(plan, RetentionKind.CASES, scene.due.anonymous_code) == services.DUE
    assert _status(plan, RetentionKind.CASES, scene.held.anonymous_code) == services.HOLD
    assert _status(plan, RetentionKind.CASES, scene.recent.anonymous_code) == services.NOT_DUE
    assert scene.active.anonymous_code not in {i.object_code for i in plan.items}
    assert _status(plan, RetentionKind.CONSENTS, scene.revoked.number) == services.DUE
    assert scene.live.number not in {i.object_code for i in plan.items}
    due_item = next(i for i in plan.due if i.object_code == scene.due.anonymous_code)
    assert due_item.event_on == T0 and due_item.due_on == date(2032, 1, 15)
    assert due_item.action == RetentionAction.PSEUDONYMISE
    assert plan.rules[RetentionKind.CASES].is_default
    # Nothing is due a day before the five years are up.
    early = _plan(scene, date(2032, 1, 14))
    assert _status(early, RetentionKind.CASES, scene.due.anonymous_code) == services.NOT_DUE


def test_a_dry_run_changes_nothing(scene):
    before = _snapshot()
    records = AuditRecord.objects.count()
    result = _run(scene, dry_run=True)
    assert result.dry_run and not result.done
    assert _snapshot() == before
    assert AuditRecord.objects.count() == records


# --- cases ----------------------------------------------------------------------------------


def test_the_due_case_is_pseudonymised_the_held_and_the_recent_stay(
    scene, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    held_before = list(JournalNote.objects.filter(case=scene.held).values_list("text", flat=True))
    assert default_storage.exists(scene.consent_file)
    with django_capture_on_commit_callbacks(execute=True):
        result = _run(scene)
    assert result.done[RetentionKind.CASES] == 1 and not result.failed

    youth = Youth.objects.get(cases=scene.due)
    assert (youth.first_name, youth.last_name) == ("Pseudonym", scene.due.anonymous_code)
    assert youth.personnummer == youth.address == youth.phone == youth.school == ""
    assert youth.date_of_birth == date(2010, 5, 21)  # ages still count
    guardian = Guardian.objects.get(youth=youth)
    assert guardian.first_name == "Pseudonym" and guardian.personnummer == ""
    case = Case.objects.get(pk=scene.due.pk)
    assert case.closed_on == T0 and case.state == CaseState.CLOSED
    assert set(JournalNote.objects.filter(case=case).values_list("title", "text")) == {("–", "–")}
    consent = Consent.objects.get(case=case)
    assert consent.document.name == "" and not default_storage.exists(scene.consent_file)
    assert OutcomeCount.objects.get(case=case).count == 3
    assert not PortalAccount.objects.filter(case=case).exists()
    feedback = Feedback.objects.get(pk=scene.feedback.pk)
    assert feedback.text == "Bra möten." and feedback.anonymous and feedback.case_id is None

    assert Youth.objects.get(cases=scene.held).first_name == "Bea"
    assert (
        list(JournalNote.objects.filter(case=scene.held).values_list("text", flat=True))
        == held_before
    )
    assert Youth.objects.get(cases=scene.recent).personnummer == "201204050031"

    record = ErasureRecord.objects.get(kind=RetentionKind.CASES)
    assert record.object_code == scene.due.anonymous_code
    assert record.action == RetentionAction.PSEUDONYMISE and record.event_on == T0
    assert record.counts["cases.youth"] == 1 and record.counts["cases.journalnote"] == 1
    assert AuditRecord.objects.filter(
        object_type="cases.case", object_code=scene.due.anonymous_code, basis="gallring"
    ).exists()
    # A second run finds nothing more to do with the case.
    again = _run(scene)
    assert not again.done[RetentionKind.CASES]


def test_erasure_records_and_their_audit_entries_hold_no_names(scene):
    services.rule_set(
        actor=scene.world.admin,
        municipality=scene.world.municipality,
        kind=RetentionKind.CASES,
        months=60,
        action=RetentionAction.ERASE,
    )
    _run(scene)
    written = json.dumps(list(ErasureRecord.objects.values()), default=str) + json.dumps(
        list(AuditRecord.objects.filter(basis="gallring").values("detail", "object_code")),
        default=str,
    )
    for secret in ("Alex", "Gallringsson", "20100521", "Maria", "Dana", "Gallringsgatan"):
        assert secret not in written


def test_an_erase_rule_removes_the_case_its_youth_and_guardians(scene):
    services.rule_set(
        actor=scene.world.admin,
        municipality=scene.world.municipality,
        kind=RetentionKind.CASES,
        months=60,
        action=RetentionAction.ERASE,
        decision_reference="SN 2026/17",
    )
    youth_pk = scene.due.youth_id
    result = _run(scene)
    assert result.done[RetentionKind.CASES] == 1 and not result.failed
    assert not Case.objects.filter(pk=scene.due.pk).exists()
    assert not Youth.objects.filter(pk=youth_pk).exists()
    assert not Guardian.objects.filter(youth_id=youth_pk).exists()
    assert not Consent.objects.filter(case_id=scene.due.pk).exists()
    # Feedback is kept by its own process: it only loses who sent it (D30).
    feedback = Feedback.objects.get(pk=scene.feedback.pk)
    assert feedback.case_id is None and feedback.account_id is None and feedback.anonymous
    assert Case.objects.filter(pk__in=[scene.held.pk, scene.recent.pk]).count() == 2
    record = ErasureRecord.objects.get(kind=RetentionKind.CASES)
    assert record.decision_reference == "SN 2026/17" and record.counts["cases.case"] == 1


def test_a_lifted_hold_lets_the_case_go_on_the_next_run(scene):
    services.hold_lift(actor=scene.world.coordinator, case=scene.held)
    _run(scene)
    assert Youth.objects.get(cases=scene.held).first_name == "Pseudonym"
    assert LegalHold.objects.filter(case=scene.held, lifted_at__isnull=False).exists()


def test_a_keep_rule_keeps_every_closed_case(scene):
    services.rule_set(
        actor=scene.world.admin,
        municipality=scene.world.municipality,
        kind=RetentionKind.CASES,
        months=1,
        action=RetentionAction.KEEP,
    )
    plan = _plan(scene)
    assert _status(plan, RetentionKind.CASES, scene.due.anonymous_code) == services.KEEP
    assert _status(plan, RetentionKind.CASES, scene.recent.anonymous_code) == services.KEEP
    _run(scene)
    assert Youth.objects.get(cases=scene.due).first_name == "Alex"


def test_the_follow_up_report_counts_the_same_after_pseudonymisation(scene):
    start, end = date(2026, 1, 1), date(2031, 12, 31)
    scope = followup.Scope(scene.world.municipality)
    with travel(RUN):
        before = followup.operational_report(scope=scope, start=start, end=end)
    _run(scene)
    with travel(RUN):
        after = followup.operational_report(scope=scope, start=start, end=end)
    assert after.tables == before.tables
    assert after.before_after == before.before_after


# --- consents and meeting notes -------------------------------------------------------------


def test_consents_and_meeting_notes_follow_their_own_rules(scene):
    services.rule_set(
        actor=scene.world.admin,
        municipality=scene.world.municipality,
        kind=RetentionKind.MEETING_NOTES,
        months=24,
        action=RetentionAction.ERASE,
    )
    plan = _plan(scene)
    meetings = {i.pk: i.status for i in plan.items if i.kind == RetentionKind.MEETING_NOTES}
    assert meetings == {scene.old_meeting.pk: services.DUE, scene.new_meeting.pk: services.NOT_DUE}
    _run(scene)
    assert not Consent.objects.filter(pk=scene.revoked.pk).exists()
    assert Consent.objects.filter(pk=scene.live.pk).exists()
    old = Meeting.objects.get(pk=scene.old_meeting.pk)
    assert old.minutes == old.location == "" and old.held_on == date(2029, 1, 10)
    assert Meeting.objects.get(pk=scene.new_meeting.pk).minutes == "Uppföljning av planen."
    kinds = set(ErasureRecord.objects.values_list("kind", flat=True))
    assert {RetentionKind.CONSENTS, RetentionKind.MEETING_NOTES} <= kinds


def test_nothing_in_a_held_case_goes_not_even_its_consents_or_notes(scene):
    services.hold_set(actor=scene.world.admin, case=scene.active, reason="Tvist.")
    services.rule_set(
        actor=scene.world.admin,
        municipality=scene.world.municipality,
        kind=RetentionKind.MEETING_NOTES,
        months=1,
        action=RetentionAction.ERASE,
    )
    plan = _plan(scene)
    assert _status(plan, RetentionKind.CONSENTS, scene.revoked.number) == services.HOLD
    _run(scene)
    assert Consent.objects.filter(pk=scene.revoked.pk).exists()
    assert Meeting.objects.get(pk=scene.old_meeting.pk).minutes == "Dana berättade om skolan."


# --- audit blocks ---------------------------------------------------------------------------


def _tamper(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_auditrecord_append_only"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_auditrecord_append_only"
            )


def _block(world: Any, day: date, n: int, **kwargs: Any) -> AuditSeal:
    with travel(day):
        for i in range(n):
            audit_record(actor=world.admin, action=Action.READ, detail={"i": i}, **kwargs)
        assert audit_seal(grace=timedelta(0)) >= 1
    return AuditSeal.objects.order_by("-number").first()


def test_old_audit_blocks_go_and_the_chain_still_verifies(world):
    case = _case(world, "Eli", "20100521-0016")
    services.hold_set(actor=world.coordinator, case=case, reason="Utredning.")
    audit_seal(grace=timedelta(0))  # what the fixtures wrote (now, 2026)
    old = _block(world, date(2026, 12, 20), 3, municipality_code=world.municipality.code)
    held = _block(world, date(2026, 12, 21), 2, case_code=case.code)
    foreign = _block(world, date(2026, 12, 22), 2, municipality_code=world.other_municipality.code)
    young = _block(world, date(2030, 1, 1), 2, municipality_code=world.municipality.code)
    services.rule_set(
        actor=world.outsider_admin,
        municipality=world.other_municipality,
        kind=RetentionKind.AUDIT,
        months=120,
        action=RetentionAction.ERASE,
    )
    plan = _plan_for(world)
    assert old.number in plan.audit.blocks and held.number not in plan.audit.blocks
    with travel(RUN):
        result = services.retention_run(municipality=world.municipality, today=RUN, dry_run=False)
    assert result.audit_blocks >= 1
    erased = {s.number for s in AuditSeal.objects.filter(erased_at__isnull=False)}
    assert old.number in erased
    assert not {held.number, foreign.number, young.number} & erased
    assert not AuditRecord.objects.filter(
        id__gt=old.first_record_id - 1, id__lte=old.last_record_id
    ).exists()
    assert AuditSeal.objects.count() >= young.number  # seal rows stay
    assert ErasureRecord.objects.filter(
        kind=RetentionKind.AUDIT, object_code=str(old.number), municipality=world.municipality
    ).exists()
    with travel(RUN):
        audit_seal(grace=timedelta(0))
    verified = audit_verify()
    assert verified.ok, verified.reason

    # A record changed in a block that remains is still found.
    victim = AuditRecord.objects.filter(id__lte=young.last_record_id).order_by("-id").first()
    _tamper("UPDATE audit_auditrecord SET basis = %s WHERE id = %s", ["forged", victim.id])
    broken = audit_verify()
    assert not broken.ok and broken.broken_record_id == victim.id


def test_a_record_slipped_into_an_erased_block_is_found(world):
    audit_seal(grace=timedelta(0))
    old = _block(world, date(2026, 12, 20), 3, municipality_code=world.municipality.code)
    with travel(RUN):
        services.retention_run(municipality=world.municipality, today=RUN, dry_run=False)
    assert AuditSeal.objects.get(pk=old.pk).erased_at is not None
    _tamper(
        "INSERT INTO audit_auditrecord (id, at, action, actor_username, object_type, "
        "object_code, basis, detail, request_id, row_hash) "
        "VALUES (%s, %s, 'read', '', '', '', '', '{}', '', '')",
        [old.last_record_id, at(date(2026, 12, 20))],
    )
    result = audit_verify()
    assert not result.ok and result.reason == "record in an erased block"


def _plan_for(world: Any) -> services.RetentionPlan:
    with travel(RUN):
        return services.retention_plan(municipality=world.municipality, today=RUN)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_outside_the_retention_job_the_database_still_refuses_deletes(world):
    from django.db import DatabaseError, transaction

    seal = _block(world, date(2026, 12, 20), 1)
    record = AuditRecord.objects.order_by("id").first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(pk=record.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        services._allow_audit_erasure()
        AuditRecord.objects.filter(pk=record.pk).update(basis="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        services._allow_audit_erasure()
        AuditSeal.objects.filter(pk=seal.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        services._allow_audit_erasure()
        AuditSeal.objects.filter(pk=seal.pk).update(seal_hash="0" * 64)


# --- rules and holds: validation and who may ------------------------------------------------


def test_rules_are_validated_in_swedish(world):
    municipality = world.municipality
    with pytest.raises(ValidationError) as error:
        services.rule_set(
            actor=world.admin,
            municipality=municipality,
            kind=RetentionKind.CONSENTS,
            months=0,
            action=RetentionAction.PSEUDONYMISE,
        )
    assert "månader" in str(error.value.message_dict["months"])
    assert "kan inte" in str(error.value.message_dict["action"])
    assert not RetentionRule.objects.exists()
    with pytest.raises(PermissionDenied):
        services.rule_set(
            actor=world.outsider_admin,
            municipality=municipality,
            kind=RetentionKind.CASES,
            months=12,
            action=RetentionAction.ERASE,
        )
    with pytest.raises(PermissionDenied):
        services.rule_set(
            actor=world.coordinator,
            municipality=municipality,
            kind=RetentionKind.CASES,
            months=12,
            action=RetentionAction.ERASE,
        )


def test_holds_need_a_reason_one_at_a_time_and_the_right_person(sig):
    world, case = sig.world, sig.case
    with pytest.raises(ValidationError):
        services.hold_set(actor=world.coordinator, case=case, reason="  ")
    with pytest.raises(PermissionDenied):
        services.hold_set(actor=world.police, case=case, reason="Polisens utredning.")
    with pytest.raises(PermissionDenied):
        services.hold_set(actor=world.outsider_admin, case=case, reason="x")
    services.hold_set(actor=world.coordinator, case=case, reason="Utredning.")
    with pytest.raises(ValidationError, match="redan"):
        services.hold_set(actor=world.admin, case=case, reason="Igen.")
    services.hold_lift(actor=world.admin, case=case)
    with pytest.raises(ValidationError, match="inte undantaget"):
        services.hold_lift(actor=world.coordinator, case=case)
    assert LegalHold.objects.filter(case=case).count() == 1


# --- the command and the task ---------------------------------------------------------------


def test_the_command_is_a_dry_run_unless_told(scene):
    before = _snapshot()
    out = StringIO()
    with travel(RUN):
        call_command("gallra", kommun="Testkommun", stdout=out)
    text = out.getvalue()
    assert scene.due.anonymous_code in text and "Dry run" in text and "hold" in text
    assert "Alex" not in text
    assert _snapshot() == before
    with travel(RUN):
        call_command("gallra", kommun="9901", verkstall=True, stdout=out)
    assert Youth.objects.get(cases=scene.due).first_name == "Pseudonym"
    with pytest.raises(CommandError):
        call_command("gallra", kommun="Ingenstans", stdout=out)
    with pytest.raises(CommandError):
        call_command("gallra", ko=True, stdout=out)


def test_the_task_runs_every_municipality(scene):
    with (
        override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        ),
        travel(RUN),
    ):
        result = run_retention.enqueue()
    assert result.status == "SUCCESSFUL" and result.return_value >= 2
    assert Youth.objects.get(cases=scene.due).first_name == "Pseudonym"


# --- pages ----------------------------------------------------------------------------------

OVERVIEW = reverse("retention:overview")


def test_the_administrator_sees_rules_the_dry_run_holds_and_records(scene, login):
    with travel(RUN):
        http = login(scene.world.admin)
        page = http.get(OVERVIEW)
    assert page.status_code == 200
    html = page.content.decode()
    assert scene.due.anonymous_code in html and scene.held.anonymous_code in html
    assert "Begäran från JO." in html
    assert "Alex" not in html and "20100521" not in html
    _run(scene)
    with travel(RUN):
        html = http.get(OVERVIEW).content.decode()
    assert "Pseudonymisera" in html


def test_another_municipalitys_administrator_sees_none_of_ours(scene, login):
    http = login(scene.world.outsider_admin)
    html = http.get(OVERVIEW).content.decode()
    assert scene.due.anonymous_code not in html and "Testkommun" not in html
    url = reverse(
        "retention:rule_edit",
        kwargs={"code": scene.world.municipality.code, "kind": RetentionKind.CASES},
    )
    assert http.get(url).status_code == 404
    assert http.post(url, {"months": 1, "action": "gallra"}).status_code == 404
    hold = reverse("retention:hold_set", kwargs={"code": scene.world.municipality.code})
    response = http.post(hold, {"case_code": scene.due.anonymous_code, "reason": "x"})
    assert response.status_code == 404
    lift = reverse("retention:hold_lift", kwargs={"code": scene.held.code})
    assert http.post(lift).status_code == 404
    assert LegalHold.objects.filter(lifted_at__isnull=True).count() == 1
    assert not RetentionRule.objects.exists()


def test_the_rule_form_explains_bad_input_and_saves_good(world, login):
    http = login(world.admin)
    url = reverse(
        "retention:rule_edit",
        kwargs={"code": world.municipality.code, "kind": RetentionKind.CONSENTS},
    )
    assert http.get(url).status_code == 200
    bad = http.post(url, {"months": "0", "action": "pseudonymisera"})
    assert bad.status_code == 200 and "Ange minst en månad." in bad.content.decode()
    assert not RetentionRule.objects.exists()
    good = http.post(url, {"months": "36", "action": "gallra", "decision_reference": "SN 1"})
    assert good.status_code == 302
    rule = RetentionRule.objects.get()
    assert (rule.months, rule.action, rule.decision_reference) == (36, "gallra", "SN 1")
    assert (
        http.get(
            reverse(
                "retention:rule_edit", kwargs={"code": world.municipality.code, "kind": "okand"}
            )
        ).status_code
        == 404
    )


def test_the_administrator_holds_a_case_by_its_code_and_lifts_it(sig, login):
    world, case = sig.world, sig.case
    http = login(world.admin)
    hold = reverse("retention:hold_set", kwargs={"code": world.municipality.code})
    http.post(hold, {"case_code": case.anonymous_code.lower(), "reason": "JO-ärende."})
    assert LegalHold.objects.get(case=case).reason == "JO-ärende."
    unknown = http.post(hold, {"case_code": "SIG-ZZZZZZ", "reason": "x"}, follow=True)
    assert "inget ärende med koden SIG-ZZZZZZ" in unknown.content.decode()
    http.post(reverse("retention:hold_lift", kwargs={"code": case.code}))
    assert LegalHold.objects.get(case=case).lifted_by == world.admin


def test_the_coordinator_holds_and_lifts_on_the_case_page(sig, login):
    world, case = sig.world, sig.case
    url = reverse("retention_case:hold", kwargs={"code": case.code})
    http = login(world.coordinator)
    page = http.get(url)
    assert page.status_code == 200 and "följer kommunens gallringsregler" in page.content.decode()
    empty = http.post(url, {"reason": ""})
    assert empty.status_code == 400 and "Skriv varför" in empty.content.decode()
    assert http.post(url, {"reason": "Utredning pågår."}).status_code == 302
    assert "Ärendet är undantaget från gallring." in http.get(url).content.decode()
    detail = http.get(reverse("cases:detail", kwargs={"code": case.code})).content.decode()
    assert url in detail
    http.post(reverse("retention_case:hold_lift", kwargs={"code": case.code}))
    assert LegalHold.objects.get(case=case).lifted_by == world.coordinator


@pytest.mark.parametrize("who", ["police", "outsider", "admin", "outsider_admin", "manager"])
def test_others_get_404_on_the_case_hold_page_and_change_nothing(sig, login, who):
    http = login(getattr(sig.world, who))
    url = reverse("retention_case:hold", kwargs={"code": sig.case.code})
    assert http.get(url).status_code == 404
    assert http.post(url, {"reason": "Kapad."}).status_code == 404
    assert not LegalHold.objects.exists()
    services.hold_set(actor=sig.world.coordinator, case=sig.case, reason="Utredning.")
    lift = reverse("retention_case:hold_lift", kwargs={"code": sig.case.code})
    assert http.post(lift).status_code == 404
    assert LegalHold.objects.get().lifted_at is None


def test_staff_get_404_on_the_administration_page(world, login):
    assert login(world.coordinator).get(OVERVIEW).status_code == 404
