"""Mounted under /arenden/<code>/uppfoljning/: the individual follow-up of one case."""

from django.urls import path

from samsyn.followup import case_views

app_name = "followup_case"

urlpatterns = [
    path("", case_views.overview, name="overview"),
    path("diagram.svg", case_views.chart, name="chart"),
]
