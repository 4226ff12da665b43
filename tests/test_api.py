"""The REST API (issue 9): personal tokens, the same view as the pages, problem details."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from samsyn.api import services
from samsyn.api.models import ApiToken, Scope
from samsyn.audit.models import Action, AuditRecord
from tests.conftest import staff_client

CASES = "/api/v1/arenden/"


def _bearer(raw: str, **headers: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", **headers}


def _token(person, scope: str = Scope.READ, days: int = 30) -> tuple[ApiToken, str]:
    return services.token_create(actor=person, name="Treserva", scope=scope, days=days)


def test_a_token_is_shown_once_and_stored_as_a_digest(world):
    token, raw = _token(world.coordinator)
    assert raw.startswith(f"samsyn_{token.prefix}_") and len(raw) > 50
    assert raw not in token.digest and token.digest == services._digest(raw)
    assert AuditRecord.objects.filter(action=Action.CREATE, object_code=str(token.code)).exists()
    assert services.authenticate(raw) == (world.coordinator, token)
    assert services.authenticate(raw + "x") is None and services.authenticate("abc") is None


@pytest.mark.parametrize(
    ("name", "scope", "days", "field"),
    [
        ("", Scope.READ, 30, "name"),
        ("X", "admin", 30, "scope"),
        ("X", Scope.READ, 0, "days"),
        ("X", Scope.READ, 366, "days"),
    ],
)
def test_bad_token_requests_are_refused_in_swedish(world, name, scope, days, field):
    with pytest.raises(ValidationError) as caught:
        services.token_create(actor=world.coordinator, name=name, scope=scope, days=days)
    assert field in caught.value.message_dict
    assert not ApiToken.objects.exists()


def test_the_token_sees_exactly_the_persons_worklist(world, sig):
    _token_row, raw = _token(world.coordinator)
    api = Client().get(CASES, **_bearer(raw, HTTP_ACCEPT_LANGUAGE="sv"))
    assert api.status_code == 200
    body = api.json()
    page = staff_client(world.coordinator).get("/arenden/")
    listed = [row.code for row in page.context["result"].rows]
    assert [item["code"] for item in body["items"]] == [str(code) for code in listed]
    assert body["count"] == len(listed) == 1
    assert body["items"][0]["label"] == str(sig.case.youth)  # the coordinator may see who


def test_a_person_outside_the_case_gets_an_empty_list(world, sig):
    _row, raw = _token(world.outsider)
    body = Client().get(CASES, **_bearer(raw)).json()
    assert body == {"count": 0, "page": 1, "pages": 1, "items": []}


def test_the_police_see_the_case_as_on_their_page(world, sig):
    _row, raw = _token(world.police)
    (item,) = Client().get(CASES, **_bearer(raw)).json()["items"]
    (row,) = staff_client(world.police).get("/arenden/").context["result"].rows
    assert (item["label"], item["identified"]) == (row.label, row.identified)
    if not row.identified:  # no consent covers who the youth is: the anonymous code only
        assert item["label"] == sig.case.anonymous_code
        assert "Exempelsson" not in str(item)


@pytest.mark.parametrize("how", ["missing", "wrong", "revoked", "expired", "inactive"])
def test_no_valid_token_gets_a_problem_and_nothing_else(world, sig, how):
    token, raw = _token(world.coordinator)
    headers = _bearer(raw)
    if how == "missing":
        headers = {}
    elif how == "wrong":
        headers = _bearer(raw[:-2] + "zz")
    elif how == "revoked":
        services.token_revoke(actor=world.coordinator, token=token)
    elif how == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif how == "inactive":
        type(world.coordinator).objects.filter(pk=world.coordinator.pk).update(is_active=False)
    response = Client().get(CASES, **headers, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Bearer"
    problem = response.json()
    assert problem["status"] == 401 and problem["title"] == "Inte inloggad"
    assert str(sig.case.code) not in response.content.decode()


def test_problems_come_in_english_when_asked(world):
    response = Client().get(CASES, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401 and response.json()["title"] == "Not signed in"


def test_bad_parameters_are_a_problem_not_a_crash(world):
    _row, raw = _token(world.coordinator)
    response = Client().get(CASES + "?page=abc", **_bearer(raw))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "page" in response.json()["detail"]


def test_only_the_person_or_an_administrator_revokes(world):
    token, _raw = _token(world.coordinator)
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=world.police, token=token)
    with pytest.raises(PermissionDenied):
        services.token_revoke(actor=world.outsider_admin, token=token)
    services.token_revoke(actor=world.admin, token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.usable


def test_the_openapi_document_is_served_and_names_the_bearer_scheme(world):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "samsyn API"
    assert "/api/v1/arenden/" in document["paths"]
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


# --- Mitt konto → API-nycklar -------------------------------------------------------------------

TOKENS = "/konto/api-nycklar/"


def test_a_person_makes_a_token_sees_it_once_and_revokes_it(world, sig):
    client = staff_client(world.coordinator)
    assert "Du har inga API-nycklar" in client.get(TOKENS).content.decode()
    made = client.post(TOKENS, {"name": "Treserva", "scope": Scope.READ, "days": "90"})
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    raw = made.context["raw"]
    assert raw in made.content.decode()
    assert Client().get(CASES, **_bearer(raw)).status_code == 200
    listing = client.get(TOKENS).content.decode()
    assert "Treserva" in listing and raw not in listing  # never shown again
    token = ApiToken.objects.get()
    assert client.post(f"{TOKENS}{token.code}/aterkalla/").status_code == 302
    assert Client().get(CASES, **_bearer(raw)).status_code == 401
    assert "Återkallad" in client.get(TOKENS).content.decode()


def test_a_bad_token_form_says_what_is_wrong_and_makes_nothing(world):
    client = staff_client(world.coordinator)
    response = client.post(TOKENS, {"name": "", "scope": "admin", "days": "1000"})
    assert response.status_code == 200 and not ApiToken.objects.exists()
    errors = response.context["form"].errors
    assert set(errors) == {"name", "scope", "days"}


def test_nobody_else_lists_or_revokes_my_token(world):
    token, _raw = services.token_create(
        actor=world.coordinator, name="Journalkoppling", scope=Scope.READ, days=30
    )
    other = staff_client(world.outsider)
    assert "Journalkoppling" not in other.get(TOKENS).content.decode()
    assert other.post(f"{TOKENS}{token.code}/aterkalla/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client().get(TOKENS).status_code == 302  # anonymous: to the sign-in page
