"""The youth and guardian portal: accounts without a staff login, invitations, the youth's
choice of what guardians may see, notices to the coordinator, feedback and the evaluation.

Rules:
- A portal account belongs to one case: the youth's own, or one guardian's in that case.
  It is created only by redeeming an invitation the coordinator made; no personnummer is used.
- Credentials are kept apart from the account (`PortalCredential`), so that a passkey can be
  added as a second kind beside the password without changing the account; a reset by the
  coordinator revokes every credential at once.
- Anonymous feedback has no link to its sender: no case, no account, no time of day.
- Evaluation answers carry no link to the case either; a separate receipt records only that
  the case's youth has answered (so nobody answers twice).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samsyn.lib.models import TimestampedModel

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str


class AccountKind(models.TextChoices):
    YOUTH = "ungdom", _("Ungdomen")
    GUARDIAN = "vardnadshavare", _("Vårdnadshavare")


class PortalAccount(TimestampedModel):
    """A youth's or a guardian's access to one case in the portal."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="portal_accounts")
    kind = models.CharField(_("vem"), max_length=16, choices=AccountKind.choices)
    guardian = models.ForeignKey(
        "cases.Guardian",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_accounts",
        verbose_name=_("vårdnadshavare"),
    )
    username = models.CharField(_("användarnamn"), max_length=40, unique=True)
    pin_hash = models.CharField(max_length=128, blank=True)
    is_active = models.BooleanField(_("aktivt"), default=True)
    deactivated_at = models.DateTimeField(_("stängt"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("senast inloggad"), null=True, blank=True)
    # Rotated to end every session of the account at once (a reset by the coordinator).
    session_generation = models.UUIDField(default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "created_at"]
        verbose_name = _("konto i portalen")
        verbose_name_plural = _("konton i portalen")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="ungdom", guardian__isnull=True)
                | Q(kind="vardnadshavare", guardian__isnull=False),
                name="portal_account_youth_or_guardian",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(kind="ungdom", is_active=True),
                name="portal_one_active_youth_account",
            ),
            models.UniqueConstraint(
                fields=["case", "guardian"],
                condition=Q(is_active=True, guardian__isnull=False),
                name="portal_one_active_account_per_guardian",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def is_youth(self) -> bool:
        return self.kind == AccountKind.YOUTH


class CredentialKind(models.TextChoices):
    PASSWORD = "losenord", _("Lösenord")
    PASSKEY = "passkey", _("Passkey")


class PortalCredential(models.Model):
    """One way to sign in to an account. `secret` is a password hash (Django's hashers) or, for
    a passkey, the public key; `credential_id` names a passkey to the browser."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(_("slag"), max_length=16, choices=CredentialKind.choices)
    secret = models.CharField(max_length=1024)
    credential_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inloggningsuppgift")
        verbose_name_plural = _("inloggningsuppgifter")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind"],
                condition=Q(kind="losenord", revoked_at__isnull=True),
                name="portal_one_live_password",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.kind}"


class PortalInvitation(TimestampedModel):
    """A one-time code (also as a QR code) that lets the youth or a guardian create an account.

    Only a keyed hash of the code is stored; the code itself is shown once to the coordinator.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("till"), max_length=16, choices=AccountKind.choices)
    guardian = models.ForeignKey(
        "cases.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("gäller till"))
    redeemed_at = models.DateTimeField(_("använd"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    account = models.ForeignKey(
        PortalAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inbjudan till portalen")
        verbose_name_plural = _("inbjudningar till portalen")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="ungdom", guardian__isnull=True)
                | Q(kind="vardnadshavare", guardian__isnull=False),
                name="portal_invitation_youth_or_guardian",
            )
        ]


class GuardianShare(models.Model):
    """The youth lets one guardian see the plan and what meetings decided, in the portal.

    Needed from the age at which the youth takes part in consenting (local policy); below it the
    guardians decide for the child and see the plan without it. Withdrawn, never deleted.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    guardian = models.ForeignKey("cases.Guardian", on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delning med vårdnadshavare")
        verbose_name_plural = _("delningar med vårdnadshavare")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "guardian"],
                condition=Q(withdrawn_at__isnull=True),
                name="portal_one_live_share_per_guardian",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.guardian_id}"


class NoticeKind(models.TextChoices):
    CONSENT_WITHDRAWN = "samtycke_aterkallat", _("Samtycke återkallat i portalen")
    SHARE_CHANGED = "delning_andrad", _("Delning med vårdnadshavare ändrad")
    ACCOUNT_CREATED = "konto_skapat", _("Konto skapat i portalen")


class PortalNotice(TimestampedModel):
    """Something the coordinator must know about, done by the youth or a guardian in the portal.
    `text` holds codes and organisation names, never what the youth wrote."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("slag"), max_length=24, choices=NoticeKind.choices)
    text = models.CharField(_("text"), max_length=500)
    read_at = models.DateTimeField(_("läst"), null=True, blank=True)
    read_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("meddelande från portalen")
        verbose_name_plural = _("meddelanden från portalen")


class FeedbackStatus(models.TextChoices):
    NEW = "ny", _("Ny")
    ANSWERED = "besvarad", _("Besvarad")
    ESCALATED = "lyft", _("Lyft vidare")
    CLOSED = "avslutad", _("Avslutad")


class Feedback(TimestampedModel):
    """Feedback or criticism from the portal, routed to a person outside the youth's group.

    Rule: when `anonymous`, case, account and sender kind are empty and only the date is kept
    (`created_at` is then set to midnight of the day), so nothing ties it to the sender.
    """

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "organisations.District", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="feedback_received",
        verbose_name=_("mottagare"),
    )
    anonymous = models.BooleanField(_("anonym"), default=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    account = models.ForeignKey(
        PortalAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="feedback"
    )
    sender_kind = models.CharField(
        _("från"), max_length=16, choices=AccountKind.choices, blank=True
    )
    about = models.CharField(_("vad eller vem det gäller"), max_length=200, blank=True)
    text = models.TextField(_("synpunkt"))
    received_on = models.DateField(_("mottagen"))
    status = models.CharField(
        _("status"), max_length=12, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW
    )
    response = models.TextField(_("svar"), blank=True)
    responded_at = models.DateTimeField(_("besvarad"), null=True, blank=True)
    responded_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_to = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_escalated",
        verbose_name=_("lyft till"),
    )
    escalated_at = models.DateTimeField(_("lyft"), null=True, blank=True)
    escalation_note = models.TextField(_("varför den lyfts"), blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("synpunkt")
        verbose_name_plural = _("synpunkter")
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False)
                | Q(case__isnull=True, account__isnull=True, sender_kind=""),
                name="feedback_anonymous_has_no_sender",
            ),
            models.CheckConstraint(
                condition=Q(anonymous=True) | Q(case__isnull=False, account__isnull=False),
                name="feedback_named_has_sender",
            ),
        ]


