"""The registration list's "N találat" for staff comes from the database-kept counts when only
event and status filter it, and equals a COUNT of the rows shown page by page on every filter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from menet_portal.tests.factories import (
    CourseFactory, InfoDayFactory, ParticipantFactory, RegistrationFactory, StaffFactory,
)
from participants import selectors
from participants.models import RegistrationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrations():
    day, other, course = InfoDayFactory(capacity=50), InfoDayFactory(capacity=50), CourseFactory(capacity=50)
    for n in range(7):
        RegistrationFactory(info_day=day, participant=ParticipantFactory(family_name=f"Kiss{n}"),
                            status=RegistrationStatus.CONFIRMED if n < 5 else RegistrationStatus.WAITLISTED)
    RegistrationFactory(info_day=other, status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now(),
                        cancel_reason="beteg", participant=ParticipantFactory(family_name="Nagy"))
    RegistrationFactory(info_day=None, course=course, participant=ParticipantFactory(family_name="Kiss Éva"))
    return day, other, course


def test_the_count_is_right_on_every_filter_and_read_from_the_kept_counts(login, registrations):
    day, other, course = registrations
    client = login(StaffFactory())
    url = reverse("participants:registration_list")
    for params, expected, kept in [
        ({}, 9, True), ({"status": "confirmed"}, 6, True), ({"info_day": day.pk}, 7, True),
        ({"info_day": day.pk, "status": "waitlisted"}, 2, True), ({"course": course.pk}, 1, True),
        ({"status": "cancelled"}, 1, True), ({"q": "Kiss"}, 8, False), ({"target_group": "citizen"}, None, False),
    ]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200
        paginator = response.context["page_obj"].paginator
        rows = response.context["filter"].qs.count()
        assert paginator.count == rows, params
        if expected is not None:
            assert rows == expected, params
        counted = [q["sql"] for q in queries if 'COUNT(*) AS "__count" FROM "participants_registration"' in q["sql"]]
        assert (not counted) == kept, (params, counted)


def test_a_coordinator_list_is_counted_not_read_from_the_kept_counts(coordinator):
    assert selectors.known_registration_count(coordinator, {}) is None
    assert selectors.known_registration_count(StaffFactory(), {"q": "x"}) is None
    assert selectors.known_registration_count(StaffFactory(), {"sort": "queue"}) == 0
