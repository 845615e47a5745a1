"""Attendance sheet (jelenléti ív) for an info day or for one training session.

Participants: the event's confirmed registrations in Hungarian alphabetical order (ICU
collation, menet_portal.db), with target group and a signature column; blank rows for
walk-ins; signature lines for the trainer / e-advisor and the library coordinator.
"""

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from menet_portal.db import hungarian_name_order
from participants.models import Registration, RegistrationStatus

from .base import DocumentSpec, report

WALK_IN_ROWS = 8
# The last walk-in rows printed together with the signature lines (kept on one page).
TAIL_ROWS = 4


def sheet_registrations(**event):
    return (
        Registration.objects.filter(status=RegistrationStatus.CONFIRMED, **event)
        .select_related("participant__organisation")
        .order_by(*hungarian_name_order("participant__"))
    )


def _attach_signatures(event, rows):
    """Signatures collected on the tablet (evidence app) go into the signature column.

    The SVG was drawn by the server from validated points (evidence.signatures), never sent
    as markup by a browser, so it is safe to embed as is.
    """
    from evidence.selectors import attendance_signatures

    signatures = attendance_signatures(event)
    for r in rows:
        signature = signatures.get(r.pk)
        r.signature = signature
        r.signature_svg = mark_safe(signature.svg) if signature else ""


def _register_signatures(event):
    from evidence.selectors import register_signatures

    signatures = register_signatures(event)
    for signature in signatures.values():
        signature.safe_svg = mark_safe(signature.svg)
    return signatures


def _blank_rows(registered, walk_in_rows):
    numbers = list(range(registered + 1, registered + 1 + walk_in_rows))
    tail = min(TAIL_ROWS, len(numbers))
    return {"blank_rows": numbers[: len(numbers) - tail], "tail_rows": numbers[len(numbers) - tail:]}


def build(key, target, *, progress=None, walk_in_rows=WALK_IN_ROWS):
    if key == "info_day":
        info_day = target
        registrations = sheet_registrations(info_day=info_day)
        event = {
            "kind_label": "",  # str(info_day) already says "Információs nap – …"
            "name": str(info_day),
            "library": info_day.library,
            "room": info_day.room,
            "date": info_day.date,
            "start": info_day.start_time,
            "end": info_day.end_time,
            "trainers": "",
            "lead_label": _("Előadó / e-tanácsadó"),
        }
        programme, library = info_day.programme, info_day.library
    else:
        session = target
        course = session.course
        registrations = sheet_registrations(course=course)
        trainers = ", ".join(str(t) for t in course.trainers.order_by("last_name", "first_name"))
        event = {
            "kind_label": _("Képzés, %(number)d. foglalkozás") % {"number": session.number},
            "name": course.title,
            "topic": session.topic,
            "library": course.site.library,
            "room": session.room,
            "datetime_start": session.starts_at,
            "datetime_end": session.ends_at,
            "trainers": trainers,
            "lead_label": _("Oktató"),
        }
        programme, library = course.site.programme, course.site.library
    rows = list(registrations)
    _attach_signatures(target, rows)
    report(progress, 20)
    title = _("Jelenléti ív – %(event)s") % {"event": event["name"]}
    if key == "session":
        title = _("Jelenléti ív – %(event)s, %(number)d. foglalkozás") % {"event": event["name"], "number": target.number}
    return DocumentSpec(
        template="reports/pdf/attendance_sheet.html",
        title=title,
        context={
            "event": event,
            "registrations": rows,
            **_blank_rows(len(rows), walk_in_rows),
            "register_signatures": _register_signatures(target),
        },
        programme=programme,
        library=library,
        rows=len(rows),
    )
