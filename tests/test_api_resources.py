"""The API's resources (issue 9): a token of one organisation gets exactly what its person gets
on the pages (the same selectors, the same consent decisions, the same audit records), nothing
of a case the person is not in, and nothing after revocation; the write scope, ETags,
pagination, filters and problem details."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from samsyn.api import services
from samsyn.api.models import Scope
from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import JournalNote
from samsyn.followup.models import RunStatus
from samsyn.meetings.models import Meeting
from samsyn.organisations.models import District
from samsyn.plans import services as plans
from samsyn.plans.models import InterventionKind, InterventionStatus, LifeDomain
from tests.conftest import staff_client
from tests.test_case_views import cat, give
from tests.test_meetings import AGENDA, activate, plan_meeting

YOUTH_WORDS = ("Alex", "Exempelsson", "20100521", "Storgatan", "070-1234567", "Norraskolan")


def bearer(person, scope: str = Scope.READ, **headers: str) -> Client:
    _token, raw = services.token_create(actor=person, name="System", scope=scope, days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **headers)


def api(sig, suffix: str = "") -> str:
    return f"/api/v1/arenden/{sig.case.code}/{suffix}"


@pytest.fixture
def filled(sig):
    """The case with a note of each organisation, a plan, an intervention and a meeting."""
    w = sig.world
    activate(sig.case)
    cases.note_create(
        actor=w.coordinator,
        case=sig.case,
        category=cat("skola"),
        title="Skolmöte",
        text="Frånvaro.",
    )
    cases.note_create(
        actor=w.coordinator, case=sig.case, category=cat("familj"), title="Hemma", text="Bråk."
    )
    cases.note_create(
        actor=w.police, case=sig.case, category=cat("polis"), title="Polisens", text="Anmälan."
    )
    plans.plan_save(actor=w.coordinator, case=sig.case, long_term_goal="Gå ut nian.")
    goal = plans.subgoal_save(
        actor=w.coordinator, case=sig.case, domain=LifeDomain.SCHOOL, goal="Närvaro 90 %."
    )
    plans.activity_create(
        actor=w.coordinator,
        case=sig.case,
        subgoal=goal,
        description="Läxhjälp varje tisdag.",
        responsible_organisation=w.owner_org,
        responsible_person=w.coordinator,
    )
    plans.intervention_save(
        actor=w.coordinator,
        case=sig.case,
        kind=InterventionKind.objects.filter(is_active=True).first(),
        description="MST med familjen",
        started_on=timezone.localdate(),
        status=InterventionStatus.values[0],
    )
    plan_meeting(sig)
    return sig


CONSENTED = [(), ("identitet", "skola", "plan", "socialtjanst")]


@pytest.mark.parametrize("slugs", CONSENTED, ids=["no-consent", "consent"])
def test_the_police_token_gets_the_case_page_exactly(filled, slugs):
    sig, w = filled, filled.world
    if slugs:
        give(sig, *slugs)
    body = bearer(w.police).get(api(sig)).json()
    page = staff_client(w.police).get(f"/arenden/{sig.case.code}/").context
    assert body["identified"] is page["identified"] is bool(slugs)
    assert [n["code"] for n in body["notes"]] == [str(n.code) for n, _why, _g in page["notes"]]
    assert [n["why"] for n in body["notes"]] == [why for _n, why, _g in page["notes"]]
    assert [tuple(h.values()) for h in body["hidden"]] == [tuple(h) for h in page["hidden"]]
    assert body["deidentified"]["anonymous_code"] == sig.case.anonymous_code
    if slugs:
        assert body["youth"]["last_name"] == "Exempelsson"
        assert {n["title"] for n in body["notes"]} == {"Skolmöte", "Polisens"}
    else:
        assert body["youth"] is None and body["guardians"] == []
        assert {n["title"] for n in body["notes"]} == {"Polisens"}  # its own only
        text = str(body)
        assert not any(word in text for word in YOUTH_WORDS), text
        assert "Skolmöte" not in text and "Frånvaro" not in text


@pytest.mark.parametrize("slugs", CONSENTED, ids=["no-consent", "consent"])
def test_plan_interventions_and_meetings_as_on_their_pages(filled, slugs):
    sig, w = filled, filled.world
    if slugs:
        give(sig, *slugs)
    http, page = bearer(w.police), staff_client(w.police)
    plan = http.get(api(sig, "plan/")).json()
    shown = page.get(f"/arenden/{sig.case.code}/plan/").context["page"]
    assert plan["exists"] is (shown.plan is not None) is bool(slugs)
    assert plan["hidden_plan"] is shown.plan_hidden
    assert [g["code"] for d in plan["domains"] for g in d["goals"]] == [
        str(g.subgoal.code) for g in shown.goals
    ]
    assert [tuple(h.values()) for h in plan["hidden"]] == [tuple(h) for h in shown.hidden]

    interventions = http.get(api(sig, "insatser/")).json()
    shown_i = page.get(f"/arenden/{sig.case.code}/plan/insatser/").context["page"]
    assert [i["code"] for i in interventions["items"]] == [
        str(v.intervention.code) for g in shown_i.interventions for v in g.items
    ]
    assert len(interventions["items"]) == (1 if slugs else 0)

    meetings = http.get(api(sig, "moten/")).json()
    shown_m = page.get(f"/arenden/{sig.case.code}/moten/").context["page"]
    (meeting,) = meetings["items"]
    (view,) = shown_m.upcoming
    assert (meeting["code"], meeting["allowed"]) == (str(view.code), view.allowed)
    assert meeting["agenda"] == view.agenda == (AGENDA if slugs else "")
    detail = http.get(f"/api/v1/moten/{view.code}/").json()
    assert detail["meeting"]["allowed"] is view.allowed and detail["case"] == str(sig.case.code)
    if not slugs:
        assert not any(word in str(meetings) + str(detail) for word in (*YOUTH_WORDS, "Maria"))


def test_referrals_and_consents_as_on_their_pages(filled):
    sig, w = filled, filled.world
    give(sig, "skola")  # not "socialtjanst": the referral stays hidden from the police
    http, page = bearer(w.police), staff_client(w.police)
    referrals = http.get(api(sig, "aktualiseringar/")).json()
    lifecycle = page.get(f"/arenden/{sig.case.code}/forlopp/").context["page"]
    assert [r["code"] for r in referrals["items"]] == [
        str(s.item.code) for s in lifecycle.referrals
    ]
    assert [tuple(h.values()) for h in referrals["hidden"]] == [tuple(h) for h in lifecycle.hidden]
    mine = bearer(w.coordinator).get(api(sig, "aktualiseringar/")).json()
    assert mine["items"][0]["reason"] == "Skolfrånvaro och misstänkt stöld."

    consents = http.get(api(sig, "samtycken/")).json()
    rows = page.get(f"/arenden/{sig.case.code}/samtycken/").context["rows"]
    assert [c["code"] for c in consents["items"]] == [str(r.code) for r in rows]
    (consent,) = consents["items"]
    assert consent["oral_note"] == "" and not consent["details_visible"]  # not the holder's
    assert "Maria" not in str(consents)  # givers named only with identity
    (held,) = bearer(w.coordinator).get(api(sig, "samtycken/")).json()["items"]
    assert held["oral_note"] == "Vid hembesök hos familjen."


def _reads(person) -> list[tuple[str, str, str, str]]:
    return sorted(
        AuditRecord.objects.filter(actor_code=person.code, action__in=["read", "refused"])
        .values_list("action", "object_type", "object_code", "basis")
        .distinct()
    )


def test_an_api_read_is_audited_as_the_page_read(filled):
    sig, w = filled, filled.world
    give(sig, "skola")
    staff_client(w.police).get(f"/arenden/{sig.case.code}/")
    page_reads = _reads(w.police)
    before = AuditRecord.objects.filter(actor_code=w.police.code).count()
    bearer(w.police).get(api(sig))
    records = AuditRecord.objects.filter(actor_code=w.police.code).order_by("pk")[before:]
    api_reads = sorted(
        {
            (r.action, r.object_type, r.object_code, r.basis)
            for r in records
            if r.action in ("read", "refused")
        }
    )
    assert api_reads == page_reads and any(a == "refused" for a, *_rest in api_reads)


ENDPOINTS = ["", "aktualiseringar/", "samtycken/", "insatser/", "plan/", "moten/"]


def test_a_person_outside_the_case_gets_404_everywhere(filled):
    sig, w = filled, filled.world
    http = bearer(w.outsider, Scope.WRITE)
    meeting = Meeting.objects.get(case=sig.case)
    before = AuditRecord.objects.count()
    for suffix in ENDPOINTS:
        response = http.get(api(sig, suffix))
        assert response.status_code == 404, suffix
        assert response["Content-Type"] == "application/problem+json"
        assert str(sig.case.code) not in response.json()["title"]
    assert http.get(f"/api/v1/moten/{meeting.code}/").status_code == 404
    note = {"category": "skola", "title": "Intrång", "text": "Nej."}
    assert http.post(api(sig, "anteckningar/"), note, "application/json").status_code == 404
    start = (timezone.now() + timedelta(days=3)).isoformat()
    plan = {"kind": "natverksmote", "starts_at": start}
    assert http.post(api(sig, "moten/"), plan, "application/json").status_code == 404
    assert not JournalNote.objects.filter(title="Intrång").exists()
    assert Meeting.objects.count() == 1
    assert AuditRecord.objects.count() == before  # a 404 decides nothing about the case
    assert bearer(w.outsider).get("/api/v1/arenden/").json()["count"] == 0


def test_nothing_after_revocation(filled):
    sig, w = filled, filled.world
    token, raw = services.token_create(actor=w.police, name="X", scope=Scope.WRITE, days=5)
    http = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert http.get(api(sig)).status_code == 200
    services.token_revoke(actor=w.police, token=token)
    for suffix in ENDPOINTS:
        response = http.get(api(sig, suffix))
        assert response.status_code == 401 and "Alex" not in response.content.decode()
    response = http.post(api(sig, "anteckningar/"), {}, "application/json")
    assert response.status_code == 401


def test_a_read_token_may_not_write(filled):
    sig, w = filled, filled.world
    response = bearer(w.police, HTTP_ACCEPT_LANGUAGE="sv").post(
        api(sig, "anteckningar/"),
        {"category": "polis", "title": "Ny", "text": "Text."},
        "application/json",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Nyckeln får bara läsa"
    assert not JournalNote.objects.filter(title="Ny").exists()


def test_a_write_token_writes_a_note_through_the_service(filled):
    sig, w = filled, filled.world
    http = bearer(w.police, Scope.WRITE)
    response = http.post(
        api(sig, "anteckningar/"),
        {"category": "polis", "title": "Gripen", "text": "Misstänkt för rån.", "kind": "incident"},
        "application/json",
    )
    assert response.status_code == 201, response.content
    note = JournalNote.objects.get(code=response.json()["code"])
    assert (note.owner, note.created_by, note.kind) == (w.recipient_org, w.police, "incident")
    assert AuditRecord.objects.filter(action=Action.CREATE, object_code=str(note.code)).exists()
    codes = [n["code"] for n in http.get(api(sig)).json()["notes"]]
    assert str(note.code) in codes


@pytest.mark.parametrize(
    ("language", "message"),
    [("sv", "Personen hör inte till ärendet."), ("en", "The person does not belong to the case.")],
)
def test_a_refused_write_is_a_422_problem_per_field_in_the_language_asked(
    filled, language, message
):
    sig, w = filled, filled.world
    http = bearer(w.police, Scope.WRITE, HTTP_ACCEPT_LANGUAGE=language)
    response = http.post(
        api(sig, "anteckningar/"),
        # The police may not see who the guardians are: naming one is refused.
        {"category": "polis", "title": "T", "text": "X", "also_about": str(sig.mother.code)},
        "application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"also_about": [message]}
    assert not JournalNote.objects.filter(title="T").exists()
    unknown = http.post(
        api(sig, "anteckningar/"),
        {"category": "nej", "title": "T", "text": "X"},
        "application/json",
    )
    assert unknown.status_code == 422 and set(unknown.json()["errors"]) == {"category"}


def test_planning_a_meeting_through_the_api(filled):
    sig, w = filled, filled.world
    start = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    payload = {
        "kind": "natverksmote",
        "starts_at": start.isoformat(),
        "location": "Skolan",
        "invite": [str(w.police.code)],
    }
    police = bearer(w.police, Scope.WRITE)
    assert police.post(api(sig, "moten/"), payload, "application/json").status_code == 404
    http = bearer(w.coordinator, Scope.WRITE)
    response = http.post(api(sig, "moten/"), payload, "application/json")
    assert response.status_code == 201, response.content
    meeting = Meeting.objects.get(code=response.json()["code"])
    assert meeting.location == "Skolan" and meeting.attendances.filter(person=w.police).exists()
    naive = {**payload, "starts_at": start.replace(tzinfo=None).isoformat()}
    refused = http.post(api(sig, "moten/"), naive, "application/json")
    assert refused.status_code == 422 and "starts_at" in refused.json()["errors"]
    stranger = {**payload, "invite": [str(w.outsider.code)]}
    refused = http.post(api(sig, "moten/"), stranger, "application/json")
    assert refused.status_code == 422 and "invite" in refused.json()["errors"]
    assert Meeting.objects.filter(case=sig.case).count() == 2


def test_etags_answer_304_and_the_read_is_still_audited(filled):
    sig, w = filled, filled.world
    http = bearer(w.police)
    first = http.get(api(sig))
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first["Cache-Control"] == "private, no-cache"
    reads = AuditRecord.objects.filter(actor_code=w.police.code).count()
    again = http.get(api(sig), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert AuditRecord.objects.filter(actor_code=w.police.code).count() > reads
    give(sig, "identitet")
    changed = http.get(api(sig), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    for suffix in ENDPOINTS[1:]:
        response = http.get(api(sig, suffix))
        tag = response["ETag"]
        assert http.get(api(sig, suffix), HTTP_IF_NONE_MATCH=f'"x", {tag}').status_code == 304


def _more_cases(world, n: int) -> None:
    south = District.objects.create(municipality=world.municipality, name="Södra")
    for i in range(n):
        cases.case_create(
            actor=world.coordinator,
            first_name=f"Ung{i}",
            last_name="Testsson",
            reason="Oro.",
            personnummer="",
            date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 15),
            district=south,
        )


def test_the_case_list_pages_and_filters(sig):
    w = sig.world
    _more_cases(w, 3)
    http = bearer(w.coordinator)
    body = http.get("/api/v1/arenden/", {"page_size": 2}).json()
    assert (body["count"], body["pages"], len(body["items"])) == (4, 2, 2)
    second = http.get("/api/v1/arenden/", {"page_size": 2, "page": 2}).json()
    assert {i["code"] for i in body["items"]}.isdisjoint({i["code"] for i in second["items"]})
    south = District.objects.get(name="Södra")
    assert http.get("/api/v1/arenden/", {"stadsdel": south.code}).json()["count"] == 3
    assert http.get("/api/v1/arenden/", {"stadsdel": w.district.code}).json()["count"] == 1
    assert http.get("/api/v1/arenden/", {"state": "aktualiserad"}).json()["count"] == 4
    assert http.get("/api/v1/arenden/", {"state": "avslutad"}).json()["count"] == 0
    for bad in ({"state": "nonsense"}, {"page_size": 101}, {"page": 0}, {"stadsdel": "x"}):
        response = http.get("/api/v1/arenden/", bad)
        assert response.status_code == 422, bad
        assert response["Content-Type"] == "application/problem+json"


def test_meetings_filter_by_date_and_page(filled):
    sig, w = filled, filled.world
    later = timezone.now() + timedelta(days=40)
    plan_meeting(sig, when=later)
    http = bearer(w.coordinator)
    everything = http.get(api(sig, "moten/")).json()
    assert everything["count"] == 2
    day = timezone.localtime(later).date()
    only = http.get(api(sig, "moten/"), {"fran": day.isoformat()}).json()
    assert only["count"] == 1 and only["items"][0]["starts_at"].startswith(day.isoformat())
    paged = http.get(api(sig, "moten/"), {"page_size": 1, "page": 2}).json()
    assert paged["pages"] == 2 and paged["items"] == only["items"]
    reversed_ = http.get(api(sig, "moten/"), {"fran": "2026-05-01", "till": "2026-01-01"})
    assert reversed_.status_code == 422 and "till" in reversed_.json()["errors"]
    assert http.get(api(sig, "moten/"), {"fran": "igår"}).status_code == 422


def test_the_report_is_the_pages_with_the_same_suppression_and_roles(sig):
    w = sig.world
    _more_cases(w, 6)
    body = bearer(w.steering).get("/api/v1/rapporter/uppfoljning/").json()
    report = staff_client(w.steering).get("/uppfoljning/").context["report"]
    assert body["threshold"] == report.threshold
    assert [t["key"] for t in body["tables"]] == [t.key for t in report.tables]
    for table, shown in zip(body["tables"], report.tables, strict=True):
        assert [[c["text"] for c in r["cells"]] for r in table["rows"]] == [
            [c.text for c in cells] for _label, cells in shown.rows
        ]
    texts = {c["text"] for t in body["tables"] for r in t["rows"] for c in r["cells"]}
    assert "<5" in texts  # small counts suppressed, as on the page
    for person in (w.police, w.coordinator, w.admin):
        response = bearer(person).get("/api/v1/rapporter/uppfoljning/")
        assert (
            response.status_code == 404
            and staff_client(person).get("/uppfoljning/").status_code == 404
        )
    bad = bearer(w.steering).get(
        "/api/v1/rapporter/uppfoljning/", {"stadsdel": str(w.owner_org.code)}
    )
    assert bad.status_code == 422 and "stadsdel" in bad.json()["errors"]


def test_the_document_declares_every_resource_and_the_304(world):
    document = Client().get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/arenden/{code}/",
        "/api/v1/arenden/{code}/aktualiseringar/",
        "/api/v1/arenden/{code}/samtycken/",
        "/api/v1/arenden/{code}/insatser/",
        "/api/v1/arenden/{code}/plan/",
        "/api/v1/arenden/{code}/moten/",
        "/api/v1/moten/{code}/",
        "/api/v1/rapporter/uppfoljning/",
    ):
        assert "304" in document["paths"][path]["get"]["responses"], path
    assert "post" in document["paths"]["/api/v1/arenden/{code}/anteckningar/"]
    assert "ETag" in document["info"]["description"]


REFERRAL = {
    "first_name": "Robin",
    "last_name": "Remissson",
    "reason": "Gripen för rån tillsammans med äldre.",
    "personnummer": "20100521-0016",
    "sex": "pojke",
}


def test_the_police_refer_a_youth_and_then_see_the_case_deidentified(world):
    http = bearer(world.police, Scope.WRITE)
    referral = {**REFERRAL, "owner": str(world.owner_org.code)}
    response = http.post("/api/v1/aktualiseringar/", referral, "application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["state"] == "aktualiserad" and created["owner"] == world.owner_org.name
    assert "Robin" not in response.content.decode()
    case = http.get(f"/api/v1/arenden/{created['code']}/").json()
    assert case["identified"] is False and case["youth"] is None
    assert case["deidentified"]["anonymous_code"] == created["anonymous_code"]
    assert AuditRecord.objects.filter(
        action=Action.CREATE, object_type="cases.referral", actor_code=world.police.code
    ).exists()


def test_a_referral_is_refused_whole_and_to_those_who_may_not_refer(world):
    from samsyn.cases.models import Case

    assert (
        bearer(world.police).post("/api/v1/aktualiseringar/", REFERRAL, "application/json")
    ).status_code == 403
    steering = bearer(world.steering, Scope.WRITE)
    assert (
        steering.post("/api/v1/aktualiseringar/", REFERRAL, "application/json").status_code == 404
    )
    http = bearer(world.police, Scope.WRITE)
    nameless = {**REFERRAL, "personnummer": "", "owner": str(world.owner_org.code)}
    response = http.post("/api/v1/aktualiseringar/", nameless, "application/json")
    assert response.status_code == 422 and set(response.json()["errors"]) == {"date_of_birth"}
    elsewhere = {**REFERRAL, "owner": str(world.outsider_org.code)}
    response = http.post("/api/v1/aktualiseringar/", elsewhere, "application/json")
    assert response.status_code == 422 and set(response.json()["errors"]) == {"owner"}
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {"fran": "0001-01-01", "till": "9999-12-31"},
        {"fran": "9999-12-31"},
        {"till": "0001-01-01", "fran": "0001-01-01"},
    ],
)
def test_extreme_periods_are_answered_not_crashed(sig, query):
    response = bearer(sig.world.steering).get("/api/v1/rapporter/uppfoljning/", query)
    assert response.status_code in (200, 202, 422), response.content
    meetings = bearer(sig.world.coordinator).get(api(sig, "moten/"), query)
    assert meetings.status_code in (200, 422)


@pytest.mark.parametrize(
    "extra",
    [
        {"referred_on": "0001-01-01"},
        {"personnummer": "", "date_of_birth": "9999-12-31"},
        {"personnummer": "", "date_of_birth": "0001-01-01"},
        {"personnummer": "x" * 20},
    ],
)
def test_extreme_referrals_are_refused_not_crashed(world, extra):
    referral = {**REFERRAL, "owner": str(world.owner_org.code), **extra}
    response = bearer(world.police, Scope.WRITE).post(
        "/api/v1/aktualiseringar/", referral, "application/json"
    )
    assert response.status_code in (201, 422), response.content


@pytest.mark.parametrize(
    "starts_at", ["9999-12-31T23:30:00+00:00", "0001-01-01T00:00:00+01:00", "1999-12-31T10:00:00Z"]
)
def test_far_off_meeting_times_are_refused_not_crashed(filled, starts_at):
    http = bearer(filled.world.coordinator, Scope.WRITE)
    payload = {"kind": "natverksmote", "starts_at": starts_at}
    response = http.post(api(filled, "moten/"), payload, "application/json")
    assert response.status_code == 422 and "starts_at" in response.json()["errors"]
    assert Meeting.objects.count() == 1


def test_a_resource_costs_a_fixed_number_of_queries(filled):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sig, w = filled, filled.world
    give(sig, "skola", "plan")
    http = bearer(w.police)

    def counts() -> list[int]:
        found = []
        for suffix in ENDPOINTS:
            with CaptureQueriesContext(connection) as ctx:
                assert http.get(api(sig, suffix)).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    http.get(api(sig))  # the token's last use is written at most every five minutes
    before = counts()
    for n in range(4):
        cases.note_create(
            actor=w.coordinator, case=sig.case, category=cat("skola"), title=f"N{n}", text="T."
        )
        plan_meeting(sig, when=timezone.now() + timedelta(days=20 + n))
    assert counts() == before


def test_a_large_report_answers_202_until_it_is_computed(
    sig, settings, django_capture_on_commit_callbacks
):
    settings.SAMSYN_REPORT_BACKGROUND_FROM = 0  # every area is large
    settings.SAMSYN_REPORT_RUNNER = "task"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    http = bearer(sig.world.steering)
    with django_capture_on_commit_callbacks(execute=True):  # the run starts after the answer
        pending = http.get("/api/v1/rapporter/uppfoljning/")
    assert pending.status_code == 202 and "tables" not in pending.json()
    assert pending.json()["status"] == RunStatus.WAITING
    done = http.get("/api/v1/rapporter/uppfoljning/")
    assert done.status_code == 200 and done.json()["tables"]
