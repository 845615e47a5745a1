"""Capacity and waiting list: the one module that decides who gets a place.

Rules (DESIGN.md, "Core rules"):
- an event never holds more confirmed registrations than its capacity, even when many
  people register at the same second: we lock the event row (``SELECT … FOR UPDATE``)
  inside a transaction and count confirmed rows after taking the lock;
- past capacity a registration goes to the waiting list in arrival order
  (``created_at``, then ``id``);
- a freed place (cancellation, raised capacity) promotes the first on the waiting list;
- a self-registration not yet confirmed by its e-mail link (*pending*) holds its place until
  ``hold_until``; it counts against capacity like a confirmed one, and when the hold runs out
  (``expire_unconfirmed_registrations``) the place goes to the waiting list like a cancellation.
  An unconfirmed self-registration on the waiting list is not promoted until confirmed;
- a person is registered at most once per event (also a database constraint).

Availability is always computed from the registration rows, never kept as a counter.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import EventStatus, InfoDay
from trainings.models import Course

from .models import Participant, Registration, RegistrationSource, RegistrationStatus
from .signals import RegistrationChange, registration_changed, registrations_changed


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


class HoldExpired(RegistrationError):
    """The e-mail link was opened after the hold ran out (or the registration was cancelled)."""


class LateJoinRefused(EventNotOpen):
    """The course is too far along for a newcomer to complete it (trainings.eligibility)."""


class Promotion(list):
    """The registrations promoted (a list), and ``skipped``: waiting people passed over because
    they could no longer complete the course, with ``message`` saying so."""

    def __init__(self, promoted=(), skipped=(), message=""):
        super().__init__(promoted)
        self.skipped = list(skipped)
        self.message = message


def _late_join(event, registration=None):
    """The late-joiner decision for a course place (None for info days)."""
    if not isinstance(event, Course):
        return None
    from trainings.eligibility import attendance_counts, late_join_decision

    attended, late = (0, 0)
    if registration is not None and registration.pk:
        attended, late = attendance_counts([registration.pk]).get(registration.pk, (0, 0))
    return late_join_decision(event, attended=attended, late=late)


@dataclass(frozen=True)
class Availability:
    capacity: int
    confirmed: int
    waitlisted: int
    pending: int = 0  # places held for self-registrations awaiting their e-mail link

    @property
    def held(self) -> int:
        return self.confirmed + self.pending

    @property
    def free(self) -> int:
        return max(self.capacity - self.held, 0)


def _event_filter(event) -> Q:
    if isinstance(event, InfoDay):
        return Q(info_day=event)
    if isinstance(event, Course):
        return Q(course=event)
    raise TypeError(f"not an event: {event!r}")


def _event_kwargs(event) -> dict:
    return {"info_day": event} if isinstance(event, InfoDay) else {"course": event}


# What the rules and notices read of a locked event, joined into the lock's query (only the
# event row is locked): the late-joiner rule reads the course's programme, an untitled info
# day's name its region and library.
_LOCK_RELATIONS = {Course: ("site__programme", "site__library"), InfoDay: ("region", "library", "programme")}


def _lock_event(event):
    """Take the event's row lock; every change of who holds a place goes through it."""
    return (type(event).objects.select_for_update(of=("self",)).select_related(*_LOCK_RELATIONS[type(event)])
            .get(pk=event.pk))


def _note_course_started(registration, decision):
    """Keep on the registration whether its course has started, as the late-joiner decision
    counted it a moment ago under the event lock: the notice receiver sends a late joiner the
    learning material without counting the started sessions again."""
    registration.course_started = decision.course_started if decision is not None else None


def _with_event(registration, event):
    """``registration`` with ``event`` (the locked instance) as its event, so the notices and
    messages that read ``registration.event`` do not load it again."""
    setattr(registration, "info_day" if isinstance(event, InfoDay) else "course", event)
    return registration


