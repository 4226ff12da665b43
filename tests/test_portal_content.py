"""The portal's content: what the youth and the guardians see of their own case (the policy's
portal section), taking a consent back in two steps (and what the police see afterwards), the
share with guardians, "who has seen my data", the notices to the coordinator, the calendar
file, the audit records and a fixed number of queries."""

from __future__ import annotations

import ast
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import Case, CaseState, Guardian
from samsyn.consent import policy
from samsyn.consent import services as consents
from samsyn.consent.models import Consent, ConsentForm, DataCategory, GiverRole
from samsyn.meetings import services as meetings
from samsyn.meetings.models import MeetingKind
from samsyn.organisations.models import (
    LocalPolicy,
    Organisation,
    OrganisationKind,
    Person,
    Role,
)
from samsyn.plans import services as plans
from samsyn.plans.models import GoalStatus, LifeDomain
from samsyn.portal import auth
from samsyn.portal import services as portal_services
from samsyn.portal.models import GuardianShare, NoticeKind, PortalAccount, PortalNotice
from tests.conftest import inform, make_person, staff_client

pytestmark = pytest.mark.django_db

GOAL = "Jag vill klara nian och börja på gymnasiet."
SUBGOAL = "Närvaro i skolan minst 90 procent."
YOUTH_WORDS = "Gå till skolan varje dag."
ACTIVITY = "Ringa kuratorn varje måndag."
DECIDED = "Boka ett möte med studie- och yrkesvägledaren."
PREP = "Vi pratar om hur det går i skolan."
NOTE = "Frånvaron har minskat under hösten."
PREMEETING_AGENDA = "Förmöte: bara för de vuxna."
SMALL_AGENDA = "Mindre möte om pappas situation."


def today() -> date:
    return timezone.localdate()


def cat(*slugs: str) -> list[DataCategory]:
    return list(DataCategory.objects.filter(slug__in=slugs))


def all_givers(sig) -> list[consents.Giver]:
    return [
        consents.Giver(GiverRole.YOUTH),
        consents.Giver(GiverRole.GUARDIAN, sig.mother),
        consents.Giver(GiverRole.GUARDIAN, sig.father),
    ]


def account_for(case: Case, *, guardian: Guardian | None = None, username: str = "") -> Any:
    return PortalAccount.objects.create(
        case=case,
        kind="vardnadshavare" if guardian else "ungdom",
        guardian=guardian,
        username=username or (f"vh.{guardian.first_name.lower()}" if guardian else "ung.alex"),
        created_by=case.coordinator,
    )


def portal_client(account: PortalAccount) -> Client:
    """A browser signed in to the portal as `account` (a fresh client per account)."""
    client = Client()
    session = client.session
    session[auth.ACCOUNT_KEY] = account.pk
    session[auth.GENERATION_KEY] = str(account.session_generation)
    session[auth.SEEN_KEY] = time.time()
    session[auth.LOCKED_KEY] = False
    session.save()
    return client


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


