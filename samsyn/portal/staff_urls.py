"""The coordinator's side of the portal, on the case: invitations, accounts, resets, notices."""

from django.urls import path

from samsyn.portal import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("", staff_views.overview, name="overview"),
    path("inbjudan/", staff_views.invite, name="invite"),
    path(
        "inbjudan/<uuid:invitation_code>/aterkalla/",
        staff_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("konto/<uuid:account_code>/aterstall/", staff_views.account_reset, name="account_reset"),
    path("meddelanden/<uuid:notice_code>/last/", staff_views.notice_read, name="notice_read"),
]
