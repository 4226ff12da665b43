"""The one door to personal data in a case.

Every read of case data on behalf of a person asks this module: may this viewer see this item,
and why? The rule (DOMAIN.md, "Consent rules"):

- a viewer who is not a member of the case sees nothing (the views answer 404);
- a member from the item's owner organisation sees it ("your own organisation's record");
- any other member sees it only while a live consent covers it: a consent obtained by the
  owner organisation, covering the item's category, naming the viewer's organisation as a
  recipient, given, not yet ended and not revoked; for an item that also concerns a guardian,
  the consent must also be about (and given by) that guardian;
- otherwise the item is shown de-identified, or not at all;
- a **restricted** item (GDPR art. 18, `samsyn.rectification`) is refused to everyone outside
  its owner organisation, whatever the consents say (basis "restricted"): it is shown as hidden,
  never even de-identified, until the owner organisation lifts the restriction.

`case_access()` loads everything a page needs in a fixed number of queries; `CaseAccess.decide()`
then answers in memory, and `CaseAccess.record()` writes every decision (allowed or refused) to
the audit log with the consent it relied on, in one insert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_build, audit_bulk
from samsyn.consent.models import Consent, ConsentGiver, DataCategory, GiverRole

if TYPE_CHECKING:
    from samsyn.audit.models import AuditRecord
    from samsyn.cases.models import Case, CaseItem, Guardian
    from samsyn.meetings.models import Meeting
    from samsyn.organisations.models import Person
    from samsyn.portal.models import GuardianShare, PortalAccount


class ConsentRevokedDuringRequest(Exception):
    """A consent that decided items of this request was revoked before they were written to
    the audit log: the page must not be shown (samsyn.core.middleware makes it again). D54."""


def require_still_live(consent_ids: set[int]) -> None:
    """Refuse to go on when a consent relied on has been revoked since it was loaded."""
    if (
        consent_ids
        and Consent.objects.filter(pk__in=consent_ids, revoked_at__isnull=False).exists()
    ):
        raise ConsentRevokedDuringRequest


class Basis(StrEnum):
    OWN_ORGANISATION = "own_organisation"
    CONSENT = "consent"
    NO_CONSENT = "no_consent"
    NOT_MEMBER = "not_member"
    RESTRICTED = "restricted"


@dataclass(frozen=True)
class Decision:
    """May the viewer see it, and why: shown beside every item ("Varför ser jag detta?")."""

    allowed: bool
    basis: Basis
    owner_name: str
    category_name: str
    consent: Consent | None = None

    @property
    def audit_basis(self) -> str:
        if self.basis == Basis.CONSENT and self.consent is not None:
            return f"consent:{self.consent.code}"
        return str(self.basis)

    def explain(self, *, identified: bool = False) -> str:
        """The reason in plain Swedish. Those who gave the consent are named only when the
        viewer may know who the youth is (`identified`); otherwise the names would leak."""
        if self.basis == Basis.OWN_ORGANISATION:
            return _("Uppgiften är registrerad av din egen organisation (%(owner)s).") % {
                "owner": self.owner_name
            }
        if self.basis == Basis.CONSENT and self.consent is not None:
            consent = self.consent
            values = {
                "number": consent.number,
                "given": date_format(consent.given_on, "j F Y"),
                "owner": self.owner_name,
                "category": self.category_name,
                "givers": givers_text(list(consent.givers.all()), named=identified),
            }
            if consent.valid_until is None:
                return (
                    _(
                        "Samtycke %(number)s, lämnat av %(givers)s den %(given)s, låter %(owner)s "
                        "lämna ut uppgifter i kategorin %(category)s till din organisation tills "
                        "vidare."
                    )
                    % values
                )
            return _(
                "Samtycke %(number)s, lämnat av %(givers)s den %(given)s, låter %(owner)s lämna "
                "ut uppgifter i kategorin %(category)s till din organisation till och med "
                "%(until)s."
            ) % {**values, "until": date_format(consent.valid_until, "j F Y")}
        if self.basis == Basis.NOT_MEMBER:
            return _("Du deltar inte i ärendet.")
        if self.basis == Basis.RESTRICTED:
            return _(
                "Uppgiften är begränsad: bara %(owner)s kan se den tills begränsningen hävs."
            ) % {"owner": self.owner_name}
        return _(
            "Inget gällande samtycke låter %(owner)s lämna ut uppgifter i kategorin %(category)s "
            "till din organisation. Du ser därför bara en avidentifierad uppgift."
        ) % {"owner": self.owner_name, "category": self.category_name}


def givers_text(givers: list[ConsentGiver], *, named: bool) -> str:
    """ "ungdomen och 2 vårdnadshavare", or with names when the viewer may know them."""
    if named:
        parts = [giver_label(g, named=True) for g in givers]
    else:
        parts = [giver_label(g, named=False) for g in givers if g.guardian_id is None]
        others = [g for g in givers if g.guardian_id is not None]
        for role in sorted({g.role for g in others}):
            n = sum(1 for g in others if g.role == role)
            label = str(GiverRole(role).label).lower()
            parts.append(label if n == 1 else f"{n} {label}")
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s och %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def giver_label(giver: ConsentGiver, *, named: bool) -> str:
    role = str(giver.get_role_display()).lower()
    if named and giver.guardian is not None:
        return f"{giver.guardian} ({role})"
    return role


def item_key(item: Any) -> tuple[str, str]:
    """How restrictions and corrections name an item: its model label and public code (the
    same pair the audit log uses)."""
    return (item._meta.label_lower, str(item.code))


@dataclass(frozen=True)
class ItemMarks:
    """What the pages show beside an item the viewer may see: "Begränsad", "Rättad", and
    whether the viewer's organisation owns it (and so may correct or restrict it)."""

    case_code: Any
    object_type: str
    code: Any
    restricted: bool
    corrected: bool
    owned: bool


