"""Writes for portal access: invitations, creating an account, signing in, the PIN, resets.

Rules:
- Only those who run the case (`require_runs_case`) invite, revoke invitations, reset accounts
  and mark the portal's notices read. Nobody gets an account without an invitation, and no
  personnummer is ever asked for.
- An invitation is for the youth, or for one guardian who has custody or is the legal
  representative, while the youth is under 18; not in a declined case; not for someone who
  already has an active account (that is a reset). A new invitation revokes the person's
  earlier unused ones. The code is shown once: only a keyed hash of it is stored.
- Wrong invitation codes and passwords are throttled per keyed hash of the IP address (and of
  the username). A failure is recorded in its own transaction, outside the one that was
  refused, so that the refusal rolls back but the failure stays counted. That is why
  `invitation_redeem`, `authenticate` and `pin_check` are not atomic themselves: each write
  they make is.
- The audit log names the portal account as `portal:<username>`; never a password, PIN or code.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import re
import secrets
import uuid
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.models import Case, CaseState, Guardian, GuardianRole
from samsyn.cases.rules import require_runs_case
from samsyn.cases.services import audit_case
from samsyn.consent import policy
from samsyn.organisations.models import Person
from samsyn.portal.models import (
    AccountKind,
    CredentialKind,
    NoticeKind,
    PortalAccount,
    PortalCredential,
    PortalFailure,
    PortalInvitation,
    PortalNotice,
    ThrottleScope,
)

# No 0/O, 1/I/L: the code is read from paper or typed from a phone screen.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
CODE_GROUP = 4

THROTTLE_WINDOW = timedelta(minutes=15)
INVITATION_FAILURES_PER_IP = 10
PASSWORD_FAILURES_PER_USERNAME = 5
PASSWORD_FAILURES_PER_IP = 20

USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{3,40}$")
PIN_PATTERN = re.compile(r"^[0-9]{4,6}$")


def _too_many_attempts() -> str:
    return _("För många försök. Vänta 15 minuter och försök igen.")


def _bad_code() -> str:
    return _("Koden stämmer inte eller gäller inte längre. Be din samordnare om en ny.")


def _bad_login() -> str:
    return _("Fel användarnamn eller lösenord.")


# --- keyed hashes -----------------------------------------------------------------------------


def _keyed(message: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def normalise_code(code: str) -> str:
    """The code as typed, in the form it was hashed: uppercase, no dashes or spaces."""
    return re.sub(r"[\s-]+", "", code or "").upper()


def code_hash(code: str) -> str:
    """The keyed hash stored in `PortalInvitation.secret_hash` (never the code itself)."""
    return _keyed(normalise_code(code))


def format_code(code: str) -> str:
    """XXXX-XXXX-XXXX, as the coordinator reads it out or prints it."""
    plain = normalise_code(code)
    return "-".join(plain[i : i + CODE_GROUP] for i in range(0, len(plain), CODE_GROUP))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _ip_key(ip: str | None) -> str:
    return _keyed(f"portal-ip:{ip or ''}")


def _username_key(username: str) -> str:
    return _keyed(f"portal-username:{username}")


def _account_key(account: PortalAccount) -> str:
    return _keyed(f"portal-account:{account.code}")


# --- throttling -------------------------------------------------------------------------------


def _failures(scope: str, key: str) -> int:
    since = timezone.now() - THROTTLE_WINDOW
    return PortalFailure.objects.filter(scope=scope, key=key, at__gte=since).count()


@transaction.atomic
def _failure_record(scope: str, *keys: str) -> None:
    """Count one failed attempt under each key. Called after the refused transaction rolled
    back, so the count survives; failures older than the window are pruned on the way."""
    now = timezone.now()
    PortalFailure.objects.filter(scope=scope, key__in=keys, at__lt=now - THROTTLE_WINDOW).delete()
    PortalFailure.objects.bulk_create([PortalFailure(scope=scope, key=key, at=now) for key in keys])


# --- audit ------------------------------------------------------------------------------------


def audit_portal(
    *,
    account: PortalAccount,
    action: str,
    target: Any = None,
    object_type: str = "",
    object_code: str = "",
    **detail: Any,
) -> None:
    """Record something a portal account did or read, as `portal:<username>` (no staff
    actor). Without a target or object type, the account itself is the object."""
    if target is None and not object_type:
        target = account
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_code = object_code or str(getattr(target, "code", target.pk))
    audit_record(
        **policy.portal_audit_fields(
            account, action=action, object_type=object_type, object_code=object_code, **detail
        )
    )


# --- invitations ------------------------------------------------------------------------------


def _person_label(kind: str, guardian: Guardian | None) -> str:
    return _("Ungdomen") if kind == AccountKind.YOUTH or guardian is None else str(guardian)


def _active_account(case: Case, kind: str, guardian: Guardian | None) -> PortalAccount | None:
    accounts = PortalAccount.objects.filter(case=case, kind=kind, is_active=True)
    if guardian is not None:
        accounts = accounts.filter(guardian=guardian)
    return accounts.first()


def _open_invitations(case: Case, kind: str, guardian: Guardian | None) -> Any:
    return PortalInvitation.objects.filter(
        case=case, kind=kind, guardian=guardian, redeemed_at__isnull=True, revoked_at__isnull=True
    )


@transaction.atomic
def invitation_create(
    *, actor: Person, case: Case, kind: str, guardian: Guardian | None = None
) -> tuple[PortalInvitation, str]:
    """An invitation for the youth or one guardian, and its one-time code (shown once).

    Rules: only those who run the case; not in a declined case; a guardian must be the youth's
    and have custody or be the legal representative, and only while the youth is under 18;
    not for someone with an active account (reset it instead). Earlier unused invitations for
    the same person are revoked.
    """
    require_runs_case(actor, case)
    if kind not in AccountKind.values:
        raise ValidationError({"kind": _("Välj vem inbjudan är till.")})
    if case.state == CaseState.DECLINED:
        raise ValidationError(
            _("Ungdomen har tackat nej till en social insatsgrupp. Ingen inbjudan kan skapas.")
        )
    if kind == AccountKind.YOUTH:
        guardian = None
    else:
        if guardian is None:
            raise ValidationError({"guardian": _("Välj vilken vårdnadshavare som ska bjudas in.")})
        if guardian.youth_id != case.youth_id:
            raise ValidationError({"guardian": _("Vårdnadshavaren hör inte till ungdomen.")})
        if not (
            guardian.role == GuardianRole.LEGAL_REPRESENTATIVE
            or (guardian.role == GuardianRole.GUARDIAN and guardian.has_custody)
        ):
            raise ValidationError(
                {
                    "guardian": _(
                        "Bara den som har vårdnaden eller är legal företrädare kan bjudas in."
                    )
                }
            )
        if case.youth.age(timezone.localdate()) >= 18:
            raise ValidationError(
                _(
                    "Ungdomen är vuxen (18 år eller äldre). Vårdnadshavare kan inte längre "
                    "bjudas in till portalen."
                )
            )
    if _active_account(case, kind, guardian) is not None:
        raise ValidationError(
            _("%(who)s har redan ett konto. Återställ kontot i stället.")
            % {"who": _person_label(kind, guardian)}
        )
    now = timezone.now()
    _open_invitations(case, kind, guardian).update(revoked_at=now, updated_at=now)
    code = _new_code()
    invitation = PortalInvitation.objects.create(
        case=case,
        kind=kind,
        guardian=guardian,
        secret_hash=code_hash(code),
        created_by=actor,
        expires_at=now + timedelta(hours=settings.PORTAL_INVITATION_HOURS),
    )
    audit_case(actor, Action.CREATE, case, invitation, kind=kind)
    return invitation, format_code(code)


@transaction.atomic
def invitation_revoke(*, actor: Person, invitation: PortalInvitation) -> PortalInvitation:
    """Revoke an unused invitation. Rule: only those who run the case."""
    case = invitation.case
    require_runs_case(actor, case)
    invitation = PortalInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.redeemed_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("Inbjudan är redan använd eller återkallad."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit_case(actor, Action.UPDATE, case, invitation, revoked=True)
    return invitation


# --- creating an account ----------------------------------------------------------------------


def _weak_pin(pin: str) -> bool:
    """All the same digit, or a straight run up or down (1234, 4321, 7890)."""
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    return steps in ({0}, {1}, {9})


PERSONNUMMER_LIKE = re.compile(r"(?<!\d)(\d{2})?\d{6}[-+]?\d{4}(?!\d)")


def _username_errors(
    username: str, *, check_taken: bool, same_person: PortalAccount | None
) -> list[str]:
    if not USERNAME_PATTERN.match(username):
        return [
            _(
                "Användarnamnet ska ha 3–40 tecken: bokstäverna a–z, siffror, punkt (.), "
                "understreck (_) eller bindestreck (-)."
            )
        ]
    if PERSONNUMMER_LIKE.search(username):
        # Nobody logs in with a personnummer, and a username is shown to staff and in logs.
        return [_("Använd inte ditt personnummer i användarnamnet. Välj något annat.")]
    if not check_taken:
        return []
    taken = PortalAccount.objects.filter(username__iexact=username)
    if same_person is not None:
        taken = taken.exclude(pk=same_person.pk)
    if taken.exists():
        return [_("Användarnamnet är upptaget. Välj ett annat.")]
    return []


def _password_errors(password: str, again: str, username: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        # The validators read only attributes (username): a portal account serves as well.
        validate_password(password, user=cast(Any, PortalAccount(username=username)))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if password != again:
        errors["password_again"] = [
            _("Lösenorden är inte likadana. Skriv samma lösenord två gånger.")
        ]
    return errors


def _pin_errors(pin: str, again: str) -> dict[str, list[str]]:
    if not PIN_PATTERN.match(pin):
        return {"pin": [_("Pinkoden ska vara 4–6 siffror.")]}
    if _weak_pin(pin):
        return {
            "pin": [
                _(
                    "Pinkoden är för lätt att gissa. Använd inte samma siffra hela tiden och "
                    "inte siffror i rad, som 1234 eller 4321."
                )
            ]
        }
    if pin != again:
        return {"pin_again": [_("Pinkoderna är inte likadana. Skriv samma pinkod två gånger.")]}
    return {}


def _usable_invitation(code: str) -> PortalInvitation | None:
    """The invitation the code opens, locked for this transaction; None when the code is
    unknown, expired, used or revoked (the caller does not say which)."""
    plain = normalise_code(code)
    if len(plain) != CODE_LENGTH:
        return None
    return (
        PortalInvitation.objects.select_for_update(of=("self",))
        .select_related("case__youth", "case__municipality", "guardian")
        .filter(
            secret_hash=code_hash(plain),
            redeemed_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


class _BadCode(Exception):
    """The code opened nothing; carries the other errors found on the way."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__()
        self.errors = errors


