"""Read-side queries for training delivery: register states, grids, progress tables.

Every function takes an already scoped queryset (menet_portal.scope) or a scoped object,
and answers in a fixed number of queries whatever the number of rows.
"""

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format

from events.models import EventStatus
from menet_portal.db import count_of, hungarian_name_order
from participants.models import Participant, Registration, RegistrationStatus

from .completion import annotate_completion, annotate_info_day_attendance
from .models import Attendance, AttendanceStatus, LearningModule, Lesson, LessonProgress, MaterialLink, Session


class RegisterState:
    UPCOMING = "upcoming"  # not started: cannot be filled yet
    OPEN = "open"  # started, not yet ended, no register yet
    MISSING = "missing"  # ended without a register
    DONE = "done"


def _session_register_exists():
    return Exists(Attendance.objects.filter(session_id=OuterRef("pk")))


def _info_day_register_exists():
    return Exists(Attendance.objects.filter(session__isnull=True, registration__info_day_id=OuterRef("pk")))


def annotate_session_registers(sessions, now=None):
    """Annotate sessions with ``has_register`` and ``confirmed_count`` (the register's size: the
    course's confirmed registrations), each a subquery computed only for the rows shown."""
    return sessions.annotate(
        has_register=_session_register_exists(),
        confirmed_count=count_of(
            Registration.objects.filter(course_id=OuterRef("course_id"), status=RegistrationStatus.CONFIRMED)
        ),
    )


def annotate_info_day_registers(info_days):
    return annotate_info_day_attendance(info_days).annotate(has_register=_info_day_register_exists())


def session_register_state(session, now=None):
    now = now or timezone.now()
    if session.has_register:
        return RegisterState.DONE
    if session.starts_at > now:
        return RegisterState.UPCOMING
    if session.ends_at <= now:
        return RegisterState.MISSING
    return RegisterState.OPEN


def info_day_register_state(info_day, now=None):
    from .services import info_day_ends_at, info_day_starts_at

    now = now or timezone.now()
    if info_day.has_register:
        return RegisterState.DONE
    if info_day_starts_at(info_day) > now:
        return RegisterState.UPCOMING
    if info_day_ends_at(info_day) <= now:
        return RegisterState.MISSING
    return RegisterState.OPEN


def sessions_missing_register(sessions, now=None):
    """Sessions that ended without a register (cancelled courses need none).

    A filter only (an anti-join on the attendance), without ``annotate_session_registers``'s
    counts: those grouped every ended session's course registrations (9,000 rows for a national
    programme's dashboard alert, 1.9 ms) only to be thrown away. Annotate the result where the
    register's size is shown (the register overview)."""
    now = now or timezone.now()
    return (
        sessions.filter(~_session_register_exists(), ends_at__lte=now)
        .exclude(course__status=EventStatus.CANCELLED)
    )


def info_days_missing_register(info_days, now=None):
    """Info days that ended without a register (in the portal's local time); a filter only, as
    ``sessions_missing_register`` (annotate with ``annotate_info_day_registers`` to show counts)."""
    local = timezone.localtime(now or timezone.now())
    ended = Q(date__lt=local.date()) | Q(date=local.date(), end_time__lte=local.time())
    return info_days.filter(~_info_day_register_exists(), ended).exclude(status=EventStatus.CANCELLED)


def register_rows(event):
    """The confirmed people of a register in Hungarian alphabetical order, with their current
    status: ``current_attendance`` is ``[attendance]`` or ``[]``. The register's attendance (one
    per registration and register: ``attendance_once_per_session`` / ``_per_info_day``) comes in
    the same query, a LEFT JOIN filtered to the register, instead of a second query."""
    return register_people(event, with_waiting=False)[0]


def register_people(event, *, with_waiting: bool):
    """``(rows, waiting)`` from one statement: ``rows`` as ``register_rows``; ``waiting`` (with
    ``with_waiting``, else ``[]``) the whole waiting list of the register's event in queue order
    (``participants.services.QUEUE_ORDER``: arrival, then id), each with its ``queue_position``
    (1 first), the number ``with_queue_position`` counts, without its correlated count per row.
    The confirmed and the waitlisted registrations are read together and split here."""
    from participants.services import QUEUE_ORDER

    from .services import register_event_registrations

    statuses = [RegistrationStatus.CONFIRMED, *([RegistrationStatus.WAITLISTED] if with_waiting else [])]
    people = register_event_registrations(event).filter(status__in=statuses)
    session_q = (Q(attendances__session_id=event.pk) if isinstance(event, Session)
                 else Q(attendances__session__isnull=True))
    found = list(
        people
        .annotate(current=FilteredRelation("attendances", condition=session_q))
        .select_related("participant", "participant__organisation", "current", "current__recorded_by")
        .order_by(*hungarian_name_order("participant__"))
    )
    rows, waiting = [], []
    for registration in found:
        if registration.status == RegistrationStatus.WAITLISTED:
            waiting.append(registration)
            continue
        attendance = getattr(registration, "current", None)  # not set when the join found none
        registration.current_attendance = [attendance] if attendance is not None else []
        rows.append(registration)
    waiting.sort(key=lambda r: tuple(getattr(r, field) for field in QUEUE_ORDER))
    for position, registration in enumerate(waiting, start=1):
        registration.queue_position = position
    return rows, waiting


