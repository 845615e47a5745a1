"""The figures PostgreSQL keeps per registration (participants.RegistrationFigures,
menet_portal.counters.REGISTRATION_FIGURES) equal what the tables say after every kind of write
— the services, model saves, bulk_create, queryset update and delete, cascades, raw SQL,
TRUNCATE, a merge of two people — survive concurrent registers, are rebuilt by ``recount``,
and give the dashboards the same figures as counting the tables."""

import datetime
import random
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from menet_portal import counters
from menet_portal.tests.factories import (
    AttendanceFactory, CourseFactory, InfoDayFactory, OrganisationFactory, ParticipantFactory, RegistrationFactory, SessionFactory,
)
from participants.models import Participant, Registration, RegistrationFigures, RegistrationStatus, TargetGroup
from trainings.completion import ATTENDED, MISSED
from trainings.models import Attendance, AttendanceStatus


def _expected() -> dict:
    """Every registration's figures counted in Python from the rows themselves: its info-day
    row and its own course's sessions."""
    groups = dict(Participant.objects.values_list("pk", "target_group"))
    figures = {
        r.pk: {
            "info_day_id": r.info_day_id, "course_id": r.course_id, "status": r.status,
            "eligible_for_certificate": r.eligible_for_certificate, "target_group": groups[r.participant_id],
            "attended_sessions": 0, "late_sessions": 0, "missed_sessions": 0,
            "info_day_attended": 0, "info_day_recorded": 0,
        }
        for r in Registration.objects.all()
    }
    courses = dict(Registration.objects.values_list("pk", "course_id"))
    for a in Attendance.objects.select_related("session"):
        row = figures[a.registration_id]
        if a.session_id is not None and a.session.course_id != courses[a.registration_id]:
            continue  # another course's session (past Attendance.clean): not its own, not counted
        if a.session_id is None:
            row["info_day_recorded"] += 1
            row["info_day_attended"] += a.status in ATTENDED
        else:
            row["attended_sessions"] += a.status in ATTENDED
            row["late_sessions"] += a.status == AttendanceStatus.LATE
            row["missed_sessions"] += a.status in MISSED
    return figures


def _kept() -> dict:
    return {row.pop("registration_id"): row for row in RegistrationFigures.objects.values()}


def _check():
    assert _kept() == _expected()


