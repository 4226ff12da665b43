"""Reads for the webhook pages: everything scoped to the municipalities the viewer administers."""

from __future__ import annotations

from django.db.models import QuerySet

from samsyn.lib.lookup import get_by_code_or_404
from samsyn.organisations import selectors as organisations
from samsyn.organisations.models import Organisation, Person
from samsyn.webhooks.models import Delivery, Webhook

RECENT_DELIVERIES = 50


def webhook_list_for_admin(*, viewer: Person) -> QuerySet[Webhook]:
    """The webhooks of the organisations in the municipalities the viewer administers."""
    return Webhook.objects.filter(
        organisation__municipality__in=organisations.admin_municipalities(viewer=viewer)
    ).select_related("organisation", "organisation__municipality", "created_by")


def webhook_get_for_admin(*, viewer: Person, code: object) -> Webhook:
    """404 for everyone who does not administer the webhook's municipality."""
    return get_by_code_or_404(webhook_list_for_admin(viewer=viewer), code)


def organisations_for_webhooks(*, viewer: Person) -> QuerySet[Organisation]:
    return organisations.organisation_list_for_admin(viewer=viewer).filter(is_active=True)


def recent_deliveries(*, webhook: Webhook) -> list[Delivery]:
    return list(webhook.deliveries.order_by("-created_at", "-pk")[:RECENT_DELIVERIES])
