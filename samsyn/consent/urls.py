"""Mounted under /arenden/<code>/: the consents of one case and who saw its data."""

from django.urls import path

from samsyn.consent import views

app_name = "consent"

urlpatterns = [
    path("samtycken/", views.consent_list, name="list"),
    path("samtycken/nytt/", views.consent_create, name="create"),
    path("samtycken/blankett.pdf", views.blank_form_pdf, name="blank_form_pdf"),
    path("samtycken/<uuid:consent_code>/blankett.pdf", views.consent_form_pdf, name="form_pdf"),
    path("samtycken/<uuid:consent_code>/dokument/", views.consent_document, name="document"),
    path("samtycken/<uuid:consent_code>/fornya/", views.consent_renew, name="renew"),
    path("samtycken/<uuid:consent_code>/aterkalla/", views.consent_revoke, name="revoke"),
    path("utlamnanden/", views.disclosures, name="disclosures"),
    path("utlamnanden.csv", views.disclosures_csv, name="disclosures_csv"),
]
