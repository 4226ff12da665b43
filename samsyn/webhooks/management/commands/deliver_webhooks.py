from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from samsyn.webhooks.delivery import deliver_due, deliver_due_webhooks


class Command(BaseCommand):
    help = (
        "Send the webhook deliveries that are due (retries, and first attempts a stopped "
        "process left behind). Run every minute from cron or a systemd timer; --queue hands "
        "the run to `manage.py db_worker` instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Queue the run for `manage.py db_worker` instead of sending in this process.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["queue"]:
            result = deliver_due_webhooks.enqueue()
            self.stdout.write(f"Queued the webhook run as task {result.id} ({result.status}).")
            return
        delivered = deliver_due()
        self.stdout.write(f"Delivered {delivered} webhook event(s).")
