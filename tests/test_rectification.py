"""Rectification (rättelse) and restriction (begränsning), issue 9: a correction keeps the
previous wording for those who may see the item, and never shows it to anyone else or in the
portal; a restricted item is hidden from everyone outside its owner organisation (pages, API,
portal) until lifted; both are audited; the pages keep their fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import JournalNote
from samsyn.consent import policy
from samsyn.consent.models import DataCategory
from samsyn.plans.models import SubGoal
from samsyn.rectification import services
from samsyn.rectification.models import Correction, Restriction
from tests import test_portal_content as portal_content
from tests.conftest import give_consent, staff_client

pytestmark = pytest.mark.django_db

OLD = "Alex var borta från skolan hela vecka 12."
NEW = "Alex var borta från skolan måndag och tisdag vecka 12."
SECRET = "Uppgift som ska begränsas: hemmasituationen."


def cat(slug: str) -> DataCategory:
    return DataCategory.objects.get(slug=slug)


give = give_consent


def note(sig, slug: str = "skola", text: str = OLD, title: str = "Frånvaro") -> JournalNote:
    return cases.note_create(
        actor=sig.world.coordinator, case=sig.case, category=cat(slug), title=title, text=text
    )


def item_url(sig, item, name: str = "item", kind: str = "anteckning") -> str:
    return reverse(
        f"rectification:{name}",
        kwargs={"code": sig.case.code, "kind": kind, "item_code": item.code},
    )


def case_url(sig) -> str:
    return reverse("cases:detail", kwargs={"code": sig.case.code})


def correct(sig, item, reason: str = "Fel antal dagar.", **values: str):
    return services.item_correct(
        actor=sig.world.coordinator, case=sig.case, item=item, values=values, reason=reason
    )


# --- rectification --------------------------------------------------------------------------


def test_a_correction_keeps_the_previous_wording_and_is_audited(sig):
    item = note(sig)
    corrections = correct(sig, item, text=NEW)
    item.refresh_from_db()
    assert item.text == NEW
    assert [(c.field, c.previous_value, c.new_value) for c in corrections] == [("text", OLD, NEW)]
    record = AuditRecord.objects.get(action=Action.UPDATE, basis="rättelse")
    assert record.object_code == str(item.code) and record.case_code == sig.case.code
    assert record.detail == {"fields": ["text"]}
    assert OLD not in str(record.detail) and NEW not in str(record.detail)


def test_the_history_is_shown_to_the_owner_and_to_a_consented_recipient_only(sig):
    w = sig.world
    give(sig, "skola")
    item = note(sig)
    health = note(sig, "halsa", text="Hälsa: gammal lydelse.", title="Hälsa")
    correct(sig, item, text=NEW)
    correct(sig, health, text="Hälsa: ny lydelse.")
    owner = staff_client(w.coordinator)
    body = owner.get(item_url(sig, item)).content.decode()
    assert OLD in body and NEW in body and "Fel antal dagar." in body
    assert "Rätta" in body and "Begränsa" in body
    police = staff_client(w.police)
    response = police.get(item_url(sig, item))
    assert response.status_code == 200
    body = response.content.decode()
    assert OLD in body and "Fel antal dagar." in body
    assert item_url(sig, item, "correct") not in body  # only the owner corrects
    page = police.get(case_url(sig)).content.decode()
    assert "Rättad" in page and NEW in page and OLD not in page
    # No consent to health data: neither the note nor its history.
    assert police.get(item_url(sig, health)).status_code == 404
    assert "Hälsa: gammal lydelse." not in page
    outsider = staff_client(w.outsider)
    assert outsider.get(item_url(sig, item)).status_code == 404


def test_only_the_owner_organisation_corrects_and_nothing_half_written(sig):
    w = sig.world
    give(sig, "skola")
    item = note(sig)
    with pytest.raises(PermissionDenied):
        services.item_correct(
            actor=w.police, case=sig.case, item=item, values={"text": NEW}, reason="x"
        )
    with pytest.raises(ValidationError) as empty_reason:
        correct(sig, item, reason="  ", text=NEW)
    assert "Skriv varför." in str(empty_reason.value)
    with pytest.raises(ValidationError) as unchanged:
        correct(sig, item, text=OLD)
    assert "Ingenting är ändrat" in str(unchanged.value)
    with pytest.raises(ValidationError):
        correct(sig, item, title="", text=NEW)  # a note keeps its title
    with pytest.raises(ValidationError):
        correct(sig, item, created_by="x")  # not a correctable field
    item.refresh_from_db()
    assert item.text == OLD and item.title == "Frånvaro"
    assert not Correction.objects.exists()
    assert not AuditRecord.objects.filter(basis="rättelse").exists()
    police = staff_client(w.police)
    assert police.get(item_url(sig, item, "correct")).status_code == 404
    url = item_url(sig, item, "correct")
    assert police.post(url, {"title": "Kapad", "text": "Kapad", "reason": "x"}).status_code == 404
    item.refresh_from_db()
    assert item.text == OLD


def test_the_owner_corrects_with_the_form(sig):
    item = note(sig)
    http = staff_client(sig.world.coordinator)
    url = item_url(sig, item, "correct")
    form = http.get(url).content.decode()
    assert OLD in form and 'name="csrfmiddlewaretoken"' in form
    refused = http.post(url, {"title": "Frånvaro", "text": NEW, "reason": ""})
    assert refused.status_code == 200 and "Skriv varför." in refused.content.decode()
    assert not Correction.objects.exists()
    done = http.post(url, {"title": "Frånvaro", "text": NEW, "reason": "Fel antal dagar."})
    assert done.status_code == 302 and done["Location"] == item_url(sig, item)
    item.refresh_from_db()
    assert item.text == NEW
    assert Correction.objects.get().previous_value == OLD


def test_referral_subgoal_activity_and_minutes_can_be_corrected(sig):
    from samsyn.cases.models import Referral
    from samsyn.plans import services as plans

    w = sig.world
    referral = Referral.objects.get(case=sig.case)
    services.item_correct(
        actor=w.coordinator,
        case=sig.case,
        item=referral,
        values={"reason": "Rättat skäl."},
        reason="Felskrivning.",
    )
    plans.plan_save(actor=w.coordinator, case=sig.case, long_term_goal="Klara nian.")
    goal = plans.subgoal_save(actor=w.coordinator, case=sig.case, domain="skola", goal="Gammalt")
    services.item_correct(
        actor=w.coordinator, case=sig.case, item=goal, values={"goal": "Nytt"}, reason="Fel."
    )
    http = staff_client(w.coordinator)
    for kind, item in (("aktualisering", referral), ("delmal", goal)):
        body = http.get(item_url(sig, item, kind=kind)).content.decode()
        assert "Rättad" in body, kind
    assert (
        "Rättat skäl."
        in http.get(reverse("cases:lifecycle", kwargs={"code": sig.case.code})).content.decode()
    )
    plan = http.get(reverse("plans:plan", kwargs={"code": sig.case.code})).content.decode()
    assert item_url(sig, goal, kind="delmal") in plan and "Rättad" in plan
    assert http.get(item_url(sig, goal, kind="okand")).status_code == 404
    assert http.get(item_url(sig, goal, kind="anteckning")).status_code == 404  # wrong kind


# --- restriction ----------------------------------------------------------------------------


def test_a_restricted_note_is_hidden_from_a_consented_recipient_and_lifting_restores(sig):
    w = sig.world
    give(sig, "skola")
    item = note(sig, text=SECRET, title="Hemma")
    owner, police = staff_client(w.coordinator), staff_client(w.police)
    assert SECRET in police.get(case_url(sig)).content.decode()

    confirm = owner.get(item_url(sig, item, "restrict"))
    assert confirm.status_code == 200 and 'name="reason"' in confirm.content.decode()
    assert owner.post(item_url(sig, item, "restrict"), {"reason": ""}).status_code == 200
    assert not Restriction.objects.exists()
    done = owner.post(item_url(sig, item, "restrict"), {"reason": "Uppgiften är bestridd."})
    assert done.status_code == 302

    page = police.get(case_url(sig)).content.decode()
    assert SECRET not in page and "Hemma" not in page
    assert police.get(item_url(sig, item)).status_code == 404
    refused = AuditRecord.objects.filter(
        actor_code=w.police.code, object_code=str(item.code), action=Action.REFUSED
    )
    assert refused.filter(basis=policy.Basis.RESTRICTED).exists()
    mine = owner.get(case_url(sig)).content.decode()
    assert SECRET in mine and "Begränsad" in mine and "Häv begränsning" in mine
    assert AuditRecord.objects.filter(basis="begränsning", object_code=str(item.code)).exists()

    assert owner.post(item_url(sig, item, "lift"), {"reason": ""}).status_code == 200
    assert owner.post(item_url(sig, item, "lift"), {"reason": "Utrett."}).status_code == 302
    assert SECRET in police.get(case_url(sig)).content.decode()
    assert owner.get(item_url(sig, item, "lift")).status_code == 404  # nothing left to lift
    restriction = Restriction.objects.get()
    assert restriction.lifted_by == w.coordinator and restriction.lift_reason == "Utrett."
    assert AuditRecord.objects.filter(basis="begränsning hävd").exists()


def test_the_policy_refuses_a_restricted_item_to_everyone_but_its_owner(sig):
    w = sig.world
    give(sig, "skola")
    item = note(sig)
    services.item_restrict(actor=w.case_officer, case=sig.case, item=item, reason="Bestridd.")
    police = policy.case_access(viewer=w.police, case=sig.case).decide_item(item)
    assert not police.allowed and police.basis == policy.Basis.RESTRICTED
    assert "begränsad" in police.explain()
    owner = policy.case_access(viewer=w.coordinator, case=sig.case).decide_item(item)
    assert owner.allowed and owner.basis == policy.Basis.OWN_ORGANISATION
    assert item.rectification_marks.restricted and item.rectification_marks.owned
    with pytest.raises(ValidationError):
        services.item_restrict(actor=w.coordinator, case=sig.case, item=item, reason="Igen.")
    with pytest.raises(PermissionDenied):
        services.item_restriction_lift(actor=w.police, case=sig.case, item=item, reason="x")
    with pytest.raises(PermissionDenied):
        services.item_restrict(actor=w.outsider, case=sig.case, item=note(sig), reason="x")


def test_the_restrictions_of_many_cases_load_in_one_query(sig):
    w = sig.world
    item = note(sig)
    with CaptureQueriesContext(connection) as before:
        policy.case_accesses(viewer=w.police, cases=[sig.case])
    services.item_restrict(actor=w.coordinator, case=sig.case, item=item, reason="Bestridd.")
    correct(sig, note(sig, title="Annan"), text=NEW)
    with CaptureQueriesContext(connection) as after:
        accesses = policy.case_accesses(viewer=w.police, cases=[sig.case])
    assert len(after.captured_queries) == len(before.captured_queries)
    assert accesses[sig.case.pk].is_restricted(item)


def test_a_restricted_meeting_is_not_shown_to_others_even_de_identified(sig):
    from tests.test_meetings import activate, held, plan_meeting

    w = sig.world
    activate(sig.case)
    meeting = held(sig, plan_meeting(sig))
    detail = reverse(
        "meetings:detail", kwargs={"code": sig.case.code, "meeting_code": meeting.code}
    )
    listing = reverse("meetings:list", kwargs={"code": sig.case.code})
    police = staff_client(w.police)
    assert detail in police.get(listing).content.decode()  # de-identified, without consent
    services.item_restrict(actor=w.coordinator, case=sig.case, item=meeting, reason="Bestridd.")
    assert detail not in police.get(listing).content.decode()
    assert police.get(detail).status_code == 404
    ics = reverse("meetings:ics", kwargs={"code": sig.case.code, "meeting_code": meeting.code})
    assert police.get(ics).status_code == 404
    owner = staff_client(w.coordinator)
    assert owner.get(detail).status_code == 200
    assert "Begränsad" in owner.get(detail).content.decode()


def test_the_portal_shows_neither_restricted_items_nor_previous_wording(sig):
    from samsyn.plans.models import Activity

    p = portal_content.Portal(sig)
    w = sig.world
    youth = portal_content.portal_client(p.youth)
    plan_url, meetings_url = reverse("portal:plan"), reverse("portal:meetings")
    meeting_url = reverse("portal:meeting", kwargs={"meeting_code": p.held.code})
    assert portal_content.YOUTH_WORDS in youth.get(plan_url).content.decode()
    assert youth.get(meeting_url).status_code == 200

    # A correction: the portal shows only the new wording.
    services.item_correct(
        actor=w.coordinator,
        case=sig.case,
        item=p.subgoal,
        values={"youth_words": "Gå till skolan fyra dagar i veckan."},
        reason="Ungdomen sa fyra dagar.",
    )
    body = youth.get(plan_url).content.decode()
    assert "Gå till skolan fyra dagar i veckan." in body
    assert portal_content.YOUTH_WORDS not in body and "Ungdomen sa fyra dagar." not in body

    # Restrictions: the sub-goal (and its activities), an activity, the meeting.
    services.item_restrict(actor=w.coordinator, case=sig.case, item=p.subgoal, reason="Bestridd.")
    decided = Activity.objects.get(description=portal_content.DECIDED)
    services.item_restrict(actor=w.coordinator, case=sig.case, item=decided, reason="Bestridd.")
    services.item_restrict(actor=w.coordinator, case=sig.case, item=p.held, reason="Bestridd.")
    body = youth.get(plan_url).content.decode()
    assert "fyra dagar" not in body and portal_content.ACTIVITY not in body
    assert portal_content.DECIDED not in body
    assert str(p.held.code) not in youth.get(meetings_url).content.decode()
    assert youth.get(meeting_url).status_code == 404

    for item in (p.subgoal, decided, p.held):
        services.item_restriction_lift(actor=w.coordinator, case=sig.case, item=item, reason="Ok.")
    assert "fyra dagar" in youth.get(plan_url).content.decode()
    assert youth.get(meeting_url).status_code == 200


def test_a_restricted_item_is_absent_from_the_api(sig):
    """The API reads through the same selectors: a consented recipient's token gets neither a
    restricted note nor a restricted meeting; the owner's token gets both."""
    from samsyn.api import services as api_services
    from tests.test_meetings import activate, held, plan_meeting

    w = sig.world
    give(sig, "skola", "plan")
    item = note(sig, text=SECRET)
    activate(sig.case)
    meeting = held(sig, plan_meeting(sig))
    case_path = f"/api/v1/arenden/{sig.case.code}/"
    meeting_path = f"/api/v1/moten/{meeting.code}/"

    def get(person, path: str):
        _token, raw = api_services.token_create(actor=person, name="t", scope="read", days=30)
        return staff_client(person).get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert SECRET in get(w.police, case_path).content.decode()
    assert get(w.police, meeting_path).status_code == 200
    services.item_restrict(actor=w.coordinator, case=sig.case, item=item, reason="Bestridd.")
    services.item_restrict(actor=w.coordinator, case=sig.case, item=meeting, reason="Bestridd.")
    police = get(w.police, case_path)
    assert police.status_code == 200 and SECRET not in police.content.decode()
    assert get(w.police, meeting_path).status_code == 404
    assert SECRET in get(w.coordinator, case_path).content.decode()
    assert get(w.coordinator, meeting_path).status_code == 200
    outsider = get(w.outsider, case_path)
    assert outsider.status_code == 404 and SECRET not in outsider.content.decode()


