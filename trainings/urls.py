from django.urls import path

from . import views

app_name = "trainings"

urlpatterns = [
    path("oktato/", views.trainer_home, name="trainer_home"),
]
