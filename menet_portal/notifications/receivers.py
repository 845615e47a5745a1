"""Hooks on the registration and event signals: they write outbox rows in the sender's transaction."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import EventStatus
from participants.models import Registration, RegistrationStatus
from participants.signals import RegistrationChange

from .models import MessageKind, OutboxMessage
from .outbox import skip_pending, write_message, write_messages

KIND_BY_CHANGE = {
    RegistrationChange.CONFIRMED: MessageKind.REGISTRATION_CONFIRMED,
    RegistrationChange.WAITLISTED: MessageKind.REGISTRATION_WAITLISTED,
    RegistrationChange.PROMOTED: MessageKind.REGISTRATION_PROMOTED,
    RegistrationChange.PENDING: MessageKind.REGISTRATION_OPT_IN,
}


def _stamp(moment) -> str:
    return moment.isoformat() if moment else "-"


def on_registration_changed(sender, registration, change, **kwargs):
    """Confirmation, waiting-list and promotion notices; a cancellation drops pending reminders."""
    if change == RegistrationChange.CANCELLED:
        skip_pending(
            OutboxMessage.objects.filter(registration=registration, kind=MessageKind.EVENT_REMINDER),
            _("A jelentkezést lemondták."),
        )
        event = registration.event
        if event.status == EventStatus.CANCELLED:
            # events.services.cancel_event cancels the registrations of a cancelled event before it
            # sends event_cancelled: tell each of them here (the same row as on_event_cancelled's).
            _write_cancellation_notices(event, [registration], registration.cancel_reason)
        return
    row = _notice_row(registration, change)
    if row is None:
        return
    write_message(
        kind=row.kind, recipient=row.recipient, subject_key=row.subject_key, slot=row.slot,
        registration=registration, info_day_id=registration.info_day_id, course_id=registration.course_id,
    )
    if registration.course_id and change in (RegistrationChange.CONFIRMED, RegistrationChange.PROMOTED):
        _material_link_for_late_joiner(registration)


def _notice_row(registration, change) -> OutboxMessage | None:
    """The (unsaved) notice of a new, waiting, promoted or pending registration; None when there is
    none to send (another change, no e-mail address, anonymised)."""
    kind = KIND_BY_CHANGE.get(change)
    participant = registration.participant
    if kind is None or not participant.email or participant.anonymised_at:
        return None
    # The slot names this occurrence of the change, so a cancelled-and-returned person is
    # told again, but the same change signalled twice is written once.
    moment = (registration.created_at if change in (RegistrationChange.WAITLISTED, RegistrationChange.PENDING)
              else registration.confirmed_at)
    now = timezone.now()
    return OutboxMessage(
        kind=kind, recipient=participant.email, subject_key=f"registration:{registration.pk}",
        slot=f"{change}@{_stamp(moment)}", registration_id=registration.pk,
        info_day_id=registration.info_day_id, course_id=registration.course_id, due_at=now, send_after=now,
    )


def on_registrations_changed(sender, changes, **kwargs):
    """The bulk form of ``on_registration_changed`` (an import): the same notices, written with
    one insert per batch instead of one get_or_create per registration. Only new, waiting and
    promoted registrations come this way (a cancellation still goes through the single signal)."""
    assert all(change != RegistrationChange.CANCELLED for _r, change in changes)
    rows = [row for row in (_notice_row(r, change) for r, change in changes) if row is not None]
    write_messages(rows, queue=True)
    # Late joiners of a started course: at most the course's places, so one look-up each is bounded.
    for registration, change in changes:
        if registration.course_id and change in (RegistrationChange.CONFIRMED, RegistrationChange.PROMOTED):
            _material_link_for_late_joiner(registration)


def _material_link_for_late_joiner(registration):
    """A trainee who gets a place after the course started is sent the learning material now
    (the others got it from the dispatch pass when the first session started)."""
    from .schedule import material_link_row, material_link_started

    now = timezone.now()
    # participants.services notes what the late-joiner rule counted under the event lock just now.
    started = getattr(registration, "course_started", None)
    if started is None:
        started = material_link_started(registration.course_id, now=now)
    if not started:
        return
    row = material_link_row(registration, now=now)
    if row is not None:
        write_message(kind=row.kind, recipient=row.recipient, subject_key=row.subject_key, slot=row.slot,
                      registration=registration, course_id=row.course_id, due_at=now, send_after=now)


def on_event_cancelled(sender, event, reason="", **kwargs):
    """Everyone holding a place or waiting for one is told; pending reminders and alerts are dropped."""
    field = _event_field(event)
    event_q = Q(**{f"{field}_id": event.pk})
    registrations = (
        Registration.objects.filter(event_q, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED])
        .select_related("participant")
    )
    skip_pending(
        OutboxMessage.objects.filter(
            Q(kind=MessageKind.EVENT_REMINDER, registration__in=Registration.objects.filter(event_q))
            | Q(kind=MessageKind.BELOW_MINIMUM) & event_q
        ),
        _("Az esemény elmarad."),
    )
    _write_cancellation_notices(event, registrations, reason)


def _event_field(event) -> str:
    from events.models import InfoDay

    return "info_day" if isinstance(event, InfoDay) else "course"


def _write_cancellation_notices(event, registrations, reason):
    field = _event_field(event)
    now = timezone.now()
    rows = [
        OutboxMessage(
            kind=MessageKind.EVENT_CANCELLED, recipient=r.participant.email, subject_key=f"registration:{r.pk}",
            slot=f"{field}:{event.pk}/cancelled", registration_id=r.pk, context={"reason": reason or ""},
            due_at=now, send_after=now, **{f"{field}_id": event.pk},
        )
        for r in registrations
        if r.participant.email and not r.participant.anonymised_at
    ]
    write_messages(rows, queue=True)


def on_event_rescheduled(sender, event, changes, change_key, sessions=(), **kwargs):
    """A moved date, time or venue: one notice per confirmed or waiting person per change.

    Reminders already written for the old start are dropped; the dispatcher writes them again
    for the new start (their slot carries the start time). A reminder whose start did not move
    (only the room changed) stays, and shows the new room when it is sent.
    """
    from trainings.models import Session

    from .schedule import _slot_time, info_day_start

    field = _event_field(event)
    event_q = Q(**{f"{field}_id": event.pk})
    registrations = Registration.objects.filter(
        event_q, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
    ).select_related("participant")
    reminders = OutboxMessage.objects.filter(kind=MessageKind.EVENT_REMINDER)
    if field == "info_day":
        stale = reminders.filter(info_day_id=event.pk).exclude(slot__endswith=f"@{_slot_time(info_day_start(event))}")
    else:
        stale = OutboxMessage.objects.none()
        for session in Session.objects.filter(pk__in=list(sessions), course_id=event.pk):
            stale |= reminders.filter(session_id=session.pk).exclude(slot__endswith=f"@{_slot_time(session.starts_at)}")
    skip_pending(stale, _("Az esemény időpontja megváltozott; az új időponthoz új emlékeztető tartozik."))
    now = timezone.now()
    rows = [
        OutboxMessage(
            kind=MessageKind.EVENT_RESCHEDULED, recipient=r.participant.email, subject_key=f"registration:{r.pk}",
            slot=f"{field}:{event.pk}/moved@{change_key}"[:80], registration_id=r.pk,
            context={"changes": list(changes)}, due_at=now, send_after=now, **{f"{field}_id": event.pk},
        )
        for r in registrations
        if r.participant.email and not r.participant.anonymised_at
    ]
    write_messages(rows, queue=True)
