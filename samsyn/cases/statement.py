"""A summary of the youth's SIG for social services' statement to court (yttrande).

Period, network meetings held and how many the youth came to, the action plan's long-term
goal and sub-goals with their status, and the interventions. For those who run the case only
(coordinators and case officers of the owner organisation; everyone else gets 404), and only
what the one door lets them see: an item another organisation holds appears only under a
consent that covers it, and what is left out is counted on the page, never in the text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.models import Case
from samsyn.cases.rules import runs_case
from samsyn.cases.selectors import case_get_for_viewer, hidden_summary
from samsyn.consent import policy
from samsyn.lib.pdf import render_pdf
from samsyn.lib.personnummer import display
from samsyn.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
from samsyn.organisations.models import Person
from samsyn.plans.models import ActionPlan, Intervention, SubGoal


def statement_case_get_for_viewer(*, viewer: Person, code: Any) -> Case:
    """The case, if the viewer takes part in it and runs it; 404 otherwise."""
    case = case_get_for_viewer(viewer=viewer, code=code)
    if not runs_case(viewer, case):
        raise Http404
    return case


@dataclass(frozen=True)
class GoalLine:
    domain: str
    goal: str
    status: str


@dataclass(frozen=True)
class InterventionLine:
    kind: str
    organisation: str
    started_on: date
    ended_on: date | None
    status: str


@dataclass(frozen=True)
class Statement:
    case: Case
    anonymous_code: str
    youth_name: str  # empty unless the viewer may see who the youth is
    personnummer: str
    owner: str
    decided_on: date | None
    started_on: date | None
    period_start: date | None
    period_end: date | None  # None: ongoing
    meetings_held: int
    youth_attended: int
    long_term_goal: str | None  # None: no plan the viewer may see
    goals: list[GoalLine]
    interventions: list[InterventionLine]
    hidden: list[tuple[str, str, int]]
    made_on: date

    @property
    def text(self) -> str:
        return statement_text(self)


def _period_text(statement: Statement) -> str:
    start = statement.period_start.isoformat() if statement.period_start else "–"
    end = statement.period_end.isoformat() if statement.period_end else _("pågår")
    return f"{start} – {end}"


def statement_text(s: Statement) -> str:
    """The statement as plain text to paste into social services' own document."""
    lines = [
        _("Sammanfattning av deltagande i social insatsgrupp (SIG)"),
        "",
    ]
    if s.youth_name:
        who = s.youth_name + (f", {s.personnummer}" if s.personnummer else "")
        lines.append(_("Ungdom: %(who)s") % {"who": who})
    lines += [
        _("Ärende: %(code)s, %(owner)s") % {"code": s.anonymous_code, "owner": s.owner},
        _("Period: %(period)s") % {"period": _period_text(s)},
    ]
    if s.decided_on:
        lines.append(_("Beslut om SIG: %(day)s") % {"day": s.decided_on.isoformat()})
    lines += [
        "",
        _("Nätverksmöten"),
        _("%(held)s nätverksmöten har hållits. Ungdomen deltog i %(attended)s av dem.")
        % {"held": s.meetings_held, "attended": s.youth_attended},
        "",
        _("Åtgärdsplan"),
    ]
    if s.long_term_goal is None:
        lines.append(_("Ingen åtgärdsplan."))
    else:
        lines.append(_("Långsiktigt mål: %(goal)s") % {"goal": " ".join(s.long_term_goal.split())})
        if s.goals:
            lines.append(_("Delmål:"))
        for goal in s.goals:
            lines.append(
                f"- {goal.domain}: {' '.join(goal.goal.split())} ({_('status')}: {goal.status})"
            )
    lines += ["", _("Insatser")]
    if not s.interventions:
        lines.append(_("Inga insatser registrerade."))
    for line in s.interventions:
        end = line.ended_on.isoformat() if line.ended_on else _("pågår")
        lines.append(
            f"- {line.kind}, {line.organisation}, {line.started_on.isoformat()} – {end} "
            f"({line.status})"
        )
    lines += ["", _("Sammanställt %(day)s ur samsyn.") % {"day": s.made_on.isoformat()}]
    return "\n".join(lines) + "\n"


