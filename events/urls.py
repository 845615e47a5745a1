from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.info_day_list, name="info_day_list"),
]
