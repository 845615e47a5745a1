"""A deleted person leaves no personal data in the history tables.

simple-history writes a full "deleted" row for every deletion (admin, shell, cascade); this
receiver runs after it and scrubs every history row of the person the way anonymisation does.
A merge keeps the removed record's history on purpose (``_keep_history``): the person lives on
in the surviving record.
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from participants.models import Participant


@receiver(post_delete, sender=Participant, dispatch_uid="privacy_scrub_history_on_delete")
def scrub_history_of_deleted_participant(sender, instance, **kwargs):
    if getattr(instance, "_keep_history", False):
        return
    from . import services

    services.scrub_history(instance)
