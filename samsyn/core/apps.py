from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samsyn.core"
    label = "core"
