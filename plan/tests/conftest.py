"""A programme of 2026 with a known schedule: 3 of 7 info days and 2 of 10 courses set up."""

import datetime

import pytest

from events.models import EventStatus
from menet_portal.tests.factories import AttendanceFactory, InfoDayFactory, ProgrammeFactory, TrainingSiteFactory
from menet_portal.tests.outbox_helpers import local
from reports.tests.document_factories import ACCENTED, CourseFactory, SessionFactory, register_people
from trainings.models import AttendanceStatus


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    settings.REPORTS_ARCHIVE_ROOT = tmp_path / "report-archive"


def _course(site, first, status=EventStatus.OPEN):
    course = CourseFactory(site=site, status=status)
    sessions = [SessionFactory(course=course, number=n, starts_at=first + datetime.timedelta(days=7 * (n - 1)),
                               ends_at=first + datetime.timedelta(days=7 * (n - 1), hours=4)) for n in range(1, 5)]
    return course, sessions


@pytest.fixture
def year_programme():
    """2026: 7 info days and 10 trainings committed; 3 days and 2 courses scheduled so far."""
    programme = ProgrammeFactory(start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 12, 31))
    feb = InfoDayFactory(programme=programme, date=datetime.date(2026, 2, 10), status=EventStatus.HELD)
    InfoDayFactory(programme=programme, date=datetime.date(2026, 5, 12))
    InfoDayFactory(programme=programme, date=datetime.date(2026, 9, 8))
    site = TrainingSiteFactory(programme=programme)
    march, march_sessions = _course(site, local(2026, 3, 2, 9, 0))
    _course(site, local(2026, 10, 5, 9, 0))
    for reg in register_people(names=ACCENTED * 3, info_day=feb):  # 30 came
        AttendanceFactory(registration=reg)
    trainees = register_people(names=ACCENTED[:9] + ACCENTED[:3], info_day=None, course=march)  # 12 of 15
    for reg in trainees:
        for session in march_sessions:
            AttendanceFactory(registration=reg, session=session, status=AttendanceStatus.PRESENT)
    return programme


