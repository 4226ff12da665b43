"""The portal for youths and guardians, at /ung/. Each part has its own module."""

from django.urls import path

from samsyn.portal import access_views, content_views, voice_views

app_name = "portal"

urlpatterns = [
    # Access: invitation, sign-in, PIN, start page and "what is a SIG" (access_views).
    path("", access_views.start, name="start"),
    path("inbjudan/", access_views.redeem, name="redeem"),
    path("logga-in/", access_views.login, name="login"),
    path("las-upp/", access_views.unlock, name="unlock"),
    path("logga-ut/", access_views.logout, name="logout"),
    path("om-sig/", access_views.about, name="about"),
    # What the youth or guardian reads and controls (content_views).
    path("plan/", content_views.plan, name="plan"),
    path("moten/", content_views.meetings, name="meetings"),
    path("moten/<uuid:meeting_code>/", content_views.meeting, name="meeting"),
    path(
        "moten/<uuid:meeting_code>/kalender.ics",
        content_views.meeting_calendar,
        name="meeting_calendar",
    ),
    path("samtycken/", content_views.consents, name="consents"),
    path(
        "samtycken/<uuid:consent_code>/ta-tillbaka/",
        content_views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("samtycken/vardnadshavare/", content_views.guardian_share, name="guardian_share"),
    path("vem-har-sett/", content_views.seen, name="seen"),
    # Saying what you think: feedback and the evaluation (voice_views).
    path("tyck-till/", voice_views.feedback, name="feedback"),
    path("utvardering/", voice_views.evaluation, name="evaluation"),
]
