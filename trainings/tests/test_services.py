import datetime

import pytest
from django.utils import timezone

from menet_portal.tests.factories import (
    CourseFactory,
    InfoDayFactory,
    ParticipantFactory,
    RegistrationFactory,
    get_county,
)
from participants.models import Participant, Registration, RegistrationSource, RegistrationStatus
from trainings import services
from trainings.completion import annotate_completion
from trainings.models import Attendance, LessonProgress, MaterialLink, QuizAttempt
from trainings.tests.factories import (
    LessonFactory,
    future_session,
    info_day_under_way,
    past_info_day,
    past_session,
    question_with_choices,
    trainee,
)

pytestmark = pytest.mark.django_db


def test_register_of_a_future_session_is_refused_and_saves_nothing(trainer):
    session = future_session()
    reg = trainee(session.course)
    with pytest.raises(services.AttendanceError, match="kezdete"):
        services.record_attendance(event=session, statuses={reg.pk: "present"}, recorded_by=trainer)
    assert not Attendance.objects.exists()


def test_register_saves_everyone_in_one_submit_and_keeps_every_change(trainer, staff):
    session = past_session()
    a, b = trainee(session.course), trainee(session.course)
    trainee(session.course, status=RegistrationStatus.WAITLISTED)  # not on the register
    assert services.record_attendance(event=session, statuses={a.pk: "present", b.pk: "late"}, recorded_by=trainer) == 2
    # Edited later by someone else: only the changed row is written, with who and when.
    assert services.record_attendance(event=session, statuses={a.pk: "present", b.pk: "absent"}, recorded_by=staff) == 1
    row = Attendance.objects.get(registration=b, session=session)
    assert (row.status, row.recorded_by) == ("absent", staff)
    versions = list(row.history.order_by("history_date").values_list("status", "recorded_by_id"))
    assert versions == [("late", trainer.pk), ("absent", staff.pk)]


@pytest.mark.parametrize("case", ["missing person", "stranger", "bad status"])
def test_register_refuses_bad_input_and_changes_nothing(trainer, case):
    session = past_session()
    a, b = trainee(session.course), trainee(session.course)
    statuses = {a.pk: "present", b.pk: "present"}
    if case == "missing person":
        del statuses[b.pk]
    elif case == "stranger":
        statuses[trainee(CourseFactory()).pk] = "present"
    else:
        statuses[b.pk] = "sleeping"
    with pytest.raises(services.AttendanceError):
        services.record_attendance(event=session, statuses=statuses, recorded_by=trainer)
    assert not Attendance.objects.exists()


def test_completion_is_recomputed_when_the_register_changes(trainer):
    course = CourseFactory()
    sessions = [past_session(course, number=n, days_ago=30 - 7 * n) for n in range(1, 5)]
    reg = trainee(course)
    for session in sessions[:3]:
        services.record_attendance(event=session, statuses={reg.pk: "present"}, recorded_by=trainer)
    services.record_attendance(event=sessions[3], statuses={reg.pk: "absent"}, recorded_by=trainer)
    rows = annotate_completion(Registration.objects.filter(pk=reg.pk), course.site.programme)
    assert rows.get().completed is False
    services.record_attendance(event=sessions[3], statuses={reg.pk: "late"}, recorded_by=trainer)
    assert rows.get().completed is True


def test_info_day_register_opens_when_the_info_day_starts(coordinator):
    upcoming = InfoDayFactory(date=timezone.localdate() + datetime.timedelta(days=2))
    reg = RegistrationFactory(info_day=upcoming)
    with pytest.raises(services.AttendanceError):
        services.record_attendance(event=upcoming, statuses={reg.pk: "present"}, recorded_by=coordinator)
    held = past_info_day()
    reg = RegistrationFactory(info_day=held)
    services.record_attendance(event=held, statuses={reg.pk: "present"}, recorded_by=coordinator)
    assert Attendance.objects.get(registration=reg).session is None


