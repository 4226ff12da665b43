"""Say what you think: feedback routed outside the youth's group, anonymous feedback without a
link to its sender, the evaluation at closure, and the suppressed evaluation report."""

from __future__ import annotations

from datetime import date, time
from fractions import Fraction
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samsyn.audit.models import AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import Case, GroupFunction, Representation
from samsyn.lib import suppression
from samsyn.organisations.models import District, LocalPolicy, Role
from samsyn.portal import voice_services
from samsyn.portal.models import Evaluation, EvaluationReceipt, Feedback, FeedbackStatus
from tests.conftest import make_person, make_portal_account, staff_client

FEEDBACK_URL = reverse("portal:feedback")
EVALUATION_URL = reverse("portal:evaluation")
INBOX_URL = reverse("feedback:inbox")
REPORT_URL = reverse("evaluations:report")
NO_RECIPIENT = "inte har utsett någon mottagare"


def portal_client(account: Any) -> Client:
    """A separate browser signed in to the portal (staff use the `login` fixture's client)."""
    import time as clock

    from samsyn.portal import auth

    client = Client()
    session = client.session
    session[auth.ACCOUNT_KEY] = account.pk
    session[auth.GENERATION_KEY] = str(account.session_generation)
    session[auth.SEEN_KEY] = clock.time()
    session[auth.LOCKED_KEY] = False
    session[auth.PIN_FAILURES_KEY] = 0
    session.save()
    return client


@pytest.fixture
def voice(sig):
    """The sig case with a youth account and a mother's account; Eva Ek (outside the group)
    receives the municipality's feedback, Dan Dahl (outside the group) the district's."""
    w = sig.world
    eva = make_person("eva.ek", w.owner_org, Role.MANAGER, title="kvalitetsansvarig")
    eva.first_name, eva.last_name, eva.email = "Eva", "Ek", "eva@example.se"
    eva.save()
    dan = make_person("dan.dahl", w.owner_org, Role.MANAGER, email="dan@example.se")
    LocalPolicy.objects.filter(municipality=w.municipality, district__isnull=True).update(
        feedback_recipient=eva
    )
    youth = make_portal_account(sig.case, "ungdom")
    mother = make_portal_account(sig.case, "vardnadshavare", guardian=sig.mother)
    return {"sig": sig, "eva": eva, "dan": dan, "youth": youth, "mother": mother}


def district_recipient(sig, person) -> LocalPolicy:
    return LocalPolicy.objects.create(
        municipality=sig.world.municipality, district=sig.world.district, feedback_recipient=person
    )


def close_case(sig) -> None:
    Case.objects.filter(pk=sig.case.pk).update(state="aktiv")
    sig.case.refresh_from_db()
    cases.case_close(
        actor=sig.world.coordinator,
        case=sig.case,
        closed_on=timezone.localdate(),
        reason="mal_uppfyllda",
        summary="Går i skolan varje dag.",
    )


# --- routing -------------------------------------------------------------------------------


def test_feedback_goes_to_the_districts_recipient_when_the_district_names_one(voice):
    sig = voice["sig"]
    district_recipient(sig, voice["dan"])
    assert voice_services.feedback_recipient_for(case=sig.case) == voice["dan"]


def test_a_district_policy_without_a_recipient_falls_back_to_the_municipalitys(voice):
    sig = voice["sig"]
    district_recipient(sig, None)
    assert voice_services.feedback_recipient_for(case=sig.case) == voice["eva"]


@pytest.mark.parametrize("how", ["member", "coordinator", "lead", "police", "represents"])
def test_somebody_in_the_youths_group_never_receives_it(voice, how):
    sig, dan = voice["sig"], voice["dan"]
    district_recipient(sig, dan)
    if how == "member":
        cases.member_add(actor=sig.world.coordinator, case=sig.case, person=dan)
    elif how == "represents":
        Representation.objects.create(
            case=sig.case,
            person=dan,
            organisation=dan.organisation,
            function=GroupFunction.REPRESENTATIVE,
            started_on=date(2024, 1, 1),
            ended_on=date(2024, 6, 1),
            recorded_by=sig.world.coordinator,
        )
    else:
        field = {"coordinator": "coordinator", "lead": "lead_contact", "police": "contact_police"}
        Case.objects.filter(pk=sig.case.pk).update(**{field[how]: dan})
        sig.case.refresh_from_db()
    assert voice_services.feedback_recipient_for(case=sig.case) == voice["eva"]


