"""schemathesis over the whole OpenAPI document against a live server on loopback with the demo
data (issue 9, D46): no 5xx, every status, content type and body as the document says.

This is the short run of the suite (a few examples per operation, a fixed seed); `make fuzz`
runs the long one against gunicorn (samsyn/api/fuzz.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from samsyn.api import fuzz, services
from samsyn.api.models import Scope
from samsyn.cases.models import JournalNote

EXAMPLES = int(os.environ.get("FUZZ_TEST_EXAMPLES", "5"))
SEED = int(os.environ.get("FUZZ_SEED", "9"))


def test_every_operation_declares_its_problem_responses(db: None):
    document = Client().get(fuzz.SCHEMA_PATH).json()
    assert document["components"]["schemas"]["Problem"]["required"] == [
        "title",
        "status",
        "instance",
    ]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"404", "401", "403"} if operation.get("security") else {"404"}
            assert expected <= responses.keys(), (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"], (
                        method,
                        path,
                        status,
                    )


def test_the_api_answers_as_documented_whatever_it_is_sent(
    live_server: Any, transactional_db: None, tmp_path: Path
):
    call_command("seed_demo", not_production=True, quiet=True)
    for username in fuzz.FUZZ_USERS:
        token, run_dir = fuzz.prepare(username, tmp_path / username)
        known = json.loads((run_dir / "known.json").read_text())
        assert known["path"]["arenden"] and known["query"]["kommun"]  # real codes to send
        run = subprocess.run(
            fuzz.schemathesis_command(
                live_server.url, token, run_dir, examples=EXAMPLES, seed=SEED
            ),
            cwd=run_dir,
            env=fuzz.schemathesis_env(run_dir),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        report = f"{username}'s token:\n" + run.stdout[-30000:] + run.stderr[-5000:]
        assert run.returncode == 0, report
        selected = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", run.stdout)
        assert selected, report
        assert int(selected[1]) == int(selected[2]) == int(selected[3]) > 1, report


def test_a_body_that_is_not_json_is_a_declared_problem(world, sig):
    _row, raw = services.token_create(
        actor=world.coordinator, name="Treserva", scope=Scope.WRITE, days=1
    )
    response = Client().post(
        f"/api/v1/arenden/{sig.case.code}/anteckningar/",
        data=b"{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Innehållet kunde inte läsas som JSON."
    assert not JournalNote.objects.filter(title="Treserva").exists()


@pytest.mark.parametrize("value", ["0", "20260101", "2026-1-1"])
def test_a_date_is_read_only_as_iso_8601(world, sig, value):
    """pydantic alone would read `0` as Unix time, 1 January 1970 (found by the fuzzer)."""
    _row, raw = services.token_create(
        actor=world.coordinator, name="Treserva", scope=Scope.READ, days=1
    )
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    meetings = f"/api/v1/arenden/{sig.case.code}/moten/"
    assert Client().get(meetings + "?fran=2026-01-01", **bearer).status_code == 200
    response = Client().get(f"{meetings}?fran={value}", **bearer)
    assert response.status_code == 422
    assert "fran" in response.json()["detail"]
