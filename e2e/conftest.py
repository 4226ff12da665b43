"""Browser journeys: Debian's Chromium driven by Playwright, axe-core from e2e/node_modules.

Nothing is downloaded here. `make browser` installs both; when either is missing the journeys
FAIL with a message saying how to install it (they never skip, so a green run means they ran).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import restore_reference_data

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM
# calls from the test (make_person, current_code) as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = E2E_DIR / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def _require_tools() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(
            f"{CHROMIUM} (install it with `make browser`, i.e. apt-get install chromium)"
        )
    if not AXE_JS.exists():
        missing.append(f"{AXE_JS} (install it with `make browser`, i.e. `cd e2e && npm ci`)")
    if missing:
        pytest.fail(
            "The browser journeys need: " + "; ".join(missing) + ". "
            'Run `pytest -m "not e2e"` (make test-fast) to leave them out on purpose.',
            pytrace=False,
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session; every journey gets its own context."""
    _require_tools()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def new_context(browser: Any, **options: Any) -> Any:
    context = browser.new_context(locale="sv-SE", viewport=DESKTOP, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def context(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh context (own cookies, sv-SE) in which axe can be injected.

    The app sends `script-src 'self'`, so `page.add_script_tag(path=...)`, which inlines the
    file as a <script> element, is refused by the browser (checked: "Refused to execute inline
    script because it violates ... Content Security Policy"). These contexts therefore run with
    `bypass_csp=True`. The policy itself is tested in a context without the bypass: see the
    `strict_page` fixture and test_login_journey.py::test_the_login_page_sends_a_strict_csp.
    """
    ctx = new_context(browser, bypass_csp=True)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture
def strict_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A page that enforces the app's Content-Security-Policy exactly as a user's browser would."""
    ctx = new_context(browser)
    yield ctx.new_page()
    ctx.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate("async () => (await axe.run()).violations")


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v.get('impact')}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", []):
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page: Any) -> None:
    """Fail on axe violations of impact serious or critical, listing where they are."""
    violations = axe_violations(page)
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe-core found {len(blocking)} serious/critical accessibility violation(s) on "
        f"{page.url}:\n{format_violations(blocking)}"
    )


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(autouse=True)
def _reference_data(request: Any) -> None:
    """Transactional tests flush the database between tests, and with it the reference data
    that migrations load (data categories, instruments): put it back for every journey."""
    if "live_server" not in request.fixturenames and "transactional_db" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    restore_reference_data()
