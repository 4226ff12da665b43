"""Reads for the portal: what the youth or a guardian sees of their own case, in plain words.

Every selector starts from `consent.policy.portal_access` (the one door for portal reads),
keys everything from `account.case`, and leaves out what the account may not see before it
reaches a view object. Each page writes one audit record of the read, in one insert.

Rule: a fixed number of queries per page, whatever the number of goals, meetings or consents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.audit.models import Action, AuditRecord
from samsyn.audit.selectors import object_type_label, organisation_names
from samsyn.cases.models import Case, Guardian
from samsyn.consent import policy
from samsyn.consent.models import Consent, GiverRole
from samsyn.consent.selectors import consent_number_of, disclosures_for_case
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
from samsyn.meetings.selectors import with_attendances
from samsyn.organisations.models import Organisation, Person
from samsyn.plans.models import ActionPlan, Activity, GoalReview, GoalStatus, PlanVersion, SubGoal
from samsyn.portal import voice_selectors
from samsyn.portal.models import PortalAccount

SEEN_PER_PAGE = 25

STATUS_WORDS = {
    GoalStatus.NOT_STARTED: gettext_lazy("Inte påbörjat"),
    GoalStatus.IN_PROGRESS: gettext_lazy("På gång"),
    GoalStatus.ACHIEVED: gettext_lazy("Klart!"),
    GoalStatus.PARTLY: gettext_lazy("Delvis klart"),
    GoalStatus.NOT_ACHIEVED: gettext_lazy("Inte klart"),
}

MEETING_KIND_WORDS = {
    MeetingKind.NETWORK: gettext_lazy("Möte med hela gruppen"),
    MeetingKind.SMALL: gettext_lazy("Mindre möte"),
}

MEETING_STATUS_WORDS = {
    MeetingStatus.PLANNED: gettext_lazy("Planerat"),
    MeetingStatus.INVITED: gettext_lazy("Kallelsen är skickad"),
    MeetingStatus.HELD: gettext_lazy("Har hållits"),
    MeetingStatus.CANCELLED: gettext_lazy("Inställt"),
}

PREPARATION_WORDS = [
    ("prep_about", gettext_lazy("Vad mötet handlar om")),
    ("prep_outcome", gettext_lazy("Vad vi hoppas att mötet leder till")),
    ("prep_who", gettext_lazy("Vilka som kommer")),
    ("prep_topics", gettext_lazy("Vad vi ska prata om")),
    ("prep_after", gettext_lazy("Vad som händer efteråt")),
    ("agenda", gettext_lazy("Det här ska vi gå igenom")),
]

WHAT_WORDS = {
    "cases.youth": gettext_lazy("Namn och kontaktuppgifter"),
    "cases.case": gettext_lazy("Sidor i portalen"),
    "cases.journalnote": gettext_lazy("Anteckning"),
    "plans.actionplan": gettext_lazy("Planen"),
    "plans.subgoal": gettext_lazy("Delmål i planen"),
    "plans.activity": gettext_lazy("Något som ska göras i planen"),
    "plans.goalreview": gettext_lazy("Hur det går med ett delmål"),
    "plans.intervention": gettext_lazy("Stöd du får"),
    "meetings.meeting": gettext_lazy("Möte"),
    "consent.consent": gettext_lazy("Samtycke"),
    "portal.guardianshare": gettext_lazy("Vad vårdnadshavarna får se"),
    "audit.auditrecord": gettext_lazy("Vem som har sett dina uppgifter"),
}


def _youth_first_name(case: Case) -> str:
    return case.youth.first_name


def _finish(access: policy.PortalAccess, *, object_type: str, object_code: str, page: str) -> None:
    """The page's read, in the audit log (one insert)."""
    access.note(object_type=object_type, object_code=object_code, page=page)
    access.record()


# --- meetings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingCard:
    code: UUID
    kind: str
    starts_at: datetime
    ends_at: datetime
    location: str
    status: str
    status_words: str
    is_next: bool = False

    @property
    def cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def held(self) -> bool:
        return self.status == MeetingStatus.HELD


def _meetings(case: Case) -> list[Meeting]:
    return list(
        with_attendances(
            Meeting.objects.filter(case=case)
            .exclude(kind=MeetingKind.PREMEETING)
            .select_related("case")
            .order_by("starts_at")
        )
    )


