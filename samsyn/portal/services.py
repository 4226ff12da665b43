"""Writes the youth and guardians make in the portal, and the notices they cause.

Rules: every write is made by a portal account in its own case only, and is audited with the
account's code (never a name); the coordinator is told by a `PortalNotice` and an e-mail that
carry codes and a link only, never what the youth wrote; a failed e-mail never undoes the
change (it is sent after the change is committed).
"""

from __future__ import annotations

import logging
import smtplib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.models import Case, Guardian
from samsyn.consent.policy import PortalAccess, portal_audit_fields
from samsyn.lib.links import absolute_url
from samsyn.portal.models import GuardianShare, NoticeKind, PortalAccount, PortalNotice

logger = logging.getLogger("samsyn.portal")


def staff_link(case: Case) -> str:
    """The case's portal tab for the coordinator (behind the staff sign-in)."""
    path = reverse("portal_staff:overview", kwargs={"code": case.code})
    return absolute_url(path)


def _send_notice_email(notice_pk: int) -> None:
    """Runs after the commit: a failure is logged, the change it reports stands."""
    notice = PortalNotice.objects.select_related("case__coordinator").get(pk=notice_pk)
    coordinator = notice.case.coordinator
    if coordinator is None or not coordinator.email or not coordinator.is_active:
        return
    code = notice.case.anonymous_code
    subject = _("Meddelande från portalen i ärende %(code)s") % {"code": code}
    body = _(
        "Det har hänt något i portalen i ärende %(code)s: %(kind)s.\n\n"
        "Läs mer i ärendets portalflik i samsyn (logga in):\n%(link)s\n\n"
        "Det här meddelandet innehåller inga personuppgifter; ärendet anges bara med sin "
        "avidentifierade kod.\n"
    ) % {
        "code": code,
        "kind": str(NoticeKind(notice.kind).label).lower(),
        "link": staff_link(notice.case),
    }
    try:
        send_mail(subject, body, None, [str(coordinator.email)])
    except (OSError, smtplib.SMTPException):
        logger.exception("Portal notice e-mail %s could not be sent", notice.code)


def notify_coordinator(case: Case, kind: str, text: str) -> PortalNotice:
    """Tell the case's coordinator: a notice on the reminders page and, once the change is
    committed, an e-mail with the case's anonymous code and a link.

    Rule: `text` holds codes and organisation names only, never what the youth wrote; the
    e-mail holds not even that."""
    if kind not in NoticeKind.values:
        raise ValueError(f"unknown notice kind {kind!r}")
    notice = PortalNotice.objects.create(case=case, kind=kind, text=text[:500])
    transaction.on_commit(lambda: _send_notice_email(notice.pk))
    return notice


@transaction.atomic
def plan_share_set(
    *, account: PortalAccount, guardian: Guardian, shared: bool
) -> GuardianShare | None:
    """The youth lets one custodian see the plan and what meetings decided, or stops it.

    Rules: only the youth's own account; only a guardian of the case with custody (or the
    legal representative); a withdrawn share is kept, never deleted; the coordinator gets a
    notice. Sharing what is already shared (or stopping what is not) changes nothing.
    Returns the live share, or None when nothing is shared with the guardian any more.
    """
    if not account.is_active or not account.is_youth:
        raise PermissionDenied(_("Bara ungdomen själv kan välja vad vårdnadshavarna ser."))
    case = account.case
    if guardian.youth_id != case.youth_id:
        raise PermissionDenied(_("Vårdnadshavaren hör inte till ditt ärende."))
    if not PortalAccess.is_custodian(guardian):
        raise ValidationError(
            _("%(name)s har inte vårdnaden om dig och kan inte se något i portalen.")
            % {"name": guardian}
        )
    live = (
        GuardianShare.objects.select_for_update()
        .filter(case=case, guardian=guardian, withdrawn_at__isnull=True)
        .first()
    )
    if shared and live is not None:
        return live
    if not shared and live is None:
        return None
    if shared:
        live = GuardianShare.objects.create(case=case, guardian=guardian)
        action, result = Action.CREATE, live
    else:
        assert live is not None
        live.withdrawn_at = timezone.now()
        live.save(update_fields=["withdrawn_at"])
        action, result = Action.UPDATE, None
    audit_record(
        **portal_audit_fields(
            account,
            action=action,
            object_type="portal.guardianshare",
            object_code=str(live.pk),
            guardian=str(guardian.code),
            shared=shared,
        )
    )
    text = (
        _("Ungdomen i ärende %(code)s delar nu planen med en vårdnadshavare i portalen.")
        if shared
        else _(
            "Ungdomen i ärende %(code)s har slutat dela planen med en vårdnadshavare i portalen."
        )
    ) % {"code": case.anonymous_code}
    notify_coordinator(case, NoticeKind.SHARE_CHANGED, text)
    return result
