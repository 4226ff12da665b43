from django.urls import include, path

from samsyn.api.api import api
from samsyn.core import views as core_views

urlpatterns = [
    path("", include("samsyn.core.urls")),
    path("konto/api-nycklar/", include("samsyn.api.urls")),
    path("konto/", include("samsyn.accounts.urls")),
    path("administration/kategorier/", include("samsyn.consent.category_urls")),
    path("administration/instrument/", include("samsyn.assessments.instrument_urls")),
    path("administration/gallring/", include("samsyn.retention.urls")),
    path("administration/webhooks/", include("samsyn.webhooks.urls")),
    path("administration/", include("samsyn.organisations.urls")),
    path("granskningslogg/", include("samsyn.audit.urls")),
    path("dataskydd/", include("samsyn.dataprotection.urls")),
    path("arenden/", include("samsyn.cases.urls")),
    path("paminnelser/", include("samsyn.reminders.urls")),
    path("arenden/<uuid:code>/", include("samsyn.consent.urls")),
    path("arenden/<uuid:code>/bedomning/", include("samsyn.assessments.urls")),
    path("arenden/<uuid:code>/plan/", include("samsyn.plans.urls")),
    path("arenden/<uuid:code>/moten/", include("samsyn.meetings.urls")),
    path("arenden/<uuid:code>/uppfoljning/", include("samsyn.followup.case_urls")),
    path("arenden/<uuid:code>/portal/", include("samsyn.portal.staff_urls")),
    path("arenden/<uuid:code>/bevarande/", include("samsyn.retention.case_urls")),
    path("arenden/<uuid:code>/uppgift/", include("samsyn.rectification.urls")),
    path("synpunkter/", include("samsyn.portal.feedback_urls")),
    path("uppfoljning/utvardering/", include("samsyn.portal.evaluation_urls")),
    path("uppfoljning/", include("samsyn.followup.urls")),
    path("import/", include("samsyn.imports.urls")),
    path("ung/", include("samsyn.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
]

handler404 = "samsyn.core.views.not_found"
handler403 = "samsyn.core.views.forbidden"
handler500 = "samsyn.core.views.server_error"
