"""`manage.py backup`: the database, the scanned consents and a manifest (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samsyn.core.backup import BackupError, backup_create, default_backup_folder


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump --format=custom, or a SQLite copy) and SAMSYN_MEDIA_ROOT "
        "(tar.gz), with a manifest of row counts, migrations, the audit chain and SHA-256 sums, "
        "all from one snapshot. Check a backup with `manage.py restore_check`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help=f"Folder for the backup files (default: {default_backup_folder()}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup = backup_create(out=options["out"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = backup.manifest
        database, media, audit = manifest["database"], manifest["media"], manifest["audit"]
        folder = backup.manifest_path.parent
        self.stdout.write(f"Database ({database['vendor']}): {folder / database['file']}")
        self.stdout.write(f"Media ({media['files']} files): {folder / media['file']}")
        self.stdout.write(
            f"{len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows."
        )
        if audit:
            self.stdout.write(
                f"Audit log: {audit['records']} records up to id {audit['max_record_id']}, "
                f"{audit['seals']} sealed blocks (last {audit['last_seal_hash'] or '-'}), "
                f"{audit['unsealed']} not yet sealed."
            )
        self.stdout.write(self.style.SUCCESS(f"Backup written: {backup.manifest_path}"))
