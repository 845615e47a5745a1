from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("mke/", views.staff_home, name="staff_home"),
    path("tamogato/", views.funder_home, name="funder_home"),
    path("mutatok/letoltes/", views.indicator_export, name="indicator_export"),
    path("jelenlet/", views.attendance_list, name="attendance_list"),
]
