"""Forms of the case pages: they parse input and limit choices; the services validate the rest.

Field names match the services' keyword arguments, so a service's ValidationError lands on the
field it names (`apply_service_error`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samsyn.cases.models import (
    ClosureReason,
    CrimeType,
    Guardian,
    GuardianRole,
    InformationPoint,
    LegalBasis,
    Measure,
    NoteKind,
    Period,
    ReferralKind,
    Sex,
    Ternary,
)
from samsyn.consent.models import DataCategory
from samsyn.organisations.forms import limit_choices
from samsyn.organisations.models import District, Organisation, Person

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        organisation = obj.organisation.name if obj.organisation else ""
        return f"{obj} – {organisation}" if organisation else str(obj)


class CaseCreateForm(forms.Form):
    """The referral (aktualisering): who the youth is, who refers, when and why."""

    owner = forms.ModelChoiceField(
        label=_("Till socialtjänsten i"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        empty_label=_("Välj socialtjänst"),
        help_text=_("Den socialtjänst som ska ta emot aktualiseringen."),
    )
    kind = forms.ChoiceField(label=_("Aktualiseras av"), choices=ReferralKind.choices)
    source_description = forms.CharField(
        label=_("Annan källa"),
        required=False,
        max_length=160,
        help_text=_("Till exempel ungdomen själv, en förälder eller en förening."),
    )
    referred_on = forms.DateField(label=_("Datum för aktualiseringen"), widget=_DATE)
    reason = forms.CharField(
        label=_("Skäl till aktualiseringen"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vad har hänt och varför behöver ungdomen en social insatsgrupp?"),
    )
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
        empty_label=_("Samma som socialtjänsten"),
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

    age_exception_reason = forms.CharField(
        label=_("Skäl att aktualisera utanför målgruppens ålder"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Behövs bara om ungdomen är yngre eller äldre än målgruppen."),
    )

    def __init__(
        self,
        *args: Any,
        districts: QuerySet[District],
        receivers: QuerySet[Organisation] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "district", districts)
        if receivers is None:
            # The referrer works in social services: the case opens there.
            del self.fields["owner"]
        else:
            limit_choices(self, "owner", receivers)
            only = list(receivers[:2])
            if len(only) == 1:
                self.fields["owner"].initial = only[0].code


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Nytt läge"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Motivering"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Varför byter ärendet läge? Visas i ärendets tidslinje."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "lage")
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = choices  # type: ignore[attr-defined]


class InformationForm(forms.Form):
    points = forms.TypedMultipleChoiceField(
        label=_("Ungdomen har fått veta"),
        choices=InformationPoint.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    informed_on = forms.DateField(label=_("Datum"), widget=_DATE)
    informed_by = PersonChoiceField(
        label=_("Informerad av"), queryset=Person.objects.none(), to_field_name="code"
    )
    note = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=300,
        help_text=_("Till exempel om ungdomen fick informationsbladet eller en tolk."),
    )

    def __init__(self, *args: Any, members: QuerySet[Person], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "info")
        super().__init__(*args, **kwargs)
        limit_choices(self, "informed_by", members)


class DecisionForm(forms.Form):
    legal_basis = forms.ChoiceField(
        label=_("Grund"), choices=LegalBasis.choices, widget=forms.RadioSelect
    )
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=_DATE)
    reference = forms.CharField(label=_("Diarienummer"), max_length=60)
    decision_maker = PersonChoiceField(
        label=_("Beslutsfattare"), queryset=Person.objects.none(), to_field_name="code"
    )
    misconduct_rules = forms.CharField(
        label=_("Regler för misskötsel"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Krävs när insatsen ingår i ett ungdomskontrakt."),
    )

    def __init__(self, *args: Any, makers: QuerySet[Person], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "beslut")
        super().__init__(*args, **kwargs)
        limit_choices(self, "decision_maker", makers)


class GroupForm(forms.Form):
    coordinator = PersonChoiceField(
        label=_("Samordnare"),
        queryset=Person.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Ingen utsedd"),
    )
    lead_contact = PersonChoiceField(
        label=_("Lots/kontaktperson"),
        queryset=Person.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Ingen utsedd"),
        help_text=_("En vuxen som ungdomen litar på och som håller i kontakten."),
    )
    contact_police = PersonChoiceField(
        label=_("Kontaktpolis"),
        queryset=Person.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Ingen utsedd"),
    )

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "grupp")
        super().__init__(*args, **kwargs)
        for name in ("coordinator", "lead_contact", "contact_police"):
            limit_choices(self, name, people)


class MandateForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), to_field_name="code")
    has_mandate = forms.BooleanField(required=False)

    def __init__(self, *args: Any, members: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "person", members)


class ProfileForm(forms.Form):
    area = forms.CharField(label=_("Bostadsområde"), required=False, max_length=120)
    parents_separated = forms.ChoiceField(
        label=_("Separerade föräldrar"), choices=Ternary.choices, widget=forms.RadioSelect
    )
    earlier_interventions = forms.ChoiceField(
        label=_("Tidigare insatser från socialtjänsten"),
        choices=Ternary.choices,
        widget=forms.RadioSelect,
    )
    earlier_interventions_text = forms.CharField(
        label=_("Vilka tidigare insatser"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    substance_use = forms.ChoiceField(
        label=_("Missbruk"), choices=Ternary.choices, widget=forms.RadioSelect
    )
    main_drug = forms.CharField(label=_("Huvuddrog"), required=False, max_length=80)
    crime_types = forms.MultipleChoiceField(
        label=_("Brottstyper"),
        choices=CrimeType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    prior_conviction = forms.ChoiceField(
        label=_("Tidigare dömd för brott"), choices=Ternary.choices, widget=forms.RadioSelect
    )
    waived_prosecution = forms.ChoiceField(
        label=_("Åtalsunderlåtelse"), choices=Ternary.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "bakgrund")
        super().__init__(*args, **kwargs)


class OutcomeCountForm(forms.Form):
    measure = forms.ChoiceField(label=_("Vad räknas"), choices=Measure.choices)
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices)
    count = forms.IntegerField(label=_("Antal"), min_value=0, max_value=999)
    period_start = forms.DateField(label=_("Från"), required=False, widget=_DATE)
    period_end = forms.DateField(label=_("Till"), required=False, widget=_DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "antal")
        super().__init__(*args, **kwargs)


class ClosureForm(forms.Form):
    closed_on = forms.DateField(label=_("Avslutsdatum"), widget=_DATE)
    reason = forms.ChoiceField(
        label=_("Skäl"), choices=ClosureReason.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label=_("Sammanfattning vid avslut"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hur har det gått, vad har ungdomen nått och vad händer nu?"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "avslut")
        super().__init__(*args, **kwargs)


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Datum för uppföljningen"), widget=_DATE)
    situation = forms.CharField(
        label=_("Hur går det för ungdomen?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skola eller sysselsättning, boende, nya brott eller misstankar."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "uppf")
        super().__init__(*args, **kwargs)


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
    kind = forms.ChoiceField(
        label=_("Slag"),
        choices=NoteKind.choices,
        initial=NoteKind.NOTE,
        required=False,
        help_text=_("Skriv gärna ner det som går bra, inte bara incidenter."),
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

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or NoteKind.NOTE

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
