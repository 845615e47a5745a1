"""Capacity under real concurrency: 40 connections register at the same instant on PostgreSQL."""

import threading

import pytest
from django.db import connection

from menet_portal.tests.factories import InfoDayFactory, ParticipantFactory
from participants.models import Registration, RegistrationStatus
from participants.services import cancel_registration, register_participant

THREADS = 40
PLACES = 5


@pytest.mark.django_db(transaction=True)
def test_forty_simultaneous_registrations_fill_five_places_and_queue_the_rest():
    assert connection.vendor == "postgresql"
    day = InfoDayFactory(capacity=PLACES, minimum=1)
    people = [ParticipantFactory() for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    results, errors = {}, []

    def register(person):
        try:
            barrier.wait(timeout=30)  # release all 40 at the same instant
            registration = register_participant(participant=person, event=day)
            results[person.pk] = (registration.pk, registration.status)
        except Exception as exc:  # noqa: BLE001 - any failure is a lost registration
            errors.append(repr(exc))
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    assert len(results) == THREADS  # none lost
    rows = list(Registration.objects.filter(info_day=day).order_by("created_at", "id"))
    assert len(rows) == THREADS
    statuses = [r.status for r in rows]
    assert statuses.count(RegistrationStatus.CONFIRMED) == PLACES
    assert statuses.count(RegistrationStatus.WAITLISTED) == THREADS - PLACES
    # Order kept: in arrival order (the order the lock was granted), the first five hold the places …
    assert statuses == [RegistrationStatus.CONFIRMED] * PLACES + [RegistrationStatus.WAITLISTED] * (THREADS - PLACES)
    assert len({r.created_at for r in rows}) == THREADS
    # … and every thread was told what the database holds.
    assert {r.participant_id: (r.pk, r.status) for r in rows} == results

    # A freed place goes to the first in the queue.
    first_waiting = rows[PLACES]
    promoted = cancel_registration(registration=rows[0], reason="Lemondta.")
    assert [p.pk for p in promoted] == [first_waiting.pk]
