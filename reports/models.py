"""The report archive: every generated PDF, as it was generated.

A row records which report (kind and parameters), who generated it and when, the file and
its SHA-256, so what was sent to the ministry can be produced again byte for byte. Staff
finalise the one that was sent: a finalised report can no longer be deleted or replaced
(enforced by the archive service, the model, and on PostgreSQL by a trigger).
"""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ArchiveStorage(FileSystemStorage):
    """Files live outside MEDIA_ROOT (never served as plain media): only the download view,
    which checks scope, hands them out. The location is read from settings at use time."""

    @property
    def base_location(self):
        return str(settings.REPORTS_ARCHIVE_ROOT)

    @property
    def location(self):
        return os.path.abspath(str(settings.REPORTS_ARCHIVE_ROOT))

    def deconstruct(self):
        return ("reports.models.ArchiveStorage", (), {})


archive_storage = ArchiveStorage()


class ReportKind(models.TextChoices):
    ATTENDANCE = "attendance", _("jelenléti ív")
    PARTICIPANT_LIST = "participant_list", _("résztvevői lista")
    COMPLETION = "completion", _("képzési teljesítési jelentés")
    PROGRAMME_COMPLETION = "programme_completion", _("a program képzési teljesítése")
    CERTIFICATE = "certificate", _("tanúsítvány")
    CERTIFICATES = "certificates", _("tanúsítványok (képzésenként egy fájlban)")
    PROGRESS = "progress", _("szakmai beszámoló (előrehaladási jelentés)")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("sorban áll")
    RUNNING = "running", _("készül")
    DONE = "done", _("elkészült")
    FAILED = "failed", _("hiba")


class GeneratedReportQuerySet(models.QuerySet):
    def delete(self):
        if self.filter(finalised_at__isnull=False).exists():
            raise ValidationError(_("Véglegesített jelentés nem törölhető."))
        return super().delete()


class GeneratedReport(models.Model):
    kind = models.CharField(_("fajta"), max_length=30, choices=ReportKind.choices)
    parameters = models.JSONField(_("paraméterek"), default=dict, blank=True)
    title = models.CharField(_("cím"), max_length=300)
    # Aggregate reports carry no personal data: the only ones the funder viewer may download.
    aggregate = models.BooleanField(_("összesítő (személyes adat nélkül)"), default=False)
    # The library whose people the report lists (coordinators see their own library's reports).
    library = models.ForeignKey(
        "events.Library", verbose_name=_("könyvtár"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="generated_reports",
    )
    status = models.CharField(_("állapot"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("készültség (%)"), default=0)
    error = models.TextField(_("hibaüzenet"), blank=True)
    file = models.FileField(_("fájl"), storage=archive_storage, upload_to="%Y/%m/", blank=True, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("méret (bájt)"), default=0)
    page_count = models.PositiveIntegerField(_("oldalszám"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("készítette"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="generated_reports",
    )
    created_at = models.DateTimeField(_("készült"), auto_now_add=True)
    finished_at = models.DateTimeField(_("elkészült"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("véglegesítve"), null=True, blank=True)
    # Background rendering: when the row was last handed to the workers, when that failed (broker
    # down: the page offers a retry, the beat's requeue_stale_reports tries again), and the running
    # worker's last sign of life (a running row without one for a while is taken over).
    queued_at = models.DateTimeField(_("sorba állítva"), null=True, blank=True)
    queue_failed_at = models.DateTimeField(_("sorba állítás sikertelen"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("utolsó életjel"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("véglegesítette"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    objects = GeneratedReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("archivált jelentés")
        verbose_name_plural = _("archivált jelentések")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "-created_at"], name="report_kind_created"),
            models.Index(fields=["library", "-created_at"], name="report_library_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_percent", violation_error_message=_("A készültség legfeljebb 100%% lehet.")),
            # Only a finished report with its file and checksum can be finalised.
            models.CheckConstraint(
                condition=Q(finalised_at__isnull=True) | (Q(status="done") & ~Q(sha256="") & ~Q(file="")),
                name="report_finalised_only_when_done", violation_error_message=_("Csak elkészült jelentés véglegesíthető."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(sha256__regex=r"^[0-9a-f]{64}$") & ~Q(file="")),
                name="report_done_has_file_and_checksum", violation_error_message=_("Az elkészült jelentésnek fájlja és ellenőrzőösszege van."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_finalised(self):
        return self.finalised_at is not None

    @property
    def is_done(self):
        return self.status == ReportStatus.DONE

    @property
    def not_queued(self):
        """Waiting for a worker, but the background service could not be reached."""
        return self.status == ReportStatus.PENDING and self.queue_failed_at is not None

    @property
    def download_name(self):
        return f"menet-{self.kind}-{self.pk}.pdf"

    def delete(self, *args, **kwargs):
        if self.finalised_at is not None:
            raise ValidationError(_("Véglegesített jelentés nem törölhető."))
        return super().delete(*args, **kwargs)
