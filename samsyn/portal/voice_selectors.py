"""Reads for feedback and the evaluation: the portal's side (the account's own feedback, who
receives it, whether the evaluation is due) and the staff side (the recipient's inbox, the
styrgrupp's aggregated report).

Rules:
- Feedback is seen only by the person it was routed to and the person it was lifted to;
  nobody else, whatever their role (404).
- Named feedback shows the case's anonymous code and whether the youth or a guardian wrote;
  never to somebody who is (by now) in the youth's group.
- The evaluation report shows aggregates only, with small counts suppressed
  (`samsyn.lib.suppression`); free texts only for a year with enough answers, in
  alphabetical order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.models import Case, CaseMember, Closure, Representation
from samsyn.lib import suppression
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.organisations.models import District, LocalPolicy, Municipality, Person, Role
from samsyn.portal.models import (
    AccountKind,
    Evaluation,
    EvaluationReceipt,
    Feedback,
    FeedbackStatus,
    PortalAccount,
)

# --- the portal side -----------------------------------------------------------------------


def evaluation_due(*, account: PortalAccount) -> bool:
    """The youth was offered the evaluation at closure and has not answered it yet.
    Only the youth evaluates (seed 000: "every youth is offered to evaluate")."""
    if not account.is_youth:
        return False
    offered = Closure.objects.filter(case_id=account.case_id, evaluation_offered_on__isnull=False)
    return (
        offered.exists() and not EvaluationReceipt.objects.filter(case_id=account.case_id).exists()
    )


def evaluation_answered(*, account: PortalAccount) -> bool:
    """The case's youth has already answered (only that, never what)."""
    return EvaluationReceipt.objects.filter(case_id=account.case_id).exists()


def group_person_ids(*, case: Case) -> set[int]:
    """Everybody in the youth's group: members, the coordinator, lead contact and contact
    police, and anyone who ever represented an organisation in the case."""
    ids = set(CaseMember.objects.filter(case=case).values_list("person_id", flat=True))
    ids |= set(Representation.objects.filter(case=case).values_list("person_id", flat=True))
    ids |= {
        pk
        for pk in (case.coordinator_id, case.lead_contact_id, case.contact_police_id)
        if pk is not None
    }
    return ids


def recipient_for_case(*, case: Case) -> Person | None:
    """Who receives feedback from this case: the district's recipient when the district has a
    policy of its own naming one, else the municipality's; never somebody in the youth's group,
    inactive, or working in another municipality. None when nobody fits."""
    return feedback_route(case=case)[0]


def feedback_route(*, case: Case) -> tuple[Person | None, bool]:
    """The recipient (as `recipient_for_case`), and whether the district's own recipient was
    passed over for the municipality's (because they are in the group or inactive)."""
    policies = (
        LocalPolicy.objects.filter(municipality_id=case.municipality_id)
        .filter(Q(district__isnull=True) | Q(district_id=case.district_id))
        .select_related("feedback_recipient__organisation")
    )
    by_district = {p.district_id: p for p in policies}
    candidates: list[tuple[Person | None, bool]] = []
    if case.district_id is not None and case.district_id in by_district:
        candidates.append((by_district[case.district_id].feedback_recipient, True))
    if None in by_district:
        candidates.append((by_district[None].feedback_recipient, False))
    group: set[int] | None = None
    passed_over = False
    for person, districts_own in candidates:
        if person is None:
            continue
        usable = (
            person.is_active
            and person.organisation is not None
            and person.organisation.municipality_id == case.municipality_id
        )
        if usable:
            if group is None:
                group = group_person_ids(case=case)
            usable = person.pk not in group
        if usable:
            return person, passed_over
        passed_over = passed_over or districts_own
    return None, passed_over


def person_label(person: Person) -> str:
    """ "Eva Ek, kvalitetsansvarig" (the title, else the organisation)."""
    name = str(person)
    role = person.title or (person.organisation.name if person.organisation else "")
    return f"{name}, {role}" if role else name


def feedback_for_account(*, account: PortalAccount) -> list[Feedback]:
    """The account's own named feedback with its answers, newest first. Anonymous feedback is
    not linked to anyone, so it is not listed, not even to the one who sent it."""
    return list(
        Feedback.objects.filter(account=account, anonymous=False)
        .select_related("responded_by__organisation", "recipient")
        .order_by("-received_on", "-created_at")
    )


# --- the staff side: feedback ------------------------------------------------------------


def _routed_to(viewer: Person) -> Q:
    return Q(recipient=viewer) | Q(escalated_to=viewer)


