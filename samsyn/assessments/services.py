"""Writes for screening and risk assessment: the checklist, dated instrument measurements, and
the shared list of instruments. Validated, atomic and audited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.assessments.models import (
    IRK_FACTORS,
    PROTECTIVE_FACTORS,
    RISK_FACTORS,
    Measurement,
    MeasurementScore,
    RiskAssessment,
)
from samsyn.assessments.scales import range_message, score_text, total_bounds
from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.models import Case
from samsyn.cases.rules import require_member
from samsyn.cases.services import audit_case
from samsyn.consent.models import DataCategory
from samsyn.organisations.models import Instrument, InstrumentDomain, Person
from samsyn.organisations.selectors import policy_for

COMMENT_MAX_LENGTH = 300

# The checklists and their known factor keys, by the service argument that carries them.
CHECKLISTS: dict[str, list[tuple[str, Any]]] = {
    "risk_factors": RISK_FACTORS,
    "protective_factors": PROTECTIVE_FACTORS,
    "irk_factors": IRK_FACTORS,
}


def _require_recorder(actor: Person, case: Case, category: DataCategory) -> None:
    require_member(actor, case)
    if actor.organisation is None:
        raise PermissionDenied(_("Du hör inte till någon organisation."))
    if not category.is_active:
        raise ValidationError({"category": _("Kategorin används inte längre.")})


def _not_in_future(field: str, day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("Datumet kan inte ligga i framtiden.")})


def _checklist(field: str, answers: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{key: {"present": bool, "comment": str}} for known keys only."""
    known = {key for key, _label in CHECKLISTS[field]}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValidationError({field: _("Okänd faktor: %s") % ", ".join(unknown)})
    cleaned: dict[str, dict[str, Any]] = {}
    for key, answer in answers.items():
        if not isinstance(answer, Mapping):
            raise ValidationError({field: _("Okänd faktor: %s") % key})
        comment = str(answer.get("comment") or "").strip()
        if len(comment) > COMMENT_MAX_LENGTH:
            raise ValidationError(
                {field: _("En kommentar får vara högst %d tecken.") % COMMENT_MAX_LENGTH}
            )
        cleaned[key] = {"present": bool(answer.get("present")), "comment": comment}
    return cleaned


@transaction.atomic
def assessment_record(
    *,
    actor: Person,
    case: Case,
    assessed_on: date,
    risk_factors: Mapping[str, Any],
    protective_factors: Mapping[str, Any],
    irk_factors: Mapping[str, Any],
    debut_crime: str,
    threat_level: str,
    threat_assessment: str,
    judgment: str,
    category: DataCategory,
) -> RiskAssessment:
    """Record a risk and protection assessment owned by the actor's organisation.

    Rule: only case members record; the factors are the guidance's; the holistic judgment is
    required, since the checklist supports the judgment and never replaces it.
    """
    _require_recorder(actor, case, category)
    assert actor.organisation is not None
    _not_in_future("assessed_on", assessed_on)
    if not judgment.strip():
        raise ValidationError({"judgment": _("Skriv en samlad bedömning.")})
    assessment = RiskAssessment(
        case=case,
        owner=actor.organisation,
        category=category,
        created_by=actor,
        assessed_on=assessed_on,
        risk_factors=_checklist("risk_factors", risk_factors),
        protective_factors=_checklist("protective_factors", protective_factors),
        irk_factors=_checklist("irk_factors", irk_factors),
        debut_crime=debut_crime,
        threat_level=threat_level,
        threat_assessment=threat_assessment.strip(),
        judgment=judgment.strip(),
    )
    assessment.full_clean()
    assessment.save()
    audit_case(actor, Action.CREATE, case, assessment, category=category.slug)
    return assessment


def instrument_in_use(*, case: Case, instrument: Instrument) -> bool:
    """Is the instrument active and chosen by the local policy of the case's district (or
    municipality)?"""
    if not instrument.is_active:
        return False
    local = policy_for(municipality=case.municipality, district=case.district)
    return local is not None and any(i.pk == instrument.pk for i in local.instruments.all())


def age_range_text(instrument: Instrument) -> str:
    """ "12–18 år", "från 12 år", "upp till 18 år", or "" when the instrument has no ages."""
    low, high = instrument.min_age, instrument.max_age
    if low is not None and high is not None:
        return _("%(low)s–%(high)s år") % {"low": low, "high": high}
    if low is not None:
        return _("från %(low)s år") % {"low": low}
    if high is not None:
        return _("upp till %(high)s år") % {"high": high}
    return ""


