"""The consent and case services refuse what the rules forbid, and a refusal writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import selectors
from samsyn.cases import services as cases
from samsyn.cases.models import Case, CaseMember, Guardian, GuardianRole, JournalNote, Youth
from samsyn.consent import services as consents
from samsyn.consent.models import AgeRule, Consent, ConsentForm, ConsentGiver, DataCategory
from samsyn.consent.models import GiverRole as R
from samsyn.organisations.models import Organisation, OrganisationKind, Person, Role
from tests.conftest import inform, make_person
from tests.test_consent_property import make_pnr

pytestmark = pytest.mark.django_db

COUNTED = [Consent, ConsentGiver, AuditRecord, Case, Youth, Guardian, CaseMember, JournalNote]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@contextmanager
def refused(exception: type[Exception], match: str | None = None) -> Iterator[Any]:
    """The call inside raises `exception` (with `match` in its text) and writes no rows."""
    before = counts()
    with pytest.raises(exception, match=match) as raised:
        yield raised
    assert counts() == before


def cat(*slugs: str) -> list[DataCategory]:
    return [DataCategory.objects.get(slug=s) for s in slugs]


def born_aged(years: int) -> date:
    today = timezone.localdate()
    return date(today.year - years, today.month, 1) - timedelta(days=30)


PARENTS = (
    {"first_name": "Mona", "last_name": "Provsson"},
    {"first_name": "Stig", "last_name": "Provsson"},
)


def youth_case(world, age: int, serial: int = 123, *guardians: dict[str, Any]):
    """A case for a youth of `age` today, with the police taking part, and its guardians."""
    case = cases.case_create(
        reason="Skolfrånvaro och misstänkt stöld.",
        actor=world.coordinator,
        first_name="Kim",
        last_name="Provsson",
        personnummer=make_pnr(born_aged(age), serial),
        age_exception_reason="Åldersregeln för samtycke prövas.",
    )
    inform(case, world.coordinator)
    cases.member_add(actor=world.coordinator, case=case, person=world.police)
    added = [
        cases.guardian_add(actor=world.coordinator, case=case, **g) for g in guardians or PARENTS
    ]
    return case, added


def record(world, case, givers, **extra: Any) -> Consent:
    options: dict[str, Any] = {
        "actor": world.coordinator,
        "case": case,
        "categories": cat("skola"),
        "recipients": [world.recipient_org],
        "givers": givers,
        "form": ConsentForm.ORAL,
        "oral_note": "Muntligt vid möte hos samordnaren.",
        "given_on": timezone.localdate(),
    }
    options.update(extra)
    return consents.consent_record(**options)


def youth() -> consents.Giver:
    return consents.Giver(R.YOUTH)


def guardian(g: Guardian) -> consents.Giver:
    return consents.Giver(R.GUARDIAN, g)


# --- who must consent, by age ---------------------------------------------------------------


def test_under_15_the_guardians_consent(world):
    case, (mother, father) = youth_case(world, 12)
    consent = record(world, case, [guardian(mother), guardian(father)])
    assert consent.age_rule == AgeRule.GUARDIANS and consent.age_at_consent == 12
    with refused(ValidationError, "Saknas: Stig Provsson"):
        record(world, case, [guardian(mother)])


def test_15_to_17_the_guardians_and_the_youth_consent(world):
    case, (mother, father) = youth_case(world, 16)
    consent = record(world, case, [youth(), guardian(mother), guardian(father)])
    assert consent.age_rule == AgeRule.GUARDIANS_AND_YOUTH and consent.age_at_consent == 16
    assert {g.role for g in consent.givers.all()} == {R.YOUTH, R.GUARDIAN}
    with refused(ValidationError, "måste samtycka tillsammans med vårdnadshavarna"):
        record(world, case, [guardian(mother), guardian(father)])
    with refused(ValidationError, "Saknas: Mona Provsson"):
        record(world, case, [youth(), guardian(father)])


def test_from_18_the_youth_consents_alone(world):
    case, (mother, father) = youth_case(world, 19)
    consent = record(world, case, [youth()])
    assert consent.age_rule == AgeRule.YOUTH and consent.maturity_assessment == ""
    with refused(ValidationError, "måste själv samtycka"):
        record(world, case, [guardian(mother), guardian(father)])


def test_a_minor_alone_needs_a_maturity_assessment(world):
    case, _ = youth_case(world, 16)
    with refused(ValidationError, "mognadsbedömningen") as raised:
        record(world, case, [youth()], maturity_assessment="   ")
    assert "maturity_assessment" in raised.value.message_dict
    consent = record(world, case, [youth()], maturity_assessment="Bedömd mogen efter två samtal.")
    assert consent.maturity_assessment == "Bedömd mogen efter två samtal."


def test_a_legal_representative_stands_in_for_the_guardians(world):
    case, (representative,) = youth_case(
        world,
        16,
        321,
        {
            "first_name": "Greta",
            "last_name": "Förmyndare",
            "role": GuardianRole.LEGAL_REPRESENTATIVE,
        },
    )
    consent = record(world, case, [youth(), consents.Giver(R.LEGAL_REPRESENTATIVE, representative)])
    assert consent.givers.count() == 2


def test_a_parent_cannot_stand_in_for_the_other_by_being_called_representative(world):
    """Bug fixed: the giver's role was trusted, so one parent could consent for both."""
    case, (mother, _father) = youth_case(world, 16)
    with refused(ValidationError, "registrerad som vårdnadshavare"):
        record(world, case, [youth(), consents.Giver(R.LEGAL_REPRESENTATIVE, mother)])


