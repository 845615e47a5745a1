"""register_many: the capacity rule for a whole list at once."""

import pytest

from menet_portal.tests.factories import InfoDayFactory, ParticipantFactory
from participants.models import RegistrationStatus
from participants.services import AlreadyRegistered, EventNotOpen, cancel_registration, register_many, register_participant
from participants.signals import registrations_changed

pytestmark = pytest.mark.django_db


def test_places_first_then_waiting_list_in_list_order_with_signals():
    day = InfoDayFactory(capacity=3, minimum=1)
    register_participant(participant=ParticipantFactory(), event=day)
    people = [ParticipantFactory() for _ in range(4)]
    seen = []

    def listener(sender, changes, **kwargs):  # one bulk signal for the whole list
        seen.extend((registration.participant_id, change) for registration, change in changes)

    registrations_changed.connect(listener)
    try:
        regs = register_many(participants=people, event=day)
    finally:
        registrations_changed.disconnect(listener)
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


def _outbox_rows(day):
    from menet_portal.notifications.models import OutboxMessage

    return sorted(OutboxMessage.objects.filter(info_day=day).values_list(
        "kind", "recipient", "subject_key", "slot", "registration_id", "status"))


def test_bulk_outbox_rows_match_the_single_path_and_take_a_fixed_number_of_queries():
    """The import's outbox rows come from one insert per batch, with the same kind, slot and
    skips (no e-mail, anonymised) as one registration at a time would write."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from menet_portal.notifications.models import MessageKind

    counts = []
    for size in (3, 12):
        day = InfoDayFactory(capacity=2, minimum=1)
        people = [ParticipantFactory() for _ in range(size)] + [ParticipantFactory(email="")]
        with CaptureQueriesContext(connection) as queries:
            regs = register_many(participants=people, event=day)
        counts.append(len(queries))
        rows = _outbox_rows(day)
        expected = sorted(
            (MessageKind.REGISTRATION_CONFIRMED if r.status == "confirmed" else MessageKind.REGISTRATION_WAITLISTED,
             r.participant.email, f"registration:{r.pk}",
             f"{'confirmed' if r.status == 'confirmed' else 'waitlisted'}@"
             f"{(r.confirmed_at if r.status == 'confirmed' else r.created_at).isoformat()}", r.pk, "scheduled")
            for r in regs if r.participant.email
        )
        assert rows == expected
    assert counts[0] == counts[1]
