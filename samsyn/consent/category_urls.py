from django.urls import path

from samsyn.consent import category_views

app_name = "categories"

urlpatterns = [
    path("", category_views.category_list, name="list"),
    path("<slug:slug>/", category_views.category_edit, name="edit"),
]