def test_anonymous_feedback_that_went_round_the_districts_recipient_keeps_no_district(voice):
    sig, dan = voice["sig"], voice["dan"]
    district_recipient(sig, dan)
    cases.member_add(actor=sig.world.coordinator, case=sig.case, person=dan)
    anonymous = voice_services.feedback_submit(account=voice["youth"], text="A", anonymous=True)
    named = voice_services.feedback_submit(account=voice["youth"], text="B")
    assert anonymous.recipient == named.recipient == voice["eva"]
    assert anonymous.district is None and named.district == sig.world.district


def test_anonymous_feedback_routed_as_usual_keeps_its_district(voice):
    sig = voice["sig"]
    district_recipient(sig, voice["dan"])
    feedback = voice_services.feedback_submit(account=voice["youth"], text="A", anonymous=True)
    assert feedback.recipient == voice["dan"] and feedback.district == sig.world.district


def test_an_inactive_recipient_is_skipped(voice):
    sig = voice["sig"]
    district_recipient(sig, voice["dan"])
    voice["dan"].is_active = False
    voice["dan"].save()
    assert voice_services.feedback_recipient_for(case=sig.case) == voice["eva"]


def test_without_anyone_to_receive_it_sending_fails_and_the_form_keeps_the_text(voice):
    sig = voice["sig"]
    # The municipality's recipient is the coordinator: in the group, so nobody is left.
    LocalPolicy.objects.filter(municipality=sig.world.municipality).update(
        feedback_recipient=sig.world.coordinator
    )
    with pytest.raises(ValidationError) as raised:
        voice_services.feedback_recipient_for(case=sig.case)
    assert NO_RECIPIENT in raised.value.messages[0]
    client = portal_client(voice["youth"])
    response = client.post(FEEDBACK_URL, {"text": "Min samordnare lyssnar inte.", "about": "X"})
    assert response.status_code == 200
    page = response.content.decode()
    assert NO_RECIPIENT in page
    assert "Min samordnare lyssnar inte." in page
    assert not Feedback.objects.exists()


# --- anonymous and named feedback ------------------------------------------------------------


def test_anonymous_feedback_stores_nothing_that_links_it_to_the_sender(
    voice, django_capture_on_commit_callbacks
):
    sig, youth = voice["sig"], voice["youth"]
    client = portal_client(youth)
    before = AuditRecord.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            FEEDBACK_URL,
            {"text": "Polisen i gruppen är otrevlig.", "about": "Polisen", "anonymous": "on"},
            follow=True,
        )
    assert response.status_code == 200
    assert "utan ditt namn" in response.content.decode()
    feedback = Feedback.objects.get()
    assert feedback.anonymous
    assert (feedback.case, feedback.account, feedback.sender_kind) == (None, None, "")
    assert feedback.recipient == voice["eva"]
    assert feedback.municipality == sig.world.municipality
    assert feedback.received_on == timezone.localdate()
    for moment in (feedback.created_at, feedback.updated_at):
        assert timezone.localtime(moment).time() == time(0, 0)
        assert timezone.localtime(moment).date() == feedback.received_on
    # No audit record at all: neither the submission nor the page shown after it.
    assert AuditRecord.objects.count() == before
    mentions = AuditRecord.objects.filter(
        object_code=str(feedback.code)
    ) | AuditRecord.objects.filter(case_code=sig.case.code).filter(object_type="portal.feedback")
    assert not mentions.exists()
    assert not AuditRecord.objects.filter(detail__portal_account=str(youth.code)).exists()
    # The recipient is told there is something, with a link and nothing of the text.
    (message,) = mail.outbox
    assert message.to == ["eva@example.se"]
    assert reverse("feedback:detail", kwargs={"code": feedback.code}) in message.body
    assert "otrevlig" not in message.body and "Polisen" not in message.body
    # The youth does not see it listed afterwards either: nothing says it was theirs.
    assert "otrevlig" not in client.get(FEEDBACK_URL).content.decode()


