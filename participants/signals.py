"""Signals the registration rules send, inside the transaction that made the change.

The reminders/outbox module listens to write its outbox rows in the same transaction,
so a message exists exactly when the change it announces was committed.
"""

from django.dispatch import Signal

# sender=Registration, registration=..., change=one of RegistrationChange
registration_changed = Signal()
# sender=Registration, changes=[(registration, change), ...]: the bulk paths (an import's
# register_many) send one of these instead of one registration_changed per row, so the
# receivers can write their rows with one query per batch. Same meaning per pair.
registrations_changed = Signal()


class RegistrationChange:
    CONFIRMED = "confirmed"  # a new registration got a place
    WAITLISTED = "waitlisted"  # a new registration went to the waiting list
    PROMOTED = "promoted"  # moved from the waiting list to a place
    CANCELLED = "cancelled"
    PENDING = "pending"  # a self-registration waits for its e-mail link (place held or waiting list)
