from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .language import remember_language, supported_languages

from .models import Role

HOME_BY_ROLE = {
    Role.STAFF: "reports:staff_home",
    Role.COORDINATOR: "participants:coordinator_home",
    Role.TRAINER: "trainings:trainer_home",
    Role.FUNDER: "reports:funder_home",
}


@login_required
def home(request):
    """Send every user to their role's own home page."""
    role = Role.STAFF if request.user.is_superuser else request.user.role
    return redirect(HOME_BY_ROLE[role])


@require_POST
def switch_language(request):
    """The language switch: Django's cookie (and safe ``next`` redirect), and the user's profile."""
    response = set_language(request)
    language = request.POST.get("language")
    if language in supported_languages() and request.user.is_authenticated:
        remember_language(user=request.user, language=language)
    return response


def favicon(request):
    """/favicon.ico: the icon in static/ (resolved per request, so a manifest is read only when needed)."""
    return redirect(static("favicon.svg"), permanent=True)


def csrf_failure(request, reason=""):
    """The Hungarian page for a refused form (expired page, cookies blocked)."""
    from django.shortcuts import render

    return render(request, "403_csrf.html", status=403)
