from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path("koordinator/", views.coordinator_home, name="coordinator_home"),
    path("", views.participant_list, name="participant_list"),
    path("uj/", views.participant_create, name="participant_create"),
    path("<int:pk>/", views.participant_detail, name="participant_detail"),
    path("<int:pk>/modositas/", views.participant_edit, name="participant_edit"),
    path("esemenykereso/", views.event_search, name="event_search"),
    path("jelentkezesek/", views.registration_list, name="registration_list"),
    path("jelentkezesek/kijeloltek/", views.registration_bulk, name="registration_bulk"),
    path("jelentkezesek/<int:pk>/lemondas/", views.registration_cancel, name="registration_cancel"),
]
urlpatterns += [
    path("betoltes/", views.import_upload, name="import_upload"),
    path("betoltes/minta/", views.import_template, name="import_template"),
    path("betoltes/<str:token>/", views.import_preview, name="import_preview"),
]
