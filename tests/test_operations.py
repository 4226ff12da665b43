"""Settings from the environment, deploy checks, health, headers, logs, demo data."""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from samsyn.lib.env import env_bool, env_int, env_str
from samsyn.lib.logging import JsonFormatter, RequestIdFilter
from samsyn.organisations.models import Municipality, Organisation, Person

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAMSYN_", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_"))
    }
    clean.update(DJANGO_SETTINGS_MODULE="samsyn.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_env_bool_fails_loudly_on_a_typo(monkeypatch):
    monkeypatch.setenv("SAMSYN_X", "ture")
    with pytest.raises(ImproperlyConfigured, match="SAMSYN_X='ture' is not a boolean"):
        env_bool("SAMSYN_X", False)
    monkeypatch.setenv("SAMSYN_X", "yes")
    assert env_bool("SAMSYN_X", False) is True


def test_env_int_fails_loudly_on_bad_values(monkeypatch):
    monkeypatch.setenv("SAMSYN_N", "thirty")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("SAMSYN_N", 30)
    monkeypatch.setenv("SAMSYN_N", "0")
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("SAMSYN_N", 30, minimum=1)


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_str("SECRET_KEY") == "from-a-file"
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_str("SECRET_KEY")


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr


def test_production_settings_refuse_a_bad_timeout():
    result = _manage("check", SECRET_KEY="x" * 60, SAMSYN_SESSION_TIMEOUT_MINUTES="half an hour")
    assert result.returncode != 0
    assert "SAMSYN_SESSION_TIMEOUT_MINUTES" in result.stderr


@pytest.mark.security
def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="samsyn.example.se",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_session_timeout_is_configurable():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)",
        SECRET_KEY="x" * 60,
        SAMSYN_SESSION_TIMEOUT_MINUTES="15",
    )
    assert result.stdout.strip().splitlines()[-1] == "900", result.stderr


def test_healthz_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.security
def test_every_response_carries_a_request_id_and_security_headers(client, db):
    response = client.get("/konto/logga-in/")
    assert len(response["X-Request-ID"]) == 32
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_a_well_formed_request_id_from_the_proxy_is_kept(client, db):
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-abc-12345678"})
    assert response["X-Request-ID"] == "proxy-abc-12345678"
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert response["X-Request-ID"] != "<script>"


def test_log_lines_are_json_with_the_request_id_and_no_request_object():
    record = logging.LogRecord(
        "samsyn.test", logging.WARNING, __file__, 1, "hello %s", ("world",), None
    )
    record.request = object()  # Django attaches the request, which may hold personal data
    record.status_code = 404
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello world"
    assert line["status_code"] == 404
    assert "request" not in line
    assert "request_id" in line


def test_seed_demo_is_idempotent(db, capsys):
    from samsyn.cases.demo import YOUTHS
    from samsyn.cases.models import Case, CaseTransition, JournalNote
    from samsyn.consent.models import Consent

    call_command("seed_demo", "--not-production")
    out = capsys.readouterr().out
    assert "samordnare" in out and "samsyn-demo-2026" in out
    assert f"{len(YOUTHS)} created" in out and "aktiv" in out
    models = [Municipality, Organisation, Person, Case, CaseTransition, JournalNote, Consent]
    counts = [model.objects.count() for model in models]
    call_command("seed_demo", "--not-production")
    assert "0 created" in capsys.readouterr().out
    assert [model.objects.count() for model in models] == counts
    assert counts[0] == 2
    assert counts[3] == len(YOUTHS)
    stockholm = Municipality.objects.get(municipality_number="0180")
    assert stockholm.districts.count() == 2
    people = Person.objects.prefetch_related("role_assignments")
    assert {r for p in people for r in p.roles} == {
        "samordnare",
        "handlaggare",
        "aktorsrepresentant",
        "chef",
        "styrgrupp",
        "administrator",
        "nationell",
    }


def test_seed_demo_refuses_a_production_database(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="known passwords"):
        call_command("seed_demo")


def test_demo_totp_prints_the_current_code(db, capsys):
    call_command("seed_demo", "--not-production", "--quiet")
    call_command("demo_totp", "samordnare")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()


@pytest.mark.security
def test_a_stale_form_gets_a_swedish_explanation_and_changes_nothing(world):
    from django.test import Client

    from tests.conftest import PASSWORD

    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/logga-in/", {"username": "samordnare", "password": PASSWORD})
    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_server_error_page_needs_no_database(rf):
    from samsyn.core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Tekniskt fel" in response.content.decode()
