"""Forms of the portal's access pages and of the coordinator's portal tab.

They only parse input: the rules (code, username, password, PIN, who may be invited) live in
`account_services`, whose errors are shown at the field they name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samsyn.portal.models import AccountKind


class RedeemForm(forms.Form):
    code = forms.CharField(
        label=_("Kod från din samordnare"),
        max_length=40,
        help_text=_("12 tecken, till exempel ABCD-EFGH-JKMN."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    username = forms.CharField(
        label=_("Välj ett användarnamn"),
        max_length=40,
        help_text=_(
            "3–40 tecken: a–z, siffror, punkt, understreck eller bindestreck. "
            "Använd inte ditt personnummer."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Välj ett lösenord"),
        strip=False,
        help_text=_("Minst 12 tecken. Tips: skriv några ord i rad, som en mening."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Skriv lösenordet igen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    pin = forms.CharField(
        label=_("Välj en pinkod"),
        max_length=6,
        help_text=_(
            "4–6 siffror. Du använder den för att komma in igen när du har varit borta en stund."
        ),
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}
        ),
    )
    pin_again = forms.CharField(
        label=_("Skriv pinkoden igen"),
        max_length=6,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}
        ),
    )


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Användarnamn"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PinForm(forms.Form):
    pin = forms.CharField(
        label=_("Pinkod"),
        max_length=6,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}
        ),
    )


class InviteForm(forms.Form):
    """Invite the youth, or one guardian chosen among those who may be invited."""

    kind = forms.ChoiceField(choices=AccountKind.choices, widget=forms.HiddenInput)
    guardian: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Vårdnadshavare"),
        queryset=None,  # set per case in __init__
        required=False,
        to_field_name="code",
        empty_label=_("Välj vårdnadshavare"),
    )

    def __init__(self, *args: Any, guardians: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guardian = self.fields["guardian"]
        assert isinstance(guardian, forms.ModelChoiceField)
        guardian.queryset = guardians