def test_the_same_person_cannot_give_twice(world):
    """Bug fixed: a repeated giver broke a unique constraint (a server error)."""
    case, (mother, father) = youth_case(world, 16)
    with refused(ValidationError, "flera gånger"):
        record(world, case, [youth(), guardian(mother), guardian(father), guardian(mother)])
    with refused(ValidationError, "flera gånger"):
        record(world, case, [youth(), youth(), guardian(mother), guardian(father)])


def test_a_guardian_without_custody_is_not_required(world):
    case, (mother, _father) = youth_case(
        world,
        16,
        654,
        {"first_name": "Mona", "last_name": "Provsson"},
        {"first_name": "Stig", "last_name": "Provsson", "has_custody": False},
    )
    consent = record(world, case, [youth(), guardian(mother)])
    assert [g.guardian for g in consent.givers.all() if g.guardian] == [mother]


def test_a_guardian_of_another_youth_cannot_consent(sig):
    w = sig.world
    _other, (stranger, _) = youth_case(w, 16, 777)
    with refused(ValidationError, "hör inte till ärendet"):
        record(
            w, sig.case, [youth(), guardian(sig.mother), guardian(sig.father), guardian(stranger)]
        )


# --- form, document, note, recipients -------------------------------------------------------


def everyone(sig) -> list[consents.Giver]:
    return [youth(), guardian(sig.mother), guardian(sig.father)]


