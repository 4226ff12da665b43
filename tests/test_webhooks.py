"""Webhooks (issue 9): signed events to a real HTTP receiver on loopback, codes only, to the
organisations in the case only, retried on failure; the administrators' pages and who may see
them; the address checks against server-side request forgery."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import Case, CaseState
from samsyn.meetings import services as meetings
from samsyn.meetings.models import MeetingKind
from samsyn.organisations.models import Organisation, OrganisationKind, Role
from samsyn.webhooks import delivery, events, services
from samsyn.webhooks.models import Delivery, DeliveryStatus, Event, Webhook
from samsyn.webhooks.targets import check_url
from tests.conftest import make_person, staff_client

YOUTH_WORDS = (
    "Alex",
    "Exempelsson",
    "20100521",
    "100521",
    "0016",
    "Storgatan",
    "070-1234567",
    "Norraskolan",
    "Maria",
    "Mats",
    "Skolfrånvaro",
)
API_DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


class Receiver:
    """A real HTTP server on loopback that records what it is sent and answers `status`."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.status = 200
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, dict(self.headers.items()), body))
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                if 300 <= receiver.status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/samsyn?mottagare=1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def loopback(settings):
    """Tests run on production settings (DEBUG off): allow the loopback receiver explicitly."""
    settings.SAMSYN_WEBHOOK_ALLOW_LOOPBACK = True
    settings.SAMSYN_WEBHOOK_RUNNER = "thread"
    return settings


def hook_for(world, organisation, url, events=tuple(Event.values), actor=None):
    return services.webhook_create(
        actor=actor or world.admin, organisation=organisation, url=url, events=list(events)
    )


