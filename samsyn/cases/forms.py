"""Forms of the case pages: they parse input and limit choices; the services validate the rest.

Field names match the services' keyword arguments, so a service's ValidationError lands on the
field it names (`apply_service_error`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samsyn.cases.models import Guardian, GuardianRole, Sex
from samsyn.consent.models import DataCategory
from samsyn.organisations.forms import limit_choices
from samsyn.organisations.models import District, Person

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseCreateForm(forms.Form):
    first_name = forms.CharField(label=_("Förnamn"), max_length=80)
    last_name = forms.CharField(label=_("Efternamn"), max_length=80)
    personnummer = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        required=False,
        max_length=13,
        help_text=_("ÅÅÅÅMMDD-NNNN. Lämna tomt om ungdomen saknar personnummer."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    date_of_birth = forms.DateField(
        label=_("Födelsedatum"),
        required=False,
        help_text=_("Behövs bara om personnummer saknas."),
        widget=_DATE,
    )
    sex = forms.ChoiceField(label=_("Kön"), choices=Sex.choices, initial=Sex.UNKNOWN)
    district = forms.ModelChoiceField(
        label=_("Stadsdel/område"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Samma som min organisation"),
        to_field_name="code",
    )
    address = forms.CharField(label=_("Adress"), required=False, max_length=200)
    phone = forms.CharField(
        label=_("Telefon"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    school = forms.CharField(label=_("Skola"), required=False, max_length=160)
    summary = forms.CharField(
        label=_("Avidentifierad sammanfattning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Det beredningsgruppen och andra aktörer får veta innan samtycke finns. Skriv inget "
            "som kan peka ut ungdomen: inga namn, adresser, skolor eller unika händelser."
        ),
    )

    def __init__(self, *args: Any, districts: QuerySet[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "district", districts)


class GuardianForm(forms.Form):
    first_name = forms.CharField(label=_("Förnamn"), max_length=80)
    last_name = forms.CharField(label=_("Efternamn"), max_length=80)
    role = forms.ChoiceField(
        label=_("Roll"), choices=GuardianRole.choices, initial=GuardianRole.GUARDIAN
    )
    personnummer = forms.CharField(
        label=_("Personnummer"),
        required=False,
        max_length=13,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    phone = forms.CharField(
        label=_("Telefon"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Adress"), required=False, max_length=200)
    has_custody = forms.BooleanField(
        label=_("Har vårdnaden"),
        required=False,
        initial=True,
        help_text=_("Alla som har vårdnaden måste samtycka för ett barn under 18 år."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "vh")
        super().__init__(*args, **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        organisation = obj.organisation.name if obj.organisation else ""
        return f"{obj} – {organisation}" if organisation else str(obj)


class MemberAddForm(forms.Form):
    person = PersonChoiceField(
        label=_("Lägg till deltagare"),
        queryset=Person.objects.none(),
        to_field_name="code",
        empty_label=_("Välj person"),
        help_text=_("Personer i kommunens organisationer som inte redan deltar."),
    )

    def __init__(self, *args: Any, candidates: QuerySet[Person], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "ny")
        super().__init__(*args, **kwargs)
        limit_choices(self, "person", candidates)


class MemberRemoveForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), to_field_name="code")

    def __init__(self, *args: Any, members: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "person", members)


class GuardianChoiceField(forms.ChoiceField):
    """One of the guardians the page may show, given as a list: this form never queries them."""

    def __init__(self, *, empty_label: StrOrPromise, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.empty_label = empty_label
        self.guardians: dict[str, Guardian] = {}
        self.choices = [("", empty_label)]

    def offer(self, guardians: list[Guardian]) -> None:
        self.guardians = {str(g.code): g for g in guardians}
        self.choices = [("", self.empty_label), *((c, str(g)) for c, g in self.guardians.items())]

    def clean(self, value: Any) -> Guardian | None:
        chosen = super().clean(value)
        return self.guardians.get(chosen) if chosen else None


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class NoteForm(forms.Form):
    category = CategoryChoiceField(
        label=_("Kategori"),
        queryset=DataCategory.objects.none(),
        to_field_name="slug",
        empty_label=_("Välj kategori"),
        help_text=_("Kategorin avgör vilka andra organisationer som får läsa anteckningen."),
    )
    title = forms.CharField(label=_("Rubrik"), max_length=160)
    text = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 5}))
    occurred_on = forms.DateField(label=_("Datum"), required=False, widget=_DATE)
    also_about = GuardianChoiceField(
        label=_("Rör också"),
        required=False,
        empty_label=_("Bara ungdomen"),
        help_text=_("Om uppgiften också handlar om en vårdnadshavare krävs även dennes samtycke."),
    )

    def __init__(
        self,
        *args: Any,
        categories: QuerySet[DataCategory],
        guardians: list[Guardian],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "ant")
        super().__init__(*args, **kwargs)
        limit_choices(self, "category", categories)
        if guardians:
            also_about = self.fields["also_about"]
            assert isinstance(also_about, GuardianChoiceField)
            also_about.offer(guardians)
        else:
            # Without identity the viewer may not learn who the guardians are.
            del self.fields["also_about"]