@dataclass
class CaseAccess:
    """Everything needed to decide a case's items for one viewer, loaded once."""

    viewer: Person
    case: Case
    is_member: bool
    today: date
    consents: list[Consent]
    categories: dict[int, DataCategory]
    organisation_names: dict[int, str]
    _pending: list[Any] = field(default_factory=list)
    restricted: set[tuple[str, str]] = field(default_factory=set)
    corrected: set[tuple[str, str]] = field(default_factory=set)
    # The consents that allowed something: checked again when the decisions are recorded.
    relied_on: set[int] = field(default_factory=set)

    @cached_property
    def _live_scopes(self) -> list[tuple[Consent, set[int], set[int]]]:
        """The live consents with their category and recipient ids, built once per page
        rather than once per item decided."""
        return [
            (
                consent,
                {c.pk for c in consent.categories.all()},
                {o.pk for o in consent.recipients.all()},
            )
            for consent in self.consents
            if consent.is_live(self.today)
        ]

    @property
    def viewer_organisation_id(self) -> int | None:
        return self.viewer.organisation_id

    def covering_consent(
        self, *, owner_id: int, category_id: int, also_about_id: int | None = None
    ) -> Consent | None:
        """The live consent that lets `owner_id` release `category_id` to the viewer, if any.

        When several do, the one that lasts longest is named (the most useful explanation).
        """
        recipient = self.viewer_organisation_id
        best: Consent | None = None
        for consent, category_ids, recipient_ids in self._live_scopes:
            if consent.releasing_organisation_id != owner_id:
                continue
            if also_about_id is not None and consent.also_about_id != also_about_id:
                continue
            if category_id not in category_ids or recipient not in recipient_ids:
                continue
            if best is None or (best.valid_until or date.max) < (consent.valid_until or date.max):
                best = consent
        return best

    def decide(
        self, *, owner_id: int, category_id: int, also_about_id: int | None = None
    ) -> Decision:
        owner_name = self.organisation_names.get(owner_id, "")
        category = self.categories.get(category_id)
        category_name = category.name if category else ""
        if not self.is_member:
            return Decision(False, Basis.NOT_MEMBER, owner_name, category_name)
        if owner_id == self.viewer_organisation_id:
            return Decision(True, Basis.OWN_ORGANISATION, owner_name, category_name)
        consent = self.covering_consent(
            owner_id=owner_id, category_id=category_id, also_about_id=also_about_id
        )
        if consent is not None:
            self.relied_on.add(consent.pk)
            return Decision(True, Basis.CONSENT, owner_name, category_name, consent)
        return Decision(False, Basis.NO_CONSENT, owner_name, category_name)

    def decide_item(self, item: CaseItem) -> Decision:
        """Decide one item. A restricted item is refused to everyone outside its owner
        organisation. An item the viewer may see is marked (`item.rectification_marks`) for
        the "Begränsad"/"Rättad" badges and the owner's actions."""
        key = item_key(item)
        decision = self.decide(
            owner_id=item.owner_id, category_id=item.category_id, also_about_id=item.also_about_id
        )
        restricted = key in self.restricted
        if restricted and decision.basis not in (Basis.OWN_ORGANISATION, Basis.NOT_MEMBER):
            return Decision(False, Basis.RESTRICTED, decision.owner_name, decision.category_name)
        if decision.allowed:
            item.rectification_marks = ItemMarks(  # type: ignore[attr-defined]
                case_code=self.case.code,
                object_type=key[0],
                code=item.code,
                restricted=restricted,
                corrected=key in self.corrected,
                owned=decision.basis == Basis.OWN_ORGANISATION,
            )
        return decision

    def is_restricted(self, item: CaseItem) -> bool:
        return item_key(item) in self.restricted

    def receives_nothing(self, organisation_id: int | None) -> bool:
        """True when no live consent lets the case's owner release anything to this
        organisation: an actor who takes part (or comes to a meeting) without consent."""
        if organisation_id is None or organisation_id == self.case.owner_id:
            return False
        return not any(
            consent.releasing_organisation_id == self.case.owner_id
            and organisation_id in recipient_ids
            for consent, _categories, recipient_ids in self._live_scopes
        )

    def identity(self) -> Decision:
        """May the viewer see who the youth is (identity and contact, owned by the case owner)?"""
        identifying = next((c for c in self.categories.values() if c.identifying), None)
        if identifying is None:
            return Decision(False, Basis.NO_CONSENT, "", "")
        return self.decide(owner_id=self.case.owner_id, category_id=identifying.pk)

    def note(self, decision: Decision, *, object_type: str, object_code: str) -> Decision:
        """Queue a decision for the audit log; `record()` writes the queue in one insert."""
        self._pending.append(
            audit_build(
                actor=self.viewer,
                action=Action.READ if decision.allowed else Action.REFUSED,
                object_type=object_type,
                object_code=object_code,
                case_code=self.case.code,
                subject_code=self.case.youth.code,
                basis=decision.audit_basis,
                municipality_code=self.case.municipality.code,
                detail={"category": decision.category_name, "owner": decision.owner_name},
            )
        )
        return decision

    def record(self) -> int:
        """Write every queued decision to the audit log; returns how many. In the same
        transaction, every consent relied on must still be live (D54): a revocation committed
        since the consents were loaded raises ConsentRevokedDuringRequest and logs nothing."""
        return record_all([self])


