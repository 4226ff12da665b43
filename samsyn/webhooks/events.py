"""The events webhooks carry, and who gets them (decision D51).

An event holds codes, state codes and times only: never a name, a personnummer or free text.
`payload_build` enforces that with a whitelist per event type: a key outside it, or a value
that is not a UUID, a known state or meeting kind, or a time, is a programming error and
raises before anything is stored.

Who gets an event: the organisations that take part in the case.

- `case.state_changed`: the owner organisation and every organisation with an active member
  in the case (everyone in the case sees its state, D18).
- `meeting.planned`: the owner organisation and the organisations of the invited
  professionals (a meeting is an item in the plan category; the invited are told its time by
  their invitation anyway, D25). Other members' organisations get nothing.

The deliveries are written in the transaction of the change, so an event exists exactly when
the change does, and are sent after it commits (`transaction.on_commit`), in the background.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, Subquery
from django.utils import timezone

from samsyn.cases.models import Case, CaseMember, CaseState
from samsyn.webhooks.models import Delivery, DeliveryStatus, Event, Webhook

# The only keys an event's `data` may hold, and what each value must be.
UUID_VALUE, STATE_VALUE, TIME_VALUE = "uuid", "state", "time"
PAYLOAD_KEYS: dict[str, dict[str, str]] = {
    Event.CASE_STATE_CHANGED: {
        "case": UUID_VALUE,
        "from_state": STATE_VALUE,
        "to_state": STATE_VALUE,
        "at": TIME_VALUE,
    },
    Event.MEETING_PLANNED: {"meeting": UUID_VALUE, "case": UUID_VALUE, "starts_at": TIME_VALUE},
}
ENVELOPE_KEYS = ("id", "type", "created", "data")


def _value(kind: str, value: Any) -> str:
    if kind == UUID_VALUE:
        return str(uuid.UUID(str(value)))
    if kind == STATE_VALUE:
        if value not in CaseState.values:
            raise ValueError(f"not a case state: {value!r}")
        return str(value)
    if isinstance(value, datetime) and timezone.is_aware(value):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    raise ValueError(f"not an aware time: {value!r}")


def payload_build(event_type: str, event_id: uuid.UUID, **data: Any) -> dict[str, Any]:
    """The event as it is sent. Rule: only the whitelisted keys, each a code or a time."""
    allowed = PAYLOAD_KEYS[event_type]
    if set(data) != set(allowed):
        raise ValueError(f"{event_type} takes exactly {sorted(allowed)}, got {sorted(data)}")
    return {
        "id": str(event_id),
        "type": event_type,
        "created": _value(TIME_VALUE, timezone.now()),
        "data": {key: _value(allowed[key], value) for key, value in data.items()},
    }


def _emit(event_type: str, organisations: Q, **data: Any) -> list[Delivery]:
    """Write one delivery per subscribed active webhook of those organisations, and send them
    once the transaction commits."""
    hooks = [
        hook
        for hook in Webhook.objects.filter(
            organisations, is_active=True, organisation__is_active=True
        )
        if event_type in hook.events
    ]
    if not hooks:
        return []
    event_id = uuid.uuid4()
    payload = payload_build(event_type, event_id, **data)
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            webhook=hook,
            event_id=event_id,
            event_type=event_type,
            payload=payload,
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
        )
        for hook in hooks
    )
    ids = [d.pk for d in deliveries]
    from samsyn.webhooks import delivery  # the sending side (HTTP), only when there is work

    # robust: the change is committed whatever happens here; `deliver_webhooks` sends later.
    transaction.on_commit(lambda: delivery.start(ids), robust=True)
    return deliveries


def case_state_changed(*, case: Case, from_state: str, to_state: str, at: datetime) -> None:
    """A case moved: tell the owner and every organisation with an active member in it."""
    members = CaseMember.objects.filter(case=case, person__is_active=True).values(
        "person__organisation_id"
    )
    _emit(
        Event.CASE_STATE_CHANGED,
        Q(organisation_id=case.owner_id) | Q(organisation_id__in=Subquery(members)),
        case=case.code,
        from_state=from_state,
        to_state=to_state,
        at=at,
    )


def meeting_planned(*, meeting: Any) -> None:
    """A meeting was planned: tell the owner and the invited professionals' organisations."""
    from samsyn.meetings.models import Attendance  # meetings imports cases, which imports us

    invited = Attendance.objects.filter(meeting=meeting, organisation__isnull=False).values(
        "organisation_id"
    )
    _emit(
        Event.MEETING_PLANNED,
        Q(organisation_id=meeting.case.owner_id) | Q(organisation_id__in=Subquery(invited)),
        meeting=meeting.code,
        case=meeting.case.code,
        starts_at=meeting.starts_at,
    )
