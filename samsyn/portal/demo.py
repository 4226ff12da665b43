"""Demo portal accounts: the first demo youth (Adam, 16, active for seven months) and his
mother can sign in to the portal at /ung/ without an invitation round trip.

They are made the way a real account is: the coordinator's invitation, redeemed. Idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

from samsyn.cases.demo import demo_case
from samsyn.cases.models import Guardian
from samsyn.organisations.demo import DEMO_PASSWORD
from samsyn.portal import account_services as access
from samsyn.portal.models import AccountKind, PortalAccount

DEMO_PIN = "2580"


@dataclass(frozen=True)
class DemoPortalLogin:
    username: str
    who: str


def seed_portal() -> list[DemoPortalLogin]:
    case = demo_case(1)
    coordinator = case.coordinator
    if coordinator is None:  # the demo case always has one; a changed seeder must keep it
        raise RuntimeError("demo case 1 has no coordinator")
    mother = Guardian.objects.filter(youth=case.youth, first_name="Hodan").first()
    wanted: list[tuple[str, str, Guardian | None, str]] = [
        ("ung.adam", AccountKind.YOUTH, None, "Adam (ungdomen, 16 år)"),
    ]
    if mother is not None:
        wanted.append(("vh.hodan", AccountKind.GUARDIAN, mother, "Hodan (Adams mamma)"))
    logins = []
    for username, kind, guardian, who in wanted:
        if not PortalAccount.objects.filter(username=username).exists():
            _invitation, code = access.invitation_create(
                actor=coordinator, case=case, kind=kind, guardian=guardian
            )
            access.invitation_redeem(
                code=code,
                username=username,
                password=DEMO_PASSWORD,
                password_again=DEMO_PASSWORD,
                pin=DEMO_PIN,
                pin_again=DEMO_PIN,
                ip=None,
            )
        logins.append(DemoPortalLogin(username=username, who=who))
    return logins
