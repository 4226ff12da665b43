"""Forms of the assessment pages: they parse input and offer choices; the services validate.

Field names match the services' keyword arguments where they can, so a service's
ValidationError lands on the field it names (`apply_service_error`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.assessments.models import (
    IRK_FACTORS,
    PROTECTIVE_FACTORS,
    RISK_FACTORS,
    DebutCrime,
    MeasurementPhase,
    ThreatLevel,
)
from samsyn.assessments.scales import range_message, score_text, total_bounds
from samsyn.assessments.services import COMMENT_MAX_LENGTH
from samsyn.cases.forms import CategoryChoiceField
from samsyn.consent.models import DataCategory
from samsyn.organisations.forms import limit_choices
from samsyn.organisations.models import Instrument, InstrumentDomain

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# (service argument, field name prefix, legend, factors)
_GROUPS: list[tuple[str, str, Any, list[tuple[str, Any]]]] = [
    ("risk_factors", "risk", _("Riskfaktorer"), RISK_FACTORS),
    ("protective_factors", "skydd", _("Skyddsfaktorer"), PROTECTIVE_FACTORS),
    ("irk_factors", "irk", _("IRK: åtta centrala riskfaktorer"), IRK_FACTORS),
]


def _category_field() -> CategoryChoiceField:
    return CategoryChoiceField(
        label=_("Kategori"),
        queryset=DataCategory.objects.none(),
        to_field_name="slug",
        empty_label=_("Välj kategori"),
        help_text=_("Kategorin avgör vilka andra organisationer som får läsa uppgiften."),
    )


@dataclass(frozen=True)
class FactorGroup:
    """One fieldset of the checklist: a checkbox and a comment per factor."""

    argument: str
    legend: Any
    rows: list[tuple[forms.BoundField, forms.BoundField]]


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label=_("Bedömningsdatum"), widget=_DATE)
    debut_crime = forms.ChoiceField(
        label=_("Strategiskt debutbrott"),
        choices=DebutCrime.choices,
        required=False,
        help_text=_("Rån, tillgrepp av motorfordon eller brott mot allmän verksamhet."),
    )
    threat_level = forms.ChoiceField(
        label=_("Hot och säkerhet"), choices=ThreatLevel.choices, initial=ThreatLevel.NOT_ASSESSED
    )
    threat_assessment = forms.CharField(
        label=_("Säkerhets- och hotbedömning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    judgment = forms.CharField(
        label=_("Samlad bedömning"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Checklistan stöder bedömningen men ersätter den inte."),
    )
    category = _category_field()

    def __init__(self, *args: Any, categories: QuerySet[DataCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "category", categories)
        self.fields["assessed_on"].initial = timezone.localdate()
        for _argument, prefix, _legend, factors in _GROUPS:
            for key, label in factors:
                self.fields[f"{prefix}_{key}"] = forms.BooleanField(label=label, required=False)
                self.fields[f"{prefix}_{key}_kommentar"] = forms.CharField(
                    label=_("Kommentar"),
                    required=False,
                    max_length=COMMENT_MAX_LENGTH,
                    widget=forms.TextInput(attrs={"placeholder": _("Kommentar (frivilligt)")}),
                )

    @property
    def groups(self) -> list[FactorGroup]:
        return [
            FactorGroup(
                argument=argument,
                legend=legend,
                rows=[
                    (self[f"{prefix}_{key}"], self[f"{prefix}_{key}_kommentar"])
                    for key, _l in factors
                ],
            )
            for argument, prefix, legend, factors in _GROUPS
        ]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        result: dict[str, Any] = {
            name: data[name]
            for name in (
                "assessed_on",
                "debut_crime",
                "threat_level",
                "threat_assessment",
                "judgment",
                "category",
            )
        }
        for argument, prefix, _legend, factors in _GROUPS:
            result[argument] = {
                key: {
                    "present": data[f"{prefix}_{key}"],
                    "comment": data[f"{prefix}_{key}_kommentar"],
                }
                for key, _label in factors
            }
        return result


class InstrumentChoiceForm(forms.Form):
    """Step one of a measurement: which instrument (sent with GET)."""

    instrument = forms.ChoiceField(label=_("Instrument"))

    def __init__(self, *args: Any, instruments: list[Instrument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(i.code), f"{i.short_name} – {i.name}") for i in instruments]


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(label=_("Datum"), widget=_DATE)
    phase = forms.ChoiceField(label=_("Tillfälle"), choices=MeasurementPhase.choices)

    def __init__(
        self,
        *args: Any,
        instrument: Instrument,
        domains: list[InstrumentDomain],
        categories: QuerySet[DataCategory],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.domains = domains
        self.fields["measured_on"].initial = timezone.localdate()
        low, high = instrument.scale_min, instrument.scale_max
        scale = _("Skala %(low)s–%(high)s") % {"low": score_text(low), "high": score_text(high)}
        for domain in domains:
            self.fields[f"omrade_{domain.pk}"] = self._number(domain.name, low, high, scale)
        total_low, total_high = total_bounds(scale_min=low, scale_max=high, domains=len(domains))
        self.fields["total"] = self._number(
            _("Totalvärde"),
            total_low,
            total_high,
            _("%(low)s–%(high)s. Frivilligt om du fyller i områdena.")
            % {"low": score_text(total_low), "high": score_text(total_high)},
        )
        self.fields["comment"] = forms.CharField(
            label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
        self.fields["category"] = _category_field()
        limit_choices(self, "category", categories)

    @staticmethod
    def _number(label: Any, low: Decimal, high: Decimal, help_text: Any) -> forms.DecimalField:
        message = range_message(low, high)
        return forms.DecimalField(
            label=label,
            required=False,
            min_value=low,
            max_value=high,
            max_digits=6,
            decimal_places=1,
            help_text=help_text,
            error_messages={"min_value": message, "max_value": message},
        )

    @property
    def domain_fields(self) -> list[forms.BoundField]:
        return [self[f"omrade_{d.pk}"] for d in self.domains]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        scores = {
            d: data[f"omrade_{d.pk}"] for d in self.domains if data[f"omrade_{d.pk}"] is not None
        }
        return {
            "instrument": self.instrument,
            "measured_on": data["measured_on"],
            "phase": data["phase"],
            "total": data["total"],
            "scores": scores,
            "comment": data["comment"],
            "category": data["category"],
        }
