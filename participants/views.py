from django.shortcuts import render
from django.utils import timezone

from events.selectors import with_registration_counts
from menet_portal.models import Role
from menet_portal.permissions import role_required
from menet_portal.scope import courses_for, info_days_for


@role_required(Role.COORDINATOR)
def coordinator_home(request):
    """The coordinator's library: its upcoming info days and courses with their fill."""
    today = timezone.localdate()
    info_days = with_registration_counts(info_days_for(request.user).filter(date__gte=today)).order_by("date")
    courses = with_registration_counts(courses_for(request.user)).order_by("title")
    return render(
        request,
        "participants/coordinator_home.html",
        {"library": request.user.library, "info_days": info_days, "courses": courses},
    )