def _is_upcoming(meeting: Meeting, now: datetime) -> bool:
    return meeting.status != MeetingStatus.HELD and meeting.ends_at >= now


def _next_meeting(meetings: list[Meeting], now: datetime) -> Meeting | None:
    return next(
        (
            m
            for m in meetings
            if _is_upcoming(m, now) and m.status in (MeetingStatus.PLANNED, MeetingStatus.INVITED)
        ),
        None,
    )


def _card(meeting: Meeting, *, next_pk: int | None = None) -> MeetingCard:
    return MeetingCard(
        code=meeting.code,
        kind=str(MEETING_KIND_WORDS.get(MeetingKind(meeting.kind), meeting.get_kind_display())),
        starts_at=timezone.localtime(meeting.starts_at),
        ends_at=timezone.localtime(meeting.ends_at),
        location=meeting.location,
        status=meeting.status,
        status_words=str(MEETING_STATUS_WORDS[MeetingStatus(meeting.status)]),
        is_next=meeting.pk == next_pk,
    )


@dataclass(frozen=True)
class MeetingsPage:
    upcoming: list[MeetingCard]
    earlier: list[MeetingCard]
    next: MeetingCard | None


def meetings_page(*, account: PortalAccount) -> MeetingsPage:
    """The meetings the account may see: upcoming first (the next one highlighted), then the
    earlier ones, newest first."""
    access = policy.portal_access(account=account)
    now = timezone.now()
    visible = [m for m in _meetings(account.case) if access.sees_meeting(m)]
    following = _next_meeting(visible, now)
    next_pk = following.pk if following else None
    upcoming = [_card(m, next_pk=next_pk) for m in visible if _is_upcoming(m, now)]
    earlier = [_card(m) for m in reversed(visible) if not _is_upcoming(m, now)]
    _finish(access, object_type="meetings.meeting", object_code="", page="meetings")
    return MeetingsPage(
        upcoming=upcoming,
        earlier=earlier,
        next=next((c for c in upcoming if c.is_next), None),
    )


@dataclass(frozen=True)
class Attendee:
    name: str
    organisation: str
    is_you: bool = False


@dataclass(frozen=True)
class Decided:
    """Something a meeting decided: who does what by when."""

    who: str
    what: str
    goal: str
    due_on: date | None
    done: bool


@dataclass(frozen=True)
class Reviewed:
    goal: str
    status_words: str
    comment: str


@dataclass(frozen=True)
class MeetingPage:
    meeting: MeetingCard
    people: list[Attendee]
    preparation: list[tuple[str, str]]
    sees_plan: bool
    decisions: list[Decided]
    reviews: list[Reviewed]
    is_youth: bool
    youth_first_name: str


def _visible_meeting(access: policy.PortalAccess, code: Any) -> Meeting:
    """One meeting of the account's own case that the account may see; 404 otherwise."""
    meeting = get_by_code_or_404(
        Meeting.objects.filter(case=access.case)
        .select_related("case")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related(
                    "person", "organisation", "guardian"
                ).order_by("organisation__name", "person__last_name", "person__first_name", "pk"),
            )
        ),
        code,
    )
    if not access.sees_meeting(meeting):
        raise Http404
    return meeting


def _who(activity: Activity, *, access: policy.PortalAccess) -> str:
    if activity.youth_does:
        return _("Du") if access.is_youth else _youth_first_name(access.case)
    organisation = activity.responsible_organisation.name
    person = activity.responsible_person
    if person is None:
        return organisation
    name = f"{person.first_name} {person.last_name}".strip() or str(person)
    return f"{name} ({organisation})"


def _goal_words(subgoal: SubGoal | None) -> str:
    if subgoal is None:
        return ""
    return subgoal.youth_words.strip() or subgoal.goal


def _people(meeting: Meeting, access: policy.PortalAccess) -> list[Attendee]:
    """Who comes: the account's own person first ("Du"), then the youth and the guardians by
    name, then the professionals with their organisations."""
    you: list[Attendee] = []
    family: list[Attendee] = []
    professionals: list[Attendee] = []
    own_guardian = access.account.guardian_id
    for row in meeting.attendances.all():
        if row.is_youth:
            if access.is_youth:
                you.append(Attendee(name=_("Du"), organisation="", is_you=True))
            else:
                family.append(Attendee(name=_youth_first_name(access.case), organisation=""))
        elif row.guardian is not None:
            if row.guardian_id == own_guardian:
                you.append(Attendee(name=_("Du"), organisation="", is_you=True))
            else:
                family.append(Attendee(name=str(row.guardian), organisation=_("vårdnadshavare")))
        elif row.person is not None:
            professionals.append(
                Attendee(
                    name=str(row.person),
                    organisation=row.organisation.name if row.organisation else "",
                )
            )
    return you + family + professionals


