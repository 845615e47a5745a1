from django.urls import path

from . import document_views as views

app_name = "report_documents"

urlpatterns = [
    path("", views.documents_home, name="home"),
    path("keszites/", views.generate, name="generate"),
    path("archivum/", views.archive_list, name="archive"),
    path("archivum/<int:pk>/", views.detail, name="detail"),
    path("archivum/<int:pk>/allapot/", views.status, name="status"),
    path("archivum/<int:pk>/ujraprobalas/", views.retry, name="retry"),
    path("archivum/<int:pk>/letoltes/", views.download, name="download"),
    path("archivum/<int:pk>/veglegesites/", views.finalise, name="finalise"),
    path("archivum/<int:pk>/torles/", views.delete, name="delete"),
    path("kepzes/<int:course_pk>/tanusitvanyok/", views.course_certificates, name="course_certificates"),
]
