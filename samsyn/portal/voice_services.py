"""Writes for "Say what you think": feedback from the portal and the evaluation at closure.

Rules:
- Feedback goes to a person outside the youth's group (`feedback_recipient_for`); nobody
  else ever sees it, and the people it criticises never see it with the sender's identity.
- Anonymous feedback has no link to its sender: no case, no account, no sender kind, only
  the date (`created_at` is set to midnight), no audit record, and no district when it went
  round the district's own recipient. Every feedback row gets a
  random id, so the order of the rows does not place an anonymous one between named ones
  whose times are known (a database sequence would; SQLite's even continues from the
  largest id written, so named rows get random ids too).
- Only the recipient (and the person it was lifted to) answers; only the recipient lifts it.
- The evaluation is answered once, by the youth, after closure; the answers carry no link to
  the case, the account or the time, and the receipt records only that (and on which day)
  the case's youth answered.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samsyn.audit.models import Action
from samsyn.audit.services import audit_record
from samsyn.cases.models import Case, Closure
from samsyn.consent import policy
from samsyn.lib.links import absolute_url
from samsyn.organisations.models import Person
from samsyn.portal import voice_selectors
from samsyn.portal.models import (
    AccountKind,
    Evaluation,
    EvaluationReceipt,
    Feedback,
    FeedbackStatus,
    PortalAccount,
)
from samsyn.portal.voice_selectors import group_person_ids

TEXT_MAX = 5000
ABOUT_MAX = 200
EVALUATION_TEXT_MAX = 2000
_RANDOM_ID_BITS = 62


def _no_recipient() -> str:
    return _(
        "Det går inte att skicka synpunkter just nu eftersom kommunen inte har utsett någon "
        "mottagare. Din text är kvar – kontakta kommunen och fråga efter den som tar emot "
        "synpunkter och klagomål på socialtjänsten, eller försök igen senare."
    )


def _random_id() -> int:
    """A row id that says nothing about when the row was written."""
    return secrets.randbelow(2**_RANDOM_ID_BITS - 1) + 1


def feedback_recipient_for(*, case: Case) -> Person:
    """The person who receives feedback from this case: the district's configured recipient,
    else the municipality's; never someone in the youth's group or inactive."""
    return _route(case)[0]


def _route(case: Case) -> tuple[Person, bool]:
    person, passed_over = voice_selectors.feedback_route(case=case)
    if person is None:
        raise ValidationError(_no_recipient())
    return person, passed_over


def _link(feedback: Feedback, base_url: str) -> str:
    return absolute_url(reverse("feedback:detail", kwargs={"code": feedback.code}), base=base_url)


def _notify(person: Person, subject: str, body: str) -> None:
    """E-mail after the commit, and without anything from the feedback itself."""
    if person.email:
        transaction.on_commit(partial(send_mail, subject, body, None, [str(person.email)]))


@transaction.atomic
def feedback_submit(
    *,
    account: PortalAccount,
    text: str,
    about: str = "",
    anonymous: bool = False,
    base_url: str = "",
) -> Feedback:
    """Send feedback from the portal to the person outside the group who receives it.

    Anonymous: nothing is stored that ties the feedback to the account or the case, and no
    audit record is written at all: a record of *this* account doing *something* at this
    minute would be enough to tie it to the sender. Named: the case, the account and whether
    the youth or a guardian wrote are kept, and the sending is audited.
    """
    if not account.is_active:
        raise PermissionDenied(_("Kontot är stängt."))
    text = (text or "").strip()
    about = (about or "").strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Skriv vad du vill säga.")]
    elif len(text) > TEXT_MAX:
        errors["text"] = [_("Texten får vara högst %(n)s tecken.") % {"n": TEXT_MAX}]
    if len(about) > ABOUT_MAX:
        errors["about"] = [_("Skriv högst %(n)s tecken här.") % {"n": ABOUT_MAX}]
    if errors:
        raise ValidationError(errors)
    case = account.case
    recipient, passed_over = _route(case)
    today = timezone.localdate()
    feedback = Feedback(
        municipality_id=case.municipality_id,
        # Anonymous feedback that went round the district's own recipient (who is in this
        # youth's group) keeps no district: "from Norra, yet not sent to Norra's recipient"
        # would point at the few groups that recipient sits in.
        district_id=None if anonymous and passed_over else case.district_id,
        recipient=recipient,
        anonymous=anonymous,
        text=text,
        about=about,
        received_on=today,
    )
    feedback.pk = _random_id()
    if not anonymous:
        feedback.case = case
        feedback.account = account
        feedback.sender_kind = account.kind
    feedback.full_clean()
    feedback.save(force_insert=True)
    if anonymous:
        midnight = timezone.make_aware(datetime.combine(today, time.min))
        Feedback.objects.filter(pk=feedback.pk).update(created_at=midnight, updated_at=midnight)
        feedback.created_at = feedback.updated_at = midnight
    else:
        audit_record(
            **policy.portal_audit_fields(
                account,
                action=Action.CREATE,
                object_type="portal.feedback",
                object_code=str(feedback.code),
            )
        )
    with translation.override(settings.LANGUAGE_CODE):
        _notify(
            recipient,
            _("Ny synpunkt från portalen"),
            _("En ny synpunkt från portalen väntar på dig: %(link)s")
            % {"link": _link(feedback, base_url)},
        )
    return feedback


def _require_handles(actor: Person, feedback: Feedback) -> None:
    if not actor.is_active or actor.pk not in (feedback.recipient_id, feedback.escalated_to_id):
        raise PermissionDenied(_("Synpunkten är inte skickad till dig."))


def _audit_staff(actor: Person, feedback: Feedback, fields: list[str]) -> None:
    voice_selectors.audit_feedback(
        actor=actor, feedback=feedback, action=Action.UPDATE, fields=fields
    )


def _lock(feedback: Feedback) -> None:
    Feedback.objects.select_for_update().filter(pk=feedback.pk).values_list("pk").first()
    feedback.refresh_from_db()


@transaction.atomic
def feedback_respond(*, actor: Person, feedback: Feedback, response: str) -> Feedback:
    """Answer the feedback (the recipient or the person it was lifted to). The youth or
    guardian reads the answer in the portal when the feedback was named; an answer to
    anonymous feedback reaches nobody and is kept as a note of what was done."""
    _lock(feedback)
    _require_handles(actor, feedback)
    if feedback.status == FeedbackStatus.CLOSED:
        raise ValidationError(_("Synpunkten är avslutad."))
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": [_("Skriv ett svar.")]})
    if len(response) > TEXT_MAX:
        raise ValidationError(
            {"response": [_("Svaret får vara högst %(n)s tecken.") % {"n": TEXT_MAX}]}
        )
    feedback.response = response
    feedback.responded_at = timezone.now()
    feedback.responded_by = actor
    feedback.status = FeedbackStatus.ANSWERED
    feedback.save(
        update_fields=["response", "responded_at", "responded_by", "status", "updated_at"]
    )
    _audit_staff(actor, feedback, ["response", "status"])
    return feedback


@transaction.atomic
def feedback_escalate(
    *, actor: Person, feedback: Feedback, to: Person, note: str = "", base_url: str = ""
) -> Feedback:
    """Lift the feedback to somebody else (only the recipient may). The target must be active,
    work in the same municipality and, for named feedback, not be in the youth's group."""
    _lock(feedback)
    _require_handles(actor, feedback)
    if actor.pk != feedback.recipient_id:
        raise ValidationError(_("Bara den som tog emot synpunkten kan lyfta den vidare."))
    if feedback.status == FeedbackStatus.CLOSED:
        raise ValidationError(_("Synpunkten är avslutad."))
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise ValidationError({"note": [_("Skriv högst %(n)s tecken.") % {"n": TEXT_MAX}]})
    if (
        to.pk == actor.pk
        or not to.is_active
        or to.organisation is None
        or to.organisation.municipality_id != feedback.municipality_id
    ):
        raise ValidationError({"to": [_("Välj en aktiv person i samma kommun, inte dig själv.")]})
    if feedback.case is not None and to.pk in group_person_ids(case=feedback.case):
        raise ValidationError(
            {"to": [_("Personen är med i ungdomens grupp och kan inte ta emot synpunkten.")]}
        )
    feedback.escalated_to = to
    feedback.escalated_at = timezone.now()
    feedback.escalation_note = note
    feedback.status = FeedbackStatus.ESCALATED
    feedback.save(
        update_fields=[
            "escalated_to",
            "escalated_at",
            "escalation_note",
            "status",
            "updated_at",
        ]
    )
    _audit_staff(actor, feedback, ["escalated_to", "escalation_note", "status"])
    with translation.override(settings.LANGUAGE_CODE):
        _notify(
            to,
            _("En synpunkt från portalen har lyfts till dig"),
            _("En synpunkt från portalen har lyfts till dig: %(link)s")
            % {"link": _link(feedback, base_url)},
        )
    return feedback


