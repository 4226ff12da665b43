"""Who may do what in a case: one definition for services (which enforce), selectors and
views (which show only the actions a person may take)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from samsyn.cases.models import Case, CaseMember
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
