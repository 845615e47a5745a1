"""Every other path that changes an info day, a course or a session keeps the same rules:
the Django admin (exceptional repairs) and the services called from code."""

import datetime

import pytest
from django.urls import reverse

from menet_portal.models import MessageKind, OutboxMessage, Role
from menet_portal.tests.factories import (
    CourseFactory,
    InfoDayFactory,
    RegistrationFactory,
    SessionFactory,
    UserFactory,
)
from trainings.services import reschedule_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role=Role.STAFF, is_staff=True))
    return client


def _info_day_admin_post(day, **overrides):
    data = {
        "programme": day.programme.pk, "region": day.region.pk, "library": day.library.pk, "title": day.title,
        "description": "", "date": day.date.isoformat(), "start_time": "09:00", "end_time": "13:00",
        "room": day.room, "minimum": day.minimum, "capacity": day.capacity,
    }
    data.update(overrides)
    return data


def test_admin_capacity_keeps_the_rule_and_status_is_read_only(admin_client):
    day = InfoDayFactory(capacity=20, minimum=1)
    RegistrationFactory.create_batch(3, info_day=day)
    url = reverse("admin:events_infoday_change", args=[day.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="status"' not in html
    response = admin_client.post(url, _info_day_admin_post(day, capacity="2", status="cancelled"))
    assert "3 fő már visszaigazolt, a létszám nem lehet kevesebb 3-nál." in response.content.decode()
    day.refresh_from_db()
    assert day.capacity == 20 and day.status == "open"


def test_admin_end_before_start_is_a_hungarian_message_beside_the_field(admin_client):
    day = InfoDayFactory()
    response = admin_client.post(reverse("admin:events_infoday_change", args=[day.pk]),
                                 _info_day_admin_post(day, start_time="13:00", end_time="09:00"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "A befejezés nem lehet korábbi a kezdésnél (13:00), és nem is eshet egybe vele." in html and "megszorítás" not in html


def test_admin_moving_an_info_day_notifies_the_registered_people(admin_client):
    day = InfoDayFactory()
    RegistrationFactory.create_batch(2, info_day=day)
    new_date = day.date + datetime.timedelta(days=7)
    response = admin_client.post(reverse("admin:events_infoday_change", args=[day.pk]),
                                 _info_day_admin_post(day, date=new_date.isoformat()))
    assert response.status_code == 302
    assert OutboxMessage.objects.filter(kind=MessageKind.EVENT_RESCHEDULED, info_day=day).count() == 2
    assert day.history.first().history_user is not None


def test_admin_moving_a_session_notifies_the_trainees(admin_client):
    course = CourseFactory()
    session = SessionFactory(course=course, number=1)
    RegistrationFactory.create_batch(2, info_day=None, course=course)
    day = (session.starts_at + datetime.timedelta(days=1)).date().isoformat()
    response = admin_client.post(reverse("admin:trainings_session_change", args=[session.pk]), {
        "number": "1", "starts_at_0": day, "starts_at_1": "09:00", "ends_at_0": day, "ends_at_1": "13:00",
        "room": "", "topic": "",
    })
    assert response.status_code == 302, [l for l in response.content.decode().splitlines() if "errorlist" in l or "errornote" in l]
    assert OutboxMessage.objects.filter(kind=MessageKind.EVENT_RESCHEDULED, course=course).count() == 2


def test_reschedule_session_from_code_notifies_once_per_person_per_change():
    course = CourseFactory()
    session = SessionFactory(course=course, number=2)
    RegistrationFactory(info_day=None, course=course)
    start = session.starts_at + datetime.timedelta(days=2)
    reschedule_session(session=session, starts_at=start, ends_at=start + datetime.timedelta(hours=4))
    reschedule_session(session=session, starts_at=start, ends_at=start + datetime.timedelta(hours=4))  # no change
    assert OutboxMessage.objects.filter(kind=MessageKind.EVENT_RESCHEDULED).count() == 1
    session.refresh_from_db()
    assert session.starts_at == start and session.history.count() == 2
