from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "samsyn.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
