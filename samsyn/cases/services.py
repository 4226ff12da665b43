"""Writes for youths, guardians, cases, members and journal notes: validated, atomic, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.models import Case, CaseMember, Guardian, GuardianRole, JournalNote, Sex, Youth
from samsyn.cases.rules import opens_cases, require_member, runs_case
from samsyn.consent.models import DataCategory
from samsyn.lib import personnummer as pnr
from samsyn.organisations.models import District, Person


def _require_runs_case(actor: Person, case: Case) -> None:
    require_member(actor, case)
    if not runs_case(actor, case):
        raise PermissionDenied(_("Bara ärendets samordnare och handläggare kan göra detta."))


def _audit(actor: Person, action: str, case: Case, target: Any, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        case_code=case.code,
        subject_code=case.youth.code,
        municipality_code=case.municipality.code,
        detail=detail,
    )


def _identity(personnummer: str, date_of_birth: date | None) -> tuple[str, date]:
    if personnummer.strip():
        try:
            parsed = pnr.parse(personnummer, today=timezone.localdate())
        except ValidationError as exc:
            raise ValidationError({"personnummer": exc.messages}) from exc
        if date_of_birth and date_of_birth != parsed.birth_date:
            raise ValidationError(
                {"date_of_birth": _("Födelsedatumet stämmer inte med personnumret.")}
            )
        return parsed.normalised, parsed.birth_date
    if date_of_birth is None:
        raise ValidationError(
            {"date_of_birth": _("Ange personnummer, eller födelsedatum om personnummer saknas.")}
        )
    return "", date_of_birth


@transaction.atomic
def case_create(
    *,
    actor: Person,
    first_name: str,
    last_name: str,
    personnummer: str = "",
    date_of_birth: date | None = None,
    sex: str = Sex.UNKNOWN,
    district: District | None = None,
    address: str = "",
    phone: str = "",
    school: str = "",
    summary: str = "",
) -> Case:
    """Open a case for a youth, run by the actor's social services; the actor joins it.

    Rule: only a coordinator or case officer in social services opens cases.
    """
    organisation = actor.organisation
    if organisation is None or not opens_cases(actor):
        raise PermissionDenied(_("Bara socialtjänstens samordnare och handläggare öppnar ärenden."))
    number, born = _identity(personnummer, date_of_birth)
    if district is not None and district.municipality_id != organisation.municipality_id:
        raise ValidationError({"district": _("Stadsdelen hör till en annan kommun.")})
    youth = (
        Youth.objects.filter(
            municipality_id=organisation.municipality_id, personnummer=number
        ).first()
        if number
        else None
    )
    if youth is None:
        youth = Youth(
            municipality_id=organisation.municipality_id,
            district=district or organisation.district,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            personnummer=number,
            date_of_birth=born,
            sex=sex,
            address=address.strip(),
            phone=phone.strip(),
            school=school.strip(),
        )
        youth.full_clean()
        youth.save()
    elif Case.objects.filter(youth=youth, closed_on__isnull=True).exists():
        raise ValidationError(
            {"personnummer": _("Ungdomen har redan ett öppet ärende i kommunen.")}
        )
    case = Case(
        youth=youth,
        municipality_id=organisation.municipality_id,
        district=youth.district,
        owner=organisation,
        summary=summary.strip(),
    )
    case.full_clean()
    case.save()
    CaseMember.objects.create(case=case, person=actor, added_by=actor)
    _audit(actor, Action.CREATE, case, case)
    return case


@transaction.atomic
def guardian_add(
    *,
    actor: Person,
    case: Case,
    first_name: str,
    last_name: str,
    role: str = GuardianRole.GUARDIAN,
    personnummer: str = "",
    phone: str = "",
    address: str = "",
    has_custody: bool = True,
) -> Guardian:
    """Register a guardian or legal representative of the case's youth."""
    _require_runs_case(actor, case)
    number = ""
    if personnummer.strip():
        try:
            number = pnr.parse(personnummer, today=timezone.localdate()).normalised
        except ValidationError as exc:
            raise ValidationError({"personnummer": exc.messages}) from exc
    guardian = Guardian(
        youth=case.youth,
        role=role,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        personnummer=number,
        phone=phone.strip(),
        address=address.strip(),
        has_custody=has_custody,
    )
    guardian.full_clean()
    guardian.save()
    _audit(actor, Action.CREATE, case, guardian, fields=["guardian"])
    return guardian


@transaction.atomic
def member_add(*, actor: Person, case: Case, person: Person) -> CaseMember:
    """Let a professional take part in the case. Rule: same municipality, active account."""
    _require_runs_case(actor, case)
    if (
        not person.is_active
        or person.organisation is None
        or person.organisation.municipality_id != case.municipality_id
    ):
        raise ValidationError({"person": _("Personen kan inte läggas till i det här ärendet.")})
    member, created = CaseMember.objects.get_or_create(
        case=case, person=person, defaults={"added_by": actor}
    )
    if created:
        _audit(actor, Action.CREATE, case, member, member=str(person.code))
    return member


@transaction.atomic
def member_remove(*, actor: Person, case: Case, person: Person) -> None:
    _require_runs_case(actor, case)
    if person.pk == actor.pk:
        raise ValidationError(_("Du kan inte ta bort dig själv från ärendet."))
    deleted, _rows = CaseMember.objects.filter(case=case, person=person).delete()
    if deleted:
        _audit(actor, Action.DELETE, case, case, member=str(person.code))


@transaction.atomic
def note_create(
    *,
    actor: Person,
    case: Case,
    category: DataCategory,
    title: str,
    text: str,
    occurred_on: date | None = None,
    also_about: Guardian | None = None,
) -> JournalNote:
    """Record a note owned by the actor's organisation. Rule: each organisation records only
    its own items; the category decides who else may read it."""
    require_member(actor, case)
    if actor.organisation is None:
        raise PermissionDenied(_("Du hör inte till någon organisation."))
    if also_about is not None and also_about.youth_id != case.youth_id:
        raise ValidationError({"also_about": _("Personen hör inte till ärendet.")})
    if not category.is_active:
        raise ValidationError({"category": _("Kategorin används inte längre.")})
    note = JournalNote(
        case=case,
        owner=actor.organisation,
        category=category,
        also_about=also_about,
        created_by=actor,
        title=title.strip(),
        text=text.strip(),
        occurred_on=occurred_on or timezone.localdate(),
    )
    note.full_clean()
    note.save()
    _audit(actor, Action.CREATE, case, note, category=category.slug)
    return note
