"""Background work: the daily reminder run, queued through django-tasks (database backend)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from samsyn.reminders.services import reminders_send


@task()
def send_reminders() -> int:
    """Send today's reminders; returns how many e-mails went out (0 on a second run)."""
    return reminders_send(today=timezone.localdate())
