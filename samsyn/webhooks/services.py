"""Making, switching off and deleting an organisation's webhooks: by an administrator of the
organisation's municipality, validated, audited."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.organisations.models import Organisation, Person
from samsyn.organisations.services import require_administers
from samsyn.webhooks.models import Event, Webhook
from samsyn.webhooks.targets import check_url

SECRET_PREFIX = "whsec"
MAX_PER_ORGANISATION = 10


def _detail(hook: Webhook) -> dict[str, object]:
    # The host, not the whole address: a path or query can hold a receiver's own token.
    return {
        "organisation": str(hook.organisation.code),
        "host": urlsplit(hook.url).hostname or "",
        "events": list(hook.events),
    }


@transaction.atomic
def webhook_create(
    *, actor: Person, organisation: Organisation, url: str, events: Iterable[str]
) -> tuple[Webhook, str]:
    """A new webhook for the organisation, and its secret (shown once). Rule: an administrator
    of the organisation's municipality; an https address outside internal networks."""
    require_administers(actor, organisation.municipality_id)
    chosen = sorted(set(events))
    url = url.strip()
    errors: dict[str, list[str]] = {}
    if not chosen or any(e not in Event.values for e in chosen):
        errors["events"] = [_("Välj minst en händelse.")]
    if not url:
        errors["url"] = [_("Ange adressen som händelserna ska skickas till.")]
    elif len(url) > 500:
        errors["url"] = [_("Adressen får vara högst 500 tecken.")]
    else:
        try:
            check_url(url)
        except ValidationError as exc:
            errors["url"] = exc.messages
    if not organisation.is_active:
        errors["organisation"] = [_("Organisationen är inte aktiv.")]
    elif organisation.webhooks.count() >= MAX_PER_ORGANISATION:
        errors["organisation"] = [
            _("En organisation kan ha högst %(max)s webhooks.") % {"max": MAX_PER_ORGANISATION}
        ]
    if errors:
        raise ValidationError(errors)
    secret = f"{SECRET_PREFIX}_{secrets.token_urlsafe(32)}"
    hook = Webhook(
        organisation=organisation, url=url, secret=secret, events=chosen, created_by=actor
    )
    hook.full_clean()
    hook.save()
    audit_record(actor=actor, action=Action.CREATE, target=hook, detail=_detail(hook))
    return hook, secret


@transaction.atomic
def webhook_set_active(*, actor: Person, webhook: Webhook, active: bool) -> None:
    """Switch a webhook off (nothing more is sent, waiting deliveries are given up when their
    turn comes) or on again."""
    require_administers(actor, webhook.organisation.municipality_id)
    if webhook.is_active == active:
        return
    webhook.is_active = active
    webhook.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=webhook,
        detail={**_detail(webhook), "active": active},
    )


@transaction.atomic
def webhook_delete(*, actor: Person, webhook: Webhook) -> None:
    """Delete a webhook and its deliveries."""
    require_administers(actor, webhook.organisation.municipality_id)
    audit_record(actor=actor, action=Action.DELETE, target=webhook, detail=_detail(webhook))
    webhook.delete()