def availability(event) -> Availability:
    from django.db.models import Count

    counts = Registration.objects.filter(_event_filter(event)).aggregate(
        confirmed=Count("id", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
        pending=Count("id", filter=Q(status=RegistrationStatus.PENDING)),
    )
    return Availability(capacity=event.capacity, **counts)


def availabilities(events) -> dict:
    """``{event: Availability}`` of many events (info days and courses) in one grouped query per
    kind: ``availability`` of each, for the lists that show every event's places (the public
    programme pages: one query per event was 200 queries for a national programme's page)."""
    from django.db.models import Count

    events = list(events)
    found = {}
    for model, column in ((InfoDay, "info_day_id"), (Course, "course_id")):
        of_kind = {event.pk: event for event in events if isinstance(event, model)}
        if not of_kind:
            continue
        counts = {row[column]: row for row in (
            Registration.objects.filter(**{f"{column}__in": list(of_kind)}).order_by().values(column).annotate(
                confirmed=Count("id", filter=Q(status=RegistrationStatus.CONFIRMED)),
                waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
                pending=Count("id", filter=Q(status=RegistrationStatus.PENDING)),
            ))}
        for pk, event in of_kind.items():
            row = counts.get(pk, {})
            found[event] = Availability(capacity=event.capacity, confirmed=row.get("confirmed", 0),
                                        waitlisted=row.get("waitlisted", 0), pending=row.get("pending", 0))
    return found


def register_participant(*, participant: Participant, event, source: str = RegistrationSource.COORDINATOR,
                         registered_by=None, allow_closed: bool = False, hold_until=None) -> Registration:
    """Register ``participant`` for ``event``: a place if one is free, else the waiting list.

    With ``hold_until`` (public self-registration, double opt-in) a free place is only held:
    the registration is *pending* until ``confirm_self_registration`` or the hold runs out;
    on a full event it waits on the list, unconfirmed, until then.

    Raises ``AlreadyRegistered`` for a second registration of the same person (a cancelled
    one is reopened instead), ``EventNotOpen`` for cancelled or held events.
    """
    with transaction.atomic():
        return _register_locked(participant=participant, event=_lock_event(event), source=source,
                                registered_by=registered_by, allow_closed=allow_closed, hold_until=hold_until)


def _register_locked(*, participant, event, source, registered_by=None, allow_closed=False, hold_until=None,
                     new_person=False):
    """``register_participant`` for a caller already inside its transaction, ``event`` locked by
    ``_lock_event``: no savepoint of its own (a refusal rolls back the caller's block, which
    ``register_participant`` and ``record_and_register`` open). ``new_person``: the participant
    was created in this transaction, so no registration of theirs can exist yet."""
    if event.status in (EventStatus.CANCELLED, EventStatus.HELD) or (
        event.status == EventStatus.CLOSED and not allow_closed
    ):
        raise EventNotOpen(_("Erre az eseményre most nem lehet jelentkezni (%(status)s).")
                           % {"status": event.get_status_display()})
    # Read after the event lock: a registration of the same person committed by another
    # transaction meanwhile is seen here (every path that creates registrations takes this lock),
    # so the unique constraint on (person, event) is never what refuses the second one.
    existing = None if new_person else (
        Registration.objects.filter(_event_filter(event), participant=participant).first())
    if existing and existing.status != RegistrationStatus.CANCELLED:
        existing.participant = participant
        raise AlreadyRegistered(existing)
    decision = _late_join(event, existing)
    if decision is not None and not decision.allowed:
        raise LateJoinRefused(decision.message)
    now = timezone.now()
    has_place = availability(event).free > 0
    if hold_until is not None:
        status = RegistrationStatus.PENDING if has_place else RegistrationStatus.WAITLISTED
    else:
        status = RegistrationStatus.CONFIRMED if has_place else RegistrationStatus.WAITLISTED
    if existing:  # a cancelled registration comes back: it joins the end of the queue
        registration = existing
        registration.created_at = now
        registration.cancelled_at = None
        registration.cancel_reason = ""
    else:
        registration = Registration(participant=participant, created_at=now)
    _with_event(registration, event)
    registration.participant = participant
    registration.status = status
    registration.source = source
    registration.registered_by = registered_by
    registration.confirmed_at = now if status == RegistrationStatus.CONFIRMED else None
    registration.hold_until = hold_until
    registration.eligible_for_certificate = decision is None or decision.eligible
    # For the view: the coordinator is warned when the person can no longer complete.
    registration.late_join_message = decision.message if decision is not None else ""
    _note_course_started(registration, decision)
    registration.save()
    if hold_until is not None:
        change = RegistrationChange.PENDING
    else:
        change = RegistrationChange.CONFIRMED if has_place else RegistrationChange.WAITLISTED
    registration_changed.send(sender=Registration, registration=registration, change=change)
    return registration


class NoPlaceLeft(RegistrationError):
    pass


def confirm_on_site(*, participant: Participant, event, registered_by=None,
                    source: str = RegistrationSource.WALK_IN) -> Registration:
    """Give a place to someone who came (a walk-in, or a person on the waiting list), also
    after the event is held or closed (paper sheets keyed in later) — never on a cancelled
    event and never past capacity (``NoPlaceLeft``). A waiting person who came takes a free
    place ahead of the queue: they were there. The late-joiner rule applies to courses.
    """
    with transaction.atomic():
        event = _lock_event(event)
        if event.status == EventStatus.CANCELLED:
            raise EventNotOpen(_("Erre az eseményre most nem lehet jelentkezni (%(status)s).")
                               % {"status": event.get_status_display()})
        existing = Registration.objects.filter(_event_filter(event), participant=participant).first()
        if existing and existing.status == RegistrationStatus.CONFIRMED:
            raise AlreadyRegistered(existing)
        holding = existing is not None and existing.status == RegistrationStatus.PENDING  # their place is held
        if not holding and availability(event).free <= 0:
            raise NoPlaceLeft(_("Az esemény betelt (%(n)s fő): nincs szabad hely.") % {"n": event.capacity})
        decision = _late_join(event, existing)
        if decision is not None and not decision.allowed:
            raise LateJoinRefused(decision.message)
        now = timezone.now()
        was_waiting = existing is not None and existing.status == RegistrationStatus.WAITLISTED
        registration = existing or Registration(participant=participant, created_at=now, source=source,
                                                **_event_kwargs(event))
        if existing and not was_waiting:  # a cancelled registration comes back
            registration.created_at = now
            registration.source = source
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.cancelled_at = None
        registration.cancel_reason = ""
        registration.registered_by = registered_by or registration.registered_by
        registration.hold_until = None
        registration.eligible_for_certificate = decision is None or decision.eligible
        registration.late_join_message = decision.message if decision is not None else ""
        _note_course_started(registration, decision)
        registration.save()
        change = RegistrationChange.PROMOTED if was_waiting else RegistrationChange.CONFIRMED
        registration_changed.send(sender=Registration, registration=registration, change=change)
        return registration


# A course's waiting list is read and locked this many at a time while promoting: a long queue
# (people who can no longer complete are passed over) is not read whole to fill one place.
PROMOTION_BATCH = 20


def promote_from_waiting_list(event) -> Promotion:
    """Fill free places from the waiting list, first come first served. Call with the event locked.

    On a course, someone who could no longer complete it (trainings.eligibility) is passed over
    when the programme refuses late joiners, or promoted marked not eligible for a certificate.
    """
    free = availability(event).free
    if free <= 0 or event.status in (EventStatus.CANCELLED, EventStatus.HELD):
        return Promotion()
    is_course = isinstance(event, Course)
    # Unconfirmed self-registrations (hold_until set) wait until their e-mail link is opened.
    queue = (waiting_list(event).filter(hold_until__isnull=True).select_for_update(of=("self",))
             .select_related("participant"))
    batch_size = max(free, PROMOTION_BATCH) if is_course else free
    started = None
    now = timezone.now()
    promoted, skipped, message = [], [], ""
    last = None
    while len(promoted) < free:
        # The next batch in queue order after the last one read (keyset: the promoted ones left
        # the list, so an OFFSET would skip people). Nobody else changes the list meanwhile:
        # every change of it holds the event lock, as we do.
        batch = queue if last is None else queue.filter(
            Q(created_at__gt=last.created_at) | Q(created_at=last.created_at, id__gt=last.id))
        batch = list(batch[:batch_size])
        if not batch:
            break
        decisions = {}
        if is_course:
            from trainings.eligibility import attendance_counts, late_join_decision, sessions_started

            started = sessions_started(event) if started is None else started
            counts = attendance_counts(r.pk for r in batch)
            decisions = {r.pk: late_join_decision(event, attended=counts.get(r.pk, (0, 0))[0],
                                                  late=counts.get(r.pk, (0, 0))[1], started=started) for r in batch}
        for registration in batch:
            if len(promoted) >= free:
                break
            decision = decisions.get(registration.pk)
            if decision is not None and not decision.allowed:
                skipped.append(registration)
                message = decision.message
                continue
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = now
            registration.eligible_for_certificate = decision is None or decision.eligible
            registration.save(update_fields=["status", "confirmed_at", "eligible_for_certificate"])
            _with_event(registration, event)
            _note_course_started(registration, decision)
            registration_changed.send(sender=Registration, registration=registration,
                                      change=RegistrationChange.PROMOTED)
            promoted.append(registration)
        if len(batch) < batch_size:
            break
        last = batch[-1]
    if skipped:
        message = _("A várólistáról %(n)s főt nem léptettünk elő: %(reason)s") % {"n": len(skipped), "reason": message}
    return Promotion(promoted, skipped, message)


QUEUE_ORDER = ("created_at", "id")


def waiting_list(event):
    """The waiting list of ``event`` in queue order: arrival (``created_at``), then ``id``.
    Promotion and the displayed queue positions (``with_queue_position``) use this one order."""
    return Registration.objects.filter(_event_filter(event), status=RegistrationStatus.WAITLISTED).order_by(
        *QUEUE_ORDER
    )


def with_queue_position(registrations):
    """Annotate ``queue_position``: 1 for the next to be promoted, in ``waiting_list`` order;
    None for registrations not on a waiting list. One correlated count, so lists can be
    filtered, paginated and ordered by it."""
    from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, When

    ahead = (
        Registration.objects.filter(
            Q(info_day_id=OuterRef("info_day_id")) | Q(course_id=OuterRef("course_id")),
            status=RegistrationStatus.WAITLISTED,
        )
        .filter(Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), id__lte=OuterRef("id")))
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values("n")
    )
    return registrations.annotate(queue_position=Case(
        When(status=RegistrationStatus.WAITLISTED, then=Subquery(ahead, output_field=IntegerField())),
        default=None, output_field=IntegerField(),
    ))


