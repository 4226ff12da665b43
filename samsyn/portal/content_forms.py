"""Forms of the portal's content pages: taking a consent back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.organisations.models import Organisation


class WithdrawForm(forms.Form):
    """Which recipients should stop getting the data. With one recipient there is nothing to
    choose: the whole consent is taken back."""

    recipients = forms.MultipleChoiceField(
        label=_("Vilka ska inte längre få uppgifterna?"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        field = self.fields["recipients"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(o.code), o.name) for o in organisations]

    @property
    def several(self) -> bool:
        return len(self.organisations) > 1

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.several and not cleaned.get("recipients"):
            self.add_error(
                "recipients",
                _("Välj minst en. Vill du ta tillbaka hela samtycket, välj alla."),
            )
        return cleaned

    def chosen(self) -> list[Organisation]:
        """The recipients that stop getting the data (all of them when there is one)."""
        if not self.several:
            return list(self.organisations)
        codes = set(self.cleaned_data.get("recipients") or [])
        return [o for o in self.organisations if str(o.code) in codes]
