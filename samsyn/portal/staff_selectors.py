"""Reads for the coordinator's portal tab on a case: accounts, open invitations, notices.

Rule: only for those who run the case (the views answer 404 to everyone else). Who the
guardians are is read through the one door (`policy.case_access(...).identity()`), and the
read is recorded in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.cases.models import Case, CaseState, Guardian, GuardianRole
from samsyn.consent import policy
from samsyn.lib.lookup import get_by_code_or_404
from samsyn.organisations.models import Person
from samsyn.portal.models import AccountKind, PortalAccount, PortalInvitation, PortalNotice


@dataclass(frozen=True)
class AccountRow:
    code: UUID
    kind: str
    who: str
    username: str
    last_seen_at: datetime | None
    is_active: bool
    deactivated_at: datetime | None


@dataclass(frozen=True)
class InvitationRow:
    code: UUID
    who: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class NoticeRow:
    code: UUID
    kind: str
    text: str
    created_at: datetime
    read_at: datetime | None
    read_by: str


@dataclass(frozen=True)
class PortalOverview:
    accounts: list[AccountRow]
    invitations: list[InvitationRow]
    notices: list[NoticeRow]
    unread_notices: int
    youth_has_account: bool
    youth_is_adult: bool
    declined: bool
    guardians: QuerySet[Guardian]


def invitable_guardians(*, viewer: Person, case: Case) -> QuerySet[Guardian]:
    """The youth's guardians who may be invited (custody or legal representative), for a
    viewer who may know who they are."""
    if not policy.case_access(viewer=viewer, case=case).identity().allowed:
        return Guardian.objects.none()
    return _invitable(case)


def _invitable(case: Case) -> QuerySet[Guardian]:
    return Guardian.objects.filter(youth_id=case.youth_id).filter(
        Q(role=GuardianRole.LEGAL_REPRESENTATIVE) | Q(role=GuardianRole.GUARDIAN, has_custody=True)
    )


def _who(kind: str, guardian: Guardian | None, identified: bool) -> str:
    if kind == AccountKind.YOUTH or guardian is None:
        return str(_("Ungdomen"))
    return str(guardian) if identified else str(_("En vårdnadshavare"))


@transaction.atomic
def portal_overview(*, viewer: Person, case: Case) -> PortalOverview:
    """Everything the portal tab shows, in a fixed number of queries."""
    access = policy.case_access(viewer=viewer, case=case)
    identity = access.note(
        access.identity(), object_type="portal.overview", object_code=str(case.code)
    )
    access.record()
    identified = identity.allowed
    accounts = list(
        PortalAccount.objects.filter(case=case)
        .select_related("guardian")
        .order_by("-is_active", "kind", "created_at")
    )
    now = timezone.now()
    invitations = list(
        PortalInvitation.objects.filter(
            case=case, redeemed_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        )
        .select_related("guardian")
        .order_by("expires_at")
    )
    notices = list(
        PortalNotice.objects.filter(case=case).select_related("read_by").order_by("-created_at")
    )
    return PortalOverview(
        accounts=[
            AccountRow(
                code=a.code,
                kind=a.get_kind_display(),
                who=_who(a.kind, a.guardian, identified),
                username=a.username,
                last_seen_at=a.last_seen_at,
                is_active=a.is_active,
                deactivated_at=a.deactivated_at,
            )
            for a in accounts
        ],
        invitations=[
            InvitationRow(
                code=i.code,
                who=_who(i.kind, i.guardian, identified),
                created_at=i.created_at,
                expires_at=i.expires_at,
            )
            for i in invitations
        ],
        notices=[
            NoticeRow(
                code=n.code,
                kind=n.get_kind_display(),
                text=n.text,
                created_at=n.created_at,
                read_at=n.read_at,
                read_by=str(n.read_by) if n.read_by else "",
            )
            for n in notices
        ],
        unread_notices=sum(1 for n in notices if n.read_at is None),
        youth_has_account=any(a.is_active and a.kind == AccountKind.YOUTH for a in accounts),
        youth_is_adult=case.youth.age(timezone.localdate()) >= 18,
        declined=case.state == CaseState.DECLINED,
        guardians=_invitable(case) if identified else Guardian.objects.none(),
    )


def invitation_get(*, case: Case, code: Any) -> PortalInvitation:
    return get_by_code_or_404(PortalInvitation.objects.filter(case=case), code)


def account_get(*, case: Case, code: Any) -> PortalAccount:
    return get_by_code_or_404(
        PortalAccount.objects.filter(case=case).select_related("guardian"), code
    )


def notice_get(*, case: Case, code: Any) -> PortalNotice:
    return get_by_code_or_404(PortalNotice.objects.filter(case=case), code)
