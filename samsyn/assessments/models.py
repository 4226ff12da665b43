"""Screening and risk assessment, and dated instrument measurements.

Both are personal-data items of a case (`CaseItem`): owned by the organisation that made them,
in a data category, read only through `samsyn.consent.policy`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.cases.models import CaseItem

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The guidance's risk and protective factors (Socialstyrelsen; DOMAIN.md step 3). They are the
# checklist's questions, not local policy: every municipality asks the same ones.
RISK_FACTORS: list[tuple[str, StrOrPromise]] = [
    ("utsatt_miljo", _("Kommer från en socialt och ekonomiskt utsatt miljö")),
    ("familj_vanner_brott", _("Har familj eller vänner som begår brott")),
    ("tidigt_normbrytande", _("Har tidigt visat normbrytande beteende")),
    ("skolprestationer", _("Presterar dåligt i skolan")),
    ("skolk", _("Skolkar regelbundet")),
    ("brott_med_andra", _("Begår brott tillsammans med andra")),
    ("tidig_debut", _("Begick sitt första brott i mycket ung ålder")),
    ("strategiskt_debutbrott", _("Debuterade med ett strategiskt brott")),
    ("tidigare_domd", _("Har tidigare dömts för brott")),
    ("flera_riskfaktorer", _("Har flera riskfaktorer samtidigt")),
]
PROTECTIVE_FACTORS: list[tuple[str, StrOrPromise]] = [
    ("fysisk_halsa", _("God fysisk hälsa")),
    ("intelligens", _("Hög intelligens")),
    ("social_formaga", _("Hög social förmåga")),
    ("driv", _("Stor prestations- och initiativförmåga")),
    ("kanslomassig_stabilitet", _("Känslomässigt stabil")),
]
# The eight central risk factors used with IRK (seed 004).
IRK_FACTORS: list[tuple[str, StrOrPromise]] = [
    ("kriminell_historia", _("Kriminell historia")),
    ("personlighetsdrag", _("Problematiska personlighetsdrag")),
    ("attityder", _("Negativa attityder")),
    ("relationer", _("Negativa relationer")),
    ("alkohol_droger", _("Alkohol eller droger")),
    ("familjerelationer", _("Negativa familjerelationer")),
    ("skola_arbete", _("Problem i skola eller arbete")),
    ("fritid", _("Brist på positiv fritid")),
]


class DebutCrime(models.TextChoices):
    NONE = "", _("Inget strategiskt debutbrott")
    ROBBERY = "ran", _("Rån")
    VEHICLE = "fordon", _("Tillgrepp av motorfordon")
    AUTHORITY = "myndighet", _("Brott mot allmän verksamhet")


class ThreatLevel(models.TextChoices):
    NOT_ASSESSED = "ej_bedomd", _("Inte bedömd")
    NONE = "ingen", _("Ingen känd hotbild")
    LOW = "lag", _("Låg")
    MODERATE = "mattlig", _("Måttlig")
    HIGH = "hog", _("Hög")


class RiskAssessment(CaseItem):
    """A screening: the checklist of risk, protective and IRK factors with comments, the
    strategic debut crime, a safety/threat assessment and the holistic judgment.

    The checklists are stored as {factor key: {"present": bool, "comment": str}}.
    """

    assessed_on = models.DateField(_("bedömningsdatum"), default=date.today)
    risk_factors = models.JSONField(_("riskfaktorer"), default=dict, blank=True)
    protective_factors = models.JSONField(_("skyddsfaktorer"), default=dict, blank=True)
    irk_factors = models.JSONField(_("IRK-faktorer"), default=dict, blank=True)
    debut_crime = models.CharField(
        _("strategiskt debutbrott"), max_length=12, choices=DebutCrime.choices, blank=True
    )
    threat_level = models.CharField(
        _("hot och säkerhet"),
        max_length=12,
        choices=ThreatLevel.choices,
        default=ThreatLevel.NOT_ASSESSED,
    )
    threat_assessment = models.TextField(_("säkerhets- och hotbedömning"), blank=True)
    judgment = models.TextField(_("samlad bedömning"))

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        verbose_name = _("risk- och skyddsbedömning")
        verbose_name_plural = _("risk- och skyddsbedömningar")


class MeasurementPhase(models.TextChoices):
    ENTRY = "inskrivning", _("Ingångsvärde")
    MIDWAY = "mellan", _("Mellanvärde")
    CLOSURE = "avslut", _("Slutvärde")
    FOLLOW_UP = "uppfoljning", _("Uppföljning")
    OTHER = "annat", _("Annat")


class Measurement(CaseItem):
    """One dated measurement with an instrument: a total and a score per domain, so the same
    instrument can be compared at entry, midway and closure."""

    instrument = models.ForeignKey(
        "organisations.Instrument",
        on_delete=models.PROTECT,
        related_name="measurements",
        verbose_name=_("instrument"),
    )
    measured_on = models.DateField(_("datum"))
    phase = models.CharField(_("tillfälle"), max_length=12, choices=MeasurementPhase.choices)
    total = models.DecimalField(
        _("totalvärde"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["instrument__short_name", "measured_on", "pk"]
        verbose_name = _("mätning")
        verbose_name_plural = _("mätningar")


class MeasurementScore(models.Model):
    """The score of one domain in one measurement."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="scores")
    domain = models.ForeignKey(
        "organisations.InstrumentDomain", on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("värde"), max_digits=6, decimal_places=1)

    class Meta:
        verbose_name = _("värde per område")
        verbose_name_plural = _("värden per område")
        constraints = [
            models.UniqueConstraint(fields=["measurement", "domain"], name="one_score_per_domain")
        ]

    def __str__(self) -> str:
        return f"{self.domain_id}: {self.score}"