@transaction.atomic
def feedback_close(*, actor: Person, feedback: Feedback) -> Feedback:
    """Close the feedback: nothing more is done with it (the recipient or the person it was
    lifted to)."""
    _lock(feedback)
    _require_handles(actor, feedback)
    if feedback.status == FeedbackStatus.CLOSED:
        raise ValidationError(_("Synpunkten är redan avslutad."))
    feedback.status = FeedbackStatus.CLOSED
    feedback.save(update_fields=["status", "updated_at"])
    _audit_staff(actor, feedback, ["status"])
    return feedback


def _answer(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationError({field: [_("Välj ett svar från 1 till 5, eller Vill inte svara.")]})
    return value


@transaction.atomic
def evaluation_submit(
    *,
    account: PortalAccount,
    understood: int | None = None,
    took_part: int | None = None,
    listened_to: int | None = None,
    trusted_coordinator: int | None = None,
    good: str = "",
    change: str = "",
) -> Evaluation:
    """Store the youth's evaluation of the SIG, once, after closure.

    The answers are stored with the municipality, district and year of closure only (a random
    row id, so they cannot be matched to the receipt by order); the receipt says that the
    case's youth has answered and on which day, which stops a second answer.
    """
    if not account.is_active or account.kind != AccountKind.YOUTH:
        raise PermissionDenied(_("Bara ungdomen kan svara på utvärderingen."))
    case = account.case
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk").first()
    closure = Closure.objects.filter(case=case, evaluation_offered_on__isnull=False).first()
    if closure is None:
        raise ValidationError(_("Det finns ingen utvärdering att svara på ännu."))
    if EvaluationReceipt.objects.filter(case=case).exists():
        raise ValidationError(_("Du har redan svarat på utvärderingen. Tack!"))
    good, change = (good or "").strip(), (change or "").strip()
    errors: dict[str, list[str]] = {}
    for name, value in (("good", good), ("change", change)):
        if len(value) > EVALUATION_TEXT_MAX:
            errors[name] = [_("Skriv högst %(n)s tecken.") % {"n": EVALUATION_TEXT_MAX}]
    if errors:
        raise ValidationError(errors)
    evaluation = Evaluation(
        pk=_random_id(),
        municipality_id=case.municipality_id,
        district_id=case.district_id,
        year=closure.closed_on.year,
        understood=_answer(understood, "understood"),
        took_part=_answer(took_part, "took_part"),
        listened_to=_answer(listened_to, "listened_to"),
        trusted_coordinator=_answer(trusted_coordinator, "trusted_coordinator"),
        good=good,
        change=change,
    )
    evaluation.full_clean()
    try:
        with transaction.atomic():
            receipt = EvaluationReceipt.objects.create(case=case, received_on=timezone.localdate())
    except IntegrityError as exc:
        raise ValidationError(_("Du har redan svarat på utvärderingen. Tack!")) from exc
    evaluation.save(force_insert=True)
    audit_record(
        **policy.portal_audit_fields(
            account,
            action=Action.CREATE,
            object_type="portal.evaluationreceipt",
            object_code=str(receipt.pk),
        )
    )
    return evaluation