def _check_age(case: Case, instrument: Instrument, measured_on: date) -> None:
    if instrument.min_age is None and instrument.max_age is None:
        return
    age = case.youth.age(measured_on)
    too_young = instrument.min_age is not None and age < instrument.min_age
    too_old = instrument.max_age is not None and age > instrument.max_age
    if too_young or too_old:
        # The age itself is not named: the recorder may see the case de-identified.
        raise ValidationError(
            {
                "instrument": _(
                    "%(instrument)s är avsett för ungdomar %(ages)s, och ungdomen är utanför "
                    "den åldern på mätdagen."
                )
                % {"instrument": instrument.short_name, "ages": age_range_text(instrument)}
            }
        )


def _check_scores(instrument: Instrument, scores: Mapping[InstrumentDomain, Decimal]) -> None:
    for domain, score in scores.items():
        if domain.instrument_id != instrument.pk:
            raise ValidationError(
                {"scores": _("Området %(domain)s hör inte till instrumentet.") % {"domain": domain}}
            )
        if not domain.is_active:
            raise ValidationError(
                {"scores": _("Området %(domain)s används inte längre.") % {"domain": domain}}
            )
        if not instrument.scale_min <= score <= instrument.scale_max:
            raise ValidationError(
                {
                    "scores": f"{domain}: "
                    + range_message(instrument.scale_min, instrument.scale_max)
                }
            )


@transaction.atomic
def measurement_record(
    *,
    actor: Person,
    case: Case,
    instrument: Instrument,
    measured_on: date,
    phase: str,
    total: Decimal | None,
    scores: Mapping[InstrumentDomain, Decimal],
    comment: str,
    category: DataCategory,
) -> Measurement:
    """Record one dated measurement with an instrument: a score per domain and/or a total.

    Rule: only an instrument the local policy uses, for a youth within its ages; every value
    on the instrument's scale; the total within the scale times the number of domains.
    """
    _require_recorder(actor, case, category)
    assert actor.organisation is not None
    if not instrument_in_use(case=case, instrument=instrument):
        raise ValidationError({"instrument": _("Instrumentet används inte i er kommun/stadsdel.")})
    _not_in_future("measured_on", measured_on)
    _check_age(case, instrument, measured_on)
    _check_scores(instrument, scores)
    if not scores and total is None:
        raise ValidationError(
            {"scores": _("Ange ett värde för minst ett område, eller ett totalvärde.")}
        )
    if total is not None:
        domains = InstrumentDomain.objects.filter(instrument=instrument, is_active=True).count()
        low, high = total_bounds(
            scale_min=instrument.scale_min, scale_max=instrument.scale_max, domains=domains
        )
        if not low <= total <= high:
            raise ValidationError({"total": range_message(low, high)})
    measurement = Measurement(
        case=case,
        owner=actor.organisation,
        category=category,
        created_by=actor,
        instrument=instrument,
        measured_on=measured_on,
        phase=phase,
        total=total,
        comment=comment.strip(),
    )
    measurement.full_clean()
    measurement.save()
    rows = [
        MeasurementScore(measurement=measurement, domain=domain, score=score)
        for domain, score in scores.items()
    ]
    for row in rows:
        # The relations were just checked; one score per domain holds since they are dict keys.
        row.full_clean(exclude=["measurement", "domain"], validate_constraints=False)
    MeasurementScore.objects.bulk_create(rows)
    audit_case(
        actor,
        Action.CREATE,
        case,
        measurement,
        category=category.slug,
        instrument=instrument.short_name,
    )
    return measurement


# --- the shared list of instruments -------------------------------------------------------


@dataclass(frozen=True)
class DomainChanges:
    added: list[str]
    retired: list[str]
    removed: list[str]
    reactivated: list[str]


def _domain_lines(domains: list[str]) -> list[str]:
    names = [name.strip() for name in domains if name.strip()]
    seen: set[str] = set()
    for name in names:
        if len(name) > 160:
            raise ValidationError({"domains": _("Ett område får vara högst 160 tecken.")})
        if name.casefold() in seen:
            raise ValidationError(
                {"domains": _("Området %(name)s står två gånger.") % {"name": name}}
            )
        seen.add(name.casefold())
    return names


