from django.urls import path

from samsyn.dataprotection import views

app_name = "dataprotection"

urlpatterns = [
    path("registerutdrag/", views.register_extract, name="register_extract"),
    path("arende/<uuid:code>/export/", views.case_export, name="case_export"),
]
