"""Background work: the nightly retention run, queued through django-tasks (database backend)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from samsyn.retention.services import retention_run_all


@task()
def run_retention() -> int:
    """Erase or pseudonymise what is due in every municipality; returns how many objects."""
    results = retention_run_all(today=timezone.localdate(), dry_run=False)
    return sum(sum(r.done.values()) + r.audit_blocks for r in results)
