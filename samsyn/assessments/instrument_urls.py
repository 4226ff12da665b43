"""Mounted under /administration/instrument/: the shared list of instruments (superusers)."""

from django.urls import path

from samsyn.assessments import instrument_views

app_name = "instruments"

urlpatterns = [
    path("", instrument_views.instrument_list, name="list"),
    path("nytt/", instrument_views.instrument_create, name="create"),
    path("<uuid:code>/", instrument_views.instrument_edit, name="edit"),
]
