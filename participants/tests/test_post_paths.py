"""The registration POST and the cancel POST (25 % and 10 % of bench/load.py's mix): the same
rules and outcomes in fewer statements — the event read once and locked once, no savepoint per
inner block, one statement per outbox notice and per advisory lock set, the participant's
constraints checked without a query each (issue 13).
"""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import EventStatus
from menet_portal.db import advisory_xact_lock, insert_unless_exists, validate_constraints
from menet_portal.notifications.models import MessageKind, OutboxMessage
from menet_portal.notifications.outbox import write_message
from menet_portal.tests.factories import (
    CoordinatorFactory, CourseFactory, InfoDayFactory, NonprofitFactory, OrganisationFactory, ParticipantFactory,
    RegistrationFactory, SessionFactory, TrainingSiteFactory,
)
from participants.models import (
    FormSubmission, Organisation, Participant, Registration, RegistrationSource, RegistrationStatus,
)
from participants.services import AlreadyRegistered, _full_clean_person, register_participant

from .factories import form_post

pytestmark = pytest.mark.django_db


def _coordinator_with_course(capacity=2, **course):
    coordinator = CoordinatorFactory()
    site = TrainingSiteFactory(library=coordinator.library)
    return coordinator, CourseFactory(site=site, capacity=capacity, **course)


def _statements(run):
    """The SQL statements ``run()`` sends (an execute_wrapper: every one, savepoints included)."""
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = run()
    return result, sent


# --- the registration POST ----------------------------------------------------------------------

def test_registration_post_reads_the_course_twice_and_sends_no_savepoint_of_its_own(client):
    """41 statements before (16 SAVEPOINT/RELEASE, the course read 4 times), now 14 in
    production: the scoped look-up of the submitted event and its lock, no savepoint (here one,
    the test transaction's around the view's block), no look-up of the new person's
    registrations."""
    coordinator, course = _coordinator_with_course(capacity=5)
    for n in range(3):  # more events in the list: the POST must not build it
        CourseFactory(site=course.site, title=f"Másik képzés {n}")
    InfoDayFactory(library=coordinator.library)
    client.force_login(coordinator)
    client.get(reverse("participants:participant_create"))
    data = form_post(event=f"course:{course.pk}")
    response, sent = _statements(lambda: client.post(reverse("participants:participant_create"), data))
    assert response.status_code == 302
    assert Registration.objects.get(course=course).status == RegistrationStatus.CONFIRMED
    course_reads = [s for s in sent if s.startswith('SELECT "trainings_course".')]
    assert len(course_reads) == 2, course_reads  # the scoped look-up, then FOR UPDATE OF the course
    assert "FOR UPDATE OF" in course_reads[1]
    assert not any(s.startswith('SELECT "events_infoday".') for s in sent)  # the event list was not built
    savepoints = [s for s in sent if s.startswith("SAVEPOINT")]
    assert len(savepoints) == 1  # the test transaction's around the view's block
    assert not any(s.startswith('SELECT "participants_registration".') for s in sent)  # a new person has none
    assert sum('"_check"' in s for s in sent) == 0  # the check constraints were evaluated in Python
    assert sum("pg_advisory_xact_lock" in s for s in sent) == 1  # e-mail and identity in one statement
    assert len(sent) <= 16, "\n".join(s[:150] for s in sent)  # 14 + the test transaction's savepoint pair


def test_registration_post_refuses_an_event_that_is_not_in_the_list(client):
    """The one look-up accepts exactly the events of the list: the user's own, open ones."""
    coordinator, course = _coordinator_with_course()
    closed = CourseFactory(site=course.site, status=EventStatus.CLOSED)
    elsewhere = CourseFactory()
    client.force_login(coordinator)
    for value in (f"course:{closed.pk}", f"course:{elsewhere.pk}", f"info_day:{course.pk}", "course:x", "bogus"):
        response = client.post(reverse("participants:participant_create"), form_post(event=value))
        assert response.status_code == 200, value
        assert "event" in response.context["form"].errors, value
        # The form comes back with the list of the user's events to choose from.
        assert f'value="course:{course.pk}"' in response.content.decode()
        assert f'value="course:{closed.pk}"' not in response.content.decode()
    assert not Participant.objects.filter(email="szoke.gyozo@example.hu").exists()


