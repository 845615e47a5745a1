from django.urls import path

from . import views

app_name = "trainings"

urlpatterns = [
    path("oktato/", views.trainer_home, name="trainer_home"),
    path("", views.course_list, name="course_list"),
    path("<int:pk>/", views.course_detail, name="course_detail"),
    path("<int:pk>/haladas/", views.course_progress, name="course_progress"),
    path("<int:pk>/linkek/", views.issue_links, name="issue_links"),
    path("linkek/<int:pk>/visszavonas/", views.revoke_link, name="revoke_link"),
    path("jelenlet/", views.register_overview, name="register_overview"),
    path("jelenlet/foglalkozas/<int:pk>/", views.session_register, name="session_register"),
    path("jelenlet/informacios-nap/<int:pk>/", views.info_day_register, name="info_day_register"),
    path("tananyag/<str:token>/", views.material_home, name="material_home"),
    path("tananyag/<str:token>/lecke/<int:lesson_pk>/", views.material_lesson, name="material_lesson"),
]
