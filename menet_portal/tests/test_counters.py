"""The counts PostgreSQL keeps (menet_portal.counters) equal a COUNT of the table after every
kind of write — model save, bulk_create, queryset update and delete, a cascade, raw SQL, COPY,
TRUNCATE — survive compaction, and never make two writers wait for each other."""

import io
import threading

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count
from django.utils import timezone

from menet_portal import counters
from menet_portal.models import MessageKind, OutboxMessage, OutboxStatus, OutboxStatusCount
from menet_portal.notifications import selectors
from menet_portal.tests.factories import RegistrationFactory


def _counted():
    return dict(OutboxMessage.objects.values_list("status").annotate(n=Count("*")).order_by())


def _message(n, status=OutboxStatus.SCHEDULED, **extra):
    return OutboxMessage(kind=MessageKind.EVENT_REMINDER, recipient=f"c{n}@example.hu", subject_key=f"k:{n}",
                         slot=str(n), status=status, due_at=timezone.now(),
                         sent_at=timezone.now() if status == OutboxStatus.SENT else None, **extra)


def _check():
    assert selectors.status_counts() == _counted()


@pytest.mark.django_db
def test_every_kind_of_write_keeps_the_counts_exact():
    assert counters.kept_in_database()
    _check()
    OutboxMessage.objects.bulk_create([_message(n) for n in range(10)])
    _check()
    one = _message(100)
    one.save()
    _check()
    one.status, one.sent_at = OutboxStatus.SENT, timezone.now()
    one.save(update_fields=["status", "sent_at"])
    assert selectors.status_counts()[OutboxStatus.SENT] == 1
    _check()
    OutboxMessage.objects.filter(slot__in=["1", "2", "3"]).update(status=OutboxStatus.FAILED)
    _check()
    OutboxMessage.objects.filter(slot="4").update(recipient="mas@example.hu")  # not the status: no change
    _check()
    OutboxMessage.objects.filter(slot__in=["5", "6"]).delete()
    _check()
    registration = RegistrationFactory()
    OutboxMessage.objects.bulk_create([_message(200 + n, registration=registration) for n in range(3)])
    _check()
    registration.delete()  # the messages go with it (ON DELETE CASCADE in Django)
    _check()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE menet_portal_outboxmessage SET status = %s WHERE slot = %s",
                       [OutboxStatus.SKIPPED, "7"])
        _check()
        cursor.execute("DELETE FROM menet_portal_outboxmessage WHERE slot = %s", ["8"])
        _check()
        columns = ("kind", "recipient", "subject_key", "slot", "status", "due_at", "send_after", "context", "attempts",
                   "last_error", "created_at", "updated_at")
        now = timezone.now().isoformat()
        rows = "".join(f"event_reminder\tcopy{n}@example.hu\tcopy:{n}\t{n}\tmissed\t{now}\t{now}\t{{}}\t0\t\t{now}\t{now}\n"
                       for n in range(4))
        cursor.cursor.copy_expert(f"COPY menet_portal_outboxmessage ({', '.join(columns)}) FROM STDIN",
                                  io.StringIO(rows))
    assert selectors.status_counts()[OutboxStatus.MISSED] == 4
    _check()
    deltas = OutboxStatusCount.objects.count()
    counters.compact()
    assert OutboxStatusCount.objects.count() < deltas
    assert OutboxStatusCount.objects.count() == len(_counted())
    _check()
    OutboxMessage.objects.all().delete()
    counters.compact()
    assert selectors.status_counts() == {} and not OutboxStatusCount.objects.exists()


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_no_delta():
    OutboxMessage.objects.bulk_create([_message(n) for n in range(3)])
    with pytest.raises(RuntimeError), transaction.atomic():
        OutboxMessage.objects.update(status=OutboxStatus.SENT, sent_at=timezone.now())
        raise RuntimeError
    assert selectors.status_counts() == {OutboxStatus.SCHEDULED: 3}


