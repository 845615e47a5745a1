"""Programme, regions, libraries and info days."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


SUPPORT_LOGO_EXTENSIONS = (".svg", ".png")


def default_support_logos():
    """The funder's, the programme's and the grantee's logo, as files under ``static/``."""
    return ["img/support/miniszterelnoki-hivatal.svg", "img/support/menet.svg", "img/support/mke.svg"]


def validate_support_logos(value):
    """A list of paths of SVG or PNG files that exist under ``static/`` (nothing from another host)."""
    from pathlib import Path

    from django.conf import settings
    from django.core.exceptions import ValidationError

    root = (Path(settings.BASE_DIR) / "static").resolve()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("A logók listája fájlnevek listája legyen, pl. [\"img/support/menet.svg\"]."))
    for path in value:
        resolved = (root / path).resolve()
        if (not resolved.is_relative_to(root) or not resolved.is_file()
                or resolved.suffix.lower() not in SUPPORT_LOGO_EXTENSIONS):
            raise ValidationError(
                _("A(z) „%(path)s” logó nem SVG vagy PNG fájl a static/ mappában.") % {"path": path}
            )


class EventStatus(models.TextChoices):
    """Life cycle of an info day or a course."""

    PLANNED = "planned", _("tervezett")
    OPEN = "open", _("jelentkezés nyitva")
    CLOSED = "closed", _("jelentkezés lezárva")
    HELD = "held", _("megtartva")
    CANCELLED = "cancelled", _("elmaradt")


class LateJoinPolicy(models.TextChoices):
    """What a course does once the sessions left can no longer meet the completion rule."""

    REFUSE = "refuse", _("nem fogad új jelentkezőt (és nem léptet elő a várólistáról)")
    ACCEPT_NOT_ELIGIBLE = "accept_not_eligible", _("fogadja, de tanúsítványra nem jogosultként")


