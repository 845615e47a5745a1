from django.shortcuts import render

from menet_portal.permissions import role_required
from menet_portal.models import Role
from menet_portal.scope import info_days_for

from .selectors import with_registration_counts


@role_required(Role.STAFF, Role.COORDINATOR, Role.FUNDER)
def info_day_list(request):
    info_days = with_registration_counts(info_days_for(request.user)).order_by("date")
    return render(request, "events/info_day_list.html", {"info_days": info_days})