def test_the_database_refuses_an_anonymous_row_with_a_sender(voice):
    sig = voice["sig"]
    for sender in ({"case": sig.case}, {"account": voice["youth"]}, {"sender_kind": "ungdom"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Feedback.objects.create(
                municipality=sig.world.municipality,
                recipient=voice["eva"],
                anonymous=True,
                text="x",
                received_on=timezone.localdate(),
                **sender,
            )


def test_named_feedback_keeps_the_sender_and_is_audited(voice, django_capture_on_commit_callbacks):
    sig, mother = voice["sig"], voice["mother"]
    district_recipient(sig, voice["dan"])
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client(mother).post(
            FEEDBACK_URL, {"text": "Vi blev inte kallade till mötet."}
        )
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.case, feedback.account, feedback.sender_kind) == (
        sig.case,
        mother,
        "vardnadshavare",
    )
    assert feedback.recipient == voice["dan"] and feedback.district == sig.world.district
    record = AuditRecord.objects.get(object_code=str(feedback.code))
    assert record.actor_username == f"portal:{mother.username}"
    assert record.case_code == sig.case.code and record.basis == "guardian"
    assert "kallade" not in str(record.detail)
    assert [m.to for m in mail.outbox] == [["dan@example.se"]]


def test_the_form_says_who_reads_it_and_what_anonymous_means(voice):
    page = portal_client(voice["youth"]).get(FEEDBACK_URL).content.decode()
    assert "Synpunkter tas emot av Eva Ek, kvalitetsansvarig" in page
    assert "Skicka anonymt" in page
    assert "Därför kan ingen svara dig" in page
    assert "Inget dåligt händer dig" in page


def test_text_is_required_and_has_a_limit(voice):
    client = portal_client(voice["youth"])
    assert client.post(FEEDBACK_URL, {"text": "  "}).status_code == 200
    with pytest.raises(ValidationError) as raised:
        voice_services.feedback_submit(account=voice["youth"], text="x" * 5001)
    assert "text" in raised.value.message_dict
    assert not Feedback.objects.exists()


# --- the recipient's side ------------------------------------------------------------------


def _named(voice, account_key: str = "youth", text: str = "Mötena är för långa.") -> Feedback:
    return voice_services.feedback_submit(account=voice[account_key], text=text, about="Mötena")


def test_the_recipient_reads_and_answers_and_the_youth_sees_the_answer(voice):
    feedback = _named(voice)
    eva = staff_client(voice["eva"])
    inbox = eva.get(INBOX_URL)
    assert inbox.status_code == 200 and "Mötena" in inbox.content.decode()
    detail_url = reverse("feedback:detail", kwargs={"code": feedback.code})
    page = eva.get(detail_url).content.decode()
    assert "Mötena är för långa." in page
    assert voice["sig"].case.anonymous_code in page and "Ungdomen" in page
    assert "Alex" not in page and "Exempelsson" not in page
    response = eva.post(detail_url, {"response": "Tack! Jag pratar med samordnaren."})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ANSWERED and feedback.responded_by == voice["eva"]
    youth_page = portal_client(voice["youth"]).get(FEEDBACK_URL).content.decode()
    assert "Tack! Jag pratar med samordnaren." in youth_page
    # The guardian's own list shows only the guardian's feedback.
    mother_page = portal_client(voice["mother"]).get(FEEDBACK_URL).content.decode()
    assert "Mötena är för långa." not in mother_page


def test_anonymous_feedback_shows_no_sender_to_the_recipient(voice):
    feedback = voice_services.feedback_submit(
        account=voice["youth"], text="Anonymt klagomål.", anonymous=True
    )
    page = staff_client(voice["eva"]).get(
        reverse("feedback:detail", kwargs={"code": feedback.code})
    )
    text = page.content.decode()
    assert "Anonym" in text and voice["sig"].case.anonymous_code not in text


def test_a_recipient_who_later_joins_the_group_no_longer_sees_who_sent_it(voice):
    sig = voice["sig"]
    feedback = _named(voice)
    cases.member_add(actor=sig.world.coordinator, case=sig.case, person=voice["eva"])
    page = staff_client(voice["eva"]).get(
        reverse("feedback:detail", kwargs={"code": feedback.code})
    )
    assert sig.case.anonymous_code not in page.content.decode()


@pytest.mark.parametrize(
    "who", ["coordinator", "police", "case_officer", "steering", "admin", "outsider"]
)
def test_nobody_else_sees_feedback(voice, who):
    feedback = _named(voice)
    person = getattr(voice["sig"].world, who)
    client = staff_client(person)
    code = {"code": feedback.code}
    assert client.get(INBOX_URL).status_code == 404
    assert client.get(reverse("feedback:detail", kwargs=code)).status_code == 404
    assert (
        client.post(reverse("feedback:detail", kwargs=code), {"response": "Hej"}).status_code == 404
    )
    assert (
        client.post(
            reverse("feedback:escalate", kwargs=code), {"to": str(voice["dan"].code)}
        ).status_code
        == 404
    )
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.NEW and feedback.escalated_to is None


def test_a_configured_recipient_without_feedback_sees_an_empty_inbox(voice):
    assert staff_client(voice["eva"]).get(INBOX_URL).status_code == 200


def test_portal_pages_need_a_portal_session(voice):
    for url in (FEEDBACK_URL, EVALUATION_URL):
        assert Client().get(url)["Location"].startswith("/ung/logga-in/")
        assert staff_client(voice["eva"]).get(url)["Location"].startswith("/ung/logga-in/")


def test_another_youth_sees_none_of_this_youths_feedback(voice, world):
    sig = voice["sig"]
    _named(voice, text="Hemlig synpunkt.")
    other_case = cases.case_create(
        actor=world.coordinator,
        reason="Oro.",
        first_name="Kim",
        last_name="Annan",
        date_of_birth=date(2011, 3, 4),
        district=world.district,
    )
    other = make_portal_account(other_case, "ungdom", username="kim.annan")
    page = portal_client(other).get(FEEDBACK_URL).content.decode()
    assert "Hemlig synpunkt." not in page and sig.case.anonymous_code not in page


# --- escalation ----------------------------------------------------------------------------


def test_escalation_rules(voice, world, django_capture_on_commit_callbacks):
    eva, dan = voice["eva"], voice["dan"]
    feedback = _named(voice)
    with pytest.raises(ValidationError):  # in the youth's group
        voice_services.feedback_escalate(actor=eva, feedback=feedback, to=world.coordinator)
    with pytest.raises(ValidationError):  # another municipality
        voice_services.feedback_escalate(actor=eva, feedback=feedback, to=world.outsider)
    inactive = make_person("gammal", world.owner_org, Role.MANAGER)
    inactive.is_active = False
    inactive.save()
    with pytest.raises(ValidationError):
        voice_services.feedback_escalate(actor=eva, feedback=feedback, to=inactive)
    with pytest.raises(PermissionDenied):  # only the recipient lifts it
        voice_services.feedback_escalate(actor=dan, feedback=feedback, to=world.manager)
    client = staff_client(eva)
    url = reverse("feedback:escalate", kwargs={"code": feedback.code})
    refused = client.post(url, {"to": str(world.coordinator.code)})
    assert refused.status_code == 200  # not a choice: the form says so
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"to": str(dan.code), "note": "Gäller chefen."})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ESCALATED and feedback.escalated_to == dan
    assert [m.to for m in mail.outbox] == [["dan@example.se"]]
    assert "Mötena" not in mail.outbox[0].body
    dan_client = staff_client(dan)
    assert dan_client.get(INBOX_URL).status_code == 200
    detail_url = reverse("feedback:detail", kwargs={"code": feedback.code})
    assert dan_client.get(detail_url).status_code == 200
    assert dan_client.post(url, {"to": str(world.manager.code)}).status_code == 404
    assert dan_client.post(detail_url, {"response": "Vi kortar mötena."}).status_code == 302
    feedback.refresh_from_db()
    assert feedback.response == "Vi kortar mötena." and feedback.responded_by == dan
    # Closed: nothing more is done with it.
    voice_services.feedback_close(actor=dan, feedback=feedback)
    with pytest.raises(ValidationError):
        voice_services.feedback_respond(actor=eva, feedback=feedback, response="Igen")


