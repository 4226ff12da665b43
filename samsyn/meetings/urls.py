from django.urls import path

from samsyn.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("nytt/", views.meeting_plan, name="plan"),
    path("<uuid:meeting_code>/", views.meeting_detail, name="detail"),
    path("<uuid:meeting_code>/kallelse.ics", views.meeting_calendar, name="ics"),
    path("<uuid:meeting_code>/kalla/", views.meeting_invite, name="invite"),
    path("<uuid:meeting_code>/forberedelse/", views.meeting_prepare, name="prepare"),
    path("<uuid:meeting_code>/genomfort/", views.meeting_record, name="record"),
    path("<uuid:meeting_code>/beslut/", views.meeting_decide, name="decide"),
    path("<uuid:meeting_code>/uppfoljning/", views.meeting_follow_up, name="follow_up"),
    path("<uuid:meeting_code>/stall-in/", views.meeting_cancel, name="cancel"),
]
