"""Reads for the portal's access pages, on behalf of a signed-in portal account.

Rule: what a portal account reads is recorded in the audit log as `portal:<username>`, with
the basis "data_subject" (the youth) or "guardian".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from samsyn.audit.models import Action
from samsyn.cases.models import Case
from samsyn.meetings.selectors import case_people
from samsyn.organisations.models import Person
from samsyn.portal.account_services import audit_portal
from samsyn.portal.models import PortalAccount


@dataclass(frozen=True)
class GroupPerson:
    name: str
    organisation: str


@dataclass(frozen=True)
class Group:
    """The people in the youth's SIG, for "who are the people" on the about page."""

    coordinator: GroupPerson | None
    lead_contact: GroupPerson | None
    contact_police: GroupPerson | None
    others: list[GroupPerson]

    @property
    def is_empty(self) -> bool:
        return not (self.coordinator or self.lead_contact or self.contact_police or self.others)


def _person(person: Person | None) -> GroupPerson | None:
    if person is None or not person.is_active:
        return None
    return _group_person(person)


def _group_person(person: Person) -> GroupPerson:
    return GroupPerson(
        name=str(person), organisation=person.organisation.name if person.organisation else ""
    )


@transaction.atomic
def group_for_account(*, account: PortalAccount) -> Group:
    """The coordinator, lead contact, contact police and the other members of the account's
    case (name and organisation only). Only for a signed-in account; the read is audited."""
    case = Case.objects.select_related(
        "coordinator__organisation",
        "lead_contact__organisation",
        "contact_police__organisation",
    ).get(pk=account.case_id)
    named = {case.coordinator_id, case.lead_contact_id, case.contact_police_id}
    others = [_group_person(p) for p in case_people(case=case) if p.pk not in named]
    audit_portal(
        account=account,
        action=Action.READ,
        object_type="portal.group",
        object_code=str(case.code),
    )
    return Group(
        coordinator=_person(case.coordinator),
        lead_contact=_person(case.lead_contact),
        contact_police=_person(case.contact_police),
        others=others,
    )