def meeting_page(*, account: PortalAccount, code: Any) -> MeetingPage:
    """One meeting: when, where, who comes, what it is about and how to prepare; after it was
    held, what it decided (only when the account may see the plan). 404 for any meeting the
    account may not see."""
    access = policy.portal_access(account=account)
    meeting = _visible_meeting(access, code)
    decisions: list[Decided] = []
    reviews: list[Reviewed] = []
    if access.sees_plan and meeting.status == MeetingStatus.HELD:
        decisions = [
            Decided(
                who=_who(a, access=access),
                what=a.description,
                goal=""
                if a.subgoal and access.is_restricted(a.subgoal)
                else _goal_words(a.subgoal),
                due_on=a.due_on,
                done=a.done_on is not None,
            )
            for a in Activity.objects.filter(case=access.case, meeting=meeting).select_related(
                "responsible_person", "responsible_organisation", "subgoal"
            )
            if not access.is_restricted(a)
        ]
        reviews = [
            Reviewed(
                goal=_goal_words(r.subgoal),
                status_words=str(STATUS_WORDS[GoalStatus(r.status)]),
                comment=r.comment,
            )
            for r in GoalReview.objects.filter(case=access.case, meeting=meeting)
            .select_related("subgoal")
            .order_by("subgoal__sort_order", "subgoal__created_at", "created_at")
            if not (access.is_restricted(r) or access.is_restricted(r.subgoal))
        ]
    preparation = [
        (str(label), str(getattr(meeting, name)).strip())
        for name, label in PREPARATION_WORDS
        if str(getattr(meeting, name)).strip()
    ]
    _finish(access, object_type="meetings.meeting", object_code=str(meeting.code), page="meeting")
    return MeetingPage(
        meeting=_card(meeting),
        people=_people(meeting, access),
        preparation=preparation,
        sees_plan=access.sees_plan,
        decisions=decisions,
        reviews=reviews,
        is_youth=access.is_youth,
        youth_first_name=_youth_first_name(access.case),
    )


def meeting_for_calendar(*, account: PortalAccount, code: Any) -> Meeting:
    """The meeting for its calendar file (time, place and the case's anonymous code only);
    404 for a meeting the account may not see. The read is logged as for a page."""
    access = policy.portal_access(account=account)
    meeting = _visible_meeting(access, code)
    _finish(access, object_type="meetings.meeting", object_code=str(meeting.code), page="calendar")
    return meeting


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanActivity:
    who: str
    what: str
    due_on: date | None
    done_on: date | None

    @property
    def done(self) -> bool:
        return self.done_on is not None


@dataclass
class PlanGoal:
    words: str
    domain: str
    status: str
    status_words: str
    activities: list[PlanActivity] = field(default_factory=list)
    last_reviewed_on: date | None = None

    @property
    def achieved(self) -> bool:
        return self.status == GoalStatus.ACHIEVED


@dataclass(frozen=True)
class PlanPage:
    visible: bool  # False: a guardian the youth has not shared the plan with
    is_youth: bool
    youth_first_name: str
    long_term_goal: str  # empty when there is no plan yet
    goals: list[PlanGoal]
    other_activities: list[PlanActivity]
    achieved_goals: list[str]
    done_activities: list[PlanActivity]
    agreed_on: date | None

    @property
    def has_plan(self) -> bool:
        return bool(self.long_term_goal)


