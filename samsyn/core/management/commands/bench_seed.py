"""`manage.py bench_seed --scale N`: the benchmark's national-scale data set (bench/seed.py)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench import seed


class Command(BaseCommand):
    help = (
        "Fyller en tom, migrerad databas med benchmarkens data: vid --scale 1 290 kommuner, "
        "50 000 ungdomar, 500 000 möten, 1 000 000 planposter, 300 000 samtycken och "
        "5 000 000 logghändelser. Samma --seed och --today ger samma data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1 = nationell storlek")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--today", type=date.fromisoformat, default=None)
        parser.add_argument(
            "--checked",
            action="store_true",
            help="Låt PostgreSQL kontrollera främmande nycklar under inläsningen (långsammare).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(text: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:7.1f} s] {text}")

        try:
            written = seed.seed(
                scale=options["scale"],
                seed=options["seed"],
                today=options["today"],
                fast=not options["checked"],
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        for label, count in written.items():
            self.stdout.write(f"{label:32} {count:>10}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Klart på {time.monotonic() - started:.0f} s. Alla personer har lösenordet "
                f"{seed.PASSWORD}; portalkonton (ung<ärende-id>) har koden {seed.PIN}."
            )
        )
