"""Forms for recording, renewing and revoking consents, and for the printable consent form.

Field names match `consent.services` keyword arguments, so a service's ValidationError lands
on the field it names. The forms parse input and limit choices; the rules live in services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from samsyn.cases.forms import GuardianChoiceField
from samsyn.cases.models import Guardian
from samsyn.consent.models import ConsentForm, DataCategory, GiverRole
from samsyn.consent.services import Giver
from samsyn.lib import uploads
from samsyn.organisations.forms import limit_choices
from samsyn.organisations.models import Organisation

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# What a scanned, signed form may be, recognised by its first bytes (not by its name).
DOCUMENT_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YOUTH = GiverRole.YOUTH.value


class CategoriesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class OrganisationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def check_document(document: UploadedFile) -> UploadedFile:
    """A PDF, JPEG or PNG of at most 10 MB, whatever the file is called."""
    if document.size is not None and document.size > MAX_DOCUMENT_BYTES:
        raise forms.ValidationError(
            _("Filen är för stor. Den får vara högst 10 MB; skanna med lägre upplösning.")
        )
    extension = (document.name or "").rsplit(".", 1)[-1].lower()
    head = document.read(16)
    document.seek(0)
    signatures = DOCUMENT_SIGNATURES.get(extension, ())
    if not any(head.startswith(s) for s in signatures):
        raise forms.ValidationError(
            _("Filen måste vara en PDF, JPG eller PNG. Skanna blanketten och försök igen.")
        )
    if extension == "pdf":
        try:
            uploads.check_pdf(document)
        except uploads.UnsafeFile as exc:
            raise forms.ValidationError(str(exc)) from exc
    return document


class _GivenForm(forms.Form):
    """What a consent and its renewal both say: who gave it, how, when, until when."""

    givers = forms.MultipleChoiceField(
        label=_("Vem lämnade samtycket"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    form = forms.ChoiceField(
        label=_("Form"),
        choices=ConsentForm.choices,
        widget=forms.RadioSelect,
        initial=ConsentForm.WRITTEN,
    )
    document = forms.FileField(
        label=_("Inskannad, underskriven blankett"),
        required=False,
        help_text=_("PDF, JPG eller PNG, högst 10 MB. Krävs för ett skriftligt samtycke."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    oral_note = forms.CharField(
        label=_("Anteckning om muntligt samtycke"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Krävs för ett muntligt samtycke: när, hur (t.ex. i telefon) och till vem."),
    )
    given_on = forms.DateField(label=_("Lämnat den"), widget=_DATE)
    valid_until = forms.DateField(label=_("Gäller till och med"), required=False, widget=_DATE)
    maturity_assessment = forms.CharField(
        label=_("Mognadsbedömning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Krävs när en ungdom under 18 år samtycker utan vårdnadshavarna: varför ungdomen "
            "förstår vad samtycket innebär."
        ),
    )

    def __init__(
        self,
        *args: Any,
        youth_label: str,
        guardians: list[Guardian],
        validity_months: int | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.guardians = {str(g.code): g for g in guardians}
        givers = self.fields["givers"]
        assert isinstance(givers, forms.MultipleChoiceField)
        givers.choices = [
            (YOUTH, _("Ungdomen (%(name)s)") % {"name": youth_label}),
            *((str(g.code), f"{g} ({g.get_role_display().lower()})") for g in guardians),
        ]
        if validity_months:
            self.fields["valid_until"].help_text = ngettext_lazy(
                "Lämna tomt så gäller samtycket %(months)d månad från den dag det lämnades, "
                "enligt de lokala riktlinjerna.",
                "Lämna tomt så gäller samtycket %(months)d månader från den dag det lämnades, "
                "enligt de lokala riktlinjerna.",
                "months",
            ) % {"months": validity_months}
        else:
            self.fields["valid_until"].help_text = _("Lämna tomt så gäller samtycket tills vidare.")

    def clean_document(self) -> UploadedFile | None:
        document = self.cleaned_data.get("document")
        return check_document(document) if document else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given, until = data.get("given_on"), data.get("valid_until")
        if given and until and until < given:
            self.add_error(
                "valid_until", _("Slutdatumet kan inte vara före dagen samtycket lämnades.")
            )
        return data

    def chosen_givers(self) -> list[Giver]:
        chosen = []
        for value in self.cleaned_data["givers"]:
            if value == YOUTH:
                chosen.append(Giver(GiverRole.YOUTH))
            else:
                guardian = self.guardians[value]
                chosen.append(Giver(guardian.role, guardian))
        return chosen

    def given_data(self) -> dict[str, Any]:
        return {
            "givers": self.chosen_givers(),
            "form": self.cleaned_data["form"],
            "document": self.cleaned_data["document"],
            "oral_note": self.cleaned_data["oral_note"],
            "given_on": self.cleaned_data["given_on"],
            "valid_until": self.cleaned_data["valid_until"],
            "maturity_assessment": self.cleaned_data["maturity_assessment"],
        }


class ConsentRecordForm(_GivenForm):
    categories = CategoriesField(
        label=_("Vilka uppgifter"),
        queryset=DataCategory.objects.none(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bara det ungdomen och vårdnadshavarna har sagt ja till, aldrig allt."),
    )
    recipients = OrganisationsField(
        label=_("Till vilka mottagare"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    also_about = GuardianChoiceField(
        label=_("Omfattar också uppgifter om"),
        required=False,
        empty_label=_("Bara ungdomen"),
        help_text=_("När uppgifterna rör både ungdomen och en vårdnadshavare måste båda samtycka."),
    )
    field_order = ["categories", "recipients", "givers", "also_about"]

    def __init__(
        self,
        *args: Any,
        categories: QuerySet[DataCategory],
        recipients: QuerySet[Organisation],
        guardians: list[Guardian],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, guardians=guardians, **kwargs)
        limit_choices(self, "categories", categories)
        limit_choices(self, "recipients", recipients)
        also_about = self.fields["also_about"]
        assert isinstance(also_about, GuardianChoiceField)
        also_about.offer(guardians)

    def consent_data(self) -> dict[str, Any]:
        return {
            **self.given_data(),
            "categories": list(self.cleaned_data["categories"]),
            "recipients": list(self.cleaned_data["recipients"]),
            "also_about": self.cleaned_data["also_about"],
        }


class ConsentRenewForm(_GivenForm):
    pass


class ConsentRevokeForm(forms.Form):
    revoked_by = forms.CharField(
        label=_("Vem återkallade samtycket"),
        max_length=160,
        help_text=_("T.ex. ungdomen, eller vårdnadshavarens namn."),
    )
    how = forms.CharField(
        label=_("Hur och när"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("T.ex. muntligt i telefon till samordnaren i dag kl. 14."),
    )


class BlankFormScopeForm(forms.Form):
    """The scope of a consent form to print before anything is recorded (a GET form)."""

    # Field names are the Swedish query parameters of the PDF's address.
    kategori = CategoriesField(
        label=_("Vilka uppgifter"),
        queryset=DataCategory.objects.none(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    mottagare = OrganisationsField(
        label=_("Till vilka mottagare"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        categories: QuerySet[DataCategory],
        recipients: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", None)
        kwargs.setdefault("auto_id", "blankett_%s")
        super().__init__(*args, **kwargs)
        limit_choices(self, "kategori", categories)
        limit_choices(self, "mottagare", recipients)
        self.fields["kategori"].error_messages["required"] = _("Välj minst en kategori.")
        self.fields["mottagare"].error_messages["required"] = _("Välj minst en mottagare.")


class DisclosureFilterForm(forms.Form):
    # "visa" marks a submitted filter, so that an unticked box means "off", not "default".
    visa = forms.CharField(required=False, widget=forms.HiddenInput)
    andra = forms.BooleanField(
        label=_("Bara utlämnanden till andra organisationer"),
        required=False,
        help_text=_("Läsningar av den egna organisationens uppgifter visas inte."),
    )

    @classmethod
    def from_query(cls, query: Any) -> DisclosureFilterForm:
        data = query.copy()
        if not data.get("visa"):
            data["visa"] = "1"
            data["andra"] = "on"
        return cls(data)

    def only_other_organisations(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data["andra"])
