"""Rows the public site keeps: issued certificates (with their verification code) and rate-limit hits."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Certificate(models.Model):
    """A certificate (tanúsítvány) as issued: every field printed on it, frozen at issue.

    The verification page shows exactly these fields, so an edited PDF does not "verify".
    The code is random (``public.certificates.new_code``), never derived from an id.
    """

    registration = models.OneToOneField(
        "participants.Registration", verbose_name=_("jelentkezés"), on_delete=models.PROTECT,
        related_name="certificate",
    )
    code = models.CharField(_("ellenőrző kód"), max_length=24, unique=True, editable=False)
    holder_name = models.CharField(_("név"), max_length=201)
    holder_birth_year = models.PositiveSmallIntegerField(_("születési év"), null=True, blank=True)
    holder_settlement = models.CharField(_("település"), max_length=100, blank=True)
    course_title = models.CharField(_("képzés"), max_length=200)
    site_name = models.CharField(_("képző intézmény"), max_length=300)
    hours = models.DecimalField(_("óraszám"), max_digits=5, decimal_places=1)
    first_day = models.DateField(_("első foglalkozás"), null=True, blank=True)
    last_day = models.DateField(_("utolsó foglalkozás"), null=True, blank=True)
    issuer = models.CharField(_("kiállító"), max_length=200)
    trainers = models.CharField(_("oktató"), max_length=300, blank=True)
    programme_name = models.CharField(_("program"), max_length=200)
    project_title = models.CharField(_("projekt"), max_length=300)
    issued_on = models.DateField(_("kiállítás dátuma"))
    revoked_at = models.DateTimeField(_("visszavonva"), null=True, blank=True)
    revoke_reason = models.CharField(_("visszavonás oka"), max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visszavonta"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("létrehozva"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tanúsítvány")
        verbose_name_plural = _("tanúsítványok")
        ordering = ["-issued_on", "holder_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="certificate_revoked_has_reason",
                violation_error_message=_("A visszavont tanúsítványnál meg kell adni a visszavonás okát."),
            ),
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z0-9-]{12,24}$"), name="certificate_code_format",
                                  violation_error_message=_("Az ellenőrző kód formátuma hibás.")),
        ]

    def __str__(self):
        return f"{self.holder_name} – {self.course_title} ({self.code})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class RateLimitHit(models.Model):
    """One counted attempt (a registration, a certificate lookup) under a hashed key; old rows are purged."""

    scope = models.CharField(max_length=30)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("korlátozott kérés")
        verbose_name_plural = _("korlátozott kérések")
        indexes = [models.Index(fields=["scope", "key", "at"], name="ratelimit_scope_key_at")]

    def __str__(self):
        return f"{self.scope} {self.at:%Y-%m-%d %H:%M}"
