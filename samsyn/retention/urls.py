from django.urls import path

from samsyn.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<uuid:code>/regler/<str:kind>/", views.rule_edit, name="rule_edit"),
    path("<uuid:code>/bevara/", views.hold_set, name="hold_set"),
    path("arenden/<uuid:code>/hav-bevarande/", views.hold_lift, name="hold_lift"),
]
