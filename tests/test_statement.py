"""The court summary (yttrande): for those who run the case only, and only what they may see."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samsyn.audit.models import AuditRecord
from samsyn.cases.models import Case, CaseState
from samsyn.consent import services as consents
from samsyn.consent.models import ConsentForm, DataCategory, GiverRole
from samsyn.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
from samsyn.plans.models import (
    ActionPlan,
    GoalStatus,
    Intervention,
    InterventionKind,
    InterventionStatus,
    LifeDomain,
    SubGoal,
)

pytestmark = pytest.mark.django_db

GOAL = "Gå ut nian och börja på gymnasiet"
SUBGOAL = "Vara i skolan minst fyra dagar i veckan"
REMOVED_GOAL = "Ett borttaget delmål"
POLICE_INTERVENTION = "Polisens kontaktsamtal"


def today() -> date:
    return timezone.localdate()


def cat(slug: str) -> DataCategory:
    return DataCategory.objects.get(slug=slug)


def url(case, suffix: str = "yttrande/") -> str:
    return f"/arenden/{case.code}/{suffix}"


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def item(case, owner, slug: str, by) -> dict[str, object]:
    return {"case": case, "owner": owner, "category": cat(slug), "created_by": by}


def meeting(case, w, day: date, *, youth: bool | None, **extra) -> Meeting:
    m = Meeting.objects.create(
        **item(case, w.owner_org, "plan", w.coordinator),
        kind=extra.pop("kind", MeetingKind.NETWORK),
        status=extra.pop("status", MeetingStatus.HELD),
        starts_at=at(day),
        ends_at=at(day, 10),
        held_on=day,
    )
    if youth is not None:
        Attendance.objects.create(meeting=m, is_youth=True, attended=youth)
    Attendance.objects.create(
        meeting=m, person=w.police, organisation=w.recipient_org, attended=True
    )
    return m


def intervention(case, w, name: str, *, police: bool = False, **extra) -> Intervention:
    kind, _created = InterventionKind.objects.get_or_create(name=name)
    owner, slug, by = (
        (w.recipient_org, "polis", w.police)
        if police
        else (w.owner_org, "socialtjanst", w.coordinator)
    )
    return Intervention.objects.create(
        **item(case, owner, slug, by),
        kind=kind,
        decided_by=by,
        started_on=extra.pop("started_on", today() - timedelta(days=50)),
        status=extra.pop("status", InterventionStatus.ONGOING),
        **extra,
    )


@pytest.fixture
def sig_court(sig):
    w = sig.world
    case = sig.case
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.ACTIVE,
        decided_on=today() - timedelta(days=70),
        started_on=today() - timedelta(days=60),
    )
    case.refresh_from_db()
    plan = ActionPlan.objects.create(
        **item(case, w.owner_org, "plan", w.coordinator), long_term_goal=GOAL
    )
    SubGoal.objects.create(
        **item(case, w.owner_org, "plan", w.coordinator),
        plan=plan,
        domain=LifeDomain.SCHOOL,
        goal=SUBGOAL,
        status=GoalStatus.IN_PROGRESS,
    )
    SubGoal.objects.create(
        **item(case, w.owner_org, "plan", w.coordinator),
        plan=plan,
        domain=LifeDomain.LEISURE,
        goal=REMOVED_GOAL,
        is_active=False,
    )
    meeting(case, w, today() - timedelta(days=50), youth=True)
    meeting(case, w, today() - timedelta(days=15), youth=True)
    meeting(case, w, today() - timedelta(days=10), youth=False)
    # Not counted: a pre-meeting, a planned and a cancelled network meeting.
    meeting(case, w, today() - timedelta(days=11), youth=None, kind=MeetingKind.PREMEETING)
    meeting(case, w, today() + timedelta(days=20), youth=True, status=MeetingStatus.PLANNED)
    meeting(case, w, today() - timedelta(days=30), youth=True, status=MeetingStatus.CANCELLED)
    intervention(
        case,
        w,
        "MST",
        started_on=today() - timedelta(days=55),
        ended_on=today() - timedelta(days=5),
        status=InterventionStatus.ENDED,
    )
    intervention(case, w, POLICE_INTERVENTION, police=True)
    return sig


def textarea(body: str) -> str:
    return body.split("<textarea", 1)[1].split("</textarea>", 1)[0]


def test_the_coordinator_gets_the_summary_as_text_and_page(sig_court, login):
    case = sig_court.case
    response = login(sig_court.world.coordinator).get(url(case))
    assert response.status_code == 200
    body = response.content.decode()
    text = textarea(body)
    assert "readonly" in text
    start = (today() - timedelta(days=60)).isoformat()
    assert f"Period: {start} – pågår" in text
    assert f"Beslut om SIG: {(today() - timedelta(days=70)).isoformat()}" in text
    assert "3 nätverksmöten har hållits. Ungdomen deltog i 2 av dem." in text
    assert GOAL in text and SUBGOAL in text and "Skola/sysselsättning" in text and "Pågår" in text
    assert REMOVED_GOAL not in text
    assert "MST, Socialtjänsten Norra" in text and "Avslutad" in text
    assert "Alex Exempelsson, 20100521-0016" in text and case.anonymous_code in text
    assert f'href="/arenden/{case.code}/yttrande.pdf"' in body and "Ladda ner PDF" in body


def test_items_the_viewer_may_not_see_are_left_out_of_the_text(sig_court, login):
    w = sig_court.world
    body = login(w.coordinator).get(url(sig_court.case)).content.decode()
    assert POLICE_INTERVENTION not in body
    # The page says something is left out; the text to paste does not.
    assert "1 uppgift från Polisen Testkommun" in body
    assert "Polisen" not in textarea(body)
    refused = AuditRecord.objects.filter(action="refused", object_type="plans.intervention")
    assert refused.count() == 1


def test_a_consent_from_the_police_brings_their_intervention_in(sig_court, login):
    w = sig_court.world
    consents.consent_record(
        actor=w.police,
        case=sig_court.case,
        categories=[cat("polis")],
        recipients=[w.owner_org],
        givers=[consents.Giver(GiverRole.YOUTH)],
        form=ConsentForm.ORAL,
        oral_note="Vid möte.",
        maturity_assessment="Bedömd mogen att samtycka själv.",
        given_on=today(),
    )
    text = textarea(login(w.coordinator).get(url(sig_court.case)).content.decode())
    assert f"{POLICE_INTERVENTION}, Polisen Testkommun" in text and "pågår (Pågår)" in text


def test_a_closed_case_has_an_end_date(sig_court, login):
    Case.objects.filter(pk=sig_court.case.pk).update(
        state=CaseState.CLOSED, closed_on=today() - timedelta(days=1)
    )
    text = textarea(login(sig_court.world.coordinator).get(url(sig_court.case)).content.decode())
    start = (today() - timedelta(days=60)).isoformat()
    assert f"Period: {start} – {(today() - timedelta(days=1)).isoformat()}" in text


def test_a_case_without_plan_says_so(sig, login):
    text = textarea(login(sig.world.case_officer).get(url(sig.case)).content.decode())
    assert "Ingen åtgärdsplan." in text and "Inga insatser registrerade." in text
    assert "0 nätverksmöten har hållits" in text and "Period: – – pågår" in text


def test_the_pdf_is_a_pdf_and_is_audited_as_an_export(sig_court, login):
    case = sig_court.case
    response = login(sig_court.world.case_officer).get(url(case, "yttrande.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert case.anonymous_code in response["Content-Disposition"]
    export = AuditRecord.objects.get(action="export", object_type="cases.statement")
    assert export.case_code == case.code
    assert export.actor_code == sig_court.world.case_officer.code


@pytest.mark.parametrize("who", ["police", "outsider", "manager", "admin", "outsider_admin"])
@pytest.mark.parametrize("suffix", ["yttrande/", "yttrande.pdf"])
def test_people_who_do_not_run_the_case_get_404(sig_court, login, who, suffix):
    response = login(getattr(sig_court.world, who)).get(url(sig_court.case, suffix))
    assert response.status_code == 404
    assert not AuditRecord.objects.filter(action="export").exists()


def test_the_lifecycle_page_links_to_it_for_those_who_run_the_case(sig_court, login):
    w = sig_court.world
    link = f'href="/arenden/{sig_court.case.code}/yttrande/"'
    assert link in login(w.coordinator).get(url(sig_court.case, "forlopp/")).content.decode()
    assert link not in login(w.police).get(url(sig_court.case, "forlopp/")).content.decode()


def test_the_page_costs_the_same_queries_whatever_the_number_of_items(sig_court, login):
    w = sig_court.world
    case = sig_court.case
    http = login(w.coordinator)
    with CaptureQueriesContext(connection) as few:
        http.get(url(case))
    for i in range(10):
        meeting(case, w, today() - timedelta(days=40 + i), youth=bool(i % 2))
        intervention(case, w, f"Insats {i}")
        intervention(case, w, f"Polisinsats {i}", police=True)
    with CaptureQueriesContext(connection) as many:
        body = http.get(url(case))
    assert "13 nätverksmöten har hållits. Ungdomen deltog i 7 av dem." in body.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    print(f"court summary page: {len(few.captured_queries)} queries")
