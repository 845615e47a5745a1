from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MenetPortalConfig(AppConfig):
    name = "menet_portal"
    verbose_name = _("Portál és felhasználók")

    def ready(self):
        # Every SQLite connection (the demo) gets the Hungarian collation PostgreSQL has from ICU.
        from django.db.backends.signals import connection_created

        from .db import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="sqlite-hungarian-collation")

        # Outbox rows are written by receivers of these signals, in the sender's transaction.
        from events.signals import event_cancelled, event_rescheduled
        from participants.signals import registration_changed, registrations_changed

        from .notifications import receivers

        registration_changed.connect(receivers.on_registration_changed, dispatch_uid="outbox-registration-changed")
        registrations_changed.connect(receivers.on_registrations_changed, dispatch_uid="outbox-registrations-changed")
        event_cancelled.connect(receivers.on_event_cancelled, dispatch_uid="outbox-event-cancelled")
        event_rescheduled.connect(receivers.on_event_rescheduled, dispatch_uid="outbox-event-rescheduled")
