"""Forms of the meeting pages: they parse input and limit choices; the services validate the
rest. Field names match the services' keyword arguments (`apply_service_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.cases.forms import PersonChoiceField
from samsyn.meetings.models import MeetingKind
from samsyn.organisations.models import Organisation, Person
from samsyn.plans.models import GoalStatus, SubGoal

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class _DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=_DATETIME_FORMAT)


def _datetime_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.Field:
    # Naive input is read in the current time zone (Europe/Stockholm) and made aware.
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=_DateTimeLocal(),
        input_formats=[_DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        organisation = obj.organisation.name if obj.organisation else ""
        return f"{obj} – {organisation}" if organisation else str(obj)


class MeetingPlanForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Slag av möte"), choices=MeetingKind.choices, widget=forms.RadioSelect
    )
    starts_at = _datetime_field(_("Börjar"))
    ends_at = _datetime_field(
        _("Slutar"), required=False, help_text=_("Lämna tomt för mötets vanliga längd.")
    )
    location = forms.CharField(
        label=_("Plats"),
        required=False,
        max_length=200,
        help_text=_(
            "Plats står i kallelsen och kalenderfilen. Skriv inte ungdomens eller familjens "
            "adress: skriv till exempel ”hemma hos familjen” och ge adressen muntligt."
        ),
    )
    agenda = forms.CharField(
        label=_("Dagordning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Visas på mötets sida för dem som får se den, aldrig i e-post."),
    )
    premeeting_of: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Förmöte till"),
        required=False,
        queryset=Person.objects.none(),  # set per case in __init__
        to_field_name="code",
        empty_label=_("Inget"),
        help_text=_("Bara för förmöten: nätverksmötet som förmötet förbereder."),
    )
    invite = PersonMultipleChoiceField(
        label=_("Kalla yrkesverksamma"),
        required=False,
        queryset=Person.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    invite_youth = forms.BooleanField(
        label=_("Kalla ungdomen"),
        required=False,
        help_text=_("Inte till förmöten, som bara är för yrkesverksamma."),
    )
    invite_guardians: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Kalla vårdnadshavare"),
        required=False,
        queryset=Person.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Person],
        guardians: QuerySet[Any],
        network_meetings: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["invite"].queryset = people  # type: ignore[attr-defined]
        self.fields["invite_guardians"].queryset = guardians  # type: ignore[attr-defined]
        self.fields["premeeting_of"].queryset = network_meetings  # type: ignore[attr-defined]
        self.fields["premeeting_of"].label_from_instance = (  # type: ignore[attr-defined]
            lambda m: timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M")
        )


class PreparationForm(forms.Form):
    prep_about = forms.CharField(
        label=_("Vad mötet handlar om"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    prep_outcome = forms.CharField(
        label=_("Vad vi hoppas att mötet leder till"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    prep_who = forms.CharField(
        label=_("Vilka som kommer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    prep_topics = forms.CharField(
        label=_("Vilka frågor som tas upp"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    prep_after = forms.CharField(
        label=_("Vad som händer efteråt"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    youth_prepared_on = forms.DateField(
        label=_("Ungdomen förberedd den"),
        required=False,
        widget=_DATE,
        help_text=_("Lämna tomt tills ungdomen har fått veta detta."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "prep")
        super().__init__(*args, **kwargs)


class RecordForm(forms.Form):
    """That the meeting was held: the day, who came (invitees checked by default) and the
    minutes. People who came without being invited can be added."""

    held_on = forms.DateField(label=_("Mötet hölls"), widget=_DATE)
    present = forms.MultipleChoiceField(
        label=_("Närvarande"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De kallade. Kryssa ur den som inte kom."),
    )
    also_present = PersonMultipleChoiceField(
        label=_("Kom också, utan kallelse"),
        required=False,
        queryset=Person.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.CharField(
        label=_("Minnesanteckningar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Varje myndighet dokumenterar också enligt sina egna regler."),
    )

    def __init__(
        self,
        *args: Any,
        invitees: list[tuple[str, str]],
        others: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "rec")
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = invitees  # type: ignore[attr-defined]
        self.fields["also_present"].queryset = others  # type: ignore[attr-defined]
        if not invitees:
            del self.fields["present"]


class DecisionForm(forms.Form):
    description = forms.CharField(
        label=_("Beslut: vad ska göras"), widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible_organisation = forms.ModelChoiceField(
        label=_("Ansvarig organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        empty_label=_("Välj organisation"),
    )
    responsible_person = PersonChoiceField(
        label=_("Ansvarig person"),
        required=False,
        queryset=Person.objects.none(),
        to_field_name="code",
        empty_label=_("Ingen särskild"),
    )
    youth_does = forms.BooleanField(label=_("Ungdomen gör det själv"), required=False)
    subgoal = forms.ModelChoiceField(
        label=_("Delmål"),
        required=False,
        queryset=Person.objects.none(),  # set per case in __init__
        to_field_name="code",
        empty_label=_("Inget särskilt delmål"),
    )
    due_on = forms.DateField(label=_("Klart senast"), required=False, widget=_DATE)
    follow_up_on = forms.DateField(label=_("Följs upp"), required=False, widget=_DATE)

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        people: QuerySet[Person],
        subgoals: QuerySet[SubGoal],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "beslut")
        super().__init__(*args, **kwargs)
        self.fields["responsible_organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["responsible_person"].queryset = people  # type: ignore[attr-defined]
        self.fields["subgoal"].queryset = subgoals  # type: ignore[attr-defined]
        self.fields["subgoal"].label_from_instance = (  # type: ignore[attr-defined]
            lambda s: f"{s.get_domain_display()}: {s.goal[:80]}"
        )


class FollowUpForm(forms.Form):
    """The follow-up of every active sub-goal: a status (the current one preselected) and a
    comment each. "Följs inte upp nu" leaves a sub-goal out."""

    def __init__(self, *args: Any, subgoals: list[SubGoal], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "uppf")
        super().__init__(*args, **kwargs)
        self.subgoals = subgoals
        self.rows: list[tuple[SubGoal, str, str]] = []
        for index, subgoal in enumerate(subgoals):
            status, comment = f"s{index}_status", f"s{index}_comment"
            self.fields[status] = forms.ChoiceField(
                label=_("Status"),
                choices=[("", _("Följs inte upp nu")), *GoalStatus.choices],
                required=False,
                initial=subgoal.status,
            )
            self.fields[comment] = forms.CharField(
                label=_("Kommentar"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.rows.append((subgoal, status, comment))

    def reviews(self) -> list[tuple[SubGoal, str, str]]:
        return [
            (subgoal, self.cleaned_data[status], self.cleaned_data[comment])
            for subgoal, status, comment in self.rows
            if self.cleaned_data.get(status)
        ]

    def bound_rows(self) -> list[tuple[SubGoal, Any, Any]]:
        return [(subgoal, self[status], self[comment]) for subgoal, status, comment in self.rows]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Varför ställs mötet in?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sparas i mötets anteckningar. Skickas inte med e-post."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "installt")
        super().__init__(*args, **kwargs)
