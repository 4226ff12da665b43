from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from samsyn.organisations.models import Municipality
from samsyn.retention.services import (
    RunResult,
    retention_run,
    retention_run_all,
)
from samsyn.retention.tasks import run_retention


class Command(BaseCommand):
    help = (
        "Retention (gallring): print what is due (a dry run, the default), or erase and "
        "pseudonymise it with --verkstall (run nightly from cron or a systemd timer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kommun", help="Only this municipality (name or municipality number)."
        )
        parser.add_argument(
            "--verkstall",
            action="store_true",
            help="Carry out the run; without it nothing changes.",
        )
        parser.add_argument(
            "--ko",
            action="store_true",
            help="With --verkstall: queue the run for `manage.py db_worker` instead.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        execute = options["verkstall"]
        if options["ko"]:
            if not execute or options["kommun"]:
                raise CommandError("--ko goes with --verkstall, for every municipality.")
            queued = run_retention.enqueue()
            self.stdout.write(f"Queued the retention run as task {queued.id} ({queued.status}).")
            return
        if options["kommun"]:
            name = options["kommun"]
            municipality = Municipality.objects.filter(
                Q(name__iexact=name) | Q(municipality_number=name)
            ).first()
            if municipality is None:
                raise CommandError(f"No municipality called {name!r}.")
            results = [retention_run(municipality=municipality, today=today, dry_run=not execute)]
        else:
            results = retention_run_all(today=today, dry_run=not execute)
        for result in results:
            self._report(result)
        if not execute:
            self.stdout.write("Dry run: nothing was changed. Add --verkstall to carry it out.")

    def _report(self, result: RunResult) -> None:
        plan = result.plan
        self.stdout.write(f"== {plan.municipality.name} ({plan.today:%Y-%m-%d})")
        for rule in plan.rules.values():
            source = "default" if rule.is_default else (rule.decision_reference or "own rule")
            self.stdout.write(f"  rule {rule.kind}: {rule.months} months, {rule.action} ({source})")
        for item in plan.items:
            if item.status != "not_due":
                self.stdout.write(
                    f"  {item.status:8} {item.kind:18} {item.object_code:24} "
                    f"since {item.event_on:%Y-%m-%d}, due {item.due_on:%Y-%m-%d}, {item.action}"
                )
        for label, count, first in plan.not_due_counts:
            self.stdout.write(f"  not due  {label}: {count}, the first on {first:%Y-%m-%d}")
        audit = plan.audit
        self.stdout.write(
            f"  audit: {audit.records_due} records older than the rule, "
            f"{audit.records_in_erasable_blocks} in {len(audit.blocks)} erasable sealed block(s)"
        )
        if not result.dry_run:
            done = ", ".join(f"{kind} {n}" for kind, n in sorted(result.done.items())) or "nothing"
            self.stdout.write(f"  done: {done}")
            if result.audit_blocks:
                self.stdout.write(
                    f"  audit: erased {result.audit_records} records in "
                    f"{result.audit_blocks} block(s)"
                )
            for failed in result.failed:
                self.stderr.write(f"  FAILED (kept): {failed}")
