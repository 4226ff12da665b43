"""Which reminders have been sent, so that a reminder run twice sends nothing twice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    MEETING_DUE = "mote", _("Dags att planera nästa nätverksmöte")
    ACTIVITY_OVERDUE = "aktivitet", _("Aktivitet försenad")
    FOLLOWUP_DUE = "uppfoljning", _("Uppföljning efter avslut")
    CONSENT_EXPIRING = "samtycke", _("Samtycke går ut")
    PLAN_NOT_FOLLOWED = "plan", _("Planen följdes inte upp på senaste mötet")


class ReminderSent(models.Model):
    """One reminder of one kind, about one thing (`key`), to one person. The e-mail carries the
    case code only, never personal data."""

    kind = models.CharField(_("slag"), max_length=16, choices=ReminderKind.choices)
    key = models.CharField(_("gäller"), max_length=80)
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.CASCADE, related_name="reminders"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField(_("datum"))
    sent_at = models.DateTimeField(_("skickad"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("skickad påminnelse")
        verbose_name_plural = _("skickade påminnelser")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "person"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