def _previous_account(invitation: PortalInvitation) -> PortalAccount | None:
    """The same person's closed account, if a reset closed one: they may take back its
    username."""
    return (
        PortalAccount.objects.filter(
            case=invitation.case,
            kind=invitation.kind,
            guardian=invitation.guardian,
            is_active=False,
        )
        .order_by("-deactivated_at")
        .first()
    )


@transaction.atomic
def _redeem(
    *, code: str, username: str, password: str, password_again: str, pin: str, pin_again: str
) -> PortalAccount:
    invitation = _usable_invitation(code)
    previous = _previous_account(invitation) if invitation is not None else None
    errors: dict[str, list[str]] = {}
    # Whether a username is taken is told only to someone holding a valid code.
    name_errors = _username_errors(
        username, check_taken=invitation is not None, same_person=previous
    )
    if name_errors:
        errors["username"] = name_errors
    errors.update(_password_errors(password, password_again, username))
    errors.update(_pin_errors(pin, pin_again))
    if invitation is None:
        raise _BadCode(errors)
    if errors:
        raise ValidationError(errors)
    case = invitation.case
    if previous is not None and previous.username.lower() == username:
        # Free the old username for its owner; the closed account keeps a unique one that no
        # one can choose ("~" is not allowed in usernames).
        previous.username = f"{previous.username[:27]}~{previous.code.hex[:12]}"
        previous.save(update_fields=["username", "updated_at"])
    account = PortalAccount(
        case=case,
        kind=invitation.kind,
        guardian=invitation.guardian,
        username=username,
        pin_hash=make_password(pin),
        created_by_id=invitation.created_by_id,
    )
    account.full_clean()
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"username": [_("Användarnamnet är upptaget. Välj ett annat.")]}
        ) from exc
    PortalCredential.objects.create(
        account=account, kind=CredentialKind.PASSWORD, secret=make_password(password)
    )
    invitation.redeemed_at = timezone.now()
    invitation.account = account
    invitation.save(update_fields=["redeemed_at", "account", "updated_at"])
    who = _("Ungdomen") if account.is_youth else _("En vårdnadshavare")
    PortalNotice.objects.create(
        case=case,
        kind=NoticeKind.ACCOUNT_CREATED,
        text=_("%(who)s i ärende %(code)s har skapat ett konto i portalen.")
        % {"who": who, "code": case.anonymous_code},
    )
    audit_portal(account=account, action=Action.CREATE, invitation=str(invitation.code))
    return account


