from django.urls import path

from samsyn.cases import statement_views, views, worklist_views

app_name = "cases"

urlpatterns = [
    path("", worklist_views.worklist_view, name="list"),
    path("beredning/", worklist_views.agenda, name="agenda"),
    path("beredning/<uuid:code>/", worklist_views.recommend, name="recommend"),
    path("<uuid:code>/ta-emot/", worklist_views.receive, name="receive"),
    path("nytt/", views.case_create, name="create"),
    path("<uuid:code>/", views.case_detail, name="detail"),
    path("<uuid:code>/vardnadshavare/", views.guardian_add, name="guardian_add"),
    path("<uuid:code>/deltagare/", views.member_add, name="member_add"),
    path("<uuid:code>/deltagare/ta-bort/", views.member_remove, name="member_remove"),
    path("<uuid:code>/anteckningar/", views.note_create, name="note_create"),
    path("<uuid:code>/forlopp/", views.lifecycle, name="lifecycle"),
    path("<uuid:code>/forlopp/lage/", views.transition, name="transition"),
    path("<uuid:code>/forlopp/information/", views.information, name="information"),
    path("<uuid:code>/forlopp/beslut/", views.decision, name="decision"),
    path("<uuid:code>/forlopp/grupp/", views.group, name="group"),
    path("<uuid:code>/forlopp/mandat/", views.mandate, name="mandate"),
    path("<uuid:code>/forlopp/avslut/", views.close, name="close"),
    path(
        "<uuid:code>/forlopp/uppfoljning/<uuid:followup_code>/",
        views.followup,
        name="followup",
    ),
    path("<uuid:code>/yttrande/", statement_views.statement, name="statement"),
    path("<uuid:code>/yttrande.pdf", statement_views.statement_pdf, name="statement_pdf"),
    path("<uuid:code>/bakgrund/", views.profile, name="profile"),
    path("<uuid:code>/bakgrund/spara/", views.profile_save, name="profile_save"),
    path("<uuid:code>/bakgrund/antal/", views.outcome_save, name="outcome_save"),
    path("<uuid:code>/informationsblad/", views.information_sheet, name="information_sheet"),
    path(
        "<uuid:code>/informationsblad.pdf",
        views.information_sheet_pdf,
        name="information_sheet_pdf",
    ),
]
