"""Training completion report: per course (trainees, sessions attended, completed) and for the
programme (per course aggregates, no personal data).

Completion always comes from trainings.completion.annotate_completion: the programme's one rule.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from menet_portal.db import hungarian_name_order
from participants.models import Registration, RegistrationStatus
from trainings.completion import annotate_completion
from trainings.models import Attendance

from .base import DocumentSpec, report


def course_registrations(course, programme):
    return annotate_completion(
        Registration.objects.filter(course=course, status=RegistrationStatus.CONFIRMED), programme
    ).select_related("participant__organisation")


def build_course(key, course, *, progress=None):
    programme = course.site.programme
    sessions = list(course.sessions.order_by("number"))
    registrations = list(
        course_registrations(course, programme)
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.filter(session__isnull=False)))
        .order_by(*hungarian_name_order("participant__"))
    )
    report(progress, 20)
    rows = []
    for registration in registrations:
        by_session = {a.session_id: a for a in registration.attendances.all()}
        rows.append({"registration": registration, "cells": [by_session.get(s.pk) for s in sessions]})
    completed = sum(1 for r in registrations if r.completed)
    return DocumentSpec(
        template="reports/pdf/completion_course.html",
        title=_("Képzési teljesítési jelentés – %(course)s") % {"course": course.title},
        context={
            "course": course,
            "library": course.site.library,
            "sessions": sessions,
            "rows": rows,
            "enrolled": len(registrations),
            "completed": completed,
            "rate": round(100 * completed / len(registrations)) if registrations else 0,
            "trainers": ", ".join(str(t) for t in course.trainers.order_by("last_name", "first_name")),
        },
        programme=programme,
        library=course.site.library,
        rows=len(registrations),
    )


def build_programme(key, programme, *, progress=None, now=None):
    """Per course aggregates from the dashboard's indicators (no second copy of those queries)."""
    from reports.selectors import programme_indicators

    indicators = programme_indicators(programme, now=now)
    report(progress, 20)
    courses = []
    for row in indicators.courses:
        trainees, completions = row.counts.trainees, row.counts.completions
        courses.append({
            "row": row,
            "course": row.course,
            "trainees": trainees,
            "completions": completions,
            "rate": round(100 * completions / trainees) if trainees else 0,
            "hours": row.counts.training_hours,
        })
    return DocumentSpec(
        template="reports/pdf/completion_programme.html",
        title=_("A program képzési teljesítése – %(programme)s") % {"programme": programme.name},
        context={"courses": courses, "indicators": indicators},
        programme=programme,
        rows=len(courses),
    )