def queue_position(registration) -> int | None:
    """The waiting-list position of one registration (the same count as ``with_queue_position``)."""
    return with_queue_position(Registration.objects.filter(pk=registration.pk)).values_list(
        "queue_position", flat=True
    ).first()


def cancel_registration(*, registration: Registration, reason: str, cancelled_by=None) -> list[Registration]:
    """Cancel a registration (with its reason); a freed place promotes the first on the waiting list.

    Returns the registrations promoted.
    """
    if not reason.strip():
        raise RegistrationError(_("Adja meg a lemondás okát."))
    with transaction.atomic():
        event = _lock_event(registration.event)
        registration = _with_event(Registration.objects.select_for_update().get(pk=registration.pk), event)
        if registration.status == RegistrationStatus.CANCELLED:
            raise RegistrationError(_("Ez a jelentkezés már le van mondva."))
        was_confirmed = registration.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.cancel_reason = reason.strip()[:300]
        registration.hold_until = None
        registration.save(update_fields=["status", "cancelled_at", "cancel_reason", "hold_until"])
        registration_changed.send(sender=Registration, registration=registration, change=RegistrationChange.CANCELLED)
        return promote_from_waiting_list(event) if was_confirmed else Promotion()


def reinstate_registration(*, registration: Registration, reinstated_by=None) -> Registration:
    """Bring back a cancelled registration (staff). It goes through capacity like a new one:
    a free place confirms it, a full event puts it at the end of the waiting list."""
    registration = Registration.objects.select_related("participant").get(pk=registration.pk)
    if registration.status != RegistrationStatus.CANCELLED:
        raise RegistrationError(_("Csak lemondott jelentkezés állítható vissza."))
    return register_participant(
        participant=registration.participant, event=registration.event, source=registration.source,
        registered_by=reinstated_by or registration.registered_by, allow_closed=True,
    )


def fill_from_waiting_list(*, event) -> list[Registration]:
    """Promote from the waiting list into every free place of ``event``, in queue order (staff
    repair, e.g. after a capacity was changed outside the portal). Returns the promoted."""
    with transaction.atomic():
        return promote_from_waiting_list(_lock_event(event))


@dataclass(frozen=True)
class MoveResult:
    registration: Registration  # the registration at the new event (confirmed or waitlisted)
    promoted: list  # who took the freed place at the old event


def _event_lock_key(event):
    return (0 if isinstance(event, InfoDay) else 1, event.pk)