# --- access and cost ------------------------------------------------------------------------


def test_outsiders_get_404_and_change_nothing(sig):
    w = sig.world
    item = note(sig)
    services.item_restrict(actor=w.coordinator, case=sig.case, item=item, reason="Bestridd.")
    outsider = staff_client(w.outsider)
    before = (Correction.objects.count(), Restriction.objects.filter(lifted_at=None).count())
    for name in ("item", "correct", "restrict", "lift"):
        url = item_url(sig, item, name)
        assert outsider.get(url).status_code == 404, name
        assert outsider.post(url, {"text": "Kapad", "reason": "x"}).status_code == 404, name
    assert (
        Correction.objects.count(),
        Restriction.objects.filter(lifted_at=None).count(),
    ) == before
    item.refresh_from_db()
    assert item.text == OLD


def test_the_case_page_costs_the_same_queries_with_restrictions_and_corrections(sig):
    w = sig.world
    give(sig, "skola")
    notes = [note(sig, title=f"Anteckning {i}") for i in range(6)]
    for viewer in (w.coordinator, w.police):
        http = staff_client(viewer)
        http.get(case_url(sig))
        with CaptureQueriesContext(connection) as plain:
            assert http.get(case_url(sig)).status_code == 200
        for i, item in enumerate(notes):
            if i % 2:
                correct(sig, item, text=f"Rättad {i} {viewer.pk}")
            elif not Restriction.objects.filter(object_code=item.code, lifted_at=None).exists():
                services.item_restrict(actor=w.coordinator, case=sig.case, item=item, reason="x")
        with CaptureQueriesContext(connection) as marked:
            assert http.get(case_url(sig)).status_code == 200
        assert len(marked.captured_queries) == len(plain.captured_queries), viewer


