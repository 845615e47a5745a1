from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("mke/", views.staff_home, name="staff_home"),
    path("tamogato/", views.funder_home, name="funder_home"),
]
