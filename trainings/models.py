"""Training sites, courses, their sessions, and attendance at sessions and info days."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from events.models import EventStatus

MAX_SESSIONS_PER_COURSE = 4


class TrainingSite(models.Model):
    """A settlement's library chosen as a training institution (képző intézmény)."""

    programme = models.ForeignKey(
        "events.Programme", verbose_name=_("program"), on_delete=models.PROTECT, related_name="training_sites"
    )
    library = models.ForeignKey(
        "events.Library", verbose_name=_("könyvtár"), on_delete=models.PROTECT, related_name="training_sites"
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oktatók"),
        blank=True,
        related_name="training_sites",
        limit_choices_to={"role": "trainer"},
    )
    needs_assessment = models.TextField(_("szükségletfelmérés összefoglalója"), blank=True)

    class Meta:
        verbose_name = _("képzési helyszín")
        verbose_name_plural = _("képzési helyszínek")
        ordering = ["library__settlement"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "library"], name="training_site_one_per_library_per_programme"),
        ]

    def __str__(self):
        return str(self.library)


class Course(models.Model):
    """One course of 4 sessions × 4 hours at a training site."""

    site = models.ForeignKey(TrainingSite, verbose_name=_("képzési helyszín"), on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(_("cím"), max_length=200)
    description = models.TextField(_("leírás"), blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oktatók"),
        blank=True,
        related_name="courses",
        limit_choices_to={"role": "trainer"},
    )
    capacity = models.PositiveSmallIntegerField(_("férőhely"), default=15, validators=[MinValueValidator(1)])
    status = models.CharField(_("állapot"), max_length=20, choices=EventStatus.choices, default=EventStatus.PLANNED)
    created_at = models.DateTimeField(_("létrehozva"), auto_now_add=True)
    updated_at = models.DateTimeField(_("módosítva"), auto_now=True)

    class Meta:
        verbose_name = _("képzés")
        verbose_name_plural = _("képzések")
        ordering = ["site__library__settlement", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_capacity_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def kind(self):
        return "course"

    @property
    def programme(self):
        return self.site.programme

    @property
    def library(self):
        return self.site.library


class Session(models.Model):
    """A 4-hour session of a course, numbered 1 to 4."""

    course = models.ForeignKey(Course, verbose_name=_("képzés"), on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(
        _("sorszám"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SESSIONS_PER_COURSE)]
    )
    starts_at = models.DateTimeField(_("kezdés"))
    ends_at = models.DateTimeField(_("befejezés"))
    room = models.CharField(_("terem"), max_length=100, blank=True)
    topic = models.CharField(_("téma"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("foglalkozás")
        verbose_name_plural = _("foglalkozások")
        ordering = ["course_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="session_number_unique_per_course"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=MAX_SESSIONS_PER_COURSE),
                name="session_number_in_range",
                violation_error_message=_("A foglalkozás sorszáma 1 és 4 között lehet."),
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.course} – {self.number}. {_('foglalkozás')}"

    @property
    def hours(self):
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    @property
    def has_started(self):
        return self.starts_at <= timezone.now()


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("jelen")
    LATE = "late", _("késett")
    EXCUSED = "excused", _("igazoltan távol")
    ABSENT = "absent", _("hiányzott")


class Attendance(models.Model):
    """Who attended what: registration × session for a course, registration alone for an info day.

    A log with status, who recorded it and when; every change is kept in its history.
    """

    registration = models.ForeignKey(
        "participants.Registration", verbose_name=_("jelentkezés"), on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("foglalkozás"), on_delete=models.CASCADE, null=True, blank=True, related_name="attendances"
    )
    status = models.CharField(_("jelenlét"), max_length=10, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rögzítette"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("rögzítve"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jelenlét")
        verbose_name_plural = _("jelenlétek")
        ordering = ["registration_id", "session__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"],
                condition=Q(session__isnull=False),
                name="attendance_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["registration"], condition=Q(session__isnull=True), name="attendance_once_per_info_day"
            ),
        ]

    def __str__(self):
        return f"{self.registration} – {self.get_status_display()}"

    def clean(self):
        reg = self.registration
        if self.session_id is None and reg.info_day_id is None:
            raise ValidationError(_("Képzés jelenlétéhez meg kell adni a foglalkozást."))
        if self.session_id is not None and self.session.course_id != reg.course_id:
            raise ValidationError(_("A foglalkozás nem ahhoz a képzéshez tartozik, amelyre a résztvevő jelentkezett."))
