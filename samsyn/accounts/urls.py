from django.urls import path

from samsyn.accounts import views

app_name = "accounts"

urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("verifiera/", views.verify, name="verify"),
    path("aktivera/", views.enrol, name="enrol"),
    path("logga-ut/", views.logout_view, name="logout"),
    path("", views.account, name="account"),
    path("logga-ut-overallt/", views.logout_everywhere, name="logout_everywhere"),
    path("reservkoder/", views.recovery_codes_new, name="recovery_codes"),
    path("losenord/", views.PasswordChangeView.as_view(), name="password_change"),
]
