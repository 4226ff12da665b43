"""The import itself: every checked row written in one transaction, or nothing.

Youths, cases, referrals, transitions, closures and counts are built the way the case services
build them (`samsyn.cases.services`): the same owner (a social services organisation) and data
category ("socialtjanst", the counts per `MEASURE_CATEGORY`), `full_clean()` before saving,
every state change through the lifecycle's `_move`, an audit record per youth, case and item,
and one audit record for the import as a whole (kind, counts, the owner's code).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.models import (
    Case,
    CaseState,
    CaseTransition,
    Closure,
    ClosureReason,
    Measure,
    OutcomeCount,
    Referral,
    Youth,
)
from samsyn.cases.services import MEASURE_CATEGORY, _move, audit_case, category_by_slug
from samsyn.consent.models import DataCategory
from samsyn.imports import checks
from samsyn.imports.selectors import import_owners
from samsyn.lib.tabular import Problem
from samsyn.organisations.models import Municipality, Organisation, Person

# Foreign keys to objects this module holds (read or made in the same transaction): checking
# that each exists would cost a query per key and row.
_HELD = [
    "municipality",
    "district",
    "owner",
    "youth",
    "case",
    "category",
    "created_by",
    "source_organisation",
]


class ImportStale(ValidationError):
    """The rows checked at the preview no longer pass: something changed since."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            _(
                "Något har ändrats i samsyn sedan förhandsgranskningen. Inget har lästs in. "
                "Rätta raderna nedan och ladda upp filen igen."
            )
        )
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    youths_created: int
    youths_known: int
    cases_created: int


def _youth(
    actor: Person, municipality: Municipality, row: checks.Row, kind: str, made: dict[str, Youth]
) -> Youth:
    """The row's youth: the one in samsyn, the one an earlier row made, or a new one."""
    if row.known_youth is not None:
        return row.known_youth
    if row.personnummer in made:
        return made[row.personnummer]
    youth = Youth(
        municipality=municipality,
        district=row.district,
        first_name=row.first_name,
        last_name=row.last_name,
        personnummer=row.personnummer,
        date_of_birth=row.birth_date,
        sex=row.sex,
        address=row.address,
        phone=row.phone,
        school=row.school,
    )
    youth.full_clean(exclude=_HELD)
    youth.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=youth,
        subject_code=youth.code,
        municipality_code=municipality.code,
        detail={"import": kind},
    )
    made[row.personnummer] = youth
    return youth


def _case(
    actor: Person,
    owner: Organisation,
    row: checks.Row,
    kind: str,
    category: DataCategory,
    made: dict[str, Youth],
) -> Case:
    """A referred case, as `case_create` opens it, received by nobody yet (D16's incoming
    referral): no coordinator, no members; the owner's coordinators take it."""
    assert row.referred_on is not None
    if row.known_youth is None and row.district is None:
        row.district = owner.district
    youth = _youth(actor, owner.municipality, row, kind, made)
    item: dict[str, Any] = {"owner": owner, "category": category, "created_by": actor}
    case = Case(
        youth=youth,
        municipality=owner.municipality,
        district=youth.district,
        owner=owner,
        opened_on=row.referred_on,
    )
    case.full_clean(exclude=_HELD)
    case.save()
    referral = Referral(
        case=case,
        **item,
        kind=row.referral_kind,
        source_organisation=row.source_organisation,
        referred_on=row.referred_on,
        reason=row.reason,
        age_at_referral=row.age,
        age_exception_reason=row.age_exception_reason,
    )
    referral.full_clean(exclude=_HELD)
    referral.save()
    CaseTransition.objects.create(
        case=case,
        **item,
        to_state=CaseState.REFERRED,
        reason=_("Inläst från fil (%(kind)s).") % {"kind": str(checks.KINDS[kind].title).lower()},
    )
    audit_case(actor, Action.CREATE, case, case, state=CaseState.REFERRED, kind=row.referral_kind)
    audit_case(
        actor,
        Action.CREATE,
        case,
        referral,
        age=row.age,
        outside_ages=bool(row.age_exception_reason),
        imported=kind,
    )
    return case


