"""`manage.py restore_check MANIFEST --into DATABASE_URL`: prove that a backup restores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samsyn.core.backup import BackupError, backup_restore_check


class Command(BaseCommand):
    help = (
        "Restore a backup (made by `manage.py backup`) into an EMPTY database and check it: "
        "the files' SHA-256, every table's row count, the migration state, the audit chain "
        "(audit_verify against the restored database) and the media archive. Refuses a "
        "database that has tables. Exits non-zero naming what differs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("manifest", type=Path, help="The backup's .manifest.json file.")
        parser.add_argument(
            "--into",
            required=True,
            metavar="DATABASE_URL",
            help=(
                "An existing, empty database to restore into, e.g. "
                "postgres://samsyn_owner@db.internal:5432/samsyn_restore_test, or a new SQLite "
                "file (sqlite:////tmp/restore.sqlite3). It is left in place for you to inspect "
                "or drop."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore_check(manifest_path=options["manifest"], into=options["into"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        for line in result.passed:
            self.stdout.write(f"OK   {line}")
        for line in result.notes:
            self.stdout.write(f"NOTE {line}")
        if not result.ok:
            differences = "\n".join(f"  - {problem}" for problem in result.problems)
            raise CommandError(
                f"Restore check FAILED for {options['manifest']}, "
                f"{len(result.problems)} difference(s):\n{differences}"
            )
        self.stdout.write(self.style.SUCCESS("Restore check passed: the backup restores."))