def consents_loaded(consents: QuerySet[Consent]) -> QuerySet[Consent]:
    """Consents with everything a decision or its explanation reads: organisations,
    categories, recipients and givers, in a fixed number of queries."""
    return consents.select_related(
        "releasing_organisation", "also_about", "recorded_by", "revocation_recorded_by"
    ).prefetch_related(
        "categories",
        "recipients",
        Prefetch("givers", queryset=ConsentGiver.objects.select_related("guardian").order_by("pk")),
    )


def case_access(*, viewer: Person, case: Case, today: date | None = None) -> CaseAccess:
    """Load the consents, categories and organisations that decide `case` for `viewer`.

    Rule: a fixed number of queries, whatever the number of consents or items.
    """
    return case_accesses(viewer=viewer, cases=[case], today=today)[case.pk]


def case_accesses(
    *, viewer: Person, cases: list[Case], today: date | None = None
) -> dict[int, CaseAccess]:
    """`case_access` for many cases at once (a list page), in the same fixed number of queries."""
    from samsyn.cases.models import CaseMember
    from samsyn.organisations.models import Organisation

    if not cases:
        return {}
    ids = [case.pk for case in cases]
    member_of = set(
        CaseMember.objects.filter(case_id__in=ids, person=viewer).values_list("case_id", flat=True)
    )
    consents: dict[int, list[Consent]] = {pk: [] for pk in ids}
    for consent in consents_loaded(Consent.objects.filter(case_id__in=ids)):
        consents[consent.case_id].append(consent)
    categories = {c.pk: c for c in DataCategory.objects.all()}
    names = dict(
        Organisation.objects.filter(
            municipality_id__in={case.municipality_id for case in cases}
        ).values_list("pk", "name")
    )
    for listed in consents.values():
        for consent in listed:
            for recipient in consent.recipients.all():
                names.setdefault(recipient.pk, recipient.name)
    restricted, corrected = _item_marks(ids)
    day = today or timezone.localdate()
    return {
        case.pk: CaseAccess(
            viewer=viewer,
            case=case,
            is_member=case.pk in member_of,
            today=day,
            consents=consents[case.pk],
            categories=categories,
            organisation_names=names,
            restricted=restricted.get(case.pk, set()),
            corrected=corrected.get(case.pk, set()),
        )
        for case in cases
    }


