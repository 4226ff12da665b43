"""The "Att göra" page: the signed-in person's reminders, grouped by kind.

Who the youth is goes through the one door (`policy.case_accesses` for the cases listed): a
case is named only when the viewer may see the youth's identity, otherwise shown by its
anonymous code. Every identity decision is logged. A fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.utils.translation import gettext as _

from samsyn.consent import policy
from samsyn.organisations.models import Person, Role
from samsyn.portal.models import PortalNotice
from samsyn.reminders.models import ReminderKind, ReminderSent
from samsyn.reminders.services import KIND_ORDER, due_reminders

CASE_ROLES = (Role.COORDINATOR, Role.CASE_OFFICER, Role.ACTOR_REPRESENTATIVE)


def has_case_role(person: Person) -> bool:
    """People who take part in cases get reminders (no query once roles are loaded)."""
    return person.organisation_id is not None and any(person.has_role(r) for r in CASE_ROLES)


@dataclass(frozen=True)
class ReminderRow:
    case_code: UUID
    label: str
    identified: bool
    due_on: date
    overdue: bool
    when: str
    emailed: bool


@dataclass(frozen=True)
class ReminderGroup:
    kind: str
    label: str
    rows: list[ReminderRow]


def _when(kind: str, day: date, today: date) -> str:
    values = {"day": day.isoformat()}
    if kind == ReminderKind.PLAN_NOT_FOLLOWED:
        return _("Mötet %(day)s") % values
    if kind == ReminderKind.CONSENT_EXPIRING:
        return _("Går ut %(day)s") % values
    if day < today:
        return _("Försenad sedan %(day)s") % values
    return _("Senast %(day)s") % values


def reminder_count(*, viewer: Person, today: date) -> int:
    """How many reminders the viewer has today (the start page's link)."""
    if not has_case_role(viewer):
        return 0
    return len(due_reminders(today=today, person=viewer))


def reminders_for_viewer(*, viewer: Person, today: date) -> list[ReminderGroup]:
    """The viewer's reminders by kind, each case named only where the one door allows it.

    Rule: only the viewer's own reminders, in cases they take part in; a fixed number of
    queries whatever the number of cases.
    """
    if not has_case_role(viewer):
        return []
    dues = due_reminders(today=today, person=viewer)
    if not dues:
        return []
    cases = list({due.case.pk: due.case for due in dues}.values())
    accesses = policy.case_accesses(viewer=viewer, cases=cases, today=today)
    labels: dict[int, tuple[str, bool]] = {}
    for case in cases:
        access = accesses[case.pk]
        identity = access.note(
            access.identity(), object_type="cases.youth", object_code=str(case.youth.code)
        )
        labels[case.pk] = (
            (str(case.youth), True) if identity.allowed else (case.anonymous_code, False)
        )
    policy.record_all(accesses.values())
    emailed = set(
        ReminderSent.objects.filter(person=viewer, key__in={d.key for d in dues}).values_list(
            "kind", "key"
        )
    )
    groups = []
    for kind in KIND_ORDER:
        rows = [
            ReminderRow(
                case_code=due.case.code,
                label=labels[due.case.pk][0],
                identified=labels[due.case.pk][1],
                due_on=due.due_on,
                overdue=due.due_on < today,
                when=_when(kind, due.due_on, today),
                emailed=(due.kind, due.key) in emailed,
            )
            for due in dues
            if due.kind == kind
        ]
        if rows:
            groups.append(ReminderGroup(kind=kind, label=str(ReminderKind(kind).label), rows=rows))
    return groups


# --- from the portal ------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalNoticeRow:
    code: UUID
    case_code: UUID
    anonymous_code: str
    kind: str
    text: str
    created_at: datetime


def portal_notices_for_viewer(*, viewer: Person) -> list[PortalNoticeRow]:
    """Unread notices from the portal (a consent taken back, a changed share…) in the cases
    the viewer coordinates and takes part in, newest first. The case is named by its
    anonymous code; the text holds codes and organisation names only. One query."""
    return [
        PortalNoticeRow(
            code=notice.code,
            case_code=notice.case.code,
            anonymous_code=notice.case.anonymous_code,
            kind=str(notice.get_kind_display()),
            text=notice.text,
            created_at=notice.created_at,
        )
        for notice in PortalNotice.objects.filter(
            case__coordinator=viewer, case__members__person=viewer, read_at__isnull=True
        )
        .select_related("case")
        .order_by("-created_at", "-pk")
    ]