def verify_with_documented_snippet(secret: str, header: str, body: bytes) -> bool:
    """Run the verification snippet from docs/api.md, so the documentation is tested too."""
    text = API_DOC.read_text()
    section = text[text.index("## Webhooks") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None, "docs/api.md lost its verification snippet"
    namespace: dict[str, Any] = {}
    exec(code.group(1), namespace)  # our own documentation
    return bool(namespace["verify"](secret, header, body))


def assert_signed(request: tuple[str, dict[str, str], bytes], secret: str) -> dict[str, Any]:
    _path, headers, body = request
    signature = headers["Samsyn-Signature"]
    fields = dict(part.split("=", 1) for part in signature.split(","))
    expected = hmac.new(
        secret.encode(), fields["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert fields["v1"] == expected
    assert abs(int(fields["t"]) - time.time()) < 60
    assert verify_with_documented_snippet(secret, signature, body)
    assert not verify_with_documented_snippet("whsec_wrong", signature, body)
    assert not verify_with_documented_snippet(secret, signature, body + b" ")
    payload = json.loads(body)
    assert headers["Samsyn-Event-Id"] == payload["id"]
    assert headers["Content-Type"] == "application/json"
    return payload


def assert_codes_only(body: bytes, event_type: str) -> None:
    text = body.decode()
    leaked = [word for word in YOUTH_WORDS if word.lower() in text.lower()]
    assert not leaked, f"personal data in the event: {leaked}"
    payload = json.loads(body)
    assert set(payload) == set(events.ENVELOPE_KEYS)
    assert set(payload["data"]) == set(events.PAYLOAD_KEYS[event_type])


def activate(case: Case) -> None:
    """Set-up only: the lifecycle's own services are tested elsewhere."""
    Case.objects.filter(pk=case.pk).update(state=CaseState.ACTIVE)
    case.refresh_from_db()


def wait_for_delivery_threads() -> None:
    for thread in [t for t in threading.enumerate() if t.name.startswith("webhook-")]:
        thread.join(timeout=30)


# --- events reach a real receiver, signed ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_state_change_reaches_the_receiver_signed_in_the_background(sig, receiver):
    w = sig.world
    hook, secret = hook_for(w, w.owner_org, receiver.url)
    receiver.delay = 2.0  # a slow receiver must not hold up the page
    started = time.monotonic()
    response = staff_client(w.coordinator).post(
        reverse("cases:transition", kwargs={"code": sig.case.code}),
        {"lage-to_state": CaseState.PREPARATION, "lage-reason": "Klart."},
    )
    assert response.status_code == 302
    assert time.monotonic() - started < receiver.delay
    wait_for_delivery_threads()
    (request,) = receiver.requests
    assert request[0] == "/samsyn?mottagare=1"
    payload = assert_signed(request, secret)
    assert payload["type"] == "case.state_changed"
    assert payload["data"]["case"] == str(sig.case.code)
    assert payload["data"]["from_state"] == CaseState.REFERRED
    assert payload["data"]["to_state"] == CaseState.PREPARATION
    assert payload["data"]["at"].endswith("Z")
    assert_codes_only(request[2], Event.CASE_STATE_CHANGED)
    (sent,) = Delivery.objects.filter(webhook=hook)
    assert (sent.status, sent.attempts, sent.last_status) == (DeliveryStatus.DELIVERED, 1, 200)
    assert sent.delivered_at is not None and str(sent.event_id) == payload["id"]


def test_a_planned_meeting_is_sent_after_commit_and_reaches_the_receiver(
    sig, receiver, django_capture_on_commit_callbacks
):
    w = sig.world
    activate(sig.case)
    hook, secret = hook_for(w, w.owner_org, receiver.url)
    with django_capture_on_commit_callbacks() as callbacks:
        planned = meetings.meeting_plan(
            actor=w.coordinator,
            case=sig.case,
            kind=MeetingKind.NETWORK,
            starts_at=timezone.now() + timedelta(days=7),
            agenda="Alex skolgång på Norraskolan.",
            location="Storgatan 1",
            invite=[w.coordinator, w.police],
            invite_guardians=[sig.mother],
        )
    # Nothing is sent inside the request's transaction: only after it commits.
    assert len(callbacks) == 1 and receiver.requests == []
    assert delivery.deliver_due() == 1
    (request,) = receiver.requests
    payload = assert_signed(request, secret)
    assert payload["type"] == "meeting.planned"
    assert payload["data"] == {
        "meeting": str(planned.meeting.code),
        "case": str(sig.case.code),
        "starts_at": events._value(events.TIME_VALUE, planned.meeting.starts_at),
    }
    assert_codes_only(request[2], Event.MEETING_PLANNED)
    assert Delivery.objects.get(webhook=hook).status == DeliveryStatus.DELIVERED


def test_the_payload_whitelist_refuses_anything_but_codes_and_times():
    event_id = uuid.uuid4()
    case_code = uuid.uuid4()
    with pytest.raises(ValueError, match="takes exactly"):
        events.payload_build(
            Event.CASE_STATE_CHANGED,
            event_id,
            case=case_code,
            from_state=CaseState.ACTIVE,
            to_state=CaseState.CLOSED,
            at=timezone.now(),
            name="Alex Exempelsson",
        )
    with pytest.raises(ValueError):
        events.payload_build(
            Event.MEETING_PLANNED,
            event_id,
            meeting="Alex Exempelsson",
            case=case_code,
            starts_at=timezone.now(),
        )
    with pytest.raises(ValueError, match="state"):
        events.payload_build(
            Event.CASE_STATE_CHANGED,
            event_id,
            case=case_code,
            from_state="20100521-0016",
            to_state=CaseState.CLOSED,
            at=timezone.now(),
        )
    with pytest.raises(ValueError, match="time"):
        events.payload_build(
            Event.MEETING_PLANNED,
            event_id,
            meeting=uuid.uuid4(),
            case=case_code,
            starts_at="i morgon hos Alex",
        )


# --- who gets an event ------------------------------------------------------------------------


def test_only_organisations_taking_part_in_the_case_get_events(sig, receiver):
    w = sig.world
    school = Organisation.objects.create(
        municipality=w.municipality, kind=OrganisationKind.SCHOOL, name="Norra skolan"
    )
    teacher = make_person("larare", school, Role.ACTOR_REPRESENTATIVE)
    idle = Organisation.objects.create(
        municipality=w.municipality, kind=OrganisationKind.LEISURE, name="Fritidsgården"
    )
    cases.member_add(actor=w.coordinator, case=sig.case, person=teacher)
    owner, _s = hook_for(w, w.owner_org, receiver.url)
    police, _s = hook_for(w, w.recipient_org, receiver.url)
    schools, _s = hook_for(w, school, receiver.url)
    not_in_case, _s = hook_for(w, idle, receiver.url)
    other_municipality, _s = hook_for(w, w.outsider_org, receiver.url, actor=w.outsider_admin)

    cases.case_transition(
        actor=w.coordinator, case=sig.case, to_state=CaseState.PREPARATION, reason="Klart."
    )
    got_state = set(Delivery.objects.values_list("webhook_id", flat=True))
    assert got_state == {owner.pk, police.pk, schools.pk}

    # A meeting goes to the owner and the invited professionals' organisations only.
    activate(sig.case)
    meetings.meeting_plan(
        actor=w.coordinator,
        case=sig.case,
        kind=MeetingKind.NETWORK,
        starts_at=timezone.now() + timedelta(days=7),
        invite=[w.police],
    )
    got_meeting = set(
        Delivery.objects.filter(event_type=Event.MEETING_PLANNED).values_list(
            "webhook_id", flat=True
        )
    )
    assert got_meeting == {owner.pk, police.pk}
    assert not Delivery.objects.filter(webhook__in=[not_in_case, other_municipality]).exists()
    assert delivery.deliver_due() == 5
    assert len(receiver.requests) == 5


def test_a_webhook_gets_only_the_events_it_subscribes_to_and_nothing_when_switched_off(
    sig, receiver
):
    w = sig.world
    _meetings_only, _s = hook_for(w, w.owner_org, receiver.url, events=[Event.MEETING_PLANNED])
    switched_off, _s = hook_for(w, w.recipient_org, receiver.url)
    services.webhook_set_active(actor=w.admin, webhook=switched_off, active=False)
    cases.case_transition(
        actor=w.coordinator, case=sig.case, to_state=CaseState.PREPARATION, reason="Klart."
    )
    assert not Delivery.objects.exists()


def test_a_case_move_without_webhooks_costs_one_query_more(sig, django_assert_num_queries):
    w = sig.world
    case = Case.objects.get(pk=sig.case.pk)
    with django_assert_num_queries(1):
        events.case_state_changed(
            case=case,
            from_state=CaseState.REFERRED,
            to_state=CaseState.PREPARATION,
            at=timezone.now(),
        )
    assert w.owner_org.webhooks.count() == 0


# --- failures and retries ---------------------------------------------------------------------


def _one_delivery(sig, receiver) -> Delivery:
    w = sig.world
    hook_for(w, w.owner_org, receiver.url)
    cases.case_transition(
        actor=w.coordinator, case=sig.case, to_state=CaseState.PREPARATION, reason="Klart."
    )
    return Delivery.objects.get()


def _make_due(sent: Delivery) -> None:
    Delivery.objects.filter(pk=sent.pk).update(next_attempt_at=timezone.now())


def test_a_failed_delivery_is_tried_again_later_with_backoff(sig, receiver):
    receiver.status = 500
    sent = _one_delivery(sig, receiver)
    before = timezone.now()
    assert delivery.deliver(sent.pk) is False
    sent.refresh_from_db()
    assert (sent.status, sent.attempts, sent.last_status) == (DeliveryStatus.PENDING, 1, 500)
    assert before + timedelta(seconds=55) < sent.next_attempt_at < before + timedelta(minutes=2)
    # Not due yet: the command sends nothing.
    call_command("deliver_webhooks")
    assert len(receiver.requests) == 1
    # The second failure waits longer.
    _make_due(sent)
    assert delivery.deliver_due() == 0
    sent.refresh_from_db()
    assert sent.attempts == 2
    assert sent.next_attempt_at > timezone.now() + timedelta(minutes=4)
    # When the receiver is back, the due retry gets through, with the same event id.
    receiver.status = 204
    _make_due(sent)
    call_command("deliver_webhooks")
    sent.refresh_from_db()
    assert (sent.status, sent.attempts, sent.last_status) == (DeliveryStatus.DELIVERED, 3, 204)
    ids = {headers["Samsyn-Event-Id"] for _p, headers, _b in receiver.requests}
    assert ids == {str(sent.event_id)}


def test_a_delivery_is_given_up_after_the_last_attempt(sig, receiver):
    receiver.status = 503
    sent = _one_delivery(sig, receiver)
    for _attempt in range(delivery.MAX_ATTEMPTS):
        _make_due(sent)
        delivery.deliver(sent.pk)
    sent.refresh_from_db()
    assert (sent.status, sent.attempts, sent.next_attempt_at) == (
        DeliveryStatus.FAILED,
        delivery.MAX_ATTEMPTS,
        None,
    )
    _make_due(sent)
    assert delivery.deliver(sent.pk) is False
    assert len(receiver.requests) == delivery.MAX_ATTEMPTS


def test_a_slow_receiver_times_out_and_is_tried_again(sig, receiver, monkeypatch):
    monkeypatch.setattr(delivery, "TIMEOUT", 0.3)
    receiver.delay = 1.5
    sent = _one_delivery(sig, receiver)
    started = time.monotonic()
    assert delivery.deliver(sent.pk) is False
    assert time.monotonic() - started < 1.4
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.PENDING and sent.last_status is None
    assert "timed out" in sent.last_error.lower()


def test_a_redirect_is_not_followed_and_counts_as_a_failure(sig, receiver):
    receiver.status = 302
    sent = _one_delivery(sig, receiver)
    assert delivery.deliver(sent.pk) is False
    sent.refresh_from_db()
    assert (sent.status, sent.last_status) == (DeliveryStatus.PENDING, 302)
    assert len(receiver.requests) == 1


def test_an_unreachable_receiver_is_tried_again(sig, receiver):
    sent = _one_delivery(sig, receiver)
    receiver.close()
    assert delivery.deliver(sent.pk) is False
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.PENDING and sent.attempts == 1 and sent.last_error


def test_a_claimed_attempt_is_sent_once(sig, receiver):
    sent = _one_delivery(sig, receiver)
    assert delivery.deliver(sent.pk) is True
    assert delivery.deliver(sent.pk) is False
    assert len(receiver.requests) == 1


def test_waiting_deliveries_of_a_switched_off_webhook_are_given_up(sig, receiver):
    sent = _one_delivery(sig, receiver)
    services.webhook_set_active(actor=sig.world.admin, webhook=sent.webhook, active=False)
    assert delivery.deliver(sent.pk) is False
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.FAILED and receiver.requests == []


def test_the_task_runner_queues_the_first_attempt_for_the_worker(
    sig, receiver, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.SAMSYN_WEBHOOK_RUNNER = "task"
    with django_capture_on_commit_callbacks(execute=True):
        sent = _one_delivery(sig, receiver)
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("deliver_task") and task.args_kwargs["args"] == [[sent.pk]]
    assert receiver.requests == []


# --- where webhooks may point -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://93.184.216.34/hook", "https://"),
        ("ftp://93.184.216.34/hook", "https://"),
        ("https://user:secret@93.184.216.34/hook", "användarnamn"),
        ("https://10.1.2.3/hook", "internt nätverk"),
        ("https://192.168.0.10/hook", "internt nätverk"),
        ("https://169.254.169.254/latest/meta-data", "internt nätverk"),
        ("https://[::1]/hook", "internt nätverk"),
        ("https://[fd00::1]/hook", "internt nätverk"),
        ("https://0.0.0.0/hook", "internt nätverk"),
        ("https://127.0.0.1/hook", "internt nätverk"),
        ("https://finns-inte.invalid/hook", "går inte att slå upp"),
        ("https:///hook", "fullständig adress"),
    ],
)
def test_addresses_outside_the_public_internet_are_refused_in_production(url, message, settings):
    settings.SAMSYN_WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError) as refused:
        check_url(url)
    assert message in " ".join(refused.value.messages)


def test_public_https_addresses_and_listed_internal_networks_are_accepted(settings):
    settings.SAMSYN_WEBHOOK_ALLOW_LOOPBACK = False
    check_url("https://93.184.216.34/hook")
    settings.SAMSYN_WEBHOOK_PRIVATE_NETWORKS = ["10.20.0.0/16"]
    check_url("https://10.20.3.4/hook")
    with pytest.raises(ValidationError):
        check_url("https://10.21.3.4/hook")


def test_loopback_over_plain_http_only_in_development_and_tests(settings):
    check_url("http://127.0.0.1:8000/hook")
    settings.SAMSYN_WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError):
        check_url("http://127.0.0.1:8000/hook")
    settings.DEBUG = True
    check_url("http://127.0.0.1:8000/hook")


