"""Every URL, every kind of visitor: generated from the URL configuration.

A new URL without an entry in MATRIX fails `test_every_url_has_an_entry`, so nobody can add a
page without deciding who may see it. Outsiders get 404 ("not found"), never 403.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ANON, STAFF, OUTSIDE_ADMIN, ADMIN = "anonymous", "staff", "outside_admin", "admin"
LOGIN = "login"  # a redirect to the sign-in page

# name: (kwargs factory key or None, expected GET status per visitor, POST-only?)
MATRIX: dict[str, tuple[str | None, dict[str, int | str], bool]] = {
    "core:start": (None, {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "healthz": (None, {ANON: 200, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "set_language": (None, {ANON: 302, STAFF: 302, OUTSIDE_ADMIN: 302, ADMIN: 302}, False),
    "accounts:login": (None, {ANON: 200, STAFF: 302, OUTSIDE_ADMIN: 302, ADMIN: 302}, False),
    "accounts:verify": (None, {ANON: LOGIN, STAFF: 302, OUTSIDE_ADMIN: 302, ADMIN: 302}, False),
    "accounts:enrol": (None, {ANON: LOGIN, STAFF: 302, OUTSIDE_ADMIN: 302, ADMIN: 302}, False),
    "accounts:logout": (None, {ANON: 405, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405}, True),
    "accounts:account": (None, {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "accounts:logout_everywhere": (
        None,
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "accounts:recovery_codes": (
        None,
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "accounts:password_change": (
        None,
        {ANON: LOGIN, STAFF: 200, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "audit:search": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "audit:export_csv": (None, {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200}, False),
    "organisations:overview": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "organisations:municipality_create": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 404},
        False,
    ),
    "organisations:district_create": (
        "municipality",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 200},
        False,
    ),
    "organisations:district_edit": (
        "district",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 200},
        False,
    ),
    "organisations:district_policy_create": (
        "district",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "organisations:policy_edit": (
        "policy",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 200},
        False,
    ),
    "organisations:policy_remove": (
        "district_policy",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "organisations:organisation_list": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "organisations:organisation_create": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "organisations:organisation_edit": (
        "organisation",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 200},
        False,
    ),
    "organisations:person_list": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "organisations:person_create": (
        None,
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 200, ADMIN: 200},
        False,
    ),
    "organisations:person_edit": (
        "person",
        {ANON: LOGIN, STAFF: 404, OUTSIDE_ADMIN: 404, ADMIN: 200},
        False,
    ),
    "organisations:person_password": (
        "person",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "organisations:person_second_factor_reset": (
        "person",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
    "organisations:person_sessions_end": (
        "person",
        {ANON: LOGIN, STAFF: 405, OUTSIDE_ADMIN: 405, ADMIN: 405},
        True,
    ),
}

# Routes whose POST does something to an object: outsiders must get 404 and change nothing.
GUARDED_POSTS = [
    name for name, (key, _, _) in MATRIX.items() if name.startswith("organisations:") and key
]


def _names(patterns: list[Any], prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _names(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_has_an_entry():
    missing = _names(get_resolver().url_patterns) - set(MATRIX)
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"


def _objects(world) -> dict[str, Any]:
    from samsyn.organisations.models import LocalPolicy

    district_policy = LocalPolicy.objects.create(
        municipality=world.municipality, district=world.district
    )
    return {
        "municipality": world.municipality,
        "district": world.district,
        "policy": LocalPolicy.objects.get(municipality=world.municipality, district__isnull=True),
        "district_policy": district_policy,
        "organisation": world.recipient_org,
        "person": world.police,
    }


def _url(name: str, key: str | None, objects: dict[str, Any]) -> str:
    return reverse(name, kwargs={"code": objects[key].code} if key else None)


def _visitor(kind: str, world, client, login):
    return {
        ANON: lambda: client,
        STAFF: lambda: login(world.coordinator),
        OUTSIDE_ADMIN: lambda: login(world.outsider_admin),
        ADMIN: lambda: login(world.admin),
    }[kind]()


@pytest.mark.parametrize("visitor", [ANON, STAFF, OUTSIDE_ADMIN, ADMIN])
def test_every_url_answers_each_visitor_as_the_matrix_says(world, client, login, visitor):
    objects = _objects(world)
    http = _visitor(visitor, world, client, login)
    wrong = []
    for name, (key, expected, _post_only) in MATRIX.items():
        response = http.get(_url(name, key, objects))
        want = expected[visitor]
        if want == LOGIN:
            ok = response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")
        else:
            ok = response.status_code == want
        if not ok:
            wrong.append(f"{name}: expected {want}, got {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("visitor", [STAFF, OUTSIDE_ADMIN])
def test_outsiders_posting_to_objects_get_404_and_change_nothing(world, client, login, visitor):
    from samsyn.audit.models import AuditRecord
    from samsyn.organisations.models import District, LocalPolicy, Organisation, Person

    objects = _objects(world)
    http = _visitor(visitor, world, client, login)
    before = (
        AuditRecord.objects.exclude(action__in=["sign_in", "second_factor_ok"]).count(),
        list(
            Person.objects.order_by("pk").values_list("password", "session_generation", "is_active")
        ),
        list(Organisation.objects.order_by("pk").values_list("name", "kind")),
        list(District.objects.order_by("pk").values_list("name", flat=True)),
        LocalPolicy.objects.count(),
    )
    for name in GUARDED_POSTS:
        key = MATRIX[name][0]
        response = http.post(_url(name, key, objects), {"name": "Hijacked", "password": "x" * 20})
        assert response.status_code == 404, name
    after = (
        AuditRecord.objects.exclude(action__in=["sign_in", "second_factor_ok"]).count(),
        list(
            Person.objects.order_by("pk").values_list("password", "session_generation", "is_active")
        ),
        list(Organisation.objects.order_by("pk").values_list("name", "kind")),
        list(District.objects.order_by("pk").values_list("name", flat=True)),
        LocalPolicy.objects.count(),
    )
    assert after == before
