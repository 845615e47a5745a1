from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.info_day_list, name="info_day_list"),
    path("attekintes/", views.overview, name="overview"),
    path("<slug:kind>/<int:pk>/kezeles/", views.manage, name="manage"),
    path("<slug:kind>/<int:pk>/jelentkezes/", views.registration_toggle, name="registration_toggle"),
    path("<slug:kind>/<int:pk>/ferohely/", views.capacity, name="capacity"),
    path("<slug:kind>/<int:pk>/lemondas/", views.cancel, name="cancel"),
]
