from django.urls import path

from . import views

app_name = "setup"

urlpatterns = [
    path("", views.home, name="home"),
    path("informacios-napok/uj/", views.info_day_create, name="info_day_create"),
    path("informacios-napok/<int:pk>/", views.info_day_edit, name="info_day_edit"),
    path("kepzesi-helyszinek/uj/", views.site_create, name="site_create"),
    path("kepzesi-helyszinek/<int:pk>/", views.site_edit, name="site_edit"),
    path("kepzesek/uj/", views.course_create, name="course_create"),
    path("kepzesek/<int:pk>/", views.course_edit, name="course_edit"),
    path("koordinatorok-es-oktatok/uj/", views.account_create, name="account_create"),
    path("koordinatorok-es-oktatok/<int:pk>/", views.account_edit, name="account_edit"),
]
