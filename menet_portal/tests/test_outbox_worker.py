"""A real Celery worker on the real Redis: one registration, exactly one e-mail.

The worker runs in a thread of this process (celery.contrib.testing) and consumes a queue
made for this test only, so it cannot take other tests' tasks and they cannot take its own.
"""

import threading
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail

from menet_portal.celery import app
from menet_portal.models import OutboxMessage, OutboxStatus
from menet_portal.notifications import outbox
from menet_portal.tests.factories import InfoDayFactory, ParticipantFactory
from participants.services import register_participant


@pytest.fixture
def real_worker():
    """A worker thread on Redis (REDIS_URL) consuming a unique queue; tasks are not eager meanwhile."""
    queue = f"test-outbox-{uuid.uuid4().hex}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    finished = []
    ran = threading.Condition()

    def on_postrun(sender=None, args=None, **kwargs):
        with ran:
            finished.append((sender.name, args, threading.current_thread() is not threading.main_thread()))
            ran.notify_all()

    def wait_for(n, timeout=30):
        with ran:
            assert ran.wait_for(lambda: len(finished) >= n, timeout=timeout), f"only {finished} ran"
        return finished

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, queues=[queue],
                          loglevel="WARNING", shutdown_timeout=30):
            yield wait_for
    finally:
        task_postrun.disconnect(on_postrun)
        for key, value in saved.items():
            app.conf[key] = value
        with app.connection_for_write() as conn:  # leave nothing behind in Redis
            conn.default_channel.queue_delete(queue)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_registration_produces_exactly_one_email_through_redis_and_a_real_worker(real_worker):
    day = InfoDayFactory(title="Információs nap Szegeden")
    person = ParticipantFactory(email="egyszer@example.hu")
    registration = register_participant(participant=person, event=day)  # commits: the send is queued on Redis

    runs = real_worker(1)
    name, _args, in_worker_thread = runs[0]
    assert name == "menet_portal.tasks.send_batch" and in_worker_thread  # not eager: the worker ran it
    message = OutboxMessage.objects.get(registration=registration)
    assert message.status == OutboxStatus.SENT
    assert [m.to for m in mail.outbox] == [["egyszer@example.hu"]]
    assert mail.outbox[0].subject == "Jelentkezését visszaigazoltuk: Információs nap Szegeden"

    # The same task delivered again (a duplicate, a redelivery) and a dispatch pass: still one e-mail.
    outbox.publish([message.pk])
    real_worker(2)
    assert outbox.dispatch_due()["queued"] == 0
    assert len(mail.outbox) == 1