def register_history(event, limit=100, *, known=()):
    """Every saved version of this register's rows, newest first, with who changed it and whose
    row it is (``person_name``). ``known``: registrations already read with their participant
    (the register's rows): their names are taken from there, the rest (someone no longer on
    the register) read in one more query, only when there is such a row."""
    qs = Attendance.history.select_related("history_user").only(
        # what the register's "Változások" table shows: when, who, whose row, which status
        "history_id", "history_date", "status", "registration_id", "session_id", "history_user_id",
        "history_user__first_name", "history_user__last_name", "history_user__username",
    )
    if isinstance(event, Session):
        qs = qs.filter(session_id=event.pk)
    else:
        qs = qs.filter(session_id__isnull=True, registration__info_day_id=event.pk)
    labels = {value: str(label) for value, label in AttendanceStatus.choices}  # once, not per row
    rows = list(qs.order_by("-history_date", "-history_id")[:limit])
    names = {r.pk: r.participant.full_name for r in known}
    missing = {row.registration_id for row in rows} - names.keys()
    if missing:
        names.update(
            (pk, Participant(family_name=family, given_name=given).full_name)
            for pk, family, given in Registration.objects.filter(pk__in=missing)
            .values_list("pk", "participant__family_name", "participant__given_name"))
    for row in rows:
        row.status_label = labels.get(row.status, row.status)
        row.person_name = names.get(row.registration_id, "")
        # The "Mikor" and "Ki" cells once here, as the template's |date and |default filters wrote them.
        when = timezone.localtime(row.history_date)
        row.when_text = f"{date_format(when, 'DATETIME_FORMAT')}:{date_format(when, 's')}"
        row.who_text = str(row.history_user) if row.history_user else "–"
    return rows


def course_trainees(course):
    """Confirmed trainees with completion figures and their attendance rows (two queries)."""
    registrations = Registration.objects.filter(course=course, status=RegistrationStatus.CONFIRMED)
    return (
        annotate_completion(registrations, course.site.programme)
        .select_related("participant")
        .prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.filter(session__isnull=False), to_attr="session_attendance"),
            Prefetch(
                "material_links",
                queryset=MaterialLink.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()),
                to_attr="active_links",
            ),
        )
        .order_by(*hungarian_name_order("participant__"))
    )


def attendance_grid(course, trainees, sessions):
    """Rows of (trainee, [attendance or None per session]) for the course page."""
    rows = []
    for trainee in trainees:
        by_session = {a.session_id: a for a in trainee.session_attendance}
        rows.append((trainee, [by_session.get(s.pk) for s in sessions]))
    return rows


def published_material(programme):
    """Modules and their lessons (with question counts) of a programme, in order."""
    return (
        LearningModule.objects.filter(programme=programme, is_published=True)
        .prefetch_related(
            Prefetch(
                "lessons",
                queryset=Lesson.objects.annotate(question_count=Count("questions")).order_by("position", "id"),
            )
        )
        .order_by("position", "id")
    )


def material_lessons(programme):
    return list(
        Lesson.objects.filter(module__programme=programme, module__is_published=True)
        .select_related("module")
        .annotate(question_count=Count("questions"))
        .order_by("module__position", "module_id", "position", "id")
    )


def active_link_or_404(token):
    """The link for a token if it is active: not revoked, not expired, the trainee still confirmed."""
    return get_object_or_404(
        MaterialLink.objects.select_related("registration__participant", "registration__course__site__programme"),
        token=token,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
        registration__status=RegistrationStatus.CONFIRMED,
        registration__course__isnull=False,
    )


def progress_table(course):
    """Per trainee: their progress row per lesson (dict by lesson id), in two queries."""
    registrations = (
        Registration.objects.filter(course=course, status=RegistrationStatus.CONFIRMED)
        .select_related("participant")
        .prefetch_related(Prefetch("lesson_progress", queryset=LessonProgress.objects.all(), to_attr="progress_rows"))
        .order_by(*hungarian_name_order("participant__"))
    )
    lessons = material_lessons(course.site.programme)
    rows = []
    for registration in registrations:
        by_lesson = {p.lesson_id: p for p in registration.progress_rows}
        cells = [by_lesson.get(lesson.pk) for lesson in lessons]
        read = sum(1 for p in cells if p and p.read_at)
        rows.append({"registration": registration, "cells": cells, "read": read})
    return lessons, rows


def learners_by_course(courses):
    """``{course_id: confirmed trainees who opened at least one lesson}`` in one query."""
    return dict(
        Registration.objects.filter(
            course__in=courses.values("pk"), status=RegistrationStatus.CONFIRMED,
            lesson_progress__isnull=False,
        )
        .order_by()
        .values_list("course_id")
        .annotate(n=Count("id", distinct=True))
    )