def test_anonymous_feedback_may_be_lifted_to_anyone_active_in_the_municipality(voice, world):
    feedback = voice_services.feedback_submit(
        account=voice["youth"], text="Anonymt.", anonymous=True
    )
    voice_services.feedback_escalate(actor=voice["eva"], feedback=feedback, to=world.manager)
    assert Feedback.objects.get(pk=feedback.pk).escalated_to == world.manager


# --- the evaluation ------------------------------------------------------------------------

ANSWERS = {
    "understood": "4",
    "took_part": "2",
    "listened_to": "5",
    "trusted_coordinator": "vill-inte",
}


def test_the_evaluation_is_offered_only_after_closure(voice):
    client = portal_client(voice["youth"])
    page = client.get(EVALUATION_URL)
    assert page.status_code == 200 and "inget att utvärdera" in page.content.decode()
    client.post(EVALUATION_URL, ANSWERS)
    assert not Evaluation.objects.exists()
    with pytest.raises(ValidationError):
        voice_services.evaluation_submit(account=voice["youth"], understood=3)


def test_the_youth_evaluates_once_and_nothing_links_the_answers_to_the_case(voice):
    sig = voice["sig"]
    close_case(sig)
    client = portal_client(voice["youth"])
    form = client.get(EVALUATION_URL).content.decode()
    for statement in (
        "Jag förstod vad SIG var och varför jag var med",
        "Jag var med och bestämde vad som skulle stå i min plan",
        "De vuxna lyssnade på mig",
        "Jag litade på min samordnare",
        "Stämmer inte alls",
        "Stämmer helt",
        "Vill inte svara",
    ):
        assert statement in form
    before = AuditRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(EVALUATION_URL, {**ANSWERS, "good": "Min samordnare.", "change": ""})
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert (evaluation.understood, evaluation.took_part, evaluation.listened_to) == (4, 2, 5)
    assert evaluation.trusted_coordinator is None
    assert evaluation.year == timezone.localdate().year
    assert evaluation.municipality == sig.world.municipality
    assert evaluation.district == sig.world.district
    fields = {f.name for f in Evaluation._meta.get_fields()}
    assert fields.isdisjoint({"case", "account", "created_at", "updated_at", "code"})
    receipt = EvaluationReceipt.objects.get()
    assert receipt.case == sig.case and receipt.received_on == timezone.localdate()
    # The receipt is audited; nothing in the log points at the answers.
    records = list(AuditRecord.objects.filter(id__gt=before))
    assert records and all(r.object_type == "portal.evaluationreceipt" for r in records), [
        (r.action, r.object_type) for r in records
    ]
    assert not AuditRecord.objects.filter(object_code=str(evaluation.pk)).exists()
    # Once only.
    again = client.post(EVALUATION_URL, ANSWERS)
    assert again.status_code == 200 and "redan svarat" in again.content.decode()
    assert Evaluation.objects.count() == 1
    with pytest.raises(ValidationError):
        voice_services.evaluation_submit(account=voice["youth"], understood=1)
    assert Evaluation.objects.count() == 1


