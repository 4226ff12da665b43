"""Reads about organisations, people and local policy, always on behalf of a viewer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.organisations.models import (
    District,
    LocalPolicy,
    Municipality,
    Organisation,
    OrganisationKind,
    Person,
    Role,
    RoleAssignment,
)


def people_with_roles() -> QuerySet[Person]:
    return Person.objects.select_related(
        "organisation__municipality", "organisation__district"
    ).prefetch_related(Prefetch("role_assignments", queryset=RoleAssignment.objects.all()))


def policy_for(
    *, municipality: Municipality, district: District | None = None
) -> LocalPolicy | None:
    """The policy in force: the district's own when it has one, else the municipality's."""
    policies = (
        LocalPolicy.objects.filter(municipality=municipality)
        .filter(Q(district__isnull=True) | Q(district=district))
        .select_related("municipality", "district")
        .prefetch_related("instruments", "crime_costs")
    )
    by_district = {p.district_id: p for p in policies}
    if district is not None and district.pk in by_district:
        return by_district[district.pk]
    return by_district.get(None)


def policy_for_person(*, person: Person) -> LocalPolicy | None:
    if person.organisation is None:
        return None
    return policy_for(
        municipality=person.organisation.municipality, district=person.organisation.district
    )


def organisations_in_area(*, person: Person) -> QuerySet[Organisation]:
    """Organisations working where the person works: the same district, or municipality-wide."""
    if person.organisation is None:
        return Organisation.objects.none()
    org = person.organisation
    area = Q(district__isnull=True)
    if org.district_id:
        area |= Q(district_id=org.district_id)
    return (
        Organisation.objects.filter(municipality_id=org.municipality_id, is_active=True)
        .filter(area)
        .select_related("district", "parent")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=people_with_roles().filter(is_active=True).order_by("last_name"),
            )
        )
        .order_by("kind", "name")
    )


def missing_actor_kinds(
    *, policy: LocalPolicy | None, organisations: list[Organisation]
) -> list[str]:
    """Labels of the actor kinds the local policy requires but the area has no organisation for."""
    if policy is None:
        return []
    present = {org.kind for org in organisations}
    return [
        str(OrganisationKind(kind).label)
        for kind in policy.required_actor_kinds
        if kind not in present and kind in OrganisationKind.values
    ]


# --- administration: everything is scoped to the administrator's municipality ----------


def admin_municipalities(*, viewer: Person) -> QuerySet[Municipality]:
    """Municipalities the viewer administers: their own; all for a superuser."""
    if viewer.is_superuser:
        return Municipality.objects.all()
    if not viewer.has_role(Role.ADMINISTRATOR) or viewer.organisation is None:
        return Municipality.objects.none()
    return Municipality.objects.filter(pk=viewer.organisation.municipality_id)


def admin_require(*, viewer: Person) -> None:
    """Administration pages answer 404 to everyone who administers nothing."""
    if not admin_municipalities(viewer=viewer).exists():
        raise Http404


def organisation_list_for_admin(*, viewer: Person) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        municipality__in=admin_municipalities(viewer=viewer)
    ).select_related("municipality", "district", "parent")


def organisation_get_for_admin(*, viewer: Person, code: str) -> Organisation:
    try:
        return organisation_list_for_admin(viewer=viewer).get(code=code)
    except (Organisation.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def person_list_for_admin(*, viewer: Person) -> QuerySet[Person]:
    return people_with_roles().filter(
        organisation__municipality__in=admin_municipalities(viewer=viewer)
    )


def person_get_for_admin(*, viewer: Person, code: str) -> Person:
    try:
        return person_list_for_admin(viewer=viewer).get(code=code)
    except (Person.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def municipality_get_for_admin(*, viewer: Person, code: str) -> Municipality:
    try:
        return admin_municipalities(viewer=viewer).get(code=code)
    except (Municipality.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def district_get_for_admin(*, viewer: Person, code: str) -> District:
    try:
        return District.objects.select_related("municipality").get(
            code=code, municipality__in=admin_municipalities(viewer=viewer)
        )
    except (District.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class AdminTodo:
    people_without_second_factor: list[Person]
    organisations_without_people: list[Organisation]
    districts_following_municipality: list[District]
    municipalities_without_policy: list[Municipality]


def admin_todo(*, viewer: Person) -> AdminTodo:
    """What an administrator should look at next."""
    municipalities = admin_municipalities(viewer=viewer)
    enrolled = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    people = list(
        person_list_for_admin(viewer=viewer)
        .filter(is_active=True)
        .exclude(pk__in=enrolled)
        .order_by("last_name", "first_name")
    )
    organisations = list(
        Organisation.objects.filter(municipality__in=municipalities, is_active=True)
        .exclude(
            pk__in=Person.objects.filter(is_active=True, organisation__isnull=False).values(
                "organisation_id"
            )
        )
        .select_related("municipality")
    )
    districts = list(
        District.objects.filter(
            municipality__in=municipalities, policy__isnull=True
        ).select_related("municipality")
    )
    without_policy = list(
        municipalities.exclude(
            pk__in=LocalPolicy.objects.filter(district__isnull=True).values("municipality_id")
        )
    )
    return AdminTodo(people, organisations, districts, without_policy)
