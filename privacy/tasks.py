"""Celery tasks of the privacy app: thin, they take ids and call privacy.services."""

import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True, ignore_result=True)
def check_for_duplicates(participant_ids: list[int]):
    """Open duplicate cases for these people (safe to run twice: one case per pair)."""
    return len(services.record_duplicate_cases(participant_ids))


@shared_task(acks_late=True, ignore_result=True)
def scan_recent_for_duplicates(days: int = 2):
    """Nightly safety net for checks that could not be queued (broker down)."""
    from participants.models import Participant

    since = timezone.now() - datetime.timedelta(days=days)
    ids = Participant.objects.filter(updated_at__gte=since, anonymised_at__isnull=True).values_list("pk", flat=True)
    return len(services.record_duplicate_cases(list(ids)))


@shared_task(acks_late=True, ignore_result=True)
def apply_retention():
    """Nightly: anonymise people past their programme's retention period (idempotent)."""
    return services.apply_retention()["anonymised"]
