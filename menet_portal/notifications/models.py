"""The outbox: one row per message the portal owes someone.

A row is written in the same transaction as the change that causes it (or by the
dispatcher when a reminder falls due), and the unique constraint on
(kind, recipient, subject, slot) makes a second copy impossible: a duplicate signal, a
second beat tick or two dispatchers at once all hit the constraint instead of writing
another row. Sending claims the row under a row lock and marks it sent in the same
transaction, so a task that runs twice finds it sent (or locked) and does nothing.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    REGISTRATION_CONFIRMED = "registration_confirmed", _("jelentkezés visszaigazolása")
    REGISTRATION_WAITLISTED = "registration_waitlisted", _("várólista értesítés")
    REGISTRATION_PROMOTED = "registration_promoted", _("várólistáról bekerült")
    REGISTRATION_OPT_IN = "registration_opt_in", _("jelentkezés megerősítése (e-mail link)")
    EVENT_REMINDER = "event_reminder", _("emlékeztető")
    MATERIAL_LINK = "material_link", _("tananyag-link a képzés kezdetén")
    EVENT_CANCELLED = "event_cancelled", _("elmaradás értesítés")
    EVENT_RESCHEDULED = "event_rescheduled", _("időpont- vagy helyszínváltozás")
    COORDINATOR_DIGEST = "coordinator_digest", _("heti koordinátori összefoglaló")
    ATTENDANCE_MISSING = "attendance_missing", _("hiányzó jelenlét")
    BELOW_MINIMUM = "below_minimum", _("létszám a minimum alatt")
    EVIDENCE_MISSING = "evidence_missing", _("hiányzó igazolás (aláírt jelenléti ív)")
    PASSWORD_RESET = "password_reset", _("új jelszó kérése")
    QUESTIONNAIRE_INVITATION = "questionnaire_invitation", _("elégedettségi kérdőív")


class OutboxStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("küldésre vár")
    SENT = "sent", _("elküldve")
    FAILED = "failed", _("sikertelen")
    MISSED = "missed", _("lekésve")
    SKIPPED = "skipped", _("tárgytalan")


class OutboxMessage(models.Model):
    kind = models.CharField(_("fajta"), max_length=30, choices=MessageKind.choices)
    recipient = models.EmailField(_("címzett"))
    # What the message is about, as one stable key ("registration:12", "session:7", "user:3")
    # for the unique constraint, plus the foreign keys for joins and for the message itself.
    subject_key = models.CharField(_("tárgy kulcsa"), max_length=60)
    slot = models.CharField(
        _("időpont kulcsa"), max_length=80,
        help_text=_("Melyik alkalomról szól: pl. emlékeztetőnél az esemény és a napok száma, összefoglalónál a hét."),
    )
    registration = models.ForeignKey(
        "participants.Registration", verbose_name=_("jelentkezés"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="outbox_messages",
    )
    info_day = models.ForeignKey(
        "events.InfoDay", verbose_name=_("információs nap"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="outbox_messages",
    )
    course = models.ForeignKey(
        "trainings.Course", verbose_name=_("képzés"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="outbox_messages",
    )
    session = models.ForeignKey(
        "trainings.Session", verbose_name=_("foglalkozás"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="outbox_messages",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("felhasználó"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="outbox_messages",
    )
    context = models.JSONField(_("adatok"), default=dict, blank=True)
    status = models.CharField(
        _("állapot"), max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.SCHEDULED
    )
    due_at = models.DateTimeField(_("esedékes"), default=timezone.now)
    send_after = models.DateTimeField(_("legkorábbi küldés"), default=timezone.now)
    expires_at = models.DateTimeField(_("eddig érvényes"), null=True, blank=True)
    queued_at = models.DateTimeField(_("sorba állítva"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("próbálkozások"), default=0)
    last_error = models.TextField(_("utolsó hiba"), blank=True)
    sent_at = models.DateTimeField(_("elküldve"), null=True, blank=True)
    created_at = models.DateTimeField(_("létrehozva"), auto_now_add=True)
    updated_at = models.DateTimeField(_("módosítva"), auto_now=True)

    class Meta:
        verbose_name = _("kimenő üzenet")
        verbose_name_plural = _("kimenő üzenetek")
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "subject_key", "slot"], name="outbox_message_once", violation_error_message=_("Ez az üzenet már szerepel a kimenő üzenetek között."),
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="outbox_sent_has_time", violation_error_message=_("Az elküldött üzenetnél meg kell adni a küldés idejét."),
            ),
        ]
        indexes = [
            # The dispatcher's "what is due" query.
            models.Index(fields=["status", "send_after"], name="outbox_due"),
            # "Is this reminder already written?" for a registration.
            models.Index(fields=["registration", "kind", "slot"], name="outbox_registration_slot"),
            # The outbox page lists the newest first (ordering above): a page is an index scan.
            models.Index(F("due_at").desc(), F("id").desc(), name="outbox_due_at_id_desc"),
            # A person's messages by their address (anonymisation, the GDPR export): recipient__lower.
            models.Index(Lower("recipient"), name="outbox_recipient_lower"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient} ({self.get_status_display()})"

    BADGES = {
        "scheduled": "text-bg-primary", "sent": "text-bg-success", "failed": "text-bg-danger",
        "missed": "text-bg-warning", "skipped": "text-bg-secondary",
    }

    @property
    def badge_class(self):
        return self.BADGES.get(self.status, "text-bg-light")

    @property
    def subject_object(self):
        if self.session_id:
            return self.session
        if self.registration_id:
            return self.registration
        return self.info_day or self.course or self.user


class OutboxStatusCount(models.Model):
    """Deltas of the number of outbox messages per status, appended by PostgreSQL triggers in the
    same transaction as every change of ``OutboxMessage`` (menet_portal.counters): a status's
    count is the sum of its rows. Written by the database only."""

    status = models.CharField(max_length=20)
    n = models.BigIntegerField()

    class Meta:
        verbose_name = _("kiküldési sor állapotszámlálója")
        default_permissions = ()
