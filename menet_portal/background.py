"""Handing work to the Celery workers without leaving it stuck (imports, large reports).

The row is committed first; the task is published from ``transaction.on_commit``. When the broker
cannot be reached, publishing raises (kombu's OperationalError, a redis or socket error): the request
must not fail with a 500 and the work must not look as if it were under way. The row is marked
``queue_failed_at`` instead; its page says so and offers a retry, and the beat's periodic pass
(``participants.tasks.requeue_stale_imports``, ``reports.tasks.requeue_stale_reports``) queues it again.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def stale_before(now=None) -> datetime.datetime:
    """Queued or running work not heard of since this moment is queued again."""
    return (now or timezone.now()) - datetime.timedelta(minutes=settings.STALE_WORK_REQUEUE_AFTER_MINUTES)


def publish(task, pk: int, model) -> bool:
    """Publish ``task(pk)`` now; if the broker is unreachable, mark the row and return False."""
    try:
        task.apply_async((pk,))
    except Exception:  # kombu, redis and socket errors differ by transport; none may break the request
        logger.exception("Could not queue %s for %s %s; marked for a retry.", task.name, model.__name__, pk)
        model.objects.filter(pk=pk).update(queue_failed_at=timezone.now())
        return False
    return True


def publish_after_commit(task, pk: int, model) -> None:
    transaction.on_commit(lambda: publish(task, pk, model))