def invitation_redeem(
    *,
    code: str,
    username: str,
    password: str,
    password_again: str,
    pin: str,
    pin_again: str,
    ip: str | None,
) -> PortalAccount:
    """Create the account an invitation code opens: username, password and PIN.

    Rules: at most 10 wrong codes per IP address in 15 minutes, then every code is refused for
    a while (even a right one); a wrong, expired, used or revoked code gets one message that
    does not say which; the username is 3–40 characters a–z, 0–9, . _ -, unique whatever the
    case; the password passes the project's validators; the PIN is 4–6 digits and not trivial.
    The invitation is locked while it is used, so it opens one account only.
    """
    ip_key = _ip_key(ip)
    if _failures(ThrottleScope.INVITATION, ip_key) >= INVITATION_FAILURES_PER_IP:
        raise ValidationError({"code": [_too_many_attempts()]})
    username = (username or "").strip().lower()
    try:
        return _redeem(
            code=code,
            username=username,
            password=password or "",
            password_again=password_again or "",
            pin=(pin or "").strip(),
            pin_again=(pin_again or "").strip(),
        )
    except _BadCode as bad:
        _failure_record(ThrottleScope.INVITATION, ip_key)
        raise ValidationError({"code": [_bad_code()], **bad.errors}) from None


# --- signing in -------------------------------------------------------------------------------


