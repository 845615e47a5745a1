from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path("koordinator/", views.coordinator_home, name="coordinator_home"),
]
