"""People, their organisations, and their registrations for info days and courses."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from menet_portal.db import hungarian_name_order

from .validators import validate_free_text, validate_phone, validate_plain_text, validate_tax_number

# ``email__lower=value`` compiles to LOWER("email") = value: the lookup the Lower() expression
# indexes below serve (``__iexact`` compiles to UPPER(...) and matches no index).
models.CharField.register_lookup(Lower)


class TargetGroup(models.TextChoices):
    CITIZEN = "citizen", _("állampolgár")
    NONPROFIT = "nonprofit", _("nonprofit szervezet")
    BUSINESS = "business", _("gazdasági szervezet")


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", _("egyesület")
    FOUNDATION = "foundation", _("alapítvány")
    NONPROFIT_OTHER = "nonprofit_other", _("egyéb nonprofit szervezet")
    SOLE_TRADER = "sole_trader", _("egyéni vállalkozó")
    COMPANY = "company", _("gazdasági társaság (Kft., Bt., Zrt.)")
    BUSINESS_OTHER = "business_other", _("egyéb gazdasági szervezet")


NONPROFIT_KINDS = [OrganisationKind.ASSOCIATION, OrganisationKind.FOUNDATION, OrganisationKind.NONPROFIT_OTHER]
BUSINESS_KINDS = [OrganisationKind.SOLE_TRADER, OrganisationKind.COMPANY, OrganisationKind.BUSINESS_OTHER]


class SizeBand(models.TextChoices):
    MICRO = "micro", _("mikrovállalkozás (10 fő alatt)")
    SMALL = "small", _("kisvállalkozás (10–49 fő)")
    MEDIUM = "medium", _("középvállalkozás (50–249 fő)")
    LARGE = "large", _("nagyvállalat (250 fő felett)")


class Organisation(models.Model):
    """A nonprofit or business a participant represents."""

    name = models.CharField(_("szervezet neve"), max_length=200, validators=[validate_plain_text])
    kind = models.CharField(_("szervezet típusa"), max_length=20, choices=OrganisationKind.choices)
    tax_number = models.CharField(_("adószám"), max_length=13, unique=True, validators=[validate_tax_number])
    settlement = models.CharField(_("székhely települése"), max_length=100, blank=True, validators=[validate_plain_text])
    size_band = models.CharField(_("méret"), max_length=10, choices=SizeBand.choices, blank=True)
    created_at = models.DateTimeField(_("létrehozva"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("szervezet")
        verbose_name_plural = _("szervezetek")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tax_number__regex=r"^[0-9]{8}-[1-5]-[0-9]{2}$"), name="organisation_tax_number_format", violation_error_message=_("Az adószám formája: 12345678-1-12.")
            ),
            # Businesses carry a size band; nonprofits never do.
            models.CheckConstraint(
                condition=(Q(kind__in=BUSINESS_KINDS) & ~Q(size_band=""))
                | (Q(kind__in=NONPROFIT_KINDS) & Q(size_band="")),
                name="organisation_size_band_for_businesses_only",
                violation_error_message=_("Gazdasági szervezetnek meg kell adni a méretét, nonprofit szervezetnek nem."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.tax_number})"

    @property
    def target_group(self):
        return TargetGroup.BUSINESS if self.kind in BUSINESS_KINDS else TargetGroup.NONPROFIT


class Participant(models.Model):
    """A person taking part in an info day or a training, in exactly one target group."""

    family_name = models.CharField(_("családi név"), max_length=100, validators=[validate_plain_text])
    given_name = models.CharField(_("utónév"), max_length=100, validators=[validate_plain_text])
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True, validators=[validate_phone])
    birth_year = models.PositiveSmallIntegerField(
        _("születési év"), validators=[MinValueValidator(1900), MaxValueValidator(2030)]
    )
    settlement = models.CharField(_("település"), max_length=100, validators=[validate_plain_text])
    county = models.ForeignKey(
        "events.County", verbose_name=_("vármegye"), on_delete=models.PROTECT, related_name="participants"
    )
    target_group = models.CharField(_("célcsoport"), max_length=10, choices=TargetGroup.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("szervezet"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="participants",
    )
    registering_library = models.ForeignKey(
        "events.Library", verbose_name=_("regisztráló könyvtár"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="registered_participants",
    )
    consent_given_at = models.DateTimeField(_("hozzájárulás ideje"))
    consent_text_version = models.CharField(_("adatkezelési tájékoztató verziója"), max_length=20)
    reminders_opt_out = models.BooleanField(_("nem kér emlékeztetőt"), default=False)
    # A separate, optional consent: photos of the person at the programme's events may be taken
    # and used in the reports to the funder. The time it was given; empty = not given (or withdrawn).
    photo_consent_at = models.DateTimeField(_("fényképhez hozzájárult"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonimizálva"), null=True, blank=True)
    created_at = models.DateTimeField(_("létrehozva"), auto_now_add=True)
    updated_at = models.DateTimeField(_("módosítva"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("résztvevő")
        verbose_name_plural = _("résztvevők")
        ordering = hungarian_name_order()
        indexes = [
            models.Index(Lower("email"), name="participant_email_lower"),
            models.Index(
                fields=["family_name", "given_name", "birth_year", "settlement"], name="participant_identity"
            ),
            # With the id: a coordinator's scope (menet_portal.scope._library_people) reads the ids of
            # the people the library registered by an index-only scan, not 1,500 heap pages.
            models.Index(fields=["registering_library", "target_group", "id"], name="participant_library_group"),
            # Recognition (services.known_participants) compares lower-cased name, birth year, settlement.
            models.Index(
                Lower("family_name"), Lower("given_name"), F("birth_year"), Lower("settlement"),
                name="participant_identity_lower",
            ),
            # participant_hungarian_name (family_name, given_name COLLATE "hu-x-icu", id) is created by
            # migration 0007 on PostgreSQL only: every list of people sorts in that order.
        ]
        constraints = [
            # A citizen takes part as a person; nonprofit and business participants represent an organisation.
            models.CheckConstraint(
                condition=(Q(target_group="citizen") & Q(organisation__isnull=True))
                | (Q(target_group__in=["nonprofit", "business"]) & Q(organisation__isnull=False)),
                name="participant_organisation_matches_target_group",
                violation_error_message=_(
                    "Nonprofit és gazdasági szervezet képviselőjénél a szervezet kötelező, állampolgárnál nem adható meg."
                ),
            ),
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900) & Q(birth_year__lte=2030), name="participant_birth_year_plausible", violation_error_message=_("A születési év 1900 és 2030 között lehet.")
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        # Hungarian name order: family name first.
        return f"{self.family_name} {self.given_name}"

    def clean(self):
        if self.organisation_id and self.target_group in (TargetGroup.NONPROFIT, TargetGroup.BUSINESS):
            if self.organisation.target_group != self.target_group:
                raise ValidationError(
                    {"organisation": _("A szervezet típusa nem illik a résztvevő célcsoportjához.")}
                )


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("visszaigazolt")
    # A self-registration holding a place until its e-mail link is opened (or the hold runs out).
    PENDING = "pending", _("megerősítésre vár")
    WAITLISTED = "waitlisted", _("várólistán")
    CANCELLED = "cancelled", _("lemondva")


class RegistrationSource(models.TextChoices):
    COORDINATOR = "coordinator", _("koordinátor rögzítette")
    SELF_SERVICE = "self_service", _("önálló jelentkezés")
    IMPORT = "import", _("tömeges betöltés")
    WALK_IN = "walk_in", _("helyszíni regisztráció")


class Registration(models.Model):
    """A participant's place (or place on the waiting list) at one info day or one course.

    A person is registered at most once per event; waiting-list order is ``created_at``
    then ``id``. Availability is computed from these rows, never kept as a counter.
    """

    participant = models.ForeignKey(
        Participant, verbose_name=_("résztvevő"), on_delete=models.CASCADE, related_name="registrations"
    )
    info_day = models.ForeignKey(
        "events.InfoDay", verbose_name=_("információs nap"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="registrations",
    )
    course = models.ForeignKey(
        "trainings.Course", verbose_name=_("képzés"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="registrations",
    )
    status = models.CharField(_("állapot"), max_length=12, choices=RegistrationStatus.choices)
    source = models.CharField(_("forrás"), max_length=12, choices=RegistrationSource.choices)
    created_at = models.DateTimeField(_("jelentkezés ideje"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("visszaigazolva"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("lemondva"), null=True, blank=True)
    cancel_reason = models.CharField(_("lemondás oka"), max_length=300, blank=True, validators=[validate_free_text])
    # Self-registrations not yet confirmed by their e-mail link: held (pending) or waiting until then.
    hold_until = models.DateTimeField(_("megerősítési határidő"), null=True, blank=True)
    # False for someone who joined a course too late to meet the completion rule (only when the
    # programme accepts late joiners: trainings.eligibility).
    eligible_for_certificate = models.BooleanField(_("tanúsítványra jogosult"), default=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rögzítette"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jelentkezés")
        verbose_name_plural = _("jelentkezések")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["info_day", "status", "created_at"], name="registration_info_day_status"),
            models.Index(fields=["course", "status", "created_at"], name="registration_course_status"),
            # The event overview counts every event's confirmed and waitlisted places at once
            # (events.selectors.event_overview_page): only those rows (a quarter), in event order.
            models.Index(fields=["course", "status"], name="registration_course_active",
                         condition=Q(status__in=["confirmed", "waitlisted"])),
            models.Index(fields=["info_day", "status"], name="registration_info_day_active",
                         condition=Q(status__in=["confirmed", "waitlisted"])),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(info_day__isnull=False) & Q(course__isnull=True))
                | (Q(info_day__isnull=True) & Q(course__isnull=False)),
                name="registration_exactly_one_event",
                violation_error_message=_("Egy jelentkezés pontosan egy információs napra vagy egy képzésre szól."),
            ),
            models.UniqueConstraint(
                fields=["participant", "info_day"],
                name="registration_once_per_info_day",
                violation_error_message=_("Ez a személy már jelentkezett erre az információs napra."),
            ),
            models.UniqueConstraint(
                fields=["participant", "course"],
                name="registration_once_per_course",
                violation_error_message=_("Ez a személy már jelentkezett erre a képzésre."),
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="registration_cancelled_has_time",
                violation_error_message=_("A lemondott jelentkezésnél meg kell adni a lemondás idejét."),
            ),
            # A place is held from a moment: reminders and notices are reckoned from it.
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="registration_confirmed_has_time",
                violation_error_message=_("A visszaigazolt jelentkezésnél meg kell adni a visszaigazolás idejét."),
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(hold_until__isnull=False),
                name="registration_pending_has_hold",
                violation_error_message=_("A megerősítésre váró jelentkezésnek határideje van."),
            ),
        ]

    def __str__(self):
        return f"{self.participant} – {self.event}"

    @property
    def event(self):
        return self.info_day if self.info_day_id else self.course


class RegistrationCount(models.Model):
    """Deltas of the number of registrations per event and status, appended by PostgreSQL
    triggers in the same transaction as every change of ``Registration``
    (menet_portal.counters.REGISTRATIONS): an event's count is the sum of its rows. Written by
    the database only; plain ids, not foreign keys, so an event's deletion never waits on them."""

    info_day_id = models.BigIntegerField(null=True)
    course_id = models.BigIntegerField(null=True)
    status = models.CharField(max_length=12)
    n = models.BigIntegerField()

    class Meta:
        verbose_name = _("jelentkezésszámláló")
        default_permissions = ()


