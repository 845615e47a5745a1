"""Staff actions on an event as a whole: open or close registration, cancel the event.

Who holds a place stays the business of ``participants.services`` (capacity, waiting list);
these functions call it and never touch registrations directly.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from participants.models import Registration, RegistrationStatus
from participants.services import (
    _event_filter,
    _lock_event,
    cancel_registration,
    capacity_refusal,
    promote_from_waiting_list,
)

from .models import EventStatus, InfoDay
from .signals import event_cancelled, event_rescheduled


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


# --- Setting up and changing info days (MKE staff: the portal's set-up screens, the admin, commands) ---

INFO_DAY_FIELDS = (
    "programme", "region", "library", "title", "description", "date", "start_time", "end_time", "room",
    "capacity", "minimum", "status",
)
# What the registered people are told about when it changes.
INFO_DAY_SCHEDULE_FIELDS = ("date", "start_time", "end_time", "library", "room")
# Statuses a set-up form may choose; cancelling needs a reason and goes through cancel_event.
SETTABLE_STATUSES = (EventStatus.PLANNED, EventStatus.OPEN, EventStatus.CLOSED, EventStatus.HELD)


def change_key() -> str:
    """Names one change for the outbox's unique key: one notice per person per change."""
    return timezone.now().strftime("%Y%m%dT%H%M%S.%f")


def _display(value, field) -> str:
    if value is None or value == "":
        return "–"
    if field == "date":
        return date_format(value, "Y. F j., l")
    if field in ("start_time", "end_time"):
        return value.strftime("%H:%M")
    return str(value)


def _check_status_change(old, new):
    if new == old:
        return
    if new == EventStatus.CANCELLED:
        raise ValidationError({"status": _("Lemondani a „Lemondás” gombbal lehet, az ok megadásával.")})
    if old == EventStatus.CANCELLED:
        raise ValidationError({"status": _("Lemondott esemény állapota nem módosítható.")})
    if new not in SETTABLE_STATUSES:
        raise ValidationError({"status": _("Ismeretlen állapot.")})


def save_info_day(*, data: dict, info_day: InfoDay | None = None, changed_by=None) -> InfoDay:
    """Create an info day, or change one (MKE staff), with every rule that a change must keep.

    - every database constraint is checked first (``full_clean``) and reported beside its field;
    - capacity follows the capacity rule of ``participants.services``: never below the confirmed
      count (refused with the numbers), and a raised capacity promotes from the waiting list;
    - cancelling needs a reason and goes through ``cancel_event``; a cancelled day stays cancelled;
    - a moved date, time, host library or room sends ``event_rescheduled`` in the same transaction,
      so every confirmed and waiting person gets one notice through the outbox, and reminders are
      written again for the new time (``notifications.schedule`` keys them by the start).

    Raises ``ValidationError`` (a dict of field errors); nothing is saved then.
    """
    unknown = set(data) - set(INFO_DAY_FIELDS)
    if unknown:
        raise TypeError(f"not info-day fields: {sorted(unknown)}")
    with transaction.atomic():
        if info_day is None or info_day.pk is None:
            day = InfoDay(**data)
            _check_status_change(EventStatus.PLANNED, day.status)
            day._history_user = changed_by
            day.full_clean()
            day.save()
            return day
        day = _lock_event(info_day)
        before = {f: getattr(day, f) for f in INFO_DAY_FIELDS}
        for field, value in data.items():
            setattr(day, field, value)
        _check_status_change(before["status"], day.status)
        errors = {}
        try:
            day.full_clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if day.capacity != before["capacity"] and "capacity" not in errors:
            refusal = capacity_refusal(event=day, capacity=day.capacity)
            if refusal:
                errors["capacity"] = [refusal]
        if errors:
            raise ValidationError(errors)
        changed = [f for f in INFO_DAY_FIELDS if getattr(day, f) != before[f]]
        if not changed:
            return day
        day._history_user = changed_by
        day.save()
        promote_from_waiting_list(day)
        moved = [f for f in INFO_DAY_SCHEDULE_FIELDS if f in changed]
        if moved and day.status != EventStatus.CANCELLED:
            labels = {f: str(InfoDay._meta.get_field(f).verbose_name) for f in moved}
            changes = [
                {"field": f, "label": labels[f], "old": _display(before[f], f), "new": _display(getattr(day, f), f)}
                for f in moved
            ]
            event_rescheduled.send(sender=InfoDay, event=day, changes=changes, change_key=change_key(), sessions=[])
        return day
