from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "samsyn.portal"
    label = "portal"
    verbose_name = _("Portalen för ungdomar och vårdnadshavare")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from samsyn.portal.signals import end_portal_session

        user_logged_in.connect(end_portal_session, dispatch_uid="portal-end-on-staff-login")
