"""Reads of assessments and measurements, always on behalf of a viewer and through
`consent.policy`: what the viewer may not see is left out here, so it never reaches a view.

Measurements are also arranged for comparison: per instrument, a table of domains × dated
occasions (entry, midway, closure), with the change from the first to the latest value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from samsyn.assessments.models import (
    IRK_FACTORS,
    PROTECTIVE_FACTORS,
    RISK_FACTORS,
    DebutCrime,
    Measurement,
    MeasurementScore,
    RiskAssessment,
)
from samsyn.assessments.scales import Trend, score_text, trend
from samsyn.cases.models import Case
from samsyn.cases.selectors import Hidden, hidden_summary
from samsyn.consent import policy
from samsyn.consent.selectors import CaseHeader, case_header
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.organisations.models import Instrument, InstrumentDomain, Person
from samsyn.organisations.selectors import policy_for

# --- the checklist ------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorView:
    key: str
    label: str
    present: bool
    comment: str


@dataclass(frozen=True)
class ChecklistView:
    title: str
    present: list[FactorView]
    # Not present, but commented on (e.g. "nothing known yet"): the comment still matters.
    commented: list[FactorView]


@dataclass(frozen=True)
class AssessmentView:
    code: UUID
    assessed_on: date
    owner: str
    category: str
    recorded_by: str
    checklists: list[ChecklistView]
    debut_crime: str
    threat_level: str
    threat_assessment: str
    judgment: str
    why: str


@dataclass(frozen=True)
class AssessmentList:
    items: list[AssessmentView]
    hidden: Hidden


def _checklist(title: str, factors: list[tuple[str, Any]], answers: Any) -> ChecklistView:
    answers = answers if isinstance(answers, dict) else {}
    present, commented = [], []
    for key, label in factors:
        answer = answers.get(key) or {}
        view = FactorView(
            key=key,
            label=str(label),
            present=bool(answer.get("present")),
            comment=str(answer.get("comment") or ""),
        )
        if view.present:
            present.append(view)
        elif view.comment:
            commented.append(view)
    return ChecklistView(title=title, present=present, commented=commented)


def _identified(access: policy.CaseAccess, identified: bool | None) -> bool:
    return access.identity().allowed if identified is None else identified


def assessments_for_case(
    *, access: policy.CaseAccess, identified: bool | None = None
) -> AssessmentList:
    """The case's risk and protection assessments the viewer may see, newest first; the rest
    only counted by owner and category. Each decision is queued on `access` (the caller
    records it). Rule: one query, whatever the number of assessments."""
    named = _identified(access, identified)
    items: list[AssessmentView] = []
    hidden: Counter[tuple[str, str]] = Counter()
    for assessment in RiskAssessment.objects.filter(case=access.case).select_related(
        "owner", "category", "created_by"
    ):
        decision = access.note(
            access.decide_item(assessment),
            object_type="assessments.riskassessment",
            object_code=str(assessment.code),
        )
        if not decision.allowed:
            hidden[(decision.owner_name, decision.category_name)] += 1
            continue
        items.append(
            AssessmentView(
                code=assessment.code,
                assessed_on=assessment.assessed_on,
                owner=assessment.owner.name,
                category=assessment.category.name,
                recorded_by=str(assessment.created_by),
                checklists=[
                    _checklist(_("Riskfaktorer"), RISK_FACTORS, assessment.risk_factors),
                    _checklist(
                        _("Skyddsfaktorer"), PROTECTIVE_FACTORS, assessment.protective_factors
                    ),
                    _checklist(
                        _("IRK: centrala riskfaktorer"), IRK_FACTORS, assessment.irk_factors
                    ),
                ],
                debut_crime=str(DebutCrime(assessment.debut_crime).label)
                if assessment.debut_crime
                else "",
                threat_level=str(assessment.get_threat_level_display()),
                threat_assessment=assessment.threat_assessment,
                judgment=assessment.judgment,
                why=decision.explain(identified=named),
            )
        )
    return AssessmentList(items=items, hidden=hidden_summary(hidden))


# --- measurements and their comparison ----------------------------------------------------


@dataclass(frozen=True)
class Occasion:
    """One measurement as a column of the comparison."""

    code: UUID
    measured_on: date
    phase: str
    owner: str
    category: str
    recorded_by: str
    comment: str
    total: Decimal | None
    why: str


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    retired: bool
    values: list[Decimal | None]  # one per occasion, in date order
    trend: Trend | None

    @property
    def texts(self) -> list[str]:
        return [score_text(v) for v in self.values]


@dataclass(frozen=True)
class Comparison:
    """One instrument: domains × occasions, and the totals."""

    instrument: str
    name: str
    scale: str
    higher_is_risk: bool
    occasions: list[Occasion]
    rows: list[ComparisonRow]
    total: ComparisonRow | None  # None when no occasion has a total


@dataclass(frozen=True)
class MeasurementOverview:
    comparisons: list[Comparison]
    hidden: Hidden


def _row(label: str, retired: bool, values: list[Decimal | None], risk: bool) -> ComparisonRow:
    known = [v for v in values if v is not None]
    change = trend(known[0], known[-1], higher_is_risk=risk) if len(known) > 1 else None
    return ComparisonRow(label=label, retired=retired, values=values, trend=change)


def _comparison(instrument: Instrument, measurements: list[tuple[Measurement, str]]) -> Comparison:
    measurements.sort(key=lambda pair: (pair[0].measured_on, pair[0].created_at, pair[0].pk))
    by_domain = [{s.domain_id: s.score for s in m.scores.all()} for m, _why in measurements]
    used = set().union(*by_domain) if by_domain else set()
    # Retired domains stay in the table while a shown measurement has a value for them.
    domains = [d for d in instrument.domains.all() if d.is_active or d.pk in used]
    risk = instrument.higher_is_risk
    rows = [
        _row(d.name, not d.is_active, [scores.get(d.pk) for scores in by_domain], risk)
        for d in domains
    ]
    totals = [m.total for m, _why in measurements]
    return Comparison(
        instrument=instrument.short_name,
        name=instrument.name,
        scale=f"{score_text(instrument.scale_min)}–{score_text(instrument.scale_max)}",
        higher_is_risk=risk,
        occasions=[
            Occasion(
                code=m.code,
                measured_on=m.measured_on,
                phase=str(m.get_phase_display()),
                owner=m.owner.name,
                category=m.category.name,
                recorded_by=str(m.created_by),
                comment=m.comment,
                total=m.total,
                why=why,
            )
            for m, why in measurements
        ],
        rows=rows,
        total=_row("", False, totals, risk) if any(t is not None for t in totals) else None,
    )


def measurements_for_case(
    *, access: policy.CaseAccess, identified: bool | None = None
) -> MeasurementOverview:
    """The measurements the viewer may see, one comparison per instrument; the rest only
    counted. Decisions are queued on `access` (the caller records them).

    Rule: a fixed number of queries (three), whatever the number of measurements.
    """
    named = _identified(access, identified)
    measurements = (
        Measurement.objects.filter(case=access.case)
        .select_related("owner", "category", "created_by", "instrument")
        .prefetch_related(
            Prefetch("scores", queryset=MeasurementScore.objects.order_by("pk")),
            Prefetch("instrument__domains", queryset=InstrumentDomain.objects.all()),
        )
    )
    grouped: dict[int, tuple[Instrument, list[tuple[Measurement, str]]]] = {}
    hidden: Counter[tuple[str, str]] = Counter()
    for measurement in measurements:
        decision = access.note(
            access.decide_item(measurement),
            object_type="assessments.measurement",
            object_code=str(measurement.code),
        )
        if not decision.allowed:
            hidden[(decision.owner_name, decision.category_name)] += 1
            continue
        instrument = measurement.instrument
        entry = grouped.setdefault(instrument.pk, (instrument, []))
        entry[1].append((measurement, decision.explain(identified=named)))
    comparisons = [
        _comparison(instrument, listed)
        for instrument, listed in sorted(grouped.values(), key=lambda e: e[0].short_name)
    ]
    return MeasurementOverview(comparisons=comparisons, hidden=hidden_summary(hidden))


# --- pages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentPage:
    header: CaseHeader
    identified: bool
    assessments: AssessmentList
    measurements: MeasurementOverview


def _identity(access: policy.CaseAccess) -> bool:
    """The identity decision, logged: the page header names the youth when allowed."""
    return access.note(
        access.identity(), object_type="cases.youth", object_code=str(access.case.youth.code)
    ).allowed


def assessment_page(*, viewer: Person, case: Case) -> AssessmentPage:
    """The assessment page as the viewer may see it; every decision goes to the audit log in
    one insert. Rule: a fixed number of queries, whatever the number of items."""
    access = policy.case_access(viewer=viewer, case=case)
    identified = _identity(access)
    page = AssessmentPage(
        header=case_header(viewer=viewer, case=case, identified=identified),
        identified=identified,
        assessments=assessments_for_case(access=access, identified=identified),
        measurements=measurements_for_case(access=access, identified=identified),
    )
    access.record()
    return page


def header_for_form(*, viewer: Person, case: Case) -> CaseHeader:
    """The case header of the recording pages, naming the youth only when allowed (logged)."""
    access = policy.case_access(viewer=viewer, case=case)
    identified = _identity(access)
    access.record()
    return case_header(viewer=viewer, case=case, identified=identified)


def instruments_for_case(*, case: Case) -> list[Instrument]:
    """The active instruments the local policy of the case's district (or municipality) uses,
    with their active domains in order."""
    local = policy_for(municipality=case.municipality, district=case.district)
    if local is None:
        return []
    return list(
        local.instruments.filter(is_active=True)
        .prefetch_related(
            Prefetch("domains", queryset=InstrumentDomain.objects.filter(is_active=True))
        )
        .order_by("short_name")
    )


def instrument_for_case(*, case: Case, code: str) -> Instrument:
    """One of `instruments_for_case`, by code; 404 for any other."""
    for instrument in instruments_for_case(case=case):
        if str(instrument.code) == code:
            return instrument
    raise Http404


# --- administration of the shared list ----------------------------------------------------


def instrument_admin_require(*, viewer: Person) -> None:
    """The list of instruments is shared by every municipality: superusers only, 404 else."""
    if not viewer.is_superuser:
        raise Http404


def instruments_for_admin(*, viewer: Person) -> QuerySet[Instrument]:
    """Every instrument with its domains and how many measurements use it (superusers only)."""
    instrument_admin_require(viewer=viewer)
    return (
        Instrument.objects.annotate(measurement_count=Count("measurements"))
        .prefetch_related("domains")
        .order_by("short_name")
    )


def instrument_get_for_admin(*, viewer: Person, code: Any) -> Instrument:
    instrument_admin_require(viewer=viewer)
    return get_by_code_or_404(Instrument.objects.prefetch_related("domains"), code)


def domains_in_use(*, instrument: Instrument) -> set[int]:
    """The ids of the instrument's domains some measurement has a value for."""
    return set(
        MeasurementScore.objects.filter(domain__instrument=instrument).values_list(
            "domain_id", flat=True
        )
    )
