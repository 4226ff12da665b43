from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from samsyn.audit.services import audit_seal


class Command(BaseCommand):
    help = "Seal audit records older than the grace period into chained hash blocks (run every minute)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace-seconds",
            type=int,
            default=None,
            help="Only seal records older than this (default: SAMSYN_AUDIT_SEAL_GRACE_SECONDS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        grace = options["grace_seconds"]
        made = audit_seal(grace=timedelta(seconds=grace) if grace is not None else None)
        self.stdout.write(f"Sealed {made} block(s).")
