"""Print the JSON Schema of the case export (docs/format/arende-export.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from samsyn.dataprotection.export import export_schema


def schema_text() -> str:
    # The descriptions are the fields' Swedish names, whatever the active language.
    with translation.override("sv"):
        return json.dumps(export_schema(), ensure_ascii=False, indent=2) + "\n"


class Command(BaseCommand):
    help = "Skriver ut JSON Schema för ärendeexporten (docs/format/arende-export.schema.json)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(schema_text(), ending="")
