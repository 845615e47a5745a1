"""The Django admin keeps the capacity rules: it changes a place only through the services."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from menet_portal.notifications.models import MessageKind, OutboxMessage
from menet_portal.tests.factories import InfoDayFactory, ParticipantFactory, RegistrationFactory, StaffFactory
from participants.models import Registration, RegistrationStatus
from participants.services import availability, cancel_registration, register_participant

pytestmark = pytest.mark.django_db


def _full_day_with_waiting(capacity=3, waiting=2):
    day = InfoDayFactory(capacity=capacity, minimum=1)
    regs = [register_participant(participant=ParticipantFactory(), event=day) for _ in range(capacity + waiting)]
    return day, regs


@pytest.fixture
def admin_client(client):
    client.force_login(StaffFactory(is_staff=True))
    return client


def _change_url(registration):
    return reverse("admin:participants_registration_change", args=[registration.pk])


def _changelist():
    return reverse("admin:participants_registration_changelist")


def test_admin_change_form_cannot_set_a_cancelled_registration_back_to_confirmed(admin_client):
    day, regs = _full_day_with_waiting()
    cancel_registration(registration=regs[0], reason="Beteg lett.")  # promotes regs[3]
    cancelled = Registration.objects.get(pk=regs[0].pk)
    page = admin_client.get(_change_url(cancelled))
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "status" not in form.fields and "info_day" not in form.fields and "confirmed_at" not in form.fields
    admin_client.post(_change_url(cancelled), {
        "participant": cancelled.participant_id, "info_day": day.pk, "status": "confirmed",
        "source": cancelled.source, "created_at_0": "2026-01-01", "created_at_1": "10:00",
    })
    cancelled.refresh_from_db()
    assert cancelled.status == RegistrationStatus.CANCELLED
    assert availability(day).confirmed == 3


def test_admin_cannot_add_or_delete_registrations_directly(admin_client):
    registration = RegistrationFactory()
    assert admin_client.get(reverse("admin:participants_registration_add")).status_code == 403
    assert admin_client.post(reverse("admin:participants_registration_delete", args=[registration.pk]),
                             {"post": "yes"}).status_code == 403
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_participant_admin_inline_is_read_only(admin_client):
    registration = RegistrationFactory()
    page = admin_client.get(reverse("admin:participants_participant_change", args=[registration.participant_id]))
    formset = page.context["inline_admin_formsets"][0]
    assert formset.has_add_permission is False and formset.has_delete_permission is False
    assert "status" not in formset.formset.forms[0].fields


def test_admin_cancel_action_asks_a_reason_then_promotes_and_notifies(admin_client, django_capture_on_commit_callbacks):
    day, regs = _full_day_with_waiting()
    data = {"action": "cancel_registrations", "_selected_action": [regs[0].pk]}
    page = admin_client.post(_changelist(), data)
    assert page.status_code == 200 and "lemondás oka" in page.content.decode().lower()
    regs[0].refresh_from_db()
    assert regs[0].status == RegistrationStatus.CONFIRMED  # nothing happens before the reason is given
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(_changelist(), {**data, "apply": "1", "reason": "Telefonon lemondta."})
    regs[0].refresh_from_db()
    assert regs[0].status == RegistrationStatus.CANCELLED and regs[0].cancel_reason == "Telefonon lemondta."
    regs[3].refresh_from_db()
    assert regs[3].status == RegistrationStatus.CONFIRMED
    assert OutboxMessage.objects.filter(registration=regs[3], kind=MessageKind.REGISTRATION_PROMOTED).exists()
    assert availability(day).confirmed == 3


def test_admin_reinstate_action_goes_through_capacity(admin_client):
    day, regs = _full_day_with_waiting()
    cancel_registration(registration=regs[0], reason="Beteg lett.")  # regs[3] takes the place
    admin_client.post(_changelist(), {"action": "reinstate_registrations", "_selected_action": [regs[0].pk]})
    regs[0].refresh_from_db()
    assert regs[0].status == RegistrationStatus.WAITLISTED  # full: back at the end of the queue
    assert availability(day).confirmed == 3


def test_admin_promote_action_fills_free_places_in_queue_order(admin_client):
    day, regs = _full_day_with_waiting(capacity=2, waiting=2)
    Registration.objects.filter(info_day=day).update()  # nothing changes yet
    day.capacity = 3  # raised behind the services' back (e.g. a repair in the database)
    day.save()
    admin_client.post(_changelist(), {"action": "promote_waiting_list", "_selected_action": [regs[3].pk]})
    regs[2].refresh_from_db(), regs[3].refresh_from_db()
    assert regs[2].status == RegistrationStatus.CONFIRMED and regs[3].status == RegistrationStatus.WAITLISTED


def test_database_refuses_a_confirmed_registration_without_confirmation_time():
    registration = RegistrationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(confirmed_at=None)


def test_confirmed_registration_without_time_shows_a_hungarian_message():
    from django.core.exceptions import ValidationError

    registration = RegistrationFactory.build(participant=ParticipantFactory(), info_day=InfoDayFactory())
    registration.confirmed_at = None
    with pytest.raises(ValidationError) as exc:
        registration.full_clean()
    assert "visszaigazol" in str(exc.value)
    assert mail.outbox == []


def _info_day_post(day, **overrides):
    data = {
        "programme": day.programme_id, "region": day.region_id, "library": day.library_id, "title": day.title,
        "date": day.date.isoformat(), "start_time": day.start_time.strftime("%H:%M"),
        "end_time": day.end_time.strftime("%H:%M"), "room": day.room, "capacity": day.capacity,
        "minimum": day.minimum, "status": day.status,
    }
    data.update(overrides)
    return data


def test_admin_capacity_change_goes_through_the_service(admin_client):
    day, regs = _full_day_with_waiting(capacity=3, waiting=2)
    url = reverse("admin:events_infoday_change", args=[day.pk])
    page = admin_client.post(url, _info_day_post(day, capacity=2))
    assert page.status_code == 200 and "3 fő már visszaigazolt, a létszám nem lehet kevesebb 3-nál." in page.content.decode()
    day.refresh_from_db()
    assert day.capacity == 3
    page = admin_client.post(url, _info_day_post(day, capacity=4))
    assert page.status_code == 302, page.content.decode()[:3000]
    regs[3].refresh_from_db()
    assert regs[3].status == RegistrationStatus.CONFIRMED


def test_deleting_a_participant_in_the_admin_promotes_the_next(admin_client):
    day, regs = _full_day_with_waiting(capacity=1, waiting=1)
    url = reverse("admin:participants_participant_delete", args=[regs[0].participant_id])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    regs[1].refresh_from_db()
    assert regs[1].status == RegistrationStatus.CONFIRMED
