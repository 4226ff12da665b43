"""Who may import, and for which social services: read-only."""

from __future__ import annotations

from django.http import Http404

from samsyn.organisations.models import (
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    Role,
)


def import_owners(*, viewer: Person) -> list[Organisation]:
    """The social services organisations the viewer may import referrals and cases for.

    Rule: the municipality's administrator, for every active social services organisation of
    the municipality; a coordinator in social services, for their own organisation. Nobody
    else (an empty list)."""
    organisation = viewer.organisation
    if not viewer.is_active or organisation is None:
        return []
    if viewer.has_role(Role.ADMINISTRATOR):
        return list(
            Organisation.objects.filter(
                municipality_id=organisation.municipality_id,
                kind=OrganisationKind.SOCIAL_SERVICES,
                is_active=True,
            )
            .select_related("district", "municipality")
            .order_by("name")
        )
    if (
        viewer.has_role(Role.COORDINATOR)
        and organisation.kind == OrganisationKind.SOCIAL_SERVICES
        and organisation.is_active
    ):
        return [organisation]
    return []


def import_require(*, viewer: Person) -> tuple[Municipality, list[Organisation]]:
    """The viewer's municipality and the organisations they import for; 404 for anyone who may
    not import."""
    owners = import_owners(viewer=viewer)
    if not owners or viewer.organisation is None:
        raise Http404
    return viewer.organisation.municipality, owners