def test_only_the_youth_evaluates(voice):
    close_case(voice["sig"])
    page = portal_client(voice["mother"]).get(EVALUATION_URL).content.decode()
    assert "till för ungdomen" in page
    portal_client(voice["mother"]).post(EVALUATION_URL, ANSWERS)
    with pytest.raises(PermissionDenied):
        voice_services.evaluation_submit(account=voice["mother"], understood=3)
    assert not Evaluation.objects.exists() and not EvaluationReceipt.objects.exists()


# --- the report -----------------------------------------------------------------------------


def _answers(municipality, district, n: int, year: int = 2025, **values: Any) -> None:
    for i in range(n):
        Evaluation.objects.create(
            municipality=municipality,
            district=district,
            year=year,
            understood=values.get("understood", 5),
            took_part=values.get("took_part", 4),
            listened_to=values.get("listened_to", (i % 5) + 1),
            trusted_coordinator=values.get("trusted_coordinator"),
            good=values.get("good", ""),
            change=values.get("change", ""),
        )


@pytest.mark.parametrize("who", ["coordinator", "admin", "police", "manager", "outsider"])
def test_only_the_steering_group_reads_the_report(world, who):
    assert staff_client(getattr(world, who)).get(REPORT_URL).status_code == 404


def test_the_steering_group_reads_its_own_municipality_only(world):
    _answers(world.other_municipality, None, 9, good="Grannkommunens text")
    page = staff_client(world.steering).get(REPORT_URL)
    assert page.status_code == 200
    assert "Grannkommunens text" not in page.content.decode()
    neighbour = make_person("styr.granne", world.outsider_org, Role.STEERING)
    assert "Grannkommunens text" in staff_client(neighbour).get(REPORT_URL).content.decode()


