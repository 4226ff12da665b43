from django.urls import path

from samsyn.api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.tokens, name="list"),
    path("<uuid:code>/aterkalla/", views.revoke, name="revoke"),
]