def move_registration(*, registration: Registration, to_event, moved_by=None) -> MoveResult:
    """Move a person from one event to another (staff, bulk moves).

    The target is taken through capacity like a new registration (a full target puts them on
    its waiting list, at the end); the old registration is cancelled with the reason
    "Áthelyezve: …", and the place it frees promotes the first waiting there. All or nothing:
    refused (``AlreadyRegistered``, ``EventNotOpen``, ``RegistrationError``) nothing changes.
    """
    with transaction.atomic():
        registration = Registration.objects.select_related("participant").get(pk=registration.pk)
        old_event = registration.event
        if registration.status == RegistrationStatus.CANCELLED:
            raise RegistrationError(_("Lemondott jelentkezés nem helyezhető át."))
        if type(old_event) is type(to_event) and old_event.pk == to_event.pk:
            raise RegistrationError(_("A jelentkezés már erre az eseményre szól."))
        # Both events locked in one fixed order, so two moves in opposite directions can't deadlock.
        for event in sorted((old_event, to_event), key=_event_lock_key):
            _lock_event(event)
        new = register_participant(
            participant=registration.participant, event=to_event, source=registration.source,
            registered_by=moved_by or registration.registered_by, allow_closed=True,
        )
        promoted = cancel_registration(
            registration=registration, reason=_("Áthelyezve: %(event)s") % {"event": to_event},
            cancelled_by=moved_by,
        )
        return MoveResult(registration=new, promoted=promoted)


# The Hungarian "-nál/-nél" suffix after a number follows the vowels of its last spoken word.
_BACK_DIGITS = {3: True, 6: True, 8: True}  # három, hat, nyolc; the other digits take -nél
_BACK_TENS = {2: True, 3: True, 6: True, 8: True}  # húsz, harminc, hatvan, nyolcvan; tíz, negyven… take -nél


