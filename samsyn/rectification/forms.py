"""Forms: the corrected wording with a reason; the reason to restrict or to lift."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.rectification.kinds import Kind

REASON_HELP = _("Skälet sparas och visas i historiken.")


class CorrectionForm(forms.Form):
    """One text field per correctable field of the kind, filled with the current wording."""

    def __init__(self, *args: Any, kind: Kind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in kind.fields:
            self.fields[name] = forms.CharField(
                label=kind.field_label(name),
                required=False,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.fields["reason"] = forms.CharField(
            label=_("Varför rättas uppgiften?"),
            help_text=REASON_HELP,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={"required": _("Skriv varför.")},
        )

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.kind.fields}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl"),
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Skriv varför.")},
    )
