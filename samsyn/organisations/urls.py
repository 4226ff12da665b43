from django.urls import path

from samsyn.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("organisationer/", views.organisation_list, name="organisation_list"),
    path("personer/", views.person_list, name="person_list"),
]
