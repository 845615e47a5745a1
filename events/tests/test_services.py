import pytest

from events.models import EventStatus
from events.services import EventActionError, cancel_event, set_registration_open
from events.signals import event_cancelled
from menet_portal.tests.factories import InfoDayFactory, RegistrationFactory
from participants.models import Registration, RegistrationStatus
from participants.signals import registration_changed

pytestmark = pytest.mark.django_db


def test_cancel_event_cancels_registrations_and_signals_inside_the_transaction(django_capture_on_commit_callbacks):
    day = InfoDayFactory(capacity=2, minimum=1)
    confirmed = [RegistrationFactory(info_day=day) for _ in range(2)]
    waiting = RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED)
    already = RegistrationFactory(info_day=day, status=RegistrationStatus.CANCELLED, cancelled_at="2026-01-01T10:00Z")
    received, changes = [], []

    def on_cancel(sender, event, reason, **kwargs):
        from django.db import connection

        received.append((sender, event.pk, event.status, reason, connection.in_atomic_block))

    def on_change(sender, registration, change, **kwargs):
        changes.append((registration.pk, change))

    event_cancelled.connect(on_cancel)
    registration_changed.connect(on_change)
    try:
        n = cancel_event(event=day, reason="A terem beázott.")
    finally:
        event_cancelled.disconnect(on_cancel)
        registration_changed.disconnect(on_change)
    assert n == 3
    day.refresh_from_db()
    assert day.status == EventStatus.CANCELLED
    regs = {r.pk: r for r in Registration.objects.filter(info_day=day)}
    for reg in confirmed + [waiting]:
        assert regs[reg.pk].status == RegistrationStatus.CANCELLED
        assert regs[reg.pk].cancel_reason == "A terem beázott."
    assert regs[already.pk].cancel_reason == ""  # left as it was
    assert received == [(type(day), day.pk, EventStatus.CANCELLED, "A terem beázott.", True)]
    assert sorted(changes) == sorted((r.pk, "cancelled") for r in confirmed + [waiting])  # nobody promoted


def test_cancel_event_needs_a_reason_and_changes_nothing_without_one():
    day = InfoDayFactory()
    reg = RegistrationFactory(info_day=day)
    with pytest.raises(EventActionError):
        cancel_event(event=day, reason="   ")
    day.refresh_from_db()
    reg.refresh_from_db()
    assert day.status == EventStatus.OPEN and reg.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize("status", [EventStatus.CANCELLED, EventStatus.HELD])
def test_finished_events_cannot_be_cancelled_or_reopened(status):
    day = InfoDayFactory(status=status)
    with pytest.raises(EventActionError):
        cancel_event(event=day, reason="ok")
    with pytest.raises(EventActionError):
        set_registration_open(event=day, open=True)
    day.refresh_from_db()
    assert day.status == status


def test_open_and_close_registration():
    day = InfoDayFactory(status=EventStatus.PLANNED)
    set_registration_open(event=day, open=True)
    day.refresh_from_db()
    assert day.status == EventStatus.OPEN
    set_registration_open(event=day, open=False)
    day.refresh_from_db()
    assert day.status == EventStatus.CLOSED