def _password_credential(account: PortalAccount) -> PortalCredential | None:
    return account.credentials.filter(kind=CredentialKind.PASSWORD, revoked_at__isnull=True).first()


@transaction.atomic
def _signed_in(account: PortalAccount, credential: PortalCredential) -> PortalAccount:
    now = timezone.now()
    credential.last_used_at = now
    credential.save(update_fields=["last_used_at"])
    account.last_seen_at = now
    account.save(update_fields=["last_seen_at", "updated_at"])
    _pin_failures_clear(account)
    audit_portal(account=account, action=Action.SIGN_IN)
    return account


@transaction.atomic
def _sign_in_failed(account: PortalAccount | None, username: str, step: str) -> None:
    if account is not None:
        audit_portal(account=account, action=Action.SIGN_IN_FAILED, step=step)
    else:
        audit_record(
            actor=None,
            actor_username=f"portal:{username[:40]}",
            action=Action.SIGN_IN_FAILED,
            object_type="portal.portalaccount",
            detail={"step": step},
        )


def authenticate(*, username: str, password: str, ip: str | None) -> PortalAccount:
    """The account whose username and password these are.

    Rules: at most 5 failures per username and 20 per IP address in 15 minutes; an unknown
    username, a wrong password and a closed account get the same message.
    """
    username = (username or "").strip().lower()
    user_key, ip_key = _username_key(username), _ip_key(ip)
    if (
        _failures(ThrottleScope.PASSWORD, user_key) >= PASSWORD_FAILURES_PER_USERNAME
        or _failures(ThrottleScope.PASSWORD, ip_key) >= PASSWORD_FAILURES_PER_IP
    ):
        raise ValidationError(_too_many_attempts())
    account = (
        PortalAccount.objects.select_related("case__youth", "case__municipality")
        .filter(username__iexact=username, is_active=True)
        .first()
    )
    credential = _password_credential(account) if account is not None else None
    if credential is None:
        make_password(password)  # as slow as a real check: timing does not tell who exists
    elif check_password(password, credential.secret):
        assert account is not None
        return _signed_in(account, credential)
    _failure_record(ThrottleScope.PASSWORD, user_key, ip_key)
    _sign_in_failed(account, username, "password")
    raise ValidationError(_bad_login())


