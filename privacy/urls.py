from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("duplikatumok/", views.duplicate_list, name="duplicate_list"),
    path("duplikatumok/<int:pk>/", views.duplicate_detail, name="duplicate_detail"),
]

urlpatterns += [
    path("szemely/<int:pk>/", views.person_privacy, name="person"),
    path("szemely/<int:pk>/kivonat.json", views.person_export_json, name="person_export_json"),
    path("szemely/<int:pk>/kivonat.pdf", views.person_export_pdf, name="person_export_pdf"),
    path("hozzaferesi-naplo/", views.access_log, name="access_log"),
]
