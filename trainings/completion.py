"""Completion of a training: the one place the programme's rule is applied.

Rule (Programme fields): a trainee completes a course when they attended (present or late)
at least ``completion_min_sessions`` of its sessions and were late at most
``completion_max_late`` times. Default: all 4 sessions, at most one of them late.

Percentages count *all planned* sessions of the course, not only those already held
(Moodle's attendance once showed 5 of 10 as 100%).
Everything is computed in the database, so lists and dashboards stay one query at any size.
"""

from decimal import Decimal

from django.db.models import BooleanField, Count, DecimalField, Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, Value

from .models import AttendanceStatus

ATTENDED = [AttendanceStatus.PRESENT, AttendanceStatus.LATE]


def planned_sessions(programme) -> int:
    """How many sessions a course of ``programme`` has: the programme's plan (4 unless it says
    otherwise), whatever number of Session rows has been entered so far."""
    return programme.sessions_per_course


def annotate_completion(registrations, programme, *, distinct=True):
    """Annotate course registrations with ``attended_sessions``, ``late_sessions``,
    ``planned_sessions`` (the programme's, see ``planned_sessions``), ``attendance_percent``
    (attended of planned), ``hours_attended`` and ``completed``.

    The counts are DISTINCT attendance rows, so a queryset that joins another multi-valued
    relation still counts right. ``distinct=False`` is for a caller whose queryset joins nothing
    multi-valued but the attendance (the dashboards' aggregate: the DISTINCT sorts cost a quarter
    of that statement at 3,000 registrations); the rule is the same."""
    planned = max(planned_sessions(programme), 1)
    qs = registrations.annotate(
        attended_sessions=Count("attendances", filter=Q(attendances__status__in=ATTENDED, attendances__session__isnull=False), distinct=distinct),
        late_sessions=Count("attendances", filter=Q(attendances__status=AttendanceStatus.LATE, attendances__session__isnull=False), distinct=distinct),
        planned_sessions=Value(planned_sessions(programme), output_field=IntegerField()),
    )
    return qs.annotate(
        attendance_percent=ExpressionWrapper(F("attended_sessions") * Value(100) / Value(planned), output_field=IntegerField()),
        hours_attended=ExpressionWrapper(
            F("attended_sessions") * Value(Decimal(programme.session_hours)),
            output_field=DecimalField(max_digits=6, decimal_places=1),
        ),
        # A late joiner accepted "not eligible for a certificate" (trainings.eligibility) never completes.
        completed=ExpressionWrapper(
            Q(attended_sessions__gte=programme.completion_min_sessions)
            & Q(late_sessions__lte=programme.completion_max_late)
            & Q(eligible_for_certificate=True),
            output_field=BooleanField(),
        ),
    )


def is_completed(*, attended: int, late: int, programme) -> bool:
    """The same rule for counts already in hand (certificates, tests of the rule's edges)."""
    return attended >= programme.completion_min_sessions and late <= programme.completion_max_late


MISSED = [AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED]


def completion_outlook(*, attended: int, late: int, missed: int, eligible: bool, programme) -> tuple[bool, bool]:
    """``(completed, can_still_complete)`` of ``annotate_completion_outlook`` for one
    registration's counts already in hand (the dashboards' kept figures,
    ``participants.RegistrationFigures``): the same rule, the same edges."""
    completed = eligible and is_completed(attended=attended, late=late, programme=programme)
    can_still_complete = completed or (
        late <= programme.completion_max_late
        and planned_sessions(programme) >= missed + programme.completion_min_sessions
    )
    return completed, can_still_complete


def annotate_completion_outlook(registrations, programme, *, distinct=True):
    """``annotate_completion`` plus ``missed_sessions`` (recorded absent or excused) and
    ``can_still_complete``: False once the rule can no longer be met — too many sessions
    missed for ``completion_min_sessions`` to be reached, or more than ``completion_max_late``
    late arrivals. Sessions not yet recorded still count as attendable."""
    qs = annotate_completion(registrations, programme, distinct=distinct).annotate(
        missed_sessions=Count(
            "attendances", filter=Q(attendances__status__in=MISSED, attendances__session__isnull=False),
            distinct=distinct,
        ),
    )
    return qs.annotate(
        can_still_complete=ExpressionWrapper(
            Q(completed=True)
            | (
                Q(late_sessions__lte=programme.completion_max_late)
                & Q(planned_sessions__gte=F("missed_sessions") + Value(programme.completion_min_sessions))
            ),
            output_field=BooleanField(),
        ),
    )


def annotate_info_day_attendance(info_days):
    """Annotate info days with ``registered_count`` (confirmed) and ``attended_count``
    (present or late in the register): indicators count who came, not only who registered."""
    from menet_portal.db import count_of
    from participants.models import Registration, RegistrationStatus

    from .models import Attendance

    # Subqueries, computed only for the info days shown; an info day's attendance is one row per
    # registration (attendance_once_per_info_day), so its rows count the people.
    return info_days.annotate(
        registered_count=count_of(
            Registration.objects.filter(info_day_id=OuterRef("pk"), status=RegistrationStatus.CONFIRMED)
        ),
        # From the info day's registrations to their attendance (its index by registration), not
        # all info days' attendance rows hashed for each info day.
        attended_count=count_of(
            Registration.objects.filter(info_day_id=OuterRef("pk")).filter(Exists(
                Attendance.objects.filter(registration_id=OuterRef("pk"), session__isnull=True, status__in=ATTENDED)
            ))
        ),
    )


def course_completion_summary(course):
    """Trainees, completions and hours attended of one course, in one aggregate query."""
    from participants.models import Registration, RegistrationStatus

    programme = course.site.programme
    trainees = Registration.objects.filter(course=course, status=RegistrationStatus.CONFIRMED)
    completed = annotate_completion(trainees, programme).filter(completed=True).values("pk")
    counts = trainees.aggregate(
        trainees=Count("id", distinct=True),
        completed=Count("id", filter=Q(pk__in=completed), distinct=True),
        sessions_attended=Count(
            "attendances", filter=Q(attendances__status__in=ATTENDED, attendances__session__isnull=False), distinct=True
        ),
    )
    return {
        "trainees": counts["trainees"],
        "completed": counts["completed"],
        "hours": counts["sessions_attended"] * Decimal(programme.session_hours),
    }


def completed_counts_by_course(courses):
    """``{course_id: trainees who completed}`` for the given courses: one query per programme."""
    from participants.models import Registration, RegistrationStatus
    from events.models import Programme

    counts = {}
    programme_ids = courses.order_by().values_list("site__programme_id", flat=True).distinct()
    for programme in Programme.objects.filter(pk__in=list(programme_ids)):
        done = annotate_completion(
            Registration.objects.filter(
                course__in=courses.filter(site__programme=programme).values("pk"), status=RegistrationStatus.CONFIRMED
            ),
            programme,
        ).filter(completed=True)
        counts.update(
            Registration.objects.filter(pk__in=done.values("pk"))
            .order_by()
            .values_list("course_id")
            .annotate(n=Count("id"))
        )
    return counts
