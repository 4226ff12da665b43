"""Forms for "Say what you think" (portal) and for the feedback recipient (staff)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samsyn.organisations.models import Person
from samsyn.portal import voice_selectors
from samsyn.portal.voice_services import ABOUT_MAX, EVALUATION_TEXT_MAX, TEXT_MAX


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("Vad vill du säga?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Skriv vad du vill säga.")},
    )
    about = forms.CharField(
        label=_("Vem eller vad gäller det?"),
        max_length=ABOUT_MAX,
        required=False,
        help_text=_("Om du vill. Du kan lämna det tomt."),
    )
    anonymous = forms.BooleanField(label=_("Skicka anonymt"), required=False)


NO_ANSWER = "vill-inte"


def _scale_choices() -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [
        (str(value), f"{value} – {label}") for value, label in voice_selectors.SCALE
    ]
    return [*choices, (NO_ANSWER, voice_selectors.NO_ANSWER_LABEL)]


class EvaluationForm(forms.Form):
    """The four statements (1–5 or "vill inte svara"; skipping one counts as not answering)
    and two free texts."""

    good = forms.CharField(
        label=_("Det här var bra"),
        max_length=EVALUATION_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    change = forms.CharField(
        label=_("Det här borde ändras"),
        max_length=EVALUATION_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in voice_selectors.STATEMENTS:
            self.fields[key] = forms.ChoiceField(
                label=label, choices=_scale_choices(), required=False, widget=forms.RadioSelect
            )
        # The statements first, then the free texts.
        self.order_fields([key for key, _label in voice_selectors.STATEMENTS])

    @property
    def statements(self) -> list[forms.BoundField]:
        return [self[key] for key, _label in voice_selectors.STATEMENTS]

    def answers(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key, _label in voice_selectors.STATEMENTS:
            value = self.cleaned_data.get(key) or NO_ANSWER
            data[key] = None if value == NO_ANSWER else int(value)
        data["good"] = self.cleaned_data.get("good", "")
        data["change"] = self.cleaned_data.get("change", "")
        return data


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Ditt svar"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Svaret visas för den som skrev, i portalen. Skriv så att en ungdom förstår."),
        error_messages={"required": _("Skriv ett svar.")},
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = voice_selectors.person_label(obj)
        organisation = obj.organisation.name if obj.organisation else ""
        return f"{label} ({organisation})" if organisation and obj.title else label


class EscalateForm(forms.Form):
    to = PersonChoiceField(
        label=_("Lyft till"),
        queryset=Person.objects.none(),
        to_field_name="code",
        empty_label=_("Välj person"),
        help_text=_("Personer i ungdomens grupp går inte att välja."),
    )
    note = forms.CharField(
        label=_("Varför lyfter du synpunkten?"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, targets: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = targets
