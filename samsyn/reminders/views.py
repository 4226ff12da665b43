"""The "Att göra" page: the signed-in person's own reminders, nobody else's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from samsyn.lib.http import AuthedHttpRequest
from samsyn.reminders.selectors import (
    has_case_role,
    portal_notices_for_viewer,
    reminders_for_viewer,
)


@login_required
def dashboard(request: AuthedHttpRequest) -> HttpResponse:
    viewer = request.user
    today = timezone.localdate()
    groups = reminders_for_viewer(viewer=viewer, today=today)
    return render(
        request,
        "reminders/dashboard.html",
        {
            "groups": groups,
            "today": today,
            "takes_part": has_case_role(viewer),
            "notices": portal_notices_for_viewer(viewer=viewer),
        },
    )
