"""Signals about events as a whole, sent inside the transaction that made the change."""

from django.dispatch import Signal

# sender=InfoDay or Course, event=the instance, reason=str: sent when MKE staff cancel an event.
event_cancelled = Signal()
