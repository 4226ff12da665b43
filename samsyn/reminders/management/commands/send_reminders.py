from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from samsyn.reminders.services import reminders_send
from samsyn.reminders.tasks import send_reminders


class Command(BaseCommand):
    help = (
        "Queue today's reminder run for the task worker (run daily from cron or a systemd "
        "timer), or send the reminders at once with --now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="Send now in this process instead of queueing for `manage.py db_worker`.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            emails = reminders_send(today=timezone.localdate())
            self.stdout.write(f"Sent {emails} reminder e-mail(s).")
            return
        result = send_reminders.enqueue()
        self.stdout.write(f"Queued the reminder run as task {result.id} ({result.status}).")