class Portal:
    """The `sig` case, running, with a school taking part, a plan, consents, meetings and
    portal accounts for the youth and both guardians."""

    def __init__(self, sig) -> None:
        w = sig.world
        self.sig, self.world, self.case = sig, w, sig.case
        Case.objects.filter(pk=self.case.pk).update(
            state=CaseState.ACTIVE, started_on=today() - timedelta(days=30)
        )
        Case.objects.filter(pk=self.case.pk).update(opened_on=today() - timedelta(days=60))
        self.case.refresh_from_db()
        self.school_org = Organisation.objects.create(
            municipality=w.municipality, kind=OrganisationKind.SCHOOL, name="Norraskolan Elevhälsa"
        )
        self.school = make_person("kurator", self.school_org, Role.ACTOR_REPRESENTATIVE)
        cases.member_add(actor=w.coordinator, case=self.case, person=self.school)
        # Consent A: the plan and social services' records, to the police and the school,
        # given by everybody. Consent B: school data to the police, given by the youth alone.
        self.consent_a = consents.consent_record(
            actor=w.coordinator,
            case=self.case,
            categories=cat("plan", "socialtjanst"),
            recipients=[w.recipient_org, self.school_org],
            givers=all_givers(sig),
            form=ConsentForm.ORAL,
            oral_note="Vid hembesök.",
            given_on=today() - timedelta(days=10),
        )
        self.consent_b = consents.consent_record(
            actor=w.coordinator,
            case=self.case,
            categories=cat("skola"),
            recipients=[w.recipient_org],
            givers=[consents.Giver(GiverRole.YOUTH)],
            form=ConsentForm.ORAL,
            oral_note="Vid möte.",
            maturity_assessment="Bedömd mogen att samtycka själv i skolfrågor.",
            given_on=today() - timedelta(days=5),
        )
        self.plan = plans.plan_save(actor=w.coordinator, case=self.case, long_term_goal=GOAL)
        self.subgoal = plans.subgoal_save(
            actor=w.coordinator,
            case=self.case,
            domain=LifeDomain.SCHOOL,
            goal=SUBGOAL,
            youth_words=YOUTH_WORDS,
        )
        plans.activity_create(
            actor=w.coordinator,
            case=self.case,
            description=ACTIVITY,
            responsible_organisation=w.owner_org,
            subgoal=self.subgoal,
            youth_does=True,
            due_on=today() + timedelta(days=14),
        )
        plans.plan_agree(actor=w.coordinator, case=self.case, agreed_on=today())
        self.note = cases.note_create(
            actor=w.coordinator,
            case=self.case,
            title="Skolan",
            text=NOTE,
            category=cat("skola")[0],
        )
        # A held network meeting with a decision and a follow-up.
        self.held = self._plan(
            MeetingKind.NETWORK, at(today() - timedelta(days=7), 9), guardians=[sig.mother]
        )
        meetings.meeting_record(
            actor=w.coordinator,
            case=self.case,
            meeting=self.held,
            held_on=today() - timedelta(days=7),
            minutes="Minnesanteckning.",
            attended={},
        )
        meetings.meeting_decide(
            actor=w.coordinator,
            case=self.case,
            meeting=self.held,
            description=DECIDED,
            responsible_organisation=self.school_org,
            responsible_person=self.school,
            subgoal=self.subgoal,
            due_on=today() + timedelta(days=20),
        )
        meetings.meeting_follow_up(
            actor=w.coordinator,
            case=self.case,
            meeting=self.held,
            reviews=[(self.subgoal, GoalStatus.IN_PROGRESS, "Bättre närvaro.")],
        )
        # The next network meeting (the mother invited), its förmöte, and a smaller meeting
        # about the father without the youth.
        self.next = self._plan(
            MeetingKind.NETWORK, at(today() + timedelta(days=7), 10), guardians=[sig.mother]
        )
        meetings.meeting_prepare(
            actor=w.coordinator,
            case=self.case,
            meeting=self.next,
            prep_about=PREP,
            prep_topics="Skolan och fritiden.",
        )
        self.pre = self._plan(
            MeetingKind.PREMEETING,
            at(today() + timedelta(days=6), 10),
            premeeting_of=self.next,
            agenda=PREMEETING_AGENDA,
        )
        self.small = self._plan(
            MeetingKind.SMALL,
            at(today() + timedelta(days=8), 10),
            guardians=[sig.father],
            invite_youth=False,
            agenda=SMALL_AGENDA,
        )
        self.youth = account_for(self.case)
        self.mother = account_for(self.case, guardian=sig.mother)
        self.father = account_for(self.case, guardian=sig.father)

    def _plan(self, kind: str, when: datetime, *, guardians=(), **kwargs: Any):
        w = self.world
        kwargs.setdefault("agenda", "Dagordning.")
        return meetings.meeting_plan(
            actor=w.coordinator,
            case=self.case,
            kind=kind,
            starts_at=when,
            invite=[w.coordinator, w.police],
            invite_guardians=list(guardians),
            **kwargs,
        ).meeting


@pytest.fixture
def portal(sig) -> Portal:
    return Portal(sig)


@pytest.fixture
def other(world):
    """A second case, in the same municipality, with its own youth's account."""
    case = cases.case_create(
        reason="Annat ärende.",
        actor=world.coordinator,
        first_name="Billie",
        last_name="Annansson",
        date_of_birth=date(2009, 3, 3),
        district=world.district,
    )
    inform(case, world.coordinator)
    return account_for(case, username="ung.billie")


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def consent_url(consent: Consent) -> str:
    return reverse("portal:consent_withdraw", kwargs={"consent_code": consent.code})


def meeting_url(meeting) -> str:
    return reverse("portal:meeting", kwargs={"meeting_code": meeting.code})


# --- the youth --------------------------------------------------------------------------------


def test_the_youth_sees_the_own_plan_in_plain_words(portal):
    page = body(portal_client(portal.youth).get(reverse("portal:plan")))
    assert GOAL in page and YOUTH_WORDS in page and ACTIVITY in page and DECIDED in page
    assert SUBGOAL not in page  # the youth's own words first
    assert "Du" in page and "Kurator" in page and "Norraskolan Elevhälsa" in page
    assert "På gång" in page
    assert "Planen bestämdes senast den" in page


