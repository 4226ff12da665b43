"""Mounted under /arenden/<code>/plan/: the action plan, its PDFs, and the interventions."""

from django.urls import path

from samsyn.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("mal/", views.plan_save, name="plan_save"),
    path("delmal/nytt/", views.subgoal_create, name="subgoal_create"),
    path("delmal/andra/", views.subgoal_edit, name="subgoal_edit"),
    path("delmal/ta-bort/", views.subgoal_remove, name="subgoal_remove"),
    path("delmal/uppfoljning/", views.goal_review, name="goal_review"),
    path("aktivitet/ny/", views.activity_create, name="activity_create"),
    path("aktivitet/klar/", views.activity_done, name="activity_done"),
    path("godkann/", views.agree, name="agree"),
    path("insatser/", views.interventions, name="interventions"),
    path("ungdomens-plan.pdf", views.youth_pdf, name="youth_pdf"),
    path("plan.pdf", views.plan_pdf, name="plan_pdf"),
]
