"""The one door, end to end through services and the policy (the core rules, by example)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import selectors
from samsyn.cases import services as cases
from samsyn.consent import policy
from samsyn.consent import services as consents
from samsyn.consent.models import AgeRule, ConsentForm, DataCategory, GiverRole
from samsyn.consent.policy import Basis
from tests.conftest import give_consent

pytestmark = pytest.mark.django_db


def cat(slug: str) -> DataCategory:
    return DataCategory.objects.get(slug=slug)


def parents_and_youth(sig):
    return [
        consents.Giver(GiverRole.YOUTH),
        consents.Giver(GiverRole.GUARDIAN, sig.mother),
        consents.Giver(GiverRole.GUARDIAN, sig.father),
    ]


give = give_consent


def test_own_organisation_sees_its_own_items(sig):
    w = sig.world
    note = cases.note_create(
        actor=w.coordinator,
        case=sig.case,
        category=cat("socialtjanst"),
        title="Utredning",
        text="Hemligt",
    )
    decision = policy.case_access(viewer=w.case_officer, case=sig.case).decide_item(note)
    assert decision.allowed and decision.basis == Basis.OWN_ORGANISATION
    assert "din egen organisation" in decision.explain()


def test_another_organisation_sees_only_what_a_live_consent_covers(sig):
    w = sig.world
    school = cases.note_create(
        actor=w.coordinator, case=sig.case, category=cat("skola"), title="Frånvaro", text="40 %"
    )
    health = cases.note_create(
        actor=w.coordinator, case=sig.case, category=cat("halsa"), title="BUP", text="Remiss"
    )
    consent = give(sig, "skola")
    access = policy.case_access(viewer=w.police, case=sig.case)
    allowed = access.decide_item(school)
    assert allowed.allowed and allowed.basis == Basis.CONSENT and allowed.consent == consent
    assert consent.number in allowed.explain() and "Skola" in allowed.explain()
    refused = access.decide_item(health)
    assert not refused.allowed and refused.basis == Basis.NO_CONSENT
    assert "avidentifierad" in refused.explain()


def test_revocation_stops_disclosure_at_once(sig):
    w = sig.world
    note = cases.note_create(
        actor=w.coordinator, case=sig.case, category=cat("skola"), title="Frånvaro", text="40 %"
    )
    consent = give(sig, "skola")
    assert policy.case_access(viewer=w.police, case=sig.case).decide_item(note).allowed
    consents.consent_revoke(
        actor=w.coordinator,
        consent=consent,
        revoked_by="Ungdomen",
        how="I telefon till samordnaren",
    )
    assert not policy.case_access(viewer=w.police, case=sig.case).decide_item(note).allowed
    consent.refresh_from_db()
    assert consent.revoked_at is not None  # kept, not deleted


def test_an_expired_consent_covers_nothing(sig):
    w = sig.world
    note = cases.note_create(
        actor=w.coordinator, case=sig.case, category=cat("skola"), title="Frånvaro", text="40 %"
    )
    give(
        sig,
        "skola",
        given_on=timezone.localdate() - timedelta(days=40),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    assert not policy.case_access(viewer=w.police, case=sig.case).decide_item(note).allowed


def test_the_default_end_date_follows_local_policy(sig):
    consent = give(sig, "skola", given_on=date(2026, 8, 31))
    assert consent.valid_until == date(2027, 2, 28)  # six months, end of a short month


def test_a_consent_from_another_organisation_does_not_release_the_owners_data(sig):
    w = sig.world
    note = cases.note_create(
        actor=w.coordinator, case=sig.case, category=cat("skola"), title="Frånvaro", text="40 %"
    )
    # The police obtained a consent for their own data; it says nothing about social services' notes.
    give(sig, "skola", actor=w.police, to=[w.owner_org])
    assert not policy.case_access(viewer=w.police, case=sig.case).decide_item(note).allowed
    assert policy.case_access(viewer=w.coordinator, case=sig.case).decide_item(note).allowed


def test_non_members_are_refused_whatever_their_organisation(sig):
    w = sig.world
    note = cases.note_create(
        actor=w.coordinator, case=sig.case, category=cat("skola"), title="Frånvaro", text="40 %"
    )
    assert (
        policy.case_access(viewer=w.manager, case=sig.case).decide_item(note).basis
        == Basis.NOT_MEMBER
    )


def test_the_age_rule_decides_who_must_consent(sig):
    with pytest.raises(ValidationError, match="Saknas: Mats Exempelsson"):
        give(
            sig,
            "skola",
            givers=[
                consents.Giver(GiverRole.YOUTH),
                consents.Giver(GiverRole.GUARDIAN, sig.mother),
            ],
        )
    with pytest.raises(ValidationError, match="måste samtycka tillsammans med vårdnadshavarna"):
        give(
            sig,
            "skola",
            givers=[
                consents.Giver(GiverRole.GUARDIAN, sig.mother),
                consents.Giver(GiverRole.GUARDIAN, sig.father),
            ],
        )
    with pytest.raises(ValidationError, match="mognadsbedömningen"):
        give(sig, "skola", givers=[consents.Giver(GiverRole.YOUTH)])
    alone = give(
        sig,
        "skola",
        givers=[consents.Giver(GiverRole.YOUTH)],
        maturity_assessment="Bedömd mogen av handläggaren.",
    )
    assert alone.age_rule == AgeRule.GUARDIANS_AND_YOUTH and alone.age_at_consent == 16


def test_data_about_a_guardian_needs_that_guardian(sig):
    w = sig.world
    note = cases.note_create(
        actor=w.coordinator,
        case=sig.case,
        category=cat("familj"),
        title="Mammans situation",
        text="…",
        also_about=sig.mother,
    )
    give(sig, "familj")  # about the youth only
    assert not policy.case_access(viewer=w.police, case=sig.case).decide_item(note).allowed
    give(sig, "familj", also_about=sig.mother)
    assert policy.case_access(viewer=w.police, case=sig.case).decide_item(note).allowed


def test_bad_consents_are_refused_and_nothing_is_written(sig):
    from samsyn.consent.models import Consent

    w = sig.world
    with pytest.raises(ValidationError) as raised:
        consents.consent_record(
            actor=w.coordinator,
            case=sig.case,
            categories=[],
            recipients=[w.owner_org],
            givers=parents_and_youth(sig),
            form=ConsentForm.WRITTEN,
            given_on=timezone.localdate() + timedelta(days=1),
        )
    errors = raised.value.message_dict
    assert set(errors) >= {"categories", "recipients", "given_on", "document"}
    with pytest.raises(PermissionDenied):
        give(sig, "skola", actor=w.outsider)
    assert Consent.objects.count() == 0


def test_the_case_page_hides_identity_without_consent_and_logs_every_decision(
    sig, django_assert_max_num_queries
):
    w = sig.world
    for i in range(3):
        cases.note_create(
            actor=w.coordinator, case=sig.case, category=cat("skola"), title=f"Skola {i}", text="…"
        )
    cases.note_create(
        actor=w.coordinator, case=sig.case, category=cat("halsa"), title="Hälsa", text="…"
    )
    give(sig, "skola")
    before = AuditRecord.objects.count()
    # 12, and 3 for D54: the audit insert and the check that the consent relied on is still
    # live, in one transaction (here a savepoint, its release and the check).
    with django_assert_max_num_queries(15):
        page = selectors.case_page(viewer=w.police, case=sig.case)
    assert page.youth is None and page.guardians == []
    assert page.anonymous.age_band == "15–17" and page.anonymous.anonymous_code.startswith("SIG-")
    assert [n.note.title for n in page.notes] == ["Skola 0", "Skola 1", "Skola 2"] or len(
        page.notes
    ) == 3
    assert page.hidden == [("Socialtjänsten Norra", "Hälsa", 1)]
    records = AuditRecord.objects.order_by("id")[before:]
    assert len(records) == 5  # identity + four notes
    assert {r.action for r in records} == {Action.READ, Action.REFUSED}
    assert any(r.basis.startswith("consent:") for r in records)


def test_identity_is_shown_once_consented(sig):
    w = sig.world
    give(sig, "identitet")
    page = selectors.case_page(viewer=w.police, case=sig.case)
    assert page.youth is not None and page.youth.first_name == "Alex"