def plan_page(*, account: PortalAccount) -> PlanPage:
    """The plan in the youth's words: the long-term goal, the sub-goals still in the plan and
    who does what by when, in plain status words; what is already done; when it was last
    agreed. For a guardian only when `PortalAccess.guardian_sees_plan`."""
    access = policy.portal_access(account=account)
    case = access.case
    empty = PlanPage(
        visible=access.sees_plan,
        is_youth=access.is_youth,
        youth_first_name=_youth_first_name(case),
        long_term_goal="",
        goals=[],
        other_activities=[],
        achieved_goals=[],
        done_activities=[],
        agreed_on=None,
    )
    plan = ActionPlan.objects.filter(case=case).first() if access.sees_plan else None
    if plan is None:
        _finish(access, object_type="plans.actionplan", object_code="", page="plan")
        return empty
    goals: dict[int, PlanGoal] = {}
    for subgoal in SubGoal.objects.filter(case=case, plan=plan, is_active=True).order_by(
        "sort_order", "created_at"
    ):
        if access.is_restricted(subgoal):
            continue
        goals[subgoal.pk] = PlanGoal(
            words=_goal_words(subgoal),
            domain=str(subgoal.get_domain_display()),
            status=subgoal.status,
            status_words=str(STATUS_WORDS[GoalStatus(subgoal.status)]),
        )
    other: list[PlanActivity] = []
    done: list[PlanActivity] = []
    for activity in Activity.objects.filter(case=case).select_related(
        "responsible_person", "responsible_organisation", "subgoal"
    ):
        if activity.subgoal_id is not None and activity.subgoal_id not in goals:
            continue  # belongs to a sub-goal taken out of the plan (or restricted)
        if access.is_restricted(activity):
            continue
        item = PlanActivity(
            who=_who(activity, access=access),
            what=activity.description,
            due_on=activity.due_on,
            done_on=activity.done_on,
        )
        if activity.subgoal_id is not None:
            goals[activity.subgoal_id].activities.append(item)
        else:
            other.append(item)
        if item.done:
            done.append(item)
    for review in GoalReview.objects.filter(case=case, subgoal_id__in=list(goals)).order_by(
        "reviewed_on"
    ):
        goals[review.subgoal_id].last_reviewed_on = review.reviewed_on
    latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    _finish(access, object_type="plans.actionplan", object_code=str(plan.code), page="plan")
    return PlanPage(
        visible=True,
        is_youth=access.is_youth,
        youth_first_name=_youth_first_name(case),
        long_term_goal=plan.long_term_goal,
        goals=list(goals.values()),
        other_activities=other,
        achieved_goals=[g.words for g in goals.values() if g.achieved],
        done_activities=sorted(done, key=lambda a: a.done_on or date.min, reverse=True),
        agreed_on=latest.agreed_on if latest else None,
    )


# --- consents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentCard:
    code: UUID
    number: str
    releasing: str
    categories: list[str]
    recipients: list[str]
    given_on: date
    valid_until: date | None
    status: str  # live, revoked, expired, renewed
    revoked_on: date | None
    givers: list[str]
    may_withdraw: bool
    remains_of: str = ""


def _givers(consent: Consent, access: policy.PortalAccess) -> list[str]:
    """Who gave it: "Du" first, then the youth by first name (for a guardian), then the
    guardians by name."""
    you: list[str] = []
    others: list[str] = []
    for giver in consent.givers.all():
        if giver.role == GiverRole.YOUTH:
            if access.is_youth:
                you.append(_("Du"))
            else:
                others.append(_youth_first_name(access.case))
        elif giver.guardian is not None and giver.guardian_id == access.account.guardian_id:
            you.append(_("Du"))
        elif giver.guardian is not None:
            others.append(
                _("%(name)s (%(role)s)")
                % {"name": giver.guardian, "role": str(giver.get_role_display()).lower()}
            )
    return you + others


def _consent_status(consent: Consent, access: policy.PortalAccess) -> str:
    if consent.revoked_at is not None:
        return "revoked"
    if access.is_renewed(consent):
        return "renewed"
    if consent.valid_until is not None and consent.valid_until < access.today:
        return "expired"
    return "live"


def _consent_card(consent: Consent, access: policy.PortalAccess) -> ConsentCard:
    origin = access.origin(consent)
    return ConsentCard(
        code=consent.code,
        number=consent.number,
        releasing=consent.releasing_organisation.name,
        categories=[c.name for c in consent.categories.all()],
        recipients=sorted(r.name for r in consent.recipients.all()),
        given_on=consent.given_on,
        valid_until=consent.valid_until,
        status=_consent_status(consent, access),
        revoked_on=timezone.localdate(consent.revoked_at) if consent.revoked_at else None,
        givers=_givers(consent, access),
        may_withdraw=access.may_withdraw(consent),
        remains_of=origin.number if origin is not None else "",
    )


