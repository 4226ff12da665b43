"""Attack tests (issue 11, OWASP ASVS level 2): CSRF on every form, stored and reflected XSS,
SQL injection in every filter, guessed codes, open redirects, clickjacking, hostile uploads,
session fixation and brute force on the second factor.

Routes are walked from the URL configuration, so a new form or filter is attacked without
anyone remembering to add it. The CSP blocking inline script is tested in a real browser:
e2e/test_attack_journey.py.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import timezone

from samsyn.audit.models import AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import Case, JournalNote
from samsyn.consent.models import Consent, DataCategory
from samsyn.organisations.models import Person
from tests.conftest import (
    PASSWORD,
    current_code,
    inform,
    sign_in_client,
    staff_client,
    url_routes,
)
from tests.test_consent_views import blank_pdf, record_data

pytestmark = pytest.mark.security

XSS = '<script>window.__xss=1</script>"><img src=x onerror="window.__xss=1">'
# What a stored or reflected payload must never be in a page: markup the browser would parse.
RAW = ("<script>window.__xss", '<img src=x onerror="window.__xss')
SQLI = [
    "' OR '1'='1",
    "1 OR 1=1",
    "'; DROP TABLE cases_case; --",
    '" OR ""="',
    "%' UNION SELECT username, password FROM organisations_person --",
]


# --- the URL configuration, walked --------------------------------------------------------


def _sample(converter: Any, code: uuid.UUID | None) -> Any:
    if isinstance(converter, UUIDConverter):
        return code or uuid.uuid4()
    if isinstance(converter, IntConverter):
        return 1
    return "x"


def _url(name: str, converters: dict[str, Any], code: uuid.UUID | None = None) -> str:
    return reverse(name, kwargs={k: _sample(c, code) for k, c in converters.items()})


def _csrf_exempt(view: Any) -> bool:
    return bool(getattr(view, "csrf_exempt", False))


# --- CSRF on every form -------------------------------------------------------------------


def test_only_the_token_api_is_exempt_from_csrf():
    """Cookies never authenticate the API (tokens only: tests/test_api.py), so only it may
    skip the CSRF check; every other route checks it."""
    exempt = sorted(name for name, view, _ in url_routes() if _csrf_exempt(view))
    assert exempt, "the walk found no API routes: is the URL configuration walked at all?"
    assert all(name.startswith("api:") for name in exempt), exempt


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(sig, who):
    w = sig.world
    browser = sign_in_client(Client(enforce_csrf_checks=True), getattr(w, who))
    browser.get(reverse("core:start"))  # a CSRF cookie, as a real browser would hold
    assert "csrftoken" in browser.cookies
    before = (AuditRecord.objects.count(), Case.objects.count(), JournalNote.objects.count())
    wrong = []
    checked = 0
    for name, view, converters in url_routes():
        if _csrf_exempt(view):
            continue
        url = _url(name, converters, sig.case.code)
        response = browser.post(url, {"text": "Förfalskad", "name": "Förfalskad"})
        checked += 1
        if (
            response.status_code != 403
            or "Formuläret kunde inte skickas" not in response.content.decode()
        ):
            wrong.append(f"{name} {url}: {response.status_code}")
    assert checked > 150
    assert not wrong, "\n".join(wrong)
    after = (AuditRecord.objects.count(), Case.objects.count(), JournalNote.objects.count())
    assert after == before


# --- stored and reflected XSS ---------------------------------------------------------------


def make_hostile_case(coordinator: Person, district: Any) -> Case:
    """A case whose youth, reason, address, school, summary and a note are all attacks (the
    browser journey's case too: e2e/test_attack_journey.py)."""
    case = cases.case_create(
        reason=XSS,
        actor=coordinator,
        first_name=XSS[:60],
        last_name="Exempelsson",
        personnummer="20100521-0016",
        sex="pojke",
        district=district,
        address=XSS,
        phone="070-1234567",
        school=XSS[:100],
        summary=XSS,
    )
    school = DataCategory.objects.get(slug="skola")
    cases.note_create(actor=coordinator, case=case, category=school, title=XSS, text=XSS)
    inform(case, coordinator)
    return case


@pytest.fixture
def hostile(world):
    """The hostile case, with the police taking part and a hostile guardian."""
    case = make_hostile_case(world.coordinator, world.district)
    cases.member_add(actor=world.coordinator, case=case, person=world.police)
    cases.guardian_add(actor=world.coordinator, case=case, first_name=XSS[:60], last_name="X")
    return case


def _case_pages(code: uuid.UUID) -> list[str]:
    """Every GET page of one case (routes with the case's code as their only argument)."""
    return [
        reverse(name, kwargs={"code": code})
        for name, _view, converters in url_routes()
        if list(converters) == ["code"] and not name.startswith("api:")
    ]


def _body(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _unsafe(response: Any) -> bool:
    """Markup from a payload in a page the browser would parse (HTML, SVG, or a CSV or text
    answer that a browser sniffing the type could take for HTML)."""
    if response.get("Content-Type", "").startswith(("application/pdf", "application/vnd")):
        return False
    return any(raw in _body(response) for raw in RAW)


def test_hostile_names_notes_and_texts_are_escaped_on_every_case_page(hostile, world):
    coordinator = staff_client(world.coordinator)
    pages = _case_pages(hostile.code)
    assert len(pages) > 20
    shown = 0
    for url in pages:
        response = coordinator.get(url)
        assert response.status_code < 500, url
        assert not _unsafe(response), f"unescaped markup on {url}"
        shown += response.status_code == 200 and "&lt;script&gt;window.__xss" in _body(response)
    assert shown > 5  # the payload really is on the pages, escaped
    worklist = coordinator.get(reverse("cases:list"))
    assert not _unsafe(worklist) and "&lt;script&gt;" in worklist.content.decode()


def test_hostile_text_is_escaped_in_the_portal(hostile, world, portal_login):
    """The youth's and a guardian's portal pages show the same hostile texts as text."""
    from samsyn.plans import services as plans
    from tests.conftest import make_portal_account

    plans.plan_save(actor=world.coordinator, case=hostile, long_term_goal=XSS)
    plans.subgoal_save(
        actor=world.coordinator, case=hostile, domain="skola", goal=XSS, youth_words=XSS
    )
    account = make_portal_account(hostile)
    http = portal_login(account)
    pages = [
        reverse(name)
        for name, _view, converters in url_routes()
        if name.startswith("portal:") and not converters and name != "portal:logout"
    ]
    assert len(pages) > 8
    escaped = 0
    for url in pages:
        response = http.get(url)
        assert response.status_code < 500, url
        assert not _unsafe(response), f"unescaped markup on {url}"
        escaped += "&lt;script&gt;window.__xss" in _body(response)
    assert escaped >= 2  # the plan and the start page show the goals


def _get_pages() -> list[tuple[str, str]]:
    """Every page without arguments that answers GET (not the API: JSON, tested below)."""
    return [
        (name, reverse(name))
        for name, _view, converters in url_routes()
        if not converters and not name.startswith("api:") and name != "accounts:logout"
    ]


def _filter_names() -> list[str]:
    """Every query parameter a page reads: the filter forms' fields and the plain ones."""
    from samsyn.audit.forms import AuditSearchForm
    from samsyn.cases.worklist_forms import WorklistFilterForm
    from samsyn.consent.forms import DisclosureFilterForm

    names = {"sida", "kommun", "stadsdel", "fran", "till", "next", "instrument", "status"}
    names |= {"sprak", "slag", "kod", "insats", "andra", "ar", "visa", "q", "page", "page_size"}
    for form in (AuditSearchForm, WorklistFilterForm, DisclosureFilterForm):
        names |= set(form.base_fields)
    return sorted(names)


@pytest.mark.parametrize("who", ["coordinator", "admin", "steering"])
def test_every_filter_survives_injection_and_echoes_nothing_raw(sig, who):
    w = sig.world
    http = staff_client(getattr(w, who))
    before = (Case.objects.count(), Person.objects.count(), Consent.objects.count())
    pages = _get_pages() + [(n, u) for n, u in ((u, u) for u in _case_pages(sig.case.code))]
    wrong = []
    for payload in [*SQLI, XSS]:
        query = dict.fromkeys(_filter_names(), payload)
        for name, url in pages:
            response = http.get(url, query)
            if response.status_code >= 500 or _unsafe(response):
                wrong.append(f"{name} with {payload!r}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert (Case.objects.count(), Person.objects.count(), Consent.objects.count()) == before


def test_the_audit_search_treats_injection_as_a_name(world, login):
    admin = login(world.admin)
    url = reverse("audit:search")
    found = admin.get(url, {"person": "samordnare"}).context["page"]
    assert found is not None
    for payload in SQLI:
        response = admin.get(url, {"person": payload})
        page = response.context["page"]
        assert page is None or len(page.object_list) == 0, payload


def test_the_work_list_search_treats_injection_as_text(sig, login):
    http = login(sig.world.coordinator)
    url = reverse("cases:list")
    assert "Exempelsson" in http.get(url, {"q": "Exempelsson"}).content.decode()
    for payload in SQLI:
        assert "Exempelsson" not in http.get(url, {"q": payload}).content.decode(), payload


def test_the_api_filters_treat_injection_as_invalid_or_text(sig, client):
    from samsyn.api import services as api

    _token, raw = api.token_create(actor=sig.world.coordinator, name="t", scope="read", days=1)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = reverse("api:case_list")
    assert client.get(url, **auth).json()["count"] == 1
    for payload in SQLI:
        for param in ("state", "fran", "till", "page", "page_size", "status"):
            response = client.get(url, {param: payload}, **auth)
            assert response.status_code in (200, 422), (param, payload, response.status_code)
            if response.status_code == 200:
                assert response.json()["count"] <= 1


# --- guessed codes (IDOR) -----------------------------------------------------------------


def test_guessed_codes_find_nothing_on_any_case_route(sig, login):
    """A random code, and the code of a case the viewer has no part in, are both 404 (or 405
    from a POST-only route, which answers so before it looks anything up: the same answer for
    every code, so nothing is learnt from it)."""
    w = sig.world
    other = cases.case_create(
        reason="Annat ärende.",
        actor=w.coordinator,
        first_name="Sam",
        last_name="Annansson",
        personnummer="20090314-0028",
        sex="flicka",
        district=w.district,
    )
    police = login(w.police)  # a member of sig.case only
    wrong = []
    for code in (uuid.uuid4(), other.code):
        for url in _case_pages(code):
            response = police.get(url)
            if response.status_code not in (404, 405):
                wrong.append(f"{url}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


# --- open redirects -----------------------------------------------------------------------

ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https:/evil.example",
    "javascript:alert(1)",
    "\\\\evil.example",
]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_sign_in_never_sends_anyone_elsewhere(world, client, target):
    response = client.post(
        f"{reverse('accounts:login')}?next={target}",
        {"username": "samordnare", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/verifiera/")
    code = current_code(world.coordinator)
    done = client.post(response["Location"], {"token": code})
    assert done.status_code == 302
    assert done["Location"] == "/", done["Location"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_language_switch_never_sends_anyone_elsewhere(db, client, target):
    response = client.post(reverse("set_language"), {"language": "en", "next": target})
    assert response.status_code == 302
    assert not response["Location"].startswith(("http", "//", "/\\", "javascript", "\\"))


# --- clickjacking ---------------------------------------------------------------------------


def test_no_page_may_be_framed(sig, login):
    http = login(sig.world.coordinator)
    for url in [reverse("core:start"), reverse("accounts:login"), *_case_pages(sig.case.code)]:
        response = http.get(url)
        if response.status_code != 200:
            continue
        assert response["X-Frame-Options"] == "DENY", url
        if response["Content-Type"].startswith("text/html"):
            assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url


# --- hostile uploads ------------------------------------------------------------------------


def _javascript(writer) -> None:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('x')"),
        }
    )


def _launch(writer) -> None:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("a")}
            )
        }
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("blankett.pdf", blank_pdf(_javascript), "innehåller skript"),
        ("blankett.pdf", blank_pdf(_launch), "innehåller skript"),
        ("blankett.pdf", blank_pdf(lambda w: w.add_attachment("a.exe", b"MZ")), "inbäddade filer"),
        ("blankett.pdf", blank_pdf(lambda w: w.encrypt("hemligt")), "lösenordsskyddad"),
        ("blankett.pdf", b"%PDF-1.7\n" + b"\x00" * 100, "går inte att läsa som PDF"),
        ("blankett.pdf", b"MZ\x90\x00 a Windows program", "måste vara en PDF, JPG eller PNG"),
        ("blankett.png", b"GIF89a pretending", "måste vara en PDF, JPG eller PNG"),
        ("blankett.html", b"<html><script>alert(1)</script>", "måste vara en PDF, JPG eller PNG"),
        ("blankett.pdf", blank_pdf() + b"0" * (10 * 1024 * 1024), "Filen är för stor"),
    ],
)
def test_a_hostile_consent_scan_is_refused_with_a_clear_message(
    sig, login, media, name, content, message
):
    data = record_data(sig, form="skriftligt", oral_note="")
    data["document"] = SimpleUploadedFile(name, content, "application/pdf")
    url = reverse("consent:create", kwargs={"code": sig.case.code})
    response = login(sig.world.coordinator).post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consent.objects.exists()
    assert not any(media.rglob("*.*"))  # nothing written to disk either