@pytest.mark.django_db
def test_truncate_empties_the_counts():
    OutboxMessage.objects.bulk_create([_message(n) for n in range(3)])
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks first
        cursor.execute("TRUNCATE menet_portal_outboxmessage")
    assert selectors.status_counts() == {} == _counted()


@pytest.mark.django_db(transaction=True)
def test_writers_do_not_wait_for_each_other_and_compaction_keeps_an_open_writers_delta():
    """A transaction that wrote messages and has not committed holds no lock another writer or
    the compaction needs (lock_timeout would raise), and its delta counts once it commits."""
    OutboxMessage.objects.bulk_create([_message(n) for n in range(5)])
    started, finish = threading.Event(), threading.Event()
    errors = []

    def open_writer():
        try:
            with transaction.atomic():
                OutboxMessage.objects.bulk_create([_message(100 + n) for n in range(2)])
                OutboxMessage.objects.filter(slot="0").update(status=OutboxStatus.SENT, sent_at=timezone.now())
                started.set()
                finish.wait(20)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=open_writer)
    thread.start()
    try:
        assert started.wait(20)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            OutboxMessage.objects.bulk_create([_message(200)])
            OutboxMessage.objects.filter(slot="1").update(status=OutboxStatus.FAILED)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            counters.compact()
        assert selectors.status_counts() == {OutboxStatus.SCHEDULED: 5, OutboxStatus.FAILED: 1} == _counted()
    finally:
        finish.set()
        thread.join(30)
    assert not errors
    _check()
    assert selectors.status_counts() == {OutboxStatus.SCHEDULED: 6, OutboxStatus.SENT: 1, OutboxStatus.FAILED: 1}
    counters.compact()
    _check()


@pytest.mark.django_db
def test_the_dispatcher_compacts():
    from menet_portal.notifications import outbox

    OutboxMessage.objects.bulk_create([_message(n, status=OutboxStatus.SENT) for n in range(3)])
    OutboxMessage.objects.bulk_create([_message(10 + n, status=OutboxStatus.SENT) for n in range(3)])
    assert OutboxStatusCount.objects.filter(status=OutboxStatus.SENT).count() == 2
    outbox.dispatch_due()
    assert OutboxStatusCount.objects.filter(status=OutboxStatus.SENT).count() == 1
    _check()


def _kept_and_counted(deltas, model, fields):
    """(kept, counted): {(fields…): n} from a counter's ``deltas`` and from a COUNT of ``model``."""
    from django.db.models import Sum

    width = len(fields)
    kept = {tuple(row[:width]): int(row[width]) for row in deltas.objects.values(*fields)
            .annotate(total=Sum("n")).values_list(*fields, "total").order_by() if row[width]}
    counted = {tuple(row[:width]): row[width] for row in model.objects.values(*fields)
               .annotate(total=Count("*")).values_list(*fields, "total").order_by()}
    return kept, counted


def _registration_counts():
    """(kept, counted): {(info_day_id, course_id, status): n}."""
    from participants.models import Registration, RegistrationCount

    return _kept_and_counted(RegistrationCount, Registration, ("info_day_id", "course_id", "status"))


@pytest.mark.django_db
def test_the_registration_counts_follow_the_services_bulk_writes_and_deletes():
    from participants import services
    from participants.models import Registration, RegistrationSource, RegistrationStatus
    from menet_portal.tests.factories import CourseFactory, InfoDayFactory, ParticipantFactory

    def check():
        kept, counted = _registration_counts()
        assert kept == counted

    day, course = InfoDayFactory(capacity=2, minimum=1), CourseFactory(capacity=1)
    people = [ParticipantFactory() for _ in range(4)]
    for person in people:  # two confirmed and two waitlisted for the day; one of each for the course
        services.register_participant(participant=person, event=day, source=RegistrationSource.COORDINATOR)
        check()
    for person in people[:2]:
        services.register_participant(participant=person, event=course, source=RegistrationSource.COORDINATOR)
    check()
    first = Registration.objects.filter(info_day=day, status=RegistrationStatus.CONFIRMED).first()
    services.cancel_registration(registration=first, reason="beteg")  # the first waiting is promoted
    check()
    Registration.objects.filter(course=course).update(status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now(),
                                                      cancel_reason="teszt")
    check()
    Registration.objects.filter(info_day=day, status=RegistrationStatus.WAITLISTED).delete()
    check()
    counters.compact()
    check()
    kept, _ = _registration_counts()
    assert kept[(day.pk, None, RegistrationStatus.CONFIRMED)] == 2


