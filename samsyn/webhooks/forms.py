from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samsyn.organisations.models import Organisation
from samsyn.webhooks.models import Event


class WebhookForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        help_text=_("Organisationen får händelser om ärenden som den deltar i."),
    )
    url = forms.CharField(
        label=_("Adress"),
        max_length=500,
        help_text=_("Mottagarens adress, till exempel https://system.kommun.se/samsyn-handelser."),
    )
    events = forms.MultipleChoiceField(
        label=_("Händelser"),
        choices=Event.choices,
        initial=Event.values,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
