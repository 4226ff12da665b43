"""Follow-up at /uppfoljning/: the operational report (one municipality, one district, or the
national view), its exports and charts, costs and benefits, the needs inventory. Each part is
in its own module; see the modules for who may see what."""

from django.urls import path

from samsyn.followup import chart_views, cost_views, needs_views, pdf_views, report_views

app_name = "followup"

urlpatterns = [
    path("", report_views.report, name="report"),
    path("export.csv", report_views.export_csv, name="export_csv"),
    path("export.xlsx", report_views.export_xlsx, name="export_xlsx"),
    path("rapport.pdf", pdf_views.export_pdf, name="export_pdf"),
    path("diagram/<slug:key>.svg", chart_views.chart, name="chart"),
    path("kostnader/", cost_views.costs, name="costs"),
    path("behov/", needs_views.needs, name="needs"),
    path("behov/importera/", needs_views.needs_import, name="needs_import"),
]
