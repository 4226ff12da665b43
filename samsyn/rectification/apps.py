from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "samsyn.rectification"
    label = "rectification"
    verbose_name = _("Rättelse och begränsning")
