import datetime

import pytest
from django.utils import timezone

from menet_portal.tests.factories import AttendanceFactory, CourseFactory, RegistrationFactory, SessionFactory
from participants.models import Registration
from trainings.completion import annotate_completion, is_completed

pytestmark = pytest.mark.django_db


def _course_with_sessions():
    course = CourseFactory()
    start = timezone.now() - datetime.timedelta(days=30)
    sessions = [
        SessionFactory(course=course, number=n, starts_at=start + datetime.timedelta(days=7 * n))
        for n in range(1, 5)
    ]
    return course, sessions


@pytest.mark.parametrize(
    "statuses, completed, attended, hours",
    [
        (["present"] * 4, True, 4, 16),
        (["present", "present", "present", "late"], True, 4, 16),
        (["present", "present", "late", "late"], False, 4, 16),
        (["present", "present", "present", "absent"], False, 3, 12),
        (["present", "present", "present", "excused"], False, 3, 12),
        (["present", "present"], False, 2, 8),  # two sessions not yet recorded count as not attended
    ],
)
def test_completion_rule_at_its_edges(statuses, completed, attended, hours):
    course, sessions = _course_with_sessions()
    reg = RegistrationFactory(info_day=None, course=course)
    for session, status in zip(sessions, statuses):
        AttendanceFactory(registration=reg, session=session, status=status)
    programme = course.site.programme
    row = annotate_completion(Registration.objects.filter(pk=reg.pk), programme).get()
    assert (row.completed, row.attended_sessions, row.planned_sessions, row.hours_attended) == (
        completed, attended, 4, hours
    )
    assert is_completed(attended=row.attended_sessions, late=row.late_sessions, programme=programme) == completed


def test_completion_is_one_query_for_many_trainees(django_assert_num_queries):
    course, sessions = _course_with_sessions()
    for _ in range(5):
        reg = RegistrationFactory(info_day=None, course=course)
        for session in sessions:
            AttendanceFactory(registration=reg, session=session)
    with django_assert_num_queries(1):
        rows = list(annotate_completion(Registration.objects.filter(course=course), course.site.programme))
    assert all(r.completed for r in rows)
