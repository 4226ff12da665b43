"""Sign-in events go to the audit log however they happen."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action=Action.SIGN_IN, target=user, basis="password")


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action=Action.SIGN_OUT, target=user)


def _known_person(username: str) -> Any:
    if not username:
        return None
    person_model = get_user_model()
    return (
        person_model.objects.select_related("organisation__municipality")
        .filter(username__iexact=username)
        .first()
        or person_model.objects.select_related("organisation__municipality")
        .filter(email__iexact=username)
        .first()
    )


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))
    person = _known_person(username)
    audit_record(
        actor=None,
        action=Action.SIGN_IN_FAILED,
        target=person,
        actor_username=username,
        municipality_code=person.organisation.municipality.code
        if person is not None and person.organisation_id
        else None,
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: HttpRequest, username: str, **kwargs: Any) -> None:
    person = _known_person(username or "")
    audit_record(
        actor=None,
        action=Action.LOCKED_OUT,
        target=person,
        actor_username=username or "",
        municipality_code=person.organisation.municipality.code
        if person is not None and person.organisation_id
        else None,
    )
