"""The people the load signs in as, made before the run through the project's services.

Run in the orchestrator after `django.setup()`, on the demo data (`seed_demo`):

- staff: one account per simulated staff member (a TOTP code is accepted once per 30-second
  step and account, so people signing in at the same moment need accounts of their own),
  modelled on the demo's case officer, police officer and school counsellor: same
  organisation and roles, made by the municipality's administrator (`person_create`), a
  confirmed authenticator, and taken into three ongoing cases of Rinkeby-Kista by the case's
  coordinator (`member_add`);
- youths and guardians: portal accounts made the way the portal makes them, an invitation
  from the coordinator redeemed with a username, password and PIN; several simulated youths
  may share one (a phone and a laptop), portal sign-in has no one-time code.

Idempotent: on a kept database the accounts made by an earlier run are used again.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from load.scenario import STAFF_WEIGHT, YOUTH_WEIGHT
from samsyn.accounts.services import TOTP_DEVICE_NAME
from samsyn.cases import services as cases
from samsyn.cases.lifecycle import ENDED
from samsyn.cases.models import Case, CaseState, Guardian, GuardianRole
from samsyn.organisations import services as organisations
from samsyn.organisations.models import Person, Role
from samsyn.portal import account_services as portal
from samsyn.portal.models import AccountKind, PortalAccount

# Throwaway database only: the orchestrator drops it (or keeps it with --keep, on loopback).
PASSWORD = "lasttest-samsyn-2026-!"
PIN = "4826"
CASES_PER_STAFF = 3

# (demo person the account is modelled on, note category its organisation writes in)
STAFF_MODELS = (
    ("handlaggare", "socialtjanst"),
    ("polis", "polis"),
    ("handlaggare", "socialtjanst"),
    ("skola", "skola"),
)


@dataclass
class StaffAccount:
    username: str
    totp_key: str
    model: str
    category: str
    cases: list[str] = field(default_factory=list)


@dataclass
class YouthAccount:
    username: str
    kind: str


@dataclass
class Accounts:
    password: str
    pin: str
    staff: list[StaffAccount]
    youths: list[YouthAccount]
    made: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "password": self.password,
            "pin": self.pin,
            "staff": [asdict(a) for a in self.staff],
            "youths": [asdict(a) for a in self.youths],
        }


def split(users: int) -> tuple[int, int]:
    """How many of `users` locust makes staff and youths (by the classes' weights), rounded up
    for staff: an account too many costs nothing, one too few makes two people share a code."""
    staff = math.ceil(users * STAFF_WEIGHT / (STAFF_WEIGHT + YOUTH_WEIGHT))
    return staff, max(1, users - staff + 1)


def _administrator(municipality_id: int) -> Person:
    admin = (
        Person.objects.filter(
            is_active=True,
            role_assignments__role=Role.ADMINISTRATOR,
            organisation__municipality_id=municipality_id,
        )
        .order_by("pk")
        .first()
    )
    if admin is None:
        raise RuntimeError("No administrator in the demo municipality (run seed_demo).")
    return admin


def _ongoing_cases(model: Person) -> list[Case]:
    """The model person's ongoing cases with a coordinator, active ones first."""
    found = (
        Case.objects.filter(members__person=model, coordinator__isnull=False)
        .exclude(state__in=ENDED)
        .select_related("coordinator", "youth", "municipality")
        .order_by("pk")
    )
    return sorted(found, key=lambda c: (c.state != CaseState.ACTIVE, c.pk))


def _staff(count: int, made: list[str]) -> list[StaffAccount]:
    models = {u: Person.objects.get(username=u) for u, _c in STAFF_MODELS}
    municipality_id = models["handlaggare"].organisation.municipality_id  # type: ignore[union-attr]
    admin = _administrator(municipality_id)
    ongoing = {u: _ongoing_cases(p) for u, p in models.items()}
    accounts = []
    for i in range(count):
        model_name, category = STAFF_MODELS[i % len(STAFF_MODELS)]
        model = models[model_name]
        username = f"load.s{i:03d}"
        person = Person.objects.filter(username=username).first()
        if person is None:
            person = organisations.person_create(
                actor=admin,
                roles=list(model.role_assignments.values_list("role", flat=True)),
                password=PASSWORD,
                username=username,
                first_name="Last",
                last_name=f"Test {i:03d}",
                title=model.title,
                organisation=model.organisation,
                is_active=True,
            )
            made.append(username)
        device = TOTPDevice.objects.filter(user=person, confirmed=True).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=person, name=TOTP_DEVICE_NAME, confirmed=True)
        # One active case (plan, meetings) and two in earlier states, spread over the cases.
        choices = ongoing[model_name]
        active = [c for c in choices if c.state == CaseState.ACTIVE] or choices
        rest = [c for c in choices if c not in active] or choices
        picked = [active[i % len(active)]]
        for step in range(len(rest)):
            candidate = rest[(i * 2 + step * 5) % len(rest)]
            if candidate not in picked:
                picked.append(candidate)
            if len(picked) == CASES_PER_STAFF:
                break
        for case in picked:
            assert case.coordinator is not None
            cases.member_add(actor=case.coordinator, case=case, person=person)
        accounts.append(
            StaffAccount(
                username=username,
                totp_key=device.key,
                model=model_name,
                category=category,
                cases=[str(c.code) for c in picked],
            )
        )
    return accounts


