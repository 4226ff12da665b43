from django.urls import path

from samsyn.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("nytt/", views.case_create, name="create"),
    path("<uuid:code>/", views.case_detail, name="detail"),
    path("<uuid:code>/vardnadshavare/", views.guardian_add, name="guardian_add"),
    path("<uuid:code>/deltagare/", views.member_add, name="member_add"),
    path("<uuid:code>/deltagare/ta-bort/", views.member_remove, name="member_remove"),
    path("<uuid:code>/anteckningar/", views.note_create, name="note_create"),
]