def _than_suffix(n: int) -> str:
    """``15`` → ``15-nél``, ``20`` → ``20-nál`` (Hungarian "than 15")."""
    n = abs(int(n))
    if n % 10:
        back = _BACK_DIGITS.get(n % 10, False)
    elif n % 100:
        back = _BACK_TENS.get(n // 10 % 10, False)
    elif n % 1000:
        back = True  # száz
    else:
        back = False  # ezer
    return f"{n}-{'nál' if back else 'nél'}"


def capacity_refusal(*, event, capacity: int) -> str | None:
    """Why ``event`` cannot take ``capacity`` places now, or None: at least 1, and never fewer than
    the people already confirmed (nobody loses a confirmed place silently). Call with the event locked
    when the answer decides a write."""
    if capacity is None or capacity < 1:
        return _("A férőhely legalább 1 fő legyen.")
    # Places held for a self-registration's e-mail link count like confirmed ones.
    confirmed = availability(event).held if event.pk else 0
    if capacity < confirmed:
        return _("%(confirmed)s fő már visszaigazolt, a létszám nem lehet kevesebb %(confirmed_than)s.") % {
            "confirmed": confirmed, "confirmed_than": _than_suffix(confirmed), "capacity": capacity,
        }
    return None


def confirm_self_registration(*, registration: Registration, now=None) -> Registration:
    """The e-mail link of a self-registration was opened: a held place becomes confirmed, an
    unconfirmed waiting-list entry keeps its turn and can now be promoted (at once, if a place
    is free). Opening the link again changes nothing.

    The rules of every other path apply at this moment, not at the time of the form:
    - ``HoldExpired`` once the hold ran out (the registration is expired here and then, its place
      goes to the waiting list, whether or not the periodic task has run) or it was cancelled;
    - on a course, the late-joiner rule (``trainings.eligibility``, like the coordinator's form and
      the promotion): a course gone too far refuses (``LateJoinRefused``; the registration is
      cancelled with the reason and its held place freed), or, when the programme accepts late
      joiners, confirms them marked not eligible for a certificate.
    The refusal is committed before the exception is raised.
    """
    now = now or timezone.now()
    refused = None
    with transaction.atomic():
        event = _lock_event(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            raise HoldExpired(_("A jelentkezés megerősítésének határideje lejárt."))
        if registration.hold_until is None:
            return registration  # confirmed before (or registered by a coordinator)
        decision = _late_join(event, registration) if registration.hold_until > now else None
        if registration.hold_until <= now:
            _expire(registration, event, now)
            refused = HoldExpired(_("A jelentkezés megerősítésének határideje lejárt."))
        elif decision is not None and not decision.allowed:
            _expire(registration, event, now, reason=decision.message)
            refused = LateJoinRefused(decision.message)
        else:
            registration.hold_until = None
            registration.eligible_for_certificate = decision is None or decision.eligible
            if registration.status == RegistrationStatus.PENDING:
                registration.status = RegistrationStatus.CONFIRMED
                registration.confirmed_at = now
                registration.save(update_fields=["status", "confirmed_at", "hold_until", "eligible_for_certificate"])
                registration_changed.send(sender=Registration, registration=registration,
                                          change=RegistrationChange.CONFIRMED)
            else:
                registration.save(update_fields=["hold_until", "eligible_for_certificate"])
                promote_from_waiting_list(event)
                registration.refresh_from_db()
            registration.late_join_message = decision.message if decision is not None else ""
    if refused is not None:
        raise refused
    return registration


def _expire(registration, event, now, reason=None):
    was_holding = registration.status == RegistrationStatus.PENDING
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.cancel_reason = (reason or _("Nem erősítették meg a jelentkezést a határidőig."))[:300]
    registration.hold_until = None
    registration.save(update_fields=["status", "cancelled_at", "cancel_reason", "hold_until"])
    registration_changed.send(sender=Registration, registration=registration, change=RegistrationChange.CANCELLED)
    return promote_from_waiting_list(event) if was_holding else []


def expire_unconfirmed_registrations(*, now=None) -> int:
    """Cancel self-registrations whose hold ran out unconfirmed; a freed place promotes the first
    waiting (the usual notice). Each in its own transaction, re-checked under the event lock, so
    two runs at once (or a confirmation at the same moment) expire nobody twice. Returns how many."""
    now = now or timezone.now()
    due = list(
        Registration.objects.filter(
            status__in=[RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED], hold_until__lte=now
        ).values_list("pk", flat=True)
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            registration = Registration.objects.filter(pk=pk).first()
            if registration is None:
                continue
            event = _lock_event(registration.event)
            registration = Registration.objects.select_for_update().get(pk=pk)
            if registration.hold_until is None or registration.hold_until > now or registration.status not in (
                RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED
            ):
                continue
            _expire(registration, event, now)
            expired += 1
    return expired


def change_capacity(*, event, capacity: int, changed_by=None) -> list[Registration]:
    """Set an event's capacity (MKE staff). Raising it promotes from the waiting list.

    Lowering it below the confirmed count is refused: nobody loses a confirmed place silently.
    """
    with transaction.atomic():
        event = _lock_event(event)
        refusal = capacity_refusal(event=event, capacity=capacity)
        if refusal:
            raise RegistrationError(refusal)
        event.capacity = capacity
        if isinstance(event, InfoDay) and event.minimum > capacity:
            event.minimum = capacity
        event.save()
        return promote_from_waiting_list(event)


# --- People: creating and editing participants, recognising known persons -------------------

# "Active age" as the programme uses it (KSH: 15–64 years); a citizen outside it is warned about.
ACTIVE_AGE = (15, 64)


class DuplicateParticipant(RegistrationError):
    """The data matches a person already known; the coordinator is offered them instead."""

    def __init__(self, candidates):
        self.candidates = list(candidates)
        super().__init__(_("Ez a személy már szerepel a nyilvántartásban: válassza ki a meglévő adatlapot."))


def normalise_tax_number(value: str) -> str:
    """``12345678112`` or ``12345678 1 12`` → ``12345678-1-12``; anything else is returned trimmed."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    if len(digits) == 11:
        return f"{digits[:8]}-{digits[8]}-{digits[9:]}"
    return (value or "").strip()


def identity_condition(*, email: str = "", family_name: str, given_name: str, birth_year, settlement: str) -> Q:
    """The same person: the same e-mail (any case), or the same family name, given name, birth
    year and settlement (any case). The one rule of recognition (``known_participants``) and of
    the duplicate check (``privacy.services.possible_duplicates``).

    Lower(...) = lower(value), exactly as the expression indexes participant_email_lower and
    participant_identity_lower are built (``__iexact`` compiles to UPPER() and scans the table:
    the duplicate check read all 100,000 people for each person it checked, 23 ms each)."""
    condition = Q(
        family_name__lower=family_name.strip().lower(), given_name__lower=given_name.strip().lower(),
        birth_year=birth_year, settlement__lower=settlement.strip().lower(),
    )
    email = (email or "").strip().lower()
    if email:
        condition |= Q(email__lower=email)
    return condition


def known_participants(*, viewer, email: str = "", family_name: str, given_name: str, birth_year,
                       settlement: str, exclude_pk=None):
    """Persons on record that ``viewer`` may see and that match: same e-mail (any case), or the
    same family name, given name, birth year and settlement (any case). E-mail matches first.

    Recognition never discloses: the search starts from ``scope.participants_for(viewer)``, so a
    person known only to another library is not found (the caller records a new person and the
    pair goes to MKE staff as a ``privacy.DuplicateCase``). ``viewer=None`` is the public: it
    recognises nobody. Anonymised persons are never recognised.
    """
    from django.db.models import Case, IntegerField, Value, When

    from menet_portal.scope import participants_for

    condition = identity_condition(email=email, family_name=family_name, given_name=given_name,
                                   birth_year=birth_year, settlement=settlement)
    email = (email or "").strip().lower()
    visible = participants_for(viewer) if viewer is not None else Participant.objects.none()
    qs = visible.filter(condition, anonymised_at__isnull=True)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    rank = Case(When(email__lower=email, then=Value(0)), default=Value(1), output_field=IntegerField()) if email \
        else Value(1, output_field=IntegerField())
    return qs.select_related("organisation", "registering_library").annotate(match_rank=rank).order_by(
        "match_rank", "id"
    )


def normalise_email(value: str) -> str:
    return (value or "").strip().casefold()


def lock_person_identity(data: dict) -> None:
    """Serialise recognition + creation of the same person (menet_portal.db.advisory_xact_lock):
    one lock on the normalised e-mail, one on family name + given name + birth year +
    settlement. Two identical "new person" submits at the same moment then run one after the
    other, and the second recognises the person the first created. Not a unique e-mail
    index: two records may share an e-mail until staff merge them."""
    from menet_portal.db import advisory_xact_lock

    keys = ["participant-identity:" + "|".join([
        " ".join(str(data.get("family_name") or "").split()).casefold(),
        " ".join(str(data.get("given_name") or "").split()).casefold(),
        str(data.get("birth_year") or ""),
        " ".join(str(data.get("settlement") or "").split()).casefold(),
    ])]
    if normalise_email(data.get("email")):
        keys.append("participant-email:" + normalise_email(data.get("email")))
    advisory_xact_lock(*keys)


def outside_active_age(*, target_group: str, birth_year: int, today=None) -> bool:
    if target_group != "citizen" or not birth_year:
        return False
    age = (today or timezone.localdate()).year - birth_year
    return not (ACTIVE_AGE[0] <= age <= ACTIVE_AGE[1])


def _organisation_for(data: dict, *, correct: bool = False, viewer=None):
    """Find the organisation by tax number, or create it; ``None`` for citizens.

    With ``correct`` (editing a participant) a found organisation takes the typed name and size
    band, and its kind when it stays in the same target group.
    """
    from .models import Organisation, TargetGroup

    if data["target_group"] == TargetGroup.CITIZEN:
        return None
    tax_number = normalise_tax_number(data["tax_number"])
    organisation = Organisation.objects.filter(tax_number=tax_number).first()
    if organisation is None:
        organisation = Organisation(
            name=data["organisation_name"].strip(), kind=data["organisation_kind"], tax_number=tax_number,
            settlement=data.get("organisation_settlement") or data["settlement"],
            size_band=(data.get("size_band") or "") if data["target_group"] == TargetGroup.BUSINESS else "",
        )
        organisation.full_clean()
        organisation.save()
    elif correct and _may_correct(organisation, viewer):
        organisation.name = data["organisation_name"].strip() or organisation.name
        if data["target_group"] == TargetGroup.BUSINESS:
            organisation.size_band = data.get("size_band") or organisation.size_band
        if data.get("organisation_kind") and organisation.target_group == data["target_group"]:
            organisation.kind = data["organisation_kind"]
        organisation.full_clean()
        organisation.save()
    return organisation


PERSON_FIELDS = ("family_name", "given_name", "email", "phone", "birth_year", "settlement", "county", "target_group")


def _may_correct(organisation, viewer) -> bool:
    """An organisation is corrected only by someone who sees everybody representing it: a
    coordinator cannot rename an organisation another library's people belong to."""
    from menet_portal.scope import participants_for

    if viewer is None:
        return False
    visible = participants_for(viewer).values("pk")
    return not organisation.participants.exclude(pk__in=visible).exists()


def _apply_person_data(participant: Participant, data: dict, *, correct_organisation: bool = False,
                       viewer=None) -> None:
    from .validators import normalise_phone

    for field in PERSON_FIELDS:
        setattr(participant, field, data[field])
    participant.family_name = participant.family_name.strip()
    participant.given_name = participant.given_name.strip()
    participant.settlement = participant.settlement.strip()
    participant.email = (participant.email or "").strip()
    participant.phone = normalise_phone(participant.phone or "")
    participant.organisation = _organisation_for(data, correct=correct_organisation, viewer=viewer)
    _apply_photo_consent(participant, data)


def _apply_photo_consent(participant: Participant, data: dict) -> None:
    """The optional photo consent: ticked keeps (or sets, now) its time, unticked withdraws it.
    A form without the field (``photo_consent`` missing from ``data``) leaves it as it is."""
    if "photo_consent" not in data:
        return
    if data["photo_consent"]:
        participant.photo_consent_at = participant.photo_consent_at or timezone.now()
    else:
        participant.photo_consent_at = None


def create_participant(*, data: dict, viewer, library=None, use_existing=None,
                       allow_known: bool = False) -> tuple[Participant, bool]:
    """Record a person, or recognise them: returns ``(participant, created)``.

    ``data`` is a form's cleaned data (person fields, consent, organisation fields for
    nonprofit and business); ``viewer`` the user acting (``None`` for the public). If the
    e-mail (any case) or family name + given name + birth year + settlement match a person
    ``viewer`` may see, nobody new is created: ``DuplicateParticipant`` offers them, unless
    ``use_existing`` names one of them (its id, checked against the matches, never trusted) or
    ``allow_known`` takes the best match (walk-ins). A match outside ``viewer``'s scope is
    treated exactly like no match (see ``known_participants``).

    Recognition never changes the known person's consent: only the person (or staff on their
    documented request) does that (``privacy.services.record_consent``).
    """
    with transaction.atomic():
        return _create_participant_in_transaction(data=data, viewer=viewer, library=library,
                                                  use_existing=use_existing, allow_known=allow_known)


def _create_participant_in_transaction(*, data, viewer, library=None, use_existing=None, allow_known=False):
    """``create_participant`` for a caller already inside its transaction (no savepoint of its own:
    a refusal rolls back the caller's block)."""
    if not data.get("consent"):
        raise RegistrationError(_("Az adatkezeléshez való hozzájárulás kötelező."))
    from privacy.services import queue_duplicate_check

    lock_person_identity(data)  # held until the outermost transaction commits
    candidates = list(known_participants(
        viewer=viewer, email=data.get("email", ""), family_name=data["family_name"],
        given_name=data["given_name"], birth_year=data["birth_year"], settlement=data["settlement"],
    ))
    if candidates:
        chosen = None
        if use_existing is not None:
            chosen = next((c for c in candidates if str(c.pk) == str(use_existing)), None)
        elif allow_known:
            chosen = candidates[0]
        if chosen is None:
            raise DuplicateParticipant(candidates)
        return chosen, False
    participant = Participant(
        registering_library=library,
        consent_given_at=timezone.now(),
        consent_text_version=settings.CONSENT_TEXT_VERSION,
    )
    _apply_person_data(participant, data)
    _full_clean_person(participant)
    participant.save()
    queue_duplicate_check([participant.pk])
    return participant, True


def _full_clean_person(participant: Participant) -> None:
    """``participant.full_clean()`` with the same checks and errors, less the look-ups of what is
    already loaded: a relation set to an instance read from (or saved to) the database in this
    request — the form's county, the event's library, the organisation just found or created —
    is not read again to prove it exists (the foreign key still holds in the database). The
    constraints are validated on every field that passed, as ``full_clean`` does."""
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    from menet_portal.db import validate_constraints

    loaded = set()
    for field in Participant._meta.concrete_fields:
        if field.is_relation and field.is_cached(participant):
            related = field.get_cached_value(participant)
            if related is not None and related.pk is not None and related._state.db is not None:
                loaded.add(field.name)
    errors = {}
    try:
        participant.full_clean(exclude=loaded, validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        # The two check constraints compare the person's own fields with constants: evaluated in
        # Python (menet_portal.db.validate_constraints), not by a query and a savepoint each.
        validate_constraints(participant, exclude={name for name in errors if name != NON_FIELD_ERRORS})
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def update_participant(*, participant: Participant, data: dict, viewer) -> Participant:
    """Change a person's data; refuses to make them a copy of another person ``viewer`` may see
    (a copy of someone outside the scope is saved, and the pair goes to MKE staff)."""
    from privacy.services import queue_duplicate_check

    with transaction.atomic():
        lock_person_identity(data)
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        others = known_participants(
            viewer=viewer, email=data.get("email", ""), family_name=data["family_name"], given_name=data["given_name"],
            birth_year=data["birth_year"], settlement=data["settlement"], exclude_pk=participant.pk,
        )
        if others.exists():
            raise DuplicateParticipant(others)
        _apply_person_data(participant, data, correct_organisation=True, viewer=viewer)
        participant.full_clean()
        participant.save()
        queue_duplicate_check([participant.pk])
        return participant


def record_and_register(*, data: dict, viewer, event=None, library=None, registered_by=None,
                        source: str = RegistrationSource.COORDINATOR, use_existing=None, allow_known: bool = False):
    """Record (or recognise, within ``viewer``'s scope) a person and register them for ``event``
    in one transaction.

    Returns ``(participant, registration or None)``. If the registration is refused (the person
    is already registered, the event is closed), nothing is recorded: called inside a
    transaction (the form view's, with its one-time token), a refusal rolls back the caller's
    whole block — no savepoint of its own, so the caller must let the exception leave its block
    (a query after catching it there fails loudly instead of saving half the work).
    """
    with transaction.atomic(savepoint=False):
        participant, created = _create_participant_in_transaction(
            data=data, viewer=viewer, library=library, use_existing=use_existing, allow_known=allow_known
        )
        registration = None
        if event is not None:
            registration = _register_locked(
                participant=participant, event=_lock_event(event), source=source, registered_by=registered_by,
                new_person=created,
            )
        return participant, registration


# --- One-time form tokens: a double click does the work once ------------------------------------

class AlreadySubmitted(RegistrationError):
    """This form was sent before; ``result_url`` is where its first submit landed."""

    def __init__(self, result_url):
        self.result_url = result_url
        super().__init__(_("Ezt az űrlapot már elküldte; az eredményét látja."))


def new_form_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


def claim_form_token(*, token: str, user):
    """Mark ``token`` used, inside the caller's transaction (so a refused submit frees it again).

    Returns the ``FormSubmission`` row (or None without a token). A token used before raises
    ``AlreadySubmitted`` with the first result; a concurrent second submit waits on the unique
    index until the first commits, then gets the same answer.
    """
    from menet_portal.db import insert_unless_exists

    from .models import FormSubmission

    token = (token or "").strip()[:64]
    if not token:
        return None
    submission = FormSubmission(token=token, user=user)
    if insert_unless_exists(submission):  # one statement; waits for a concurrent submit of the same token
        return submission
    first = FormSubmission.objects.filter(token=token, user=user).first()
    if first is not None and first.result_url:
        raise AlreadySubmitted(first.result_url)
    raise RegistrationError(_("Ezt az űrlapot már elküldte. Töltse be újra az oldalt."))


def finish_form_token(submission, result_url: str) -> None:
    if submission is not None:
        submission.result_url = result_url[:300]
        submission.save(update_fields=["result_url"])


# --- Bulk: the same rules for a whole list at once (imports) -----------------------------------

def record_people(*, rows: list[dict], known: list, library=None, recorded_by=None) -> list[Participant]:
    """Record the people of a checked list in a few queries: ``rows`` are cleaned form data,
    ``known[i]`` the already known person for row i (recognised within the importer's scope,
    kept as they are: their consent is not touched) or ``None``.

    Organisations are found by tax number or created once per tax number. Returns the
    participants in row order. The caller checked the rows (forms, duplicates) beforehand.
    """
    from django.core.exceptions import ValidationError
    from simple_history.utils import bulk_create_with_history

    from .models import Organisation, TargetGroup
    from .validators import normalise_phone

    now = timezone.now()
    with transaction.atomic():
        tax_numbers = {normalise_tax_number(r["tax_number"]) for r, k in zip(rows, known)
                       if k is None and r["target_group"] != TargetGroup.CITIZEN}
        organisations = {o.tax_number: o for o in Organisation.objects.filter(tax_number__in=tax_numbers)}
        new_organisations = []
        for row, person in zip(rows, known):
            tax_number = normalise_tax_number(row["tax_number"])
            if person is not None or row["target_group"] == TargetGroup.CITIZEN or tax_number in organisations:
                continue
            organisation = Organisation(
                name=row["organisation_name"].strip(), kind=row["organisation_kind"], tax_number=tax_number,
                settlement=row["settlement"].strip(),
                size_band=(row.get("size_band") or "") if row["target_group"] == TargetGroup.BUSINESS else "",
            )
            organisations[tax_number] = organisation
            new_organisations.append(organisation)
        if new_organisations:
            bulk_create_with_history(new_organisations, Organisation, default_user=recorded_by)

        people, new_people = [], []
        for row, person in zip(rows, known):
            if person is not None:
                people.append(person)
                continue
            organisation = None
            if row["target_group"] != TargetGroup.CITIZEN:
                organisation = organisations[normalise_tax_number(row["tax_number"])]
                if organisation.target_group != row["target_group"]:
                    raise ValidationError(
                        {"organisation": _("A szervezet típusa nem illik a résztvevő célcsoportjához.")}
                    )
            person = Participant(
                family_name=row["family_name"].strip(), given_name=row["given_name"].strip(),
                email=(row.get("email") or "").strip(), phone=normalise_phone(row.get("phone") or ""),
                birth_year=row["birth_year"], settlement=row["settlement"].strip(), county=row["county"],
                target_group=row["target_group"], organisation=organisation, registering_library=library,
                consent_given_at=now, consent_text_version=settings.CONSENT_TEXT_VERSION,
                photo_consent_at=now if row.get("photo_consent") else None,
            )
            new_people.append(person)
            people.append(person)
        if new_people:
            bulk_create_with_history(new_people, Participant, default_user=recorded_by)
            from privacy.services import queue_duplicate_check

            queue_duplicate_check([p.pk for p in new_people])
        return people


def register_many(*, participants: list[Participant], event, source: str = RegistrationSource.IMPORT,
                  registered_by=None) -> list[Registration]:
    """Register several people for ``event`` under one lock, in list order: a place while one is
    free, then the waiting list (the same rule as ``register_participant``, for a whole list).

    Raises ``AlreadyRegistered`` if one of them already holds a place or a waiting-list spot
    (cancelled registrations are reopened at the end of the queue). Sends one
    ``registrations_changed`` for the whole list (the outbox writes its rows in bulk).
    """
    import datetime

    from simple_history.utils import bulk_create_with_history

    with transaction.atomic():
        event = _lock_event(event)
        if event.status in (EventStatus.CANCELLED, EventStatus.HELD, EventStatus.CLOSED):
            raise EventNotOpen(_("Erre az eseményre most nem lehet jelentkezni (%(status)s).")
                               % {"status": event.get_status_display()})
        existing = {
            r.participant_id: r for r in Registration.objects.filter(
                _event_filter(event), participant__in=[p.pk for p in participants]
            ).select_related("participant")
        }
        for registration in existing.values():
            if registration.status != RegistrationStatus.CANCELLED:
                raise AlreadyRegistered(registration)
        decision = _late_join(event)
        if decision is not None and not decision.allowed:
            raise LateJoinRefused(decision.message)
        free = availability(event).free
        now = timezone.now()
        registrations, new = [], []
        for position, participant in enumerate(participants):
            has_place = free > 0
            free -= 1 if has_place else 0
            # One microsecond apart, so the waiting list keeps the list's order.
            created_at = now + datetime.timedelta(microseconds=position)
            registration = existing.get(participant.pk) or Registration(participant=participant, **_event_kwargs(event))
            registration.created_at = created_at
            registration.status = RegistrationStatus.CONFIRMED if has_place else RegistrationStatus.WAITLISTED
            registration.source = source
            registration.registered_by = registered_by
            registration.confirmed_at = now if has_place else None
            registration.cancelled_at = None
            registration.cancel_reason = ""
            registration.eligible_for_certificate = decision is None or decision.eligible
            if registration.pk:
                registration.save()
            else:
                new.append(registration)
            registrations.append(registration)
        if new:
            bulk_create_with_history(new, Registration, default_user=registered_by)
        changes = [
            (registration, RegistrationChange.CONFIRMED if registration.status == RegistrationStatus.CONFIRMED
             else RegistrationChange.WAITLISTED)
            for registration in registrations
        ]
        registrations_changed.send(sender=Registration, changes=changes)
        return registrations


# --- Bulk actions on selected registrations (the registration list) ----------------------------

@dataclass
class BulkOutcome:
    """What happened to one selected registration, in a sentence for the coordinator."""

    registration: Registration
    done: bool
    message: str


def _promoted_text(promoted) -> str:
    if not promoted:
        return ""
    return " " + _("A felszabadult helyre került: %(names)s.") % {
        "names": ", ".join(p.participant.full_name for p in promoted)}


def cancel_registrations(*, registrations, reason: str, cancelled_by=None) -> list[BulkOutcome]:
    """Cancel each registration with the same reason (``cancel_registration`` one by one: each
    freed place promotes the first waiting as usual). One row's refusal (already cancelled —
    also a second submit of the same form) does not stop the others."""
    if not reason.strip():
        raise RegistrationError(_("Adja meg a lemondás okát."))
    outcomes = []
    for registration in registrations:
        try:
            promoted = cancel_registration(registration=registration, reason=reason, cancelled_by=cancelled_by)
        except RegistrationError as exc:
            outcomes.append(BulkOutcome(registration, False, _("Nem mondtuk le: %(reason)s") % {"reason": exc}))
        else:
            outcomes.append(BulkOutcome(registration, True, _("Lemondva.") + _promoted_text(promoted)))
    return outcomes


def move_registrations(*, registrations, to_event, moved_by=None) -> list[BulkOutcome]:
    """Move each registration to ``to_event`` through ``move_registration`` (capacity: free places
    first, then the target's waiting list in the order of the selection). Each row all or nothing;
    a refused row (already there, cancelled, event closed) is reported and the others go on."""
    outcomes = []
    for registration in registrations:
        try:
            result = move_registration(registration=registration, to_event=to_event, moved_by=moved_by)
        except RegistrationError as exc:
            outcomes.append(BulkOutcome(registration, False, _("Nem helyeztük át: %(reason)s") % {"reason": exc}))
            continue
        new = result.registration
        if new.status == RegistrationStatus.WAITLISTED:
            text = _("Áthelyezve, de a cél esemény betelt: várólistára került (%(n)s. hely).") % {
                "n": queue_position(new) or "?"}
        else:
            text = _("Áthelyezve, helyet kapott.")
        outcomes.append(BulkOutcome(new, True, text + _promoted_text(result.promoted)))
    return outcomes