def _walk_in_data(**kwargs):
    data = dict(family_name="Szőke", given_name="Ödön", birth_year=1975, settlement="Eger",
                county=get_county("Heves"), email="szoke.odon@example.hu", phone="", target_group="citizen",
                organisation_name="", organisation_kind="", tax_number="", size_band="", consent=True)
    data.update(kwargs)
    return data


def test_walk_in_is_registered_and_marked_present_in_one_step(coordinator):
    info_day = info_day_under_way(capacity=2, minimum=1, status="closed")
    RegistrationFactory(info_day=info_day)
    reg = services.add_walk_in(info_day=info_day, data=_walk_in_data(), recorded_by=coordinator)
    assert (reg.status, reg.source) == (RegistrationStatus.CONFIRMED, RegistrationSource.WALK_IN)
    assert reg.participant.registering_library == info_day.library
    assert reg.participant.consent_given_at is not None
    attendance = Attendance.objects.get(registration=reg)
    assert (attendance.status, attendance.session, attendance.recorded_by) == ("present", None, coordinator)


def test_walk_in_at_a_full_info_day_is_refused_and_creates_nothing(coordinator):
    info_day = info_day_under_way(capacity=1, minimum=1)
    RegistrationFactory(info_day=info_day)
    people, registrations = Participant.objects.count(), Registration.objects.count()
    with pytest.raises(services.WalkInRefused, match="betelt"):
        services.add_walk_in(info_day=info_day, data=_walk_in_data(), recorded_by=coordinator)
    assert (Participant.objects.count(), Registration.objects.count()) == (people, registrations)
    assert not Attendance.objects.exists()


def test_walk_in_reuses_a_known_person(coordinator):
    info_day = info_day_under_way()
    known = ParticipantFactory(email="ismert@example.hu", registering_library=coordinator.library)
    reg = services.add_walk_in(info_day=info_day, data=_walk_in_data(email="ISMERT@example.hu"),
                               recorded_by=coordinator)
    assert reg.participant == known


def test_walk_in_before_the_info_day_starts_is_refused(coordinator):
    info_day = InfoDayFactory(date=timezone.localdate() + datetime.timedelta(days=5))
    with pytest.raises(services.AttendanceError):
        services.add_walk_in(info_day=info_day, data=_walk_in_data(), recorded_by=coordinator)
    assert not Participant.objects.filter(family_name="Szőke").exists()


def test_material_link_is_long_random_and_one_active_per_trainee(staff):
    reg = trainee(CourseFactory())
    link = services.issue_material_link(registration=reg, issued_by=staff)
    assert len(link.token) >= 43 and link.is_active
    assert services.issue_material_link(registration=reg, issued_by=staff) == link  # idempotent
    services.revoke_material_link(link=link, revoked_by=staff)
    fresh = services.issue_material_link(registration=reg, issued_by=staff)
    assert fresh.token != link.token
    assert MaterialLink.objects.filter(registration=reg).count() == 2


def test_material_link_expires_at_the_end_of_the_programme():
    reg = trainee(CourseFactory())
    link = services.issue_material_link(registration=reg)
    end = reg.course.site.programme.end_date
    assert timezone.localtime(link.expires_at).date() == end + datetime.timedelta(days=1)
    assert timezone.localtime(link.expires_at).time() == datetime.time(0, 0)


def test_no_material_link_for_an_info_day_or_waitlisted_registration():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.issue_material_link(registration=RegistrationFactory())
    with pytest.raises(ValidationError):
        services.issue_material_link(registration=trainee(CourseFactory(), status=RegistrationStatus.WAITLISTED))


def test_issue_links_for_a_course_skips_those_who_have_one(staff):
    course = CourseFactory()
    a, _b = trainee(course), trainee(course)
    trainee(course, status=RegistrationStatus.WAITLISTED)
    services.issue_material_link(registration=a)
    assert services.issue_material_links_for_course(course=course, issued_by=staff) == 1
    assert services.issue_material_links_for_course(course=course, issued_by=staff) == 0
    # An expired link does not count as having one: a fresh link is issued in its place.
    MaterialLink.objects.filter(registration=a).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    assert services.issue_material_links_for_course(course=course, issued_by=staff) == 1
    assert MaterialLink.objects.get(registration=a, revoked_at__isnull=True).is_active


