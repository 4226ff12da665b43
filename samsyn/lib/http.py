"""Request types for views behind the sign-in: `request.user` is a staff Person there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from samsyn.organisations.models import Person


class AuthedHttpRequest(HttpRequest):
    """Annotate views wrapped in `login_required` with this, so `request.user` is a Person."""

    user: Person
    htmx: HtmxDetails
