"""Two people editing the same plan: the second save sees a conflict, never a silent overwrite.

Each plan form carries what its writer saw (`seen`, a fingerprint of the content the page
showed). A save over content that has changed since is refused with a message that says what
is there now; the writer's text stays in the form, and the form now carries the new
fingerprint, so saving again deliberately replaces it (decision D53).
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samsyn.plans import services as plans
from samsyn.plans.models import ActionPlan, PlanVersion, SubGoal
from tests.conftest import staff_client


def _field(html: str, form_action: str, name: str) -> str:
    """The value of input or textarea `name` inside the form posting to `form_action`."""
    start = html.index(f'action="{form_action}"')
    form = html[start : html.index("</form>", start)]
    textarea = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', form, re.S)
    if textarea:
        return unescape(textarea.group(1)).strip()
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', form)
    assert tag, f"{name} not in the form posting to {form_action}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


def _page(http: Client, code) -> str:
    response = http.get(reverse("plans:plan", kwargs={"code": code}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def two(sig):
    """The coordinator and the case officer (both run the case), each in a browser."""
    w = sig.world
    plans.plan_save(actor=w.coordinator, case=sig.case, long_term_goal="Att gå i skolan.")
    plans.subgoal_save(actor=w.coordinator, case=sig.case, domain="skola", goal="Gå varje dag.")
    return staff_client(w.coordinator), staff_client(w.case_officer)


def test_a_stale_long_term_goal_is_refused_and_the_text_kept(sig, two):
    anna, bo = two
    code = sig.case.code
    action = reverse("plans:plan_save", kwargs={"code": code})
    seen_by_bo = _field(_page(bo, code), action, "seen")
    seen_by_anna = _field(_page(anna, code), action, "seen")
    assert seen_by_bo == seen_by_anna != ""

    saved = anna.post(action, {"long_term_goal": "Annas mål.", "seen": seen_by_anna})
    assert saved.status_code == 302

    refused = bo.post(action, {"long_term_goal": "Bos mål.", "seen": seen_by_bo})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Någon annan har ändrat det långsiktiga målet" in html
    assert "Annas mål." in html  # what is there now is shown
    assert _field(html, action, "long_term_goal") == "Bos mål."  # Bo's text is kept
    assert ActionPlan.objects.get(case=sig.case).long_term_goal == "Annas mål."

    # Saving again, having seen the conflict, replaces Anna's text deliberately.
    again = bo.post(action, {"long_term_goal": "Bos mål.", "seen": _field(html, action, "seen")})
    assert again.status_code == 302
    assert ActionPlan.objects.get(case=sig.case).long_term_goal == "Bos mål."


def test_a_plan_written_by_someone_else_first_is_a_conflict(sig):
    w = sig.world
    anna, bo = staff_client(w.coordinator), staff_client(w.case_officer)
    code = sig.case.code
    action = reverse("plans:plan_save", kwargs={"code": code})
    seen_by_bo = _field(_page(bo, code), action, "seen")  # no plan yet
    anna.post(
        action, {"long_term_goal": "Annas mål.", "seen": _field(_page(anna, code), action, "seen")}
    )
    refused = bo.post(action, {"long_term_goal": "Bos mål.", "seen": seen_by_bo})
    assert refused.status_code == 200
    assert ActionPlan.objects.get(case=sig.case).long_term_goal == "Annas mål."


def test_a_stale_sub_goal_is_refused_and_the_edit_kept(sig, two):
    anna, bo = two
    code = sig.case.code
    subgoal = SubGoal.objects.get(case=sig.case)
    action = reverse("plans:subgoal_edit", kwargs={"code": code})

    def post(http, seen, goal, status="pagar"):
        data = {"subgoal": str(subgoal.code), "domain": "skola", "goal": goal}
        return http.post(action, data | {"youth_words": "", "status": status, "seen": seen})

    seen_by_bo = _field(_page(bo, code), action, "seen")
    assert (
        post(anna, _field(_page(anna, code), action, "seen"), "Gå varje dag, i tid.").status_code
        == 302
    )

    refused = post(bo, seen_by_bo, "Gå fyra dagar i veckan.", status="uppnatt")
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Någon annan har ändrat delmålet" in html
    assert "Gå varje dag, i tid." in html
    assert _field(html, action, "goal") == "Gå fyra dagar i veckan."
    subgoal.refresh_from_db()
    assert (subgoal.goal, subgoal.status) == ("Gå varje dag, i tid.", "pagar")

    assert post(bo, _field(html, action, "seen"), "Gå fyra dagar i veckan.").status_code == 302
    subgoal.refresh_from_db()
    assert subgoal.goal == "Gå fyra dagar i veckan."


def test_agreeing_a_plan_that_changed_since_the_page_was_read_is_refused(sig, two):
    anna, _bo = two
    w = sig.world
    code = sig.case.code
    action = reverse("plans:agree", kwargs={"code": code})
    seen = _field(_page(anna, code), action, "seen")
    plans.subgoal_save(actor=w.case_officer, case=sig.case, domain="fritid", goal="Börja träna.")

    today = timezone.localdate().isoformat()
    refused = anna.post(action, {"agreed_on": today, "seen": seen})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Planen har ändrats sedan du öppnade sidan" in html
    assert not PlanVersion.objects.exists()

    agreed = anna.post(action, {"agreed_on": today, "seen": _field(html, action, "seen")})
    assert agreed.status_code == 302
    version = PlanVersion.objects.get()
    assert [s["goal"] for s in version.snapshot["subgoals"]] == ["Gå varje dag.", "Börja träna."]


def test_the_fingerprint_does_not_depend_on_the_language(sig, two):
    anna, _bo = two
    action = reverse("plans:agree", kwargs={"code": sig.case.code})
    swedish = _field(_page(anna, sig.case.code), action, "seen")
    anna.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = _field(_page(anna, sig.case.code), action, "seen")
    assert swedish == english


def test_an_unchanged_plan_saves_without_conflict(sig, two):
    anna, _bo = two
    code = sig.case.code
    action = reverse("plans:plan_save", kwargs={"code": code})
    seen = _field(_page(anna, code), action, "seen")
    assert anna.post(action, {"long_term_goal": "Ett.", "seen": seen}).status_code == 302
    # The page after the save carries the new fingerprint, so the next save goes through too.
    seen = _field(_page(anna, code), action, "seen")
    assert anna.post(action, {"long_term_goal": "Två.", "seen": seen}).status_code == 302
    assert ActionPlan.objects.get(case=sig.case).long_term_goal == "Två."
