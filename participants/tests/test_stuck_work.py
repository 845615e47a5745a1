"""Broker down = no stuck import (issue 12): the confirmation does not answer 500, the batch is not
left "running" on a page that refreshes forever, a retry button queues it again, and the beat's
requeue pass picks up what was not queued or whose worker is gone, never one a worker holds."""

import datetime
import threading
from unittest import mock

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from menet_portal.tests.factories import InfoDayFactory
from participants import imports
from participants.models import ImportStatus, ParticipantImport, Registration

from .test_imports import _batch, csv_file, good_rows

pytestmark = pytest.mark.django_db


def _confirm(client, coordinator):
    day = InfoDayFactory(library=coordinator.library)
    client.post(reverse("participants:import_upload"), {"event": f"info_day:{day.pk}", "file": csv_file(good_rows())})
    batch = ParticipantImport.objects.get()
    url = reverse("participants:import_preview", args=[batch.token])
    return batch, url, client.post(url, {"confirm": "1"})


@pytest.mark.django_db(transaction=True)  # real commits: the task is published from on_commit
def test_confirmation_with_redis_unreachable_says_so_and_retry_imports_once(login, coordinator, broker_unreachable):
    client = login(coordinator)
    batch, url, response = _confirm(client, coordinator)
    assert response.status_code == 302  # not a 500
    batch.refresh_from_db()
    assert batch.status == ImportStatus.RUNNING and batch.queue_failed_at is not None and batch.not_queued
    page = client.get(url)
    body = page.content.decode()
    assert "A háttérszolgáltatás most nem érhető el" in body and "Újrapróbálás" in body
    assert 'http-equiv="refresh"' not in body  # nothing is running: the page must not refresh forever
    assert Registration.objects.count() == 0

    # Still down: retry answers the same page, nothing breaks.
    assert client.post(url, {"retry": "1"}).status_code == 302
    batch.refresh_from_db()
    assert batch.not_queued

    # Back up: retry runs it; a double click does not import twice.
    broker_unreachable.restore()
    client.post(url, {"retry": "1"})
    client.post(url, {"retry": "1"})
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE and batch.queue_failed_at is None
    assert Registration.objects.count() == 4
    assert "Betöltve: 4 sor" in client.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_kombu_operational_error_on_publish_marks_the_batch(login, coordinator):
    with mock.patch("participants.tasks.run_participant_import.apply_async", side_effect=OperationalError("down")):
        batch, url, response = _confirm(login(coordinator), coordinator)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.not_queued and Registration.objects.count() == 0


def test_the_task_is_published_only_after_commit(coordinator, django_capture_on_commit_callbacks):
    batch = _batch(coordinator, InfoDayFactory(library=coordinator.library), good_rows())
    with mock.patch("participants.tasks.run_participant_import.apply_async") as publish:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            with transaction.atomic():
                imports.queue_import(batch=batch)
            assert not publish.called  # the row is not committed yet (captured callbacks stand for it)
        assert len(callbacks) == 1
        callbacks[0]()
    publish.assert_called_once_with((batch.pk,))


def test_requeue_picks_failed_and_stale_ones_not_fresh_or_unconfirmed(coordinator, settings,
                                                                       django_capture_on_commit_callbacks):
    settings.STALE_WORK_REQUEUE_AFTER_MINUTES = 15
    day = InfoDayFactory(library=coordinator.library)
    now = timezone.now()
    made = {}
    for name, fields in {
        "failed": {"status": ImportStatus.RUNNING, "queued_at": now, "queue_failed_at": now},
        "stale": {"status": ImportStatus.RUNNING, "queued_at": now - datetime.timedelta(minutes=20)},
        "fresh": {"status": ImportStatus.RUNNING, "queued_at": now - datetime.timedelta(minutes=5)},
        "preview": {"status": ImportStatus.PENDING, "queued_at": None},
        "done": {"status": ImportStatus.DONE, "queued_at": now - datetime.timedelta(hours=2)},
    }.items():
        batch = ParticipantImport.objects.create(token=name, created_by=coordinator, file_name="x.csv", rows=[],
                                                 info_day=day)
        ParticipantImport.objects.filter(pk=batch.pk).update(**fields)
        made[name] = batch.pk
    with mock.patch("participants.tasks.run_participant_import.apply_async") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            requeued = imports.requeue_stale_imports(now=now)
    assert sorted(requeued) == sorted([made["failed"], made["stale"]])
    assert sorted(c.args[0][0] for c in publish.call_args_list) == sorted(requeued)
    assert ParticipantImport.objects.get(pk=made["failed"]).queue_failed_at is None


def test_requeue_with_the_broker_still_down_marks_them_again(coordinator, broker_unreachable,
                                                            django_capture_on_commit_callbacks):
    batch = _batch(coordinator, InfoDayFactory(library=coordinator.library), good_rows())
    ParticipantImport.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING, queued_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.requeue_stale_imports() == [batch.pk]
    batch.refresh_from_db()
    assert batch.not_queued


@pytest.mark.django_db(transaction=True)
def test_requeue_skips_an_import_a_worker_is_running(coordinator):
    """The worker holds the row lock for the whole import (run_import): the beat leaves it alone."""
    batch = _batch(coordinator, InfoDayFactory(library=coordinator.library), good_rows())
    ParticipantImport.objects.filter(pk=batch.pk).update(
        status=ImportStatus.RUNNING, queued_at=timezone.now() - datetime.timedelta(hours=1))
    locked, release = threading.Event(), threading.Event()

    def worker():
        try:
            with transaction.atomic():
                ParticipantImport.objects.select_for_update().get(pk=batch.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert locked.wait(10)
        with mock.patch("participants.tasks.run_participant_import.apply_async") as publish:
            assert imports.requeue_stale_imports() == []
        assert not publish.called
    finally:
        release.set()
        thread.join()
    with mock.patch("participants.tasks.run_participant_import.apply_async") as publish:
        assert imports.requeue_stale_imports() == [batch.pk]  # the worker is gone now


def test_beat_schedules_the_requeue(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"participants.tasks.requeue_stale_imports", "reports.tasks.requeue_stale_reports"} <= tasks