def feedback_access(*, viewer: Person) -> bool:
    """A configured feedback recipient, or somebody feedback was routed or lifted to.
    One query (the navigation asks on every page)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    return (
        Person.objects.filter(pk=viewer.pk)
        .filter(
            Exists(LocalPolicy.objects.filter(feedback_recipient=OuterRef("pk")))
            | Exists(
                Feedback.objects.filter(
                    Q(recipient=OuterRef("pk")) | Q(escalated_to=OuterRef("pk"))
                )
            )
        )
        .exists()
    )


def feedback_inbox(*, viewer: Person, status: str = "", page: Any = 1) -> Page[Feedback]:
    """Feedback routed or lifted to the viewer, newest first; 404 for everyone else."""
    if not feedback_access(viewer=viewer):
        raise Http404
    items = Feedback.objects.filter(_routed_to(viewer)).order_by("-received_on", "-created_at")
    if status in FeedbackStatus.values:
        items = items.filter(status=status)
    return Paginator(items, 50).get_page(page)


def feedback_counts(*, viewer: Person) -> dict[str, int]:
    """How many of the viewer's feedback are in each status (for the filter)."""
    rows = (
        Feedback.objects.filter(_routed_to(viewer))
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def feedback_get_for_viewer(*, viewer: Person, code: UUID | str) -> Feedback:
    """One feedback, for its recipient or the person it was lifted to; 404 for everyone else."""
    if not viewer.is_active:
        raise Http404
    items = Feedback.objects.filter(_routed_to(viewer)).select_related(
        "case__municipality",
        "recipient__organisation",
        "escalated_to__organisation",
        "responded_by",
        "municipality",
    )
    return get_by_code_or_404(items, code)


@dataclass(frozen=True)
class Sender:
    """Who wrote the feedback, as far as the viewer may know."""

    anonymous: bool
    kind_label: str = ""
    case_code: str = ""
    withheld: bool = False


def feedback_sender(*, viewer: Person, feedback: Feedback) -> Sender:
    """Anonymous; or the case's anonymous code and whether the youth or a guardian wrote.
    Withheld from a viewer who has since come into the youth's group."""
    if feedback.anonymous or feedback.case is None:
        return Sender(anonymous=True)
    if viewer.pk in group_person_ids(case=feedback.case):
        return Sender(anonymous=False, withheld=True)
    kind = str(AccountKind(feedback.sender_kind).label) if feedback.sender_kind else ""
    return Sender(anonymous=False, kind_label=kind, case_code=feedback.case.anonymous_code)


def feedback_read(*, viewer: Person, feedback: Feedback) -> None:
    """Record that the viewer read the feedback. Anonymous feedback: the record names the
    feedback and the reader only, so it links nobody to the sender."""
    audit_feedback(actor=viewer, feedback=feedback, action=Action.READ)


def audit_feedback(
    *, actor: Person, feedback: Feedback, action: str, fields: list[str] | None = None
) -> None:
    """A staff read or change of a feedback, in the audit log: the feedback, its case (only
    when named) and the municipality; never its text."""
    audit_record(
        actor=actor,
        action=action,
        object_type="portal.feedback",
        object_code=str(feedback.code),
        case_code=feedback.case.code if feedback.case is not None else None,
        municipality_code=feedback.municipality.code,
        basis="feedback_recipient",
        detail={"fields": fields} if fields is not None else None,
    )


def escalation_targets(*, viewer: Person, feedback: Feedback) -> QuerySet[Person]:
    """Whom the recipient may lift the feedback to: active people in the same municipality,
    not the recipient, and for named feedback nobody in the youth's group."""
    people = (
        Person.objects.filter(
            is_active=True, organisation__municipality_id=feedback.municipality_id
        )
        .exclude(pk=viewer.pk)
        .select_related("organisation")
        .order_by("last_name", "first_name", "username")
    )
    if feedback.case is not None:
        people = people.exclude(pk__in=group_person_ids(case=feedback.case))
    return people


# --- the staff side: the evaluation report ------------------------------------------------

STATEMENTS: list[tuple[str, Any]] = [
    ("understood", gettext_lazy("Jag förstod vad SIG var och varför jag var med")),
    ("took_part", gettext_lazy("Jag var med och bestämde vad som skulle stå i min plan")),
    ("listened_to", gettext_lazy("De vuxna lyssnade på mig")),
    ("trusted_coordinator", gettext_lazy("Jag litade på min samordnare")),
]
SCALE: list[tuple[int, Any]] = [
    (1, gettext_lazy("Stämmer inte alls")),
    (2, gettext_lazy("Stämmer dåligt")),
    (3, gettext_lazy("Stämmer delvis")),
    (4, gettext_lazy("Stämmer ganska bra")),
    (5, gettext_lazy("Stämmer helt")),
]
NO_ANSWER_LABEL = gettext_lazy("Vill inte svara")


def evaluation_report_municipality(*, viewer: Person) -> Municipality:
    """The municipality whose report the viewer reads: styrgrupp/analytiker only, their own
    municipality only; 404 for everyone else."""
    if not viewer.is_active or not viewer.has_role(Role.STEERING) or viewer.organisation is None:
        raise Http404
    return viewer.organisation.municipality


def evaluation_years(*, municipality: Municipality) -> list[int]:
    return list(
        Evaluation.objects.filter(municipality=municipality)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


@dataclass
class GroupStats:
    """One row of a statement's table: a district, "no district" or the whole municipality."""

    label: str
    cells: list[str]
    total: str
    share_agreed: float | None = None  # 0–100, None when not shown
    mean: float | None = None


@dataclass
class StatementReport:
    key: str
    label: str
    groups: list[GroupStats]
    total: GroupStats


@dataclass
class EvaluationReport:
    year: int | None
    years: list[int]
    threshold: int
    shown: bool  # False: too few answers that year to show anything
    group_labels: list[str] = field(default_factory=list)
    counts: list[str] = field(default_factory=list)
    total: str = ""
    statements: list[StatementReport] = field(default_factory=list)
    good: list[str] = field(default_factory=list)
    change: list[str] = field(default_factory=list)

    @property
    def counts_by_group(self) -> list[tuple[str, str]]:
        return list(zip(self.group_labels, self.counts, strict=True))

    @property
    def largest_hidden(self) -> int:
        return self.threshold - 1


_SWEDISH_LAST = str.maketrans("åäö", "{|}")


def _alphabetical(text: str) -> tuple[str, str]:
    # Swedish order: å, ä, ö after z.
    key = text.casefold().translate(_SWEDISH_LAST)
    return key, text


def _stats(cells: list[int]) -> tuple[float, float] | None:
    answered = sum(cells[:5])
    if answered == 0:
        return None
    agreed = cells[3] + cells[4]
    mean = sum((i + 1) * c for i, c in enumerate(cells[:5])) / answered
    return round(100 * agreed / answered), round(mean, 1)


def evaluation_report(*, municipality: Municipality, year: int | None) -> EvaluationReport:
    """The year's evaluations per district, with small counts suppressed.

    The number of answers per district is one suppressed row; each statement is a suppressed
    table (districts × the five answers and "vill inte svara") whose district totals are
    those of that row. A share and a mean are shown only for a row that hides nothing, since
    they would otherwise give hidden cells back. Free texts are listed for the whole
    municipality only, alphabetically, and only when the year has at least the threshold
    number of answers (listing them per district would let one district's texts be found by
    comparing lists). A fixed number of queries.
    """
    limit = suppression.threshold()
    years = evaluation_years(municipality=municipality)
    if year not in years:
        year = years[0] if years else None
    report = EvaluationReport(year=year, years=years, threshold=limit, shown=False)
    if year is None:
        return report
    answers = Evaluation.objects.filter(municipality=municipality, year=year)
    annotations: dict[str, Any] = {"n": Count("id")}
    for key, _label in STATEMENTS:
        for value, _text in SCALE:
            annotations[f"{key}_{value}"] = Count("id", filter=Q(**{key: value}))
        annotations[f"{key}_none"] = Count("id", filter=Q(**{f"{key}__isnull": True}))
    per_district = {
        row["district_id"]: row
        for row in answers.values("district_id").annotate(**annotations).order_by()
    }
    districts = list(District.objects.filter(municipality=municipality).order_by("name"))
    groups: list[tuple[str, dict[str, Any]]] = [
        (d.name, per_district.get(d.pk, {"n": 0})) for d in districts
    ]
    if None in per_district or not districts:
        label = _("Utan stadsdel") if districts else _("Hela kommunen")
        groups.append((label, per_district.get(None, {"n": 0})))
    counts = suppression.suppress_row([g["n"] for _name, g in groups], limit=limit)
    report.group_labels = [name for name, _row in groups]
    report.counts = counts.cells
    report.total = counts.total
    whole = sum(g["n"] for _name, g in groups)
    if counts.total_hidden or whole < limit:
        return report
    report.shown = True
    for key, label in STATEMENTS:
        table_rows = [
            [int(g.get(f"{key}_{v}", 0)) for v, _t in SCALE] + [int(g.get(f"{key}_none", 0))]
            for _name, g in groups
        ]
        table = suppression.suppress_table(
            table_rows, limit=limit, hide_rows=sorted(counts.hidden), fixed_row_totals=True
        )
        rows = []
        for i, (name, _g) in enumerate(groups):
            stats = _stats(table_rows[i]) if table.row_complete(i) else None
            rows.append(
                GroupStats(
                    label=name,
                    cells=table.cells[i],
                    total=table.row_totals[i],
                    share_agreed=stats[0] if stats else None,
                    mean=stats[1] if stats else None,
                )
            )
        column_totals = [sum(r[j] for r in table_rows) for j in range(len(SCALE) + 1)]
        total_stats = _stats(column_totals) if table.totals_complete else None
        report.statements.append(
            StatementReport(
                key=key,
                label=str(label),
                groups=rows,
                total=GroupStats(
                    label=_("Hela kommunen"),
                    cells=table.column_totals,
                    total=table.total,
                    share_agreed=total_stats[0] if total_stats else None,
                    mean=total_stats[1] if total_stats else None,
                ),
            )
        )
    texts = list(answers.values_list("good", "change"))
    report.good = sorted((g.strip() for g, _c in texts if g.strip()), key=_alphabetical)
    report.change = sorted((c.strip() for _g, c in texts if c.strip()), key=_alphabetical)
    return report
