"""Making, revoking and checking API tokens. A token reads `samsyn_<prefix>_<secret>`: the
prefix names it in lists and logs, the whole token is checked against its stored digest."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.api.models import ApiToken, Scope
from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.organisations import selectors as organisations
from samsyn.organisations.models import Person

PREFIX = "samsyn"
MAX_DAYS = 365
USE_RECORDED_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: Person, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token of the actor's own, and the token itself (shown once, never stored)."""
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Ge nyckeln ett namn, till exempel systemets namn.")
    elif len(name) > 100:
        errors["name"] = _("Namnet får vara högst 100 tecken.")
    if scope not in Scope.values:
        errors["scope"] = _("Välj om nyckeln får läsa eller också ändra.")
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = _("En nyckel kan gälla från 1 till %(max)s dagar.") % {"max": MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(4)
    raw = f"{PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        person=actor,
        name=name,
        prefix=prefix,
        digest=_digest(raw),
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=token,
        detail={"scope": scope, "days": days, "prefix": prefix},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Person, token: ApiToken) -> None:
    """Revoke a token: its person or an administrator of the person's organisation."""
    organisation = token.person.organisation
    administers = (
        organisation is not None
        and organisations.admin_municipalities(viewer=actor)
        .filter(pk=organisation.municipality_id)
        .exists()
    )
    if token.person_id != actor.pk and not administers:
        raise PermissionDenied
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit_record(actor=actor, action=Action.UPDATE, target=token, detail={"revoked": True})


def authenticate(raw: str) -> tuple[Person, ApiToken] | None:
    """The person and token for a presented token, if it is ours, unrevoked, unexpired and its
    person may still sign in; None otherwise (the caller says only "not valid")."""
    if not raw.startswith(f"{PREFIX}_") or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("person", "person__organisation")
        .filter(digest=_digest(raw))
        .first()
    )
    if token is None or not token.usable or not token.person.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - USE_RECORDED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person, token
