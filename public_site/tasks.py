"""Periodic jobs of the public site (Celery beat): they only call the services."""

from celery import shared_task

from participants.services import expire_unconfirmed_registrations as expire

from . import ratelimit


@shared_task(name="public.tasks.expire_unconfirmed_registrations")
def expire_unconfirmed_registrations() -> int:
    """Free the places of self-registrations whose hold ran out; the waiting list moves."""
    expired = expire()
    ratelimit.purge()
    return expired
