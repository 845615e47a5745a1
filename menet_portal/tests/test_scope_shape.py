"""scope.participants_for: the UNION ALL shape keeps exactly the people the old OR shape gave.

The old shape (``id IN (registrations of the library's info days OR courses) OR
registering_library``) is written out here as the reference; on seeded data every coordinator
and trainer must see the same set with the new one, and the list, detail and counts agree.
"""

import pytest
from django.core.management import call_command
from django.db.models import Q

from events.models import InfoDay
from menet_portal.models import Role, User
from menet_portal.scope import participants_for
from menet_portal.tests.factories import (
    CoordinatorFactory, CourseFactory, InfoDayFactory, ParticipantFactory, RegistrationFactory,
)
from participants.models import Participant, Registration
from trainings.models import Course

pytestmark = pytest.mark.django_db


def _old_shape(user):
    if user.role == Role.TRAINER:
        events = Q(course_id__in=Course.objects.filter(trainers=user).values("pk"))
    else:
        events = Q(info_day_id__in=InfoDay.objects.filter(library_id=user.library_id).values("pk")) | Q(
            course_id__in=Course.objects.filter(site__library_id=user.library_id).values("pk"))
    condition = Q(pk__in=Registration.objects.filter(events).values("participant_id"))
    if user.role == Role.COORDINATOR:
        condition |= Q(registering_library_id=user.library_id)
    return Participant.objects.filter(condition)


def test_every_coordinator_and_trainer_sees_the_same_people_as_with_the_or_shape():
    call_command("seed_demo", participants=400, events=30, verbosity=0)
    users = list(User.objects.filter(role__in=[Role.COORDINATOR, Role.TRAINER]))
    assert len(users) > 5
    seen_any = 0
    for user in users:
        old = set(_old_shape(user).values_list("pk", flat=True))
        new = participants_for(user)
        assert set(new.values_list("pk", flat=True)) == old, user.username
        assert new.count() == len(old), user.username  # the paginator's COUNT: no duplicates from the union
        assert new.filter(target_group="citizen").count() == _old_shape(user).filter(target_group="citizen").count()
        seen_any += bool(old)
    assert seen_any > 3


def test_each_branch_of_the_union_counts_and_nothing_else():
    coordinator = CoordinatorFactory()
    library = coordinator.library
    by_info_day = ParticipantFactory()
    RegistrationFactory(participant=by_info_day, info_day=InfoDayFactory(library=library))
    by_course = ParticipantFactory()
    RegistrationFactory(participant=by_course, course=CourseFactory(site__library=library), info_day=None)
    by_library = ParticipantFactory(registering_library=library)
    twice = ParticipantFactory(registering_library=library)  # in two branches: counted once
    RegistrationFactory(participant=twice, info_day=InfoDayFactory(library=library))
    elsewhere = ParticipantFactory()
    RegistrationFactory(participant=elsewhere, info_day=InfoDayFactory())
    RegistrationFactory(participant=elsewhere, course=CourseFactory(), info_day=None)
    visible = participants_for(coordinator)
    assert set(visible) == {by_info_day, by_course, by_library, twice}
    assert visible.count() == 4
    assert visible.filter(pk=elsewhere.pk).exists() is False
    assert visible.filter(pk=twice.pk).count() == 1


def test_the_coordinator_scope_is_a_union_not_an_or_across_the_subquery():
    """The shape itself (what the planner gets): ``id IN (… UNION ALL …)`` without an OR; the
    OR shape scanned every registration and every participant at 100,000 people."""
    coordinator = CoordinatorFactory()
    sql = str(participants_for(coordinator).query)
    assert sql.count("UNION ALL") == 2
    assert " OR " not in sql


def test_a_persons_registrations_are_registrations_for_that_person_for_every_user():
    """scope.person_registrations_for (the person's page, the list's event filter) is
    registrations_for narrowed to one person, for staff, coordinators, trainers and the funder:
    a person registered at two libraries shows each coordinator only their own library's row."""
    from menet_portal.scope import person_registrations_for, registrations_for
    from menet_portal.tests.factories import FunderFactory, StaffFactory

    call_command("seed_demo", participants=300, events=20, verbosity=0)
    coordinator = CoordinatorFactory()
    twice = ParticipantFactory()
    own = RegistrationFactory(participant=twice, info_day=InfoDayFactory(library=coordinator.library))
    RegistrationFactory(participant=twice, course=CourseFactory(), info_day=None)  # another library's course
    assert list(person_registrations_for(coordinator, twice)) == [own]

    users = [*User.objects.filter(role__in=[Role.COORDINATOR, Role.TRAINER]), StaffFactory(), FunderFactory()]
    people = list(Participant.objects.filter(registrations__isnull=False).distinct()[:40]) + [twice]
    for user in users:
        for person in people:
            expected = set(registrations_for(user).filter(participant=person).values_list("pk", flat=True))
            assert set(person_registrations_for(user, person).values_list("pk", flat=True)) == expected, (
                user.username, person.pk)


def test_sessions_are_the_sessions_of_the_users_courses_once_each():
    """scope.sessions_for filters on its joins (no ``course IN (courses_for …)`` subquery): for
    every coordinator, trainer (a course with two trainers included), staff, the funder and an
    inactive user it is exactly the sessions of ``courses_for(user)``, each once."""
    from menet_portal.scope import courses_for, sessions_for
    from menet_portal.tests.factories import FunderFactory, SessionFactory, StaffFactory, TrainerFactory
    from trainings.models import Session

    call_command("seed_demo", participants=100, events=20, verbosity=0)
    shared = CourseFactory()
    SessionFactory(course=shared)
    first, second = TrainerFactory(), TrainerFactory()
    shared.trainers.add(first, second)
    inactive = CoordinatorFactory(is_active=False)
    users = [*User.objects.filter(role__in=[Role.COORDINATOR, Role.TRAINER]), StaffFactory(), FunderFactory(), inactive]
    seen = 0
    for user in users:
        expected = set(Session.objects.filter(course__in=courses_for(user).values("pk")).values_list("pk", flat=True))
        got = list(sessions_for(user).values_list("pk", flat=True))
        assert len(got) == len(set(got)) and set(got) == expected, user.username
        seen += bool(got)
    assert seen > 3 and not sessions_for(inactive).exists()
    assert sessions_for(first).filter(course=shared).count() == shared.sessions.count()
