"""Two coordinators edit the same long-term goal in two browsers (issue 11, D53): the second
save shows a conflict with the other's text, keeps the writer's own, and saving again wins."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from e2e.conftest import assert_accessible, new_context, screenshot
from e2e.journeys import sign_in, social_services
from tests.conftest import inform, make_person


@pytest.fixture
def shared_plan(transactional_db: Any) -> tuple[Any, Any, Any]:
    from samsyn.cases import services as cases
    from samsyn.organisations.models import Role
    from samsyn.plans import services as plans

    owner = social_services()
    district = owner.district
    anna = make_person("anna", owner, Role.COORDINATOR)
    bo = make_person("bo", owner, Role.CASE_OFFICER)
    case = cases.case_create(
        reason="Skolfrånvaro.",
        actor=anna,
        first_name="Alex",
        last_name="Exempelsson",
        personnummer="20100521-0016",
        sex="pojke",
        district=district,
    )
    cases.member_add(actor=anna, case=case, person=bo)
    inform(case, anna)
    plans.plan_save(actor=anna, case=case, long_term_goal="Att gå i skolan varje dag.")
    return anna, bo, case


def _edit_goal(page: Any, text: str) -> None:
    summary = page.get_by_text("Ändra det långsiktiga målet")
    if not page.get_by_role("textbox", name="Långsiktigt mål").is_visible():
        summary.click()
    page.get_by_role("textbox", name="Långsiktigt mål").fill(text)
    page.get_by_role("button", name="Spara målet").click()


def test_the_second_save_sees_a_conflict_and_keeps_its_text(
    browser: Any, live_server: Any, shared_plan: tuple[Any, Any, Any]
) -> None:
    anna, bo, case = shared_plan
    url = live_server.url + reverse("plans:plan", kwargs={"code": case.code})
    pages = []
    for person in (anna, bo):
        context = new_context(browser, bypass_csp=True)
        page = context.new_page()
        sign_in(page, live_server.url, person)
        page.goto(url)
        pages.append(page)
    anna_page, bo_page = pages

    _edit_goal(anna_page, "Att gå i skolan och börja träna.")
    expect(anna_page.get_by_text("Det långsiktiga målet är sparat.")).to_be_visible()

    _edit_goal(bo_page, "Att klara matematiken.")
    alert = bo_page.locator("#id_long_term_goal_error")
    expect(alert).to_contain_text("Någon annan har ändrat det långsiktiga målet")
    expect(bo_page.get_by_text("Att gå i skolan och börja träna.").first).to_be_visible()
    expect(bo_page.get_by_role("textbox", name="Långsiktigt mål")).to_have_value(
        "Att klara matematiken."
    )
    assert_accessible(bo_page)
    screenshot(bo_page, "plan-conflict")

    bo_page.get_by_role("button", name="Spara målet").click()
    expect(bo_page.get_by_text("Det långsiktiga målet är sparat.")).to_be_visible()
    from samsyn.plans.models import ActionPlan

    assert ActionPlan.objects.get(case=case).long_term_goal == "Att klara matematiken."
    for page in pages:
        page.context.close()
