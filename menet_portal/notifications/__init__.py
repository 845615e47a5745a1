"""Notifications: the outbox (every message once, none lost), what is due when, and the e-mails.

- ``models.py``   the outbox row (one per message, unique per kind/recipient/subject/slot)
- ``outbox.py``   writing rows in the caller's transaction, claiming and sending them
- ``schedule.py`` which reminders, digests and notices are due at a given moment
- ``messages.py`` the Hungarian e-mails (text + HTML, .ics for reminders, opt-out link)
- ``receivers.py`` hooks on the registration and event signals
"""
