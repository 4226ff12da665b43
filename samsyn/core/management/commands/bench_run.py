"""`manage.py bench_run`: measure the key operations on the data in the database and write
bench/results.md and bench/results.json (the measuring half of `make bench`; the data comes
from `manage.py bench_seed`). See bench/measure.py for what is measured and how."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Time the key pages (test client and gunicorn over HTTP), their queries and a SQL lower "
        "bound, the throughput of the case and portal pages (wrk), and write the results."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
        parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
        parser.add_argument(
            "--cold-repeat",
            type=int,
            default=3,
            help="repeats of the cold report computations (each can take seconds)",
        )
        parser.add_argument("--out", default="bench", help="where results.md/.json go")
        parser.add_argument("--no-http", action="store_true", help="no gunicorn, no wrk")
        parser.add_argument("--no-throughput", action="store_true", help="no wrk runs")
        parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
        parser.add_argument(
            "--op-budget",
            type=float,
            default=60.0,
            help="stop repeating an operation after this many seconds (at least one sample)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Imported here: the harness imports every app's models.
        from bench import measure

        for name in ("repeat", "cold_repeat", "duration"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1")
        if options["warmup"] < 0:
            raise CommandError("--warmup must be 0 or more")
        parts = ["bench_run"]
        for name in ("repeat", "warmup", "cold_repeat", "duration"):
            parts.append(f"--{name.replace('_', '-')} {options[name]}")
        parts += [
            flag for flag in ("--no-http", "--no-throughput") if options[flag[2:].replace("-", "_")]
        ]
        result = measure.run(
            repeat=options["repeat"],
            warmup=options["warmup"],
            cold_repeat=options["cold_repeat"],
            out=Path(options["out"]),
            http=not options["no_http"],
            throughput=not options["no_throughput"],
            duration=options["duration"],
            op_budget=options["op_budget"],
            command=" ".join(parts),
            log=lambda line: self.stdout.write(line),
        )
        missed = [t["name"] for t in result["targets"] if t["met"] is False]
        self.stdout.write(
            f"bench: {len(missed)} target(s) not met" + (": " + "; ".join(missed) if missed else "")
        )
        if result["errors"]:
            self.stderr.write("bench: errors:\n" + "\n".join(result["errors"]))