def test_a_written_consent_needs_the_signed_document(sig, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = sig.world
    with refused(ValidationError) as raised:
        record(w, sig.case, everyone(sig), form=ConsentForm.WRITTEN, oral_note="")
    assert list(raised.value.message_dict) == ["document"]
    scan = SimpleUploadedFile("samtycke.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    consent = record(w, sig.case, everyone(sig), form=ConsentForm.WRITTEN, document=scan)
    assert consent.document.name.startswith("samtycken/")
    assert consent.document.read() == b"%PDF-1.4 signed"


def test_an_oral_consent_needs_a_note_of_when_and_how(sig):
    with refused(ValidationError) as raised:
        record(sig.world, sig.case, everyone(sig), oral_note="  \n ")
    assert list(raised.value.message_dict) == ["oral_note"]
    assert "muntligt" in raised.value.message_dict["oral_note"][0]


def test_recipients_are_other_organisations_of_the_same_municipality(sig):
    w = sig.world
    with refused(ValidationError, "egen organisation") as raised:
        record(w, sig.case, everyone(sig), recipients=[w.recipient_org, w.owner_org])
    assert list(raised.value.message_dict) == ["recipients"]
    from samsyn.organisations.models import Organisation, OrganisationKind

    other_police = Organisation.objects.create(
        municipality=w.other_municipality, kind=OrganisationKind.POLICE, name="Polisen Grannkommun"
    )
    with refused(ValidationError, "hör inte till kommunen") as raised:
        record(w, sig.case, everyone(sig), recipients=[w.recipient_org, other_police])
    assert list(raised.value.message_dict) == ["recipients"]
    # Another municipality's social services may receive, for a move (D48).
    moved = record(w, sig.case, everyone(sig), recipients=[w.outsider_org])
    assert list(moved.recipients.all()) == [w.outsider_org]
    with refused(ValidationError, "minst en kategori"):
        record(w, sig.case, everyone(sig), categories=[])


# --- renew and revoke -----------------------------------------------------------------------


def test_renewal_keeps_the_scope_and_points_to_the_old_consent(sig):
    w = sig.world
    school = Organisation.objects.create(
        municipality=w.municipality, kind=OrganisationKind.SCHOOL, name="Norraskolan"
    )
    old = record(
        w,
        sig.case,
        everyone(sig),
        categories=cat("skola", "familj"),
        recipients=[w.recipient_org, school],
        also_about=sig.mother,
        given_on=timezone.localdate() - timedelta(days=170),
    )
    new = consents.consent_renew(
        actor=w.case_officer,
        consent=old,
        givers=everyone(sig),
        form=ConsentForm.ORAL,
        oral_note="Förnyat vid nätverksmöte.",
        given_on=timezone.localdate(),
    )
    assert new.pk != old.pk and new.renews == old
    assert {c.slug for c in new.categories.all()} == {"skola", "familj"}
    assert set(new.recipients.all()) == {w.recipient_org, school}
    assert new.also_about == sig.mother
    old.refresh_from_db()
    assert old.revoked_at is None and list(old.renewals.all()) == [new]
    record_ = AuditRecord.objects.get(object_code=str(new.code), action=Action.CREATE)
    assert record_.detail["renews"] == str(old.code)


def test_a_revoked_consent_cannot_be_renewed(sig):
    w = sig.world
    old = record(w, sig.case, everyone(sig))
    consents.consent_revoke(actor=w.coordinator, consent=old, revoked_by="Ungdomen", how="Telefon")
    with refused(ValidationError, "återkallat samtycke kan inte förnyas"):
        consents.consent_renew(
            actor=w.coordinator,
            consent=old,
            givers=everyone(sig),
            form=ConsentForm.ORAL,
            oral_note="Förnyat.",
            given_on=timezone.localdate(),
        )


def test_only_the_releasing_organisation_renews(sig):
    w = sig.world
    old = record(w, sig.case, everyone(sig))
    with refused(PermissionDenied):
        consents.consent_renew(
            actor=w.police,
            consent=old,
            givers=everyone(sig),
            form=ConsentForm.ORAL,
            oral_note="Förnyat.",
            given_on=timezone.localdate(),
        )


def test_revocation_says_who_and_how_and_happens_once(sig):
    w = sig.world
    consent = record(w, sig.case, everyone(sig))
    with refused(ValidationError) as raised:
        consents.consent_revoke(actor=w.coordinator, consent=consent, revoked_by=" ", how="")
    assert set(raised.value.message_dict) == {"revoked_by", "how"}
    revoked = consents.consent_revoke(
        actor=w.coordinator, consent=consent, revoked_by="Mamman", how="I telefon"
    )
    assert revoked.revoked_at is not None and revoked.revocation_recorded_by == w.coordinator
    with refused(ValidationError, "redan återkallat"):
        consents.consent_revoke(
            actor=w.coordinator, consent=consent, revoked_by="Pappan", how="Brev"
        )
    consent.refresh_from_db()
    assert consent.revoked_by == "Mamman"


def test_who_may_revoke(sig):
    w = sig.world
    school = Organisation.objects.create(
        municipality=w.municipality, kind=OrganisationKind.SCHOOL, name="Norraskolan"
    )
    teacher = make_person("kurator", school, Role.ACTOR_REPRESENTATIVE)
    cases.member_add(actor=w.coordinator, case=sig.case, person=teacher)
    police_consent = record(w, sig.case, everyone(sig), actor=w.police, recipients=[w.owner_org])
    # Neither the releasing organisation nor the case owner: refused.
    with refused(PermissionDenied):
        consents.consent_revoke(
            actor=teacher, consent=police_consent, revoked_by="Ungdomen", how="Muntligt"
        )
    # Not a member of the case, even in the owner organisation: refused.
    with refused(PermissionDenied):
        consents.consent_revoke(
            actor=w.manager, consent=police_consent, revoked_by="Ungdomen", how="Muntligt"
        )
    # The releasing organisation may.
    consents.consent_revoke(
        actor=w.police, consent=police_consent, revoked_by="Ungdomen", how="Muntligt"
    )
    # The owner organisation (the coordinator) may revoke another organisation's consent.
    second = record(w, sig.case, everyone(sig), actor=w.police, recipients=[w.owner_org])
    consents.consent_revoke(actor=w.case_officer, consent=second, revoked_by="Mamman", how="Sms")
    assert Consent.objects.filter(revoked_at__isnull=False).count() == 2


def test_only_members_record_consents(sig):
    w = sig.world
    with refused(PermissionDenied):
        record(w, sig.case, everyone(sig), actor=w.manager)  # owner organisation, not a member
    with refused(PermissionDenied):
        record(w, sig.case, everyone(sig), actor=w.outsider)
    w.police.is_active = False
    w.police.save()
    with refused(PermissionDenied):
        record(w, sig.case, everyone(sig), actor=w.police, recipients=[w.owner_org])


# --- cases ----------------------------------------------------------------------------------


def test_only_social_services_coordinators_and_case_officers_open_cases(world):
    number = make_pnr(born_aged(16), 111)
    for actor in (world.steering, world.admin):
        with refused(PermissionDenied):
            cases.case_create(
                reason="Skolfrånvaro och misstänkt stöld.",
                actor=actor,
                first_name="Kim",
                last_name="Provsson",
                personnummer=number,
            )
    with refused(ValidationError, "Välj den socialtjänst"):
        cases.case_create(
            reason="Misstänkt rån.",
            actor=world.police,
            first_name="Kim",
            last_name="Provsson",
            personnummer=number,
        )
    case = cases.case_create(
        reason="Skolfrånvaro och misstänkt stöld.",
        actor=world.case_officer,
        first_name="Kim",
        last_name="Provsson",
        personnummer=number,
    )
    assert case.owner == world.owner_org
    assert list(case.members.values_list("person", flat=True)) == [world.case_officer.pk]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("2010-05-21", "Skriv personnumret som ÅÅÅÅMMDD-NNNN"),
        ("20100521-0017", "kontrollsiffran är fel"),
        ("20100231-0009", "datum som inte finns"),
        (None, "födelsedatum i framtiden"),
    ],
)
def test_personnummer_errors_are_in_swedish(world, number, message):
    if number is None:
        future = timezone.localdate() + timedelta(days=40)
        number = make_pnr(future, 222)
    with refused(ValidationError, message) as raised:
        cases.case_create(
            reason="Skolfrånvaro och misstänkt stöld.",
            actor=world.coordinator,
            first_name="Kim",
            last_name="Provsson",
            personnummer=number,
        )
    assert list(raised.value.message_dict) == ["personnummer"]