def _portal_candidates() -> list[tuple[Case, str, Guardian | None]]:
    """Youths and guardians who may get a portal account and have none: the youth of any case
    not declined, and guardians with custody while the youth is under 18."""
    today = timezone.localdate()
    found: list[tuple[Case, str, Guardian | None]] = []
    taken = set(
        PortalAccount.objects.filter(is_active=True).values_list("case_id", "kind", "guardian_id")
    )
    eligible = (
        Case.objects.filter(coordinator__isnull=False, coordinator__is_active=True)
        .exclude(state=CaseState.DECLINED)
        .select_related("youth", "coordinator")
        .order_by("pk")
    )
    for case in eligible:
        if (case.pk, AccountKind.YOUTH, None) not in taken:
            found.append((case, AccountKind.YOUTH, None))
    for case in eligible:
        if case.youth.age(today) >= 18:
            continue
        guardians = Guardian.objects.filter(youth=case.youth).filter(
            Q(role=GuardianRole.LEGAL_REPRESENTATIVE)
            | Q(role=GuardianRole.GUARDIAN, has_custody=True)
        )
        for guardian in guardians.order_by("pk"):
            if (case.pk, AccountKind.GUARDIAN, guardian.pk) not in taken:
                found.append((case, AccountKind.GUARDIAN, guardian))
    return found


def _youths(count: int, made: list[str]) -> list[YouthAccount]:
    existing = list(
        PortalAccount.objects.filter(username__startswith="load.y", is_active=True).order_by(
            "username"
        )
    )
    accounts = [YouthAccount(username=a.username, kind=a.kind) for a in existing[:count]]
    candidates = _portal_candidates() if len(accounts) < count else []
    for case, kind, guardian in candidates[: count - len(accounts)]:
        assert case.coordinator is not None
        _invitation, code = portal.invitation_create(
            actor=case.coordinator, case=case, kind=kind, guardian=guardian
        )
        username = f"load.y{len(existing) + len(made):03d}"
        account = portal.invitation_redeem(
            code=code,
            username=username,
            password=PASSWORD,
            password_again=PASSWORD,
            pin=PIN,
            pin_again=PIN,
            ip="127.0.0.1",
        )
        made.append(account.username)
        accounts.append(YouthAccount(username=account.username, kind=account.kind))
    if not accounts:
        raise RuntimeError("No youth or guardian can get a portal account (run seed_demo).")
    return accounts


def prepare(*, users: int) -> Accounts:
    """Accounts for `users` simulated people (see the module docstring)."""
    staff_count, youth_count = split(users)
    made_staff: list[str] = []
    made_youths: list[str] = []
    staff = _staff(staff_count, made_staff)
    youths = _youths(youth_count, made_youths)
    made = []
    if made_staff:
        made.append(f"{len(made_staff)} staff accounts ({made_staff[0]} …)")
    if made_youths:
        made.append(f"{len(made_youths)} portal accounts ({made_youths[0]} …)")
    return Accounts(password=PASSWORD, pin=PIN, staff=staff, youths=youths, made=made)
