"""A small programme with a known mix of events, people, registrations and attendance."""

import datetime
import random

from django.utils import timezone

from events.models import EventStatus, Region
from menet_portal.tests.factories import (
    AttendanceFactory,
    CourseFactory,
    InfoDayFactory,
    NonprofitFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProgrammeFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingSiteFactory,
    get_region,
)
from participants.models import RegistrationSource, RegistrationStatus, TargetGroup
from trainings.models import AttendanceStatus


def course_with_sessions(*, site, starts, status=EventStatus.OPEN, capacity=15):
    """A course whose four weekly sessions start at ``starts``."""
    course = CourseFactory(site=site, status=status, capacity=capacity)
    sessions = [
        SessionFactory(course=course, number=n, starts_at=starts + datetime.timedelta(days=7 * (n - 1)))
        for n in range(1, 5)
    ]
    return course, sessions


def participant(group, rng=None):
    if group == TargetGroup.NONPROFIT:
        return ParticipantFactory(target_group=group, organisation=NonprofitFactory())
    if group == TargetGroup.BUSINESS:
        return ParticipantFactory(target_group=group, organisation=OrganisationFactory())
    return ParticipantFactory(target_group=group)


def mixed_programme(seed=5, people=40):
    """Info days (held, upcoming, cancelled) in three regions, courses (held, running, cancelled)
    at two sites, and ``people`` participants registered at random with random attendance."""
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    programme = ProgrammeFactory()
    get_region()  # re-seeds the regions after a transactional test's flush
    regions = list(Region.objects.order_by("position")[:3])
    held_day = InfoDayFactory(programme=programme, region=regions[0], date=today - datetime.timedelta(days=20),
                              status=EventStatus.HELD)
    past_day = InfoDayFactory(programme=programme, region=regions[1], date=today - datetime.timedelta(days=3),
                              status=EventStatus.CLOSED)
    next_day = InfoDayFactory(programme=programme, region=regions[2], date=today + datetime.timedelta(days=5))
    site1 = TrainingSiteFactory(programme=programme)
    site2 = TrainingSiteFactory(programme=programme)
    done, done_sessions = course_with_sessions(site=site1, starts=now - datetime.timedelta(days=40))
    running, running_sessions = course_with_sessions(site=site2, starts=now - datetime.timedelta(days=10))
    later, _ = course_with_sessions(site=site2, starts=now + datetime.timedelta(days=10))
    cancelled, _ = course_with_sessions(site=site1, starts=now + datetime.timedelta(days=30),
                                        status=EventStatus.CANCELLED)
    info_days = [held_day, past_day, next_day]
    courses = [done, running, later, cancelled]
    past_sessions = {done.pk: done_sessions, running.pk: running_sessions[:2]}
    groups = list(TargetGroup)
    statuses = [RegistrationStatus.CONFIRMED] * 6 + [RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED]
    for _ in range(people):
        person = participant(rng.choice(groups))
        for event in rng.sample(info_days + courses, 2):
            is_day = event in info_days
            status = rng.choice(statuses)
            reg = RegistrationFactory(
                participant=person, info_day=event if is_day else None, course=None if is_day else event,
                status=status, source=RegistrationSource.COORDINATOR,
                cancelled_at=now if status == RegistrationStatus.CANCELLED else None,
            )
            if is_day and event.date < today and rng.random() < 0.9:
                AttendanceFactory(registration=reg, session=None, status=rng.choice(list(AttendanceStatus)))
            for session in past_sessions.get(event.pk, []):
                if rng.random() < 0.9:
                    AttendanceFactory(registration=reg, session=session, status=rng.choices(
                        list(AttendanceStatus), [70, 15, 5, 10])[0])
    return programme
