"""Celery tasks of the portal: thin, they take ids and call the outbox (menet_portal/notifications)."""

from celery import shared_task

from .notifications import outbox


@shared_task(acks_late=True, ignore_result=True)
def send_message(message_id: int):
    """Send one outbox message; safe to run twice (the row says whether it is sent)."""
    return outbox.deliver(message_id)


@shared_task(acks_late=True, ignore_result=True)
def send_batch(message_ids: list[int]):
    """Send several outbox messages over one SMTP connection; each is claimed on its own."""
    return outbox.deliver_batch(message_ids)


@shared_task(ignore_result=True)
def dispatch_due_messages():
    """The beat's periodic pass: write what fell due, queue what is due for sending."""
    return outbox.dispatch_due()
