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


class HangingSink:
    """An SMTP sink whose first DATA never completes: the worker is caught mid-send."""

    def __init__(self):
        self.first_data = threading.Event()
        self.release = threading.Event()
        self.accepted = []
        self.accepted_event = threading.Event()
        self.calls = 0

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        self.calls += 1
        if self.calls == 1:
            self.first_data.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 120)
            return "451 4.3.0 Try again later"
        self.accepted.append(envelope.content)
        self.accepted_event.set()
        return "250 OK"


def _worker_process(queue, smtp_port, name):
    """A real `celery worker` subprocess (prefork) on the test database and the real Redis."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    db = connection.settings_dict
    db_url = f"postgres://{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "menet_portal.settings", "DEBUG": "0",
        "SECRET_KEY": "test-worker-secret", "DATABASE_URL": db_url, "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue, "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "LOG_LEVEL": "WARNING",
    }
    root = Path(__file__).resolve().parents[2]
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "menet_portal", "worker", "-Q", queue, "--pool", "prefork",
         "-c", "1", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h", "-l", "error"],
        cwd=root, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _stop(process, sig):
    import os
    import subprocess

    if process.poll() is None:
        os.killpg(process.pid, sig)  # the worker and its pool child: processes this test started
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_loses_nothing_and_the_next_pass_sends_once():
    import datetime
    import signal
    import socket

    from aiosmtpd.controller import Controller
    from django.db import transaction
    from django.utils import timezone

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = HangingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    queue = f"test-outbox-kill-{uuid.uuid4().hex}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    first = second = None
    try:
        first = _worker_process(queue, port, "first")
        registration = register_participant(participant=ParticipantFactory(email="egyszer@example.hu"),
                                            event=InfoDayFactory())
        assert sink.first_data.wait(timeout=120), "the worker never reached the SMTP DATA step"
        message = OutboxMessage.objects.get(registration=registration)
        # Mid-send: the worker holds the row; nobody else may take it.
        assert outbox.deliver(message.pk) is None
        _stop(first, signal.SIGKILL)  # killed mid-task, worker and pool process at once
        sink.release.set()  # its SMTP transaction never completed: nothing was delivered
        with transaction.atomic():  # waits until PostgreSQL has rolled the dead worker's transaction back
            OutboxMessage.objects.select_for_update().get(pk=message.pk)
        message.refresh_from_db()
        assert message.status == OutboxStatus.SCHEDULED and message.sent_at is None  # not lost, not sent

        second = _worker_process(queue, port, "second")
        later = timezone.now() + datetime.timedelta(seconds=settings_requeue() + 1)
        assert outbox.dispatch_due(now=later)["queued"] == 1  # the next pass sees its task was lost
        assert sink.accepted_event.wait(timeout=120)
        with transaction.atomic():  # the worker commits right after the SMTP "250"
            OutboxMessage.objects.select_for_update().get(pk=message.pk)
        message.refresh_from_db()
        assert message.status == OutboxStatus.SENT
        assert outbox.dispatch_due(now=later)["queued"] == 0
        assert len(sink.accepted) == 1 and b"egyszer@example.hu" in sink.accepted[0]
    finally:
        sink.release.set()
        for process in (first, second):
            if process is not None:
                _stop(process, signal.SIGTERM)
        controller.stop()
        for key, value in saved.items():
            app.conf[key] = value
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


def settings_requeue():
    from django.conf import settings

    return getattr(settings, "OUTBOX_REQUEUE_AFTER_SECONDS", 600)
