"""The case from referral to after-care: the state machine, its gates, and the pages.

Every move allowed by `lifecycle.ALLOWED` is tested allowed, every other move refused with a
Swedish message and nothing written; each step leaves an audit entry.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from samsyn.assessments.models import RiskAssessment
from samsyn.audit.models import AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.lifecycle import ALLOWED, OWN_SERVICE
from samsyn.cases.models import (
    Case,
    CaseMember,
    CaseState,
    CaseTransition,
    Closure,
    FollowUp,
    InformationPoint,
    Recommendation,
    Referral,
    Representation,
    SigDecision,
)
from samsyn.consent import services as consents
from samsyn.consent.models import Consent, ConsentForm, DataCategory, GiverRole
from samsyn.lib.dates import add_months
from samsyn.organisations.models import LocalPolicy, Role
from tests.conftest import inform, make_person

S = CaseState
TODAY = timezone.localdate


def cat(*slugs: str) -> list[DataCategory]:
    return list(DataCategory.objects.filter(slug__in=slugs))


def consent(sig, slugs: tuple[str, ...] = ("identitet", "socialtjanst")) -> Consent:
    return consents.consent_record(
        actor=sig.world.coordinator,
        case=sig.case,
        categories=cat(*slugs),
        recipients=[sig.world.recipient_org],
        givers=[
            consents.Giver(GiverRole.YOUTH),
            consents.Giver(GiverRole.GUARDIAN, sig.mother),
            consents.Giver(GiverRole.GUARDIAN, sig.father),
        ],
        form=ConsentForm.ORAL,
        oral_note="Vid hembesök.",
        given_on=TODAY(),
    )


def put(case: Case, state: str) -> Case:
    """Set up a case in a state directly (test set-up only: the services are what is tested)."""
    Case.objects.filter(pk=case.pk).update(state=state)
    case.refresh_from_db()
    return case


def meet_every_gate(sig) -> None:
    """Make every state's entry conditions true, so a test sees only the move's own rule."""
    w = sig.world
    LocalPolicy.objects.filter(municipality=w.municipality).update(motivation_phase=True)
    cases.recommendation_record(
        actor=w.manager,
        case=put(sig.case, S.PREPARATION),
        meeting_on=TODAY(),
        recommendation=Recommendation.PROPOSE,
    )
    RiskAssessment.objects.create(
        case=sig.case,
        owner=w.owner_org,
        category=cat("socialtjanst")[0],
        created_by=w.coordinator,
        judgment="Hög risk, goda skyddsfaktorer i familjen.",
    )


# --- the state machine ------------------------------------------------------------------------


PAIRS = [(a, b) for a, b in itertools.product(S.values, S.values) if b not in OWN_SERVICE]


@pytest.mark.parametrize(("from_state", "to_state"), PAIRS)
def test_every_move_is_allowed_exactly_when_the_machine_says(sig, from_state, to_state):
    meet_every_gate(sig)
    case = put(sig.case, from_state)
    transitions = CaseTransition.objects.count()
    if to_state in ALLOWED[from_state]:
        cases.case_transition(
            actor=sig.world.coordinator, case=case, to_state=to_state, reason="Enligt plan."
        )
        case.refresh_from_db()
        assert case.state == to_state
        last = CaseTransition.objects.latest("pk")
        assert (last.from_state, last.to_state, last.reason) == (
            from_state,
            to_state,
            "Enligt plan.",
        )
        assert last.created_by == sig.world.coordinator
        assert AuditRecord.objects.filter(
            action="update", case_code=case.code, detail__state_to=to_state
        ).exists()
    else:
        with pytest.raises(ValidationError) as raised:
            cases.case_transition(
                actor=sig.world.coordinator, case=case, to_state=to_state, reason="Fel väg."
            )
        assert "kan inte bli" in str(raised.value)
        case.refresh_from_db()
        assert case.state == from_state
        assert CaseTransition.objects.count() == transitions


@pytest.mark.parametrize("to_state", sorted(OWN_SERVICE))
def test_decision_closure_and_after_care_have_their_own_forms(sig, to_state):
    with pytest.raises(ValidationError, match="formuläret för beslut"):
        cases.case_transition(
            actor=sig.world.coordinator, case=sig.case, to_state=to_state, reason="Genväg."
        )


def test_a_move_needs_a_reason(sig):
    with pytest.raises(ValidationError) as raised:
        cases.case_transition(
            actor=sig.world.coordinator, case=sig.case, to_state=S.PREPARATION, reason="  "
        )
    assert "Skriv varför" in str(raised.value.message_dict["reason"])
    sig.case.refresh_from_db()
    assert sig.case.state == S.REFERRED


@pytest.mark.parametrize("who", ["police", "manager", "outsider"])
def test_only_those_who_run_the_case_move_it(sig, who):
    person = getattr(sig.world, who)
    if who == "manager":
        cases.member_add(actor=sig.world.coordinator, case=sig.case, person=person)
    with pytest.raises(PermissionDenied):
        cases.case_transition(actor=person, case=sig.case, to_state=S.PREPARATION, reason="Nu.")


# --- the gates --------------------------------------------------------------------------------


def test_preparation_needs_a_deidentified_summary(sig):
    Case.objects.filter(pk=sig.case.pk).update(summary="")
    sig.case.refresh_from_db()
    with pytest.raises(ValidationError, match="avidentifierad sammanfattning"):
        cases.case_transition(
            actor=sig.world.coordinator, case=sig.case, to_state=S.PREPARATION, reason="Nu."
        )


def test_motivation_phase_only_where_local_policy_uses_it(sig):
    with pytest.raises(ValidationError, match="ingen motivationsfas"):
        cases.case_transition(
            actor=sig.world.coordinator, case=sig.case, to_state=S.MOTIVATION, reason="Nu."
        )
    LocalPolicy.objects.filter(municipality=sig.world.municipality).update(motivation_phase=True)
    cases.case_transition(
        actor=sig.world.coordinator, case=sig.case, to_state=S.MOTIVATION, reason="Frigiven."
    )
    assert Case.objects.get(pk=sig.case.pk).state == S.MOTIVATION


def test_screening_needs_the_preparation_groups_proposal(sig):
    w = sig.world
    case = put(sig.case, S.PREPARATION)
    with pytest.raises(ValidationError, match="inte föreslagit"):
        cases.case_transition(actor=w.coordinator, case=case, to_state=S.SCREENING, reason="Nu.")
    cases.recommendation_record(
        actor=w.manager, case=case, meeting_on=TODAY(), recommendation=Recommendation.PROPOSE
    )
    cases.recommendation_record(
        actor=w.manager,
        case=case,
        meeting_on=TODAY(),
        recommendation=Recommendation.MORE_INFORMATION,
        motivation="Vi vill veta mer om skolsituationen.",
    )
    with pytest.raises(ValidationError, match="inte föreslagit"):  # the latest one counts
        cases.case_transition(actor=w.coordinator, case=case, to_state=S.SCREENING, reason="Nu.")
    cases.recommendation_record(
        actor=w.manager, case=case, meeting_on=TODAY(), recommendation=Recommendation.PROPOSE
    )
    cases.case_transition(actor=w.coordinator, case=case, to_state=S.SCREENING, reason="Nu.")
    assert Case.objects.get(pk=case.pk).state == S.SCREENING


def test_a_recommendation_never_moves_the_case(sig):
    case = put(sig.case, S.PREPARATION)
    cases.recommendation_record(
        actor=sig.world.manager,
        case=case,
        meeting_on=TODAY(),
        recommendation=Recommendation.NOT_PROPOSE,
    )
    assert Case.objects.get(pk=case.pk).state == S.PREPARATION
    assert AuditRecord.objects.filter(object_type="cases.preparationrecommendation").exists()


def test_only_the_preparation_group_recommends_and_only_on_its_agenda(sig):
    with pytest.raises(PermissionDenied):
        cases.recommendation_record(
            actor=sig.world.police,
            case=put(sig.case, S.PREPARATION),
            meeting_on=TODAY(),
            recommendation=Recommendation.PROPOSE,
        )
    with pytest.raises(ValidationError, match="dagordning"):
        cases.recommendation_record(
            actor=sig.world.manager,
            case=put(sig.case, S.ACTIVE),
            meeting_on=TODAY(),
            recommendation=Recommendation.PROPOSE,
        )


def test_information_needs_a_risk_assessment_first(sig):
    case = put(sig.case, S.SCREENING)
    with pytest.raises(ValidationError, match="risk- och skyddsbedömning"):
        cases.case_transition(
            actor=sig.world.coordinator, case=case, to_state=S.INFORMATION, reason="Nu."
        )


def test_active_needs_a_coordinator(sig):
    case = put(sig.case, S.DECIDED)
    Case.objects.filter(pk=case.pk).update(coordinator=None)
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="Utse en samordnare"):
        cases.case_transition(
            actor=sig.world.coordinator, case=case, to_state=S.ACTIVE, reason="Start."
        )
    cases.group_assign(
        actor=sig.world.coordinator,
        case=case,
        coordinator=sig.world.coordinator,
        lead_contact=None,
        contact_police=sig.world.police,
    )
    cases.case_transition(
        actor=sig.world.coordinator, case=case, to_state=S.ACTIVE, reason="Start."
    )
    case.refresh_from_db()
    assert case.state == S.ACTIVE and case.started_on == TODAY()


# --- the six points -----------------------------------------------------------------------


def test_no_consent_before_all_six_points(world):
    case = cases.case_create(
        actor=world.coordinator,
        reason="Oro från skolan.",
        first_name="Sam",
        last_name="Sexpunktsson",
        date_of_birth=date(2008, 2, 2),
    )
    cases.member_add(actor=world.coordinator, case=case, person=world.police)
    cases.information_record(
        actor=world.coordinator,
        case=case,
        points=[1, 2, 3, 4, 5],
        informed_on=TODAY(),
        informed_by=world.coordinator,
    )

    def record() -> Consent:
        return consents.consent_record(
            actor=world.coordinator,
            case=case,
            categories=cat("skola"),
            recipients=[world.recipient_org],
            givers=[consents.Giver(GiverRole.YOUTH)],
            form=ConsentForm.ORAL,
            oral_note="På mötet.",
            given_on=TODAY(),
        )

    with pytest.raises(ValidationError, match="alla sex punkter"):
        record()
    assert not Consent.objects.exists()
    cases.information_record(
        actor=world.coordinator,
        case=case,
        points=[6],
        informed_on=TODAY(),
        informed_by=world.coordinator,
        note="Fick informationsbladet.",
    )
    assert record().case == case


def test_information_is_recorded_with_who_and_when(sig):
    w = sig.world
    with pytest.raises(ValidationError) as raised:
        cases.information_record(
            actor=w.coordinator,
            case=sig.case,
            points=[],
            informed_on=TODAY() + timedelta(days=1),
            informed_by=w.outsider,
        )
    assert set(raised.value.message_dict) == {"points", "informed_on", "informed_by"}
    given = cases.information_record(
        actor=w.coordinator,
        case=sig.case,
        points=[InformationPoint.VOLUNTARY],
        informed_on=TODAY(),
        informed_by=w.case_officer,
    )
    assert given[0].informed_by == w.case_officer and given[0].owner == w.owner_org


# --- the decision ---------------------------------------------------------------------------


def decide(sig, **extra):
    options = {
        "actor": sig.world.coordinator,
        "case": sig.case,
        "legal_basis": "bistand",
        "decided_on": TODAY(),
        "reference": "SN 2026/123",
        "decision_maker": sig.world.case_officer,
        **extra,
    }
    return cases.decision_record(**options)


def test_the_decision_needs_the_right_state_a_consent_and_a_decision_maker(sig):
    with pytest.raises(ValidationError, match="kan inte bli beslutad"):
        decide(sig)
    put(sig.case, S.INFORMATION)
    with pytest.raises(ValidationError) as raised:
        decide(sig, decision_maker=sig.world.police)
    messages = str(raised.value)
    assert (
        "inget gällande samtycke i ärendet på beslutsdagen" in messages
        and "handläggare eller chef" in messages
    )
    consent(sig)
    with pytest.raises(ValidationError, match="misskötsel"):
        decide(sig, legal_basis="ungdomskontrakt")
    assert not SigDecision.objects.exists()
    decision = decide(sig, legal_basis="ungdomskontrakt", misconduct_rules="Två missade möten.")
    case = Case.objects.get(pk=sig.case.pk)
    assert case.state == S.DECIDED and case.decided_on == TODAY()
    assert decision.get_legal_basis_display() == "Del av påföljd (ungdomskontrakt)"
    assert AuditRecord.objects.filter(object_type="cases.sigdecision").exists()


def test_the_decision_needs_all_six_points(world):
    case = cases.case_create(
        actor=world.coordinator,
        reason="Oro.",
        first_name="Ny",
        last_name="Nysson",
        date_of_birth=date(2008, 1, 1),
    )
    put(case, S.INFORMATION)
    with pytest.raises(ValidationError, match="alla sex punkter"):
        cases.decision_record(
            actor=world.coordinator,
            case=case,
            legal_basis="bistand",
            decided_on=TODAY(),
            reference="1",
            decision_maker=world.case_officer,
        )


# --- the group and continuity ---------------------------------------------------------------


def test_a_change_of_representative_is_kept(sig):
    w = sig.world
    second = make_person("polis2", w.recipient_org, Role.ACTOR_REPRESENTATIVE)
    cases.group_assign(
        actor=w.coordinator,
        case=sig.case,
        coordinator=w.coordinator,
        lead_contact=None,
        contact_police=w.police,
    )
    cases.group_assign(
        actor=w.coordinator,
        case=sig.case,
        coordinator=w.coordinator,
        lead_contact=None,
        contact_police=second,
    )
    periods = list(
        Representation.objects.filter(case=sig.case, function="kontaktpolis").order_by("pk")
    )
    assert [(p.person, p.ended_on) for p in periods] == [(w.police, TODAY()), (second, None)]
    assert CaseMember.objects.filter(case=sig.case, person=second).exists()
    with pytest.raises(ValidationError) as raised:
        cases.group_assign(
            actor=w.coordinator,
            case=sig.case,
            coordinator=w.police,
            lead_contact=None,
            contact_police=w.case_officer,
        )
    assert set(raised.value.message_dict) == {"coordinator", "contact_police"}


def test_mandate_to_decide_is_recorded(sig):
    w = sig.world
    cases.mandate_set(actor=w.coordinator, case=sig.case, person=w.police, has_mandate=True)
    assert Representation.objects.get(case=sig.case, person=w.police).has_mandate
    cases.mandate_set(actor=w.coordinator, case=sig.case, person=w.police, has_mandate=False)
    assert not Representation.objects.get(case=sig.case, person=w.police).has_mandate


# --- referral and the age rule ----------------------------------------------------------------


def test_a_police_officer_refers_to_social_services_and_follows_deidentified(world, login):
    case = cases.case_create(
        actor=world.police,
        owner=world.owner_org,
        reason="Gripen för rån tillsammans med äldre.",
        first_name="Ali",
        last_name="Polisaktualiserad",
        personnummer="20100521-0016",
        summary="Pojke 16 år, misstänkt rån.",
    )
    assert case.owner == world.owner_org and case.coordinator is None
    referral = Referral.objects.get(case=case)
    assert referral.kind == "polis" and referral.source_person == world.police
    assert referral.owner == world.owner_org and referral.age_at_referral == 16
    body = login(world.police).get(f"/arenden/{case.code}/").content.decode()
    assert "Polisaktualiserad" not in body and case.anonymous_code in body
    cases.referral_receive(actor=world.coordinator, case=case)
    case.refresh_from_db()
    assert case.coordinator == world.coordinator
    with pytest.raises(ValidationError, match="redan en samordnare"):
        cases.referral_receive(actor=world.case_officer, case=case)


def test_outside_the_target_ages_a_reason_is_needed(world):
    young = {
        "actor": world.coordinator,
        "reason": "Oro.",
        "first_name": "Liten",
        "last_name": "Lillsson",
        "date_of_birth": TODAY().replace(year=TODAY().year - 11) - timedelta(days=3),
    }
    with pytest.raises(ValidationError) as raised:
        cases.case_create(**young)
    assert "utanför målgruppen 13–20 år" in raised.value.message_dict["age_exception_reason"][0]
    assert not Case.objects.exists()
    case = cases.case_create(**young, age_exception_reason="Äldre syskon i kriminella nätverk.")
    assert Referral.objects.get(case=case).age_exception_reason.startswith("Äldre syskon")
    assert AuditRecord.objects.filter(
        object_type="cases.referral", detail__outside_ages=True
    ).exists()


# --- closure and after-care -----------------------------------------------------------------


def test_closing_an_active_sig_schedules_follow_ups_and_offers_an_evaluation(sig):
    w = sig.world
    put(sig.case, S.ACTIVE)
    closed_on = TODAY() - timedelta(days=400)
    Case.objects.filter(pk=sig.case.pk).update(opened_on=closed_on - timedelta(days=300))
    sig.case.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        cases.case_close(
            actor=w.coordinator,
            case=sig.case,
            closed_on=closed_on,
            reason="mal_uppfyllda",
            summary="",
        )
    assert "summary" in raised.value.message_dict
    closure = cases.case_close(
        actor=w.coordinator,
        case=sig.case,
        closed_on=closed_on,
        reason="mal_uppfyllda",
        summary="Går i skolan varje dag och har slutat umgås med de äldre.",
    )
    assert closure.evaluation_offered_on == closed_on
    follow_ups = list(FollowUp.objects.filter(case=sig.case))
    assert [(f.months_after, f.due_on) for f in follow_ups] == [
        (6, add_months(closed_on, 6)),
        (12, add_months(closed_on, 12)),
    ]
    assert Case.objects.get(pk=sig.case.pk).state == S.CLOSED
    cases.followup_record(
        actor=w.coordinator,
        case=sig.case,
        followup=follow_ups[0],
        done_on=TODAY(),
        situation="Går gymnasiets första år.",
    )
    assert Case.objects.get(pk=sig.case.pk).state == S.CLOSED
    with pytest.raises(ValidationError, match="redan gjord"):
        cases.followup_record(
            actor=w.coordinator,
            case=sig.case,
            followup=follow_ups[0],
            done_on=TODAY(),
            situation="Igen.",
        )
    cases.followup_record(
        actor=w.coordinator,
        case=sig.case,
        followup=follow_ups[1],
        done_on=TODAY(),
        situation="Har sommarjobb.",
    )
    assert Case.objects.get(pk=sig.case.pk).state == S.FOLLOWED_UP


def test_follow_up_months_are_local_policy(sig):
    LocalPolicy.objects.filter(municipality=sig.world.municipality).update(followup_months=[3, 24])
    put(sig.case, S.DECIDED)
    cases.case_close(
        actor=sig.world.coordinator,
        case=sig.case,
        closed_on=TODAY(),
        reason="flyttat",
        summary="Familjen flyttade.",
    )
    assert sorted(FollowUp.objects.values_list("months_after", flat=True)) == [3, 24]


def test_closing_before_a_sig_schedules_no_follow_up(sig):
    cases.case_close(
        actor=sig.world.coordinator,
        case=sig.case,
        closed_on=TODAY(),
        reason="annat",
        summary="Beredningsgruppen föreslog inte SIG.",
    )
    assert not FollowUp.objects.exists()
    assert Closure.objects.get().evaluation_offered_on is None


def test_a_declined_case_ends_and_a_new_one_may_start(sig):
    cases.case_transition(
        actor=sig.world.coordinator, case=sig.case, to_state=S.DECLINED, reason="Vill inte."
    )
    case = Case.objects.get(pk=sig.case.pk)
    assert case.state == S.DECLINED and case.closed_on == TODAY()
    again = cases.case_create(
        actor=sig.world.coordinator,
        reason="Ny oro.",
        first_name="Alex",
        last_name="Exempelsson",
        personnummer="20100521-0016",
    )
    assert again.youth == case.youth


# --- the pages ------------------------------------------------------------------------------


def url(sig, rest: str = "") -> str:
    return f"/arenden/{sig.case.code}/{rest}"


def test_the_course_page_shows_state_steps_and_timeline(sig, login):
    body = login(sig.world.coordinator).get(url(sig, "forlopp/")).content.decode()
    assert "Aktualiserad" in body and 'aria-current="step"' in body
    assert "Aktualiserad av Socialtjänsten Norra" in body  # the timeline's reason
    assert "Byt läge" in body and "Registrera given information" in body


def test_the_police_see_the_course_but_not_social_services_reasons(sig, login):
    body = login(sig.world.police).get(url(sig, "forlopp/")).content.decode()
    assert "Aktualiserad" in body
    assert "motiveringen visas inte utan samtycke" in body
    assert "Skolfrånvaro och misstänkt stöld." not in body  # the referral reason
    assert "Byt läge" not in body
    consent(sig)
    body = login(sig.world.police).get(url(sig, "forlopp/")).content.decode()
    assert "Skolfrånvaro och misstänkt stöld." in body


def test_a_move_through_the_page_and_a_refusal_in_swedish(sig, login):
    http = login(sig.world.coordinator)
    response = http.post(
        url(sig, "forlopp/lage/"), {"lage-to_state": "beredning", "lage-reason": "Klar."}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=sig.case.pk).state == S.PREPARATION
    response = http.post(
        url(sig, "forlopp/lage/"), {"lage-to_state": "bedomning", "lage-reason": "Nu."}
    )
    assert response.status_code == 200
    assert "Beredningsgruppen har inte föreslagit en social insatsgrupp." in (
        response.content.decode()
    )
    assert Case.objects.get(pk=sig.case.pk).state == S.PREPARATION


def test_the_police_cannot_post_to_the_course(sig, login):
    http = login(sig.world.police)
    for rest in ("lage/", "information/", "beslut/", "grupp/", "mandat/", "avslut/"):
        assert http.post(url(sig, f"forlopp/{rest}"), {}).status_code == 404
    assert Case.objects.get(pk=sig.case.pk).state == S.REFERRED


def test_decision_and_closure_through_the_pages(sig, login):
    consent(sig)
    put(sig.case, S.INFORMATION)
    http = login(sig.world.coordinator)
    response = http.post(
        url(sig, "forlopp/beslut/"),
        {
            "beslut-legal_basis": "bistand",
            "beslut-decided_on": TODAY().isoformat(),
            "beslut-reference": "SN 2026/9",
            "beslut-decision_maker": str(sig.world.case_officer.code),
        },
    )
    assert response.status_code == 302
    body = http.get(url(sig, "forlopp/")).content.decode()
    assert "SN 2026/9" in body and "Beslutad" in body
    response = http.post(
        url(sig, "forlopp/avslut/"),
        {
            "avslut-closed_on": TODAY().isoformat(),
            "avslut-reason": "flyttat",
            "avslut-summary": "Familjen flyttade till Malmö.",
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.order_by("due_on").first()
    assert follow_up is not None
    response = http.post(
        url(sig, f"forlopp/uppfoljning/{follow_up.code}/"),
        {"uppf-done_on": TODAY().isoformat(), "uppf-situation": ""},
    )
    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in response.content.decode()
    assert FollowUp.objects.filter(done_on__isnull=False).count() == 0


def test_profile_and_counts(sig, login):
    http = login(sig.world.coordinator)
    response = http.post(
        url(sig, "bakgrund/spara/"),
        {
            "bakgrund-area": "Norra",
            "bakgrund-parents_separated": "ja",
            "bakgrund-earlier_interventions": "ja",
            "bakgrund-earlier_interventions_text": "Kontaktperson 2024.",
            "bakgrund-substance_use": "ja",
            "bakgrund-main_drug": "Cannabis",
            "bakgrund-crime_types": ["ran", "stold"],
            "bakgrund-prior_conviction": "nej",
            "bakgrund-waived_prosecution": "ja",
        },
    )
    assert response.status_code == 302
    police = login(sig.world.police)
    response = police.post(
        url(sig, "bakgrund/antal/"),
        {"antal-measure": "polisanmalningar", "antal-period": "fore", "antal-count": "4"},
    )
    assert response.status_code == 302
    body = login(sig.world.coordinator).get(url(sig, "bakgrund/")).content.decode()
    assert "Cannabis" in body and "Rån, Stöld och snatteri" in body
    row = '<th scope="row">Polisanmälningar</th>'
    assert row not in body  # the police's count, and no consent lets social services see it
    body = login(sig.world.police).get(url(sig, "bakgrund/")).content.decode()
    assert row in body and "Cannabis" not in body
    assert "Bakgrundsuppgifterna är registrerade av socialtjänsten" in body


def test_the_information_sheet_is_plain_and_printable(sig, login):
    http = login(sig.world.police)
    body = http.get(url(sig, "informationsblad/")).content.decode()
    assert "Det är frivilligt" in body and "Exempelsson" not in body
    pdf = http.get(url(sig, "informationsblad.pdf"))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("page", ["", "forlopp/"])
def test_the_case_pages_cost_the_same_with_5_and_500_cases(
    sig, login, django_assert_num_queries, page
):
    from samsyn.cases.models import Youth

    def add_cases(n: int, start: int) -> None:
        youths = Youth.objects.bulk_create(
            Youth(
                municipality=sig.world.municipality,
                first_name="Massa",
                last_name=str(i),
                date_of_birth=date(2010, 1, 1),
            )
            for i in range(n)
        )
        made = Case.objects.bulk_create(
            Case(
                youth=y,
                municipality=sig.world.municipality,
                owner=sig.world.owner_org,
                anonymous_code=f"SIG-T{i:05d}",
            )
            for i, y in enumerate(youths, start=start)
        )
        CaseMember.objects.bulk_create(
            CaseMember(case=c, person=sig.world.coordinator) for c in made
        )

    http = login(sig.world.coordinator)
    add_cases(5, 0)
    http.get(url(sig, page))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert http.get(url(sig, page)).status_code == 200
    add_cases(495, 5)
    with django_assert_num_queries(len(few.captured_queries)):
        assert http.get(url(sig, page)).status_code == 200


def test_the_course_page_names_required_actors_missing_from_the_group(sig, login):
    LocalPolicy.objects.filter(municipality=sig.world.municipality).update(
        required_actor_kinds=["polis", "skola"]
    )
    body = login(sig.world.coordinator).get(url(sig, "forlopp/")).content.decode()
    assert "ska gruppen också ha: Skola." in body


def test_every_step_from_referral_to_after_care_is_in_the_audit_log(world):
    w = world
    case = cases.case_create(
        actor=w.police,
        owner=w.owner_org,
        reason="Misstänkt rån.",
        first_name="Hela",
        last_name="Vägensson",
        date_of_birth=date(2010, 6, 1),
        summary="Pojke 16 år, misstänkt rån.",
    )
    cases.referral_receive(actor=w.coordinator, case=case)
    mother = cases.guardian_add(actor=w.coordinator, case=case, first_name="M", last_name="V")
    cases.case_transition(actor=w.coordinator, case=case, to_state=S.PREPARATION, reason="1")
    cases.recommendation_record(
        actor=w.manager, case=case, meeting_on=TODAY(), recommendation=Recommendation.PROPOSE
    )
    cases.case_transition(actor=w.coordinator, case=case, to_state=S.SCREENING, reason="2")
    RiskAssessment.objects.create(
        case=case,
        owner=w.owner_org,
        category=cat("socialtjanst")[0],
        created_by=w.coordinator,
        judgment="Risk.",
    )
    cases.case_transition(actor=w.coordinator, case=case, to_state=S.INFORMATION, reason="3")
    inform(case, w.coordinator)
    consents.consent_record(
        actor=w.coordinator,
        case=case,
        categories=cat("identitet"),
        recipients=[w.recipient_org],
        givers=[consents.Giver(GiverRole.YOUTH), consents.Giver(GiverRole.GUARDIAN, mother)],
        form=ConsentForm.ORAL,
        oral_note="Muntligt.",
        given_on=TODAY(),
    )
    cases.decision_record(
        actor=w.coordinator,
        case=case,
        legal_basis="bistand",
        decided_on=TODAY(),
        reference="SN 1",
        decision_maker=w.case_officer,
    )
    cases.case_transition(actor=w.coordinator, case=case, to_state=S.ACTIVE, reason="4")
    cases.profile_save(actor=w.coordinator, case=case, area="Norra")
    cases.outcome_count_save(
        actor=w.police, case=case, period="fore", measure="polisanmalningar", count=3
    )
    cases.case_close(
        actor=w.coordinator, case=case, closed_on=TODAY(), reason="mal_uppfyllda", summary="Bra."
    )
    for follow_up in FollowUp.objects.filter(case=case):
        cases.followup_record(
            actor=w.coordinator, case=case, followup=follow_up, done_on=TODAY(), situation="Bra."
        )
    assert Case.objects.get(pk=case.pk).state == S.FOLLOWED_UP
    logged = AuditRecord.objects.filter(case_code=case.code)
    types = set(logged.values_list("object_type", flat=True))
    assert {
        "cases.case",
        "cases.referral",
        "cases.guardian",
        "cases.preparationrecommendation",
        "cases.sigdecision",
        "cases.caseprofile",
        "cases.outcomecount",
        "cases.closure",
        "cases.followup",
        "consent.consent",
    } <= types
    moves = [r.detail["state_to"] for r in logged.order_by("pk") if "state_to" in (r.detail or {})]
    assert moves == [
        S.PREPARATION,
        S.SCREENING,
        S.INFORMATION,
        S.DECIDED,
        S.ACTIVE,
        S.CLOSED,
        S.FOLLOWED_UP,
    ]
    assert logged.filter(detail__information_points=[1, 2, 3, 4, 5, 6]).exists()
