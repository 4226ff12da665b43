"""The start page per role, the health check and the error pages."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticToken

from samsyn.cases.selectors import consents_expiring
from samsyn.cases.worklist import agenda_allowed, overdue_count
from samsyn.lib.http import AuthedHttpRequest
from samsyn.organisations import selectors
from samsyn.organisations.models import Person, Role
from samsyn.reminders.selectors import reminder_count

logger = logging.getLogger("samsyn.health")

EXPIRY_REMINDER_DAYS = 30


@login_required
def start(request: AuthedHttpRequest) -> HttpResponse:
    person: Person = selectors.people_with_roles().get(pk=request.user.pk)
    policy = selectors.policy_for_person(person=person)
    organisations = list(selectors.organisations_in_area(person=person))
    context = {
        "person": person,
        "policy": policy,
        "organisations": organisations,
        "missing_kinds": selectors.missing_actor_kinds(policy=policy, organisations=organisations),
        "coordinators": [
            p
            for org in organisations
            for p in org.people.all()
            if p.has_role(Role.COORDINATOR) and p.pk != person.pk
        ],
        "recovery_left": StaticToken.objects.filter(device__user=person).count(),
        "is_admin": person.has_role(Role.ADMINISTRATOR),
        "is_coordinator": person.has_role(Role.COORDINATOR) or person.has_role(Role.CASE_OFFICER),
        "is_actor": person.has_role(Role.ACTOR_REPRESENTATIVE),
        "is_manager": person.has_role(Role.MANAGER),
        "is_steering": person.has_role(Role.STEERING),
        "expiring_consents": consents_expiring(viewer=person, within_days=EXPIRY_REMINDER_DAYS),
        "expiry_days": EXPIRY_REMINDER_DAYS,
        "overdue_cases": overdue_count(viewer=person) if person.organisation_id else 0,
        "agenda_allowed": agenda_allowed(person),
        "reminder_count": reminder_count(viewer=person, today=timezone.localdate()),
        "todo": selectors.admin_todo(viewer=person)
        if person.has_role(Role.ADMINISTRATOR)
        else None,
    }
    return render(request, "core/start.html", context)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Load balancers ask this; it answers 200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database or the session may be what failed.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form that outlived its session (or a forged one): explain it in plain Swedish."""
    return render(request, "csrf_failure.html", status=403)
