from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samsyn.cases.demo import seed_cases
from samsyn.followup.demo import seed_needs
from samsyn.organisations.demo import DEMO_PASSWORD, demo_totp_secret, seed_demo
from samsyn.organisations.models import Organisation, Role
from samsyn.portal.demo import DEMO_PIN, seed_portal


class Command(BaseCommand):
    help = (
        "Create or refresh the demo municipalities, organisations and people, and add the demo "
        "cases (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--not-production",
            action="store_true",
            help="Confirm that this database is not production (needed when debug is off).",
        )
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["not_production"]:
            raise CommandError(
                "seed_demo creates accounts with known passwords. Run it with SAMSYN_DEBUG=1, "
                "or pass --not-production if this database is a test or demo database."
            )
        people = seed_demo()
        seeded = seed_cases()
        portal = seed_portal()
        seed_needs()
        if options["quiet"]:
            return
        names = dict(Organisation.objects.values_list("name", "name"))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        self.stdout.write(f"{'username':<24}{'role':<34}{'organisation':<34}TOTP secret")
        for demo in people:
            roles = ", ".join(str(Role(r).label) for r in demo.roles) or "(tar emot synpunkter)"
            self.stdout.write(
                f"{demo.username:<24}{roles:<34}{names[demo.organisation]:<34}"
                f"{demo_totp_secret(demo.username)}"
            )
        self.stdout.write("")
        self.stdout.write(
            "Add a secret to an authenticator app, or print the current code with:\n"
            "  .venv/bin/python manage.py demo_totp samordnare"
        )
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Portal for youths and guardians: /ung/ (password {DEMO_PASSWORD}, PIN {DEMO_PIN})"
            )
        )
        for login in portal:
            self.stdout.write(f"{login.username:<24}{login.who}")
        self.stdout.write(seeded.summary())
