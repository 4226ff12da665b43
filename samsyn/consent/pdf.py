"""The printable consent form: exactly the chosen organisations and categories, never a waiver.

Rendered from a template by `samsyn.lib.pdf`, which never fetches anything over the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from samsyn.cases.models import Case, Guardian
from samsyn.consent import policy
from samsyn.consent.models import AgeRule, Consent, DataCategory
from samsyn.lib import personnummer as pnr
from samsyn.lib.pdf import render_pdf
from samsyn.organisations.models import Organisation


@dataclass(frozen=True)
class ConsentFormContent:
    """Everything the form says; built from a recorded consent or from a chosen scope."""

    case: Case
    releasing: Organisation
    recipients: list[Organisation]
    categories: list[DataCategory]
    signers: list[str]
    age: int
    age_rule: str
    consent: Consent | None = None
    valid_until: date | None = None
    validity_months: int | None = None
    also_about: Guardian | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def signers_for(*, rule: str, custodians: list[Guardian], youth_name: str) -> list[str]:
    """Signature lines for a form printed before consent: who must sign under the age rule."""
    lines: list[str] = []
    if rule in (AgeRule.GUARDIANS_AND_YOUTH, AgeRule.YOUTH):
        lines.append(_("%(name)s (ungdomen)") % {"name": youth_name})
    if rule in (AgeRule.GUARDIANS, AgeRule.GUARDIANS_AND_YOUTH):
        if custodians:
            lines.extend(_("%(name)s (vårdnadshavare)") % {"name": g} for g in custodians)
        else:
            lines.extend([_("Vårdnadshavare"), _("Vårdnadshavare")])
    return lines


def signers_of(consent: Consent, youth_name: str) -> list[str]:
    lines = []
    for giver in consent.givers.all():
        if giver.guardian_id is None:
            lines.append(_("%(name)s (ungdomen)") % {"name": youth_name})
        else:
            # The PDF is only made for people who may see who the youth is.
            lines.append(policy.giver_label(giver, named=True))
    return lines


def identity_line(case: Case) -> str:
    youth = case.youth
    if youth.personnummer:
        return str(pnr.Personnummer(youth.personnummer, youth.date_of_birth, False))
    return youth.date_of_birth.isoformat()


def render_consent_form(*, request: HttpRequest, content: ConsentFormContent) -> bytes:
    return render_pdf(
        request=request,
        template="consent/form_pdf.html",
        context={
            "content": content,
            "youth": content.case.youth,
            "identity_line": identity_line(content.case),
            "age_rule_label": AgeRule(content.age_rule).label,
        },
    )
