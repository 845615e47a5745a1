"""A reminder is reckoned from the moment a person got their place: never sent late."""

import datetime
from unittest import mock

import pytest
from django.core import mail

from menet_portal.models import MessageKind, OutboxMessage, OutboxStatus
from menet_portal.notifications import outbox
from menet_portal.tests.factories import InfoDayFactory, ParticipantFactory, RegistrationFactory, StaffFactory
from menet_portal.tests.outbox_helpers import clock, local  # noqa: F401 (fixture)
from participants.models import RegistrationSource
from participants.services import register_participant

pytestmark = pytest.mark.django_db


def _reminders():
    return OutboxMessage.objects.filter(kind=MessageKind.EVENT_REMINDER)


def test_person_registered_by_staff_on_the_event_morning_gets_no_reminder(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 11, 1, 12, 0))
    day = InfoDayFactory(date=datetime.date(2026, 11, 20), minimum=1)
    early = RegistrationFactory(info_day=day)
    clock.set(local(2026, 11, 20, 7, 30))  # the morning of the info day (starts at 9:00)
    with django_capture_on_commit_callbacks(execute=True):
        late = register_participant(participant=ParticipantFactory(), event=day, registered_by=StaffFactory(),
                                    source=RegistrationSource.COORDINATOR, allow_closed=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.dispatch_due()
    assert not _reminders().filter(registration=late).exists()
    reminded = [m.to[0] for m in mail.outbox if m.subject.startswith("Emlékeztető")]
    assert late.participant.email not in reminded and early.participant.email in reminded


def test_reminder_row_due_before_the_confirmation_is_skipped_at_send_time(clock):
    clock.set(local(2026, 11, 1, 12, 0))
    day = InfoDayFactory(date=datetime.date(2026, 11, 20), minimum=1)
    registration = RegistrationFactory(info_day=day)
    clock.set(local(2026, 11, 19, 9, 30))
    with mock.patch("menet_portal.notifications.outbox.publish", return_value=True):
        outbox.dispatch_due()  # the 1-day reminder is written
    row = _reminders().get(status=OutboxStatus.SCHEDULED)
    # The place was given again after the reminder fell due (e.g. cancelled and reinstated).
    type(registration).objects.filter(pk=registration.pk).update(confirmed_at=local(2026, 11, 19, 9, 15))
    assert outbox.deliver(row.pk) == OutboxStatus.SKIPPED
    assert mail.outbox == []
