from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox_list, name="outbox"),
    path("<int:pk>/ujrakuldes/", views.resend, name="resend"),
    path("leiratkozas/<str:token>/", views.opt_out, name="opt_out"),
]
