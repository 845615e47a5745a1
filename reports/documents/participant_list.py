"""Participant list of one event (info day or course), grouped by target group."""

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from menet_portal.db import hungarian_name_order
from participants.models import Registration, RegistrationStatus, TargetGroup

from .base import DocumentSpec, report

GROUP_POSITION = Case(
    *[When(participant__target_group=value, then=Value(i)) for i, value in enumerate(TargetGroup.values)],
    default=Value(99),
    output_field=IntegerField(),
)


def build(key, target, *, progress=None):
    event = {"info_day": target} if key == "info_day" else {"course": target}
    registrations = list(
        Registration.objects.filter(status=RegistrationStatus.CONFIRMED, **event)
        .select_related("participant__organisation")
        .annotate(group_position=GROUP_POSITION)
        .order_by("group_position", *hungarian_name_order("participant__"))
    )
    report(progress, 20)
    groups = []
    for value, label in TargetGroup.choices:
        members = [r for r in registrations if r.participant.target_group == value]
        groups.append({"value": value, "label": label, "registrations": members})
    if key == "info_day":
        programme, library, name = target.programme, target.library, str(target)
        date = target.date
    else:
        programme, library, name = target.site.programme, target.site.library, target.title
        date = None
    return DocumentSpec(
        template="reports/pdf/participant_list.html",
        title=_("Résztvevői lista – %(event)s") % {"event": name},
        context={"event_name": name, "library": library, "date": date, "groups": groups, "total": len(registrations),
                 "is_course": key == "course"},
        programme=programme,
        library=library,
        rows=len(registrations),
    )