def test_the_address_is_checked_again_before_each_delivery(sig, receiver, settings):
    sent = _one_delivery(sig, receiver)
    settings.SAMSYN_WEBHOOK_ALLOW_LOOPBACK = False
    assert delivery.deliver(sent.pk) is False
    sent.refresh_from_db()
    assert "https://" in sent.last_error and receiver.requests == []


# --- the services -------------------------------------------------------------------------


def test_making_a_webhook_is_validated_writes_nothing_on_error_and_is_audited(world):
    with pytest.raises(ValidationError) as refused:
        services.webhook_create(
            actor=world.admin, organisation=world.owner_org, url="http://10.0.0.1/", events=[]
        )
    assert set(refused.value.message_dict) == {"url", "events"}
    assert not Webhook.objects.exists()
    hook, secret = hook_for(world, world.owner_org, "http://127.0.0.1:9/hook")
    assert secret.startswith("whsec_") and len(secret) > 40 and hook.secret == secret
    record = AuditRecord.objects.get(object_code=str(hook.code), action=Action.CREATE)
    assert record.detail["host"] == "127.0.0.1" and secret not in json.dumps(record.detail)


def test_only_administrators_of_the_municipality_manage_its_webhooks(world):
    with pytest.raises(PermissionDenied):
        hook_for(world, world.owner_org, "http://127.0.0.1:9/", actor=world.outsider_admin)
    with pytest.raises(PermissionDenied):
        hook_for(world, world.owner_org, "http://127.0.0.1:9/", actor=world.coordinator)
    hook, _s = hook_for(world, world.owner_org, "http://127.0.0.1:9/")
    with pytest.raises(PermissionDenied):
        services.webhook_delete(actor=world.outsider_admin, webhook=hook)
    assert Webhook.objects.filter(pk=hook.pk).exists()


