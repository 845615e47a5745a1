"""Data protection: possible duplicates across libraries for MKE staff to decide."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class DuplicateMatch(models.TextChoices):
    EMAIL = "email", _("azonos e-mail-cím")
    IDENTITY = "identity", _("azonos név, születési év és település")


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("döntésre vár")
    MERGED = "merged", _("összevonva")
    DISMISSED = "dismissed", _("nem ugyanaz a személy")


class DuplicateCase(models.Model):
    """Two participant records that may be the same person.

    Recognition never looks outside the caller's scope (participants.services), so a coordinator
    who records someone already known to another library gets a new record; the pair lands here,
    and only MKE staff see it and decide (merge or dismiss). ``first`` is always the older record.
    """

    first = models.ForeignKey(
        "participants.Participant", verbose_name=_("korábbi adatlap"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )
    second = models.ForeignKey(
        "participants.Participant", verbose_name=_("újabb adatlap"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )
    match = models.CharField(_("egyezés"), max_length=10, choices=DuplicateMatch.choices)
    status = models.CharField(_("állapot"), max_length=10, choices=DuplicateStatus.choices,
                              default=DuplicateStatus.OPEN)
    created_at = models.DateTimeField(_("észlelve"), auto_now_add=True)
    closed_at = models.DateTimeField(_("lezárva"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lezárta"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    survivor = models.ForeignKey(
        "participants.Participant", verbose_name=_("megmaradt adatlap"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    merged_away_pk = models.PositiveBigIntegerField(_("megszűnt adatlap azonosítója"), null=True, blank=True)
    note = models.TextField(_("megjegyzés"), blank=True)

    class Meta:
        verbose_name = _("lehetséges duplikátum")
        verbose_name_plural = _("lehetséges duplikátumok")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_case_once_per_pair",
                                    violation_error_message=_("Erre a két adatlapra már van eset.")),
            models.CheckConstraint(
                condition=Q(first__isnull=True) | Q(second__isnull=True) | Q(first__lt=F("second")),
                name="duplicate_case_first_is_older",
                violation_error_message=_("Az esetben a korábbi adatlap áll elöl."),
            ),
            models.CheckConstraint(
                condition=Q(status=DuplicateStatus.OPEN) | Q(closed_at__isnull=False),
                name="duplicate_case_closed_has_time",
                violation_error_message=_("A lezárt esetnél meg kell adni a lezárás idejét."),
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_match_display()} ({self.get_status_display()})"


class AnonymisationRecord(models.Model):
    """Who anonymised whom, when and why (the request, or the retention period). Never edited."""

    participant = models.ForeignKey("participants.Participant", verbose_name=_("résztvevő"),
                                    on_delete=models.SET_NULL, null=True, related_name="+")
    anonymised_at = models.DateTimeField(_("anonimizálva"))
    anonymised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("anonimizálta"),
                                      on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(_("ok"), max_length=500)

    class Meta:
        verbose_name = _("anonimizálás")
        verbose_name_plural = _("anonimizálások")
        ordering = ["-anonymised_at", "-id"]

    def __str__(self):
        return f"{self.participant_id} {self.anonymised_at:%Y-%m-%d}"


class AccessAction(models.TextChoices):
    VIEW = "view", _("adatlap megnyitása")
    EXPORT = "export", _("lista letöltése")
    GDPR_EXPORT = "gdpr_export", _("személyes adatok kivonata")
    SELF_EXPORT = "self_export", _("saját adatok letöltése (a személy a saját oldalán)")
    ANONYMISE = "anonymise", _("anonimizálás")
    MERGE = "merge", _("összevonás")


class AccessLogEntry(models.Model):
    """Who opened or exported whose personal data, when. Written only by
    ``privacy.services.log_access``; nobody edits or deletes it (the admin is read-only)."""

    at = models.DateTimeField(_("időpont"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("felhasználó"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+")
    username = models.CharField(_("felhasználónév"), max_length=150, blank=True)
    action = models.CharField(_("művelet"), max_length=12, choices=AccessAction.choices)
    description = models.CharField(_("mi"), max_length=300, blank=True)
    path = models.CharField(_("cím"), max_length=500, blank=True)
    person_count = models.PositiveIntegerField(_("érintett személyek"), default=0)
    participants = models.ManyToManyField("participants.Participant", verbose_name=_("érintettek"),
                                          related_name="+", blank=True)

    class Meta:
        verbose_name = _("hozzáférési napló bejegyzés")
        verbose_name_plural = _("hozzáférési napló")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()}"
