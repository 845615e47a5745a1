from django.db.models import Prefetch
from django.shortcuts import render

from events.selectors import with_registration_counts
from menet_portal.models import Role
from menet_portal.permissions import role_required
from menet_portal.scope import courses_for

from .models import Session


@role_required(Role.TRAINER)
def trainer_home(request):
    """The trainer's courses with their sessions (filled in further by the trainings issue)."""
    courses = with_registration_counts(courses_for(request.user)).prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("number"))
    )
    return render(request, "trainings/trainer_home.html", {"courses": courses})
