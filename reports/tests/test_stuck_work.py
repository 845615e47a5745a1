"""Broker down = no stuck report (issue 12: a large report hung 19 s, answered 500 and stayed
"pending"). Now the request answers at once, the page says the background service is unavailable
and stops polling, a retry button queues it again, and the beat's pass re-queues what was not
queued or whose worker went silent, without rendering a report a live worker renders."""

import datetime
import re
import time
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from menet_portal.tests.factories import InfoDayFactory
from reports import archive
from reports.models import GeneratedReport, ReportKind, ReportStatus

from .document_factories import ACCENTED, register_people

pytestmark = pytest.mark.django_db

GENERATE = reverse("report_documents:generate")


@pytest.fixture
def large_sheet_day(settings):
    settings.REPORTS_TASK_THRESHOLD = 2  # four people: the sheet goes to a worker
    day = InfoDayFactory()
    register_people(names=ACCENTED[:4], info_day=day)
    return day


@pytest.mark.django_db(transaction=True)  # real commits: the task is published from on_commit
def test_large_report_with_redis_unreachable_says_so_and_retry_renders_it(login, staff, large_sheet_day,
                                                                          broker_unreachable):
    client = login(staff)
    started = time.monotonic()
    response = client.post(GENERATE, {"kind": "attendance", "info_day": large_sheet_day.pk})
    elapsed = time.monotonic() - started
    report = GeneratedReport.objects.get()
    assert response.status_code == 302 and elapsed < 5  # no 500, no long hang
    assert report.status == ReportStatus.PENDING and report.not_queued
    detail = reverse("report_documents:detail", args=[report.pk])
    body = client.get(detail).content.decode()
    assert "A háttérszolgáltatás most nem érhető el" in body and "Újrapróbálás" in body
    assert re.search(r'id="report-progress"[^>]*hidden', body)  # the polling script does not start
    status = client.get(reverse("report_documents:status", args=[report.pk])).json()
    assert status["queued"] is False  # the page's script stops polling and reloads

    retry = reverse("report_documents:retry", args=[report.pk])
    page = client.post(retry, follow=True)
    assert "még mindig nem érhető el" in page.content.decode()
    report.refresh_from_db()
    assert report.not_queued

    broker_unreachable.restore()
    client.post(retry)
    client.post(retry)  # a double click
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and archive.read_verified(report)
    assert GeneratedReport.objects.count() == 1
    assert client.get(reverse("report_documents:status", args=[report.pk])).json()["queued"] is True


@pytest.mark.django_db(transaction=True)
def test_kombu_operational_error_on_publish_marks_the_report(login, staff, large_sheet_day):
    from kombu.exceptions import OperationalError

    with mock.patch("reports.tasks.generate_report_task.apply_async", side_effect=OperationalError("down")):
        response = login(staff).post(GENERATE, {"kind": "attendance", "info_day": large_sheet_day.pk})
    assert response.status_code == 302
    assert GeneratedReport.objects.get().not_queued


def test_the_report_task_is_published_only_after_commit(staff, large_sheet_day, django_capture_on_commit_callbacks):
    with mock.patch("reports.tasks.generate_report_task.apply_async") as publish:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            report = archive.request_report(kind=ReportKind.ATTENDANCE, parameters={"info_day": large_sheet_day.pk},
                                            user=staff)
        assert not publish.called and len(callbacks) == 1
        callbacks[0]()
    publish.assert_called_once_with((report.pk,))
    report.refresh_from_db()
    assert report.queued_at is not None and not report.not_queued


def _report(day, **fields):
    report = GeneratedReport.objects.create(kind=ReportKind.ATTENDANCE, parameters={"info_day": day.pk}, title="x")
    GeneratedReport.objects.filter(pk=report.pk).update(**fields)
    return report.pk


def test_requeue_picks_failed_stale_and_abandoned_reports_only(settings, large_sheet_day,
                                                               django_capture_on_commit_callbacks):
    settings.STALE_WORK_REQUEUE_AFTER_MINUTES = 15
    now = timezone.now()
    old = now - datetime.timedelta(minutes=20)
    made = {
        "failed": _report(large_sheet_day, queued_at=now, queue_failed_at=now),
        "stale_queue": _report(large_sheet_day, queued_at=old),
        "fresh_queue": _report(large_sheet_day, queued_at=now - datetime.timedelta(minutes=5)),
        "abandoned": _report(large_sheet_day, status=ReportStatus.RUNNING, heartbeat_at=old),
        "alive": _report(large_sheet_day, status=ReportStatus.RUNNING, heartbeat_at=now),
        "failed_render": _report(large_sheet_day, status=ReportStatus.FAILED, queued_at=old),
    }
    with mock.patch("reports.tasks.generate_report_task.apply_async") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            requeued = archive.requeue_stale_reports(now=now)
    expected = sorted(made[k] for k in ("failed", "stale_queue", "abandoned"))
    assert sorted(requeued) == expected
    assert sorted(c.args[0][0] for c in publish.call_args_list) == expected


def test_a_second_delivery_does_not_render_what_a_live_worker_renders(large_sheet_day):
    pk = _report(large_sheet_day, status=ReportStatus.RUNNING, heartbeat_at=timezone.now(), progress=40)
    with mock.patch.object(archive, "html_to_pdf") as render:
        report = archive.generate(report_id=pk)
    assert not render.called and report.status == ReportStatus.RUNNING and report.progress == 40


def test_an_abandoned_running_report_is_taken_over_and_finished(settings, large_sheet_day):
    settings.STALE_WORK_REQUEUE_AFTER_MINUTES = 15
    pk = _report(large_sheet_day, status=ReportStatus.RUNNING,
                 heartbeat_at=timezone.now() - datetime.timedelta(hours=1), progress=40)
    report = archive.generate(report_id=pk)
    assert report.status == ReportStatus.DONE and archive.read_verified(report)


def test_retry_is_refused_for_another_librarys_report(login, coordinator, large_sheet_day):
    pk = _report(large_sheet_day, queue_failed_at=timezone.now())
    response = login(coordinator).post(reverse("report_documents:retry", args=[pk]))
    assert response.status_code == 404
    assert GeneratedReport.objects.get(pk=pk).not_queued
