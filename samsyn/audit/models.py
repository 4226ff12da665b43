"""The append-only, tamper-evident audit log.

Writers only INSERT: each record carries the SHA-256 of its own content, computed before
insert, so concurrent writers never wait for one another. A sealer later binds records into
numbered blocks whose hashes form a chain (see `services.audit_seal` and docs/decisions.md).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    SIGN_IN = "sign_in", _("Inloggning")
    SIGN_IN_FAILED = "sign_in_failed", _("Misslyckad inloggning")
    LOCKED_OUT = "locked_out", _("Spärrad efter för många försök")
    SECOND_FACTOR_OK = "second_factor_ok", _("Tvåstegsverifiering godkänd")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Fel engångskod")
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("Tvåstegsverifiering aktiverad")
    SECOND_FACTOR_RESET = "second_factor_reset", _("Tvåstegsverifiering återställd")
    RECOVERY_CODE_USED = "recovery_code_used", _("Reservkod använd")
    SIGN_OUT = "sign_out", _("Utloggning")
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere", _("Utloggning överallt")
    CREATE = "create", _("Skapad")
    UPDATE = "update", _("Ändrad")
    DELETE = "delete", _("Borttagen")
    READ = "read", _("Läst")
    SEARCH = "search", _("Sökning")
    EXPORT = "export", _("Export")
    REFUSED = "refused", _("Nekad åtkomst")


class AuditRecord(models.Model):
    """One event. Never updated or deleted (PostgreSQL refuses both with a trigger)."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    action = models.CharField(_("händelse"), max_length=32, choices=Action.choices)
    actor_code = models.UUIDField(_("vem"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("användarnamn"), max_length=150, blank=True)
    organisation_code = models.UUIDField(_("organisation"), null=True, blank=True)
    municipality_code = models.UUIDField(_("kommun"), null=True, blank=True, db_index=True)
    object_type = models.CharField(_("objekttyp"), max_length=64, blank=True)
    object_code = models.CharField(_("objekt"), max_length=64, blank=True, db_index=True)
    case_code = models.UUIDField(_("ärende"), null=True, blank=True, db_index=True)
    subject_code = models.UUIDField(_("registrerad"), null=True, blank=True, db_index=True)
    basis = models.CharField(_("grund"), max_length=255, blank=True)
    detail = models.JSONField(_("detaljer"), default=dict, blank=True)
    request_id = models.CharField(_("anrops-id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    row_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("logghändelse")
        verbose_name_plural = _("logghändelser")
        indexes = [
            # The search by person matches the user name case-insensitively, OR-ed with the
            # codes: without this index PostgreSQL cannot combine the indexes and reads every
            # record of the municipality instead (bench: seconds in a large municipality).
            models.Index(Upper("actor_username"), name="audit_actor_username_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type} {self.object_code}"

    def canonical(self) -> bytes:
        """The bytes the row hash covers: every field but id and the hash itself."""

        def text(value: Any) -> str | None:
            return None if value is None else str(value)

        content = {
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "action": self.action,
            "actor_code": text(self.actor_code),
            "actor_username": self.actor_username,
            "organisation_code": text(self.organisation_code),
            "municipality_code": text(self.municipality_code),
            "object_type": self.object_type,
            "object_code": self.object_code,
            "case_code": text(self.case_code),
            "subject_code": text(self.subject_code),
            "basis": self.basis,
            "detail": self.detail,
            "request_id": self.request_id,
            "ip_address": self.ip_address,
        }
        return json.dumps(
            content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


class AuditSeal(models.Model):
    """A sealed block of consecutive audit records, chained to the block before it.

    `record_index` holds, for each record in the block, its id (8 bytes) and the first 8
    bytes of its row hash, so that verification can name the first record that differs.
    """

    number = models.PositiveBigIntegerField(unique=True)
    first_record_id = models.BigIntegerField()
    last_record_id = models.BigIntegerField()
    record_count = models.PositiveIntegerField()
    record_index = models.BinaryField()
    previous_hash = models.CharField(max_length=64)
    seal_hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField(default=timezone.now)
    # Set when retention (gallring) erased the block's records; the seal row stays so the chain
    # still links (docs/decisions.md D49).
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"seal {self.number}: {self.first_record_id}–{self.last_record_id}"
