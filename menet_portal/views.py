from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

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
