"""``{% photo_panel event %}`` on the register page: the event's photos, for its coordinator and staff."""

from django import template

from menet_portal.models import Role
from menet_portal.permissions import user_has_role

register = template.Library()


@register.inclusion_tag("photos/_register_panel.html", takes_context=True)
def photo_panel(context, event):
    from trainings.models import Session

    from ..models import EventPhoto
    from ..views import event_url

    if not user_has_role(context["request"].user, (Role.STAFF, Role.COORDINATOR)):
        return {"show": False}
    target = event.course if isinstance(event, Session) else event
    key = "course" if isinstance(event, Session) else "info_day"
    return {"show": True, "url": event_url(target), "count": EventPhoto.objects.filter(**{key: target}).count()}
