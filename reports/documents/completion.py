"""Training completion report: per course (trainees, sessions attended, completed) and for the
programme (per course aggregates, no personal data).

Completion always comes from trainings.completion.annotate_completion: the programme's one rule.
"""

from django.db.models import Count, Prefetch, Q, Sum
from django.utils.translation import gettext as _

from menet_portal.db import hungarian_name_order
from participants.models import Registration, RegistrationStatus
from trainings.completion import annotate_completion
from trainings.models import Attendance, Course

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


def programme_course_rows(programme):
    """Per course: enrolled, completed, hours attended, in a fixed number of queries."""
    confirmed = Registration.objects.filter(course__site__programme=programme, status=RegistrationStatus.CONFIRMED)
    completed_ids = annotate_completion(confirmed, programme).filter(completed=True).values("pk")
    return (
        Course.objects.filter(site__programme=programme)
        .select_related("site__library__county__region")
        .annotate(
            enrolled=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED), distinct=True),
            completed_count=Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.CONFIRMED, registrations__pk__in=completed_ids),
                distinct=True,
            ),
            session_count=Count("sessions", distinct=True),
        )
        .order_by("site__library__settlement", "title")
    )


def build_programme(key, programme, *, progress=None):
    courses = list(programme_course_rows(programme))
    report(progress, 20)
    for c in courses:
        c.rate = round(100 * c.completed_count / c.enrolled) if c.enrolled else 0
        c.hours = c.session_count * programme.session_hours
    totals = {
        "enrolled": sum(c.enrolled for c in courses),
        "completed": sum(c.completed_count for c in courses),
        "courses": len(courses),
    }
    totals["rate"] = round(100 * totals["completed"] / totals["enrolled"]) if totals["enrolled"] else 0
    return DocumentSpec(
        template="reports/pdf/completion_programme.html",
        title=_("A program képzési teljesítése – %(programme)s") % {"programme": programme.name},
        context={"courses": courses, "totals": totals},
        programme=programme,
        rows=len(courses),
    )
