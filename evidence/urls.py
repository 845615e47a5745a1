from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("alairas/<slug:kind>/<int:pk>/resztvevo/<int:registration_pk>/", views.sign_participant, name="sign_participant"),
    path("alairas/<slug:kind>/<int:pk>/iv/<slug:role>/", views.sign_register, name="sign_register"),
    path("beolvasott-iv/<int:report_pk>/", views.upload_scan, name="upload_scan"),
    path("beolvasott-iv/<int:report_pk>/letoltes/", views.download_scan, name="download_scan"),
]
