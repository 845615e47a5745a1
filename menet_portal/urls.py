from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import accounts, views

urlpatterns = [
    path("", include("public_site.urls")),
    path("munkaterulet/", views.home, name="home"),
    # Browsers ask for /favicon.ico whatever the page says: send them to the one in static/.
    path("favicon.ico", views.favicon),
    path("belepes/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("kilepes/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", views.switch_language, name="set_language"),
    path("belepes/zarolasok/", accounts.lockouts, name="lockouts"),
    path("belepes/jelszo/", accounts.password_views["change"], name="password_change"),
    path("belepes/jelszo/kesz/", accounts.password_views["change_done"], name="password_change_done"),
    path("belepes/jelszo/elfelejtett/", accounts.password_views["reset"], name="password_reset"),
    path("belepes/jelszo/elkuldve/", accounts.password_views["reset_done"], name="password_reset_done"),
    path("belepes/jelszo/uj/<uidb64>/<token>/", accounts.password_views["reset_confirm"],
         name="password_reset_confirm"),
    path("belepes/jelszo/beallitva/", accounts.password_views["reset_complete"], name="password_reset_complete"),
    path("admin/", admin.site.urls),
    path("esemenyek/", include("events.urls")),
    path("beallitas/", include("programme_setup.urls")),
    path("kepzesek/", include("trainings.urls")),
    path("resztvevok/", include("participants.urls")),
    path("jelentesek/dokumentumok/", include("reports.document_urls")),
    path("jelentesek/terv/", include("plan.urls")),
    path("jelentesek/", include("reports.urls")),
    path("ertesitesek/", include("menet_portal.notifications.urls")),
    path("adatvedelem/", include("privacy.urls")),
    path("igazolasok/", include("evidence.urls")),
    path("kerdoiv/", include("feedback.urls")),
    path("fenykepek/", include("photos.urls")),
]

if settings.BENCH_VIEWS:
    from . import bench

    urlpatterns += [path("_bench/floor/", bench.floor, name="bench_floor")]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
