"""Webhooks: an organisation's own system is told, signed, when something happens in a case
it takes part in (issue 9). The events carry codes only, never personal data (`events.py`).

The secret is kept as it is, not as a digest like the API tokens: signing needs it. It is
shown once, when the webhook is made, and never again on any page."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.lib.models import TimestampedModel
from samsyn.organisations.models import Organisation, Person


class Event(models.TextChoices):
    CASE_STATE_CHANGED = "case.state_changed", _("Ett ärende byter läge")
    MEETING_PLANNED = "meeting.planned", _("Ett möte planeras")


class Webhook(TimestampedModel):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="webhooks",
        verbose_name=_("organisation"),
    )
    url = models.URLField(_("adress"), max_length=500)
    secret = models.CharField(_("hemlighet"), max_length=100)
    events = models.JSONField(_("händelser"), default=list)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["organisation__name", "created_at"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        return [str(Event(e).label) for e in self.events if e in Event.values]


class DeliveryStatus(models.TextChoices):
    PENDING = "vantar", _("Väntar")
    DELIVERED = "levererad", _("Levererad")
    FAILED = "misslyckad", _("Misslyckad")


class Delivery(models.Model):
    """One event for one webhook: sent in the background, tried again later on failure."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(_("händelsens id"))
    event_type = models.CharField(_("händelse"), max_length=40, choices=Event.choices)
    payload = models.JSONField(_("innehåll"))
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    last_status = models.PositiveSmallIntegerField(_("senaste svar"), null=True, blank=True)
    last_error = models.CharField(_("senaste fel"), max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(_("nästa försök"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("levererad"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("leverans")
        verbose_name_plural = _("leveranser")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event_id"], name="delivery_event_once")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