def _answer_field(label: StrOrPromise) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class Evaluation(models.Model):
    """The youth's evaluation of the SIG, offered at closure. Answers 1–5 ("stämmer inte alls"
    to "stämmer helt"); empty means "vill inte svara". No case, no account, no time: only the
    area and the year the case closed, for aggregated follow-up."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "organisations.District", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    understood = _answer_field(_("jag förstod vad SIG var"))
    took_part = _answer_field(_("jag var med och gjorde min plan"))
    listened_to = _answer_field(_("de vuxna lyssnade på mig"))
    trusted_coordinator = _answer_field(_("jag litade på min samordnare"))
    good = models.TextField(_("det här var bra"), blank=True)
    change = models.TextField(_("det här borde ändras"), blank=True)

    class Meta:
        verbose_name = _("utvärdering")
        verbose_name_plural = _("utvärderingar")

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year}"


class EvaluationReceipt(models.Model):
    """That a case's youth has answered the evaluation, and on which day (not what)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()

    class Meta:
        verbose_name = _("kvitto på utvärdering")
        verbose_name_plural = _("kvitton på utvärderingar")

    def __str__(self) -> str:
        return f"{self.case_id} {self.received_on}"


class ThrottleScope(models.TextChoices):
    INVITATION = "inbjudan", _("Inbjudningskod")
    PASSWORD = "losenord", _("Lösenord")
    PIN = "pinkod", _("Pinkod")


class PortalFailure(models.Model):
    """A failed attempt (wrong invitation code, password or PIN), for throttling. `key` is a
    keyed hash of the IP address or the username, never the attempt itself."""

    scope = models.CharField(max_length=16, choices=ThrottleScope.choices)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="portal_failure_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.at}"