# --- the pages ------------------------------------------------------------------------------


def test_an_administrator_makes_a_webhook_and_sees_the_secret_once(world):
    client = staff_client(world.admin)
    response = client.post(
        reverse("webhooks:list"),
        {
            "organisation": str(world.recipient_org.code),
            "url": "http://127.0.0.1:9/polisen",
            "events": [Event.CASE_STATE_CHANGED],
        },
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    hook = Webhook.objects.get()
    assert hook.organisation == world.recipient_org and hook.events == [Event.CASE_STATE_CHANGED]
    assert hook.secret in response.content.decode()
    for url in (reverse("webhooks:list"), reverse("webhooks:detail", kwargs={"code": hook.code})):
        page = client.get(url)
        assert page.status_code == 200
        assert hook.secret not in page.content.decode()
        assert "127.0.0.1:9/polisen" in page.content.decode()


def test_a_refused_address_is_explained_in_swedish_and_nothing_is_made(world, settings):
    settings.SAMSYN_WEBHOOK_ALLOW_LOOPBACK = False
    response = staff_client(world.admin).post(
        reverse("webhooks:list"),
        {
            "organisation": str(world.owner_org.code),
            "url": "http://127.0.0.1:9/",
            "events": [Event.CASE_STATE_CHANGED],
        },
    )
    assert response.status_code == 200
    assert "Adressen måste börja med https://" in response.content.decode()
    assert not Webhook.objects.exists()


def test_the_detail_page_lists_recent_deliveries_with_their_status(sig, receiver):
    receiver.status = 500
    sent = _one_delivery(sig, receiver)
    delivery.deliver(sent.pk)
    body = staff_client(sig.world.admin).get(
        reverse("webhooks:detail", kwargs={"code": sent.webhook.code})
    )
    text = body.content.decode()
    assert str(sent.event_id) in text and "HTTP 500" in text and "Väntar" in text


def test_switching_off_and_deleting_are_audited(world):
    hook, _s = hook_for(world, world.owner_org, "http://127.0.0.1:9/")
    client = staff_client(world.admin)
    response = client.post(reverse("webhooks:toggle", kwargs={"code": hook.code}))
    assert response.status_code == 302
    hook.refresh_from_db()
    assert not hook.is_active
    client.post(reverse("webhooks:toggle", kwargs={"code": hook.code}))
    hook.refresh_from_db()
    assert hook.is_active
    assert client.post(reverse("webhooks:delete", kwargs={"code": hook.code})).status_code == 302
    assert not Webhook.objects.exists()
    actions = list(
        AuditRecord.objects.filter(object_code=str(hook.code))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [Action.CREATE, Action.UPDATE, Action.UPDATE, Action.DELETE]


def test_outsiders_see_nothing_and_change_nothing(world):
    hook, _s = hook_for(world, world.owner_org, "http://127.0.0.1:9/")
    detail = reverse("webhooks:detail", kwargs={"code": hook.code})
    toggle = reverse("webhooks:toggle", kwargs={"code": hook.code})
    delete = reverse("webhooks:delete", kwargs={"code": hook.code})
    for person in (world.outsider_admin, world.coordinator, world.police, world.outsider):
        client = staff_client(person)
        assert client.get(detail).status_code == 404
        assert client.post(toggle).status_code == 404
        assert client.post(delete).status_code == 404
    # The other municipality's administrator sees an empty list and cannot make one for us.
    client = staff_client(world.outsider_admin)
    page = client.get(reverse("webhooks:list"))
    assert page.status_code == 200 and "127.0.0.1:9" not in page.content.decode()
    response = client.post(
        reverse("webhooks:list"),
        {"organisation": str(world.owner_org.code), "url": "http://127.0.0.1:9/", "events": ["x"]},
    )
    assert response.status_code == 200 and Webhook.objects.count() == 1
    assert staff_client(world.coordinator).get(reverse("webhooks:list")).status_code == 404
    hook.refresh_from_db()
    assert hook.is_active
