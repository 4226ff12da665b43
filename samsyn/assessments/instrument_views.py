"""The shared list of assessment instruments and their domains: changed by superusers only;
everybody else gets 404. Which instruments a municipality uses is its local policy."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samsyn.assessments import selectors, services
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations.forms import submit
from samsyn.organisations.models import Instrument


class InstrumentForm(forms.Form):
    short_name = forms.CharField(label=gettext_lazy("Kortnamn"), max_length=32)
    name = forms.CharField(label=gettext_lazy("Namn"), max_length=160)
    description = forms.CharField(
        label=gettext_lazy("Beskrivning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    min_age = forms.IntegerField(
        label=gettext_lazy("Från ålder"), required=False, min_value=0, max_value=30
    )
    max_age = forms.IntegerField(
        label=gettext_lazy("Till och med ålder"), required=False, min_value=0, max_value=30
    )
    scale_min = forms.DecimalField(
        label=gettext_lazy("Skalans lägsta värde"), max_digits=6, decimal_places=1
    )
    scale_max = forms.DecimalField(
        label=gettext_lazy("Skalans högsta värde"), max_digits=6, decimal_places=1
    )
    higher_is_risk = forms.BooleanField(
        label=gettext_lazy("Högre värde betyder större risk"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Avmarkera om ett högre värde betyder mer skydd eller bättre läge."),
    )
    is_active = forms.BooleanField(label=gettext_lazy("I bruk"), required=False, initial=True)
    domains = forms.CharField(
        label=gettext_lazy("Områden"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy(
            "Ett område per rad, i den ordning de ska visas. Ett område som tas bort men redan "
            "har värden i mätningar tas ur bruk, och dess värden finns kvar i historiken."
        ),
    )

    def clean_domains(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["domains"].splitlines() if line.strip()]


FIELDS = ["short_name", "name", "description", "min_age", "max_age", "scale_min", "scale_max"]


def _initial(instrument: Instrument) -> dict[str, Any]:
    initial: dict[str, Any] = {f: getattr(instrument, f) for f in FIELDS}
    initial["higher_is_risk"] = instrument.higher_is_risk
    initial["is_active"] = instrument.is_active
    initial["domains"] = "\n".join(d.name for d in instrument.domains.all() if d.is_active)
    return initial


def _save(request: AuthedHttpRequest, form: InstrumentForm, instrument: Instrument | None) -> bool:
    return submit(
        request,
        form,
        lambda data: services.instrument_save(actor=request.user, instrument=instrument, **data),
        _("Instrumentet är sparat."),
    )


@login_required
def instrument_list(request: AuthedHttpRequest) -> HttpResponse:
    instruments = selectors.instruments_for_admin(viewer=request.user)
    return render(request, "assessments/instruments.html", {"instruments": instruments})


@login_required
def instrument_create(request: AuthedHttpRequest) -> HttpResponse:
    selectors.instrument_admin_require(viewer=request.user)
    form = InstrumentForm(request.POST or None, initial={"scale_min": 0, "scale_max": 2})
    if request.method == "POST" and _save(request, form, None):
        return redirect("instruments:list")
    return render(
        request, "assessments/instrument_form.html", {"form": form, "editing": None, "title": ""}
    )


@login_required
def instrument_edit(request: AuthedHttpRequest, code: UUID) -> HttpResponse:
    instrument = selectors.instrument_get_for_admin(viewer=request.user, code=code)
    title = instrument.short_name  # before a refused save changes the instance
    form = InstrumentForm(request.POST or None, initial=_initial(instrument))
    if request.method == "POST" and _save(request, form, instrument):
        return redirect("instruments:list")
    used = selectors.domains_in_use(instrument=instrument)
    context = {
        "form": form,
        "editing": instrument,
        "title": title,
        "retired": [d for d in instrument.domains.all() if not d.is_active],
        "used": [d for d in instrument.domains.all() if d.is_active and d.pk in used],
    }
    return render(request, "assessments/instrument_form.html", context)
