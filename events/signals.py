"""Signals about events as a whole, sent inside the transaction that made the change."""

from django.dispatch import Signal

# sender=InfoDay or Course, event=the instance, reason=str: sent when MKE staff cancel an event.
event_cancelled = Signal()

# sender=InfoDay or Course, event=the instance, changes=list of {"field", "label", "old", "new"} (texts),
# change_key=str naming this change (one notice per person per change), sessions=ids of moved sessions:
# sent when a date, time or venue of an event with registrations moved.
event_rescheduled = Signal()
