"""Who may do what in a case: one definition for services (which enforce), selectors and
views (which show only the actions a person may take)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from samsyn.cases.lifecycle import BEFORE_DECISION
from samsyn.cases.models import Case, CaseMember, InformationGiven, InformationPoint
from samsyn.organisations.models import OrganisationKind, Person, Role


def opens_cases(person: Person) -> bool:
    """Coordinators and case officers in social services open cases."""
    organisation = person.organisation
    return (
        organisation is not None
        and organisation.kind == OrganisationKind.SOCIAL_SERVICES
        and (person.has_role(Role.COORDINATOR) or person.has_role(Role.CASE_OFFICER))
    )


def runs_case(person: Person, case: Case) -> bool:
    """Coordinators and case officers of the owner organisation run the case."""
    return person.organisation_id == case.owner_id and (
        person.has_role(Role.COORDINATOR) or person.has_role(Role.CASE_OFFICER)
    )


def require_member(actor: Person, case: Case) -> None:
    """Only an active person taking part in the case may write to it."""
    if not actor.is_active or not CaseMember.objects.filter(case=case, person=actor).exists():
        raise PermissionDenied(_("Du deltar inte i ärendet."))


def require_runs_case(actor: Person, case: Case) -> None:
    """Only the owner's coordinators and case officers taking part in the case run it."""
    require_member(actor, case)
    if not runs_case(actor, case):
        raise PermissionDenied(_("Bara ärendets samordnare och handläggare kan göra detta."))


def refers_cases(person: Person) -> bool:
    """Any professional in a municipality may refer a youth (aktualisera) to social services."""
    organisation = person.organisation
    return (
        person.is_active
        and organisation is not None
        and organisation.is_active
        and any(
            person.has_role(role)
            for role in (
                Role.COORDINATOR,
                Role.CASE_OFFICER,
                Role.ACTOR_REPRESENTATIVE,
                Role.MANAGER,
            )
        )
    )


def on_preparation_group(person: Person, case: Case) -> bool:
    """Managers and coordinators of the case's municipality sit in the beredningsgrupp; those
    of an organisation tied to a district only for that district's cases."""
    organisation = person.organisation
    if organisation is None or not person.is_active:
        return False
    if organisation.municipality_id != case.municipality_id:
        return False
    if organisation.district_id is not None and organisation.district_id != case.district_id:
        return False
    return person.has_role(Role.MANAGER) or person.has_role(Role.COORDINATOR)


# The referral kind a referrer's organisation implies (they may choose another).
REFERRAL_KIND_OF: dict[str, str] = {
    OrganisationKind.POLICE: "polis",
    OrganisationKind.SOCIAL_SERVICES: "socialtjanst",
    OrganisationKind.SCHOOL: "skola",
    OrganisationKind.FIELD_WORKERS: "faltassistenter",
    OrganisationKind.PROBATION: "frivard",
}


def information_complete(case: Case) -> bool:
    """Has the youth been told all six points?"""
    told = set(InformationGiven.objects.filter(case=case).values_list("point", flat=True))
    return told >= set(InformationPoint.values)


def require_information_before_consent(case: Case) -> None:
    """Rule: before the decision, no consent is recorded until the youth has had all six
    points (informed consent)."""
    if case.state in BEFORE_DECISION and not information_complete(case):
        raise ValidationError(
            _(
                "Ungdomen måste ha fått information om alla sex punkter innan samtycke kan "
                "registreras. Registrera informationen på ärendesidan först."
            )
        )
