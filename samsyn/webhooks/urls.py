from django.urls import path

from samsyn.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("<uuid:code>/", views.webhook_detail, name="detail"),
    path("<uuid:code>/aktiv/", views.webhook_toggle, name="toggle"),
    path("<uuid:code>/ta-bort/", views.webhook_delete, name="delete"),
]