class RegistrationFigures(models.Model):
    """A registration's figures for the dashboards, kept by PostgreSQL triggers in the same
    transaction as every change of the registration, its person's target group and its
    attendance (menet_portal.counters.REGISTRATION_FIGURES): its event, status and certificate
    eligibility, the target group, and its attendance rows counted by kind, as
    ``trainings.completion`` counts them. Written by the database only; plain ids, not foreign
    keys, so deleting a registration never waits on them (its trigger deletes the row)."""

    registration_id = models.BigIntegerField(primary_key=True)
    info_day_id = models.BigIntegerField(null=True)
    course_id = models.BigIntegerField(null=True)
    status = models.CharField(max_length=12)
    eligible_for_certificate = models.BooleanField()
    target_group = models.CharField(max_length=10)
    attended_sessions = models.IntegerField()
    late_sessions = models.IntegerField()
    missed_sessions = models.IntegerField()
    info_day_attended = models.IntegerField()
    info_day_recorded = models.IntegerField()

    class Meta:
        verbose_name = _("jelentkezés mutatói")
        default_permissions = ()
        indexes = [
            models.Index(fields=["info_day_id"], name="registration_figures_info_day"),
            # A course counts its confirmed and waitlisted trainees only (a third of its rows).
            models.Index(fields=["course_id"], name="registration_figures_course",
                         condition=Q(status__in=["confirmed", "waitlisted"])),
        ]


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("előnézet, megerősítésre vár")
    RUNNING = "running", _("betöltés folyamatban")
    DONE = "done", _("betöltve")
    FAILED = "failed", _("sikertelen, semmi sem került rögzítésre")


