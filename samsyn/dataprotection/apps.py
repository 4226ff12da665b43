from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataprotectionConfig(AppConfig):
    name = "samsyn.dataprotection"
    label = "dataprotection"
    verbose_name = _("Dataskydd: export och registerutdrag")
