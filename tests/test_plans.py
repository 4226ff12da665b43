"""The action plan and the interventions: services (rules, refusals, nothing half-written,
audit), agreed versions and their change lists, the one door on the pages and PDFs, and a
fixed number of queries."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samsyn.audit.models import Action, AuditRecord
from samsyn.plans import services as plans
from samsyn.plans.models import (
    ActionPlan,
    Activity,
    GoalReview,
    GoalStatus,
    Intervention,
    InterventionKind,
    InterventionStatus,
    LifeDomain,
    PlanVersion,
    SubGoal,
)
from tests.test_lifecycle import consent

TODAY = timezone.localdate
GOAL = "Jag vill gå ut nian med godkända betyg."
SUB = "Närvaro i skolan minst 90 procent."


def _plan(sig):
    w = sig.world
    plan = plans.plan_save(actor=w.coordinator, case=sig.case, long_term_goal=GOAL)
    sub = plans.subgoal_save(
        actor=w.coordinator,
        case=sig.case,
        domain=LifeDomain.SCHOOL,
        goal=SUB,
        youth_words="Gå till skolan varje dag.",
    )
    return plan, sub


def _pdf_text(response) -> str:
    reader = PdfReader(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return " ".join(page.extract_text() for page in reader.pages)


# --- services -------------------------------------------------------------------------------


def test_plan_save_creates_then_updates_and_audits(sig):
    w = sig.world
    plan, _sub = _plan(sig)
    assert plan.owner == sig.case.owner and plan.category.slug == "plan"
    plans.plan_save(actor=w.coordinator, case=sig.case, long_term_goal="Ett nytt mål.")
    assert ActionPlan.objects.get(case=sig.case).long_term_goal == "Ett nytt mål."
    actions = list(
        AuditRecord.objects.filter(object_type="plans.actionplan").values_list("action", flat=True)
    )
    assert Action.CREATE in actions and Action.UPDATE in actions


def test_only_the_case_runners_write_the_plan(sig):
    w = sig.world
    with pytest.raises(PermissionDenied):
        plans.plan_save(actor=w.police, case=sig.case, long_term_goal=GOAL)
    with pytest.raises(PermissionDenied):
        plans.plan_save(actor=w.outsider, case=sig.case, long_term_goal=GOAL)
    with pytest.raises(ValidationError) as exc:
        plans.plan_save(actor=w.coordinator, case=sig.case, long_term_goal="  ")
    assert "long_term_goal" in exc.value.message_dict
    assert not ActionPlan.objects.exists()


def test_subgoal_needs_a_plan_and_valid_fields(sig):
    w = sig.world
    with pytest.raises(ValidationError):
        plans.subgoal_save(actor=w.coordinator, case=sig.case, domain="skola", goal=SUB)
    plans.plan_save(actor=w.coordinator, case=sig.case, long_term_goal=GOAL)
    with pytest.raises(ValidationError) as exc:
        plans.subgoal_save(actor=w.coordinator, case=sig.case, domain="mars", goal="")
    assert {"domain", "goal"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        plans.subgoal_save(actor=w.police, case=sig.case, domain="skola", goal=SUB)
    assert not SubGoal.objects.exists()


def test_subgoal_remove_keeps_it_inactive(sig):
    w = sig.world
    _p, sub = _plan(sig)
    plans.subgoal_remove(actor=w.coordinator, case=sig.case, subgoal=sub)
    sub.refresh_from_db()
    assert not sub.is_active
    with pytest.raises(ValidationError):
        plans.subgoal_remove(actor=w.coordinator, case=sig.case, subgoal=sub)


def test_activity_rules(sig):
    w = sig.world
    _p, sub = _plan(sig)
    # The coordinator may give an activity to any organisation of the case's members.
    activity = plans.activity_create(
        actor=w.coordinator,
        case=sig.case,
        description="Kontakta skolans elevhälsa.",
        responsible_organisation=w.recipient_org,
        responsible_person=w.police,
        subgoal=sub,
        due_on=TODAY() + timedelta(days=14),
        follow_up_on=TODAY() + timedelta(days=21),
    )
    assert activity.owner == w.owner_org and activity.category.slug == "plan"
    # The police officer only for their own organisation.
    own = plans.activity_create(
        actor=w.police,
        case=sig.case,
        description="Polisen följer upp på fritidsgården.",
        responsible_organisation=w.recipient_org,
    )
    assert own.owner == w.recipient_org
    with pytest.raises(ValidationError) as exc:
        plans.activity_create(
            actor=w.police,
            case=sig.case,
            description="Socialtjänsten ska…",
            responsible_organisation=w.owner_org,
        )
    assert "responsible_organisation" in exc.value.message_dict
    # The responsible person takes part in the case.
    with pytest.raises(ValidationError) as exc:
        plans.activity_create(
            actor=w.coordinator,
            case=sig.case,
            description="X",
            responsible_organisation=w.owner_org,
            responsible_person=w.manager,
        )
    assert "responsible_person" in exc.value.message_dict
    with pytest.raises(ValidationError):
        plans.activity_create(
            actor=w.coordinator,
            case=sig.case,
            description="X",
            responsible_organisation=w.owner_org,
            due_on=TODAY() + timedelta(days=5),
            follow_up_on=TODAY(),
        )
    with pytest.raises(PermissionDenied):
        plans.activity_create(
            actor=w.outsider,
            case=sig.case,
            description="X",
            responsible_organisation=w.outsider_org,
        )
    assert Activity.objects.count() == 2
    assert (
        AuditRecord.objects.filter(object_type="plans.activity", action=Action.CREATE).count() == 2
    )
    plans.activity_done(actor=w.police, case=sig.case, activity=activity, done_on=TODAY())
    activity.refresh_from_db()
    assert activity.done_on == TODAY()


def test_goal_review_sets_the_status(sig):
    w = sig.world
    _p, sub = _plan(sig)
    review = plans.goal_review_record(
        actor=w.coordinator,
        case=sig.case,
        subgoal=sub,
        status=GoalStatus.IN_PROGRESS,
        reviewed_on=TODAY(),
        comment="Bättre närvaro.",
    )
    sub.refresh_from_db()
    assert sub.status == GoalStatus.IN_PROGRESS and review.owner == w.owner_org
    with pytest.raises(PermissionDenied):
        plans.goal_review_record(
            actor=w.police, case=sig.case, subgoal=sub, status="uppnatt", reviewed_on=TODAY()
        )
    with pytest.raises(ValidationError) as exc:
        plans.goal_review_record(
            actor=w.coordinator, case=sig.case, subgoal=sub, status="bra", reviewed_on=TODAY()
        )
    assert "status" in exc.value.message_dict
    assert GoalReview.objects.count() == 1


def test_versions_and_their_changes(sig):
    w = sig.world
    _p, sub = _plan(sig)
    first = plans.plan_agree(actor=w.coordinator, case=sig.case, agreed_on=TODAY())
    assert first.number == 1 and first.snapshot["long_term_goal"] == GOAL
    assert first.snapshot["subgoals"][0]["goal"] == SUB
    plans.plan_save(actor=w.coordinator, case=sig.case, long_term_goal="Att få ett jobb.")
    plans.subgoal_save(
        actor=w.coordinator, case=sig.case, domain=LifeDomain.LEISURE, goal="Börja träna boxning."
    )
    plans.goal_review_record(
        actor=w.coordinator,
        case=sig.case,
        subgoal=sub,
        status=GoalStatus.ACHIEVED,
        reviewed_on=TODAY(),
    )
    second = plans.plan_agree(actor=w.coordinator, case=sig.case, agreed_on=TODAY())
    assert second.number == 2
    assert ActionPlan.objects.get(case=sig.case).version == 2
    text = "\n".join(second.changes)
    assert "Nytt långsiktigt mål" in text
    assert "Nytt delmål inom Fritid: Börja träna boxning." in text
    assert "ändrad från Ej påbörjat till Uppnått" in text
    plans.subgoal_remove(actor=w.coordinator, case=sig.case, subgoal=sub)
    third = plans.plan_agree(actor=w.coordinator, case=sig.case, agreed_on=TODAY())
    assert any("har tagits bort" in c for c in third.changes)
    with pytest.raises(PermissionDenied):
        plans.plan_agree(actor=w.police, case=sig.case, agreed_on=TODAY())
    with pytest.raises(ValidationError):
        plans.plan_agree(actor=w.coordinator, case=sig.case, agreed_on=TODAY() - timedelta(days=30))
    assert PlanVersion.objects.count() == 3


# --- interventions --------------------------------------------------------------------------


def _kind() -> InterventionKind:
    return InterventionKind.objects.filter(
        is_active=True
    ).first() or InterventionKind.objects.create(name="MST")


def test_each_organisation_records_only_its_own_interventions(sig):
    w = sig.world
    social = plans.intervention_save(
        actor=w.coordinator,
        case=sig.case,
        kind=_kind(),
        description="Familjebehandling",
        started_on=TODAY(),
        status=InterventionStatus.ONGOING,
    )
    assert social.owner == w.owner_org and social.category.slug == "socialtjanst"
    police = plans.intervention_save(
        actor=w.police,
        case=sig.case,
        kind=_kind(),
        description="Kontaktpolis",
        started_on=TODAY(),
        status=InterventionStatus.PLANNED,
    )
    assert police.owner == w.recipient_org and police.category.slug == "polis"
    assert police.decided_by == w.police
    with pytest.raises(PermissionDenied):
        plans.intervention_save(
            actor=w.police,
            case=sig.case,
            intervention=social,
            kind=_kind(),
            description="Kapad",
            started_on=TODAY(),
            status=InterventionStatus.ENDED,
        )
    with pytest.raises(ValidationError) as exc:
        plans.intervention_save(
            actor=w.police,
            case=sig.case,
            intervention=police,
            kind=_kind(),
            description="",
            started_on=TODAY(),
            ended_on=TODAY() - timedelta(days=1),
            status=InterventionStatus.ENDED,
        )
    assert "ended_on" in exc.value.message_dict
    social.refresh_from_db()
    police.refresh_from_db()
    assert social.description == "Familjebehandling" and police.status == InterventionStatus.PLANNED


def test_police_intervention_pages(sig, login):
    w = sig.world
    social = plans.intervention_save(
        actor=w.coordinator,
        case=sig.case,
        kind=_kind(),
        description="Familjebehandling hemma",
        started_on=TODAY(),
        status=InterventionStatus.ONGOING,
    )
    http = login(w.police)
    url = reverse("plans:interventions", kwargs={"code": sig.case.code})
    response = http.post(
        url,
        {
            "kind": _kind().pk,
            "description": "Kontaktpolis i skolan",
            "started_on": TODAY().isoformat(),
            "status": InterventionStatus.ONGOING,
        },
    )
    assert response.status_code == 302
    page = http.get(url).content.decode()
    assert "Kontaktpolis i skolan" in page
    assert "Familjebehandling hemma" not in page  # no consent to socialtjanst
    # Another organisation's intervention cannot even be opened for change.
    assert http.get(url, {"insats": str(social.code)}).status_code == 404
    response = http.post(
        url,
        {
            "intervention": str(social.code),
            "kind": _kind().pk,
            "description": "Kapad",
            "started_on": TODAY().isoformat(),
            "status": InterventionStatus.ENDED,
        },
    )
    assert response.status_code == 404
    assert Intervention.objects.get(pk=social.pk).description == "Familjebehandling hemma"


# --- the one door on the pages --------------------------------------------------------------


def test_police_without_consent_sees_the_plan_only_as_hidden(sig, login):
    _plan(sig)
    http = login(sig.world.police)
    response = http.get(reverse("plans:plan", kwargs={"code": sig.case.code}))
    html = response.content.decode()
    assert response.status_code == 200
    assert GOAL not in html and SUB not in html
    assert "inte kan se" in html or "kan inte se" in html
    refused = AuditRecord.objects.filter(
        actor_code=sig.world.police.code, action=Action.REFUSED, object_type="plans.actionplan"
    )
    assert refused.exists()
    for name in ("plans:youth_pdf", "plans:plan_pdf"):
        assert http.get(reverse(name, kwargs={"code": sig.case.code})).status_code == 404


def test_police_with_consent_to_plan_sees_it(sig, login):
    _plan(sig)
    consent(sig, ("identitet", "plan"))
    http = login(sig.world.police)
    html = http.get(reverse("plans:plan", kwargs={"code": sig.case.code})).content.decode()
    assert GOAL in html and SUB in html
    assert AuditRecord.objects.filter(
        actor_code=sig.world.police.code, action=Action.READ, object_type="plans.subgoal"
    ).exists()


def test_outsider_gets_404_everywhere(sig, login):
    _plan(sig)
    http = login(sig.world.outsider)
    before = (ActionPlan.objects.count(), SubGoal.objects.count(), Activity.objects.count())
    for name in (
        "plans:plan",
        "plans:interventions",
        "plans:youth_pdf",
        "plans:plan_pdf",
    ):
        assert http.get(reverse(name, kwargs={"code": sig.case.code})).status_code == 404, name
    for name in (
        "plans:plan_save",
        "plans:subgoal_create",
        "plans:subgoal_edit",
        "plans:subgoal_remove",
        "plans:goal_review",
        "plans:activity_create",
        "plans:activity_done",
        "plans:agree",
        "plans:interventions",
    ):
        url = reverse(name, kwargs={"code": sig.case.code})
        assert http.post(url, {"long_term_goal": "Kapad"}).status_code == 404, name
    after = (ActionPlan.objects.count(), SubGoal.objects.count(), Activity.objects.count())
    assert before == after


def test_coordinator_uses_the_page_forms(sig, login):
    http = login(sig.world.coordinator)
    code = sig.case.code
    assert (
        http.post(
            reverse("plans:plan_save", kwargs={"code": code}), {"long_term_goal": GOAL}
        ).status_code
        == 302
    )
    response = http.post(
        reverse("plans:subgoal_create", kwargs={"code": code}),
        {"nytt-domain": "skola", "nytt-goal": SUB, "nytt-status": "ej_paborjat"},
    )
    assert response.status_code == 302
    sub = SubGoal.objects.get()
    response = http.post(
        reverse("plans:activity_create", kwargs={"code": code}),
        {
            "subgoal": str(sub.code),
            "description": "Väckarklocka",
            "responsible_organisation": sig.world.owner_org.pk,
            "youth_does": "on",
        },
    )
    assert response.status_code == 302
    response = http.post(
        reverse("plans:goal_review", kwargs={"code": code}),
        {"subgoal": str(sub.code), "status": "pagar", "reviewed_on": TODAY().isoformat()},
    )
    assert response.status_code == 302
    html = http.get(reverse("plans:plan", kwargs={"code": code})).content.decode()
    assert "Godkänn planen som version 1" in html and "Väckarklocka" in html
    response = http.post(
        reverse("plans:agree", kwargs={"code": code}), {"agreed_on": TODAY().isoformat()}
    )
    assert response.status_code == 302 and PlanVersion.objects.count() == 1
    # An invalid form shows the errors; nothing written.
    response = http.post(
        reverse("plans:subgoal_create", kwargs={"code": code}), {"nytt-domain": "skola"}
    )
    assert response.status_code == 200 and SubGoal.objects.count() == 1


def test_pdfs_contain_the_goals_and_are_audited(sig, login):
    w = sig.world
    _p, sub = _plan(sig)
    plans.activity_create(
        actor=w.coordinator,
        case=sig.case,
        description="Ringa mentorn varje fredag.",
        responsible_organisation=w.owner_org,
        responsible_person=w.coordinator,
        subgoal=sub,
        due_on=TODAY() + timedelta(days=7),
    )
    plans.plan_agree(actor=w.coordinator, case=sig.case, agreed_on=TODAY())
    http = login(w.coordinator)
    youth = http.get(reverse("plans:youth_pdf", kwargs={"code": sig.case.code}))
    assert youth.status_code == 200 and youth["Content-Type"] == "application/pdf"
    text = _pdf_text(youth)
    assert "Ditt mål" in text and "Det här ska vi göra" in text
    assert "godkända betyg" in text
    assert "Gå till skolan varje dag." in text  # the youth's own words
    assert "Version 1" in text
    assert "20100521" not in text and "0016" not in text  # no personnummer
    full = _pdf_text(http.get(reverse("plans:plan_pdf", kwargs={"code": sig.case.code})))
    assert "Närvaro i skolan" in full and "Ringa mentorn" in full and "Ej påbörjat" in full
    assert (
        AuditRecord.objects.filter(action=Action.EXPORT, object_type="plans.actionplan").count()
        == 2
    )


# --- a fixed number of queries --------------------------------------------------------------


def _grow(sig, goals: int) -> None:
    w = sig.world
    for n in range(goals):
        sub = plans.subgoal_save(
            actor=w.coordinator, case=sig.case, domain=LifeDomain.values[n % 9], goal=f"Mål {n}"
        )
        plans.activity_create(
            actor=w.coordinator,
            case=sig.case,
            description=f"Aktivitet {n}",
            responsible_organisation=w.recipient_org,
            responsible_person=w.police,
            subgoal=sub,
        )
        plans.goal_review_record(
            actor=w.coordinator, case=sig.case, subgoal=sub, status="pagar", reviewed_on=TODAY()
        )


def _count(http, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert http.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_plan_page_takes_a_fixed_number_of_queries(sig, login):
    from samsyn.plans.selectors import plan_page

    w = sig.world
    plans.plan_save(actor=w.coordinator, case=sig.case, long_term_goal=GOAL)
    consent(sig, ("identitet", "plan"))
    _grow(sig, 2)
    plans.plan_agree(actor=w.coordinator, case=sig.case, agreed_on=TODAY())
    http = login(w.coordinator)
    url = reverse("plans:plan", kwargs={"code": sig.case.code})
    with CaptureQueriesContext(connection) as few_selector:
        plan_page(viewer=w.police, case=sig.case)
    few = _count(http, url)
    _grow(sig, 18)
    plans.plan_agree(actor=w.coordinator, case=sig.case, agreed_on=TODAY())
    with CaptureQueriesContext(connection) as many_selector:
        page = plan_page(viewer=w.police, case=sig.case)
    assert len(page.goals) == 20
    many = _count(http, url)
    assert len(many_selector.captured_queries) == len(few_selector.captured_queries)
    assert many == few, (few, many)
    print(f"plan_page: {len(few_selector.captured_queries)} queries; whole page: {few}")
