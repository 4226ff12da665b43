from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.organisations.models import Organisation


class RecipientField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.municipality.name})"


class CaseExportForm(forms.Form):
    recipient = RecipientField(
        label=_("Mottagare"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        empty_label=_("Välj socialtjänsten i den nya kommunen"),
        help_text=_("Socialtjänsten i den kommun som ungdomen flyttar till."),
        error_messages={"required": _("Välj vem ärendet ska lämnas till.")},
    )

    def __init__(self, *args: Any, recipients: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipient"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in recipients])
        field.choices = [("", field.empty_label)] + [
            (str(o.code), f"{o.name} ({o.municipality.name})") for o in recipients
        ]


class ExtractForm(forms.Form):
    personnummer = forms.CharField(
        label=_("Personnummer"),
        max_length=20,
        help_text=_("ÅÅÅÅMMDD-NNNN. Sökningen och utdraget loggas."),
        error_messages={"required": _("Skriv personens personnummer.")},
    )
    output = forms.ChoiceField(
        choices=[("html", "html"), ("pdf", "pdf"), ("json", "json")],
        initial="html",
        required=False,
        widget=forms.HiddenInput,
    )
