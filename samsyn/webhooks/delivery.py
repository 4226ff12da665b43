"""Sending webhook deliveries: signed, in the background, with a short timeout and retries.

A delivery is sent after the change's transaction commits, in a daemon thread of the web
process (`SAMSYN_WEBHOOK_RUNNER = "thread"`, the default) or as a django-tasks task for
`manage.py db_worker` (`"task"`), so a slow receiver never holds up a page. A failure (no
answer within `TIMEOUT`, an answer other than 2xx, a redirect, a refused address) schedules
the next attempt after `BACKOFF`; after the last one the delivery is given up. Due retries are
sent by `manage.py deliver_webhooks` (run every minute from cron or a systemd timer) or the
task `deliver_due_webhooks`.

A delivery is claimed before it is sent (its next attempt is pushed `LEASE` ahead in one
update), so the thread and the command never send the same attempt twice.

Signature: `Samsyn-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the
webhook's secret; `Samsyn-Event-Id` repeats the event's id for deduplication (docs/api.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from samsyn.webhooks.models import Delivery, DeliveryStatus
from samsyn.webhooks.targets import check_url

logger = logging.getLogger(__name__)

TIMEOUT = 5  # seconds to connect and to answer
LEASE = timedelta(minutes=2)  # a claimed attempt is not taken by anyone else for this long
# Waits before attempts 2, 3, ...: about a day and a half in all, then the delivery is given up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
SIGNATURE_HEADER = "Samsyn-Signature"
EVENT_ID_HEADER = "Samsyn-Event-Id"


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `<timestamp>.<body>` with the secret."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere, past the address check: it counts as a failure."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the HTTP status; raises on no answer."""
    # Only http(s), checked by `check_url` just before.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            response.read(1024)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def runner() -> str:
    return str(getattr(settings, "SAMSYN_WEBHOOK_RUNNER", "thread"))


def start(ids: list[int]) -> None:
    """Send these deliveries in the background, the way the settings say."""
    if runner() == "task":
        deliver_task.enqueue(ids)
        return
    threading.Thread(target=_in_thread, args=(ids,), name=f"webhook-{ids[0]}", daemon=True).start()


def _in_thread(ids: list[int]) -> None:
    try:
        for pk in ids:
            deliver(pk)
    finally:
        connection.close()  # the thread's own connection


@task()
def deliver_task(ids: list[int]) -> None:
    """The first attempt as a django-tasks task (`SAMSYN_WEBHOOK_RUNNER = "task"`)."""
    for pk in ids:
        deliver(pk)


@task()
def deliver_due_webhooks() -> int:
    """Due retries as a django-tasks task; returns how many were delivered."""
    return deliver_due()


def deliver_due(*, limit: int = 500) -> int:
    """Send every delivery whose next attempt is due; returns how many were delivered."""
    due = Delivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
    ).order_by("next_attempt_at", "pk")
    return sum(deliver(pk) for pk in list(due.values_list("pk", flat=True)[:limit]))


def deliver(pk: int) -> bool:
    """One attempt at one delivery, if it is due and nobody else took it; True when the
    receiver answered 2xx."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return False
    job = Delivery.objects.select_related("webhook").get(pk=pk)
    hook = job.webhook
    if not hook.is_active:
        _finish(job, ok=False, code=None, error="Webhooken är avstängd.", give_up=True)
        return False
    body = body_of(job.payload)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "samsyn-webhooks/1",
        SIGNATURE_HEADER: f"t={timestamp},v1={sign(hook.secret, timestamp, body)}",
        EVENT_ID_HEADER: str(job.event_id),
        "Samsyn-Event-Type": job.event_type,
    }
    code: int | None = None
    error = ""
    try:
        check_url(hook.url)
        code = _post(hook.url, body, headers)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    except Exception as exc:  # no answer: timeout, refused, TLS, DNS
        error = f"{type(exc).__name__}: {exc}"
    ok = code is not None and 200 <= code < 300
    if not ok and not error:
        error = f"HTTP {code}"
    _finish(job, ok=ok, code=code, error=error, give_up=job.attempts >= MAX_ATTEMPTS)
    if not ok:
        logger.warning(
            "Webhook delivery %s attempt %s failed: %s", job.pk, job.attempts, error[:200]
        )
    return ok


def _finish(job: Delivery, *, ok: bool, code: int | None, error: str, give_up: bool) -> None:
    now = timezone.now()
    fields: dict[str, Any] = {"last_status": code, "last_error": error[:200]}
    if ok:
        fields |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now, "next_attempt_at": None}
    elif give_up:
        fields |= {"status": DeliveryStatus.FAILED, "next_attempt_at": None}
    else:
        fields["next_attempt_at"] = now + BACKOFF[min(job.attempts, len(BACKOFF)) - 1]
    Delivery.objects.filter(pk=job.pk).update(**fields)
