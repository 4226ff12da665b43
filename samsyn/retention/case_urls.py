from django.urls import path

from samsyn.retention import views

app_name = "retention_case"

urlpatterns = [
    path("", views.case_hold, name="hold"),
    path("hav/", views.case_hold_lift, name="hold_lift"),
]