class Programme(models.Model):
    """A funded programme and what it committed to the funder.

    The commitments are data, not constants, so the next programme of the same shape
    runs on the same code.
    """

    slug = models.SlugField(_("rövid azonosító"), unique=True)
    name = models.CharField(_("program neve"), max_length=200)
    funder = models.CharField(_("támogató"), max_length=200)
    project_title = models.CharField(_("projekt címe"), max_length=300)
    grant_number = models.CharField(_("támogatási szerződés száma"), max_length=100)
    grantee = models.CharField(_("kedvezményezett"), max_length=200)
    start_date = models.DateField(_("kezdete"))
    end_date = models.DateField(_("vége"))

    info_day_target = models.PositiveSmallIntegerField(_("vállalt információs napok"), default=7)
    info_day_min_participants = models.PositiveSmallIntegerField(
        _("résztvevők minimuma információs naponként"), default=25
    )
    info_day_max_participants = models.PositiveSmallIntegerField(
        _("résztvevők maximuma információs naponként"), default=30
    )
    training_target = models.PositiveSmallIntegerField(_("vállalt képzések"), default=10)
    trainees_per_course = models.PositiveSmallIntegerField(_("képzettek képzésenként"), default=15)
    sessions_per_course = models.PositiveSmallIntegerField(
        _("foglalkozások képzésenként"), default=4, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    session_hours = models.DecimalField(_("foglalkozás hossza (óra)"), max_digits=4, decimal_places=1, default=4)
    # Completion rule: attended (present or late) at least this many sessions, at most this many late.
    completion_min_sessions = models.PositiveSmallIntegerField(_("teljesítéshez szükséges foglalkozások"), default=4)
    completion_max_late = models.PositiveSmallIntegerField(_("megengedett késések"), default=1)
    late_join_policy = models.CharField(
        _("késői csatlakozás"), max_length=20, choices=LateJoinPolicy.choices, default=LateJoinPolicy.REFUSE,
        help_text=_("Mi történjen, ha a hátralévő foglalkozásokkal a képzés már nem teljesíthető."),
    )
    reminder_days_before = models.JSONField(
        _("emlékeztetők (nappal előtte)"), default=list, blank=True,
        help_text=_("Például [3, 1]: három és egy nappal az esemény előtt."),
    )
    # The funder's support block (támogatói blokk), printed on every PDF and public page.
    support_statement = models.TextField(
        _("támogatói mondat"), blank=True,
        help_text=_("Üresen: „A projekt a(z) <támogató> támogatásával valósul meg.”"),
    )
    support_logos = models.JSONField(
        _("logók (static/ alatti SVG vagy PNG fájlok)"), default=default_support_logos, blank=True,
        validators=[validate_support_logos],
    )
    retention_months = models.PositiveSmallIntegerField(
        _("személyes adatok megőrzése a program vége után (hónap)"), default=60
    )

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programok")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="programme_period_valid", violation_error_message=_("A program vége nem lehet korábbi a kezdeténél.")),
            models.CheckConstraint(
                condition=Q(info_day_min_participants__lte=F("info_day_max_participants")),
                name="programme_info_day_band_valid", violation_error_message=_("Az információs napok résztvevőinek minimuma nem lehet nagyobb a maximumnál."),
            ),
            models.CheckConstraint(
                condition=Q(completion_min_sessions__lte=F("sessions_per_course")),
                name="programme_completion_rule_valid", violation_error_message=_("A teljesítéshez szükséges foglalkozások száma nem lehet több a képzésenkénti foglalkozásoknál."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def support_text(self):
        if self.support_statement:
            return self.support_statement
        return _("A projekt a(z) %(funder)s támogatásával valósul meg.") % {"funder": self.funder}

    @property
    def info_day_participant_target_min(self):
        return self.info_day_target * self.info_day_min_participants

    @property
    def info_day_participant_target_max(self):
        return self.info_day_target * self.info_day_max_participants

    @property
    def trainee_target(self):
        return self.training_target * self.trainees_per_course

    @property
    def course_hours(self):
        return self.sessions_per_course * self.session_hours


class Region(models.Model):
    """A NUTS-2 region as the programme uses it; seeded by a data migration."""

    code = models.CharField(_("kód"), max_length=10, unique=True)
    name = models.CharField(_("régió"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("sorrend"), default=0)

    class Meta:
        verbose_name = _("régió")
        verbose_name_plural = _("régiók")
        ordering = ["position"]

    def __str__(self):
        return self.name


class County(models.Model):
    name = models.CharField(_("vármegye"), max_length=100, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("régió"), on_delete=models.PROTECT, related_name="counties")

    class Meta:
        verbose_name = _("vármegye")
        verbose_name_plural = _("vármegyék")
        ordering = ["region__position", "name"]

    def __str__(self):
        return self.name


class Library(models.Model):
    """A public library: host of an info day, a training site, or both."""

    name = models.CharField(_("név"), max_length=200)
    settlement = models.CharField(_("település"), max_length=100)
    county = models.ForeignKey(County, verbose_name=_("vármegye"), on_delete=models.PROTECT, related_name="libraries")
    postal_code = models.CharField(_("irányítószám"), max_length=4, blank=True)
    address = models.CharField(_("cím"), max_length=200, blank=True)
    contact_name = models.CharField(_("kapcsolattartó"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("könyvtár")
        verbose_name_plural = _("könyvtárak")
        ordering = ["settlement", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "settlement"], name="library_unique_name_per_settlement", violation_error_message=_("Ezen a településen már van ilyen nevű könyvtár.")),
        ]

    def __str__(self):
        return f"{self.name} ({self.settlement})"

    @property
    def region(self):
        return self.county.region


class InfoDay(models.Model):
    """A half-day information day in one region's host library; one per region per programme."""

    programme = models.ForeignKey(Programme, verbose_name=_("program"), on_delete=models.PROTECT, related_name="info_days")
    region = models.ForeignKey(Region, verbose_name=_("régió"), on_delete=models.PROTECT, related_name="info_days")
    library = models.ForeignKey(
        Library, verbose_name=_("helyszín (könyvtár)"), on_delete=models.PROTECT, related_name="info_days"
    )
    title = models.CharField(_("cím"), max_length=200, blank=True)
    description = models.TextField(_("leírás"), blank=True)
    date = models.DateField(_("dátum"))
    start_time = models.TimeField(_("kezdés"), default=datetime.time(9, 0))
    end_time = models.TimeField(_("befejezés"), default=datetime.time(13, 0))
    room = models.CharField(_("terem"), max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(_("férőhely"), default=30, validators=[MinValueValidator(1)])
    minimum = models.PositiveSmallIntegerField(_("minimális létszám"), default=25)
    status = models.CharField(_("állapot"), max_length=20, choices=EventStatus.choices, default=EventStatus.PLANNED)
    created_at = models.DateTimeField(_("létrehozva"), auto_now_add=True)
    updated_at = models.DateTimeField(_("módosítva"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("információs nap")
        verbose_name_plural = _("információs napok")
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "region"],
                name="info_day_one_per_region_per_programme",
                violation_error_message=_("Ebben a régióban már van információs nap ebben a programban."),
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="info_day_capacity_positive", violation_error_message=_("A férőhely legalább 1 legyen.")),
            models.CheckConstraint(condition=Q(minimum__lte=F("capacity")), name="info_day_minimum_within_capacity", violation_error_message=_("A minimális létszám nem lehet nagyobb a férőhelynél.")),
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="info_day_ends_after_start", violation_error_message=_("A befejezés nem lehet korábbi a kezdésnél (és nem is eshet egybe vele).")),
        ]

    def __str__(self):
        return self.title or f"{_('Információs nap')} – {self.region} ({self.library.settlement})"

    def clean(self):
        """The database constraints, checked first so each message stands beside its field."""
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("A befejezés nem lehet korábbi a kezdésnél (%(start)s), és nem is eshet egybe vele.") % {
                "start": self.start_time.strftime("%H:%M")
            }
        if self.capacity is not None and self.minimum is not None and self.minimum > self.capacity:
            errors["minimum"] = _("A minimális létszám nem lehet nagyobb a férőhelynél (%(minimum)s > %(capacity)s).") % {
                "minimum": self.minimum, "capacity": self.capacity,
            }
        if self.programme_id and self.region_id:
            other = (
                InfoDay.objects.filter(programme_id=self.programme_id, region_id=self.region_id)
                .exclude(pk=self.pk).select_related("library").first()
            )
            if other is not None:
                errors["region"] = _(
                    "Ebben a régióban már van információs nap ebben a programban: %(other)s, %(date)s."
                ) % {"other": other.library, "date": other.date.strftime("%Y.%m.%d.")}
        if errors:
            raise ValidationError(errors)

    @property
    def kind(self):
        return "info_day"
