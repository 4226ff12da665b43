"""Rectification (rättelse, GDPR art. 16) and restriction (begränsning, art. 18) of the items
of a case.

Both point to any `CaseItem` generically, by its model label and public code (the same pair the
audit log uses), so no item model needs a column of its own. They belong to the case: erasing a
case erases them with it. A correction keeps the wording it replaced, which is personal data
and is read only through `samsyn.consent.policy` (the selectors show it to those who may see the
item). A restriction hides the item from everyone outside its owner organisation until lifted;
the policy reads the live restrictions of a page's cases in one query.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Restriction(models.Model):
    """The item is restricted: only its owner organisation may see it until it is lifted."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    object_type = models.CharField(_("objekttyp"), max_length=64)
    object_code = models.UUIDField(_("uppgift"))
    owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("skäl"))
    restricted_at = models.DateTimeField(_("begränsad"), default=timezone.now)
    restricted_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(_("hävd"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(_("skäl att häva"), blank=True)

    class Meta:
        ordering = ["-restricted_at", "-pk"]
        verbose_name = _("begränsning")
        verbose_name_plural = _("begränsningar")
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_code"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_live_restriction_per_item",
            ),
            models.CheckConstraint(
                condition=models.Q(lifted_at__isnull=True) | models.Q(lifted_by__isnull=False),
                name="restriction_lifted_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["case", "lifted_at"], name="restriction_case_live")]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_code}"

    @property
    def is_live(self) -> bool:
        return self.lifted_at is None


class Correction(models.Model):
    """One field of an item corrected: the wording it had, the wording it has, who, when, why."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    object_type = models.CharField(_("objekttyp"), max_length=64)
    object_code = models.UUIDField(_("uppgift"))
    field = models.CharField(_("fält"), max_length=64)
    previous_value = models.TextField(_("tidigare lydelse"), blank=True)
    new_value = models.TextField(_("ny lydelse"), blank=True)
    reason = models.TextField(_("skäl"))
    corrected_at = models.DateTimeField(_("rättad"), default=timezone.now)
    corrected_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["corrected_at", "pk"]
        verbose_name = _("rättelse")
        verbose_name_plural = _("rättelser")
        indexes = [
            models.Index(fields=["object_type", "object_code"], name="correction_item"),
            models.Index(fields=["case"], name="correction_case"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_code} {self.field}"
