"""Feedback from the portal, for the person it was routed to (outside the youth's group)."""

from django.urls import path

from samsyn.portal import feedback_views

app_name = "feedback"

urlpatterns = [
    path("", feedback_views.inbox, name="inbox"),
    path("<uuid:code>/", feedback_views.detail, name="detail"),
    path("<uuid:code>/lyft/", feedback_views.escalate, name="escalate"),
]
