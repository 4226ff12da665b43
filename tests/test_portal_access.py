"""Portal access (issue 7): invitations, creating an account, signing in, the PIN lock, resets,
the coordinator's portal tab and "What is a SIG?" in every language.

Outsiders see nothing: staff outside the case get 404 on every staff portal route and change
nothing; a staff session gives no portal access; an anonymous visitor never sees a group.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import Action, AuditRecord
from samsyn.cases.models import Case, Youth
from samsyn.portal import account_services as access
from samsyn.portal import auth, languages
from samsyn.portal.models import (
    NoticeKind,
    PortalAccount,
    PortalCredential,
    PortalFailure,
    PortalInvitation,
    PortalNotice,
)
from tests.conftest import PORTAL_PASSWORD, PORTAL_PIN, make_portal_account, staff_client

NEW_PASSWORD = "min-hemliga-mening-2026"
IP = "192.0.2.10"
TEMPLATES = Path(settings.BASE_DIR) / "samsyn" / "templates"


def _invite(sig, kind="ungdom", guardian=None):
    return access.invitation_create(
        actor=sig.world.coordinator, case=sig.case, kind=kind, guardian=guardian
    )


def _redeem(code, username="alex.ung", **overrides):
    data = {
        "code": code,
        "username": username,
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "pin": "2580",
        "pin_again": "2580",
        "ip": IP,
    }
    data.update(overrides)
    return access.invitation_redeem(**data)


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


# --- invitations: who may be invited ------------------------------------------------------------


@pytest.mark.security
def test_it_creates_an_invitation_with_a_one_time_code_and_stores_only_its_hash(sig):
    invitation, code = _invite(sig)
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", code)
    assert not set(code) & set("01OIL")
    assert invitation.secret_hash == access.code_hash(code)
    assert code.replace("-", "") not in invitation.secret_hash.upper()
    expected = timezone.now() + timedelta(hours=settings.PORTAL_INVITATION_HOURS)
    assert abs((invitation.expires_at - expected).total_seconds()) < 60
    record = AuditRecord.objects.get(object_code=str(invitation.code))
    assert record.action == Action.CREATE
    assert record.actor_code == sig.world.coordinator.code
    assert record.case_code == sig.case.code
    assert record.subject_code == sig.case.youth.code
    assert code not in str(record.detail) and code.replace("-", "") not in str(record.detail)


def test_a_new_invitation_revokes_the_earlier_unused_one_for_the_same_person(sig):
    first, first_code = _invite(sig)
    mother_invitation, _ = _invite(sig, "vardnadshavare", sig.mother)
    second, _ = _invite(sig)
    first.refresh_from_db()
    mother_invitation.refresh_from_db()
    assert first.revoked_at is not None
    assert mother_invitation.revoked_at is None
    assert second.revoked_at is None
    with pytest.raises(ValidationError) as exc:
        _redeem(first_code)
    assert "Koden stämmer inte" in str(exc.value)


@pytest.mark.parametrize("who", ["police", "manager", "outsider", "admin"])
def test_only_those_who_run_the_case_invite(sig, who):
    with pytest.raises(PermissionDenied):
        access.invitation_create(actor=getattr(sig.world, who), case=sig.case, kind="ungdom")
    assert not PortalInvitation.objects.exists()


def test_no_invitation_in_a_declined_case(sig):
    Case.objects.filter(pk=sig.case.pk).update(state="avbojd")
    sig.case.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _invite(sig)
    assert "tackat nej" in str(exc.value)
    assert not PortalInvitation.objects.exists()


def test_a_guardian_of_another_youth_is_refused(sig):
    from samsyn.cases import services as cases

    other = cases.case_create(
        actor=sig.world.coordinator,
        first_name="Robin",
        last_name="Annansson",
        date_of_birth=date(2011, 3, 3),
        reason="Oro.",
        district=sig.world.district,
    )
    stranger = cases.guardian_add(
        actor=sig.world.coordinator, case=other, first_name="Stina", last_name="Annansson"
    )
    with pytest.raises(ValidationError) as exc:
        _invite(sig, "vardnadshavare", stranger)
    assert _errors(exc.value)["guardian"] == ["Vårdnadshavaren hör inte till ungdomen."]


def test_a_guardian_without_custody_is_refused_and_a_legal_representative_is_not(sig):
    from samsyn.cases import services as cases

    w = sig.world
    no_custody = cases.guardian_add(
        actor=w.coordinator, case=sig.case, first_name="Ola", last_name="Ex", has_custody=False
    )
    with pytest.raises(ValidationError) as exc:
        _invite(sig, "vardnadshavare", no_custody)
    assert "vårdnaden" in _errors(exc.value)["guardian"][0]
    representative = cases.guardian_add(
        actor=w.coordinator,
        case=sig.case,
        first_name="Gun",
        last_name="Företrädare",
        role="foretradare",
        has_custody=False,
    )
    invitation, _ = _invite(sig, "vardnadshavare", representative)
    assert invitation.guardian == representative


def test_a_guardian_of_an_adult_is_not_invited(sig):
    today = timezone.localdate()
    Youth.objects.filter(pk=sig.case.youth_id).update(
        date_of_birth=today.replace(year=today.year - 19)
    )
    sig.case.youth.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _invite(sig, "vardnadshavare", sig.mother)
    assert "Ungdomen är vuxen" in str(exc.value)
    _invite(sig)  # the youth still may be


def test_someone_with_an_account_is_reset_not_invited_again(sig):
    make_portal_account(sig.case)
    with pytest.raises(ValidationError) as exc:
        _invite(sig)
    assert "har redan ett konto. Återställ kontot i stället." in str(exc.value)
    make_portal_account(sig.case, "vardnadshavare", sig.mother)
    with pytest.raises(ValidationError):
        _invite(sig, "vardnadshavare", sig.mother)
    _invite(sig, "vardnadshavare", sig.father)


# --- redeeming the code -----------------------------------------------------------------------


def test_it_redeems_the_code_signs_in_and_the_code_cannot_be_used_again(sig, client):
    invitation, code = _invite(sig)
    url = reverse("portal:redeem")
    form = client.get(f"{url}?kod={code}")
    assert form.status_code == 200
    assert f'value="{code}"' in form.content.decode()
    assert form["Cache-Control"] == "private, no-store"
    data = {
        "code": code.lower(),
        "username": "Alex.Ung",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "pin": "2580",
        "pin_again": "2580",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:start")
    account = PortalAccount.objects.get()
    assert account.username == "alex.ung"  # stored lowercase
    assert account.is_youth and account.case == sig.case
    assert account.created_by == sig.world.coordinator
    credential = PortalCredential.objects.get(account=account)
    assert credential.secret != NEW_PASSWORD and credential.secret.startswith("argon2")
    assert account.pin_hash and "2580" not in account.pin_hash
    invitation.refresh_from_db()
    assert invitation.redeemed_at is not None and invitation.account == account
    notice = PortalNotice.objects.get(case=sig.case)
    assert notice.kind == NoticeKind.ACCOUNT_CREATED
    assert sig.case.anonymous_code in notice.text and "Ungdomen" in notice.text
    record = AuditRecord.objects.get(action=Action.CREATE, object_code=str(account.code))
    assert record.actor_code is None
    assert record.actor_username == "portal:alex.ung"
    assert record.basis == "data_subject"
    assert record.detail["portal_account"] == str(account.code)
    assert NEW_PASSWORD not in str(record.detail) and "2580" not in str(record.detail)
    # Signed in: the start page opens, with the welcome message.
    start = client.get(reverse("portal:start"))
    assert start.status_code == 200
    assert "Välkommen" in start.content.decode()
    assert start["Cache-Control"] == "private, no-store"

    again = Client().post(url, {**data, "username": "annan.person"})
    assert again.status_code == 200
    assert "Koden stämmer inte eller gäller inte längre" in again.content.decode()
    assert PortalAccount.objects.count() == 1


def test_a_guardian_redeems_and_the_notice_says_a_guardian(sig):
    _, code = _invite(sig, "vardnadshavare", sig.mother)
    account = _redeem(code, username="maria")
    assert account.guardian == sig.mother
    assert "En vårdnadshavare" in PortalNotice.objects.get().text
    assert AuditRecord.objects.get(actor_username="portal:maria").basis == "guardian"


@pytest.mark.parametrize("spoil", ["expired", "revoked", "unknown"])
def test_an_expired_revoked_or_unknown_code_gets_one_message(sig, spoil):
    invitation, code = _invite(sig)
    if spoil == "expired":
        PortalInvitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif spoil == "revoked":
        access.invitation_revoke(actor=sig.world.coordinator, invitation=invitation)
    else:
        code = "ABCD-EFGH-JKMN"
    with pytest.raises(ValidationError) as exc:
        _redeem(code)
    assert _errors(exc.value)["code"] == [
        "Koden stämmer inte eller gäller inte längre. Be din samordnare om en ny."
    ]
    assert not PortalAccount.objects.exists()
    assert PortalFailure.objects.filter(scope="inbjudan").count() == 1


@pytest.mark.security
def test_ten_wrong_codes_block_even_the_right_one_for_a_while(sig):
    _, code = _invite(sig)
    for n in range(access.INVITATION_FAILURES_PER_IP):
        with pytest.raises(ValidationError):
            _redeem(f"ABCD-EFGH-{n:04d}".replace("0", "A").replace("1", "B"))
    with pytest.raises(ValidationError) as exc:
        _redeem(code)
    assert _errors(exc.value)["code"] == ["För många försök. Vänta 15 minuter och försök igen."]
    assert not PortalAccount.objects.exists()
    # Another address is not blocked, and the IP is never stored in clear.
    assert not PortalFailure.objects.filter(key__contains=IP).exists()
    _redeem(code, ip="198.51.100.7")
    # After the window the first address may try again.
    PortalFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    _, code = _invite(sig, "vardnadshavare", sig.mother)
    _redeem(code, username="maria")


def test_username_password_and_pin_are_checked_with_swedish_messages(sig):
    make_portal_account(sig.case, "vardnadshavare", sig.father, username="upptagen")
    _, code = _invite(sig)
    cases = [
        ({"username": "ab"}, "username", "3–40 tecken"),
        ({"username": "kim åsa"}, "username", "3–40 tecken"),
        ({"username": "UPPTAGEN"}, "username", "Användarnamnet är upptaget. Välj ett annat."),
        ({"password": "kort", "password_again": "kort"}, "password", "för kort"),
        ({"password_again": "något-annat-lösenord"}, "password_again", "inte likadana"),
        ({"pin": "12a4", "pin_again": "12a4"}, "pin", "4–6 siffror"),
        ({"pin": "123", "pin_again": "123"}, "pin", "4–6 siffror"),
        ({"pin": "1234", "pin_again": "1234"}, "pin", "för lätt att gissa"),
        ({"pin": "4321", "pin_again": "4321"}, "pin", "för lätt att gissa"),
        ({"pin": "0000", "pin_again": "0000"}, "pin", "för lätt att gissa"),
        ({"pin_again": "2581"}, "pin_again", "inte likadana"),
    ]
    for overrides, field, text in cases:
        with pytest.raises(ValidationError) as exc:
            _redeem(code, **overrides)
        errors = _errors(exc.value)
        assert field in errors, (overrides, errors)
        assert text in " ".join(errors[field]), (overrides, errors)
        assert "code" not in errors
    # Mistakes with a valid code are not counted as wrong codes, and the code still works.
    assert not PortalFailure.objects.exists()
    assert _redeem(code).username == "alex.ung"


# --- signing in -------------------------------------------------------------------------------


def test_it_signs_in_with_username_and_password(sig, client):
    account = make_portal_account(sig.case, username="alex")
    url = reverse("portal:login")
    response = client.post(
        f"{url}?next=/ung/om-sig/", {"username": " ALEX ", "password": PORTAL_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ung/om-sig/"
    account.refresh_from_db()
    assert account.last_seen_at is not None
    assert PortalCredential.objects.get(account=account).last_used_at is not None
    record = AuditRecord.objects.get(action=Action.SIGN_IN)
    assert record.actor_username == "portal:alex"
    assert PORTAL_PASSWORD not in str(record.detail)
    assert client.get(reverse("portal:start")).status_code == 200


@pytest.mark.security
def test_an_unsafe_next_is_ignored(sig, client):
    make_portal_account(sig.case, username="alex")
    response = client.post(
        f"{reverse('portal:login')}?next=https://evil.example/",
        {"username": "alex", "password": PORTAL_PASSWORD},
    )
    assert response["Location"] == reverse("portal:start")


@pytest.mark.parametrize("case_", ["wrong", "unknown", "closed"])
def test_wrong_password_unknown_user_and_closed_account_get_the_same_message(sig, client, case_):
    account = make_portal_account(sig.case, username="alex")
    username, password = "alex", PORTAL_PASSWORD
    if case_ == "wrong":
        password = "fel-losenord-helt-och-hallet"
    elif case_ == "unknown":
        username = "ingen.alls"
    else:
        PortalAccount.objects.filter(pk=account.pk).update(is_active=False)
    response = client.post(reverse("portal:login"), {"username": username, "password": password})
    assert response.status_code == 200
    assert "Fel användarnamn eller lösenord." in response.content.decode()
    assert auth.ACCOUNT_KEY not in client.session
    assert AuditRecord.objects.filter(action=Action.SIGN_IN_FAILED).count() == 1
    record = AuditRecord.objects.get(action=Action.SIGN_IN_FAILED)
    assert password not in str(record.detail)


@pytest.mark.security
def test_five_wrong_passwords_block_the_username_for_a_while(sig):
    make_portal_account(sig.case, username="alex")
    for _ in range(access.PASSWORD_FAILURES_PER_USERNAME):
        with pytest.raises(ValidationError):
            access.authenticate(username="alex", password="fel-fel-fel-fel", ip=IP)
    with pytest.raises(ValidationError) as exc:
        access.authenticate(username="alex", password=PORTAL_PASSWORD, ip="198.51.100.9")
    assert "För många försök. Vänta 15 minuter" in str(exc.value)


@pytest.mark.security
def test_twenty_failures_from_one_address_block_it(sig):
    make_portal_account(sig.case, username="alex")
    for n in range(access.PASSWORD_FAILURES_PER_IP):
        with pytest.raises(ValidationError):
            access.authenticate(username=f"gissning{n}", password="x", ip=IP)
    with pytest.raises(ValidationError) as exc:
        access.authenticate(username="alex", password=PORTAL_PASSWORD, ip=IP)
    assert "För många försök" in str(exc.value)
    assert access.authenticate(username="alex", password=PORTAL_PASSWORD, ip="198.51.100.9")


# --- the PIN lock -----------------------------------------------------------------------------


def _idle(client: Client, minutes: int) -> None:
    session = client.session
    session[auth.SEEN_KEY] = time.time() - minutes * 60
    session.save()


def test_an_idle_session_is_locked_until_the_pin_is_given(sig, portal_login):
    account = make_portal_account(sig.case)
    client = portal_login(account)
    assert client.get(reverse("portal:start")).status_code == 200
    _idle(client, settings.PORTAL_PIN_IDLE_MINUTES + 1)
    response = client.get(reverse("portal:start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:unlock"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Logga in med lösenord i stället" in page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    wrong = client.post(f"{reverse('portal:unlock')}?next=/ung/", {"pin": "9999"})
    assert wrong.status_code == 200
    assert "Fel pinkod. Du har 4 försök kvar." in wrong.content.decode()
    right = client.post(f"{reverse('portal:unlock')}?next=/ung/", {"pin": PORTAL_PIN})
    assert right.status_code == 302 and right["Location"] == "/ung/"
    assert client.get(reverse("portal:start")).status_code == 200
    assert client.session[auth.PIN_FAILURES_KEY] == 0


@pytest.mark.security
def test_five_wrong_pins_end_the_session(sig, portal_login):
    account = make_portal_account(sig.case)
    client = portal_login(account)
    _idle(client, settings.PORTAL_PIN_IDLE_MINUTES + 1)
    client.get(reverse("portal:start"))
    for _ in range(settings.PORTAL_PIN_ATTEMPTS - 1):
        assert client.post(reverse("portal:unlock"), {"pin": "9999"}).status_code == 200
    last = client.post(reverse("portal:unlock"), {"pin": "9999"})
    assert last.status_code == 302
    assert last["Location"].startswith(reverse("portal:login"))
    assert auth.ACCOUNT_KEY not in client.session
    page = client.get(last["Location"])
    assert "Logga in med ditt lösenord" in page.content.decode()
    # Even the right PIN no longer helps: the password is needed.
    after = client.post(reverse("portal:unlock"), {"pin": PORTAL_PIN})
    assert after["Location"].startswith(reverse("portal:login"))
    assert (
        AuditRecord.objects.filter(action=Action.SIGN_IN_FAILED, detail__step="pin").count()
        == settings.PORTAL_PIN_ATTEMPTS
    )


def test_wrong_pins_are_counted_per_account_until_the_password_is_given(sig):
    account = make_portal_account(sig.case, username="alex")
    for _ in range(settings.PORTAL_PIN_ATTEMPTS):
        assert not access.pin_check(account=account, pin="9999")
    # Another session (or requests in parallel) cannot try more: not even the right PIN works.
    assert access.pin_failures(account=account) == settings.PORTAL_PIN_ATTEMPTS
    assert not access.pin_check(account=account, pin=PORTAL_PIN)
    access.authenticate(username="alex", password=PORTAL_PASSWORD, ip=IP)
    assert access.pin_check(account=account, pin=PORTAL_PIN)


def test_unlock_without_a_portal_session_goes_to_sign_in(client):
    response = client.get(reverse("portal:unlock"))
    assert response["Location"].startswith(reverse("portal:login"))


def test_logout_is_post_only_and_ends_the_session(sig, portal_login):
    account = make_portal_account(sig.case)
    client = portal_login(account)
    assert client.get(reverse("portal:logout")).status_code == 405
    response = client.post(reverse("portal:logout"))
    assert response["Location"] == reverse("portal:login")
    assert "Du är utloggad" in client.get(response["Location"]).content.decode()
    assert client.get(reverse("portal:start"))["Location"].startswith(reverse("portal:login"))
    assert AuditRecord.objects.filter(action=Action.SIGN_OUT, actor_username__startswith="portal:")


# --- resets -----------------------------------------------------------------------------------


def test_a_reset_ends_every_session_and_the_old_password(sig, portal_login):
    account = make_portal_account(sig.case, username="alex")
    youth = portal_login(account)
    assert youth.get(reverse("portal:start")).status_code == 200
    staff = staff_client(sig.world.coordinator)
    url = reverse(
        "portal_staff:account_reset", kwargs={"code": sig.case.code, "account_code": account.code}
    )
    response = staff.post(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    code = re.search(r'class="portal-code[^"]*"[^>]*>([A-Z0-9-]+)<', response.content.decode())[1]
    account.refresh_from_db()
    assert not account.is_active and account.deactivated_at is not None
    assert not PortalCredential.objects.filter(account=account, revoked_at__isnull=True).exists()
    # The youth's open session ended at once.
    assert youth.get(reverse("portal:start"))["Location"].startswith(reverse("portal:login"))
    with pytest.raises(ValidationError):
        access.authenticate(username="alex", password=PORTAL_PASSWORD, ip=IP)
    # The new code opens a new account, and the youth may keep the username.
    new = _redeem(code, username="alex")
    assert new.pk != account.pk and new.username == "alex"
    assert access.authenticate(username="alex", password=NEW_PASSWORD, ip=IP) == new


def test_a_reset_of_a_closed_account_is_refused(sig):
    account = make_portal_account(sig.case)
    access.account_reset(actor=sig.world.coordinator, account=account)
    with pytest.raises(ValidationError):
        access.account_reset(actor=sig.world.coordinator, account=account)


def test_only_those_who_run_the_case_reset_revoke_or_mark_read(sig):
    account = make_portal_account(sig.case)
    invitation, _ = _invite(sig, "vardnadshavare", sig.mother)
    notice = PortalNotice.objects.create(case=sig.case, kind="konto_skapat", text="Konto.")
    for who in ("police", "outsider", "manager"):
        actor = getattr(sig.world, who)
        with pytest.raises(PermissionDenied):
            access.account_reset(actor=actor, account=account)
        with pytest.raises(PermissionDenied):
            access.invitation_revoke(actor=actor, invitation=invitation)
        with pytest.raises(PermissionDenied):
            access.notice_mark_read(actor=actor, notice=notice)
    account.refresh_from_db()
    invitation.refresh_from_db()
    notice.refresh_from_db()
    assert account.is_active and invitation.revoked_at is None and notice.read_at is None


# --- staff and portal sessions are apart ------------------------------------------------------


def test_a_staff_session_gives_no_portal_access_and_portal_sign_in_ends_it(sig, login):
    make_portal_account(sig.case, username="alex")
    client = login(sig.world.coordinator)
    assert client.get(reverse("cases:list")).status_code == 200
    response = client.get(reverse("portal:start"))
    assert response["Location"].startswith(reverse("portal:login"))
    signed = client.post(reverse("portal:login"), {"username": "alex", "password": PORTAL_PASSWORD})
    assert signed.status_code == 302
    assert client.get(reverse("portal:start")).status_code == 200
    assert client.get(reverse("cases:list"))["Location"].startswith("/konto/logga-in/")


# --- the coordinator's portal tab -------------------------------------------------------------


def _staff_routes(sig):
    account = make_portal_account(sig.case)
    invitation, _ = _invite(sig, "vardnadshavare", sig.mother)
    notice = PortalNotice.objects.create(case=sig.case, kind="konto_skapat", text="Konto.")
    code = sig.case.code
    return {
        "overview": reverse("portal_staff:overview", kwargs={"code": code}),
        "invite": reverse("portal_staff:invite", kwargs={"code": code}),
        "invitation_revoke": reverse(
            "portal_staff:invitation_revoke",
            kwargs={"code": code, "invitation_code": invitation.code},
        ),
        "account_reset": reverse(
            "portal_staff:account_reset", kwargs={"code": code, "account_code": account.code}
        ),
        "notice_read": reverse(
            "portal_staff:notice_read", kwargs={"code": code, "notice_code": notice.code}
        ),
    }


def _portal_state():
    return (
        AuditRecord.objects.exclude(action__in=["sign_in", "second_factor_ok"]).count(),
        list(PortalInvitation.objects.order_by("pk").values_list("revoked_at", "redeemed_at")),
        list(PortalAccount.objects.order_by("pk").values_list("is_active", "session_generation")),
        list(PortalNotice.objects.order_by("pk").values_list("read_at", flat=True)),
    )


@pytest.mark.parametrize("who", ["police", "manager", "outsider", "admin", "outsider_admin"])
def test_people_who_do_not_run_the_case_get_404_on_every_staff_portal_route(sig, login, who):
    routes = _staff_routes(sig)
    client = login(getattr(sig.world, who))
    before = _portal_state()
    data = {"kind": "ungdom", "guardian": str(sig.mother.code), "next": "/"}
    for name, url in routes.items():
        assert client.post(url, data).status_code == 404, name
    assert client.get(routes["overview"]).status_code == 404
    assert _portal_state() == before


def test_a_portal_account_is_no_staff_member(sig, portal_login):
    routes = _staff_routes(sig)
    client = portal_login(PortalAccount.objects.get())
    for url in routes.values():
        response = client.post(url, {"kind": "ungdom"})
        assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")


def test_the_portal_tab_shows_for_those_who_run_the_case_only(sig, login):
    url = reverse("cases:detail", kwargs={"code": sig.case.code})
    tab = reverse("portal_staff:overview", kwargs={"code": sig.case.code})
    assert tab in login(sig.world.coordinator).get(url).content.decode()
    assert tab not in staff_client(sig.world.police).get(url).content.decode()


def test_the_overview_lists_accounts_invitations_and_notices(sig, login):
    make_portal_account(sig.case, username="alex.konto")
    _invite(sig, "vardnadshavare", sig.mother)
    PortalNotice.objects.create(case=sig.case, kind="konto_skapat", text="Ungdomen i ärendet.")
    response = login(sig.world.coordinator).get(
        reverse("portal_staff:overview", kwargs={"code": sig.case.code})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "alex.konto" in page
    assert "Maria Exempelsson" in page  # the open invitation, and a guardian to choose
    assert "Ungdomen i ärendet." in page and "Markera som läst" in page
    assert "Återställ" in page and "tappat bort" in page
    assert 'aria-current="page">Portal<' in page


def test_inviting_shows_the_code_once_with_a_qr_code_and_no_cache(sig, login, settings):
    settings.SAMSYN_BASE_URL = "https://samsyn.example.se"
    client = login(sig.world.coordinator)
    url = reverse("portal_staff:invite", kwargs={"code": sig.case.code})
    response = client.post(url, {"kind": "ungdom"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    code = re.search(r'class="portal-code[^"]*"[^>]*>([A-Z0-9-]+)<', page)[1]
    invitation = PortalInvitation.objects.get()
    assert invitation.secret_hash == access.code_hash(code)
    assert "https://samsyn.example.se/ung/inbjudan/" in page
    assert "<svg" in page
    # The code is not kept anywhere it could be shown again.
    overview = client.get(reverse("portal_staff:overview", kwargs={"code": sig.case.code}))
    assert code not in overview.content.decode()
    assert not AuditRecord.objects.filter(detail__icontains=code.replace("-", "")).exists()


def test_inviting_a_guardian_and_a_refusal_shows_on_the_overview(sig, login):
    client = login(sig.world.coordinator)
    url = reverse("portal_staff:invite", kwargs={"code": sig.case.code})
    response = client.post(url, {"kind": "vardnadshavare", "guardian": str(sig.mother.code)})
    assert response.status_code == 200
    assert PortalInvitation.objects.get().guardian == sig.mother
    make_portal_account(sig.case)
    refused = client.post(url, {"kind": "ungdom"})
    assert refused.status_code == 200
    assert "har redan ett konto" in refused.content.decode()
    assert PortalInvitation.objects.count() == 1


def test_revoking_an_invitation_stops_its_code(sig, login):
    invitation, code = _invite(sig)
    client = login(sig.world.coordinator)
    response = client.post(
        reverse(
            "portal_staff:invitation_revoke",
            kwargs={"code": sig.case.code, "invitation_code": invitation.code},
        )
    )
    assert response["Location"] == reverse("portal_staff:overview", kwargs={"code": sig.case.code})
    with pytest.raises(ValidationError):
        _redeem(code)


@pytest.mark.parametrize(
    ("next_", "expected"),
    [("/paminnelser/", "/paminnelser/"), ("https://evil.example/", None)],
)
def test_marking_a_notice_read_goes_back_to_a_safe_next(sig, login, next_, expected):
    notice = PortalNotice.objects.create(case=sig.case, kind="konto_skapat", text="Konto.")
    client = login(sig.world.coordinator)
    response = client.post(
        reverse(
            "portal_staff:notice_read", kwargs={"code": sig.case.code, "notice_code": notice.code}
        ),
        {"next": next_},
    )
    overview = reverse("portal_staff:overview", kwargs={"code": sig.case.code})
    assert response["Location"] == (expected or overview)
    notice.refresh_from_db()
    assert notice.read_at is not None and notice.read_by == sig.world.coordinator


# --- "What is a SIG?" -------------------------------------------------------------------------


@pytest.mark.parametrize("language", languages.LANGUAGES, ids=lambda lang: lang.code)
def test_every_language_has_a_template_with_all_seven_sections(language):
    text = (TEMPLATES / language.template).read_text(encoding="utf-8")
    for section in languages.SECTION_IDS:
        assert f'<section id="{section}"' in text, (language.code, section)
    assert language.dir in ("ltr", "rtl")


@pytest.mark.parametrize("language", languages.LANGUAGES, ids=lambda lang: lang.code)
def test_the_about_page_in_every_language(client, language):
    response = client.get(f"{reverse('portal:about')}?sprak={language.code}")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<div class="portal-about" lang="{language.lang}" dir="{language.dir}">' in page
    for section in languages.SECTION_IDS:
        assert f'<section id="{section}"' in page
    for option in languages.LANGUAGES:
        assert f'?sprak={option.code}" lang="{option.lang}"' in page


def test_an_unknown_language_falls_back_to_swedish(client):
    page = client.get(f"{reverse('portal:about')}?sprak=xx").content.decode()
    assert '<div class="portal-about" lang="sv" dir="ltr">' in page
    assert "<h1>Vad är SIG?</h1>" in page
    assert "<h1>What is a SIG?</h1>" not in page


def test_the_signed_in_youth_sees_the_own_group_and_nobody_else_does(sig, portal_login, world):
    from samsyn.cases import services as cases

    Case.objects.filter(pk=sig.case.pk).update(contact_police=world.police)
    account = make_portal_account(sig.case)
    url = reverse("portal:about")
    anonymous = Client().get(url).content.decode()
    assert "Din grupp" not in anonymous and "Polisen Testkommun" not in anonymous
    # A youth in another case sees that case's group only.
    other_case = cases.case_create(
        actor=world.coordinator,
        first_name="Robin",
        last_name="Annansson",
        date_of_birth=date(2011, 3, 3),
        reason="Oro.",
        district=world.district,
    )
    other = make_portal_account(other_case, username="robin")
    page = Client()
    session = page.session
    session[auth.ACCOUNT_KEY] = other.pk
    session[auth.GENERATION_KEY] = str(other.session_generation)
    session[auth.SEEN_KEY] = time.time()
    session.save()
    assert "Polisen Testkommun" not in page.get(url).content.decode()

    client = portal_login(account)
    response = client.get(f"{url}?sprak=en")
    text = response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert "Your group" in text
    assert "Contact police officer:</strong> Polis, Polisen Testkommun" in text
    assert "Handlaggare, Socialtjänsten Norra" in text
    record = AuditRecord.objects.get(object_type="portal.group", actor_username=f"portal:{account}")
    assert record.action == Action.READ and record.case_code == sig.case.code
    # Locked (idle) sessions do not show it either.
    _idle(client, settings.PORTAL_PIN_IDLE_MINUTES + 1)
    assert "Your group" not in client.get(f"{url}?sprak=en").content.decode()


def test_the_placeholder_or_content_start_page_is_behind_the_portal_session(sig, portal_login):
    assert Client().get(reverse("portal:start"))["Location"].startswith(reverse("portal:login"))
    client = portal_login(make_portal_account(sig.case))
    response = client.get(reverse("portal:start"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_staff_sign_in_ends_the_portal_session_in_the_same_browser(sig, portal_login, login):
    account = make_portal_account(sig.case)
    client = portal_login(account)
    assert client.get(reverse("portal:plan")).status_code == 200
    login(sig.world.coordinator)
    response = client.get(reverse("portal:plan"))
    assert response.status_code == 302
    assert response["Location"].startswith("/ung/logga-in/")


@pytest.mark.parametrize("username", ["200805201234", "080520-1234", "kim.0805201234"])
def test_a_personnummer_is_refused_as_username(sig, username):
    _invitation, code = _invite(sig)
    with pytest.raises(ValidationError) as refused:
        _redeem(code, username=username)
    assert "personnummer" in " ".join(_errors(refused.value)["username"])


def test_a_right_to_left_language_is_one_registry_line_away(client, monkeypatch):
    """The structure for Arabic or Somali: registering a language (here with the English
    template standing in for the text) offers it and serves it with its lang and dir."""
    arabic = languages.Language(
        "ar", "العربية", lang="ar", dir="rtl", template="portal/about/en.html"
    )
    monkeypatch.setattr(languages, "LANGUAGES", (*languages.LANGUAGES, arabic))
    page = client.get(f"{reverse('portal:about')}?sprak=ar").content.decode()
    assert '<div class="portal-about" lang="ar" dir="rtl">' in page
    assert '?sprak=ar" lang="ar"' in page
