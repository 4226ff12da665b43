from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samsyn.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log: every record's hash and the chain of sealed blocks."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            where = f"record {result.broken_record_id}" if result.broken_record_id else "a seal"
            block = (
                f" in sealed block {result.broken_seal_number}" if result.broken_seal_number else ""
            )
            raise CommandError(
                f"Audit log BROKEN at {where}{block}: {result.reason}. "
                f"{result.records_checked} records read up to where the break was found."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit log OK: {result.records_checked} records, {result.blocks_checked} sealed "
                f"blocks, {result.unsealed} records not yet sealed."
            )
        )