def test_the_start_page_greets_and_sums_up(portal):
    page = body(portal_client(portal.youth).get(reverse("portal:start")))
    assert "Hej Alex!" in page
    assert "0 av 1 delmål klara" in page or "0 av 1 delmål klart" in page
    assert meeting_url(portal.next) in page
    assert "2 samtycken gäller nu." in page
    assert reverse("portal:feedback") in page and reverse("portal:about") in page
    assert "Utvärdera din SIG" not in page
    mother = body(portal_client(portal.mother).get(reverse("portal:start")))
    assert "Hej Maria!" in mother and "1 samtycke gäller nu." in mother


def test_the_start_page_offers_the_evaluation_when_due(portal, monkeypatch):
    from samsyn.portal import voice_selectors

    monkeypatch.setattr(voice_selectors, "evaluation_due", lambda *, account: True)
    page = body(portal_client(portal.youth).get(reverse("portal:start")))
    assert "Utvärdera din SIG" in page and reverse("portal:evaluation") in page


def test_the_youth_sees_network_meetings_never_a_premeeting(portal):
    http = portal_client(portal.youth)
    page = body(http.get(reverse("portal:meetings")))
    assert meeting_url(portal.next) in page and meeting_url(portal.held) in page
    assert meeting_url(portal.pre) not in page and meeting_url(portal.small) not in page
    # Upcoming first, the next one highlighted.
    assert page.index(meeting_url(portal.next)) < page.index(meeting_url(portal.held))
    assert "Nästa möte" in page
    assert http.get(meeting_url(portal.pre)).status_code == 404
    assert http.get(meeting_url(portal.small)).status_code == 404
    calendar = reverse("portal:meeting_calendar", kwargs={"meeting_code": portal.pre.code})
    assert http.get(calendar).status_code == 404


def test_a_smaller_meeting_is_shown_when_the_youth_is_invited(portal):
    small = portal._plan(
        MeetingKind.SMALL, at(today() + timedelta(days=9), 10), agenda="Litet möte."
    )
    page = body(portal_client(portal.youth).get(reverse("portal:meetings")))
    assert meeting_url(small) in page


def test_one_meeting_says_who_comes_and_how_to_prepare(portal):
    page = body(portal_client(portal.youth).get(meeting_url(portal.next)))
    assert PREP in page and "Skolan och fritiden." in page and "Dagordning." in page
    assert "Maria Exempelsson" in page and "Polisen Testkommun" in page and "Du" in page
    assert "Lägg till i kalendern" in page
    assert "Minnesanteckning." not in page


def test_a_held_meeting_shows_what_was_decided(portal):
    page = body(portal_client(portal.youth).get(meeting_url(portal.held)))
    assert "Det här bestämdes" in page and DECIDED in page and "Bättre närvaro." in page
    assert "Minnesanteckning." not in page


def test_the_youth_sees_every_consent_and_may_withdraw_the_own(portal):
    page = body(portal_client(portal.youth).get(reverse("portal:consents")))
    assert portal.consent_a.number in page and portal.consent_b.number in page
    assert "Socialtjänsten Norra får berätta" in page
    assert "Polisen Testkommun" in page and "Norraskolan Elevhälsa" in page
    assert consent_url(portal.consent_a) in page and consent_url(portal.consent_b) in page
    assert "Maria Exempelsson (vårdnadshavare)" in page


