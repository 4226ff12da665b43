"""A consent revoked while a page is being made never leaks after the revocation time.

A page decides its items with the consents it loaded first; a revocation committed after that
but before the decisions are written to the audit log would otherwise show data (and log a
read "under consent X") after X was revoked. `CaseAccess.record()` writes the log and checks,
in one transaction, that every consent relied on is still live: if not, nothing is logged and
the page is made again (GET) or refused with a message (other methods). Decision D54.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from samsyn.audit.models import AuditRecord
from samsyn.consent import policy
from samsyn.consent import services as consents
from tests.conftest import give_consent

pytestmark = pytest.mark.security


@pytest.fixture
def revoke_midway(monkeypatch):
    """Revoke `consent` right after the page has loaded its consents (once)."""

    def arm(consent, actor):
        original = policy._item_marks
        fired = []

        def marks_then_revoke(case_ids):
            result = original(case_ids)
            if not fired:
                fired.append(True)
                consents.consent_revoke(
                    actor=actor, consent=consent, revoked_by="Ungdomen", how="I telefon"
                )
            return result

        monkeypatch.setattr(policy, "_item_marks", marks_then_revoke)
        return fired

    return arm


def _reads_under(consent) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(basis=f"consent:{consent.code}"))


def test_a_revocation_during_the_page_shows_and_logs_nothing_under_it(sig, login, revoke_midway):
    w = sig.world
    consent = give_consent(sig, "identitet")
    police = login(w.police)
    url = reverse("cases:detail", kwargs={"code": sig.case.code})
    assert "Alex Exempelsson" in police.get(url).content.decode()  # the consent works
    before = len(_reads_under(consent))

    fired = revoke_midway(consent, w.coordinator)
    response = police.get(url)
    assert fired
    # The page is made again rather than shown with what the consent no longer allows.
    assert response.status_code == 302
    assert response["Location"] == url
    assert len(_reads_under(consent)) == before  # no read logged under the revoked consent

    again = police.get(url)
    assert again.status_code == 200
    assert "Alex Exempelsson" not in again.content.decode()
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    late = [r for r in _reads_under(consent) if r.at >= consent.revoked_at]
    assert late == []


def test_a_post_whose_page_raced_a_revocation_is_refused_in_swedish(sig, login, revoke_midway):
    """A form that fails and shows its page again must not show it either; it says why."""
    w = sig.world
    consent = give_consent(sig, "identitet", "plan")
    police = login(w.police)
    revoke_midway(consent, w.coordinator)
    # An activity without a description fails and shows the plan page again.
    response = police.post(
        reverse("plans:activity_create", kwargs={"code": sig.case.code}),
        {"description": "", "responsible_organisation": str(w.recipient_org.code)},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "återkallades medan sidan hämtades" in body
    assert "Alex Exempelsson" not in body
    assert _reads_under(consent) == []


def test_pages_that_rely_on_no_consent_are_not_affected(sig, login, revoke_midway):
    """The coordinator sees the case as its owner: a revocation does not interrupt that page."""
    w = sig.world
    consent = give_consent(sig, "identitet")
    revoke_midway(consent, w.coordinator)
    response = login(w.coordinator).get(reverse("cases:detail", kwargs={"code": sig.case.code}))
    assert response.status_code == 200
    assert "Alex Exempelsson" in response.content.decode()


def test_the_api_answers_503_and_logs_nothing_under_the_revoked_consent(sig, client, revoke_midway):
    from samsyn.api import services as api

    w = sig.world
    consent = give_consent(sig, "identitet")
    _token, raw = api.token_create(actor=w.police, name="Polisens system", scope="read", days=30)
    revoke_midway(consent, w.coordinator)
    url = reverse("api:case_detail", kwargs={"code": sig.case.code})
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 503
    assert response["Retry-After"] == "0"
    assert "Exempelsson" not in response.content.decode()
    assert _reads_under(consent) == []
    again = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert again.status_code == 200
    assert "Exempelsson" not in again.content.decode()
