"""Forms of the administration pages.

Plain forms, not ModelForms: a ModelForm writes into the instance while validating, and the
services need the instance untouched to see what changed (for the audit log). Validation
of the data itself lives in the models and services; these forms parse input and limit
the choices to the administrator's municipality.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from samsyn.lib.concurrency import EditConflict
from samsyn.organisations import services
from samsyn.organisations.models import (
    WEEKDAYS,
    District,
    Instrument,
    LocalPolicy,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    Role,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YES_NO_ALL = [("", _("Alla")), ("ja", _("Ja")), ("nej", _("Nej"))]


def yes_no(value: str | None) -> bool | None:
    """The yes/no/all filter value as True, False or None."""
    return {"ja": True, "nej": False}.get(value or "")


def apply_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: at the field it names, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, texts in error.message_dict.items():
        form.add_error(field if field in form.fields else None, texts)


def submit(
    request: HttpRequest, form: forms.BaseForm, act: Callable[[dict[str, Any]], Any], success: str
) -> bool:
    """Validate the form and hand its data to a service: True when the service accepted it (a
    success message is queued), False when the form now carries the errors. Every service is
    one transaction, so a refusal has written nothing."""
    if not form.is_valid():
        return False
    try:
        act(form.cleaned_data)
    except ValidationError as exc:
        apply_service_error(form, exc)
        if isinstance(exc, EditConflict) and "seen" in form.fields:
            # The writer has now seen the other change: saving again replaces it (D53).
            data = form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
            data[form.add_prefix("seen")] = exc.current
            form.data = data
        return False
    messages.success(request, success)
    return True


def initial_from(instance: Model, fields: list[str]) -> dict[str, Any]:
    return {f: getattr(instance, f) for f in fields}


def limit_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def _model_integer(
    model: type[Model], name: str, help_text: StrOrPromise = ""
) -> forms.IntegerField:
    """An integer field with the model field's label and limits (the model is the source)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    minimum = 0
    maximum = None
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            minimum = max(minimum, int(validator.limit_value))
        elif isinstance(validator, MaxValueValidator):
            maximum = int(validator.limit_value)
    return forms.IntegerField(
        label=capfirst(field.verbose_name),
        help_text=help_text or field.help_text,
        min_value=minimum,
        max_value=maximum,
    )


class MunicipalityForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=120)
    municipality_number = forms.CharField(
        label=_("Kommunkod"),
        max_length=4,
        help_text=_("Fyra siffror enligt SCB, t.ex. 0180 för Stockholm."),
        validators=[RegexValidator(r"^[0-9]{4}$", _("Kommunkoden ska vara fyra siffror."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class DistrictForm(forms.Form):
    name = forms.CharField(label=_("Namn på stadsdel eller område"), max_length=120)


class OrganisationForm(forms.Form):
    FIELDS = services.ORGANISATION_FIELDS

    municipality = forms.ModelChoiceField(
        label=_("Kommun"), queryset=Municipality.objects.none(), to_field_name="code"
    )
    name = forms.CharField(label=_("Namn"), max_length=160)
    kind = forms.ChoiceField(
        label=_("Slag"), choices=[("", _("Välj slag")), *OrganisationKind.choices]
    )
    district = forms.ModelChoiceField(
        label=_("Stadsdel/område"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Hela kommunen"),
        to_field_name="code",
        help_text=_("Välj ”Hela kommunen” om organisationen verkar i hela kommunen."),
    )
    parent = forms.ModelChoiceField(
        label=_("Del av myndighet"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Ingen – en egen myndighet"),
        to_field_name="code",
        help_text=_(
            "Välj myndigheten om detta är en självständig del (gren) av den, t.ex. ett "
            "lokalpolisområde. Varje del är en egen sekretessdomän."
        ),
    )
    is_active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        municipalities: QuerySet[Municipality],
        organisation: Organisation | None = None,
        **kwargs: Any,
    ) -> None:
        if organisation is not None:
            kwargs.setdefault("initial", initial_from(organisation, self.FIELDS))
        super().__init__(*args, **kwargs)
        if organisation is not None:
            # An organisation never moves between municipalities: they are separate tenants.
            municipalities = Municipality.objects.filter(pk=organisation.municipality_id)
        choices = list(municipalities)
        self.single_municipality = choices[0] if len(choices) == 1 else None
        if self.single_municipality is not None:
            del self.fields["municipality"]
        else:
            limit_choices(self, "municipality", municipalities)
        limit_choices(
            self,
            "district",
            District.objects.filter(municipality__in=municipalities).select_related("municipality"),
        )
        # Only authorities can have branches: one level, never deeper.
        parents = Organisation.objects.filter(municipality__in=municipalities, parent__isnull=True)
        if organisation is not None:
            parents = parents.exclude(pk=organisation.pk)
        limit_choices(self, "parent", parents)

    def chosen_municipality(self) -> Municipality:
        chosen = self.single_municipality or self.cleaned_data["municipality"]
        assert isinstance(chosen, Municipality)
        return chosen

    def organisation_data(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.FIELDS}


class OrganisationFilterForm(forms.Form):
    # Field names are the Swedish query parameters in the address bar.
    slag = forms.ChoiceField(
        label=_("Slag"), required=False, choices=[("", _("Alla")), *OrganisationKind.choices]
    )
    aktiv = forms.ChoiceField(label=_("Aktiv"), required=False, choices=YES_NO_ALL)


class PersonFilterForm(forms.Form):
    # Field names are the Swedish query parameters, e.g. ?tvastegs=nej from the start page.
    sok = forms.CharField(
        label=_("Sök"),
        required=False,
        max_length=150,
        help_text=_("Namn, användarnamn eller e-postadress."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Alla"),
        to_field_name="code",
    )
    roll = forms.ChoiceField(
        label=_("Roll"), required=False, choices=[("", _("Alla")), *Role.choices]
    )
    tvastegs = forms.ChoiceField(
        label=_("Tvåstegsverifiering aktiverad"), required=False, choices=YES_NO_ALL
    )
    aktiv = forms.ChoiceField(label=_("Aktiv"), required=False, choices=YES_NO_ALL)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "organisation", organisations)


def _new_password_field(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def _minimum_password_length() -> int:
    from django.conf import settings

    validators = cast(list[dict[str, Any]], settings.AUTH_PASSWORD_VALIDATORS)
    for validator in validators:
        if str(validator["NAME"]).endswith("MinimumLengthValidator"):
            return int(validator.get("OPTIONS", {}).get("min_length", 8))
    return 8


class PasswordMixin(forms.Form):
    password = _new_password_field(_("Lösenord"))
    password_again = _new_password_field(_("Lösenordet igen"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _(
            "Minst %(n)s tecken. Det får inte likna personens namn eller användarnamn, inte "
            "vara ett vanligt lösenord och inte bara bestå av siffror."
        ) % {"n": _minimum_password_length()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password"), data.get("password_again")
        if first and second and first != second:
            self.add_error(
                "password_again", _("Lösenorden är inte likadana. Skriv samma två gånger.")
            )
        return data


class PasswordSetForm(PasswordMixin):
    pass


class PersonForm(forms.Form):
    FIELDS = ["username", "first_name", "last_name", "email", "title", "phone", "organisation"]

    username = forms.CharField(
        label=_("Användarnamn"),
        max_length=150,
        help_text=_("Bokstäver, siffror och @ . + - _ – inga mellanslag."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    first_name = forms.CharField(label=_("Förnamn"), max_length=150)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150)
    email = forms.EmailField(label=_("E-postadress"), required=False, max_length=254)
    title = forms.CharField(label=_("Titel"), required=False, max_length=120)
    phone = forms.CharField(
        label=_("Telefon"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        empty_label=_("Välj organisation"),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roller"),
        required=False,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("En person kan ha flera roller, t.ex. samordnare och chef."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        person: Person | None = None,
        **kwargs: Any,
    ) -> None:
        if person is not None:
            initial = initial_from(person, [*self.FIELDS, "is_active"])
            initial["email"] = person.email or ""
            initial["roles"] = person.roles
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        # New people go to active organisations; a person keeps a deactivated one selectable.
        current = Q(pk=person.organisation_id) if person is not None else Q(pk__in=[])
        limit_choices(self, "organisation", organisations.filter(Q(is_active=True) | current))

    def person_data(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.FIELDS if f in self.cleaned_data}


class PersonCreateForm(PasswordMixin, PersonForm):
    field_order = [*PersonForm.FIELDS, "roles", "password", "password_again"]


class PersonEditForm(PersonForm):
    is_active = forms.BooleanField(
        label=_("Aktivt konto"),
        required=False,
        help_text=_("Ett avstängt konto kan inte logga in, och alla dess inloggningar avslutas."),
    )

    def person_data(self) -> dict[str, Any]:
        return {**super().person_data(), "is_active": self.cleaned_data["is_active"]}


class InstrumentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.name and not obj.name.startswith(obj.short_name):
            return f"{obj.short_name} – {obj.name}"
        if obj.name:
            return str(obj.name)
        return str(obj.short_name)


class _PersonChoiceField(forms.ModelChoiceField):
    """People listed as "Eva Ek, kvalitetsansvarig (Socialtjänsten Norra)"."""

    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.get_username()
        title = f", {obj.title}" if obj.title else ""
        organisation = f" ({obj.organisation.name})" if obj.organisation else ""
        return f"{name}{title}{organisation}"


class PolicyForm(forms.Form):
    FIELDS = services.POLICY_FIELDS

    target_age_min = _model_integer(LocalPolicy, "target_age_min")
    target_age_max = _model_integer(LocalPolicy, "target_age_max")
    meeting_cadence_weeks = _model_integer(LocalPolicy, "meeting_cadence_weeks")
    premeeting = forms.BooleanField(label=_("Förmöte före varje nätverksmöte"), required=False)
    meeting_weekday = forms.TypedChoiceField(
        label=_("Fast veckodag för nätverksmöten"),
        choices=[("", _("Ingen fast veckodag")), *WEEKDAYS],
        coerce=int,
        empty_value=None,
        required=False,
    )
    meeting_time = forms.TimeField(
        label=_("Fast tid för nätverksmöten"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Förslaget på nästa möte läggs på den här tiden."),
    )
    meeting_length_minutes = _model_integer(LocalPolicy, "meeting_length_minutes")
    motivation_phase = forms.BooleanField(
        label=_("Motivationsfas före inskrivning"),
        required=False,
        help_text=_("Till exempel för unga vuxna som lämnar anstalt."),
    )
    followup_months = forms.CharField(
        label=_("Uppföljning efter avslut (månader)"),
        required=False,
        help_text=_("Hela månader, åtskilda med komma, till exempel 6, 12."),
    )
    consent_validity_months = _model_integer(LocalPolicy, "consent_validity_months")
    consent_guardians_only_below_age = _model_integer(
        LocalPolicy,
        "consent_guardians_only_below_age",
        _("Under denna ålder samtycker vårdnadshavarna ensamma."),
    )
    consent_youth_alone_from_age = _model_integer(
        LocalPolicy,
        "consent_youth_alone_from_age",
        _("Från denna ålder samtycker ungdomen själv. Däremellan samtycker båda."),
    )
    instruments = InstrumentChoiceField(
        label=_("Instrument som används"),
        queryset=Instrument.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    required_actor_kinds = forms.MultipleChoiceField(
        label=_("Aktörer som måste ingå i gruppen"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Samordnaren påminns om någon av dem saknas i området."),
    )
    sig_cost_per_youth_year = _model_integer(LocalPolicy, "sig_cost_per_youth_year")
    placement_cost_per_year = _model_integer(LocalPolicy, "placement_cost_per_year")
    feedback_recipient = _PersonChoiceField(
        label=capfirst(LocalPolicy._meta.get_field("feedback_recipient").verbose_name),
        help_text=LocalPolicy._meta.get_field("feedback_recipient").help_text,
        queryset=Person.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Ingen vald"),
    )

    def __init__(self, *args: Any, policy: LocalPolicy, **kwargs: Any) -> None:
        initial = initial_from(policy, self.FIELDS)
        initial["instruments"] = list(policy.instruments.all())
        initial["followup_months"] = ", ".join(str(m) for m in policy.followup_months)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["meeting_length_minutes"].required = False
        # Active people working in the policy's municipality (the service checks it again).
        limit_choices(
            self,
            "feedback_recipient",
            Person.objects.filter(
                is_active=True, organisation__municipality_id=policy.municipality_id
            )
            .select_related("organisation")
            .order_by("last_name", "first_name", "username"),
        )

    def clean_required_actor_kinds(self) -> list[str]:
        chosen = set(self.cleaned_data["required_actor_kinds"])
        # Stored in a fixed order, so that the same choice is never logged as a change.
        return [kind for kind in OrganisationKind.values if kind in chosen]

    def clean_meeting_length_minutes(self) -> int:
        return self.cleaned_data.get("meeting_length_minutes") or 60

    def clean_followup_months(self) -> list[int]:
        text = self.cleaned_data.get("followup_months") or ""
        parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("Ange hela månader åtskilda med komma, t.ex. 6, 12."))
        return sorted({int(p) for p in parts})

    def policy_data(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.FIELDS}


class CrimeCostForm(forms.Form):
    crime_type = forms.CharField(label=_("Brottstyp"), max_length=120, required=False)
    amount_sek = forms.IntegerField(label=_("Kostnad per brott (kr)"), min_value=0, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, amount = (data.get("crime_type") or "").strip(), data.get("amount_sek")
        if name and amount is None:
            self.add_error("amount_sek", _("Fyll i kostnaden, eller töm raden."))
        elif amount is not None and not name:
            self.add_error("crime_type", _("Fyll i brottstypen, eller töm raden."))
        data["crime_type"] = name
        return data


if TYPE_CHECKING:
    _CrimeCostFormSetBase = forms.BaseFormSet[CrimeCostForm]
else:  # BaseFormSet is generic only in the type stubs
    _CrimeCostFormSetBase = forms.BaseFormSet


class BaseCrimeCostFormSet(_CrimeCostFormSetBase):
    def rows(self) -> list[tuple[str, int]]:
        """The filled-in rows not marked for deletion; empty rows are ignored."""
        return [
            (form.cleaned_data["crime_type"], form.cleaned_data["amount_sek"])
            for form in self.forms
            if form.cleaned_data.get("crime_type") and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        names = [name.lower() for name, _amount in self.rows()]
        if len(set(names)) != len(names):
            raise ValidationError(_("Samma brottstyp finns flera gånger. Slå ihop raderna."))


CrimeCostFormSet = cast(
    "type[BaseCrimeCostFormSet]",
    forms.formset_factory(CrimeCostForm, formset=BaseCrimeCostFormSet, extra=3, can_delete=True),
)
