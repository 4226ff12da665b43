from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samsyn.api.models import Scope
from samsyn.api.services import MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Namn"),
        max_length=100,
        help_text=_("Vilket system som ska använda nyckeln, till exempel ”Treserva”."),
    )
    scope = forms.ChoiceField(
        label=_("Får nyckeln"), choices=Scope.choices, initial=Scope.READ, widget=forms.RadioSelect
    )
    days = forms.IntegerField(
        label=_("Giltig i antal dagar"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=90,
        help_text=_("Högst %(max)s dagar. Därefter behövs en ny nyckel.") % {"max": MAX_DAYS},
    )
