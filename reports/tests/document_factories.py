"""Factories for the report tests: events with named, accented participants."""

import datetime

from django.utils import timezone

from menet_portal.tests.factories import (  # noqa: F401
    AttendanceFactory,
    CourseFactory,
    InfoDayFactory,
    NonprofitFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProgrammeFactory,
    RegistrationFactory,
    SessionFactory,
)
from participants.models import RegistrationStatus, TargetGroup
from trainings.models import AttendanceStatus

ACCENTED = [
    ("Őri", "Győző"), ("Űrös", "Ödön"), ("Czakó", "Éva"), ("Csizmadia", "Ágnes"), ("Cukor", "Ünige"),
    ("Szűcs", "Őzike"), ("Özvegy", "Tünde"), ("Ősz", "Ildikó"), ("Zsigmond", "Örs"), ("Kovács", "Ábel"),
]


def register_people(*, names, target_group=TargetGroup.CITIZEN, **event):
    regs = []
    for family, given in names:
        extra = {}
        if target_group == TargetGroup.NONPROFIT:
            extra["organisation"] = NonprofitFactory()
        elif target_group == TargetGroup.BUSINESS:
            extra["organisation"] = OrganisationFactory()
        p = ParticipantFactory(family_name=family, given_name=given, target_group=target_group, **extra)
        regs.append(RegistrationFactory(participant=p, status=RegistrationStatus.CONFIRMED, **event))
    return regs


def course_with_sessions(**kwargs):
    course = CourseFactory(**kwargs)
    start = timezone.make_aware(datetime.datetime(2026, 11, 24, 9, 0))
    sessions = [
        SessionFactory(course=course, number=n, starts_at=start + datetime.timedelta(days=7 * (n - 1)),
                       ends_at=start + datetime.timedelta(days=7 * (n - 1), hours=4), topic=f"Ügyfélkapu+ {n}")
        for n in range(1, 5)
    ]
    return course, sessions


def attend_all(registration, sessions, late=0):
    for i, s in enumerate(sessions):
        AttendanceFactory(registration=registration, session=s,
                          status=AttendanceStatus.LATE if i < late else AttendanceStatus.PRESENT)