def pin_failures(*, account: PortalAccount) -> int:
    """Wrong PINs for the account since the password was last given (within the window).
    Counted in the database as well as in the session, so that parallel requests with one
    stolen session cannot try more PINs than `PORTAL_PIN_ATTEMPTS`."""
    return _failures(ThrottleScope.PIN, _account_key(account))


@transaction.atomic
def _pin_failures_clear(account: PortalAccount) -> None:
    PortalFailure.objects.filter(scope=ThrottleScope.PIN, key=_account_key(account)).delete()


def pin_check(*, account: PortalAccount, pin: str) -> bool:
    """Is this the account's PIN? A wrong one is counted and recorded in the audit log.

    Rule: after `PORTAL_PIN_ATTEMPTS` wrong PINs no PIN is accepted until the password has been
    given again (a sign-in clears the count, as does a right PIN).
    """
    if pin_failures(account=account) < settings.PORTAL_PIN_ATTEMPTS and (
        account.pin_hash and check_password((pin or "").strip(), account.pin_hash)
    ):
        _pin_failures_clear(account)
        return True
    _failure_record(ThrottleScope.PIN, _account_key(account))
    _sign_in_failed(account, account.username, "pin")
    return False


@transaction.atomic
def signed_out(*, account: PortalAccount) -> None:
    """Record that the account signed out."""
    audit_portal(account=account, action=Action.SIGN_OUT)


# --- the coordinator: resets and notices ------------------------------------------------------


@transaction.atomic
def account_reset(*, actor: Person, account: PortalAccount) -> tuple[PortalInvitation, str]:
    """Close a lost or misused account and invite the same person again.

    Rules: only those who run the case. Closing ends every session of the account (a new
    session generation) and revokes every credential; the new invitation follows the rules of
    `invitation_create`, and if it cannot be made nothing is closed.
    """
    case = account.case
    require_runs_case(actor, case)
    account = PortalAccount.objects.select_for_update().get(pk=account.pk)
    if not account.is_active:
        raise ValidationError(_("Kontot är redan stängt. Skapa en ny inbjudan i stället."))
    now = timezone.now()
    account.is_active = False
    account.deactivated_at = now
    account.session_generation = uuid.uuid4()
    account.save(update_fields=["is_active", "deactivated_at", "session_generation", "updated_at"])
    account.credentials.filter(revoked_at__isnull=True).update(revoked_at=now)
    audit_case(actor, Action.UPDATE, case, account, reset=True)
    return invitation_create(actor=actor, case=case, kind=account.kind, guardian=account.guardian)


@transaction.atomic
def notice_mark_read(*, actor: Person, notice: PortalNotice) -> PortalNotice:
    """Mark a notice from the portal as read. Rule: only those who run its case."""
    case = notice.case
    require_runs_case(actor, case)
    notice = PortalNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.read_by = actor
        notice.save(update_fields=["read_at", "read_by", "updated_at"])
        audit_case(actor, Action.UPDATE, case, notice, read=True)
    return notice