@dataclass(frozen=True)
class ConsentsPage:
    in_force: list[ConsentCard]
    earlier: list[ConsentCard]
    is_youth: bool


def consents_page(*, account: PortalAccount) -> ConsentsPage:
    """The consents the account may see: those in force first, then the earlier ones, each
    with who may share what with whom, until when, who gave it and whether the account may
    take it back."""
    access = policy.portal_access(account=account)
    cards = [
        _consent_card(c, access)
        for c in sorted(access.visible_consents, key=lambda c: (c.given_on, c.created_at))[::-1]
    ]
    _finish(access, object_type="consent.consent", object_code="", page="consents")
    return ConsentsPage(
        in_force=[c for c in cards if c.status == "live"],
        earlier=[c for c in cards if c.status != "live"],
        is_youth=access.is_youth,
    )


@dataclass(frozen=True)
class WithdrawalPage:
    consent: Consent  # for the service; the template reads `card`
    card: ConsentCard
    recipients: list[Organisation]

    @property
    def several(self) -> bool:
        return len(self.recipients) > 1


def consent_for_withdrawal(*, account: PortalAccount, code: Any) -> WithdrawalPage:
    """A consent the account may take back now (`PortalAccess.may_withdraw`); 404 for any
    other code, also for a consent already taken back."""
    access = policy.portal_access(account=account)
    consent = next(
        (c for c in access.consents if str(c.code) == str(code) and access.may_withdraw(c)), None
    )
    if consent is None:
        raise Http404
    _finish(access, object_type="consent.consent", object_code=str(consent.code), page="withdraw")
    return WithdrawalPage(
        consent=consent,
        card=_consent_card(consent, access),
        recipients=sorted(consent.recipients.all(), key=lambda o: o.name),
    )


# --- what the guardians see -----------------------------------------------------------------


@dataclass(frozen=True)
class GuardianRow:
    code: UUID
    name: str
    has_account: bool
    sees_plan: bool
    shared: bool


@dataclass(frozen=True)
class SharePage:
    guardians: list[GuardianRow]
    guardians_decide: bool
    age: int


def guardian_share_page(*, account: PortalAccount) -> SharePage:
    """For the youth only (404 for a guardian): each custodian, whether they see the plan now,
    and why (below the local age limit the guardians decide; otherwise the youth's choice)."""
    if not account.is_youth:
        raise Http404
    access = policy.portal_access(account=account)
    with_account = set(
        PortalAccount.objects.filter(
            case=access.case, is_active=True, guardian__isnull=False
        ).values_list("guardian_id", flat=True)
    )
    rows = [
        GuardianRow(
            code=g.code,
            name=str(g),
            has_account=g.pk in with_account,
            sees_plan=access.plan_visible_to(g),
            shared=access.shares_with(g),
        )
        for g in access.custodians
    ]
    _finish(access, object_type="portal.guardianshare", object_code="", page="guardian_share")
    return SharePage(guardians=rows, guardians_decide=access.guardians_decide, age=access.age)


def custodian_for_share(*, account: PortalAccount, code: Any) -> Guardian:
    """One custodian of the youth's own case, by code (404 otherwise)."""
    if not account.is_youth:
        raise Http404
    return get_by_code_or_404(Guardian.objects.filter(youth_id=account.case.youth_id), code)


# --- who has seen my data -------------------------------------------------------------------


@dataclass(frozen=True)
class SeenRow:
    at: datetime
    person: str
    organisation: str
    what: str
    basis: str


@dataclass(frozen=True)
class SeenPage:
    rows: list[SeenRow]
    page: Page[AuditRecord]
    only_shared: bool
    is_youth: bool


def _basis_words(record: AuditRecord, owner_code: UUID) -> str:
    basis = record.basis
    if basis.startswith(f"{policy.Basis.CONSENT}:"):
        number = consent_number_of(basis)
        if number is None:
            return _("Ett samtycke")
        return _("Samtycke #%(number)s") % {"number": number}
    if basis == policy.Basis.OWN_ORGANISATION:
        if record.organisation_code == owner_code:
            return _("De arbetar där din samordnare arbetar, som har hand om din SIG")
        return _("Deras egen organisation har skrivit uppgiften")
    if basis == policy.PORTAL_BASIS_GUARDIAN:
        return _("Vårdnadshavare i portalen")
    if basis == policy.PORTAL_BASIS_YOUTH:
        return _("Ungdomen i portalen")
    return basis


