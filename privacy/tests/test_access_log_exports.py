"""Every export that names people writes one access-log entry linked to each of them once: the
registration list (a person registered for an info day and a course is one person, not a 500),
the selected registrations and the attendance list."""

import pytest
from django.urls import reverse

from menet_portal.tests.factories import (
    AttendanceFactory, CourseFactory, InfoDayFactory, ParticipantFactory, RegistrationFactory, SessionFactory,
    TrainingSiteFactory,
)
from privacy.models import AccessAction, AccessLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def twice(coordinator):
    """One person registered for the library's info day and its course, another for the info day."""
    day = InfoDayFactory(library=coordinator.library)
    course = CourseFactory(site=TrainingSiteFactory(library=coordinator.library))
    session = SessionFactory(course=course, number=1)
    both, once = ParticipantFactory(family_name="Kétszer"), ParticipantFactory(family_name="Egyszer")
    for registration in (RegistrationFactory(participant=both, info_day=day),
                         RegistrationFactory(participant=both, info_day=None, course=course),
                         RegistrationFactory(participant=once, info_day=day)):
        AttendanceFactory(registration=registration, session=session if registration.course_id else None)
    RegistrationFactory()  # another library's
    return {both, once}


def _entry():
    entry = AccessLogEntry.objects.get()
    through = entry.participants.through.objects.filter(accesslogentry_id=entry.pk)
    return entry, sorted(through.values_list("participant_id", flat=True))


@pytest.mark.parametrize("who", ["staff", "coordinator"])
@pytest.mark.parametrize("url_name", ["participants:registration_list", "reports:attendance_list"])
def test_an_export_logs_each_person_once(login, request, twice, who, url_name):
    client = login(request.getfixturevalue(who))
    response = client.get(reverse(url_name), {"format": "csv"})
    assert response.status_code == 200
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    entry, people = _entry()
    assert entry.action == AccessAction.EXPORT and "csv" in entry.description
    expected = sorted(p.pk for p in twice) if who == "coordinator" else sorted(
        set(people) | {p.pk for p in twice})
    assert people == expected and entry.person_count == len(people)
    assert len(rows) - 1 >= len(people)  # the header, then a row per registration or attendance


def test_the_selected_registrations_export_logs_each_person_once(login, coordinator, twice):
    from participants.models import Registration

    client = login(coordinator)
    ids = list(Registration.objects.filter(participant__in=twice).values_list("pk", flat=True))
    response = client.post(reverse("participants:registration_bulk"), {"ids": ids, "action": "csv"})
    assert response.status_code == 200
    _entry_, people = _entry()
    assert people == sorted(p.pk for p in twice)
