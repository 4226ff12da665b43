from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.audit.models import Action


class AuditSearchForm(forms.Form):
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=150,
        help_text=_(
            "Användarnamn, e-postadress eller namn. Visar både vad personen gjort och vad som gjorts med personens uppgifter."
        ),
    )
    case = forms.UUIDField(
        label=_("Ärende (kod)"),
        required=False,
        error_messages={
            "invalid": _("Ärendekoden ska se ut som 3f2b…-…. Kopiera den från ärendet.")
        },
    )
    action = forms.ChoiceField(
        label=_("Händelse"), required=False, choices=[("", _("Alla")), *list(Action.choices)]
    )
    date_from = forms.DateField(
        label=_("Från och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Till och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Slutdatum kan inte vara före startdatum."))
        return data
