"""Celery tasks of the participants app: thin, they take ids and call participants.imports."""

from celery import shared_task

from . import imports


@shared_task(acks_late=True, ignore_result=True)
def run_participant_import(import_id: int):
    """Run a confirmed bulk import (one transaction); safe to run twice."""
    return imports.run_import(import_id)


@shared_task(acks_late=True, ignore_result=True)
def purge_stale_imports():
    """Nightly: stale uploads lose their personal data (idempotent)."""
    return imports.purge_stale_imports()


@shared_task(ignore_result=True)
def requeue_stale_imports():
    """Periodic (beat): queue again confirmed imports whose queueing failed or whose worker is gone."""
    return imports.requeue_stale_imports()
