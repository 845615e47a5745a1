"""The outbox: the one module that decides whether a message is written, sent, retried or given up.

Rules (DESIGN.md, "Every reminder goes out once: never twice, never lost"):

- a message exists exactly when the change it announces was committed: rows are written in
  the caller's transaction and their send is queued with ``transaction.on_commit``;
- a second copy cannot be written: (kind, recipient, subject, slot) is unique in the database;
- a message is sent by whoever holds its row lock (``SELECT … FOR UPDATE SKIP LOCKED``) and is
  marked sent in that same transaction, so a task delivered twice, two workers or two
  dispatchers find the row locked or already sent and do nothing;
- a worker killed mid-send leaves no trace: its transaction rolls back, the lock goes with its
  connection, the row is still ``scheduled`` and the redelivered task or the next dispatch
  pass sends it (the only window for a second copy is between the SMTP server's "250 OK"
  and our COMMIT; the Message-ID is stable per row so mail clients fold such a copy);
- Redis being down when a row is committed loses nothing: the row stays ``scheduled`` and
  the next dispatch pass queues it;
- transient SMTP failures are retried with exponential backoff, permanent ones and the last
  retry leave the row ``failed`` with the error, for staff to see and resend.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

BATCH_SIZE = 100


class NotApplicable(Exception):
    """The message no longer applies (registration cancelled, opted out, …): skip, don't send."""


