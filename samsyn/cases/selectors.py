"""Reads of case data, always on behalf of a viewer and always through `consent.policy`.

Views never look at case data themselves: they get these view objects, in which anything the
viewer may not see has already been left out (so it cannot reach their browser).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from samsyn.cases.models import Case, CaseMember, Guardian, JournalNote, Youth
from samsyn.cases.rules import runs_case
from samsyn.consent import policy
from samsyn.consent.models import Consent
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.organisations.models import Person, RoleAssignment


def age_band(age: int) -> str:
    """Coarse enough not to identify: the bands the follow-up reports use."""
    for low, high in ((0, 12), (13, 14), (15, 17), (18, 20), (21, 25)):
        if low <= age <= high:
            return f"{low}–{high}"
    return "26+"


@dataclass(frozen=True)
class DeidentifiedYouth:
    """What a viewer without consent to identity may know (beredningsgrupp)."""

    anonymous_code: str
    age_band: str
    sex: str
    district: str
    summary: str


def _cases_for(viewer: Person) -> QuerySet[Case]:
    return Case.objects.filter(members__person=viewer).select_related(
        "youth", "district", "owner", "municipality"
    )


def case_get_for_viewer(*, viewer: Person, code: Any) -> Case:
    """The case, if the viewer takes part in it; 404 otherwise (never "forbidden")."""
    return get_by_code_or_404(_cases_for(viewer), code)


def deidentified(case: Case, *, today: date) -> DeidentifiedYouth:
    youth = case.youth
    return DeidentifiedYouth(
        anonymous_code=case.anonymous_code,
        age_band=age_band(youth.age(today)),
        sex=youth.get_sex_display(),
        district=case.district.name if case.district else "",
        summary=case.summary,
    )


@dataclass(frozen=True)
class CaseRow:
    code: Any
    label: str
    identified: bool
    deidentified: DeidentifiedYouth
    owner: str
    opened_on: date


def case_list_for_viewer(*, viewer: Person) -> list[CaseRow]:
    """The cases the viewer takes part in, each named only if the viewer may see who it is."""
    cases = list(_cases_for(viewer).order_by("-opened_on"))
    accesses = policy.case_accesses(viewer=viewer, cases=cases)
    rows = []
    for case in cases:
        access = accesses[case.pk]
        decision = access.note(
            access.identity(), object_type="cases.youth", object_code=str(case.youth.code)
        )
        anonymous = deidentified(case, today=access.today)
        rows.append(
            CaseRow(
                code=case.code,
                label=str(case.youth) if decision.allowed else case.anonymous_code,
                identified=decision.allowed,
                deidentified=anonymous,
                owner=case.owner.name,
                opened_on=case.opened_on,
            )
        )
    policy.record_all(accesses.values())
    return rows


@dataclass(frozen=True)
class NoteView:
    code: Any
    decision: policy.Decision
    note: JournalNote | None  # None when the viewer may not see it


@dataclass(frozen=True)
class CasePage:
    case: Case
    access: policy.CaseAccess
    identity: policy.Decision
    youth: Youth | None  # None unless identity is allowed
    anonymous: DeidentifiedYouth
    guardians: list[Guardian]  # empty unless identity is allowed
    members: list[CaseMember]
    notes: list[NoteView]
    hidden: list[tuple[str, str, int]]  # (owner, category, count) the viewer cannot see
    runs_case: bool


def case_page(*, viewer: Person, case: Case) -> CasePage:
    """The case as the viewer may see it; every decision goes to the audit log.

    Rule: a fixed number of queries, whatever the number of notes, consents or members.
    """
    access = policy.case_access(viewer=viewer, case=case)
    identity = access.note(
        access.identity(), object_type="cases.youth", object_code=str(case.youth.code)
    )
    guardians = list(case.youth.guardians.all()) if identity.allowed else []
    members = list(
        CaseMember.objects.filter(case=case)
        .select_related("person__organisation")
        .prefetch_related(
            Prefetch("person__role_assignments", queryset=RoleAssignment.objects.all())
        )
        .order_by("person__organisation__name", "person__last_name")
    )
    notes: list[NoteView] = []
    hidden: Counter[tuple[str, str]] = Counter()
    for note in JournalNote.objects.filter(case=case).select_related(
        "owner", "category", "created_by"
    ):
        decision = access.note(
            access.decide_item(note), object_type="cases.journalnote", object_code=str(note.code)
        )
        if decision.allowed:
            notes.append(NoteView(code=note.code, decision=decision, note=note))
        else:
            hidden[(decision.owner_name, decision.category_name)] += 1
    access.record()
    return CasePage(
        case=case,
        access=access,
        identity=identity,
        youth=case.youth if identity.allowed else None,
        anonymous=deidentified(case, today=access.today),
        guardians=guardians,
        members=members,
        notes=notes,
        hidden=[(owner, category, n) for (owner, category), n in sorted(hidden.items())],
        runs_case=runs_case(viewer, case),
    )


def consents_for_case(*, access: policy.CaseAccess) -> list[Consent]:
    """All consents of the case, newest first, with their history (already loaded)."""
    return sorted(access.consents, key=lambda c: (c.given_on, c.created_at), reverse=True)


def consents_expiring(*, viewer: Person, within_days: int = 30) -> list[Consent]:
    """Live consents in the viewer's cases that end within `within_days` (a reminder list)."""
    today = timezone.localdate()
    return list(
        Consent.objects.filter(
            case__members__person=viewer,
            revoked_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=within_days),
            renewals__isnull=True,  # a renewed consent needs no reminder
        )
        .select_related("case", "releasing_organisation")
        .order_by("valid_until")
    )
