"""Forms of the plan pages: they parse input and limit choices to what the viewer may see and
choose; the services validate the rest. Field names match the services' keyword arguments."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samsyn.organisations.models import Organisation, Person
from samsyn.plans.models import (
    GoalStatus,
    InterventionKind,
    InterventionStatus,
    LifeDomain,
    SubGoal,
)

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects already loaded (and already decided by the one door), by their
    public code; cleans to the object."""

    def __init__(
        self,
        *,
        objects: Sequence[Any] = (),
        label_of: Callable[[Any], str] = str,
        key: str = "code",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.set_objects(objects, label_of, key)

    def set_objects(
        self, objects: Sequence[Any], label_of: Callable[[Any], str] = str, key: str = "code"
    ) -> None:
        self.by_key = {str(getattr(o, key)): o for o in objects}
        empty = [("", "---------")] if not self.required else []
        self.choices = empty + [(str(getattr(o, key)), label_of(o)) for o in objects]

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        return self.by_key.get(value) if value else None


def _person_label(person: Person) -> str:
    organisation = person.organisation.name if person.organisation else ""
    return f"{person} – {organisation}" if organisation else str(person)


def _goal_label(subgoal: SubGoal) -> str:
    return f"{subgoal.get_domain_display()}: {subgoal.goal[:60]}"


def goal_labels(subgoals: Sequence[SubGoal]) -> dict[int, str]:
    return {s.pk: _goal_label(s) for s in subgoals}


def _seen() -> forms.CharField:
    """What the writer saw (a fingerprint, D53): a save over content changed since is refused."""
    return forms.CharField(required=False, widget=forms.HiddenInput)


class PlanForm(forms.Form):
    long_term_goal = forms.CharField(
        label=_("Långsiktigt mål"),
        help_text=_("Med ungdomens egna ord: vad vill du ska vara annorlunda om ett år?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    seen = _seen()


class SubGoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Livsområde"), choices=LifeDomain.choices)
    goal = forms.CharField(label=_("Delmål"), widget=forms.Textarea(attrs={"rows": 2}))
    youth_words = forms.CharField(
        label=_("Med ungdomens ord"),
        required=False,
        help_text=_("Så som ungdomen själv säger det. Används i ungdomens plan."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


class SubGoalRefForm(forms.Form):
    """Names one of the sub-goals the viewer can see."""

    subgoal = ObjectChoiceField(label=_("Delmål"))

    def __init__(
        self,
        *args: Any,
        subgoals: Sequence[SubGoal],
        labels: Mapping[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["subgoal"]
        assert isinstance(field, ObjectChoiceField)
        # `labels` (from `goal_labels`) when the page makes a form per sub-goal: labelling every
        # sub-goal again in every form made the plan page quadratic in its sub-goals.
        field.set_objects(subgoals, (lambda s: labels[s.pk]) if labels else _goal_label)


class SubGoalEditForm(SubGoalRefForm, SubGoalForm):
    seen = _seen()


class GoalReviewForm(SubGoalRefForm):
    status = forms.ChoiceField(label=_("Status nu"), choices=GoalStatus.choices)
    reviewed_on = forms.DateField(label=_("Uppföljt den"), widget=_DATE)
    comment = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActivityForm(forms.Form):
    subgoal = ObjectChoiceField(label=_("Delmål"), required=False)
    description = forms.CharField(
        label=_("Vad ska göras"), widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible_organisation = ObjectChoiceField(label=_("Organisation"))
    responsible_person = ObjectChoiceField(label=_("Vem"), required=False)
    youth_does = forms.BooleanField(label=_("Ungdomen gör det själv"), required=False)
    due_on = forms.DateField(label=_("Klart senast"), required=False, widget=_DATE)
    follow_up_on = forms.DateField(label=_("Följs upp"), required=False, widget=_DATE)

    def __init__(
        self,
        *args: Any,
        subgoals: Sequence[SubGoal],
        organisations: Sequence[Organisation],
        people: Sequence[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, objects, label_of in (
            ("subgoal", subgoals, _goal_label),
            ("responsible_organisation", organisations, str),
            ("responsible_person", people, _person_label),
        ):
            field = self.fields[name]
            assert isinstance(field, ObjectChoiceField)
            field.set_objects(objects, label_of, "pk" if name != "subgoal" else "code")


class ActivityDoneForm(forms.Form):
    activity = ObjectChoiceField(label=_("Aktivitet"))
    done_on = forms.DateField(label=_("Klar den"), widget=_DATE)

    def __init__(self, *args: Any, activities: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        assert isinstance(field, ObjectChoiceField)
        field.set_objects(activities, lambda a: a.description[:60])


class AgreeForm(forms.Form):
    agreed_on = forms.DateField(label=_("Överenskommen den"), widget=_DATE)
    seen = _seen()


class InterventionForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Insats"), queryset=InterventionKind.objects.none())
    description = forms.CharField(label=_("Beskrivning"), max_length=300, required=False)
    started_on = forms.DateField(label=_("Start"), widget=_DATE)
    ended_on = forms.DateField(label=_("Slut"), required=False, widget=_DATE)
    status = forms.ChoiceField(label=_("Status"), choices=InterventionStatus.choices)

    def __init__(self, *args: Any, kinds: QuerySet[InterventionKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = kinds