def _close_historic(
    actor: Person, case: Case, row: checks.Row, category: DataCategory, counted: dict[str, Any]
) -> None:
    """Close an imported historic case: the dates it had, the closure and the counts, then the
    lifecycle's move "aktualiserad" -> "avslutad" (allowed for every case). No follow-ups are
    scheduled: they were done, or not, outside samsyn (D47)."""
    assert row.closed_on is not None
    case.decided_on = row.decided_on
    case.started_on = row.started_on
    case.closed_on = row.closed_on
    closure = Closure(
        case=case,
        owner=case.owner,
        category=category,
        created_by=actor,
        closed_on=row.closed_on,
        reason=row.closure_reason,
        summary=row.summary or _("Historiskt ärende inläst från fil."),
    )
    closure.full_clean(exclude=_HELD)
    closure.save()
    audit_case(actor, Action.CREATE, case, closure, reason=row.closure_reason, imported=True)
    for (measure, period), count in sorted(row.counts.items()):
        item = OutcomeCount(
            case=case,
            owner=case.owner,
            category=counted[measure],
            created_by=actor,
            period=period,
            measure=measure,
            count=count,
        )
        item.full_clean(exclude=_HELD)
        item.save()
        audit_case(actor, Action.CREATE, case, item, period=period, measure=measure)
    _move(
        actor,
        case,
        CaseState.CLOSED,
        _("Historiskt ärende inläst från fil: %(reason)s.")
        % {"reason": str(ClosureReason(row.closure_reason).label).lower()},
    )


@transaction.atomic
def import_run(
    *,
    actor: Person,
    kind: str,
    municipality: Municipality,
    owner: Organisation | None,
    records: list[checks.Record],
) -> ImportResult:
    """Import the rows confirmed at the preview, all or none, and audit the import.

    Rules: only the municipality's administrator or a coordinator of the owner (`import_owners`);
    the rows are checked again inside the transaction, and any problem now (something changed
    since the preview) imports nothing (`ImportStale`)."""
    spec = checks.KINDS.get(kind)
    owners = import_owners(viewer=actor)
    if spec is None or actor.organisation is None or not owners:
        raise PermissionDenied(_("Du kan inte läsa in filer."))
    if actor.organisation.municipality_id != municipality.pk:
        raise PermissionDenied(_("Du kan bara läsa in filer för din egen kommun."))
    if spec.needs_owner and (owner is None or owner.pk not in {o.pk for o in owners}):
        raise PermissionDenied(_("Du kan inte läsa in ärenden för den organisationen."))
    if not records:
        raise ValidationError(_("Det finns inga rader att läsa in."))
    checked = checks.check(
        kind=spec,
        municipality=municipality,
        owner=owner if spec.needs_owner else None,
        records=records,
    )
    if checked.problems:
        raise ImportStale(checked.problems)
    try:
        with transaction.atomic():
            cases = _write(actor, spec, municipality, owner, checked.rows)
    except IntegrityError:
        raise ImportStale([]) from None
    audit_record(
        actor=actor,
        action=Action.CREATE,
        object_type=f"imports.{kind}",
        municipality_code=municipality.code,
        detail={
            "import": kind,
            "rows": len(checked.rows),
            "youths_created": checked.new_youths,
            "youths_known": checked.known_youths,
            "cases_created": cases,
            "owner": str(owner.code) if owner is not None and spec.needs_owner else "",
        },
    )
    return ImportResult(
        youths_created=checked.new_youths,
        youths_known=checked.known_youths,
        cases_created=cases,
    )


def _write(
    actor: Person,
    spec: checks.Kind,
    municipality: Municipality,
    owner: Organisation | None,
    rows: list[checks.Row],
) -> int:
    made: dict[str, Youth] = {}
    if spec.slug == checks.YOUTHS:
        for row in rows:
            _youth(actor, municipality, row, spec.slug, made)
        return 0
    assert owner is not None
    category = category_by_slug("socialtjanst")
    counted = {m.value: category_by_slug(MEASURE_CATEGORY[m]) for m in Measure}
    for row in rows:
        case = _case(actor, owner, row, spec.slug, category, made)
        if spec.slug == checks.HISTORIC:
            _close_historic(actor, case, row, category, counted)
    return len(rows)
