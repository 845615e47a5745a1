import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from menet_portal.tests.factories import CourseFactory, SessionFactory
from trainings.models import Session

pytestmark = pytest.mark.django_db


def _session(course, number):
    start = timezone.now()
    return Session(course=course, number=number, starts_at=start, ends_at=start + datetime.timedelta(hours=4))


@pytest.mark.parametrize("number", [0, 5])
def test_session_number_out_of_range_is_rejected_by_the_database(number):
    course = CourseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        _session(course, number).save()


def test_session_number_is_unique_per_course():
    session = SessionFactory(number=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        _session(session.course, 2).save()
    _session(CourseFactory(), 2).save()  # another course may have its own session 2


def test_session_must_end_after_it_starts():
    course = CourseFactory()
    start = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(course=course, number=1, starts_at=start, ends_at=start)
