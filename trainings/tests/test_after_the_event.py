"""Attendance keyed in after the event: walk-ins on a held info day, waiting people who came."""

import pytest
from django.urls import reverse

from events.models import EventStatus
from menet_portal.tests.factories import CoordinatorFactory, RegistrationFactory, TrainerFactory, get_county
from participants.models import Participant, Registration, RegistrationSource, RegistrationStatus
from participants.services import availability
from trainings import services
from trainings.models import Attendance
from trainings.tests.factories import past_info_day, past_session

pytestmark = pytest.mark.django_db


def _walk_in_post(**overrides):
    data = {"add_walk_in": "1", "family_name": "Csonka", "given_name": "Réka", "birth_year": "1988",
            "settlement": "Eger", "county": str(get_county("Heves").pk), "email": "csonka.reka@example.hu",
            "phone": "06 30 123 4567", "target_group": "citizen", "consent": "on"}
    data.update(overrides)
    return data


def test_walk_in_keyed_after_the_info_day_is_held(login):
    info_day = past_info_day(status=EventStatus.HELD, capacity=30)
    coordinator = CoordinatorFactory(library=info_day.library)
    response = login(coordinator).post(reverse("trainings:info_day_register", args=[info_day.pk]), _walk_in_post())
    assert response.status_code == 302
    reg = Registration.objects.get(participant__family_name="Csonka")
    assert reg.status == RegistrationStatus.CONFIRMED and reg.source == RegistrationSource.WALK_IN
    assert reg.registered_by == coordinator and reg.confirmed_at is not None
    attendance = Attendance.objects.get(registration=reg)
    assert attendance.status == "present" and attendance.recorded_by == coordinator and attendance.recorded_at


def test_walk_in_on_a_full_held_day_is_refused_beside_the_form(login):
    info_day = past_info_day(status=EventStatus.HELD, capacity=1, minimum=1)
    RegistrationFactory(info_day=info_day)
    coordinator = CoordinatorFactory(library=info_day.library)
    response = login(coordinator).post(reverse("trainings:info_day_register", args=[info_day.pk]), _walk_in_post())
    html = response.content.decode()
    assert response.status_code == 200
    walk_in = html[html.index('id="walk-in"'):]
    assert "betelt" in walk_in[:walk_in.index("</form>")]  # inside the walk-in card, not at the top
    assert 'action="#walk-in"' in html
    assert not Participant.objects.filter(family_name="Csonka").exists()


def test_waiting_person_who_came_is_confirmed_and_marked_present(login):
    info_day = past_info_day(status=EventStatus.HELD, capacity=2, minimum=1)
    RegistrationFactory(info_day=info_day)
    first = RegistrationFactory(info_day=info_day, status=RegistrationStatus.WAITLISTED)
    came = RegistrationFactory(info_day=info_day, status=RegistrationStatus.WAITLISTED)
    coordinator = CoordinatorFactory(library=info_day.library)
    client = login(coordinator)
    url = reverse("trainings:info_day_register", args=[info_day.pk])
    page = client.get(url).content.decode()
    assert "Várólistán" in page and came.participant.full_name in page
    assert client.post(url, {"confirm_waiting": came.pk}).status_code == 302
    came.refresh_from_db(), first.refresh_from_db()
    assert came.status == RegistrationStatus.CONFIRMED and first.status == RegistrationStatus.WAITLISTED
    assert Attendance.objects.get(registration=came).status == "present"
    # Full now: the next one who "came" is refused beside the list, nothing changes.
    response = client.post(url, {"confirm_waiting": first.pk})
    assert response.status_code == 200 and 'id="waiting-error"' in response.content.decode()
    first.refresh_from_db()
    assert first.status == RegistrationStatus.WAITLISTED and availability(info_day).confirmed == 2


def test_waiting_trainee_who_came_to_a_session(login):
    trainer = TrainerFactory()
    session = past_session(days_ago=0)
    session.course.trainers.add(trainer)
    waiting = RegistrationFactory(info_day=None, course=session.course, status=RegistrationStatus.WAITLISTED)
    registration = services.confirm_waiting_attendee(event=session, registration=waiting, recorded_by=trainer)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert Attendance.objects.get(registration=registration, session=session).status == "present"