class ParticipantImport(models.Model):
    """An uploaded list between its preview and its confirmed, one-transaction import.

    The rows (text as read from the file) stay on the server, bound to the user who uploaded
    them; the browser only holds the random token. After the import they are emptied, and
    pending uploads are deleted after a day (``purge_stale_imports``).
    """

    token = models.CharField(max_length=43, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    info_day = models.ForeignKey("events.InfoDay", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    course = models.ForeignKey("trainings.Course", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    file_name = models.CharField(_("fájl"), max_length=200)
    rows = models.JSONField(default=list)
    row_count = models.PositiveIntegerField(default=0)
    status = models.CharField(_("állapot"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    message = models.TextField(blank=True)
    confirmed_count = models.PositiveIntegerField(default=0)
    waitlisted_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Handing the confirmed import to the workers: when it was last queued, and when queueing last
    # failed (broker down). A failed one is shown as "not started" with a retry button, and the
    # beat's requeue_stale_imports tries again (participants.imports).
    queued_at = models.DateTimeField(null=True, blank=True)
    queue_failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tömeges betöltés")
        verbose_name_plural = _("tömeges betöltések")
        constraints = [
            models.CheckConstraint(
                condition=(Q(info_day__isnull=False) & Q(course__isnull=True))
                | (Q(info_day__isnull=True) & Q(course__isnull=False)),
                name="participant_import_exactly_one_event", violation_error_message=_("Egy betöltés pontosan egy információs napra vagy egy képzésre szól."),
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def event(self):
        return self.info_day if self.info_day_id else self.course

    @property
    def not_queued(self):
        """Confirmed, but the background service could not be reached: nobody is working on it."""
        return self.status == ImportStatus.RUNNING and self.queue_failed_at is not None


class FormSubmission(models.Model):
    """A one-time form token, used: a second POST of the same form (a double click, a resent
    request) lands on the first one's result instead of doing the work again.

    The row is written in the transaction that does the work, so a refused submit leaves no
    row and can be corrected and sent again; a concurrent second submit waits on the unique
    token until the first commits.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("beküldött űrlap")
        verbose_name_plural = _("beküldött űrlapok")

    def __str__(self):
        return f"{self.user} – {self.created_at:%Y-%m-%d %H:%M}"
