from django.urls import path

from samsyn.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("kommuner/ny/", views.municipality_create, name="municipality_create"),
    path("kommuner/<uuid:code>/ny-stadsdel/", views.district_create, name="district_create"),
    path("stadsdelar/<uuid:code>/", views.district_edit, name="district_edit"),
    path(
        "stadsdelar/<uuid:code>/egna-riktlinjer/",
        views.district_policy_create,
        name="district_policy_create",
    ),
    path("riktlinjer/<uuid:code>/", views.policy_edit, name="policy_edit"),
    path("riktlinjer/<uuid:code>/ta-bort/", views.policy_remove, name="policy_remove"),
    path("organisationer/", views.organisation_list, name="organisation_list"),
    path("organisationer/ny/", views.organisation_create, name="organisation_create"),
    path("organisationer/<uuid:code>/", views.organisation_edit, name="organisation_edit"),
    path("personer/", views.person_list, name="person_list"),
    path("personer/ny/", views.person_create, name="person_create"),
    path("personer/<uuid:code>/", views.person_edit, name="person_edit"),
    path("personer/<uuid:code>/losenord/", views.person_password, name="person_password"),
    path(
        "personer/<uuid:code>/aterstall-tvastegs/",
        views.person_second_factor_reset,
        name="person_second_factor_reset",
    ),
    path(
        "personer/<uuid:code>/logga-ut-overallt/",
        views.person_sessions_end,
        name="person_sessions_end",
    ),
]
