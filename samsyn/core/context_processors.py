from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from samsyn.cases.worklist import agenda_allowed
from samsyn.organisations.models import Role
from samsyn.portal.voice_selectors import feedback_access


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the header shows: the links a signed-in, verified person may use."""
    user = getattr(request, "user", None)
    verified = bool(user and user.is_authenticated and user.is_verified())
    return {
        "nav_verified": verified,
        "nav_is_admin": verified and (user.is_superuser or user.has_role(Role.ADMINISTRATOR)),  # type: ignore[union-attr]
        "nav_agenda": verified and agenda_allowed(user),  # type: ignore[arg-type]
        # Called by the template only where the menu is drawn: one query, none elsewhere.
        "nav_feedback": lambda: verified and feedback_access(viewer=user),  # type: ignore[arg-type]
        "nav_evaluations": verified and user.has_role(Role.STEERING),  # type: ignore[union-attr]
        # The follow-up pages: the styrgrupp's own municipality, a national coordinator's all.
        "nav_followup": verified and (user.has_role(Role.STEERING) or user.has_role(Role.NATIONAL)),  # type: ignore[union-attr]
        "session_timeout_minutes": settings.SESSION_TIMEOUT_MINUTES,
        "portal_pin_idle_minutes": settings.PORTAL_PIN_IDLE_MINUTES,
        "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
