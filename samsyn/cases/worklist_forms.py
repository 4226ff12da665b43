"""Forms of the work list and the beredningsgrupp's agenda."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.cases.models import CaseState, Recommendation
from samsyn.cases.worklist import ALL, ONGOING, WorklistQuery


class WorklistFilterForm(forms.Form):
    """The work list's filters, in the query string so that a filtered list can be bookmarked.
    A value that does not parse is ignored rather than refused: the list is always shown."""

    lage = forms.ChoiceField(
        label=_("Läge"),
        required=False,
        choices=[(ONGOING, _("Pågående")), (ALL, _("Alla")), *CaseState.choices],
        widget=forms.HiddenInput,
    )
    q = forms.CharField(
        label=_("Sök ärende"),
        required=False,
        max_length=100,
        help_text=_(
            "Ärendekod (SIG-…), eller namn eller personnummer. Namn och personnummer hittas bara "
            "i ärenden där du får se vem ungdomen är."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    samordnare = forms.BooleanField(label=_("Bara ärenden där jag är samordnare"), required=False)
    forsenat = forms.BooleanField(label=_("Bara ärenden där något är försenat"), required=False)

    def query(self) -> WorklistQuery:
        if not self.is_bound:
            return WorklistQuery()
        self.is_valid()  # fills cleaned_data with the fields that did parse
        data = self.cleaned_data
        return WorklistQuery(
            state=data.get("lage") or ONGOING,
            mine=bool(data.get("samordnare")),
            overdue=bool(data.get("forsenat")),
            text=data.get("q") or "",
        )


class RecommendationForm(forms.Form):
    """One case's recommendation at a beredningsgrupp meeting (prefixed by the case's code, as
    the agenda holds one form per case)."""

    meeting_on = forms.DateField(
        label=_("Mötesdatum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    recommendation = forms.ChoiceField(
        label=_("Rekommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    motivation = forms.CharField(
        label=_("Motivering"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Avidentifierat: skriv inget som kan peka ut ungdomen – inga namn, adresser, skolor "
            "eller unika händelser."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting_on"].initial = timezone.localdate()
