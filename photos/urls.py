from django.urls import path

from . import views

app_name = "photos"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("kep/<int:pk>/", views.photo_image, name="image"),
    path("kep/<int:pk>/torles/", views.photo_delete, name="delete"),
    path("kep/<int:pk>/beszamolo/", views.photo_pick, name="pick"),
    path("<slug:kind>/<int:pk>/", views.event_photos, name="event"),
]
