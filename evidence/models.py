"""Proof that comes back: signatures collected on the register, the trainer's / coordinator's
signature of the register, and the scanned signed paper sheet.

A participant's signature belongs to their attendance row (registration × session, or the
registration alone for an info day), so it can only exist for a register entry; the SVG is
drawn by the server from the stroke points the canvas sent (no client markup is stored).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.validators import validate_plain_text


class AttendanceSignature(models.Model):
    attendance = models.OneToOneField(
        "trainings.Attendance", verbose_name=_("jelenlét"), on_delete=models.CASCADE, related_name="signature"
    )
    strokes = models.JSONField(_("vonások"))
    svg = models.TextField(_("aláírás (SVG)"))
    signed_at = models.DateTimeField(_("aláírva"), default=timezone.now)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gyűjtötte"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("résztvevői aláírás")
        verbose_name_plural = _("résztvevői aláírások")

    def __str__(self):
        return f"{self.attendance} – {self.signed_at:%Y-%m-%d %H:%M}"


class SignerRole(models.TextChoices):
    LEAD = "lead", _("oktató / előadó")
    COORDINATOR = "coordinator", _("könyvtári koordinátor")


class RegisterSignature(models.Model):
    """The trainer's (or e-advisor's) and the coordinator's signature of one register."""

    info_day = models.ForeignKey(
        "events.InfoDay", verbose_name=_("információs nap"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="register_signatures",
    )
    session = models.ForeignKey(
        "trainings.Session", verbose_name=_("foglalkozás"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="register_signatures",
    )
    role = models.CharField(_("aláíró szerepe"), max_length=12, choices=SignerRole.choices)
    signer_name = models.CharField(_("aláíró neve"), max_length=200, validators=[validate_plain_text])
    strokes = models.JSONField(_("vonások"))
    svg = models.TextField(_("aláírás (SVG)"))
    signed_at = models.DateTimeField(_("aláírva"), default=timezone.now)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gyűjtötte"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("jelenléti ív aláírása")
        verbose_name_plural = _("jelenléti ívek aláírásai")
        constraints = [
            models.CheckConstraint(
                condition=(Q(info_day__isnull=False, session__isnull=True) | Q(info_day__isnull=True, session__isnull=False)),
                name="register_signature_one_event",
                violation_error_message=_("Az aláírás pontosan egy eseményhez tartozik."),
            ),
            models.UniqueConstraint(
                fields=["session", "role"], condition=Q(session__isnull=False), name="register_signature_once_per_session",
                violation_error_message=_("Ezt a jelenléti ívet ebben a szerepben már aláírták."),
            ),
            models.UniqueConstraint(
                fields=["info_day", "role"], condition=Q(info_day__isnull=False), name="register_signature_once_per_info_day",
                violation_error_message=_("Ezt a jelenléti ívet ebben a szerepben már aláírták."),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.signer_name}"


def _archive_storage():
    from reports.models import archive_storage

    return archive_storage


class ScannedSheet(models.Model):
    """The scan of a printed, signed attendance sheet, kept beside its archived PDF (one per sheet)."""

    report = models.OneToOneField(
        "reports.GeneratedReport", verbose_name=_("archivált jelenléti ív"), on_delete=models.PROTECT,
        related_name="scan",
    )
    file = models.FileField(_("beolvasott ív"), storage=_archive_storage, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("méret (bájt)"))
    content_type = models.CharField(_("típus"), max_length=40)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("feltöltötte"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("feltöltve"), default=timezone.now)

    class Meta:
        verbose_name = _("beolvasott jelenléti ív")
        verbose_name_plural = _("beolvasott jelenléti ívek")

    def __str__(self):
        return f"{self.report} – {self.uploaded_at:%Y-%m-%d}"