@pytest.mark.django_db
def test_every_kind_of_write_keeps_the_figures_exact():
    from participants import services
    from participants.models import RegistrationSource

    assert counters.kept_in_database()
    day, course = InfoDayFactory(capacity=2, minimum=1), CourseFactory(capacity=2)
    sessions = [SessionFactory(course=course, number=n) for n in range(1, 5)]
    people = [ParticipantFactory(target_group=TargetGroup.CITIZEN) for _ in range(4)]
    for person in people:  # two confirmed and two waitlisted, for each event
        services.register_participant(participant=person, event=day, source=RegistrationSource.COORDINATOR)
        services.register_participant(participant=person, event=course, source=RegistrationSource.COORDINATOR)
    _check()
    trainees = list(Registration.objects.filter(course=course, status=RegistrationStatus.CONFIRMED))
    # Attendance: model saves, a bulk_create, a status change, a move between sessions, deletes.
    AttendanceFactory(registration=trainees[0], session=sessions[0], status=AttendanceStatus.PRESENT)
    AttendanceFactory(registration=trainees[0], session=sessions[1], status=AttendanceStatus.LATE)
    _check()
    Attendance.objects.bulk_create([
        Attendance(registration=trainees[1], session=s, status=status)
        for s, status in zip(sessions, [AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED,
                                        AttendanceStatus.LATE])
    ])
    _check()
    Attendance.objects.filter(registration=trainees[1], status=AttendanceStatus.ABSENT).update(
        status=AttendanceStatus.PRESENT)
    _check()
    Attendance.objects.filter(registration=trainees[0], session=sessions[1]).update(status=AttendanceStatus.EXCUSED)
    _check()
    info_day_rows = Registration.objects.filter(info_day=day)
    for registration, status in zip(info_day_rows, [AttendanceStatus.PRESENT, AttendanceStatus.ABSENT,
                                                    AttendanceStatus.LATE]):
        AttendanceFactory(registration=registration, session=None, status=status)
    _check()
    Attendance.objects.filter(registration=trainees[1], session=sessions[3]).delete()
    _check()
    # A register row moved to another registration (a correction in the admin).
    waiting = Registration.objects.filter(course=course, status=RegistrationStatus.WAITLISTED).first()
    Attendance.objects.filter(registration=trainees[0], session=sessions[0]).update(registration=waiting)
    _check()
    # Registrations: the services (cancel promotes from the waiting list), saves, queryset updates.
    services.cancel_registration(registration=trainees[0], reason="beteg")
    _check()
    Registration.objects.filter(pk=trainees[1].pk).update(eligible_for_certificate=False)
    _check()
    moved = Registration.objects.filter(info_day=day).first()
    moved.status = RegistrationStatus.CANCELLED
    moved.cancelled_at, moved.cancel_reason = timezone.now(), "teszt"
    moved.save()
    _check()
    # People: the target group through a save, a queryset update and raw SQL; other columns.
    people[0].target_group, people[0].organisation = TargetGroup.NONPROFIT, OrganisationFactory()
    people[0].save()
    _check()
    Participant.objects.filter(pk__in=[p.pk for p in people[1:3]]).update(
        target_group=TargetGroup.BUSINESS, organisation=OrganisationFactory())
    _check()
    Participant.objects.filter(pk=people[3].pk).update(settlement="Sárvár")  # not the group: nothing changes
    _check()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE participants_participant SET target_group = %s, organisation_id = NULL WHERE id = %s",
                       [TargetGroup.CITIZEN, people[1].pk])
        _check()
        # A registration handed to another person (what a merge of duplicates does).
        newcomer = ParticipantFactory(target_group=TargetGroup.CITIZEN)
        cursor.execute("UPDATE participants_registration SET participant_id = %s WHERE participant_id = %s"
                       " AND course_id = %s", [newcomer.pk, people[3].pk, course.pk])
        _check()
    # A row against another course's session does not count; moving the registration there makes it count.
    other_course = CourseFactory(capacity=5)
    other_session = SessionFactory(course=other_course, number=1)
    stray_owner = Registration.objects.filter(course=course).exclude(status=RegistrationStatus.CANCELLED).first()
    Attendance.objects.create(registration=stray_owner, session=other_session, status=AttendanceStatus.PRESENT)
    _check()
    Registration.objects.filter(pk=stray_owner.pk).update(course=other_course)
    _check()
    assert RegistrationFigures.objects.get(registration_id=stray_owner.pk).attended_sessions == 1
    Session = type(other_session)
    Session.objects.filter(pk=other_session.pk).update(course=CourseFactory())  # a session moved to another course
    _check()
    # Deletes: a registration with its attendance (Django's cascade), a person with theirs.
    trainees[1].delete()
    _check()
    people[0].delete()
    _check()
    Registration.objects.filter(info_day=day).delete()
    _check()
    assert RegistrationFigures.objects.count() == Registration.objects.count() > 0


@pytest.mark.django_db
def test_a_merge_of_duplicates_moves_the_figures_to_the_kept_person():
    from privacy.models import DuplicateCase, DuplicateMatch
    from privacy.services import MERGE_FIELDS, merge_duplicate

    keep = ParticipantFactory(target_group=TargetGroup.BUSINESS, organisation=OrganisationFactory())
    other = ParticipantFactory(target_group=TargetGroup.CITIZEN, family_name=keep.family_name,
                               given_name=keep.given_name, birth_year=keep.birth_year)
    course = CourseFactory()
    registration = RegistrationFactory(participant=other, info_day=None, course=course,
                                       status=RegistrationStatus.CONFIRMED)
    AttendanceFactory(registration=registration, session=SessionFactory(course=course))
    case = DuplicateCase.objects.create(first=keep, second=other, match=DuplicateMatch.IDENTITY)
    merge_duplicate(case=case, keep="first", choices={field: "first" for field in MERGE_FIELDS}, merged_by=None)
    _check()
    assert RegistrationFigures.objects.get(registration_id=registration.pk).target_group == TargetGroup.BUSINESS


@pytest.mark.django_db
def test_truncate_empties_or_zeroes_the_figures():
    registration = RegistrationFactory()
    AttendanceFactory(registration=registration)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE trainings_attendance, trainings_historicalattendance, evidence_attendancesignature")
    _check()
    assert RegistrationFigures.objects.get(registration_id=registration.pk).info_day_recorded == 0