def test_the_report_suppresses_small_districts_and_the_difference_through_the_total(world):
    south = District.objects.create(municipality=world.municipality, name="Södra")
    east = District.objects.create(municipality=world.municipality, name="Östra")
    _answers(world.municipality, world.district, 3, good="Bra möten")  # Norra: a small count
    _answers(world.municipality, south, 8, good="Öppna samtal")
    _answers(world.municipality, east, 12, good="Alla lyssnade", change="Kortare möten")
    response = staff_client(world.steering).get(REPORT_URL, {"ar": 2025})
    report = response.context["report"]
    counts = dict(report.counts_by_group)
    assert counts["Norra"] == "<5"
    assert report.total == "23"
    # The total minus the shown districts must not give Norra's 3 back.
    shown = [int(c) for c in report.counts if c.isdigit()]
    hidden = [c for c in report.counts if not c.isdigit()]
    assert len(hidden) >= 2 and int(report.total) - sum(shown) != 3
    assert counts["Södra"] == "x"  # the complement, a larger count hidden to protect Norra
    # Statement tables: the hidden districts' rows show nothing, their share and mean neither.
    for statement in report.statements:
        rows = {g.label: g for g in statement.groups}
        for name in ("Norra", "Södra"):
            assert rows[name].share_agreed is None and rows[name].mean is None
            assert all(not c.isdigit() for c in rows[name].cells)
    understood = report.statements[0]
    east_row = {g.label: g for g in understood.groups}["Östra"]
    assert east_row.share_agreed == 100 and east_row.mean == 5.0
    # Free texts for the whole municipality, alphabetically (å, ä, ö last), never by time.
    assert report.good == ["Alla lyssnade"] * 12 + ["Bra möten"] * 3 + ["Öppna samtal"] * 8
    page = response.content.decode()
    assert "&lt;5" in page


def test_a_year_with_too_few_answers_shows_nothing_but_that(world):
    _answers(world.municipality, world.district, 4, good="Något personligt")
    response = staff_client(world.steering).get(REPORT_URL)
    report = response.context["report"]
    assert not report.shown and report.total == "<5"
    assert "Något personligt" not in response.content.decode()


def test_the_threshold_is_a_setting(world, settings):
    settings.SAMSYN_SUPPRESSION_THRESHOLD = 3
    _answers(world.municipality, world.district, 4, good="Syns nu")
    report = staff_client(world.steering).get(REPORT_URL).context["report"]
    assert report.shown and report.threshold == 3 and report.good == ["Syns nu"] * 4


