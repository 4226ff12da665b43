"""XSS in a real browser that enforces the app's Content-Security-Policy (issue 11).

A case is full of hostile text (the youth's name, the reason, a note): the pages show it as
text, nothing runs, and a script injected into the page afterwards (as an XSS hole in a
template would) is refused by the browser because the policy has no 'unsafe-inline'.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from e2e.journeys import sign_in, social_services
from tests.conftest import make_person
from tests.test_attacks import make_hostile_case

pytestmark = pytest.mark.security


@pytest.fixture
def hostile_case(transactional_db: Any) -> tuple[Any, Any]:
    from samsyn.organisations.models import Role

    owner = social_services()
    coordinator = make_person("samordnare", owner, Role.COORDINATOR)
    case = make_hostile_case(coordinator, owner.district)
    return coordinator, case


def _watch(page: Any) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"dialogs": [], "csp": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on(
        "console",
        lambda m: seen["csp"].append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


def test_hostile_text_never_runs_and_the_csp_blocks_inline_script(
    strict_page: Any, live_server: Any, hostile_case: tuple[Any, Any]
) -> None:
    coordinator, case = hostile_case
    page = strict_page
    seen = _watch(page)
    sign_in(page, live_server.url, coordinator)

    for name in ("cases:detail", "cases:list"):
        kwargs = {"code": case.code} if name == "cases:detail" else {}
        page.goto(live_server.url + reverse(name, kwargs=kwargs))
        # The payload is on the page as text, and it did not run.
        assert "<script>window.__xss=1</script>" in page.inner_text("main")
        assert page.evaluate("() => window.__xss") is None
        assert page.locator("main img[src='x']").count() == 0
    assert seen["dialogs"] == []

    # Now inject inline script as a hole in a template would: the browser refuses it.
    violations = page.evaluate(
        """() => new Promise(resolve => {
            const found = [];
            document.addEventListener('securitypolicyviolation',
                e => found.push(e.violatedDirective));
            const script = document.createElement('script');
            script.textContent = 'window.__inline = 1';
            document.body.appendChild(script);
            const div = document.createElement('div');
            div.innerHTML = '<img src="data:," onerror="window.__handler = 1">';
            document.body.appendChild(div);
            setTimeout(() => resolve(found), 300);
        })"""
    )
    assert page.evaluate("() => window.__inline") is None
    assert page.evaluate("() => window.__handler") is None
    assert any(v.startswith("script-src") for v in violations), violations
    assert seen["csp"], "the browser reported no CSP violation"
    # The app's own scripts (htmx, from 'self') still run under the same policy.
    assert page.evaluate("() => typeof window.htmx") == "object"
