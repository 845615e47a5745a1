from .models import Role


def navigation(request):
    """The role the navigation bar is drawn for."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_role": None}
    return {"nav_role": Role.STAFF if user.is_superuser else user.role}