def test_the_navigation_links_feedback_and_evaluations(voice, world):
    eva_page = staff_client(voice["eva"]).get(reverse("core:start")).content.decode()
    assert INBOX_URL in eva_page and REPORT_URL not in eva_page
    steering_page = staff_client(world.steering).get(reverse("core:start")).content.decode()
    assert REPORT_URL in steering_page and INBOX_URL not in steering_page
    coordinator_page = staff_client(world.coordinator).get(reverse("core:start")).content.decode()
    assert INBOX_URL not in coordinator_page and REPORT_URL not in coordinator_page


def test_the_administrator_names_the_recipient_in_the_policy(world):
    from samsyn.organisations.services import policy_update

    policy = LocalPolicy.objects.get(municipality=world.municipality, district__isnull=True)
    client = staff_client(world.admin)
    url = reverse("organisations:policy_edit", kwargs={"code": policy.code})
    form = client.get(url).context["form"]
    choices = list(form.fields["feedback_recipient"].queryset)
    assert world.manager in choices and world.outsider not in choices
    policy_update(actor=world.admin, policy=policy, feedback_recipient=world.manager)
    assert LocalPolicy.objects.get(pk=policy.pk).feedback_recipient == world.manager
    with pytest.raises(ValidationError):
        policy_update(actor=world.admin, policy=policy, feedback_recipient=world.outsider)
    record = AuditRecord.objects.filter(object_code=str(policy.code)).latest("id")
    assert record.detail["feedback_recipient"][1] == str(world.manager.code)


# --- suppression (samsyn.lib.suppression) ---------------------------------------------------

T = 5
rows = st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=8)


def test_the_rules_on_examples():
    row = suppression.suppress_row([3, 10, 12])
    assert row.cells == ["<5", "x", "12"] and row.total == "25"
    assert suppression.suppress_row([0, 0, 7]).cells == ["0", "0", "7"]
    assert suppression.suppress_row([2, 0, 9]).cells == ["<5", "<5", "x"]
    assert suppression.suppress_row([1, 2]).total == "<5"
    assert suppression.suppress_row([0, 0]).cells == ["0", "0"]
    assert suppression.suppress_row([4, 4]).total_hidden  # both would be 4
    assert suppression.suppress_row([2, 7], limit=3).cells == ["<3", "x"]
    with pytest.raises(ValueError):
        suppression.suppress_row([1, 2], total=4)


@settings(max_examples=300, deadline=None)
@given(rows)
def test_no_hidden_cell_follows_from_the_total_and_the_shown_cells(cells):
    row = suppression.suppress_row(cells, limit=T)
    total = sum(cells)
    for i, value in enumerate(cells):
        if 0 < value < T:  # every small count is hidden
            assert row.cells[i] == "<5"
        if i not in row.hidden:
            assert row.cells[i] == str(value)
    if row.total_hidden:
        return
    assert row.total == str(total)
    hidden = sorted(row.hidden)
    if not hidden:
        return
    # Differencing: total minus the shown cells gives the sum of the hidden ones only.
    assert len(hidden) >= 2
    rest = total - sum(cells[i] for i in range(len(cells)) if i not in row.hidden)
    assert rest >= T  # and that sum is no small count itself
    # Bounds: "<5" means 0–4, "x" at least 5; still no hidden cell has only one possible value.
    low = {i: 0 if row.cells[i] == "<5" else T for i in hidden}
    high = {i: T - 1 if row.cells[i] == "<5" else rest for i in hidden}
    for i in hidden:
        least = max(low[i], rest - sum(high[k] for k in hidden if k != i))
        most = min(high[i], rest - sum(low[k] for k in hidden if k != i))
        assert least < most, (cells, row)