def test_registration_form_builds_the_event_list_once_when_shown(client):
    coordinator, course = _coordinator_with_course()
    InfoDayFactory(library=coordinator.library)
    client.force_login(coordinator)
    client.get(reverse("participants:participant_create"))
    response, sent = _statements(lambda: client.get(reverse("participants:participant_create")))
    assert f'value="course:{course.pk}"' in response.content.decode()
    assert sum(s.startswith('SELECT "events_infoday".') for s in sent) == 1
    assert sum(s.startswith('SELECT "trainings_course".') for s in sent) == 1


def test_registration_post_of_a_full_course_puts_the_person_on_the_waiting_list_with_a_notice(client):
    coordinator, course = _coordinator_with_course(capacity=1)
    RegistrationFactory(course=course, info_day=None)
    client.force_login(coordinator)
    response = client.post(reverse("participants:participant_create"), form_post(event=f"course:{course.pk}"))
    assert response.status_code == 302
    registration = Registration.objects.get(course=course, participant__email="szoke.gyozo@example.hu")
    assert registration.status == RegistrationStatus.WAITLISTED
    assert OutboxMessage.objects.filter(registration=registration, kind=MessageKind.REGISTRATION_WAITLISTED).count() == 1


def test_a_late_joiner_of_a_started_course_gets_the_material_link_at_once(client):
    """The receiver reads "has the course started" from the late-joiner decision instead of
    counting the sessions again; the outcome is the same as before."""
    coordinator, course = _coordinator_with_course(capacity=5)
    course.site.programme.late_join_policy = "accept_not_eligible"
    course.site.programme.save()
    SessionFactory(course=course, number=1, starts_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(coordinator)
    data = form_post(event=f"course:{course.pk}")
    response, sent = _statements(lambda: client.post(reverse("participants:participant_create"), data))
    assert response.status_code == 302
    registration = Registration.objects.get(course=course)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert set(OutboxMessage.objects.filter(registration=registration).values_list("kind", flat=True)) == {
        MessageKind.REGISTRATION_CONFIRMED, MessageKind.MATERIAL_LINK}
    assert sum('FROM "trainings_session"' in s for s in sent) == 1  # counted once, under the lock


# --- the cancel POST ------------------------------------------------------------------------------

def test_cancel_post_promotes_the_first_waiting_in_fewer_statements(client):
    """25 statements before (the course read again by the notice, its site and programme loaded
    one by one, the promoted person's row, get_or_create's four), now 16."""
    coordinator, course = _coordinator_with_course(capacity=1)
    SessionFactory(course=course, number=1)
    leaving = RegistrationFactory(course=course, info_day=None)
    now = timezone.now()
    first = RegistrationFactory(course=course, info_day=None, status=RegistrationStatus.WAITLISTED,
                                created_at=now + datetime.timedelta(seconds=1))
    RegistrationFactory(course=course, info_day=None, status=RegistrationStatus.WAITLISTED,
                        created_at=now + datetime.timedelta(seconds=2))
    client.force_login(coordinator)
    url = reverse("participants:registration_cancel", kwargs={"pk": leaving.pk})
    client.get(url)
    response, sent = _statements(lambda: client.post(url, {"reason": "Beteg lett."}))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED
    assert OutboxMessage.objects.filter(registration=first, kind=MessageKind.REGISTRATION_PROMOTED).count() == 1
    # cancel_registration's block only (a savepoint here, inside the test's transaction; none in production).
    assert sum(s.startswith("SAVEPOINT") for s in sent) == 1
    assert sum(s.startswith('SELECT "trainings_course".') for s in sent) == 1  # the lock (the scoped look-up joins it)
    assert not any('FROM "trainings_trainingsite"' in s or 'FROM "events_programme"' in s for s in sent)
    assert len(sent) <= 18, "\n".join(sent)  # 16 + the test transaction's savepoint pair


# --- the same rules under concurrency --------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_the_same_person_registered_twice_at_the_same_instant_gets_one_registration():
    """The unique (person, event) constraint is never what refuses the second: the event lock
    serialises them and the second sees the first's committed row (AlreadyRegistered)."""
    day = InfoDayFactory(capacity=5, minimum=1)
    person = ParticipantFactory()
    n = 8
    barrier = threading.Barrier(n)
    outcomes, errors = [], []

    def register():
        try:
            barrier.wait(timeout=30)
            outcomes.append(register_participant(participant=person, event=day).status)
        except AlreadyRegistered:
            outcomes.append("already")
        except Exception as exc:  # noqa: BLE001 - an IntegrityError would be a finding
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(outcomes) == ["already"] * (n - 1) + [RegistrationStatus.CONFIRMED]
    assert Registration.objects.filter(info_day=day, participant=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_statement_takes_every_advisory_lock_of_the_set():
    keys = ["participant-email:a@example.hu", "participant-identity:kovács|anna|1980|tata"]
    held = []

    def try_each():
        with connection.cursor() as cursor:
            for key in keys:
                cursor.execute("SELECT pg_try_advisory_xact_lock(hashtextextended(%s, 0))", [key])
                held.append(cursor.fetchone()[0])
        connection.close()

    with transaction.atomic():
        _result, sent = _statements(lambda: advisory_xact_lock(*keys))
        other = threading.Thread(target=try_each)
        other.start()
        other.join(timeout=30)
    assert len(sent) == 1
    assert held == [False, False]  # both locked by the first transaction


# --- one INSERT … ON CONFLICT DO NOTHING instead of get_or_create ----------------------------------

def test_write_message_writes_a_notice_once_in_one_statement():
    registration = RegistrationFactory()
    fields = dict(kind=MessageKind.REGISTRATION_CONFIRMED, recipient="a@example.hu", subject_key="registration:1",
                  slot="confirmed@x", registration=registration)
    with transaction.atomic():
        first, sent = _statements(lambda: write_message(**fields))
        second, sent_again = _statements(lambda: write_message(**fields))
    assert first is not None and first.pk and second is None
    assert len(sent) == 1 and sent[0].startswith("INSERT") and "ON CONFLICT DO NOTHING" in sent[0]
    assert len(sent_again) == 1
    row = OutboxMessage.objects.get()
    assert (row.pk, row.queued_at, row.created_at is not None) == (first.pk, first.queued_at, True)


def test_insert_unless_exists_fills_the_defaults_and_the_key():
    coordinator = CoordinatorFactory()
    submission = FormSubmission(token="t" * 30, user=coordinator)
    assert insert_unless_exists(submission) is True
    assert submission.pk and not submission._state.adding
    again = FormSubmission(token="t" * 30, user=coordinator)
    assert insert_unless_exists(again) is False and again.pk is None
    assert FormSubmission.objects.get().created_at is not None


# --- the participant's check constraints evaluated in Python, the same as in the database ----------

PARTICIPANT_CASES = [
    dict(target_group=group, organisation=org, birth_year=year)
    for group in ("citizen", "nonprofit", "business")
    for org in (None, "org")
    for year in (None, 1899, 1900, 1980, 2030, 2031)
]


def _database_errors(instance):
    try:
        instance.validate_constraints()
    except ValidationError as exc:
        return exc.message_dict
    return {}


def _python_errors(instance):
    try:
        validate_constraints(instance)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def test_python_constraint_check_agrees_with_the_database_on_participants():
    organisation = OrganisationFactory()
    for case in PARTICIPANT_CASES:
        person = ParticipantFactory.build(
            target_group=case["target_group"], birth_year=case["birth_year"],
            organisation=organisation if case["organisation"] else None,
        )
        assert _python_errors(person) == _database_errors(person), case


def test_python_constraint_check_agrees_with_the_database_on_registrations_and_organisations():
    day = InfoDayFactory()
    person = ParticipantFactory()
    now = timezone.now()
    RegistrationFactory(info_day=day, participant=person)  # the unique constraint is left to Django
    for status in RegistrationStatus.values:
        for stamps in ({}, {"cancelled_at": now}, {"confirmed_at": now}, {"hold_until": now}):
            for event in ({"info_day": day}, {"info_day": None}, {"info_day": day, "course": CourseFactory()}):
                registration = Registration(participant=person, status=status, source=RegistrationSource.COORDINATOR,
                                            created_at=now, **stamps, **event)
                assert _python_errors(registration) == _database_errors(registration), (status, stamps, event)
    for kind, size_band, tax in (("company", "", "1"), ("association", "micro", "12345678-1-12"),
                                 ("association", "", "12345678-1-12")):
        organisation = Organisation(name="X", kind=kind, size_band=size_band, tax_number=tax, settlement="Tata")
        assert _python_errors(organisation) == _database_errors(organisation), (kind, size_band, tax)


def test_python_constraint_check_skips_a_constraint_on_an_excluded_field_as_django_does():
    person = ParticipantFactory.build(birth_year=1800, target_group="nonprofit", organisation=None)
    with pytest.raises(ValidationError) as caught:
        validate_constraints(person, exclude={"birth_year"})
    database = {}
    try:
        person.validate_constraints(exclude={"birth_year"})
    except ValidationError as exc:
        database = exc.message_dict
    assert caught.value.message_dict == database
    assert len(database["__all__"]) == 1  # the organisation rule only


def test_the_person_is_checked_exactly_like_full_clean():
    """``_full_clean_person`` leaves out only the existence look-ups of relations already loaded:
    the errors are those of ``full_clean``, field by field."""
    nonprofit = NonprofitFactory()
    cases = [
        dict(),
        dict(email="nem-email", birth_year=1800),
        dict(target_group="nonprofit"),  # no organisation
        dict(target_group="citizen", organisation=nonprofit, birth_year=2031),
        dict(family_name="", target_group="business", organisation=nonprofit),
        dict(phone="x" * 40, settlement=""),
    ]
    for case in cases:
        person = ParticipantFactory.build(**case)
        expected = actual = {}
        try:
            person.full_clean()
        except ValidationError as exc:
            expected = exc.message_dict
        try:
            _full_clean_person(person)
        except ValidationError as exc:
            actual = exc.message_dict
        assert actual == expected, case


def test_the_person_check_still_refuses_a_relation_that_is_not_in_the_database():
    person = ParticipantFactory.build(organisation=None)
    person.county_id = 987654  # no such county, and no loaded instance: looked up as before
    with pytest.raises(ValidationError) as caught:
        _full_clean_person(person)
    assert "county" in caught.value.message_dict


def test_the_participant_constraint_conditions_are_ones_python_evaluates():
    """If a condition changes shape (an expression, text ordering), the check falls back to the
    database; this test says when the participant's own two stop being evaluated in Python."""
    from menet_portal.db import _condition_holds

    person = ParticipantFactory.build()
    for constraint in Participant._meta.constraints:
        assert _condition_holds(constraint.condition, person, set()) is True, constraint.name


# --- promotion reads a long waiting list a batch at a time -----------------------------------------

def _course_one_session_left(capacity=1):
    """Three of four sessions held: a newcomer can no longer complete (REFUSE), someone who
    attended all three can."""
    from events.models import LateJoinPolicy
    from menet_portal.tests.factories import ProgrammeFactory

    course = CourseFactory(site__programme=ProgrammeFactory(late_join_policy=LateJoinPolicy.REFUSE),
                           capacity=capacity)
    now = timezone.now()
    sessions = [SessionFactory(course=course, number=n, starts_at=now - datetime.timedelta(days=7 * (4 - n)))
                for n in (1, 2, 3)]
    return course, sessions


def test_promotion_passes_over_a_long_queue_of_people_who_can_no_longer_complete():
    """25 refused newcomers, then someone who attended the three sessions held: they get the
    place and the 25 are reported passed over, across the batches of the queue."""
    from participants.services import PROMOTION_BATCH, cancel_registration
    from trainings.models import Attendance, AttendanceStatus

    course, sessions = _course_one_session_left()
    leaving = RegistrationFactory(course=course, info_day=None)
    start = timezone.now()
    newcomers = [RegistrationFactory(course=course, info_day=None, status=RegistrationStatus.WAITLISTED,
                                     created_at=start + datetime.timedelta(seconds=n)) for n in range(25)]
    assert len(newcomers) > PROMOTION_BATCH
    returning = RegistrationFactory(course=course, info_day=None, status=RegistrationStatus.WAITLISTED,
                                    created_at=start + datetime.timedelta(seconds=30))
    later = RegistrationFactory(course=course, info_day=None, status=RegistrationStatus.WAITLISTED,
                                created_at=start + datetime.timedelta(seconds=31))
    for session in sessions:
        Attendance.objects.create(registration=returning, session=session, status=AttendanceStatus.PRESENT)
    promotion = cancel_registration(registration=leaving, reason="Elköltözött.")
    assert [r.pk for r in promotion] == [returning.pk]
    assert [r.pk for r in promotion.skipped] == [r.pk for r in newcomers]
    assert "25 főt nem léptettünk elő" in promotion.message
    statuses = dict(Registration.objects.filter(course=course).values_list("pk", "status"))
    assert statuses[returning.pk] == RegistrationStatus.CONFIRMED
    assert statuses[later.pk] == RegistrationStatus.WAITLISTED
    assert all(statuses[r.pk] == RegistrationStatus.WAITLISTED for r in newcomers)


def test_promotion_fills_every_free_place_in_queue_order_across_batches():
    from participants.services import change_capacity

    course = CourseFactory(capacity=1)
    RegistrationFactory(course=course, info_day=None)
    start = timezone.now()
    waiting = [RegistrationFactory(course=course, info_day=None, status=RegistrationStatus.WAITLISTED,
                                   created_at=start + datetime.timedelta(seconds=n % 7, microseconds=n))
               for n in range(45)]
    promoted = change_capacity(event=course, capacity=31)
    queue = sorted(waiting, key=lambda r: (r.created_at, r.pk))
    assert [r.pk for r in promoted] == [r.pk for r in queue[:30]]
    assert Registration.objects.filter(course=course, status=RegistrationStatus.CONFIRMED).count() == 31


def test_cancel_reads_only_a_batch_of_a_long_waiting_list():
    from participants.services import PROMOTION_BATCH, cancel_registration

    course = CourseFactory(capacity=1)
    leaving = RegistrationFactory(course=course, info_day=None)
    start = timezone.now()
    queue = [RegistrationFactory(course=course, info_day=None, status=RegistrationStatus.WAITLISTED,
                                 created_at=start + datetime.timedelta(seconds=n)) for n in range(200)]
    promotion, sent = _statements(lambda: cancel_registration(registration=leaving, reason="Elköltözött."))
    assert [r.pk for r in promotion] == [queue[0].pk]
    read = [s for s in sent if s.startswith('SELECT "participants_registration".') and "FOR UPDATE" in s]
    assert len(read) == 2 and f"LIMIT {PROMOTION_BATCH}" in read[1]  # the cancelled row, then one batch
