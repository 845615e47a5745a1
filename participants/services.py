"""Capacity and waiting list: the one module that decides who gets a place.

Rules (DESIGN.md, "Core rules"):
- an event never holds more confirmed registrations than its capacity, even when many
  people register at the same second: we lock the event row (``SELECT … FOR UPDATE``)
  inside a transaction and count confirmed rows after taking the lock;
- past capacity a registration goes to the waiting list in arrival order
  (``created_at``, then ``id``);
- a freed place (cancellation, raised capacity) promotes the first on the waiting list;
- a person is registered at most once per event (also a database constraint).

Availability is always computed from the registration rows, never kept as a counter.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import EventStatus, InfoDay
from trainings.models import Course

from .models import Participant, Registration, RegistrationSource, RegistrationStatus
from .signals import RegistrationChange, registration_changed


class RegistrationError(Exception):
    """A registration rule said no; the message is translated and safe to show."""


class AlreadyRegistered(RegistrationError):
    def __init__(self, registration):
        self.registration = registration
        super().__init__(_("%(name)s már jelentkezett erre az eseményre (%(status)s).") % {
            "name": registration.participant.full_name, "status": registration.get_status_display(),
        })


class EventNotOpen(RegistrationError):
    pass


@dataclass(frozen=True)
class Availability:
    capacity: int
    confirmed: int
    waitlisted: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.confirmed, 0)


def _event_filter(event) -> Q:
    if isinstance(event, InfoDay):
        return Q(info_day=event)
    if isinstance(event, Course):
        return Q(course=event)
    raise TypeError(f"not an event: {event!r}")


def _event_kwargs(event) -> dict:
    return {"info_day": event} if isinstance(event, InfoDay) else {"course": event}


def _lock_event(event):
    """Take the event's row lock; every change of who holds a place goes through it."""
    return type(event).objects.select_for_update().get(pk=event.pk)


def availability(event) -> Availability:
    from django.db.models import Count

    counts = Registration.objects.filter(_event_filter(event)).aggregate(
        confirmed=Count("id", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    return Availability(capacity=event.capacity, **counts)


def register_participant(*, participant: Participant, event, source: str = RegistrationSource.COORDINATOR,
                         registered_by=None, allow_closed: bool = False) -> Registration:
    """Register ``participant`` for ``event``: a place if one is free, else the waiting list.

    Raises ``AlreadyRegistered`` for a second registration of the same person (a cancelled
    one is reopened instead), ``EventNotOpen`` for cancelled or held events.
    """
    with transaction.atomic():
        event = _lock_event(event)
        if event.status in (EventStatus.CANCELLED, EventStatus.HELD) or (
            event.status == EventStatus.CLOSED and not allow_closed
        ):
            raise EventNotOpen(_("Erre az eseményre most nem lehet jelentkezni (%(status)s).")
                               % {"status": event.get_status_display()})
        existing = Registration.objects.filter(_event_filter(event), participant=participant).first()
        if existing and existing.status != RegistrationStatus.CANCELLED:
            raise AlreadyRegistered(existing)
        now = timezone.now()
        has_place = availability(event).free > 0
        status = RegistrationStatus.CONFIRMED if has_place else RegistrationStatus.WAITLISTED
        if existing:  # a cancelled registration comes back: it joins the end of the queue
            registration = existing
            registration.created_at = now
            registration.cancelled_at = None
            registration.cancel_reason = ""
        else:
            registration = Registration(participant=participant, created_at=now, **_event_kwargs(event))
        registration.status = status
        registration.source = source
        registration.registered_by = registered_by
        registration.confirmed_at = now if has_place else None
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError:
            # Only possible when the same person is registered twice at the same instant.
            raise AlreadyRegistered(
                Registration.objects.get(_event_filter(event), participant=participant)
            ) from None
        change = RegistrationChange.CONFIRMED if has_place else RegistrationChange.WAITLISTED
        registration_changed.send(sender=Registration, registration=registration, change=change)
        return registration


def promote_from_waiting_list(event) -> list[Registration]:
    """Fill free places from the waiting list, first come first served. Call with the event locked."""
    promoted = []
    free = availability(event).free
    if free <= 0 or event.status in (EventStatus.CANCELLED, EventStatus.HELD):
        return promoted
    queue = (
        Registration.objects.filter(_event_filter(event), status=RegistrationStatus.WAITLISTED)
        .select_for_update()
        .order_by("created_at", "id")[:free]
    )
    now = timezone.now()
    for registration in queue:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        registration_changed.send(sender=Registration, registration=registration, change=RegistrationChange.PROMOTED)
        promoted.append(registration)
    return promoted


def cancel_registration(*, registration: Registration, reason: str, cancelled_by=None) -> list[Registration]:
    """Cancel a registration (with its reason); a freed place promotes the first on the waiting list.

    Returns the registrations promoted.
    """
    if not reason.strip():
        raise RegistrationError(_("Adja meg a lemondás okát."))
    with transaction.atomic():
        event = _lock_event(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise RegistrationError(_("Ez a jelentkezés már le van mondva."))
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.cancel_reason = reason.strip()[:300]
        registration.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        registration_changed.send(sender=Registration, registration=registration, change=RegistrationChange.CANCELLED)
        return promote_from_waiting_list(event) if was_confirmed else []


def change_capacity(*, event, capacity: int, changed_by=None) -> list[Registration]:
    """Set an event's capacity (MKE staff). Raising it promotes from the waiting list.

    Lowering it below the confirmed count is refused: nobody loses a confirmed place silently.
    """
    with transaction.atomic():
        event = _lock_event(event)
        confirmed = availability(event).confirmed
        if capacity < max(confirmed, 1):
            raise RegistrationError(
                _("A férőhely nem lehet kevesebb a visszaigazolt jelentkezők számánál (%(n)s).") % {"n": confirmed}
            )
        event.capacity = capacity
        if isinstance(event, InfoDay) and event.minimum > capacity:
            event.minimum = capacity
        event.save()
        return promote_from_waiting_list(event)
