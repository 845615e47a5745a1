"""Two dispatchers, two workers, a worker dying mid-send: each message still goes out once.

Real threads with their own PostgreSQL connections, so the row locks are real.
"""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from menet_portal.models import MessageKind, OutboxMessage, OutboxStatus
from menet_portal.notifications import outbox
from menet_portal.tests.factories import InfoDayFactory, RegistrationFactory
from menet_portal.tests.outbox_helpers import clock, local  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _in_threads(target, n=2):
    """Run ``target`` in ``n`` threads released at the same instant; re-raise their errors."""
    barrier = threading.Barrier(n)
    errors = []

    def run():
        try:
            barrier.wait(timeout=30)
            target()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def _due_reminders(clock, n):
    clock.set(local(2026, 11, 1, 12, 0))
    day = InfoDayFactory(date=datetime.date(2026, 11, 20), capacity=n + 5, minimum=1)
    RegistrationFactory.create_batch(n, info_day=day)
    clock.set(local(2026, 11, 17, 9, 0))


def test_two_dispatch_passes_at_once_send_each_due_reminder_once(clock, monkeypatch):
    _due_reminders(clock, 60)
    monkeypatch.setattr(outbox, "BATCH_SIZE", 7)  # many small batches, so the passes interleave
    _in_threads(outbox.dispatch_due)
    reminders = OutboxMessage.objects.filter(kind=MessageKind.EVENT_REMINDER)
    assert reminders.count() == 60
    assert reminders.filter(status=OutboxStatus.SENT).count() == 60
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == 60 and len(set(recipients)) == 60


def test_two_workers_sending_the_same_messages_send_each_once(clock):
    _due_reminders(clock, 40)
    from menet_portal.notifications import schedule

    schedule.write_due_reminders(now=clock())
    pks = list(OutboxMessage.objects.values_list("pk", flat=True))
    _in_threads(lambda: outbox.deliver_batch(pks), n=3)  # the same task delivered three times at once
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 40
    assert len(mail.outbox) == 40 and len({m.to[0] for m in mail.outbox}) == 40


def test_a_worker_dying_mid_send_loses_nothing_and_sends_once(clock):
    _due_reminders(clock, 1)
    from menet_portal.notifications import schedule

    schedule.write_due_reminders(now=clock())
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(queued_at=clock())  # its task is "in flight"
    locked, release = threading.Event(), threading.Event()

    def dying_worker():
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update().get(pk=message.pk)  # claimed, mid-send…
                locked.set()
                release.wait(timeout=30)
                raise SystemExit("worker killed")  # …and gone: its transaction rolls back
        except SystemExit:
            pass
        finally:
            connection.close()

    worker = threading.Thread(target=dying_worker)
    worker.start()
    assert locked.wait(timeout=30)
    assert outbox.deliver(message.pk) is None  # a second worker does not touch a claimed row
    release.set()
    worker.join(timeout=30)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SCHEDULED and mail.outbox == []
    outbox.dispatch_due()  # the task is presumed still in flight: not queued again yet
    assert mail.outbox == []
    clock.advance(minutes=11)  # past OUTBOX_REQUEUE_AFTER_SECONDS: the lost task is replaced
    outbox.dispatch_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and len(mail.outbox) == 1
    outbox.dispatch_due()
    assert len(mail.outbox) == 1
