from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "samsyn.api"
    label = "api"
    verbose_name = "API"
