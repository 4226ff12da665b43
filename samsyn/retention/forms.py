from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.retention.models import ALLOWED_ACTIONS, RetentionAction
from samsyn.retention.services import MAX_MONTHS


class RuleForm(forms.Form):
    months = forms.IntegerField(
        label=_("Antal månader"),
        min_value=1,
        max_value=MAX_MONTHS,
        error_messages={
            "required": _("Ange antal månader."),
            "invalid": _("Ange antal månader som ett heltal."),
            "min_value": _("Ange minst en månad."),
            "max_value": _("Ange högst %(limit_value)s månader."),
        },
    )
    action = forms.ChoiceField(label=_("Åtgärd"))
    decision_reference = forms.CharField(
        label=_("Gallringsbeslut"),
        max_length=160,
        required=False,
        help_text=_("Till exempel dokumenthanteringsplanens diarienummer."),
    )

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].choices = [  # type: ignore[attr-defined]
            (value, RetentionAction(value).label) for value in ALLOWED_ACTIONS[kind]
        ]


class HoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "Till exempel en pågående utredning, tvist eller begäran från JO. Skriv inga namn."
        ),
        error_messages={"required": _("Skriv varför ärendet ska bevaras.")},
    )


class AdminHoldForm(HoldForm):
    case_code = forms.CharField(
        label=_("Ärendets kod"),
        max_length=12,
        help_text=_("Den avidentifierade koden, till exempel SIG-ABC234."),
        error_messages={"required": _("Ange ärendets kod.")},
    )
    field_order = ["case_code", "reason"]