def _item_marks(
    case_ids: list[int],
) -> tuple[dict[int, set[tuple[str, str]]], dict[int, set[tuple[str, str]]]]:
    """The live restrictions and the corrected items of the cases, in one query (a UNION),
    as (model label, code) keys per case."""
    from django.db.models import CharField, Value

    from samsyn.rectification.models import Correction, Restriction

    fields = ("case_id", "object_type", "object_code", "mark")
    live = (
        Restriction.objects.filter(case_id__in=case_ids, lifted_at__isnull=True)
        .annotate(mark=Value("r", output_field=CharField()))
        .order_by()
        .values_list(*fields)
    )
    fixed = (
        Correction.objects.filter(case_id__in=case_ids)
        .annotate(mark=Value("c", output_field=CharField()))
        .order_by()
        .values_list(*fields)
    )
    restricted: dict[int, set[tuple[str, str]]] = {}
    corrected: dict[int, set[tuple[str, str]]] = {}
    for case_id, object_type, object_code, mark in live.union(fixed):
        target = restricted if mark == "r" else corrected
        code = object_code if isinstance(object_code, UUID) else UUID(str(object_code))
        target.setdefault(case_id, set()).add((object_type, str(code)))
    return restricted, corrected


def record_all(accesses: Any) -> int:
    """Write the queued decisions of several accesses in one insert, then check that the
    consents they relied on are still live (CaseAccess.record)."""
    pending = []
    relied_on: set[int] = set()
    for access in accesses:
        pending.extend(access._pending)
        access._pending = []
        relied_on |= access.relied_on
    if not relied_on:
        audit_bulk(pending)  # nothing a revocation could take back: no check, no transaction
        return len(pending)
    with transaction.atomic():
        audit_bulk(pending)
        require_still_live(relied_on)
    return len(pending)


def identified_cases(
    *, viewer: Person, cases: QuerySet[Case], today: date | None = None
) -> QuerySet[Case]:
    """Narrow `cases`, in SQL, to those in which `CaseAccess.identity()` would allow the viewer
    to see who the youth is: for a search by name or personnummer that must never reveal that
    a case exists to someone who may not know who it is about.

    Rule (mirrors `identity()` → `decide()` and `Consent.is_live`): the viewer is a member of
    the case, and an identifying category exists (the first one, in the categories' order);
    and either the viewer's organisation owns the case, or a consent obtained by the owner
    organisation covers that category, names the viewer's organisation as a recipient, was
    given on or before `today`, has not ended before it and is not revoked.
    """
    from samsyn.cases.models import CaseMember

    organisation_id = viewer.organisation_id
    if organisation_id is None:
        return cases.none()
    day = today or timezone.localdate()
    identifying = DataCategory.objects.filter(identifying=True).order_by("sort_order", "name")
    live_consent = Consent.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        case=OuterRef("pk"),
        releasing_organisation=OuterRef("owner"),
        categories=Subquery(identifying.values("pk")[:1]),
        recipients=organisation_id,
        revoked_at__isnull=True,
        given_on__lte=day,
    )
    return cases.filter(
        Exists(CaseMember.objects.filter(case=OuterRef("pk"), person=viewer)),
        Exists(identifying),
    ).filter(Q(owner_id=organisation_id) | Exists(live_consent))


# --- The portal ---------------------------------------------------------------------------
#
# What the youth and the guardians see of their own case in the portal (issue 7). The staff
# decisions above go item by item, by owner organisation and consent; the portal's go by who
# the account is: the data subject, or one of the guardians.

PORTAL_BASIS_YOUTH = "data_subject"
PORTAL_BASIS_GUARDIAN = "guardian"