def test_quiz_wrong_then_right_keeps_last_and_best_score():
    lesson = LessonFactory()
    q1, right1, (wrong1,) = question_with_choices(lesson)
    q2, right2, _ = question_with_choices(lesson, position=1)
    reg = trainee(CourseFactory(site__programme=lesson.module.programme))
    result = services.submit_quiz(registration=reg, lesson=lesson, answers={q1.pk: wrong1.pk, q2.pk: right2.pk})
    assert (result.score, result.max_score, result.by_question[q1.pk].correct) == (1, 2, False)
    result = services.submit_quiz(registration=reg, lesson=lesson, answers={q1.pk: right1.pk, q2.pk: right2.pk})
    assert result.all_correct
    progress = LessonProgress.objects.get(registration=reg, lesson=lesson)
    assert (progress.quiz_attempts, progress.quiz_last_score, progress.quiz_best_score, progress.quiz_max_score) == (
        2, 2, 2, 2)
    assert QuizAttempt.objects.filter(registration=reg).count() == 2


@pytest.mark.parametrize("case", ["unanswered", "choice of another question"])
def test_quiz_refuses_bad_answers_and_saves_nothing(case):
    lesson = LessonFactory()
    q1, right1, _ = question_with_choices(lesson)
    q2, right2, _ = question_with_choices(lesson, position=1)
    reg = trainee(CourseFactory())
    answers = {q1.pk: right1.pk} if case == "unanswered" else {q1.pk: right2.pk, q2.pk: right2.pk}
    with pytest.raises(services.QuizError):
        services.submit_quiz(registration=reg, lesson=lesson, answers=answers)
    assert not QuizAttempt.objects.exists() and not LessonProgress.objects.exists()


def test_marking_a_lesson_read_is_kept_once():
    lesson = LessonFactory()
    reg = trainee(CourseFactory())
    first = services.mark_lesson_read(registration=reg, lesson=lesson).read_at
    assert services.mark_lesson_read(registration=reg, lesson=lesson).read_at == first


def test_walk_in_of_someone_already_on_the_register_is_refused(coordinator):
    info_day = info_day_under_way(library=coordinator.library)
    known = ParticipantFactory(email="mar.jelentkezett@example.hu")
    RegistrationFactory(info_day=info_day, participant=known)
    with pytest.raises(services.WalkInRefused, match="már jelentkezett"):
        services.add_walk_in(info_day=info_day, data=_walk_in_data(email="mar.jelentkezett@example.hu"),
                             recorded_by=coordinator)
    assert not Attendance.objects.exists()


def test_missing_register_selectors(trainer):
    from trainings.models import Session
    from trainings.selectors import info_days_missing_register, sessions_missing_register
    from events.models import InfoDay

    course = CourseFactory()
    missing = past_session(course, number=1, days_ago=3)
    filled = past_session(course, number=2, days_ago=2)
    future_session(course, number=3)
    under_way = past_session(course, number=4, days_ago=0)  # started just now, not ended
    reg = trainee(course)
    services.record_attendance(event=filled, statuses={reg.pk: "present"}, recorded_by=trainer)
    assert list(sessions_missing_register(Session.objects.all()).values_list("pk", flat=True)) == [missing.pk]
    assert under_way.pk not in sessions_missing_register(Session.objects.all()).values_list("pk", flat=True)
    cancelled = CourseFactory(status="cancelled")
    past_session(cancelled, number=1, days_ago=3)
    assert sessions_missing_register(Session.objects.filter(course=cancelled)).count() == 0
    ended = past_info_day()
    RegistrationFactory(info_day=ended)
    today = info_day_under_way()
    assert list(info_days_missing_register(InfoDay.objects.all()).values_list("pk", flat=True)) == [ended.pk]
    assert today.pk not in info_days_missing_register(InfoDay.objects.all()).values_list("pk", flat=True)
