from django.urls import path

from samsyn.reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
