"""Second-factor enrolment, recovery codes and ending sessions."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.organisations.models import Person
from samsyn.organisations.services import require_administers

TOTP_DEVICE_NAME = "Autentiseringsapp"
RECOVERY_DEVICE_NAME = "Reservkoder"
# No 0/O, 1/l/I: recovery codes are read off paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def totp_device_for_enrolment(*, person: Person) -> TOTPDevice:
    """The person's unconfirmed authenticator, made on first call, replaced never."""
    device = TOTPDevice.objects.filter(user=person, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=person, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def has_confirmed_totp(*, person: Person) -> bool:
    return TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def recovery_codes_replace(*, person: Person, actor: Person) -> list[str]:
    """Issue a fresh set of one-time recovery codes; the old set stops working at once."""
    if actor.pk != person.pk:
        require_administers(actor, person.municipality_id)
    device, _ = StaticDevice.objects.get_or_create(
        user=person, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_new_recovery_code() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=person,
        detail={"recovery_codes": "replaced"},
    )
    return codes


@transaction.atomic
def totp_enrolment_confirm(*, person: Person, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a code from it; returns new recovery codes, or None."""
    if device.user_id != person.pk or device.confirmed:
        return None
    if not device.verify_token(token.replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=person).exclude(pk=device.pk).delete()
    audit_record(actor=person, action=Action.SECOND_FACTOR_ENROLLED, target=person)
    return recovery_codes_replace(person=person, actor=person)


@transaction.atomic
def second_factor_reset(*, person: Person, actor: Person) -> None:
    """Remove all second-factor devices (lost phone); the person enrols again at next login."""
    if actor.pk != person.pk:
        require_administers(actor, person.municipality_id)
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    _sessions_end(person=person)
    audit_record(actor=actor, action=Action.SECOND_FACTOR_RESET, target=person)


def _sessions_end(*, person: Person) -> None:
    person.session_generation = uuid.uuid4()
    person.save(update_fields=["session_generation"])


@transaction.atomic
def sessions_end_everywhere(*, person: Person, actor: Person) -> None:
    """End every session of the person, on every device, at once."""
    if actor.pk != person.pk:
        require_administers(actor, person.municipality_id)
    _sessions_end(person=person)
    audit_record(actor=actor, action=Action.SIGN_OUT_EVERYWHERE, target=person)
