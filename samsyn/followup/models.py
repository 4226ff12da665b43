"""Follow-up data that is not part of any case: the needs inventory (behovsinventering).

Everything else the follow-up reports show is computed from the cases, on demand.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samsyn.lib.models import TimestampedModel


class NeedsCount(TimestampedModel):
    """How many youths in the target group an area had in a year, from police or social
    statistics (imported as aggregate counts: no personal data). `district` empty means the
    whole municipality."""

    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "organisations.District", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    count = models.PositiveIntegerField(_("antal i målgruppen"))
    source = models.CharField(_("källa"), max_length=200)
    imported_by = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year", "municipality", "district"]
        verbose_name = _("behovsinventering")
        verbose_name_plural = _("behovsinventeringar")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "district", "year"],
                condition=models.Q(district__isnull=False),
                name="needs_count_once_per_district_year",
            ),
            models.UniqueConstraint(
                fields=["municipality", "year"],
                condition=models.Q(district__isnull=True),
                name="needs_count_once_per_municipality_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.district_id or '-'} {self.year}: {self.count}"


class RunStatus(models.TextChoices):
    WAITING = "vantar", _("Väntar")
    RUNNING = "pagar", _("Pågår")
    DONE = "klar", _("Klar")
    FAILED = "misslyckades", _("Misslyckades")


class ReportRun(TimestampedModel):
    """One computation of a follow-up report, and its stored result: the cache of the reports,
    shared by every process (`samsyn.followup.jobs`).

    `key` is a hash of what the report depends on (kind, area, period, suppression threshold,
    language, the report code and a fingerprint of the data), so a stored result is used only
    for exactly the same question over unchanged data. The result holds aggregates only (the
    same suppressed tables the page shows). `attempt` goes up on every restart, so a run that
    was given up for dead cannot overwrite the result of its successor. `updated_at` is the
    heartbeat: every step of a running report writes it."""

    key = models.CharField(_("nyckel"), max_length=64, unique=True)
    kind = models.CharField(_("rapport"), max_length=32)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tom: alla kommuner (den nationella vyn)."),
    )
    district = models.ForeignKey(
        "organisations.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    period_start = models.DateField(_("från"))
    period_end = models.DateField(_("till"))
    language = models.CharField(_("språk"), max_length=16)
    threshold = models.PositiveSmallIntegerField(_("gräns för små tal"))
    status = models.CharField(
        _("läge"), max_length=16, choices=RunStatus.choices, default=RunStatus.WAITING
    )
    steps_done = models.PositiveSmallIntegerField(_("klara steg"), default=0)
    steps_total = models.PositiveSmallIntegerField(_("steg i allt"), default=0)
    attempt = models.PositiveIntegerField(_("försök"), default=0)
    result = models.BinaryField(_("resultat"), null=True, blank=True, editable=False)
    error = models.TextField(_("fel"), blank=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True, db_index=True)
    requested_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beställd av"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("rapportkörning")
        verbose_name_plural = _("rapportkörningar")
        indexes = [models.Index(fields=["updated_at"], name="report_run_updated")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start}–{self.period_end} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (RunStatus.WAITING, RunStatus.RUNNING)
