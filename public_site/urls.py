"""The public programme site: no login, Hungarian, in the portal's own URL space."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.programme, name="programme"),
    path("informacios-napok/", views.info_day_list, name="info_days"),
    path("informacios-napok/<int:pk>/", views.info_day_detail, name="info_day"),
    path("informacios-napok/<int:pk>/naptar.ics", views.info_day_ics, name="info_day_ics"),
    path("kepzo-intezmenyek/", views.course_list, name="courses"),
    path("kepzo-intezmenyek/<int:pk>/", views.course_detail, name="course"),
    path("kepzo-intezmenyek/<int:pk>/naptar.ics", views.course_ics, name="course_ics"),
    path("naptar.ics", views.calendar_feed, name="calendar"),
    path("adatkezelesi-tajekoztato/", views.privacy, name="privacy"),
    path("akadalymentessegi-nyilatkozat/", views.accessibility, name="accessibility"),
]

urlpatterns += [
    path("tanusitvany/", views.certificate_lookup, name="certificate_lookup"),
    path("tanusitvany/<str:code>/", views.certificate_detail, name="certificate"),
    path("tanusitvany/<str:code>/visszavonas/", views.certificate_revoke, name="certificate_revoke"),
]

urlpatterns += [
    path("jelentkezes/megerosites/<str:token>/", views.confirm, name="confirm"),
    path("jelentkezes/ujra/<str:token>/", views.rejoin, name="rejoin"),
    path("sajat-oldal/<str:token>/", views.personal, name="personal"),
    path("sajat-oldal/<str:token>/lemondas/<int:pk>/", views.personal_cancel, name="personal_cancel"),
    path("sajat-oldal/<str:token>/tanusitvany/<int:pk>/", views.personal_certificate, name="personal_certificate"),
    path("sajat-oldal/<str:token>/adataim/", views.personal_data, name="personal_data"),
]
