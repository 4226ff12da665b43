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
