from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("kitoltes/<str:token>/", views.answer, name="answer"),
    path("", views.results, name="results"),
    path("szerkesztes/", views.edit, name="edit"),
    path("<slug:kind>/<int:pk>/", views.event_detail, name="event"),
    path("<slug:kind>/<int:pk>/papir/", views.paper_entry, name="paper_entry"),
    path("<slug:kind>/<int:pk>/nem-valaszoltak/", views.non_respondents, name="non_respondents"),
]
