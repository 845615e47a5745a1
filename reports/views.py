from django.db.models import Count, Q
from django.shortcuts import render

from events.models import Programme
from menet_portal.models import Role
from menet_portal.permissions import role_required
from participants.models import Registration, RegistrationStatus


def _programme_summary():
    programme = Programme.objects.order_by("-start_date").first()
    if programme is None:
        return {"programme": None}
    counts = Registration.objects.filter(
        Q(info_day__programme=programme) | Q(course__site__programme=programme)
    ).aggregate(
        info_day_confirmed=Count("id", filter=Q(info_day__isnull=False, status=RegistrationStatus.CONFIRMED)),
        course_confirmed=Count("id", filter=Q(course__isnull=False, status=RegistrationStatus.CONFIRMED)),
        waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    return {
        "programme": programme,
        "info_day_count": programme.info_days.count(),
        "course_count": programme.training_sites.aggregate(n=Count("courses"))["n"],
        **counts,
    }


@role_required(Role.STAFF)
def staff_home(request):
    """MKE staff's home (the indicator dashboard issue fills it in)."""
    return render(request, "reports/staff_home.html", _programme_summary())


@role_required(Role.FUNDER, Role.STAFF)
def funder_home(request):
    """The ministry's read-only home: aggregates only, no personal data."""
    return render(request, "reports/funder_home.html", _programme_summary())
