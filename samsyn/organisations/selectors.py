"""Reads about organisations, people and local policy, always on behalf of a viewer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.lib.lookup import get_by_code_or_404
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
    # A superuser passes even before any municipality exists, to create the first one.
    if viewer.is_superuser:
        return
    if not admin_municipalities(viewer=viewer).exists():
        raise Http404


def organisation_list_for_admin(*, viewer: Person) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        municipality__in=admin_municipalities(viewer=viewer)
    ).select_related("municipality", "district", "parent")


def organisation_get_for_admin(*, viewer: Person, code: str) -> Organisation:
    return get_by_code_or_404(organisation_list_for_admin(viewer=viewer), code)


def person_list_for_admin(*, viewer: Person) -> QuerySet[Person]:
    """People in the municipalities the viewer administers.

    Rule: a municipal administrator never reaches a superuser's account, or they could set
    its password and so administer every municipality.
    """
    people = people_with_roles().filter(
        organisation__municipality__in=admin_municipalities(viewer=viewer)
    )
    return people if viewer.is_superuser else people.exclude(is_superuser=True)


def person_get_for_admin(*, viewer: Person, code: str) -> Person:
    return get_by_code_or_404(person_list_for_admin(viewer=viewer), code)


def municipality_get_for_admin(*, viewer: Person, code: str) -> Municipality:
    return get_by_code_or_404(admin_municipalities(viewer=viewer), code)


def district_get_for_admin(*, viewer: Person, code: str) -> District:
    districts = District.objects.select_related("municipality").filter(
        municipality__in=admin_municipalities(viewer=viewer)
    )
    return get_by_code_or_404(districts, code)


def policy_get_for_admin(*, viewer: Person, code: str) -> LocalPolicy:
    """A municipality's or district's policy, for an administrator of that municipality."""
    policies = (
        LocalPolicy.objects.select_related("municipality", "district")
        .prefetch_related("instruments", "crime_costs")
        .filter(municipality__in=admin_municipalities(viewer=viewer))
    )
    return get_by_code_or_404(policies, code)


def organisation_search_for_admin(
    *, viewer: Person, kind: str = "", active: bool | None = None
) -> QuerySet[Organisation]:
    """The administrator's organisations, with `people_count` (active people); fixed queries."""
    organisations = organisation_list_for_admin(viewer=viewer).annotate(
        people_count=Count("people", filter=Q(people__is_active=True))
    )
    if kind:
        organisations = organisations.filter(kind=kind)
    if active is not None:
        organisations = organisations.filter(is_active=active)
    return organisations.order_by("municipality__name", "name")


def person_search_for_admin(
    *,
    viewer: Person,
    text: str = "",
    organisation: Organisation | None = None,
    role: str = "",
    second_factor: bool | None = None,
    active: bool | None = None,
) -> QuerySet[Person]:
    """The administrator's people, with `totp_enrolled` (a confirmed authenticator)."""
    people = person_list_for_admin(viewer=viewer).annotate(
        totp_enrolled=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    )
    for word in text.split():
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    if organisation is not None:
        people = people.filter(organisation=organisation)
    if role:
        people = people.filter(role_assignments__role=role)
    if second_factor is not None:
        people = people.filter(totp_enrolled=second_factor)
    if active is not None:
        people = people.filter(is_active=active)
    return people.order_by("last_name", "first_name", "username")


@dataclass(frozen=True)
class DistrictOverview:
    district: District
    policy: LocalPolicy | None  # None: follows the municipality's policy


@dataclass(frozen=True)
class MunicipalityOverview:
    municipality: Municipality
    policy: LocalPolicy | None
    districts: list[DistrictOverview]


def admin_overview(*, viewer: Person) -> list[MunicipalityOverview]:
    """Each administered municipality with its policy and its districts; fixed queries."""
    municipalities = admin_municipalities(viewer=viewer).prefetch_related(
        Prefetch(
            "policies",
            queryset=LocalPolicy.objects.select_related("district").prefetch_related(
                "instruments", "crime_costs"
            ),
        ),
        Prefetch("districts", queryset=District.objects.order_by("name")),
    )
    rows = []
    for municipality in municipalities:
        by_district = {p.district_id: p for p in municipality.policies.all()}
        rows.append(
            MunicipalityOverview(
                municipality=municipality,
                policy=by_district.get(None),
                districts=[
                    DistrictOverview(district=d, policy=by_district.get(d.pk))
                    for d in municipality.districts.all()
                ],
            )
        )
    return rows


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