@pytest.mark.django_db
def test_recount_rebuilds_counts_after_a_load_without_triggers():
    from django.core.management import call_command

    OutboxMessage.objects.bulk_create([_message(n) for n in range(3)])
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # a restore's way: no triggers
        try:
            cursor.execute("UPDATE menet_portal_outboxmessage SET status = 'skipped'")
        finally:
            cursor.execute("SET session_replication_role = origin")
    assert selectors.status_counts() != _counted()
    call_command("recount", stdout=io.StringIO())
    _check()
    kept, counted = _registration_counts()
    assert kept == counted
    OutboxMessage.objects.bulk_create([_message(10)])  # the triggers are back
    _check()


def _attendance_counts():
    """(kept, counted): {(session_id, status): n}."""
    from trainings.models import Attendance, AttendanceCount

    return _kept_and_counted(AttendanceCount, Attendance, ("session_id", "status"))


@pytest.mark.django_db
def test_the_attendance_counts_follow_every_path_that_writes_a_register():
    """The evidence pages count a session's present rows from counters.ATTENDANCE: the register
    service, a change of mark, a walk-in, a queryset update, a session's deletion (cascade), raw
    SQL, compaction and ``recount`` keep them equal to a COUNT of the rows; the evidence state
    read from them is the one read from the rows."""
    from django.core.management import call_command

    from evidence.selectors import _session_proof_inputs
    from menet_portal.tests.factories import CourseFactory, RegistrationFactory, SessionFactory, StaffFactory
    from participants.models import RegistrationStatus
    from trainings import services
    from trainings.models import Attendance, AttendanceStatus, Session

    def check():
        kept, counted = _attendance_counts()
        assert kept == counted

    staff = StaffFactory()
    course = CourseFactory(capacity=5)
    now = timezone.now()
    sessions = [SessionFactory(course=course, number=n, starts_at=now - timezone.timedelta(days=10 - n),
                               ends_at=now - timezone.timedelta(days=10 - n, hours=-3)) for n in (1, 2, 3)]
    people = [RegistrationFactory(course=course, info_day=None, status=RegistrationStatus.CONFIRMED) for _ in range(4)]
    for session in sessions:
        services.record_attendance(event=session, statuses={r.pk: AttendanceStatus.PRESENT for r in people},
                                   recorded_by=staff)
        check()
    marks = {r.pk: AttendanceStatus.PRESENT for r in people}
    marks.update({people[0].pk: AttendanceStatus.ABSENT, people[1].pk: AttendanceStatus.LATE})
    services.record_attendance(event=sessions[0], statuses=marks, recorded_by=staff)
    check()
    Attendance.objects.filter(session=sessions[1], registration=people[2]).update(status=AttendanceStatus.EXCUSED)
    check()
    expected = {row[0]: row[4] for row in _session_proof_inputs(Session.objects.filter(course=course), timezone.now())}
    assert expected == {sessions[0].pk: 3, sessions[1].pk: 3, sessions[2].pk: 4}  # present or late
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM trainings_attendance WHERE session_id = %s AND registration_id = %s",
                       [sessions[2].pk, people[3].pk])
    check()
    sessions[2].delete()  # its register goes with it
    check()
    counters.compact()
    check()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute("UPDATE trainings_attendance SET status = 'absent' WHERE session_id = %s", [sessions[1].pk])
        finally:
            cursor.execute("SET session_replication_role = origin")
    assert _attendance_counts()[0] != _attendance_counts()[1]
    call_command("recount", stdout=io.StringIO())
    check()
    assert {row[0]: row[4] for row in _session_proof_inputs(Session.objects.filter(course=course), timezone.now())} \
        == {sessions[0].pk: 3, sessions[1].pk: 0}