@pytest.mark.django_db
def test_recount_rebuilds_figures_written_past_the_triggers():
    registration = RegistrationFactory()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # what a data-only restore does
        AttendanceFactory(registration=registration)
        cursor.execute("SET session_replication_role = DEFAULT")
    assert _kept() != _expected()
    out = StringIO()
    call_command("recount", stdout=out)
    assert "participants_registrationfigures" in out.getvalue()
    _check()


@pytest.mark.django_db(transaction=True)
def test_two_registers_of_one_course_saved_at_once_both_count():
    """Two coordinators save two sessions' registers of the same trainees at the same time: each
    transaction adds its own rows, neither overwrites the other's (nor do they deadlock)."""
    from trainings.services import record_attendance

    course = CourseFactory(capacity=10)
    start = timezone.now() - datetime.timedelta(days=3)
    sessions = [SessionFactory(course=course, number=n, starts_at=start + datetime.timedelta(hours=n),
                               ends_at=start + datetime.timedelta(hours=n, minutes=90)) for n in (1, 2)]
    trainees = [RegistrationFactory(info_day=None, course=course, status=RegistrationStatus.CONFIRMED)
                for _ in range(6)]
    barrier = threading.Barrier(2, timeout=20)
    errors = []

    def save(session, status):
        try:
            with transaction.atomic():
                barrier.wait()
                record_attendance(event=session, statuses={r.pk: status for r in trainees}, recorded_by=None)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(sessions[0], AttendanceStatus.PRESENT)),
               threading.Thread(target=save, args=(sessions[1], AttendanceStatus.LATE))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    _check()
    assert set(RegistrationFigures.objects.filter(course_id=course.pk).values_list(
        "attended_sessions", "late_sessions")) == {(2, 1)}


@pytest.mark.django_db
def test_the_dashboards_figures_equal_counting_the_tables():
    """The kept path of ``reports.selectors._registration_figures`` against the joined one (the
    SQLite demo's), on a programme with every kind of registration and attendance."""
    from reports import selectors

    rng = random.Random(13)
    day = InfoDayFactory(capacity=40)
    programme = day.programme
    courses = [CourseFactory(site__programme=programme, capacity=30) for _ in range(3)]
    sessions = {c.pk: [SessionFactory(course=c, number=n) for n in range(1, 5)] for c in courses}
    statuses = list(AttendanceStatus.values)
    for n in range(60):
        group = rng.choice(TargetGroup.values)
        person = ParticipantFactory(target_group=group,
                                    organisation=None if group == TargetGroup.CITIZEN else OrganisationFactory())
        status = rng.choice([RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED,
                             RegistrationStatus.CANCELLED])
        cancelled = ({"cancelled_at": timezone.now(), "cancel_reason": "teszt"}
                     if status == RegistrationStatus.CANCELLED else {})
        if n % 3 == 0:
            registration = RegistrationFactory(participant=person, info_day=day, course=None, status=status,
                                               **cancelled)
            if rng.random() < 0.7:
                AttendanceFactory(registration=registration, session=None, status=rng.choice(statuses))
        else:
            course = rng.choice(courses)
            registration = RegistrationFactory(participant=person, info_day=None, course=course, status=status,
                                               eligible_for_certificate=rng.random() < 0.8, **cancelled)
            for session in sessions[course.pk]:
                if rng.random() < 0.8:
                    AttendanceFactory(registration=registration, session=session, status=rng.choice(statuses))
    _check()
    day_ids, course_ids = [day.pk], [c.pk for c in courses]

    def key(row):
        return tuple(-1 if v is None else v for v in row)

    kept = sorted(map(tuple, selectors._registration_figures(programme, day_ids, course_ids)), key=key)
    joined = sorted(map(tuple, selectors._registration_figures_joined(programme, day_ids, course_ids)), key=key)
    assert kept == joined and len(kept) > 10
    # Someone who can no longer complete is counted (the outlook's other edge).
    assert any(row[7] for row in kept)


@pytest.mark.django_db
def test_the_dashboard_reads_the_kept_figures_in_one_statement(django_assert_num_queries):
    from reports import selectors

    day = InfoDayFactory()
    RegistrationFactory(info_day=day)
    with django_assert_num_queries(1) as captured:
        rows = selectors._registration_figures(day.programme, [day.pk], [])
    assert "participants_registrationfigures" in captured.captured_queries[0]["sql"]
    assert [row[:4] for row in rows] == [(day.pk, None, TargetGroup.CITIZEN, RegistrationStatus.CONFIRMED)]
