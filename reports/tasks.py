"""Celery tasks of the report archive: take an id, call the archive service."""

from celery import shared_task

from . import archive


@shared_task(acks_late=True)
def generate_report_task(report_id: int) -> str:
    """Render a large report in the background; the page polls the row's progress."""
    report = archive.generate(report_id=report_id)
    return report.status


@shared_task(ignore_result=True)
def requeue_stale_reports():
    """Periodic (beat): queue again reports whose queueing failed or whose worker is gone."""
    return archive.requeue_stale_reports()