def test_a_hostile_file_name_is_stored_harmlessly(sig, login, media):
    data = record_data(sig, form="skriftligt", oral_note="")
    hostile_name = '../../"><script>alert(1)<\\script>.pdf'
    data["document"] = SimpleUploadedFile(hostile_name, blank_pdf(), "application/pdf")
    http = login(sig.world.coordinator)
    response = http.post(reverse("consent:create", kwargs={"code": sig.case.code}), data)
    assert response.status_code == 302
    stored = Consent.objects.get().document
    path = media.joinpath(stored.name).resolve()
    assert media.resolve() in path.parents  # not outside the media folder
    assert "<" not in stored.name and '"' not in stored.name
    page = http.get(reverse("consent:list", kwargs={"code": sig.case.code}))
    assert not _unsafe(page)


def _zip_bomb() -> bytes:
    """An .xlsx-looking archive of 64 kB that unpacks to 100 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w") as part:
            chunk = b"0" * (1024 * 1024)
            for _ in range(100):
                part.write(chunk)
    return buffer.getvalue()


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(world, login):
    bomb = _zip_bomb()
    assert len(bomb) < 1024 * 1024
    http = login(world.admin)
    url = reverse("imports:upload", kwargs={"kind": "aktualiseringar"})
    response = http.post(
        url, {"file": SimpleUploadedFile("bomb.xlsx", bomb), "owner": str(world.owner_org.code)}
    )
    assert response.status_code == 200
    assert "packas upp till mer än 50 MB" in response.content.decode()
    assert not Case.objects.exists()


def test_an_oversized_import_is_refused(world, login):
    http = login(world.admin)
    url = reverse("imports:upload", kwargs={"kind": "aktualiseringar"})
    big = b"personnummer;namn\n" + b"x" * (6 * 1024 * 1024)
    response = http.post(
        url, {"file": SimpleUploadedFile("stor.csv", big), "owner": str(world.owner_org.code)}
    )
    assert response.status_code == 200
    assert "för stor" in response.content.decode()


# --- session fixation -----------------------------------------------------------------------


def test_signing_in_gives_a_new_session_id(world, client):
    client.get(reverse("accounts:login"))
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted = session.session_key
    client.cookies["samsyn_session"] = planted
    client.post(reverse("accounts:login"), {"username": "samordnare", "password": PASSWORD})
    after_password = client.cookies["samsyn_session"].value
    assert after_password != planted
    client.post(reverse("accounts:verify"), {"token": current_code(world.coordinator)})
    assert client.get(reverse("core:start")).status_code == 200
    assert client.cookies["samsyn_session"].value != planted
    # The planted session is gone, not just left behind.
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=planted).exists()


def test_signing_in_to_the_portal_gives_a_new_session_id(sig, client):
    from tests.conftest import PORTAL_PASSWORD, make_portal_account

    account = make_portal_account(sig.case)
    client.get(reverse("portal:login"))
    session = client.session
    session.save()
    planted = session.session_key
    client.cookies["samsyn_session"] = planted
    response = client.post(
        reverse("portal:login"), {"username": account.username, "password": PORTAL_PASSWORD}
    )
    assert response.status_code == 302
    assert client.cookies["samsyn_session"].value != planted


# --- brute force on the second factor --------------------------------------------------------


def test_wrong_totp_codes_throttle_even_the_right_one(world, client):
    client.post(reverse("accounts:login"), {"username": "samordnare", "password": PASSWORD})
    good = current_code(world.coordinator)
    for _ in range(4):
        wrong = f"{(int(good) + 1) % 1000000:06d}"
        client.post(reverse("accounts:verify"), {"token": wrong})
    refused = client.post(reverse("accounts:verify"), {"token": current_code(world.coordinator)})
    assert refused.status_code == 200
    assert "För många felaktiga koder i rad" in refused.content.decode()
    assert client.get(reverse("core:start")).status_code == 302
    # The wait doubles with each wrong code (1, 2, 4, 8 s): after it, the right code works.
    with time_machine.travel(timezone.now() + timedelta(seconds=20), tick=False):
        done = client.post(reverse("accounts:verify"), {"token": current_code(world.coordinator)})
        assert done.status_code == 302


def test_a_million_guesses_would_take_years(world, client):
    """The throttle's wait doubles with each failure: 20 wrong codes cost over a week."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=world.coordinator)
    for _ in range(20):
        device.throttle_increment()
    allowed, details = device.verify_is_allowed()
    assert not allowed
    wait = details["locked_until"] - timezone.now()
    assert wait > timedelta(days=6)


