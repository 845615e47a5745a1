"""Photos of the programme's events, uploaded by the coordinator, picked by staff for reports.

The stored file is never the uploaded one: ``photos.services.upload_photo`` decodes it with
Pillow, turns it upright and re-encodes it as JPEG without any metadata (EXIF, GPS, XMP,
comments), so no location or camera data is kept. Files live in the report archive storage
(outside MEDIA_ROOT) and are served only by the scoped image view.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _archive_storage():
    from reports.models import archive_storage

    return archive_storage


class EventPhoto(models.Model):
    info_day = models.ForeignKey(
        "events.InfoDay", verbose_name=_("információs nap"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="photos",
    )
    course = models.ForeignKey(
        "trainings.Course", verbose_name=_("képzés"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="photos",
    )
    file = models.FileField(_("fénykép"), storage=_archive_storage, upload_to="photos/%Y/%m/", max_length=300)
    width = models.PositiveIntegerField(_("szélesség (px)"))
    height = models.PositiveIntegerField(_("magasság (px)"))
    size = models.PositiveIntegerField(_("méret (bájt)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    caption = models.CharField(_("képaláírás"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("feltöltötte"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("feltöltve"), default=timezone.now)
    picked_for_report = models.BooleanField(_("a beszámolóba kerül"), default=False)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("kiválasztotta"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    picked_at = models.DateTimeField(_("kiválasztva"), null=True, blank=True)

    class Meta:
        verbose_name = _("eseményfotó")
        verbose_name_plural = _("eseményfotók")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(info_day__isnull=False, course__isnull=True) | Q(info_day__isnull=True, course__isnull=False),
                name="event_photo_one_event", violation_error_message=_("A fénykép pontosan egy eseményhez tartozik."),
            ),
            models.CheckConstraint(
                condition=Q(picked_for_report=False) | Q(picked_at__isnull=False), name="event_photo_picked_has_time",
                violation_error_message=_("A beszámolóba választott fényképnél meg kell adni a kiválasztás idejét."),
            ),
        ]

    def __str__(self):
        return self.caption or f"{_('fénykép')} #{self.pk}"

    @property
    def event(self):
        return self.info_day or self.course
