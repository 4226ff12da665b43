"""Two-step sign-in: password (throttled), then TOTP or a recovery code; sessions end."""

from __future__ import annotations

import base64
import re

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts.services import recovery_codes_replace
from samsyn.audit.models import Action, AuditRecord
from tests.conftest import PASSWORD, current_code, make_person


def _password_step(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post("/konto/logga-in/", {"username": username, "password": password, **extra})


def test_it_signs_in_with_password_and_totp(client, world):
    response = _password_step(client, "samordnare")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/verifiera/")
    response = client.post("/konto/verifiera/", {"token": current_code(world.coordinator)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Hej Samordnare" in page.content.decode()
    assert AuditRecord.objects.filter(
        action=Action.SECOND_FACTOR_OK, actor_code=world.coordinator.code
    ).exists()


def test_it_signs_in_with_the_email_address_in_any_case(client, world):
    world.coordinator.email = "sara@example.se"
    world.coordinator.save()
    response = _password_step(client, "SARA@example.se")
    assert response["Location"].startswith("/konto/verifiera/")


def test_it_refuses_a_wrong_code_with_a_clear_message(client, world):
    _password_step(client, "samordnare")
    good = current_code(world.coordinator)
    wrong = f"{(int(good) + 1) % 1000000:06d}"
    response = client.post("/konto/verifiera/", {"token": wrong})
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get("/").status_code == 302  # still not through
    assert AuditRecord.objects.filter(action=Action.SECOND_FACTOR_FAILED).count() == 1


def test_it_keeps_a_password_only_session_away_from_every_page(client, world):
    _password_step(client, "admin")
    for path in ("/", "/administration/", "/granskningslogg/", "/konto/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/konto/verifiera/"), path


def test_htmx_requests_of_an_unverified_session_get_a_redirect_header(client, world):
    _password_step(client, "samordnare")
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/konto/verifiera/")


def test_a_recovery_code_works_once(client, world):
    codes = recovery_codes_replace(person=world.coordinator, actor=world.coordinator)
    assert len(codes) == settings.RECOVERY_CODE_COUNT
    _password_step(client, "samordnare")
    response = client.post("/konto/verifiera/", {"token": codes[0]})
    assert response["Location"] == "/"
    assert StaticToken.objects.filter(device__user=world.coordinator).count() == 9
    other = Client()
    _password_step(other, "samordnare")
    response = other.post("/konto/verifiera/", {"token": codes[0]})
    assert "Koden stämmer inte" in response.content.decode()


@pytest.mark.security
def test_five_wrong_passwords_lock_the_account(client, world):
    for _ in range(4):
        response = _password_step(client, "samordnare", "wrong-password-000")
        assert response.status_code == 200
        assert "Fel användarnamn, e-postadress eller lösenord" in response.content.decode()
    response = _password_step(client, "samordnare", "wrong-password-000")
    assert response.status_code == 429  # the fifth wrong password locks
    response = _password_step(client, "samordnare")  # even the right password
    assert response.status_code == 429
    assert "tillfälligt spärrat" in response.content.decode()
    assert "spärrad i 15 minuter" in response.content.decode()
    assert AuditRecord.objects.filter(action=Action.LOCKED_OUT).exists()
    # Other accounts are not affected.
    assert _password_step(Client(), "handlaggare").status_code == 302


def test_first_sign_in_enrols_a_totp_device_by_qr_code(client, world):
    newcomer = make_person("ny", world.owner_org, "samordnare", totp_device=False)
    _password_step(client, "ny")
    response = client.get("/konto/verifiera/")
    assert response["Location"].startswith("/konto/aktivera/")
    page = client.get("/konto/aktivera/")
    body = page.content.decode()
    assert "<svg" in body
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    key = base64.b32decode(secret)
    wrong = client.post("/konto/aktivera/", {"token": "12345"})
    assert "Koden ska vara sex siffror" in wrong.content.decode()
    response = client.post("/konto/aktivera/", {"token": f"{totp(key):06d}"})
    assert response.status_code == 200
    assert len(response.context["codes"]) == 10
    assert TOTPDevice.objects.get(user=newcomer).confirmed
    assert client.get("/").status_code == 200
    assert AuditRecord.objects.filter(
        action=Action.SECOND_FACTOR_ENROLLED, actor_code=newcomer.code
    ).exists()


def test_enrolment_is_not_offered_to_someone_who_has_a_device(client, world):
    _password_step(client, "samordnare")
    response = client.get("/konto/aktivera/")
    assert response["Location"].startswith("/konto/verifiera/")


@pytest.mark.security
def test_it_does_not_follow_a_next_link_to_another_site(client, world):
    client.post(
        "/konto/logga-in/?next=https://evil.example/",
        {"username": "samordnare", "password": PASSWORD, "next": "https://evil.example/"},
    )
    response = client.post(
        "/konto/verifiera/?next=https://evil.example/", {"token": current_code(world.coordinator)}
    )
    assert response["Location"] == "/"


def test_it_follows_a_local_next_link(client, world):
    client.get("/konto/")  # sends to login with next=/konto/
    response = client.post(
        "/konto/logga-in/?next=/konto/",
        {"username": "samordnare", "password": PASSWORD, "next": "/konto/"},
    )
    assert "next=%2Fkonto%2F" in response["Location"]
    response = client.post(response["Location"], {"token": current_code(world.coordinator)})
    assert response["Location"] == "/konto/"


def test_an_inactive_account_cannot_sign_in(client, world):
    world.coordinator.is_active = False
    world.coordinator.save()
    response = _password_step(client, "samordnare")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.security
def test_sign_out_everywhere_ends_the_other_sessions(world, login):
    phone = Client()
    _password_step(phone, "samordnare")
    phone.post("/konto/verifiera/", {"token": current_code(world.coordinator)})
    assert phone.get("/").status_code == 200
    desk = login(world.coordinator)
    response = desk.post("/konto/logga-ut-overallt/")
    assert response["Location"] == "/konto/logga-in/"
    assert phone.get("/").status_code == 302
    assert desk.get("/").status_code == 302
    assert AuditRecord.objects.filter(action=Action.SIGN_OUT_EVERYWHERE).exists()


def test_sign_out_needs_post(world, login):
    client = login(world.coordinator)
    assert client.get("/konto/logga-ut/").status_code == 405
    assert client.post("/konto/logga-ut/").status_code == 302
    assert client.get("/").status_code == 302


def test_sessions_time_out_after_30_minutes_of_inactivity_by_default():
    assert settings.SESSION_TIMEOUT_MINUTES == 30
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.security
def test_an_expired_session_is_signed_out(world, login):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = login(world.coordinator)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/").status_code == 302


def test_passwords_are_hashed_with_argon2_in_production():
    from samsyn import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_account_page_makes_new_recovery_codes(world, login):
    client = login(world.coordinator)
    page = client.get("/konto/")
    assert page.status_code == 200
    response = client.post("/konto/reservkoder/")
    assert len(response.context["codes"]) == 10
    assert StaticToken.objects.filter(device__user=world.coordinator).count() == 10


def test_the_password_can_be_changed(world, login):
    client = login(world.coordinator)
    response = client.post(
        "/konto/losenord/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-9",
            "new_password2": "a-new-long-passphrase-9",
        },
    )
    assert response.status_code == 302
    world.coordinator.refresh_from_db()
    assert world.coordinator.check_password("a-new-long-passphrase-9")
    assert client.get("/").status_code == 200  # this session survives the change
