"""Progress against the plan: each indicator's plan to date next to the fact and the final
commitment, with a state that reads "a terv szerint halad", "N-nel elmarad" or "előrébb jár".

What the plan says, from the dates (nothing to type in for it):

- an *info day* is planned for its date (cancelled ones too: the programme promised it); an
  info day the programme committed to but has not scheduled yet is due at the programme's end;
- a *training* is planned for the end of its last session (a course without all its sessions
  scheduled, and a training not set up yet, is due at the programme's end);
- *training hours*: every scheduled session that has ended should have delivered
  ``trainees_per_course × session_hours``; sessions not scheduled yet are due at the end;
- *participants expected by each month*: ``MonthlyParticipantPlan`` rows when staff edited them,
  otherwise derived from the dates — each info day's minimum (``info_day_min_participants``) in
  the month of its date, each course's ``trainees_per_course`` in the month of its first
  session; what the commitment still lacks falls in the programme's last month. The plan to
  date of a monthly figure is the sum of the months that have *ended* (a month is a checkpoint:
  on 10 November, what was planned up to the end of October).

The plan to date never exceeds the final commitment. An indicator is *behind* when its fact is
below the plan to date, *ahead* when above it, otherwise *on track*; so in the third month of
twelve only what was due by then can be behind.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trainings.completion import planned_sessions
from trainings.services import info_day_ends_at

from .hungarian import instrumental
from .models import IndicatorKey, MonthlyParticipantPlan


class PlanState:
    ON_TRACK = "on_track"
    BEHIND = "behind"
    AHEAD = "ahead"

    LABELS = {ON_TRACK: gettext_lazy("a terv szerint halad"), AHEAD: gettext_lazy("előrébb jár")}


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def programme_months(programme) -> list[datetime.date]:
    months, month = [], month_start(programme.start_date)
    while month <= programme.end_date:
        months.append(month)
        month = next_month(month)
    return months


@dataclass
class MonthPlan:
    month: datetime.date
    info_day_participants: int = 0
    trainees: int = 0


@dataclass
class PlanItem:
    key: str
    label: str
    actual: Decimal
    planned: Decimal  # plan to date
    final_min: Decimal
    final_max: Decimal

    @property
    def gap(self) -> Decimal:
        return self.actual - self.planned

    @property
    def state(self) -> str:
        if self.actual < self.planned:
            return PlanState.BEHIND
        if self.actual > self.planned:
            return PlanState.AHEAD
        return PlanState.ON_TRACK

    @property
    def is_behind(self) -> bool:
        return self.state == PlanState.BEHIND

    @property
    def behind_by(self) -> int:
        """How far behind, rounded up to a whole number (hours may be fractional)."""
        if not self.is_behind:
            return 0
        return int((self.planned - self.actual).to_integral_value(rounding="ROUND_CEILING"))

    @property
    def state_label(self) -> str:
        if self.is_behind:
            # Hungarian: the number takes the instrumental suffix as it is read ("3-mal", "25-tel");
            # other languages get the bare number ("behind by 3").
            n = self.behind_by
            amount = instrumental(n) if (get_language() or "hu").startswith("hu") else str(n)
            return _("%(amount)s elmarad") % {"amount": amount}
        return str(PlanState.LABELS[self.state])

    @property
    def final_label(self) -> str:
        if self.final_max != self.final_min:
            return f"{_fmt(self.final_min)}–{_fmt(self.final_max)}"
        return _fmt(self.final_min)

    @property
    def percent_of_final(self) -> int:
        top = self.final_max or self.final_min
        return min(100, int(self.actual * 100 / top)) if top else 0

    @property
    def plan_percent_of_final(self) -> int:
        top = self.final_max or self.final_min
        return min(100, int(self.planned * 100 / top)) if top else 0


def _fmt(value) -> str:
    value = Decimal(value)
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.1f}".replace(".", ",")


@dataclass
class PlanProgress:
    programme: object
    as_of: datetime.datetime
    items: list[PlanItem]
    months: list[MonthPlan]
    edited: bool  # the monthly plan was edited by staff (else derived from the dates)
    by_key: dict = field(default_factory=dict)

    def __post_init__(self):
        self.by_key = {item.key: item for item in self.items}

    @property
    def behind(self) -> list[PlanItem]:
        return [item for item in self.items if item.is_behind]


def default_monthly_plan(programme, indicators) -> list[MonthPlan]:
    """Participants expected per month, from the dates of the info days and courses (no query)."""
    months = {m: MonthPlan(month=m) for m in programme_months(programme)}
    last = max(months) if months else month_start(programme.end_date)
    months.setdefault(last, MonthPlan(month=last))

    def bucket(day):
        month = month_start(day)
        if month < min(months):
            return min(months)
        return month if month in months else last

    scheduled_days = 0
    for row in indicators.info_days:
        months[bucket(row.info_day.date)].info_day_participants += programme.info_day_min_participants
        scheduled_days += 1
    missing_days = max(0, programme.info_day_target - scheduled_days)
    months[last].info_day_participants += missing_days * programme.info_day_min_participants

    scheduled_courses = 0
    for row in indicators.courses:
        first = getattr(row.course, "first_session_at", None)
        month = bucket(timezone.localdate(first)) if first else last
        months[month].trainees += programme.trainees_per_course
        scheduled_courses += 1
    missing_courses = max(0, programme.training_target - scheduled_courses)
    months[last].trainees += missing_courses * programme.trainees_per_course
    return [months[m] for m in sorted(months)]


def monthly_plan(programme, indicators) -> tuple[list[MonthPlan], bool]:
    """The stored monthly plan (staff edited it) or the default from the dates; one query."""
    stored = list(MonthlyParticipantPlan.objects.filter(programme=programme).order_by("month"))
    if not stored:
        return default_monthly_plan(programme, indicators), False
    by_month = {row.month: row for row in stored}
    months = sorted(set(programme_months(programme)) | set(by_month))
    return [
        MonthPlan(month=m, info_day_participants=by_month[m].info_day_participants if m in by_month else 0,
                  trainees=by_month[m].trainees if m in by_month else 0)
        for m in months
    ], True


def plan_progress(indicators, *, now=None) -> PlanProgress:
    """Every planned indicator against its plan to date and its final commitment.

    Reads the dashboard's ``ProgrammeIndicators`` (reports.selectors) and one more query (the
    stored monthly plan): the same figures the cards and the progress report print.
    """
    programme = indicators.programme
    now = now or indicators.as_of
    today = timezone.localdate(now)
    programme_over = today > programme.end_date
    sessions_per_course = planned_sessions(programme)

    # Info days: by their dates; what is not scheduled is due at the programme's end.
    days_due = sum(1 for row in indicators.info_days if info_day_ends_at(row.info_day) <= now)
    if programme_over:
        days_due += max(0, programme.info_day_target - len(indicators.info_days))

    trainings_due = 0
    sessions_due = 0
    for row in indicators.courses:
        course = row.course
        ended = getattr(course, "sessions_ended", 0) or 0
        sessions_due += min(ended, sessions_per_course)
        complete_schedule = row.sessions_planned >= sessions_per_course
        last_end = getattr(course, "last_session_end", None)
        if complete_schedule and last_end is not None and last_end <= now:
            trainings_due += 1
        elif programme_over:
            trainings_due += 1
            sessions_due += max(0, sessions_per_course - min(ended, sessions_per_course))
    if programme_over:
        missing_courses = max(0, programme.training_target - len(indicators.courses))
        trainings_due += missing_courses
        sessions_due += missing_courses * sessions_per_course

    months, edited = monthly_plan(programme, indicators)
    current = month_start(today)
    ended_months = [m for m in months if m.month < current]
    participants_due = sum(m.info_day_participants for m in ended_months)
    trainees_due = sum(m.trainees for m in ended_months)

    hours_per_trainee_session = Decimal(programme.trainees_per_course) * Decimal(programme.session_hours)

    def item(key, figure, planned, final_min, final_max=None):
        final_min = Decimal(final_min)
        final_max = Decimal(final_max if final_max is not None else final_min)
        planned = min(Decimal(planned), final_max)
        return PlanItem(key=key, label=str(IndicatorKey(key).label), actual=Decimal(figure.value), planned=planned,
                        final_min=final_min, final_max=final_max)

    items = [
        item(IndicatorKey.INFO_DAYS_HELD, indicators.info_days_held, days_due, programme.info_day_target),
        item(IndicatorKey.INFO_DAY_ATTENDED, indicators.info_day_attended, participants_due,
             programme.info_day_participant_target_min, programme.info_day_participant_target_max),
        item(IndicatorKey.TRAININGS_HELD, indicators.trainings_held, trainings_due, programme.training_target),
        item(IndicatorKey.TRAINEES, indicators.trainees, trainees_due, programme.trainee_target),
        item(IndicatorKey.TRAINING_HOURS, indicators.training_hours, sessions_due * hours_per_trainee_session,
             programme.trainee_target * programme.course_hours),
    ]
    return PlanProgress(programme=programme, as_of=now, items=items, months=months, edited=edited)


def deviation_notes_for(report) -> dict:
    """{indicator key: DeviationNote} kept with an archived progress report (one query)."""
    from .models import DeviationNote

    return {note.indicator: note for note in DeviationNote.objects.filter(report=report)}
