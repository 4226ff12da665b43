"""The one door to personal data in a case.

Every read of case data on behalf of a person asks this module: may this viewer see this item,
and why? The rule (DOMAIN.md, "Consent rules"):

- a viewer who is not a member of the case sees nothing (the views answer 404);
- a member from the item's owner organisation sees it ("your own organisation's record");
- any other member sees it only while a live consent covers it: a consent obtained by the
  owner organisation, covering the item's category, naming the viewer's organisation as a
  recipient, given, not yet ended and not revoked; for an item that also concerns a guardian,
  the consent must also be about (and given by) that guardian;
- otherwise the item is shown de-identified, or not at all.

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

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_build, audit_bulk
from samsyn.consent.models import Consent, ConsentGiver, DataCategory, GiverRole

if TYPE_CHECKING:
    from samsyn.cases.models import Case, CaseItem
    from samsyn.organisations.models import Person


class Basis(StrEnum):
    OWN_ORGANISATION = "own_organisation"
    CONSENT = "consent"
    NO_CONSENT = "no_consent"
    NOT_MEMBER = "not_member"


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
            return Decision(True, Basis.CONSENT, owner_name, category_name, consent)
        return Decision(False, Basis.NO_CONSENT, owner_name, category_name)

    def decide_item(self, item: CaseItem) -> Decision:
        return self.decide(
            owner_id=item.owner_id, category_id=item.category_id, also_about_id=item.also_about_id
        )

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
        """Write every queued decision to the audit log; returns how many."""
        pending, self._pending = self._pending, []
        audit_bulk(pending)
        return len(pending)


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
    for consent in (
        Consent.objects.filter(case_id__in=ids)
        .select_related(
            "releasing_organisation", "also_about", "recorded_by", "revocation_recorded_by"
        )
        .prefetch_related(
            "categories",
            "recipients",
            Prefetch(
                "givers", queryset=ConsentGiver.objects.select_related("guardian").order_by("pk")
            ),
        )
    ):
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
        )
        for case in cases
    }


def record_all(accesses: Any) -> int:
    """Write the queued decisions of several accesses in one insert."""
    pending = []
    for access in accesses:
        pending.extend(access._pending)
        access._pending = []
    audit_bulk(pending)
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
