"""Mounted under /arenden/<code>/bedomning/: screening, risk assessment and measurements."""

from django.urls import path

from samsyn.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("risk-och-skydd/ny/", views.assessment_create, name="assessment_create"),
    path("matning/ny/", views.measurement_create, name="measurement_create"),
]
