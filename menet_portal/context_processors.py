from .navigation import navigation_context


def navigation(request):
    """The role the navigation bar is drawn for, its menu, the active item and the breadcrumbs
    (menet_portal/navigation.py)."""
    return navigation_context(request)