def test_the_calendar_file_links_to_the_portal_page(portal):
    response = portal_client(portal.youth).get(
        reverse("portal:meeting_calendar", kwargs={"meeting_code": portal.next.code})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    ics = response.content.decode().replace("\r\n ", "")
    assert "BEGIN:VEVENT" in ics and meeting_url(portal.next) in ics
    assert "Alex" not in ics and PREP not in ics


# --- nobody sees another case ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["youth", "guardian"])
def test_an_account_of_another_case_sees_nothing_of_this_one(portal, other, who):
    if who == "guardian":
        guardian = cases.guardian_add(
            actor=portal.world.coordinator, case=other.case, first_name="Kim", last_name="Annan"
        )
        other = account_for(other.case, guardian=guardian)
    http = portal_client(other)
    for name in ("portal:start", "portal:plan", "portal:meetings", "portal:consents"):
        page = body(http.get(reverse(name)))
        for secret in (GOAL, YOUTH_WORDS, PREP, "Exempelsson", portal.consent_a.number):
            assert secret not in page, (name, secret)
    page = body(http.get(reverse("portal:seen")))
    assert "Läste:" not in page and "Ingen har läst något här ännu." in page
    for meeting in (portal.next, portal.held):
        assert http.get(meeting_url(meeting)).status_code == 404
        calendar = reverse("portal:meeting_calendar", kwargs={"meeting_code": meeting.code})
        assert http.get(calendar).status_code == 404
    before = Consent.objects.filter(revoked_at__isnull=False).count()
    assert http.get(consent_url(portal.consent_a)).status_code == 404
    assert http.post(consent_url(portal.consent_a), {"step": "bekrafta"}).status_code == 404
    assert Consent.objects.filter(revoked_at__isnull=False).count() == before
    assert http.get(meeting_url(portal.next)[:-5] + "00000/").status_code == 404
    if who == "youth":
        page = body(http.get(reverse("portal:guardian_share")))
        assert "Maria" not in page and "Mats" not in page
        response = http.post(
            reverse("portal:guardian_share"), {"guardian": portal.sig.mother.code, "share": "ja"}
        )
        assert response.status_code == 404 and not GuardianShare.objects.exists()


PORTAL_PAGES = [
    "portal:start",
    "portal:plan",
    "portal:meetings",
    "portal:consents",
    "portal:guardian_share",
    "portal:seen",
]


def test_staff_and_anonymous_visitors_get_the_portal_sign_in(portal):
    urls = [reverse(name) for name in PORTAL_PAGES] + [
        meeting_url(portal.next),
        reverse("portal:meeting_calendar", kwargs={"meeting_code": portal.next.code}),
        consent_url(portal.consent_a),
    ]
    for http in (
        Client(),
        staff_client(portal.world.coordinator),
        staff_client(portal.world.outsider),
    ):
        for url in urls:
            response = http.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/ung/logga-in/"), url
        response = http.post(consent_url(portal.consent_a), {"step": "bekrafta"})
        assert response.status_code == 302
    portal.consent_a.refresh_from_db()
    assert portal.consent_a.revoked_at is None


def test_the_service_refuses_another_case(portal, other):
    with pytest.raises(PermissionDenied):
        consents.consent_withdraw_in_portal(
            account=other, consent=portal.consent_a, recipients=None
        )
    portal.consent_a.refresh_from_db()
    assert portal.consent_a.revoked_at is None


# --- the guardians --------------------------------------------------------------------------


def test_a_guardian_of_a_15_year_old_sees_no_plan_without_a_share(portal):
    assert portal.case.youth.age(today()) >= 15
    http = portal_client(portal.mother)
    page = body(http.get(reverse("portal:plan")))
    assert GOAL not in page and YOUTH_WORDS not in page
    assert "Alex bestämmer själv" in page
    held = body(http.get(meeting_url(portal.held)))
    assert DECIDED not in held and "delar planen med dig" in held
    start = body(http.get(reverse("portal:start")))
    assert "delmål" not in start


def test_a_guardian_sees_the_plan_once_the_youth_shares_it(portal):
    portal_services.plan_share_set(account=portal.youth, guardian=portal.sig.mother, shared=True)
    http = portal_client(portal.mother)
    page = body(http.get(reverse("portal:plan")))
    assert GOAL in page and YOUTH_WORDS in page and "Alex" in page
    assert DECIDED in body(http.get(meeting_url(portal.held)))
    # Only the guardian it was shared with.
    assert GOAL not in body(portal_client(portal.father).get(reverse("portal:plan")))
    portal_services.plan_share_set(account=portal.youth, guardian=portal.sig.mother, shared=False)
    assert GOAL not in body(http.get(reverse("portal:plan")))
    assert GuardianShare.objects.filter(withdrawn_at__isnull=False).count() == 1


def test_below_the_local_guardians_age_the_guardians_see_the_plan(portal):
    LocalPolicy.objects.filter(municipality=portal.world.municipality).update(
        consent_guardians_only_below_age=18, consent_youth_alone_from_age=18
    )
    assert GOAL in body(portal_client(portal.father).get(reverse("portal:plan")))
    # A guardian without custody does not.
    Guardian.objects.filter(pk=portal.sig.father.pk).update(has_custody=False)
    assert GOAL not in body(portal_client(portal.father).get(reverse("portal:plan")))


def test_a_guardian_sees_only_the_meetings_they_are_invited_to(portal):
    mother = portal_client(portal.mother)
    page = body(mother.get(reverse("portal:meetings")))
    assert meeting_url(portal.next) in page and meeting_url(portal.held) in page
    assert meeting_url(portal.small) not in page and meeting_url(portal.pre) not in page
    assert mother.get(meeting_url(portal.small)).status_code == 404
    assert mother.get(meeting_url(portal.pre)).status_code == 404
    father = portal_client(portal.father)
    page = body(father.get(reverse("portal:meetings")))
    assert meeting_url(portal.small) in page and meeting_url(portal.next) not in page
    assert father.get(meeting_url(portal.next)).status_code == 404
    assert SMALL_AGENDA in body(father.get(meeting_url(portal.small)))


def test_a_guardian_sees_only_consents_they_gave_or_that_are_about_them(portal):
    sig = portal.sig
    about_mother = consents.consent_record(
        actor=portal.world.coordinator,
        case=portal.case,
        categories=cat("familj"),
        recipients=[portal.school_org],
        givers=all_givers(sig),
        also_about=sig.mother,
        form=ConsentForm.ORAL,
        oral_note="Vid möte.",
        given_on=today(),
    )
    page = body(portal_client(portal.mother).get(reverse("portal:consents")))
    assert portal.consent_a.number in page and about_mother.number in page
    assert portal.consent_b.number not in page
    assert consent_url(portal.consent_a) in page
    policy_access = policy.portal_access(account=portal.mother)
    assert {c.pk for c in policy_access.visible_consents} == {portal.consent_a.pk, about_mother.pk}
    # A guardian cannot withdraw what only the youth gave: not even the page exists.
    assert portal_client(portal.mother).get(consent_url(portal.consent_b)).status_code == 404
    with pytest.raises(PermissionDenied):
        consents.consent_withdraw_in_portal(
            account=portal.mother, consent=portal.consent_b, recipients=None
        )


def test_the_share_page_is_the_youths_alone(portal):
    assert portal_client(portal.mother).get(reverse("portal:guardian_share")).status_code == 404
    response = portal_client(portal.mother).post(
        reverse("portal:guardian_share"), {"guardian": portal.sig.mother.code, "share": "ja"}
    )
    assert response.status_code == 404 and not GuardianShare.objects.exists()
    http = portal_client(portal.youth)
    page = body(http.get(reverse("portal:guardian_share")))
    assert "Maria Exempelsson" in page and "Mats Exempelsson" in page
    assert "Ser inte din plan." in page and "Dela min plan med Maria Exempelsson" in page
    response = http.post(
        reverse("portal:guardian_share"), {"guardian": portal.sig.mother.code, "share": "ja"}
    )
    assert response.status_code == 302
    assert GuardianShare.objects.filter(guardian=portal.sig.mother, withdrawn_at=None).exists()
    notice = PortalNotice.objects.get(kind=NoticeKind.SHARE_CHANGED)
    assert "Maria" not in notice.text and portal.case.anonymous_code in notice.text
    page = body(http.get(reverse("portal:guardian_share")))
    assert "Sluta dela med Maria Exempelsson" in page


def test_below_the_age_the_share_page_says_the_guardians_decide(portal):
    LocalPolicy.objects.filter(municipality=portal.world.municipality).update(
        consent_guardians_only_below_age=18, consent_youth_alone_from_age=18
    )
    page = body(portal_client(portal.youth).get(reverse("portal:guardian_share")))
    assert "dina vårdnadshavare som bestämmer" in page and "Dela min plan" not in page


# --- taking a consent back ------------------------------------------------------------------


def test_withdrawal_is_two_steps_and_nothing_changes_before_the_confirmation(portal):
    http = portal_client(portal.youth)
    url = consent_url(portal.consent_a)
    page = body(http.get(url))
    assert "Vilka ska inte längre få uppgifterna?" in page and "checked" not in page
    police, school = str(portal.world.recipient_org.code), str(portal.school_org.code)
    page = body(http.post(url, {"step": "valj", "recipients": [police, school]}))
    assert "Är du säker?" in page and "Ja, ta tillbaka" in page and "Nej, gå tillbaka" in page
    assert "från och med nu" in page
    portal.consent_a.refresh_from_db()
    assert portal.consent_a.revoked_at is None and not PortalNotice.objects.exists()
    response = http.post(url, {"step": "bekrafta", "recipients": [police, school]})
    assert response.status_code == 302 and response["Location"] == reverse("portal:consents")
    portal.consent_a.refresh_from_db()
    assert portal.consent_a.revoked_at is not None
    assert portal.consent_a.revoked_by == "Ungdomen (i portalen)"
    assert portal.consent_a.revocation_how.startswith("Tog tillbaka samtycket i portalen.")
    assert portal.consent_a.revocation_recorded_by is None
    assert not Consent.objects.filter(remains_of=portal.consent_a).exists()
    page = body(http.get(reverse("portal:consents")))
    assert "Klart. Från och med nu" in page and "Återkallat den" in page
    # A second withdrawal is refused.
    assert http.get(url).status_code == 404
    assert http.post(url, {"step": "bekrafta", "recipients": [police]}).status_code == 404
    with pytest.raises(ValidationError):
        consents.consent_withdraw_in_portal(
            account=portal.youth, consent=portal.consent_a, recipients=None
        )


def test_choosing_nobody_is_a_clear_error(portal):
    http = portal_client(portal.youth)
    page = body(http.post(consent_url(portal.consent_a), {"step": "valj"}))
    assert "Välj minst en" in page and "Är du säker?" not in page
    page = body(http.post(consent_url(portal.consent_a), {"step": "bekrafta"}))
    assert "Välj minst en" in page
    portal.consent_a.refresh_from_db()
    assert portal.consent_a.revoked_at is None
    with pytest.raises(ValidationError):
        consents.consent_withdraw_in_portal(
            account=portal.youth, consent=portal.consent_a, recipients=[]
        )


def test_withdrawing_for_some_recipients_keeps_the_rest_as_a_remainder(portal):
    police = portal.world.recipient_org
    http = portal_client(portal.youth)
    response = http.post(
        consent_url(portal.consent_a), {"step": "bekrafta", "recipients": [str(police.code)]}
    )
    assert response.status_code == 302
    old = Consent.objects.get(pk=portal.consent_a.pk)
    assert old.revoked_at is not None
    remainder = Consent.objects.get(remains_of=old)
    assert [o.pk for o in remainder.recipients.all()] == [portal.school_org.pk]
    assert {c.slug for c in remainder.categories.all()} == {"plan", "socialtjanst"}
    assert sorted((g.role, g.guardian_id) for g in remainder.givers.all()) == sorted(
        (g.role, g.guardian_id) for g in old.givers.all()
    )
    assert (remainder.given_on, remainder.valid_until, remainder.age_rule) == (
        old.given_on,
        old.valid_until,
        old.age_rule,
    )
    assert remainder.recorded_by == old.recorded_by and remainder.revoked_at is None
    assert old.number in remainder.oral_note and "Polisen Testkommun" in remainder.oral_note
    assert "Vid hembesök." in remainder.oral_note
    page = body(http.get(reverse("portal:consents")))
    assert "Norraskolan Elevhälsa får uppgifterna som förut." in page
    assert f"det som är kvar av {old.number}" in page
    # Both changes are audited as the portal account's, without names.
    records = AuditRecord.objects.filter(
        actor_username="portal:ung.alex", object_type="consent.consent"
    ).exclude(action=Action.READ)
    assert {(r.action, r.object_code) for r in records} == {
        (Action.UPDATE, str(old.code)),
        (Action.CREATE, str(remainder.code)),
    }
    assert all(r.detail["portal_account"] == str(portal.youth.code) for r in records)
    # The staff consent list says what the remainder is.
    listing = body(
        staff_client(portal.world.coordinator).get(
            reverse("consent:list", kwargs={"code": portal.case.code})
        )
    )
    assert f"Kvarstår av {old.number}" in listing and "förnyar" not in listing


def test_a_guardian_withdraws_a_consent_they_gave(portal):
    remainder = consents.consent_withdraw_in_portal(
        account=portal.mother, consent=portal.consent_a, recipients=None
    )
    assert remainder is None
    portal.consent_a.refresh_from_db()
    assert portal.consent_a.revoked_by == "Maria Exempelsson (vårdnadshavare, i portalen)"


# --- what the police see after the withdrawal (through the real staff views) ------------------


def test_the_police_stop_seeing_the_items_at_their_next_page_view(portal):
    police = staff_client(portal.world.police)
    school = staff_client(portal.school)
    plan_url = reverse("plans:plan", kwargs={"code": portal.case.code})
    case_url = reverse("cases:detail", kwargs={"code": portal.case.code})
    assert GOAL in body(police.get(plan_url)) and GOAL in body(school.get(plan_url))
    assert NOTE in body(police.get(case_url))  # under consent B
    youth = portal_client(portal.youth)
    youth.post(
        consent_url(portal.consent_a),
        {"step": "bekrafta", "recipients": [str(portal.world.recipient_org.code)]},
    )
    youth.post(consent_url(portal.consent_b), {"step": "bekrafta"})
    assert GOAL not in body(police.get(plan_url))
    assert NOTE not in body(police.get(case_url))
    assert GOAL in body(school.get(plan_url))  # the remaining recipient still does
    assert AuditRecord.objects.filter(
        actor_username="polis", action=Action.REFUSED, object_type="plans.actionplan"
    ).exists()


# --- the coordinator is told ----------------------------------------------------------------


def _with_email(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(email=f"{person.username}@example.se")


def test_the_coordinator_gets_a_notice_and_an_email_without_what_the_youth_wrote(
    portal, django_capture_on_commit_callbacks
):
    _with_email(portal.world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        consents.consent_withdraw_in_portal(
            account=portal.youth,
            consent=portal.consent_a,
            recipients=[portal.world.recipient_org],
        )
    notice = PortalNotice.objects.get(kind=NoticeKind.CONSENT_WITHDRAWN)
    assert portal.consent_a.number in notice.text
    assert portal.case.anonymous_code in notice.text and "Polisen Testkommun" in notice.text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["samordnare@example.se"]
    text = message.subject + message.body
    assert portal.case.anonymous_code in text
    assert reverse("portal_staff:overview", kwargs={"code": portal.case.code}) in text
    for secret in ("Alex", "Exempelsson", "Maria", GOAL, YOUTH_WORDS, "Polisen"):
        assert secret not in text


def test_a_failed_email_does_not_undo_the_withdrawal(
    portal, monkeypatch, django_capture_on_commit_callbacks
):
    import samsyn.portal.services as module

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("no mail server")

    _with_email(portal.world.coordinator)
    monkeypatch.setattr(module, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        consents.consent_withdraw_in_portal(
            account=portal.youth, consent=portal.consent_b, recipients=None
        )
    portal.consent_b.refresh_from_db()
    assert portal.consent_b.revoked_at is not None
    assert PortalNotice.objects.filter(kind=NoticeKind.CONSENT_WITHDRAWN).exists()


def test_the_reminders_page_lists_the_notices_for_the_coordinator_only(portal):
    consents.consent_withdraw_in_portal(
        account=portal.youth, consent=portal.consent_b, recipients=None
    )
    notice = PortalNotice.objects.get()
    page = body(staff_client(portal.world.coordinator).get("/paminnelser/"))
    assert "Från portalen" in page and notice.text in page
    assert reverse("portal_staff:overview", kwargs={"code": portal.case.code}) in page
    assert (
        reverse(
            "portal_staff:notice_read",
            kwargs={"code": portal.case.code, "notice_code": notice.code},
        )
        in page
    )
    assert 'name="next" value="/paminnelser/"' in page
    assert "Från portalen" not in body(staff_client(portal.world.police).get("/paminnelser/"))
    PortalNotice.objects.update(read_at=timezone.now())
    assert "Från portalen" not in body(staff_client(portal.world.coordinator).get("/paminnelser/"))


# --- the audit log and "who has seen my data" ---------------------------------------------------


def test_every_portal_page_writes_one_read_record(portal):
    http = portal_client(portal.youth)
    for url in (
        reverse("portal:start"),
        reverse("portal:plan"),
        reverse("portal:meetings"),
        meeting_url(portal.next),
        reverse("portal:consents"),
        reverse("portal:guardian_share"),
        reverse("portal:seen"),
        consent_url(portal.consent_a),
    ):
        before = AuditRecord.objects.count()
        body(http.get(url))
        records = list(AuditRecord.objects.order_by("-id")[: AuditRecord.objects.count() - before])
        assert len(records) == 1, url
        record = records[0]
        assert record.action == Action.READ and record.actor_code is None
        assert record.actor_username == "portal:ung.alex" and record.basis == "data_subject"
        assert record.case_code == portal.case.code
        assert record.subject_code == portal.case.youth.code
        assert record.detail["portal_account"] == str(portal.youth.code)
        assert "Alex" not in str(record.detail)
    body(portal_client(portal.mother).get(reverse("portal:meetings")))
    assert AuditRecord.objects.filter(actor_username="portal:vh.maria", basis="guardian").exists()


def test_who_has_seen_lists_others_reads_but_not_the_youths_own(portal):
    staff_client(portal.world.police).get(reverse("plans:plan", kwargs={"code": portal.case.code}))
    staff_client(portal.world.coordinator).get(
        reverse("cases:detail", kwargs={"code": portal.case.code})
    )
    body(portal_client(portal.mother).get(reverse("portal:meetings")))
    http = portal_client(portal.youth)
    body(http.get(reverse("portal:plan")))
    page = body(http.get(reverse("portal:seen")))
    assert "Polis" in page and "Polisen Testkommun" in page
    assert f"Samtycke {portal.consent_a.number}" in page
    assert "De arbetar där din samordnare arbetar" in page
    assert "Maria Exempelsson (vårdnadshavare)" in page
    assert "ung.alex" not in page and "Alex" not in page.split("<main", 1)[1]
    only = body(http.get(reverse("portal:seen") + "?andra=1"))
    assert f"Samtycke {portal.consent_a.number}" in only
    assert "De arbetar där din samordnare arbetar" not in only and "Maria" not in only


def test_a_guardian_sees_only_reads_under_consents_they_gave(portal):
    staff_client(portal.world.police).get(reverse("plans:plan", kwargs={"code": portal.case.code}))
    staff_client(portal.world.police).get(
        reverse("cases:detail", kwargs={"code": portal.case.code})
    )
    staff_client(portal.world.coordinator).get(
        reverse("cases:detail", kwargs={"code": portal.case.code})
    )
    body(portal_client(portal.youth).get(reverse("portal:plan")))
    page = body(portal_client(portal.mother).get(reverse("portal:seen")))
    assert f"Samtycke {portal.consent_a.number}" in page
    assert f"Samtycke {portal.consent_b.number}" not in page  # the youth's alone
    assert "De arbetar där din samordnare arbetar" not in page and "Ungdomen" not in page
    youth_page = body(portal_client(portal.youth).get(reverse("portal:seen")))
    assert f"Samtycke {portal.consent_b.number}" in youth_page


def test_who_has_seen_is_paginated(portal):
    police = staff_client(portal.world.police)
    for _ in range(15):
        police.get(reverse("plans:plan", kwargs={"code": portal.case.code}))
    http = portal_client(portal.youth)
    page = body(http.get(reverse("portal:seen")))
    assert "Sida 1 av" in page and "?sida=2" in page
    assert page.count("Läste:") == 25
    assert "Sida 2 av" in body(http.get(reverse("portal:seen") + "?sida=2"))


# --- a fixed number of queries --------------------------------------------------------------


def _more(portal, n: int) -> None:
    w = portal.world
    for i in range(n):
        goal = plans.subgoal_save(
            actor=w.coordinator,
            case=portal.case,
            domain=LifeDomain.HEALTH,
            goal=f"Delmål {i}",
        )
        plans.activity_create(
            actor=w.coordinator,
            case=portal.case,
            description=f"Aktivitet {i}",
            responsible_organisation=portal.school_org,
            responsible_person=portal.school,
            subgoal=goal,
        )
        consents.consent_record(
            actor=w.coordinator,
            case=portal.case,
            categories=cat("fritid", "halsa"),
            recipients=[portal.school_org, w.recipient_org],
            givers=all_givers(portal.sig),
            form=ConsentForm.ORAL,
            oral_note="Vid möte.",
            given_on=today(),
        )
        portal._plan(MeetingKind.NETWORK, at(today() + timedelta(days=20 + i), 9))


@pytest.mark.parametrize(
    "name", ["portal:start", "portal:plan", "portal:consents", "portal:meetings", "portal:seen"]
)
def test_the_pages_cost_the_same_queries_with_more_items(portal, name):
    http = portal_client(portal.youth)
    # Something on every list: a staff read and a guardian's read for "who has seen".
    staff_client(portal.world.police).get(reverse("plans:plan", kwargs={"code": portal.case.code}))
    portal_client(portal.mother).get(reverse("portal:meetings"))
    http.get(reverse(name))
    with CaptureQueriesContext(connection) as few:
        body(http.get(reverse(name)))
    _more(portal, 6)
    staff_client(portal.world.police).get(reverse("plans:plan", kwargs={"code": portal.case.code}))
    portal_client(portal.father).get(reverse("portal:meetings"))
    with CaptureQueriesContext(connection) as many:
        page = body(http.get(reverse(name)))
    if name == "portal:plan":
        assert "Aktivitet 5" in page
    assert len(many.captured_queries) == len(few.captured_queries), "\n".join(
        q["sql"][:150] for q in many.captured_queries
    )


# --- the one door ---------------------------------------------------------------------------


def test_the_content_views_do_not_touch_the_personal_data_models():
    from tests.test_one_door import PERSONAL_DATA_MODELS

    path = Path(__file__).resolve().parent.parent / "samsyn" / "portal" / "content_views.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith(".models")
        for alias in node.names
    }
    assert not imported & PERSONAL_DATA_MODELS
    assert ".objects" not in path.read_text(encoding="utf-8")