def _decided(
    access: policy.CaseAccess, items: list[Any], hidden: Counter[tuple[str, str]]
) -> list[Any]:
    """The items the viewer may see; each decision is queued for the audit log and each
    refusal counted by owner and category."""
    shown = []
    for item in items:
        decision = access.note(
            access.decide_item(item), object_type=item._meta.label_lower, object_code=str(item.code)
        )
        if decision.allowed:
            shown.append(item)
        else:
            hidden[(decision.owner_name, decision.category_name)] += 1
    return shown


def statement_build(*, viewer: Person, case: Case, today: date | None = None) -> Statement:
    """The court summary as the viewer may see it; every decision goes to the audit log.

    Rule: only what the one door allows; a fixed number of queries whatever the number of
    meetings, goals or interventions.
    """
    access = policy.case_access(viewer=viewer, case=case, today=today)
    identity = access.note(
        access.identity(), object_type="cases.youth", object_code=str(case.youth.code)
    )
    hidden: Counter[tuple[str, str]] = Counter()
    meetings = _decided(
        access,
        list(
            Meeting.objects.filter(
                case=case, kind=MeetingKind.NETWORK, status=MeetingStatus.HELD
            ).annotate(
                youth_came=Exists(
                    Attendance.objects.filter(meeting=OuterRef("pk"), is_youth=True, attended=True)
                )
            )
        ),
        hidden,
    )
    plans = _decided(access, list(ActionPlan.objects.filter(case=case)), hidden)
    plan = plans[0] if plans else None
    goals = (
        _decided(
            access,
            list(SubGoal.objects.filter(case=case, plan=plan, is_active=True)),
            hidden,
        )
        if plan is not None
        else []
    )
    interventions = _decided(
        access,
        list(
            Intervention.objects.filter(case=case)
            .select_related("kind", "owner")
            .order_by("started_on", "pk")
        ),
        hidden,
    )
    access.record()
    youth = case.youth
    start = case.started_on or case.decided_on
    return Statement(
        case=case,
        anonymous_code=case.anonymous_code,
        youth_name=str(youth) if identity.allowed else "",
        personnummer=display(youth.personnummer) if identity.allowed else "",
        owner=case.owner.name,
        decided_on=case.decided_on,
        started_on=case.started_on,
        period_start=start,
        period_end=case.closed_on,
        meetings_held=len(meetings),
        youth_attended=sum(1 for m in meetings if m.youth_came),
        long_term_goal=plan.long_term_goal if plan is not None else None,
        goals=[
            GoalLine(domain=g.get_domain_display(), goal=g.goal, status=g.get_status_display())
            for g in goals
        ],
        interventions=[
            InterventionLine(
                kind=i.kind.name,
                organisation=i.owner.name,
                started_on=i.started_on,
                ended_on=i.ended_on,
                status=i.get_status_display(),
            )
            for i in interventions
        ],
        hidden=hidden_summary(hidden),
        made_on=access.today,
    )


def statement_pdf(*, request: HttpRequest, viewer: Person, statement: Statement) -> bytes:
    """The summary as a PDF (WeasyPrint; nothing is fetched), with an audit entry (export)."""
    body = render_pdf(
        request=request, template="cases/statement_pdf.html", context={"statement": statement}
    )
    case = statement.case
    audit_record(
        actor=viewer,
        action=Action.EXPORT,
        object_type="cases.statement",
        object_code=str(case.code),
        case_code=case.code,
        subject_code=case.youth.code,
        municipality_code=case.municipality.code,
        detail={"format": "pdf", "made_on": timezone.localdate().isoformat()},
    )
    return body
