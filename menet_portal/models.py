"""The portal's user: every account carries its role and, where the role needs it, its library."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    STAFF = "staff", _("MKE munkatárs")
    COORDINATOR = "coordinator", _("Könyvtári koordinátor")
    TRAINER = "trainer", _("Oktató")
    FUNDER = "funder", _("Támogatói megtekintő")


class User(AbstractUser):
    # Least privilege by default: a new account sees aggregates only until staff gives it a role.
    role = models.CharField(_("szerepkör"), max_length=20, choices=Role.choices, default=Role.FUNDER)
    library = models.ForeignKey(
        "events.Library",
        verbose_name=_("könyvtár"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Koordinátoroknak és oktatóknak kötelező: ennek a könyvtárnak az adatait látják."),
    )
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    language = models.CharField(
        _("a felület nyelve"), max_length=10, blank=True, choices=settings.LANGUAGES,
        help_text=_("Üresen magyar; a felület nyelvváltó gombja állítja."),
    )
    # Role and library assignments are audited; passwords and log-ins are not history.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("felhasználó")
        verbose_name_plural = _("felhasználók")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["coordinator", "trainer"]) | Q(library__isnull=False),
                name="user_library_required_for_coordinator_and_trainer",
                violation_error_message=_("Koordinátornak és oktatónak meg kell adni a könyvtárát."),
            ),
        ]

    def __str__(self):
        full = f"{self.last_name} {self.first_name}".strip()  # Hungarian order: family name first
        return full or self.username

    @property
    def is_programme_staff(self):
        return self.is_superuser or self.role == Role.STAFF

    @property
    def is_coordinator(self):
        return self.role == Role.COORDINATOR and not self.is_superuser

    @property
    def is_trainer(self):
        return self.role == Role.TRAINER and not self.is_superuser

    @property
    def is_funder(self):
        return self.role == Role.FUNDER and not self.is_superuser


# The outbox lives in the notifications package; importing it here registers it with the app.
from .notifications.models import OutboxMessage, OutboxStatus, OutboxStatusCount, MessageKind  # noqa: E402,F401
