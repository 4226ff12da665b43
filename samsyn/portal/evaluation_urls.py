"""The youths' evaluations, aggregated with small counts suppressed (styrgrupp/analytiker)."""

from django.urls import path

from samsyn.portal import evaluation_views

app_name = "evaluations"

urlpatterns = [
    path("", evaluation_views.report, name="report"),
]