def _rank(matrix: list[list[Fraction]]) -> int:
    m = [row[:] for row in matrix]
    rank = 0
    for col in range(len(m[0]) if m else 0):
        pivot = next((r for r in range(rank, len(m)) if m[r][col] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for r in range(len(m)):
            if r != rank and m[r][col] != 0:
                factor = m[r][col] / m[rank][col]
                m[r] = [a - factor * b for a, b in zip(m[r], m[rank], strict=True)]
        rank += 1
    return rank


def _determined(table: list[list[int]], shown: suppression.SuppressedTable) -> list[Any]:
    """Hidden values that the shown ones determine exactly through row and column sums."""
    height, width = len(table), len(table[0])
    hidden: list[Any] = [("cell", i, j) for i, j in sorted(shown.hidden_cells)]
    hidden += [("row", i) for i in sorted(shown.hidden_row_totals)]
    hidden += [("col", j) for j in sorted(shown.hidden_column_totals)]
    if shown.total.startswith("<") or shown.total == "x":
        hidden.append(("all",))
    index = {v: k for k, v in enumerate(hidden)}
    equations = []
    lines = [
        [(("cell", i, j), 1) for j in range(width)] + [(("row", i), -1)] for i in range(height)
    ]
    lines += [
        [(("cell", i, j), 1) for i in range(height)] + [(("col", j), -1)] for j in range(width)
    ]
    lines.append([(("col", j), 1) for j in range(width)] + [(("all",), -1)])
    lines.append([(("row", i), 1) for i in range(height)] + [(("all",), -1)])
    for line in lines:
        coefficients = [Fraction(0)] * len(hidden)
        for variable, sign in line:
            if variable in index:
                coefficients[index[variable]] += sign
        if any(coefficients):
            equations.append(coefficients)
    base = _rank(equations) if equations else 0
    found = []
    for variable, k in index.items():
        unit = [Fraction(0)] * len(hidden)
        unit[k] = Fraction(1)
        if _rank([*equations, unit]) == base:
            found.append(variable)
    return found


tables = st.integers(min_value=1, max_value=4).flatmap(
    lambda width: st.lists(
        st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 9, 15]), min_size=width, max_size=width),
        min_size=1,
        max_size=4,
    )
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_no_hidden_table_value_follows_from_rows_and_columns_together(table):
    shown = suppression.suppress_table(table, limit=T)
    for i, row in enumerate(table):
        for j, value in enumerate(row):
            if 0 < value < T:
                assert (i, j) in shown.hidden_cells
    assert _determined(table, shown) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables)
def test_tables_keep_the_group_totals_decided_by_the_count_row(table):
    counts = suppression.suppress_row([sum(r) for r in table], limit=T)
    if counts.total_hidden or sum(map(sum, table)) < T:
        return
    shown = suppression.suppress_table(
        table, limit=T, hide_rows=sorted(counts.hidden), fixed_row_totals=True
    )
    assert shown.hidden_row_totals == counts.hidden
    assert _determined(table, shown) == []


# --- fixed queries --------------------------------------------------------------------------


def _queries(client: Client, url: str, **params: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


def test_the_report_costs_a_fixed_number_of_queries(world):
    client = staff_client(world.steering)
    _answers(world.municipality, world.district, 6, good="Ett")
    few = _queries(client, REPORT_URL)
    for name in ("Södra", "Östra", "Västra"):
        district = District.objects.create(municipality=world.municipality, name=name)
        _answers(world.municipality, district, 7, good=name, change="Mer")
    assert _queries(client, REPORT_URL) == few


def test_the_inbox_and_the_feedback_page_cost_a_fixed_number_of_queries(voice):
    _named(voice)
    eva = staff_client(voice["eva"])
    youth = portal_client(voice["youth"])
    inbox, page = _queries(eva, INBOX_URL), _queries(youth, FEEDBACK_URL)
    for i in range(5):
        _named(voice, text=f"Synpunkt {i}")
        voice_services.feedback_submit(account=voice["youth"], text="Anonym", anonymous=True)
    assert _queries(eva, INBOX_URL) == inbox
    assert _queries(youth, FEEDBACK_URL) == page
