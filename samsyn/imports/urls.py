from django.urls import path

from samsyn.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:kind>/", views.upload, name="upload"),
    path("<slug:kind>/mall.csv", views.template, name="template"),
]
