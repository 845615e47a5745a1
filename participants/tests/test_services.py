import pytest

from menet_portal.tests.factories import CourseFactory, InfoDayFactory, ParticipantFactory
from participants.models import RegistrationStatus
from participants.services import (
    AlreadyRegistered,
    RegistrationError,
    availability,
    cancel_registration,
    change_capacity,
    register_participant,
)
from participants.signals import registration_changed

pytestmark = pytest.mark.django_db


def _fill(event, n):
    return [register_participant(participant=ParticipantFactory(), event=event) for _ in range(n)]


def test_places_then_waiting_list_in_arrival_order():
    day = InfoDayFactory(capacity=2, minimum=1)
    regs = _fill(day, 4)
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert availability(day).confirmed == 2 and availability(day).waitlisted == 2


def test_same_person_twice_is_refused_with_a_message():
    course = CourseFactory()
    person = ParticipantFactory()
    register_participant(participant=person, event=course)
    with pytest.raises(AlreadyRegistered) as exc:
        register_participant(participant=person, event=course)
    assert person.family_name in str(exc.value)


def test_cancellation_promotes_the_first_waiting():
    day = InfoDayFactory(capacity=1, minimum=1)
    first, second, third = _fill(day, 3)
    promoted = cancel_registration(registration=first, reason="Beteg lett.")
    assert [p.pk for p in promoted] == [second.pk]
    second.refresh_from_db(), third.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED
    assert third.status == RegistrationStatus.WAITLISTED


def test_cancellation_needs_a_reason():
    reg = _fill(InfoDayFactory(), 1)[0]
    with pytest.raises(RegistrationError):
        cancel_registration(registration=reg, reason="  ")


def test_raising_capacity_promotes_and_lowering_below_confirmed_is_refused():
    day = InfoDayFactory(capacity=2, minimum=1)
    regs = _fill(day, 5)
    promoted = change_capacity(event=day, capacity=4)
    assert [p.pk for p in promoted] == [regs[2].pk, regs[3].pk]
    with pytest.raises(RegistrationError):
        change_capacity(event=day, capacity=3)


def test_cancelled_person_can_come_back_at_the_end_of_the_queue():
    day = InfoDayFactory(capacity=1, minimum=1)
    first, second = _fill(day, 2)
    cancel_registration(registration=first, reason="Mégsem ér rá.")
    again = register_participant(participant=first.participant, event=day)
    assert again.pk == first.pk and again.status == RegistrationStatus.WAITLISTED


def test_every_change_is_signalled():
    seen = []

    def listener(sender, registration, change, **kwargs):
        seen.append(change)

    registration_changed.connect(listener)
    try:
        day = InfoDayFactory(capacity=1, minimum=1)
        first, _second = _fill(day, 2)
        cancel_registration(registration=first, reason="Ok")
    finally:
        registration_changed.disconnect(listener)
    assert seen == ["confirmed", "waitlisted", "cancelled", "promoted"]


# --- reinstate and move: the same capacity rule ------------------------------------------------

def test_reinstating_a_cancelled_registration_takes_a_free_place_or_queues():
    from participants.services import reinstate_registration

    day = InfoDayFactory(capacity=2, minimum=1)
    first, second, third = _fill(day, 3)
    cancel_registration(registration=first, reason="Beteg lett.")  # third promoted
    again = reinstate_registration(registration=first)
    assert again.status == RegistrationStatus.WAITLISTED and again.confirmed_at is None
    cancel_registration(registration=second, reason="Elköltözött.")  # first promoted from the queue
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED and first.confirmed_at is not None
    with pytest.raises(RegistrationError):
        reinstate_registration(registration=first)  # not cancelled


def test_moving_to_a_full_event_queues_and_frees_the_old_place():
    from participants.services import move_registration

    old = InfoDayFactory(capacity=1, minimum=1)
    target = InfoDayFactory(programme=old.programme, capacity=1, minimum=1)
    mover, waiting = _fill(old, 2)
    _fill(target, 1)
    result = move_registration(registration=mover, to_event=target, moved_by=None)
    assert result.registration.info_day_id == target.pk
    assert result.registration.status == RegistrationStatus.WAITLISTED
    assert [p.pk for p in result.promoted] == [waiting.pk]
    mover.refresh_from_db()
    assert mover.status == RegistrationStatus.CANCELLED and "Áthelyezve" in mover.cancel_reason
    assert availability(old).confirmed == 1 and availability(target).confirmed == 1


def test_moving_to_an_event_with_room_confirms_and_refuses_a_second_registration():
    from participants.services import move_registration

    old, target = InfoDayFactory(capacity=3, minimum=1), CourseFactory(capacity=3)
    mover = _fill(old, 1)[0]
    result = move_registration(registration=mover, to_event=target, moved_by=None)
    assert result.registration.course_id == target.pk and result.registration.status == RegistrationStatus.CONFIRMED
    other = register_participant(participant=mover.participant, event=InfoDayFactory(programme=old.programme))
    with pytest.raises(AlreadyRegistered):
        move_registration(registration=other, to_event=target, moved_by=None)
    with pytest.raises(RegistrationError):
        move_registration(registration=result.registration, to_event=target, moved_by=None)


def test_availabilities_are_each_events_availability_in_one_query_per_kind(django_assert_num_queries):
    """participants.services.availabilities (the public lists) counts as availability does, event by
    event: confirmed, waiting, pending (a held place) and cancelled registrations, an empty event."""
    from menet_portal.tests.factories import RegistrationFactory
    from participants.services import availabilities, availability

    days = [InfoDayFactory(capacity=3, minimum=1) for _ in range(3)]
    courses = [CourseFactory(capacity=2) for _ in range(2)]  # the minimum follows the programme
    statuses = [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING,
                RegistrationStatus.CANCELLED, RegistrationStatus.CONFIRMED]
    from django.utils import timezone

    for n, status in enumerate(statuses):
        extra = {"hold_until": timezone.now() + timezone.timedelta(hours=1)} if status == RegistrationStatus.PENDING \
            else {"cancelled_at": timezone.now()} if status == RegistrationStatus.CANCELLED else {}
        RegistrationFactory(info_day=days[n % 2], status=status, **extra)
        RegistrationFactory(info_day=None, course=courses[n % 2], status=status, **extra)
    with django_assert_num_queries(2):
        found = availabilities([*days, *courses])
    assert found == {event: availability(event) for event in [*days, *courses]}
    assert found[days[0]].held == 3 and found[days[0]].free == 0 and found[days[2]].free == 3
    assert availabilities([]) == {}
