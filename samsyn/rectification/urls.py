"""Mounted under /arenden/<code>/uppgift/: correcting and restricting one item of the case."""

from django.urls import path

from samsyn.rectification import views

app_name = "rectification"

urlpatterns = [
    path("<slug:kind>/<uuid:item_code>/", views.item_detail, name="item"),
    path("<slug:kind>/<uuid:item_code>/ratta/", views.item_correct, name="correct"),
    path("<slug:kind>/<uuid:item_code>/begransa/", views.item_restrict, name="restrict"),
    path("<slug:kind>/<uuid:item_code>/hav-begransning/", views.item_lift, name="lift"),
]
