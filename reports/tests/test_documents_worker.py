"""A large report through Redis and a real Celery worker (not eager): queued after commit,
rendered by the worker, archived with its checksum."""

import pytest

from menet_portal.tests.test_outbox_worker import real_worker  # noqa: F401  (fixture)
from reports import archive
from reports.models import GeneratedReport, ReportKind, ReportStatus

from .conftest import pdf_pages
from menet_portal.tests.factories import get_region

from .factories import mixed_programme

TASK = "reports.tasks.generate_report_task"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_progress_report_rendered_by_a_real_worker(real_worker, staff):  # noqa: F811
    get_region()  # re-seeds the regions a transactional test's flush removed, so they are distinct
    programme = mixed_programme(people=8)
    report = archive.request_report(kind=ReportKind.PROGRESS, parameters={"programme": programme.pk}, user=staff)
    assert report.status == ReportStatus.PENDING  # the request returned before rendering

    for n in range(1, 20):
        runs = real_worker(n)
        mine = [r for r in runs if r[0] == TASK]
        if mine:
            break
    assert mine and mine[0][1] == [report.pk] and mine[0][2]  # ran in the worker's thread
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.progress == 100
    assert "Szakmai beszámoló" in " ".join(pdf_pages(archive.read_verified(report)))
    assert GeneratedReport.objects.count() == 1