def seen_page(*, account: PortalAccount, page_number: Any, only_shared: bool) -> SeenPage:
    """Who has read the case's data: when, who, from which organisation, what kind of thing,
    and on what grounds. The youth sees every read (guardians' reads in the portal too) but
    not their own; a guardian only the reads that relied on a consent the guardian gave.
    `only_shared` keeps what crossed to another organisation under a consent. 25 a page."""
    access = policy.portal_access(account=account)
    case = access.case
    records = (
        disclosures_for_case(case=case, only_other_organisations=only_shared)
        .filter(action=Action.READ)
        .filter(access.disclosure_filter())
    )
    if only_shared:
        records = records.filter(basis__startswith=f"{policy.Basis.CONSENT}:")
    page = Paginator(records, SEEN_PER_PAGE).get_page(page_number)
    listed: list[AuditRecord] = list(page.object_list)
    people = {
        code: f"{first} {last}".strip() or username
        for code, first, last, username in Person.objects.filter(
            code__in={r.actor_code for r in listed if r.actor_code}
        ).values_list("code", "first_name", "last_name", "username")
    }
    portal_names = {
        policy.portal_actor(a): (
            _("%(name)s (vårdnadshavare)") % {"name": a.guardian}
            if a.guardian is not None
            else _youth_first_name(case)
        )
        for a in PortalAccount.objects.filter(
            case=case,
            username__in={
                r.actor_username.removeprefix("portal:")
                for r in listed
                if r.actor_username.startswith("portal:")
            },
        ).select_related("guardian")
    }
    organisations = organisation_names({r.organisation_code for r in listed if r.organisation_code})
    rows = [
        SeenRow(
            at=timezone.localtime(r.at),
            person=portal_names.get(r.actor_username, "")
            or (people.get(r.actor_code, "") if r.actor_code else "")
            or _("Okänd"),
            organisation=organisations.get(r.organisation_code, "") if r.organisation_code else "",
            what=str(WHAT_WORDS.get(r.object_type) or object_type_label(r.object_type)),
            basis=_basis_words(r, case.owner.code),
        )
        for r in listed
    ]
    _finish(access, object_type="audit.auditrecord", object_code="", page="seen")
    return SeenPage(rows=rows, page=page, only_shared=only_shared, is_youth=access.is_youth)


# --- the start page -------------------------------------------------------------------------


@dataclass(frozen=True)
class StartPage:
    first_name: str
    is_youth: bool
    youth_first_name: str
    next_meeting: MeetingCard | None
    sees_plan: bool
    has_plan: bool
    goals_done: int
    goals_total: int
    consents_in_force: int
    evaluation_due: bool


def start_page(*, account: PortalAccount) -> StartPage:
    """The greeting, the next meeting, how far the plan has come, the consents in force, and
    the evaluation when it is due."""
    access = policy.portal_access(account=account)
    case = access.case
    now = timezone.now()
    visible = [m for m in _meetings(case) if access.sees_meeting(m)]
    following = _next_meeting(visible, now)
    has_plan = False
    statuses: list[str] = []
    if access.sees_plan:
        has_plan = ActionPlan.objects.filter(case=case).exists()
        statuses = list(
            SubGoal.objects.filter(case=case, is_active=True).values_list("status", flat=True)
        )
    guardian = access.guardian
    _finish(access, object_type="cases.case", object_code=str(case.code), page="start")
    return StartPage(
        first_name=guardian.first_name if guardian is not None else _youth_first_name(case),
        is_youth=access.is_youth,
        youth_first_name=_youth_first_name(case),
        next_meeting=_card(following, next_pk=following.pk) if following else None,
        sees_plan=access.sees_plan,
        has_plan=has_plan,
        goals_done=sum(1 for s in statuses if s == GoalStatus.ACHIEVED),
        goals_total=len(statuses),
        consents_in_force=sum(
            1
            for c in access.visible_consents
            if c.is_live(access.today) and not access.is_renewed(c)
        ),
        evaluation_due=voice_selectors.evaluation_due(account=account),
    )