def _save_domains(instrument: Instrument, names: list[str]) -> DomainChanges:
    """Match the lines to the existing domains by name. A domain no longer listed is retired
    if a measurement uses it (its history stays readable), else deleted."""
    existing = {
        d.name.casefold(): d for d in InstrumentDomain.objects.filter(instrument=instrument)
    }
    used = set(
        MeasurementScore.objects.filter(domain__instrument=instrument).values_list(
            "domain_id", flat=True
        )
    )
    changes = DomainChanges(added=[], retired=[], removed=[], reactivated=[])
    listed = {name.casefold() for name in names}
    for key, domain in existing.items():
        if key in listed:
            continue
        if domain.pk in used:
            if domain.is_active:
                domain.is_active = False
                domain.save(update_fields=["is_active"])
                changes.retired.append(domain.name)
        else:
            domain.delete()
            changes.removed.append(domain.name)
    for order, name in enumerate(names, start=1):
        domain = existing.get(name.casefold()) or InstrumentDomain(instrument=instrument)
        if domain.pk is None:
            changes.added.append(name)
        elif not domain.is_active:
            changes.reactivated.append(name)
        domain.name, domain.sort_order, domain.is_active = name, order * 10, True
        domain.full_clean()
        domain.save()
    return changes


@transaction.atomic
def instrument_save(
    *,
    actor: Person,
    instrument: Instrument | None,
    short_name: str,
    name: str,
    description: str,
    min_age: int | None,
    max_age: int | None,
    scale_min: Decimal,
    scale_max: Decimal,
    higher_is_risk: bool,
    is_active: bool,
    domains: list[str],
) -> Instrument:
    """Add or change an instrument and its domains.

    Rule: only a system administrator (superuser), since every municipality shares the list;
    a domain a measurement uses is retired, never deleted; the scale of an instrument with
    measurements is fixed, so that old values keep their meaning.
    """
    if not actor.is_superuser:
        raise PermissionDenied(_("Bara en systemadministratör ändrar bedömningsinstrumenten."))
    creating = instrument is None
    if instrument is None:
        instrument = Instrument()
    before = {
        "short_name": instrument.short_name,
        "scale": [str(instrument.scale_min), str(instrument.scale_max)],
        "higher_is_risk": instrument.higher_is_risk,
        "is_active": instrument.is_active,
    }
    if scale_min >= scale_max:
        raise ValidationError(
            {"scale_max": _("Skalans högsta värde ska vara större än det lägsta.")}
        )
    if min_age is not None and max_age is not None and min_age > max_age:
        raise ValidationError({"max_age": _("Den övre åldern får inte vara lägre än den nedre.")})
    if not creating and Measurement.objects.filter(instrument=instrument).exists():
        changed = (
            Decimal(scale_min) != instrument.scale_min
            or Decimal(scale_max) != instrument.scale_max
            or higher_is_risk != instrument.higher_is_risk
        )
        if changed:
            raise ValidationError(
                {
                    "scale_min": _(
                        "Skalan och dess riktning kan inte ändras när instrumentet har mätningar "
                        "(skala %(low)s–%(high)s). Lägg i stället till ett nytt instrument."
                    )
                    % {
                        "low": score_text(instrument.scale_min),
                        "high": score_text(instrument.scale_max),
                    }
                }
            )
    instrument.short_name = short_name.strip()
    instrument.name = name.strip()
    instrument.description = description.strip()
    instrument.min_age, instrument.max_age = min_age, max_age
    instrument.scale_min, instrument.scale_max = scale_min, scale_max
    instrument.higher_is_risk = higher_is_risk
    instrument.is_active = is_active
    instrument.full_clean()
    instrument.save()
    changes = _save_domains(instrument, _domain_lines(domains))
    audit_record(
        actor=actor,
        action=Action.CREATE if creating else Action.UPDATE,
        target=instrument,
        detail={
            "before": None if creating else before,
            "after": {
                "short_name": instrument.short_name,
                "scale": [str(instrument.scale_min), str(instrument.scale_max)],
                "higher_is_risk": higher_is_risk,
                "is_active": is_active,
            },
            "domains": {
                "added": changes.added,
                "retired": changes.retired,
                "removed": changes.removed,
                "reactivated": changes.reactivated,
            },
        },
    )
    return instrument