def max_attempts() -> int:
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base, … after the 1st, 2nd, 3rd failure."""
    base = getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 60)
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def requeue_after() -> timedelta:
    """A queued row still unsent after this long is queued again (its task was lost)."""
    return timedelta(seconds=getattr(settings, "OUTBOX_REQUEUE_AFTER_SECONDS", 600))


# --- writing ----------------------------------------------------------------------------------

def write_message(*, kind: str, recipient: str, subject_key: str, slot: str, **fields) -> OutboxMessage | None:
    """Write one message in the caller's transaction and queue its send after commit.

    Returns the new row, or None when the same message (kind, recipient, subject, slot)
    was already written: that is how a duplicate signal or a retry stays harmless.
    """
    from menet_portal.db import insert_unless_exists

    now = timezone.now()
    fields.setdefault("due_at", now)
    fields.setdefault("send_after", fields["due_at"])
    message = OutboxMessage(kind=kind, recipient=recipient, subject_key=subject_key, slot=slot, **fields, queued_at=now)
    # One INSERT … ON CONFLICT DO NOTHING on the (kind, recipient, subject, slot) key, not
    # get_or_create's SELECT + SAVEPOINT + INSERT: a second copy is still never written.
    if not insert_unless_exists(message):
        return None
    queue_after_commit([message.pk])
    return message


def write_messages(rows: list[OutboxMessage], *, queue: bool) -> int:
    """Write many messages at once; rows that exist already are left alone (unique constraint).

    Returns how many rows the insert was given (not how many were new).
    """
    if not rows:
        return 0
    if queue:
        now = timezone.now()
        for row in rows:
            row.queued_at = now
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if queue:
        # The ids of the rows just written (ignore_conflicts returns none): one query per 1,000
        # subject keys, then the exact (kind, recipient, subject, slot) match here, instead of an
        # OR of thousands of four-column conditions.
        keys = {(row.kind, row.recipient, row.subject_key, row.slot) for row in rows}
        kinds = {row.kind for row in rows}
        # By registration where every row has one (indexed), else by subject key.
        field = "registration_id" if all(row.registration_id for row in rows) else "subject_key"
        values = sorted({getattr(row, field) for row in rows})
        pks = []
        for start in range(0, len(values), 1000):
            found = OutboxMessage.objects.filter(
                **{f"{field}__in": values[start:start + 1000]}, status=OutboxStatus.SCHEDULED, kind__in=kinds,
            ).values_list("pk", "kind", "recipient", "subject_key", "slot")
            pks += [pk for pk, *key in found if tuple(key) in keys]
        queue_after_commit(pks)
    return len(rows)


def queue_after_commit(pks: list[int]) -> None:
    """Hand the rows to the workers once the transaction that wrote them has committed."""
    if pks:
        transaction.on_commit(lambda: publish(pks))


def publish(pks: list[int]) -> bool:
    """Queue sends for ``pks``. If the broker is down the rows stay scheduled for the next pass."""
    from menet_portal.tasks import send_batch

    queue = send_batch.app.conf.task_default_queue  # read per call: one queue per deployment
    try:
        for start in range(0, len(pks), BATCH_SIZE):
            send_batch.apply_async((list(pks[start:start + BATCH_SIZE]),), queue=queue)
    except Exception:  # kombu raises several kinds; none of them may break the caller's request
        logger.exception("Could not queue outbox messages %s; the next dispatch pass will.", pks[:10])
        OutboxMessage.objects.filter(pk__in=pks, status=OutboxStatus.SCHEDULED).update(queued_at=None)
        return False
    return True


# --- sending --------------------------------------------------------------------------------

def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and code >= 500


# Few joins: the claim query runs once per message, and its planning time grows fast with joins.
MESSAGE_RELATIONS = ("registration__participant", "registration__info_day__library")


def deliver(message_id: int, *, connection=None, now=None) -> str | None:
    """Send one message if it is still due and nobody else holds it; return its new status.

    The row lock is held from the decision to send until the row says ``sent``.
    """
    from .messages import build_email

    now = now or timezone.now()
    with transaction.atomic():
        message = (
            # Only the outbox row is locked; what the message is about comes along in the same query.
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(*MESSAGE_RELATIONS)
            .filter(pk=message_id, status=OutboxStatus.SCHEDULED, send_after__lte=now)
            .first()
        )
        if message is None:
            return None  # sent, given up, not yet due, or being sent by someone else right now
        if message.expires_at and now >= message.expires_at:
            message.status = OutboxStatus.MISSED
            message.last_error = _("A küldés ideje lejárt, mielőtt elküldhettük volna.")
            message.save(update_fields=["status", "last_error", "updated_at"])
            return message.status
        try:
            email = build_email(message, connection=connection)
        except NotApplicable as exc:
            message.status = OutboxStatus.SKIPPED
            message.last_error = str(exc)
            message.save(update_fields=["status", "last_error", "updated_at"])
            return message.status
        except Exception as exc:  # a bug or bad data: retrying would not help
            logger.exception("Could not build outbox message %s", message.pk)
            message.status = OutboxStatus.FAILED
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"
            message.save(update_fields=["status", "attempts", "last_error", "updated_at"])
            return message.status
        message.attempts += 1
        try:
            email.send()
        except (smtplib.SMTPException, OSError) as exc:
            if connection is not None:
                connection.close()  # the next message of the batch opens a fresh one
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.queued_at = None  # the next dispatch pass after send_after queues it again
            if _is_permanent(exc) or message.attempts >= max_attempts():
                message.status = OutboxStatus.FAILED
            else:
                message.send_after = now + retry_delay(message.attempts)
            message.save(update_fields=["status", "attempts", "last_error", "queued_at", "send_after", "updated_at"])
            logger.warning("Outbox message %s not sent (attempt %s): %s", message.pk, message.attempts, exc)
            return message.status
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.last_error = ""
        message.save(update_fields=["status", "sent_at", "attempts", "last_error", "updated_at"])
        return message.status


def deliver_batch(message_ids: list[int], *, now=None) -> dict[str, int]:
    """Send several messages over one SMTP connection; each is claimed and committed on its own."""
    counts: dict[str, int] = {}
    connection = get_connection()
    try:
        for pk in message_ids:
            _open(connection)
            status = deliver(pk, connection=connection, now=now)
            counts[status or "untouched"] = counts.get(status or "untouched", 0) + 1
    finally:
        connection.close()
    return counts


def _open(connection) -> None:
    """Keep one SMTP connection open across a batch; if it cannot open, each send reports why."""
    if getattr(connection, "connection", True) is None:
        try:
            connection.open()
        except (smtplib.SMTPException, OSError):
            pass


# --- dispatching ----------------------------------------------------------------------------

def queue_due(*, now=None) -> int:
    """Queue every scheduled message that is due and not already queued (or whose task was lost).

    Two dispatchers at once split the rows between them (SKIP LOCKED); even if both queued
    the same row, the send claims it once.
    """
    now = now or timezone.now()
    stale = now - requeue_after()
    queued = 0
    while True:
        with transaction.atomic():
            pks = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(status=OutboxStatus.SCHEDULED, send_after__lte=now)
                .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale))
                .order_by("send_after", "id")
                .values_list("pk", flat=True)[:BATCH_SIZE]
            )
            if not pks:
                return queued
            OutboxMessage.objects.filter(pk__in=pks).update(queued_at=now)
        if not publish(pks):
            return queued
        queued += len(pks)


def dispatch_due(*, now=None) -> dict[str, int]:
    """One dispatcher pass: write what has fallen due, then queue everything due for sending.

    Run by Celery beat every few minutes and by ``manage.py send_due_reminders`` from cron;
    any number of passes, at once or repeated, send every message once.
    """
    from menet_portal import counters

    from . import schedule

    now = now or timezone.now()
    written = schedule.write_due_messages(now=now)
    written["queued"] = queue_due(now=now)
    counters.compact()  # the database-kept counts' deltas, one row per group again
    return written


def resend(*, message: OutboxMessage, now=None) -> OutboxMessage:
    """Give a failed message another full set of attempts (MKE staff, from the outbox page)."""
    from .messages import OutboxError

    now = now or timezone.now()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.status != OutboxStatus.FAILED:
            raise OutboxError(_("Csak sikertelen üzenetet lehet újraküldeni."))
        message.status = OutboxStatus.SCHEDULED
        message.attempts = 0
        message.send_after = now
        message.expires_at = None  # staff asked for it explicitly
        message.queued_at = now
        message.save(update_fields=["status", "attempts", "send_after", "expires_at", "queued_at", "updated_at"])
        queue_after_commit([message.pk])
    return message


def skip_pending(queryset, reason: str) -> int:
    """Mark scheduled messages as no longer applicable (in the caller's transaction)."""
    return queryset.filter(status=OutboxStatus.SCHEDULED).update(
        status=OutboxStatus.SKIPPED, last_error=reason, updated_at=timezone.now()
    )


def opt_out_of_reminders(*, participant):
    """The participant asked for no more reminders through their signed link.

    Transactional messages (confirmation, promotion, cancellation) still go out; reminders
    already in the outbox are skipped when their turn comes. Saved like any edit, so the
    participant's history records it.
    """
    with transaction.atomic():
        participant = type(participant).objects.select_for_update().get(pk=participant.pk)
        if not participant.reminders_opt_out:
            participant.reminders_opt_out = True
            participant.save(update_fields=["reminders_opt_out", "updated_at"])
    return participant
