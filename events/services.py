"""Staff actions on an event as a whole: open or close registration, cancel the event.

Who holds a place stays the business of ``participants.services`` (capacity, waiting list);
these functions call it and never touch registrations directly.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from participants.models import Registration, RegistrationStatus
from participants.services import _event_filter, _lock_event, cancel_registration

from .models import EventStatus
from .signals import event_cancelled


class EventActionError(Exception):
    """A staff action that the event's state does not allow; the message is safe to show."""


FINISHED = (EventStatus.CANCELLED, EventStatus.HELD)


def set_registration_open(*, event, open: bool, changed_by=None):
    """Open (status open) or close (status closed) registration for an info day or course.

    A cancelled or held event cannot be reopened or closed.
    """
    with transaction.atomic():
        event = _lock_event(event)
        if event.status in FINISHED:
            raise EventActionError(
                _("Ennél az eseménynél a jelentkezés már nem módosítható (%(status)s).")
                % {"status": event.get_status_display()}
            )
        event.status = EventStatus.OPEN if open else EventStatus.CLOSED
        event.full_clean()
        event.save(update_fields=["status", "updated_at"])
        return event


def cancel_event(*, event, reason: str, cancelled_by=None) -> int:
    """Cancel an info day or course: status cancelled, every confirmed and waiting registration
    cancelled with ``reason`` through ``participants.services.cancel_registration`` (nobody is
    promoted: the event is cancelled first), then ``events.signals.event_cancelled`` inside the
    same transaction so the reminders module writes its notifications only if this commits.

    Returns the number of registrations cancelled.
    """
    reason = (reason or "").strip()
    if not reason:
        raise EventActionError(_("Adja meg az elmaradás okát: a jelentkezők ezt kapják meg."))
    with transaction.atomic():
        event = _lock_event(event)
        if event.status == EventStatus.CANCELLED:
            raise EventActionError(_("Ez az esemény már le van mondva."))
        if event.status == EventStatus.HELD:
            raise EventActionError(_("Megtartott eseményt nem lehet lemondani."))
        event.status = EventStatus.CANCELLED
        event.full_clean()
        event.save(update_fields=["status", "updated_at"])
        registrations = list(
            Registration.objects.filter(
                _event_filter(event), status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
            ).order_by("created_at", "id")
        )
        for registration in registrations:
            cancel_registration(registration=registration, reason=reason, cancelled_by=cancelled_by)
        event_cancelled.send(sender=type(event), event=event, reason=reason)
        return len(registrations)
