"""Writes of the plan: the monthly participant plan (MKE staff), the deviation notes of a progress report."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from menet_portal.models import Role
from menet_portal.permissions import user_has_role

from .models import MonthlyParticipantPlan
from .selectors import programme_months


@transaction.atomic
def save_monthly_plan(*, programme, rows: dict, user) -> list[MonthlyParticipantPlan]:
    """Store the participants expected in each month: ``rows`` = {first day of month: (info-day
    participants, trainees)}. Every month of the programme is stored (missing ones as 0), so
    saving twice replaces; a month outside the programme or a negative number writes nothing."""
    if user is not None and not user_has_role(user, (Role.STAFF,)):
        raise PermissionDenied
    months = programme_months(programme)
    errors = []
    for month, (participants, trainees) in rows.items():
        if not isinstance(month, datetime.date) or month.day != 1 or month not in months:
            errors.append(_("A(z) %(month)s nem a program egy hónapja.") % {"month": month})
        for value in (participants, trainees):
            if not isinstance(value, int) or value < 0:
                errors.append(_("A(z) %(month)s hónap értéke nem lehet negatív vagy tört: %(value)s.") % {
                    "month": month, "value": value})
    if errors:
        raise ValidationError(errors)
    type(programme).objects.select_for_update().get(pk=programme.pk)  # one save of a programme's plan at a time
    stored = []
    for month in months:
        participants, trainees = rows.get(month, (0, 0))
        row, _created = MonthlyParticipantPlan.objects.update_or_create(
            programme=programme, month=month,
            defaults={"info_day_participants": participants, "trainees": trainees, "updated_by": user},
        )
        row.full_clean()
        stored.append(row)
    MonthlyParticipantPlan.objects.filter(programme=programme).exclude(month__in=months).delete()
    return stored


@transaction.atomic
def reset_monthly_plan(*, programme) -> int:
    """Back to the plan derived from the dates."""
    deleted, _counts = MonthlyParticipantPlan.objects.filter(programme=programme).delete()
    return deleted


def behind_indicators(programme, *, now=None):
    """The plan items behind at ``now`` (what a final progress report must explain)."""
    from reports.selectors import programme_indicators

    from .selectors import plan_progress

    indicators = programme_indicators(programme, now=now)
    return plan_progress(indicators, now=indicators.as_of)


def finalise_progress_report(*, report, notes: dict, user, now=None):
    """Finalise a progress report: the final version is rendered now, with a deviation note for
    every indicator behind the plan, archived as a new row and finalised in one transaction.

    Rule: no progress report is finalised while an indicator that is behind the plan has no
    note — refused with a Hungarian message naming the missing ones, and nothing is written.
    The draft the staff member looked at stays as it was (a stored file is never replaced);
    the notes are printed in the final PDF and kept with its archive row (``DeviationNote``).
    Returns the finalised row.
    """
    from django.utils import timezone

    from events.models import Programme
    from reports import archive
    from reports.models import GeneratedReport, ReportKind, ReportStatus

    from .models import DeviationNote

    if not user_has_role(user, (Role.STAFF,)):
        raise PermissionDenied
    now = now or timezone.now()
    notes = {key: (text or "").strip() for key, text in (notes or {}).items()}
    with transaction.atomic():
        draft = GeneratedReport.objects.select_for_update().get(pk=report.pk)
        if draft.kind != ReportKind.PROGRESS:
            raise ValidationError(_("Ez nem szakmai beszámoló."))
        if draft.is_finalised:
            raise ValidationError(_("Ez a jelentés már véglegesítve van."))
        if draft.status != ReportStatus.DONE:
            raise ValidationError(_("Csak elkészült jelentés véglegesíthető."))
        programme = Programme.objects.get(pk=draft.parameters["programme"])
        plan = behind_indicators(programme, now=now)
        missing = [item.label for item in plan.behind if not notes.get(item.key)]
        if missing:
            raise ValidationError(
                _("A beszámoló nem véglegesíthető: írja meg az eltérés indoklását ezeknél a tervtől elmaradó "
                  "mutatóknál: %(names)s.") % {"names": ", ".join(missing)},
                code="deviation_notes_missing",
            )

        def write_notes(final):
            for item in plan.behind:
                note = DeviationNote(report=final, indicator=item.key, actual=item.actual, planned=item.planned,
                                     text=notes[item.key], written_by=user, written_at=now)
                note.full_clean()
                note.save()

        final = archive.request_report(kind=ReportKind.PROGRESS, parameters=draft.parameters, user=user,
                                       run_now=True, prepare=write_notes, now=now)
        return archive.finalise_report(report=final, user=user, _progress_checked=True)
