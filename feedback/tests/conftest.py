import datetime

import pytest
from django.utils import timezone

from menet_portal.tests import factories
from reports.tests.document_factories import ACCENTED, register_people
from trainings.models import AttendanceStatus


@pytest.fixture
def held_info_day(db):
    """An info day held yesterday with four confirmed people: three present, one absent."""
    day = factories.InfoDayFactory(date=timezone.localdate() - datetime.timedelta(days=1))
    regs = register_people(names=ACCENTED[:4], info_day=day)
    for reg in regs[:3]:
        factories.AttendanceFactory(registration=reg, status=AttendanceStatus.PRESENT)
    factories.AttendanceFactory(registration=regs[3], status=AttendanceStatus.ABSENT)
    return day, regs


@pytest.fixture
def coordinator_of(db):
    def make(library):
        return factories.CoordinatorFactory(library=library)
    return make
