"""The cost-and-benefit calculator: styrgrupp/analytiker of the municipality, national
coordinators for one chosen municipality (404 for everyone else). Aggregates only, no amounts
for a cohort below the suppression threshold (`costs`). Reading aggregates is not audited."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.followup import costs as calculator
from samsyn.followup import report_views, selectors
from samsyn.lib.http import AuthedHttpRequest

# Spaces of every kind (people type "900 000"), and "kr" after the amount.
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CURRENCY = re.compile(r"(kr|kronor|sek)\.?$", re.IGNORECASE)


class AmountField(forms.CharField):
    """Whole kronor, typed the way people write them ("900 000", "900000 kr")."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=40, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value: Any) -> int | None:
        text = _CURRENCY.sub("", _SPACES.sub("", super().clean(value) or ""))
        if not text:
            return None
        negative = text[0] in "-−"
        digits = text[1:] if negative else text
        if not digits.isdigit():
            raise forms.ValidationError(
                _("Skriv ett belopp i hela kronor med siffror, till exempel 900 000.")
            )
        if negative and int(digits) > 0:
            raise forms.ValidationError(_("Beloppet kan inte vara negativt."))
        if len(digits) > 12 or int(digits) > calculator.MAX_AMOUNT:
            raise forms.ValidationError(
                _("Beloppet är orimligt stort. Skriv högst %(max)s.")
                % {"max": calculator.kronor(calculator.MAX_AMOUNT)}
            )
        return int(digits)


class WhatIfForm(forms.Form):
    """Other figures for this calculation only (GET, never saved). An empty or wrong field
    keeps the saved figure."""

    sig = AmountField(label=gettext_lazy("SIG per ungdom och år (kr)"))
    placering = AmountField(label=gettext_lazy("Placering per år (kr)"))
    brottstyp = forms.ChoiceField(label=gettext_lazy("Kostnad per brott"), required=False)
    brottskostnad = AmountField(
        label=gettext_lazy("Eller eget belopp per brott (kr)"),
        help_text=gettext_lazy("Ett ifyllt belopp används i stället för brottstypen."),
    )

    def __init__(self, data: Any, *, saved: calculator.SavedFigures) -> None:
        super().__init__(data)
        self.saved = saved
        field = self.fields["brottstyp"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (name, f"{name}: {calculator.kronor(amount)}") for name, amount in saved.crime_costs
        ]
        field.error_messages["invalid_choice"] = _("Välj en av kommunens brottstyper.")

    def figures(self) -> calculator.Figures:
        """The figures to use: every valid field entered, the saved figure for the rest."""
        self.is_valid()
        data = self.cleaned_data
        default = calculator.default_figures(self.saved)
        per_crime, crime_type = default.per_crime, default.crime_type
        chosen = dict(self.saved.crime_costs)
        if data.get("brottstyp") in chosen:
            crime_type = data["brottstyp"]
            per_crime = chosen[crime_type]
        if data.get("brottskostnad") is not None:
            per_crime, crime_type = data["brottskostnad"], ""
        sig, placement = data.get("sig"), data.get("placering")
        return calculator.Figures(
            sig_per_youth_year=default.sig_per_youth_year if sig is None else sig,
            placement_per_year=default.placement_per_year if placement is None else placement,
            per_crime=per_crime,
            crime_type=crime_type,
        )


@login_required
def costs(request: AuthedHttpRequest) -> HttpResponse:
    scope, choices = selectors.report_scope(
        viewer=request.user,
        municipality=request.GET.get("kommun", ""),
        district=request.GET.get("stadsdel", ""),
    )
    start, end = report_views.period(request)
    context: dict[str, Any] = {"scope": scope, "choices": choices, "start": start, "end": end}
    if scope.municipality is not None:
        saved = calculator.saved_figures(scope=scope)
        form = WhatIfForm(request.GET, saved=saved)
        figures = form.figures()
        calc = calculator.calculate(scope=scope, start=start, end=end, figures=figures)
        context |= {
            "saved": saved,
            "form": form,
            "calc": calc,
            "figure_rows": calculator.figure_rows(figures),
            "comparison_rows": calculator.comparison_rows(calc),
            "crime_rows": calculator.crime_rows(calc),
            "tried": figures != calculator.default_figures(saved),
            "may_edit": calculator.may_edit_figures(viewer=request.user, saved=saved),
            "reset_query": _area_query(request),
        }
    return render(request, "followup/costs.html", context)


def _area_query(request: AuthedHttpRequest) -> str:
    """The page's period and area, without the tried figures."""
    kept = request.GET.copy()
    for name in ("sig", "placering", "brottstyp", "brottskostnad"):
        kept.pop(name, None)
    return kept.urlencode()
