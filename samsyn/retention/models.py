"""Retention (gallring): per-municipality rules, legal holds on cases, and the record of what
was erased (never the erased content itself). See docs/decisions.md D49."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samsyn.lib.models import TimestampedModel


class RetentionKind(models.TextChoices):
    CASES = "arenden", _("Avslutade ärenden")
    CONSENTS = "samtycken", _("Upphörda och återkallade samtycken")
    MEETING_NOTES = "motesanteckningar", _("Mötesanteckningar")
    AUDIT = "granskningslogg", _("Granskningslogg")


class RetentionAction(models.TextChoices):
    ERASE = "gallra", _("Gallra (radera)")
    PSEUDONYMISE = "pseudonymisera", _("Pseudonymisera")
    KEEP = "bevara", _("Bevara")


# What each kind may do: only a case has anything to keep once the names are gone.
ALLOWED_ACTIONS: dict[str, tuple[str, ...]] = {
    RetentionKind.CASES: (
        RetentionAction.PSEUDONYMISE,
        RetentionAction.ERASE,
        RetentionAction.KEEP,
    ),
    RetentionKind.CONSENTS: (RetentionAction.ERASE, RetentionAction.KEEP),
    RetentionKind.MEETING_NOTES: (RetentionAction.ERASE, RetentionAction.KEEP),
    RetentionKind.AUDIT: (RetentionAction.ERASE, RetentionAction.KEEP),
}

# The defaults used while a municipality has set no rule of its own (docs/decisions.md D49):
# five years, as the Social Services Act's rule for personal files (SoL 2001:453 12 kap. 1 §);
# a closed case is pseudonymised so the follow-up still counts it.
DEFAULT_RULES: dict[str, tuple[int, str]] = {
    RetentionKind.CASES: (60, RetentionAction.PSEUDONYMISE),
    RetentionKind.CONSENTS: (60, RetentionAction.ERASE),
    RetentionKind.MEETING_NOTES: (60, RetentionAction.ERASE),
    RetentionKind.AUDIT: (60, RetentionAction.ERASE),
}

StrOrPromise = str | Promise

# When the clock starts, per kind (shown in the rules table).
CLOCK_EVENTS: dict[str, StrOrPromise] = {
    RetentionKind.CASES: _("efter att ärendet avslutades"),
    RetentionKind.CONSENTS: _("efter att samtycket upphörde eller återkallades"),
    RetentionKind.MEETING_NOTES: _("efter att mötet hölls"),
    RetentionKind.AUDIT: _("efter att händelsen loggades"),
}


class RetentionRule(TimestampedModel):
    """How long one kind of record is kept in one municipality, and what happens then."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="retention_rules"
    )
    kind = models.CharField(_("vad"), max_length=24, choices=RetentionKind.choices)
    months = models.PositiveSmallIntegerField(_("antal månader"))
    action = models.CharField(_("åtgärd"), max_length=16, choices=RetentionAction.choices)
    decision_reference = models.CharField(
        _("gallringsbeslut"),
        max_length=160,
        blank=True,
        help_text=_("Till exempel dokumenthanteringsplanens diarienummer."),
    )
    changed_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["municipality", "kind"]
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind"], name="one_retention_rule_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(months__gte=1), name="retention_rule_months_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_kind_display()}"


class LegalHold(TimestampedModel):
    """While a hold stands, nothing in the case is erased or pseudonymised, nor the audit blocks
    that mention it."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.TextField(_("skäl"))
    held_by = models.ForeignKey("organisations.Person", on_delete=models.PROTECT, related_name="+")
    held_from = models.DateTimeField(_("från"), default=timezone.now)
    lifted_at = models.DateTimeField(_("hävt"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_from"]
        verbose_name = _("bevarandebeslut")
        verbose_name_plural = _("bevarandebeslut")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_standing_legal_hold_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.held_from:%Y-%m-%d}"


class ErasureRecord(models.Model):
    """What one run erased or pseudonymised: kind, codes and counts, never content or names."""

    at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("vad"), max_length=24, choices=RetentionKind.choices)
    action = models.CharField(_("åtgärd"), max_length=16, choices=RetentionAction.choices)
    months = models.PositiveSmallIntegerField(_("antal månader"))
    decision_reference = models.CharField(_("gallringsbeslut"), max_length=160, blank=True)
    object_type = models.CharField(_("objekttyp"), max_length=64)
    object_code = models.CharField(_("objekt"), max_length=64)
    event_on = models.DateField(_("klockan startade"))
    counts = models.JSONField(_("antal"), default=dict)
    run_by = models.CharField(_("körd av"), max_length=150)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("gallringspost")
        verbose_name_plural = _("gallringsposter")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind} {self.object_code}"

    @property
    def total(self) -> int:
        return sum(int(n) for n in self.counts.values())
