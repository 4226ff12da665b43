"""Follow-up at /uppfoljning/: the operational report, costs, needs inventory, the national
view (each part in its own module; see the modules for who may see what)."""

from django.urls import path

from samsyn.followup import report_views

app_name = "followup"

urlpatterns = [
    path("", report_views.report, name="report"),
    path("export.csv", report_views.export_csv, name="export_csv"),
    path("export.xlsx", report_views.export_xlsx, name="export_xlsx"),
]
