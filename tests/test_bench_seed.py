"""The benchmark's data set: sized as asked, deterministic, coherent enough for every page
the benchmark measures, and never poured into a database that already holds cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q
from django.urls import reverse

from bench import seed
from samsyn.audit.models import AuditRecord, AuditSeal
from samsyn.audit.services import audit_seal, audit_verify
from samsyn.cases.models import Case, CaseMember, CaseState
from samsyn.consent.models import Consent
from samsyn.meetings.models import Meeting
from samsyn.organisations.models import Municipality
from samsyn.plans.models import Activity, PlanVersion, SubGoal
from tests.conftest import sign_in_client

TODAY = date(2026, 12, 5)
SCALE = 0.004  # 200 youths


def test_sizes_follow_the_scale() -> None:
    full = seed.Sizes.at(1)
    assert (full.municipalities, full.youths, full.meetings) == (290, 50_000, 500_000)
    assert (full.plan_items, full.consents, full.audit) == (1_000_000, 300_000, 5_000_000)
    assert seed.Sizes.at(2).municipalities == 290  # Sweden has 290, whatever the scale
    with pytest.raises(ValueError, match="större än 0"):
        seed.Sizes.at(0)


@pytest.mark.django_db
def test_same_seed_same_rows_other_seed_other_rows() -> None:
    first = seed.digest(scale=SCALE, seed=7, today=TODAY)
    assert seed.digest(scale=SCALE, seed=7, today=TODAY) == first
    assert seed.digest(scale=SCALE, seed=8, today=TODAY) != first
    assert not Case.objects.exists()  # a dry run writes nothing


@pytest.mark.django_db
def test_seeded_data_is_sized_coherent_and_readable(client) -> None:  # type: ignore[no-untyped-def]
    sizes = seed.Sizes.at(SCALE)
    written = seed.seed(scale=SCALE, today=TODAY, fast=False)

    assert Municipality.objects.count() == sizes.municipalities
    assert Case.objects.count() == sizes.youths == written["cases.Case"]
    assert abs(Meeting.objects.count() - sizes.meetings) <= 0.1 * sizes.meetings
    items = SubGoal.objects.count() + Activity.objects.count()
    assert abs(items - sizes.plan_items) <= 0.1 * sizes.plan_items
    assert abs(Consent.objects.count() - sizes.consents) <= 0.15 * sizes.consents
    assert abs(AuditRecord.objects.count() - sizes.audit) <= 0.02 * sizes.audit

    # Every state of the lifecycle that a running service holds is there.
    states = set(Case.objects.values_list("state", flat=True))
    assert {CaseState.ACTIVE, CaseState.CLOSED, CaseState.FOLLOWED_UP} <= states
    # The coordinator is a member of every case, and the cases are in its municipality.
    assert not Case.objects.exclude(members__person=F("coordinator")).exists()
    assert not Case.objects.exclude(youth__municipality=F("municipality")).exists()
    # Running cases have a live consent from the owner today, and an agreed plan whose
    # snapshot names the plan's own sub-goals.
    active = Case.objects.filter(state=CaseState.ACTIVE)
    assert active.exists()
    live = Q(
        consents__releasing_organisation=F("owner"),
        consents__given_on__lte=TODAY,
        consents__valid_until__gte=TODAY,
        consents__revoked_at__isnull=True,
    )
    assert not active.exclude(live).exists()
    version = PlanVersion.objects.select_related("plan").first()
    assert version is not None
    codes = {g["code"] for g in version.snapshot["subgoals"]}
    assert codes == {
        str(c) for c in SubGoal.objects.filter(plan=version.plan).values_list("code", flat=True)
    }
    # Audit records carry their real hashes in time order: the seal and the verify agree.
    ordered = list(AuditRecord.objects.order_by("id").values_list("at", flat=True)[:500])
    assert ordered == sorted(ordered)
    assert AuditSeal.objects.exists()  # sealed as a running log would be
    audit_seal(grace=timedelta(0))
    result = audit_verify()
    assert result.ok, result.reason

    # The pages the benchmark measures open for the busiest coordinator.
    busiest = (
        CaseMember.objects.filter(case__state=CaseState.ACTIVE, case__coordinator=F("person"))
        .values("person")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    case = active.filter(coordinator=busiest["person"]).first()
    assert case is not None
    sign_in_client(client, case.coordinator)
    for url in (
        reverse("cases:list"),
        reverse("cases:detail", args=[case.code]),
        reverse("plans:plan", args=[case.code]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    plan_page = client.get(reverse("plans:plan", args=[case.code])).content.decode()
    goal = SubGoal.objects.filter(case=case).first()
    assert goal is not None and goal.goal in plan_page


@pytest.mark.django_db
def test_refuses_a_database_that_holds_cases(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="tom, migrerad databas"):
        call_command("bench_seed", "--scale", "0.001")
