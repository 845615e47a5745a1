"""register_many: the capacity rule for a whole list at once."""

import pytest

from menet_portal.tests.factories import InfoDayFactory, ParticipantFactory
from participants.models import RegistrationStatus
from participants.services import AlreadyRegistered, EventNotOpen, cancel_registration, register_many, register_participant
from participants.signals import registration_changed

pytestmark = pytest.mark.django_db


def test_places_first_then_waiting_list_in_list_order_with_signals():
    day = InfoDayFactory(capacity=3, minimum=1)
    register_participant(participant=ParticipantFactory(), event=day)
    people = [ParticipantFactory() for _ in range(4)]
    seen = []

    def listener(sender, registration, change, **kwargs):
        seen.append((registration.participant_id, change))

    registration_changed.connect(listener)
    try:
        regs = register_many(participants=people, event=day)
    finally:
        registration_changed.disconnect(listener)
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert seen == [(p.pk, r.status) for p, r in zip(people, regs)]
    promoted = cancel_registration(registration=regs[0], reason="Lemondta.")
    assert [p.pk for p in promoted] == [regs[2].pk]


def test_someone_already_registered_stops_the_whole_list():
    day = InfoDayFactory()
    people = [ParticipantFactory() for _ in range(3)]
    register_participant(participant=people[1], event=day)
    with pytest.raises(AlreadyRegistered):
        register_many(participants=people, event=day)
    assert day.registrations.count() == 1


def test_a_cancelled_registration_is_reopened_and_closed_events_refuse():
    day = InfoDayFactory(capacity=5, minimum=1)
    person = ParticipantFactory()
    first = register_participant(participant=person, event=day)
    cancel_registration(registration=first, reason="Mégsem.")
    (again,) = register_many(participants=[person], event=day)
    assert again.pk == first.pk and again.status == RegistrationStatus.CONFIRMED and again.cancel_reason == ""
    with pytest.raises(EventNotOpen):
        register_many(participants=[ParticipantFactory()], event=InfoDayFactory(status="cancelled"))
