"""``{% questionnaire_panel event %}`` on the register page: the questionnaire's state for the
info day / the course of the last session, with the coordinator's links."""

from django import template

from menet_portal.models import Role
from menet_portal.permissions import user_has_role

register = template.Library()


@register.inclusion_tag("feedback/_register_panel.html", takes_context=True)
def questionnaire_panel(context, event):
    from trainings.models import Session

    from .. import selectors
    from ..views import COURSE, INFO_DAY

    user = context["request"].user
    if not user_has_role(user, (Role.STAFF, Role.COORDINATOR)):
        return {"show": False}
    if isinstance(event, Session):
        last = event.course.sessions.order_by("-starts_at", "-number").values_list("pk", flat=True).first()
        if last != event.pk:
            return {"show": False}
        target, kind = event.course, COURSE
    else:
        target, kind = event, INFO_DAY
    return {"show": True, "event": target, "kind": kind, "result": selectors.event_results(target),
            "is_coordinator": user_has_role(user, (Role.COORDINATOR,))}


@register.inclusion_tag("feedback/_dashboard.html")
def questionnaire_summary(programme):
    """The staff dashboard's questionnaire card: totals only (the breakdowns are one click away)."""
    from reports import charts

    from .. import selectors

    results = selectors.programme_results(programme, dimensions=())
    rows = [(q.question.text, q.distribution) for q in results.total.questions if q.count]
    chart = charts.distribution_bars(rows, width=560, label_width=220, font_family=charts.WEB_FONT) \
        if rows and results.total.shown else ""
    return {"results": results, "chart": chart}