def test_subgoals_restricted_on_the_staff_plan_page(sig):
    from samsyn.plans import services as plans

    w = sig.world
    give(sig, "plan")
    plans.plan_save(actor=w.coordinator, case=sig.case, long_term_goal="Klara nian.")
    goal = plans.subgoal_save(
        actor=w.coordinator, case=sig.case, domain="skola", goal="Närvaro varje dag"
    )
    plans.plan_agree(actor=w.coordinator, case=sig.case, agreed_on=timezone.localdate())
    url = reverse("plans:plan", kwargs={"code": sig.case.code})
    police = staff_client(w.police)
    assert "Närvaro varje dag" in police.get(url).content.decode()
    services.item_restrict(actor=w.coordinator, case=sig.case, item=goal, reason="Bestridd.")
    plans.plan_agree(actor=w.coordinator, case=sig.case, agreed_on=timezone.localdate())
    # Neither the goal nor the agreed versions' changes name it to the recipient (the versions
    # are worked out from snapshots narrowed to what the viewer may see).
    page = police.get(url)
    assert "Närvaro varje dag" not in page.content.decode()
    assert [shown.changes for shown in page.context["page"].versions] == [
        ["Inga ändringar sedan förra versionen."],
        ["Första versionen av planen."],
    ]
    owner_page = staff_client(w.coordinator).get(url)
    assert "Närvaro varje dag" in owner_page.content.decode()
    assert owner_page.context["page"].versions[1].version.snapshot["subgoals"][0]["goal"] == (
        "Närvaro varje dag"
    )
    assert SubGoal.objects.get(pk=goal.pk).goal == "Närvaro varje dag"  # nothing erased
    assert timezone.now() - Restriction.objects.get().restricted_at < timedelta(minutes=1)