def test_a_youth_has_at_most_one_open_case(sig):
    w = sig.world
    with refused(ValidationError, "redan ett öppet ärende"):
        cases.case_create(
            reason="Skolfrånvaro och misstänkt stöld.",
            actor=w.case_officer,
            first_name="Alex",
            last_name="E",
            personnummer="201005210016",
        )
    Case.objects.filter(pk=sig.case.pk).update(closed_on=timezone.localdate(), state="avslutad")
    again = cases.case_create(
        reason="Skolfrånvaro och misstänkt stöld.",
        actor=w.case_officer,
        first_name="Alex",
        last_name="E",
        personnummer="20100521-0016",
    )
    assert again.youth == sig.case.youth


def test_members_come_from_the_municipality_of_the_case(sig):
    w = sig.world
    with refused(ValidationError, "kan inte läggas till"):
        cases.member_add(actor=w.coordinator, case=sig.case, person=w.outsider)
    nobody = make_person("ingen.org", None, Role.ACTOR_REPRESENTATIVE)
    with refused(ValidationError):
        cases.member_add(actor=w.coordinator, case=sig.case, person=nobody)
    with refused(PermissionDenied):  # only those who run the case add members
        cases.member_add(actor=w.police, case=sig.case, person=w.manager)


def test_a_note_belongs_to_the_authors_organisation(sig):
    w = sig.world
    note = cases.note_create(
        actor=w.police,
        case=sig.case,
        category=cat("polis")[0],
        title="Anmälan",
        text="Ingen anmälan upprättad.",
    )
    assert note.owner == w.recipient_org and note.created_by == w.police
    with refused(PermissionDenied):
        cases.note_create(
            actor=w.manager, case=sig.case, category=cat("polis")[0], title="X", text="Y"
        )
    _other, (stranger, _) = youth_case(w, 16, 888)
    with refused(ValidationError, "hör inte till ärendet"):
        cases.note_create(
            actor=w.police,
            case=sig.case,
            category=cat("familj")[0],
            title="X",
            text="Y",
            also_about=stranger,
        )


# --- demo data ------------------------------------------------------------------------------


def test_the_demo_cases_are_seeded_once_and_respect_consent(db):
    from samsyn.cases.demo import YOUTHS, demo_case, seed_cases
    from samsyn.consent import policy
    from samsyn.organisations.demo import seed_demo

    seed_demo()
    first = seed_cases()
    assert first.created == len(YOUTHS) and first.existing == 0
    rows = counts()
    second = seed_cases()
    assert second.created == 0 and second.existing == len(YOUTHS)
    assert counts() == rows

    one, two = demo_case(1), demo_case(2)
    assert str(one.youth) == "Adam Hussein" and str(two.youth) == "Liam Johansson"
    police = Person.objects.get(username="polis")
    # The police take part in both, but know who the youth is only where a consent covers it.
    assert CaseMember.objects.filter(person=police, case__in=[one, two]).count() == 2
    assert policy.case_access(viewer=police, case=one).identity().allowed
    assert not policy.case_access(viewer=police, case=two).identity().allowed
    found = policy.identified_cases(viewer=police, cases=Case.objects.all())
    assert one in found and two not in found
    # The demo has a revoked consent and one that ends within three weeks.
    assert Consent.objects.filter(case=one, revoked_at__isnull=False).count() == 1
    coordinator = Person.objects.get(username="samordnare")
    assert selectors.consents_expiring(viewer=coordinator, within_days=20)
    assert not Consent.objects.filter(case=two).exists()