def portal_actor(account: PortalAccount) -> str:
    """How a portal account appears in the audit log: never a name."""
    return f"portal:{account.username}"


def portal_audit_fields(
    account: PortalAccount, *, action: str, object_type: str, object_code: str, **extra: Any
) -> dict[str, Any]:
    """The audit fields of a read or a write in the portal (for `audit_build`/`audit_record`).

    Rule: `detail` names the account by its code and carries codes only, never personal data.
    """
    case = account.case
    return {
        "actor": None,
        "actor_username": portal_actor(account),
        "action": action,
        "object_type": object_type,
        "object_code": object_code,
        "case_code": case.code,
        "subject_code": case.youth.code,
        "municipality_code": case.municipality.code,
        "basis": PORTAL_BASIS_YOUTH if account.is_youth else PORTAL_BASIS_GUARDIAN,
        "detail": {"portal_account": str(account.code), **extra},
    }


@dataclass
class PortalAccess:
    """What one portal account may see and do in its own case, loaded once by `portal_access`.

    Rules (DOMAIN.md "Who may do what", issue 7):

    - Everything is keyed from `account.case` only: nobody sees another case, whatever code
      they try (the views answer 404).
    - The youth sees their own plan (the plan, its active sub-goals, the activities and the
      follow-ups), the meetings they are part of (every network meeting, and a smaller meeting
      when the youth is invited to it; never a förmöte, which is for professionals only), what
      those meetings decided, every consent of the case, and the disclosure log of the case:
      every read of the case's data, also guardians' reads in the portal, but not the youth's
      own.
    - A guardian sees the meetings they are invited to (never a förmöte), the consents they
      gave or that are also about them, and the plan and what meetings decided only when
      `guardian_sees_plan`: the guardian has custody (or is the legal representative) and
      either the local age rule for the youth's current age is "guardians" (below that age
      the guardians decide for the child) or the youth shares the plan with them (a live
      `GuardianShare`, not withdrawn). A guardian's disclosure log holds only the reads that
      relied on a consent the guardian gave.
    - Withdrawing: the youth may withdraw a current consent (not revoked, not replaced by a
      renewal, not ended) that the youth gave; a guardian a current consent the guardian gave.
    - A restricted item (`samsyn.rectification`) is shown to nobody in the portal.
    """

    account: PortalAccount
    case: Case
    today: date
    age: int
    age_rule: str
    guardians: list[Guardian]
    shares: list[GuardianShare]
    consents: list[Consent]
    _pending: list[AuditRecord] = field(default_factory=list)
    restricted: set[tuple[str, str]] = field(default_factory=set)

    def is_restricted(self, item: Any) -> bool:
        return item_key(item) in self.restricted

    @property
    def is_youth(self) -> bool:
        return self.account.is_youth

    @property
    def guardian(self) -> Guardian | None:
        return self.account.guardian

    @property
    def guardians_decide(self) -> bool:
        """Below the local age limit the guardians consent for the child and see the plan."""
        from samsyn.consent.models import AgeRule

        return self.age_rule == AgeRule.GUARDIANS

    @staticmethod
    def is_custodian(guardian: Guardian) -> bool:
        """Has custody, or is the youth's legal representative."""
        from samsyn.cases.models import GuardianRole

        return guardian.role == GuardianRole.LEGAL_REPRESENTATIVE or (
            guardian.role == GuardianRole.GUARDIAN and guardian.has_custody
        )

    @property
    def custodians(self) -> list[Guardian]:
        return [g for g in self.guardians if self.is_custodian(g)]

    def shares_with(self, guardian: Guardian) -> bool:
        """The youth shares the plan with this guardian (a live share)."""
        return any(share.guardian_id == guardian.pk for share in self.shares)

    def plan_visible_to(self, guardian: Guardian) -> bool:
        """`guardian_sees_plan` for any guardian of the case (the youth's share page)."""
        if guardian.youth_id != self.case.youth_id or not self.is_custodian(guardian):
            return False
        return self.guardians_decide or self.shares_with(guardian)

    @property
    def guardian_sees_plan(self) -> bool:
        guardian = self.guardian
        return guardian is not None and self.plan_visible_to(guardian)

    @property
    def sees_plan(self) -> bool:
        """The plan, and what meetings decided."""
        return self.is_youth or self.guardian_sees_plan

    def sees_meeting(self, meeting: Meeting) -> bool:
        """Needs `meeting.attendances` (prefetched by the caller)."""
        from samsyn.meetings.models import MeetingKind

        if meeting.case_id != self.case.pk or meeting.kind == MeetingKind.PREMEETING:
            return False
        if self.is_restricted(meeting):
            return False
        attendances = list(meeting.attendances.all())
        if self.is_youth:
            return meeting.kind == MeetingKind.NETWORK or any(a.is_youth for a in attendances)
        guardian_id = self.account.guardian_id
        return guardian_id is not None and any(a.guardian_id == guardian_id for a in attendances)

    def gave(self, consent: Consent) -> bool:
        """The account's own person is one of those who gave the consent."""
        givers = list(consent.givers.all())
        if self.is_youth:
            return any(g.role == GiverRole.YOUTH for g in givers)
        guardian_id = self.account.guardian_id
        return guardian_id is not None and any(g.guardian_id == guardian_id for g in givers)

    def sees_consent(self, consent: Consent) -> bool:
        if consent.case_id != self.case.pk:
            return False
        if self.is_youth:
            return True
        guardian_id = self.account.guardian_id
        return guardian_id is not None and (
            consent.also_about_id == guardian_id or self.gave(consent)
        )

    @cached_property
    def _renewed(self) -> set[int]:
        return {c.renews_id for c in self.consents if c.renews_id is not None}

    def is_current(self, consent: Consent) -> bool:
        """Still stands as given (`Consent.objects.current()`) and has not ended."""
        return (
            consent.revoked_at is None
            and consent.pk not in self._renewed
            and (consent.valid_until is None or self.today <= consent.valid_until)
        )

    def is_renewed(self, consent: Consent) -> bool:
        return consent.pk in self._renewed

    def origin(self, consent: Consent) -> Consent | None:
        """The consent this one is what remains of (a withdrawal for some recipients)."""
        return self._by_pk.get(consent.remains_of_id) if consent.remains_of_id else None

    @cached_property
    def _by_pk(self) -> dict[int, Consent]:
        return {c.pk: c for c in self.consents}

    def may_withdraw(self, consent: Consent) -> bool:
        return self.sees_consent(consent) and self.is_current(consent) and self.gave(consent)

    @property
    def visible_consents(self) -> list[Consent]:
        return [c for c in self.consents if self.sees_consent(c)]

    def disclosure_filter(self) -> Q:
        """Which reads of the case's data (audit records) the account's "who has seen my
        data" lists: the youth every read but their own; a guardian only the reads that
        relied on a consent the guardian gave."""
        if self.is_youth:
            return ~Q(actor_username=portal_actor(self.account))
        bases = [f"{Basis.CONSENT}:{c.code}" for c in self.consents if self.gave(c)]
        return Q(basis__in=bases)

    def note(self, *, object_type: str, object_code: str, page: str) -> None:
        """Queue the portal read of one page for the audit log; `record()` writes it."""
        self._pending.append(
            audit_build(
                **portal_audit_fields(
                    self.account,
                    action=Action.READ,
                    object_type=object_type,
                    object_code=object_code,
                    page=page,
                )
            )
        )

    def record(self) -> int:
        pending, self._pending = self._pending, []
        audit_bulk(pending)
        return len(pending)


def portal_access(*, account: PortalAccount, today: date | None = None) -> PortalAccess:
    """Load what decides `account`'s own case in the portal: the age rule, the guardians, the
    youth's shares with them and the case's consents.

    Rule: a fixed number of queries, whatever the number of consents or guardians.
    """
    from django.db.models import prefetch_related_objects

    from samsyn.consent.services import required_givers
    from samsyn.portal.models import GuardianShare

    case = account.case
    day = today or timezone.localdate()
    prefetch_related_objects([case.youth], "guardians")
    rule, age, _custodians = required_givers(case=case, on=day)
    consents = list(consents_loaded(Consent.objects.filter(case=case)))
    return PortalAccess(
        account=account,
        case=case,
        today=day,
        age=age,
        age_rule=rule,
        guardians=list(case.youth.guardians.all()),
        shares=list(GuardianShare.objects.filter(case=case, withdrawn_at__isnull=True)),
        consents=consents,
        restricted=_item_marks([case.pk])[0].get(case.pk, set()),
    )
