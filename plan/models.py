"""The programme's plan (when the participants are expected, month by month) and the deviation
notes written for each indicator that is behind the plan when a progress report is finalised.

When each info day and training is to be held comes from their own dates (events, trainings);
only the participants expected by each month are stored here, and only when MKE staff edited
them: without stored rows the plan is derived from the dates (plan.selectors.default_monthly_plan).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IndicatorKey(models.TextChoices):
    """The indicators compared with the plan (reports.selectors.ProgrammeIndicators fields)."""

    INFO_DAYS_HELD = "info_days_held", _("Megtartott információs napok")
    INFO_DAY_ATTENDED = "info_day_attended", _("Információs napon részt vett")
    TRAININGS_HELD = "trainings_held", _("Megtartott képzések")
    TRAINEES = "trainees", _("Képzésre jelentkezett (visszaigazolt)")
    TRAINING_HOURS = "training_hours", _("Teljesített képzési órák (résztvevőórák)")


class MonthlyParticipantPlan(models.Model):
    """Participants expected in one month of the programme (new ones in that month, not cumulative)."""

    programme = models.ForeignKey(
        "events.Programme", verbose_name=_("program"), on_delete=models.CASCADE, related_name="monthly_plan"
    )
    month = models.DateField(_("hónap (első napja)"))
    info_day_participants = models.PositiveIntegerField(_("információs napi résztvevők"), default=0)
    trainees = models.PositiveIntegerField(_("képzésre jelentkezők"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("módosította"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("módosítva"), auto_now=True)

    class Meta:
        verbose_name = _("havi résztvevői terv")
        verbose_name_plural = _("havi résztvevői terv")
        ordering = ["programme_id", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "month"], name="monthly_plan_once_per_month",
                violation_error_message=_("Erre a hónapra már van terv ebben a programban."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="monthly_plan_month_first_day",
                violation_error_message=_("A hónapot az első napjával kell megadni."),
            ),
        ]

    def __str__(self):
        return f"{self.programme} – {self.month:%Y-%m}"


class DeviationNote(models.Model):
    """Why an indicator is behind the plan: written by staff when finalising a progress report,
    printed in that report's PDF and kept with its archive row (never changed afterwards)."""

    report = models.ForeignKey(
        "reports.GeneratedReport", verbose_name=_("beszámoló"), on_delete=models.PROTECT,
        related_name="deviation_notes",
    )
    indicator = models.CharField(_("mutató"), max_length=30, choices=IndicatorKey.choices)
    actual = models.DecimalField(_("tény"), max_digits=12, decimal_places=1)
    planned = models.DecimalField(_("terv szerint mára"), max_digits=12, decimal_places=1)
    text = models.TextField(_("az eltérés indoklása"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("írta"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("írva"), default=timezone.now)

    class Meta:
        verbose_name = _("eltérés indoklása")
        verbose_name_plural = _("eltérések indoklása")
        ordering = ["report_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="deviation_note_once_per_indicator",
                violation_error_message=_("Ehhez a mutatóhoz ebben a beszámolóban már van indoklás."),
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="deviation_note_not_empty",
                violation_error_message=_("Az indoklás nem lehet üres."),
            ),
        ]

    def __str__(self):
        return f"{self.report} – {self.get_indicator_display()}"

    def save(self, *args, **kwargs):
        from django.core.exceptions import ValidationError

        if self.report_id and type(self.report).objects.filter(pk=self.report_id, finalised_at__isnull=False).exists():
            raise ValidationError(_("Véglegesített beszámoló indoklása nem módosítható."))
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from django.core.exceptions import ValidationError

        if type(self.report).objects.filter(pk=self.report_id, finalised_at__isnull=False).exists():
            raise ValidationError(_("Véglegesített beszámoló indoklása nem törölhető."))
        return super().delete(*args, **kwargs)
