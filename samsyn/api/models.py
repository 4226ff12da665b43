"""Per-person API tokens for the journal systems' integrations (issue 9).

A token acts as its person: the same roles, the same consent policy, the same audit. Only a
SHA-256 digest of the token is stored; the token itself is shown once, when it is made."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.lib.models import TimestampedModel
from samsyn.organisations.models import Person


class Scope(models.TextChoices):
    READ = "read", _("Läsa")
    WRITE = "write", _("Läsa och ändra")


class ApiToken(TimestampedModel):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("person")
    )
    name = models.CharField(_("namn"), max_length=100)
    prefix = models.CharField(_("början av nyckeln"), max_length=16, db_index=True)
    digest = models.CharField(_("kontrollsumma"), max_length=64, unique=True)
    scope = models.CharField(_("behörighet"), max_length=8, choices=Scope.choices)
    expires_at = models.DateTimeField(_("gäller till"))
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
