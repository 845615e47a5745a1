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


# --- completion counts the programme's planned sessions, not the rows entered so far -------------

def _course_with_two_sessions_entered():
    course = CourseFactory()  # the programme plans 4 sessions per course (the default)
    start = timezone.now() - datetime.timedelta(days=20)
    sessions = [SessionFactory(course=course, number=n, starts_at=start + datetime.timedelta(days=7 * n))
                for n in (1, 2)]
    reg = RegistrationFactory(info_day=None, course=course)
    for session in sessions:
        AttendanceFactory(registration=reg, session=session, status="present")
    return course, reg


def test_two_of_two_entered_sessions_is_two_of_four_planned_not_complete():
    from trainings.completion import annotate_completion_outlook, planned_sessions

    course, reg = _course_with_two_sessions_entered()
    programme = course.site.programme
    assert planned_sessions(programme) == 4
    row = annotate_completion_outlook(Registration.objects.filter(pk=reg.pk), programme).get()
    assert (row.attended_sessions, row.planned_sessions, row.attendance_percent) == (2, 4, 50)
    assert row.completed is False
    assert row.can_still_complete is True  # two planned sessions are still to come


def test_programme_setting_changes_the_planned_sessions():
    from trainings.completion import planned_sessions

    course, reg = _course_with_two_sessions_entered()
    programme = course.site.programme
    programme.sessions_per_course, programme.completion_min_sessions = 2, 2
    programme.save()
    row = annotate_completion(Registration.objects.filter(pk=reg.pk), programme).get()
    assert planned_sessions(programme) == 2 and row.planned_sessions == 2 and row.completed is True


def test_course_page_trainer_and_staff_dashboards_agree(client):
    from menet_portal.tests.factories import StaffFactory
    from reports.selectors import programme_alerts, programme_indicators
    from trainings.completion import course_completion_summary

    course, reg = _course_with_two_sessions_entered()
    staff = StaffFactory()
    client.force_login(staff)
    from django.urls import reverse

    page = client.get(reverse("trainings:course_detail", args=[course.pk]))
    html = page.content.decode()
    assert "2 / 4" in html and "2 / 2" not in html
    summary = course_completion_summary(course)
    indicators = programme_indicators(course.site.programme)
    row = next(r for r in indicators.courses if r.course.pk == course.pk)
    assert summary["completed"] == row.counts.completions == 0
    assert summary["trainees"] == row.counts.trainees == 1
    # Nobody is "at risk" while enough planned sessions are still to come.
    assert programme_alerts(indicators).completion_at_risk == []


def test_plain_counts_equal_the_distinct_ones_when_only_attendance_is_joined():
    """annotate_completion(_outlook)(distinct=False), the dashboards' form, gives every registration
    the same figures as the default DISTINCT counts."""
    from trainings.completion import annotate_completion_outlook

    course, sessions = _course_with_sessions()
    patterns = [["present"] * 4, ["present", "late", "late"], ["absent", "excused", "present"], [], ["late"]]
    for statuses in patterns:
        reg = RegistrationFactory(info_day=None, course=course)
        for session, status in zip(sessions, statuses):
            AttendanceFactory(registration=reg, session=session, status=status)
    fields = ("pk", "attended_sessions", "late_sessions", "missed_sessions", "completed", "can_still_complete")
    programme = course.site.programme
    registrations = Registration.objects.filter(course=course).order_by("pk")
    distinct = list(annotate_completion_outlook(registrations, programme).values_list(*fields))
    plain = list(annotate_completion_outlook(registrations, programme, distinct=False).values_list(*fields))
    assert plain == distinct and len(plain) == len(patterns)
    assert {row[5] for row in plain} == {True, False}  # both outcomes are exercised