# --- headers and cookies in production ----------------------------------------------------


def test_production_settings_send_hsts_a_strict_csp_and_secure_cookies():
    """The settings module as production loads it (not the test settings): `check --deploy`
    is clean (tests/test_operations.py) and these values are what it and the browser see."""
    import json
    import secrets

    from tests.test_operations import _manage

    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'hsts': s.SECURE_HSTS_SECONDS, 'sub': s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "'preload': s.SECURE_HSTS_PRELOAD, 'redirect': s.SECURE_SSL_REDIRECT, "
        "'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_HTTPONLY], "
        "'samesite': [s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE], "
        "'frame': s.X_FRAME_OPTIONS, 'referrer': s.SECURE_REFERRER_POLICY, "
        "'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES'], 'permissions': s.PERMISSIONS_POLICY}))"
    )
    result = _manage(
        "shell", "-c", script, SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="x.example"
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["hsts"] >= 31536000 and found["sub"] and found["preload"] and found["redirect"]
    assert all(found["cookies"]), found["cookies"]
    assert found["samesite"] == ["Lax", "Lax"]
    assert found["frame"] == "DENY" and found["referrer"] == "same-origin"
    csp = found["csp"]
    assert not any("unsafe" in value for values in csp.values() for value in values), csp
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in found["permissions"]
