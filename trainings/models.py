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
    history = HistoricalRecords(m2m_fields=[trainers])

    class Meta:
        verbose_name = _("képzési helyszín")
        verbose_name_plural = _("képzési helyszínek")
        ordering = ["library__settlement"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "library"], name="training_site_one_per_library_per_programme", violation_error_message=_("Ez a könyvtár már képzési helyszín ebben a programban.")),
        ]

    def __str__(self):
        return str(self.library)

    def clean(self):
        if self.programme_id and self.library_id and (
            TrainingSite.objects.filter(programme_id=self.programme_id, library_id=self.library_id)
            .exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"library": _("Ez a könyvtár már képzési helyszín ebben a programban.")})


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
    history = HistoricalRecords(m2m_fields=[trainers], excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("képzés")
        verbose_name_plural = _("képzések")
        ordering = ["site__library__settlement", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_capacity_positive", violation_error_message=_("A férőhely legalább 1 legyen.")),
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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("foglalkozás")
        verbose_name_plural = _("foglalkozások")
        ordering = ["course_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="session_number_unique_per_course", violation_error_message=_("Ennek a képzésnek már van ilyen sorszámú foglalkozása.")),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=MAX_SESSIONS_PER_COURSE),
                name="session_number_in_range",
                violation_error_message=_("A foglalkozás sorszáma 1 és 4 között lehet."),
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start", violation_error_message=_("A befejezés nem lehet korábbi a kezdésnél (és nem is eshet egybe vele).")),
        ]

    def __str__(self):
        return f"{self.course} – {self.number}. {_('foglalkozás')}"

    def clean(self):
        """The database constraints, checked first so each message stands beside its field."""
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A befejezés nem lehet korábbi a kezdésnél (és nem is eshet egybe vele).")
        if self.course_id and self.number:
            limit = self.course.site.programme.sessions_per_course
            if self.number > limit:
                errors["number"] = _(
                    "A program képzésenként %(n)s foglalkozást tervez: a sorszám 1 és %(n)s között lehet."
                ) % {"n": limit}
            elif Session.objects.filter(course_id=self.course_id, number=self.number).exclude(pk=self.pk).exists():
                errors["number"] = _("Ennek a képzésnek már van ilyen sorszámú foglalkozása: %(number)s.") % {"number": self.number}
        if errors:
            raise ValidationError(errors)

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
        # The attendance list's default order (reports.views: newest first), read from the index.
        indexes = [models.Index(F("recorded_at").desc(), F("id").desc(), name="attendance_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"],
                condition=Q(session__isnull=False),
                name="attendance_once_per_session", violation_error_message=_("Ennek a résztvevőnek erre a foglalkozásra már van jelenléti bejegyzése."),
            ),
            models.UniqueConstraint(
                fields=["registration"], condition=Q(session__isnull=True), name="attendance_once_per_info_day", violation_error_message=_("Ennek a résztvevőnek erre az információs napra már van jelenléti bejegyzése.")
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


# --- Interactive learning material ------------------------------------------------------


class LearningModule(models.Model):
    """A chapter of a programme's learning material (e.g. "Ügyfélkapu+ és DÁP")."""

    programme = models.ForeignKey(
        "events.Programme", verbose_name=_("program"), on_delete=models.CASCADE, related_name="learning_modules"
    )
    slug = models.SlugField(_("rövid azonosító"), max_length=80)
    title = models.CharField(_("cím"), max_length=200)
    summary = models.TextField(_("összefoglaló"), blank=True)
    position = models.PositiveSmallIntegerField(_("sorrend"), default=0)
    is_published = models.BooleanField(_("közzétéve"), default=True)

    class Meta:
        verbose_name = _("tananyag-modul")
        verbose_name_plural = _("tananyag-modulok")
        ordering = ["programme_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="learning_module_slug_unique_per_programme", violation_error_message=_("Ebben a programban már van ilyen rövid azonosítójú modul.")),
        ]

    def __str__(self):
        return self.title


class Lesson(models.Model):
    """A lesson: Markdown text (rendered and sanitised on display), images, and a self-check quiz."""

    module = models.ForeignKey(LearningModule, verbose_name=_("modul"), on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField(_("rövid azonosító"), max_length=80)
    title = models.CharField(_("cím"), max_length=200)
    body = models.TextField(
        _("szöveg (Markdown)"),
        help_text=_("Markdown formázás. Képek: ![leírás](/media/…) vagy a lecke képei közül; külső kép nem jelenik meg."),
    )
    position = models.PositiveSmallIntegerField(_("sorrend"), default=0)
    minutes = models.PositiveSmallIntegerField(_("olvasási idő (perc)"), default=5)

    class Meta:
        verbose_name = _("lecke")
        verbose_name_plural = _("leckék")
        ordering = ["module__position", "module_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="lesson_slug_unique_per_module", violation_error_message=_("Ebben a modulban már van ilyen rövid azonosítójú lecke.")),
        ]

    def __str__(self):
        return self.title


class LessonImage(models.Model):
    """An image shown with a lesson; the alternative text is required (screen readers)."""

    lesson = models.ForeignKey(Lesson, verbose_name=_("lecke"), on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("kép"), upload_to="learning/")
    alt_text = models.CharField(
        _("alternatív szöveg"), max_length=300, help_text=_("Mit mutat a kép? Felolvasó programok ezt olvassák fel.")
    )
    caption = models.CharField(_("képaláírás"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("sorrend"), default=0)

    class Meta:
        verbose_name = _("lecke képe")
        verbose_name_plural = _("lecke képei")
        ordering = ["lesson_id", "position", "id"]

    def __str__(self):
        return self.alt_text


class Question(models.Model):
    """A multiple-choice self-check question at the end of a lesson."""

    lesson = models.ForeignKey(Lesson, verbose_name=_("lecke"), on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("kérdés"), max_length=500)
    explanation = models.TextField(_("magyarázat"), blank=True, help_text=_("Válasz után jelenik meg."))
    position = models.PositiveSmallIntegerField(_("sorrend"), default=0)

    class Meta:
        verbose_name = _("önellenőrző kérdés")
        verbose_name_plural = _("önellenőrző kérdések")
        ordering = ["lesson_id", "position", "id"]

    def __str__(self):
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, verbose_name=_("kérdés"), on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("válasz"), max_length=300)
    is_correct = models.BooleanField(_("helyes"), default=False)
    position = models.PositiveSmallIntegerField(_("sorrend"), default=0)

    class Meta:
        verbose_name = _("válaszlehetőség")
        verbose_name_plural = _("válaszlehetőségek")
        ordering = ["question_id", "position", "id"]

    def __str__(self):
        return self.text


class MaterialLink(models.Model):
    """A trainee's personal link to the learning material: a long random token, no password.

    Valid until revoked by MKE staff or until it expires (the programme's end). A trainee
    has at most one active link; a new one can be issued after a revocation.
    """

    registration = models.ForeignKey(
        "participants.Registration", verbose_name=_("jelentkezés"), on_delete=models.CASCADE,
        related_name="material_links",
    )
    token = models.CharField(_("azonosító"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("kiadva"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("kiadta"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("lejár"))
    revoked_at = models.DateTimeField(_("visszavonva"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visszavonta"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("utoljára használva"), null=True, blank=True)

    class Meta:
        verbose_name = _("tananyag-link")
        verbose_name_plural = _("tananyag-linkek")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"], condition=Q(revoked_at__isnull=True), name="material_link_one_active_per_trainee", violation_error_message=_("Ennek a résztvevőnek már van érvényes tananyag-linkje.")
            ),
        ]

    def __str__(self):
        return f"{self.registration.participant} – {self.created_at:%Y-%m-%d}"

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class LessonProgress(models.Model):
    """What a trainee did with a lesson: opened, marked read, self-check scores."""

    registration = models.ForeignKey(
        "participants.Registration", verbose_name=_("jelentkezés"), on_delete=models.CASCADE,
        related_name="lesson_progress",
    )
    lesson = models.ForeignKey(Lesson, verbose_name=_("lecke"), on_delete=models.CASCADE, related_name="progress")
    opened_at = models.DateTimeField(_("megnyitva"), default=timezone.now)
    read_at = models.DateTimeField(_("elolvasva"), null=True, blank=True)
    quiz_attempts = models.PositiveSmallIntegerField(_("kitöltések"), default=0)
    quiz_last_score = models.PositiveSmallIntegerField(_("utolsó pontszám"), null=True, blank=True)
    quiz_best_score = models.PositiveSmallIntegerField(_("legjobb pontszám"), null=True, blank=True)
    quiz_max_score = models.PositiveSmallIntegerField(_("elérhető pontszám"), null=True, blank=True)
    updated_at = models.DateTimeField(_("módosítva"), auto_now=True)

    class Meta:
        verbose_name = _("lecke haladás")
        verbose_name_plural = _("lecke haladások")
        constraints = [
            models.UniqueConstraint(fields=["registration", "lesson"], name="lesson_progress_once_per_trainee", violation_error_message=_("Ennek a résztvevőnek ehhez a leckéhez már van haladási bejegyzése.")),
        ]

    def __str__(self):
        return f"{self.registration_id} – {self.lesson}"


class QuizAttempt(models.Model):
    """One submission of a lesson's self-check: the log behind the scores in LessonProgress."""

    registration = models.ForeignKey(
        "participants.Registration", verbose_name=_("jelentkezés"), on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    lesson = models.ForeignKey(Lesson, verbose_name=_("lecke"), on_delete=models.CASCADE, related_name="quiz_attempts")
    answers = models.JSONField(_("válaszok"), default=dict)
    score = models.PositiveSmallIntegerField(_("pontszám"))
    max_score = models.PositiveSmallIntegerField(_("elérhető pontszám"))
    created_at = models.DateTimeField(_("kitöltve"), default=timezone.now)

    class Meta:
        verbose_name = _("önellenőrzés kitöltése")
        verbose_name_plural = _("önellenőrzés kitöltései")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=F("max_score")), name="quiz_attempt_score_within_max", violation_error_message=_("A pontszám nem lehet nagyobb az elérhető maximumnál.")),
        ]


class AttendanceCount(models.Model):
    """Deltas of the number of attendance rows per session and status, appended by PostgreSQL
    triggers in the same transaction as every change of ``Attendance``
    (menet_portal.counters.ATTENDANCE): a session's count is the sum of its rows (the info
    days' rows have no session and sum under NULL). Written by the database only; plain ids,
    not foreign keys, so deleting a session never waits on them."""

    session_id = models.BigIntegerField(null=True)
    status = models.CharField(max_length=10)
    n = models.BigIntegerField()

    class Meta:
        verbose_name = _("jelenlétszámláló")
        default_permissions = ()
        indexes = [models.Index(fields=["session_id"], name="attendancecount_session")]
