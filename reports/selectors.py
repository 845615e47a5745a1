"""The programme's indicators against its commitments: every figure of the dashboard and the
progress report, from a fixed handful of aggregate queries (the same number at 50 or 100,000
participants).

Definitions (DESIGN.md, "The reports the funder expects"):

- an info day / course is *held* when it is not cancelled and either marked held or over
  (an info day whose date has passed; a course whose planned sessions have all ended);
- info-day *registered* = confirmed registrations; *attended* = info-day attendance rows
  (``session`` NULL) with status present or late, whatever the registration's status (a
  walk-in or someone on the waiting list who came counts as attended, a no-show does not);
- *trainees* = confirmed course registrations; *completions* = trainees who completed by
  ``trainings.completion.annotate_completion`` (the one place of that rule);
- *training hours delivered* = attended (present/late) course sessions × the programme's
  session hours, summed over trainees (the same hours the completion rule and the course
  pages count);
- the *state* of a figure against its target: below minimum, in band, or full.

``programme_indicators`` is read by the staff dashboard, the funder's viewer and the PDF
progress report; none of them recomputes a figure.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import EventStatus, InfoDay, Programme, Region
from participants.models import Participant, Registration, RegistrationFigures, RegistrationStatus, TargetGroup
from trainings.completion import ATTENDED, annotate_completion_outlook, completion_outlook, planned_sessions
from trainings.models import Attendance, Course, Session, TrainingSite
from trainings.selectors import info_days_missing_register, sessions_missing_register

ALERT_WINDOW_DAYS = 14


def current_programme():
    """The programme the dashboards show: the one that started last."""
    return Programme.objects.order_by("-start_date").first()


class FigureState:
    BELOW = "below"
    IN_BAND = "in_band"
    FULL = "full"

    BELOW_TARGET_LABEL = _("cél alatt")  # a single target (7 info days, 10 trainings) has no "minimum"
    LABELS = {
        BELOW: _("minimum alatt"),
        IN_BAND: _("sávon belül"),
        FULL: _("teljesítve"),
    }


@dataclass(frozen=True)
class Figure:
    """A number and, where the programme committed to one, its target (a single number or a band)."""

    value: int | Decimal
    target_min: int | Decimal | None = None
    target_max: int | Decimal | None = None

    @property
    def has_target(self) -> bool:
        return self.target_min is not None

    @property
    def is_band(self) -> bool:
        return self.target_max is not None and self.target_max != self.target_min

    @property
    def target_top(self):
        return self.target_max if self.target_max is not None else self.target_min

    @property
    def state(self) -> str | None:
        if self.target_min is None:
            return None
        if self.value < self.target_min:
            return FigureState.BELOW
        if self.value >= self.target_top:
            return FigureState.FULL
        return FigureState.IN_BAND

    @property
    def state_label(self):
        if self.state == FigureState.BELOW and not self.is_band:
            return FigureState.BELOW_TARGET_LABEL
        return FigureState.LABELS.get(self.state, "")

    @property
    def percent(self) -> int:
        """Share of the (upper) target reached, 0–100, for progress bars."""
        top = self.target_top
        if not top:
            return 0
        return min(100, int(Decimal(self.value) * 100 / Decimal(top)))

    @property
    def min_percent(self) -> int:
        """Where the band's minimum sits on a bar that ends at its maximum."""
        top = self.target_top
        if not top or self.target_min is None:
            return 0
        return int(Decimal(self.target_min) * 100 / Decimal(top))


@dataclass
class PeopleCounts:
    """Counts of people (registrations, attendance) in one slice of the programme."""

    info_day_registered: int = 0
    info_day_waitlisted: int = 0
    info_day_attended: int = 0
    trainees: int = 0
    trainees_waitlisted: int = 0
    completions: int = 0
    attended_sessions: int = 0
    training_hours: Decimal = Decimal(0)

    def add(self, other: PeopleCounts) -> PeopleCounts:
        # Spelled out: called ~2,000 times per dashboard (every event × group into its slices), and
        # a loop over __dataclass_fields__ with getattr/setattr was 3x slower.
        self.info_day_registered += other.info_day_registered
        self.info_day_waitlisted += other.info_day_waitlisted
        self.info_day_attended += other.info_day_attended
        self.trainees += other.trainees
        self.trainees_waitlisted += other.trainees_waitlisted
        self.completions += other.completions
        self.attended_sessions += other.attended_sessions
        self.training_hours += other.training_hours
        return self

    @property
    def reached(self) -> int:
        """Info-day attendees plus trainees: the participations of a slice (the region × group chart)."""
        return self.info_day_attended + self.trainees


@dataclass
class InfoDayRow:
    info_day: InfoDay
    held: bool
    band_min: int
    band_max: int
    counts: PeopleCounts
    by_group: dict[str, PeopleCounts]
    attendance_rows: int = 0  # any status: tells whether attendance was recorded at all

    @property
    def registered_figure(self) -> Figure:
        return Figure(self.counts.info_day_registered, self.band_min, self.band_max)

    @property
    def attended_figure(self) -> Figure:
        return Figure(self.counts.info_day_attended, self.band_min, self.band_max)

    @property
    def attendance_recorded(self) -> bool:
        return self.attendance_rows > 0


@dataclass
class CourseRow:
    course: Course
    held: bool
    sessions_planned: int
    sessions_started: int
    next_session_at: datetime.datetime | None
    target: int
    counts: PeopleCounts
    by_group: dict[str, PeopleCounts]
    cannot_complete: int = 0  # trainees who can no longer complete (trainings.completion outlook)

    @property
    def trainees_figure(self) -> Figure:
        return Figure(self.counts.trainees, self.target)


@dataclass
class BreakdownRow:
    """One region, target group or site with its figures."""

    key: str
    label: str
    counts: PeopleCounts = field(default_factory=PeopleCounts)
    info_days: int = 0  # not cancelled
    info_days_held: int = 0
    trainings: int = 0  # not cancelled
    trainings_held: int = 0
    band_min: int | None = None  # info-day attendee band for this slice (regions)
    band_max: int | None = None
    trainee_target: int | None = None  # training sites
    object: object | None = None

    @property
    def attended_figure(self) -> Figure:
        return Figure(self.counts.info_day_attended, self.band_min, self.band_max)

    @property
    def registered_figure(self) -> Figure:
        return Figure(self.counts.info_day_registered, self.band_min, self.band_max)

    @property
    def trainees_figure(self) -> Figure:
        return Figure(self.counts.trainees, self.trainee_target)


@dataclass
class RegionGroupCell:
    region: Region
    counts: dict[str, PeopleCounts]


@dataclass
class ProgrammeIndicators:
    programme: Programme
    as_of: datetime.datetime
    info_days_held: Figure
    info_day_registered: Figure
    info_day_attended: Figure
    trainings_held: Figure
    trainees: Figure
    completions: Figure
    training_hours: Figure
    totals: PeopleCounts
    info_days: list[InfoDayRow]
    courses: list[CourseRow]
    by_region: list[BreakdownRow]
    by_target_group: list[BreakdownRow]
    by_training_site: list[BreakdownRow]
    region_by_group: list[RegionGroupCell]

    @property
    def completion_rate(self) -> int:
        """Completions as a percentage of trainees."""
        if not self.trainees.value:
            return 0
        return round(self.completions.value * 100 / self.trainees.value)


def _info_day_held(info_day: InfoDay, today: datetime.date) -> bool:
    if info_day.status == EventStatus.CANCELLED:
        return False
    return info_day.status == EventStatus.HELD or info_day.date < today


def _course_held(course, programme: Programme, now: datetime.datetime) -> bool:
    if course.status == EventStatus.CANCELLED:
        return False
    if course.status == EventStatus.HELD:
        return True
    return (
        course.sessions_planned >= planned_sessions(programme)
        and course.last_session_end is not None
        and course.last_session_end <= now
    )


def _courses_with_sessions(programme: Programme, now):
    return (
        Course.objects.filter(site__programme=programme)
        .annotate(
            sessions_planned=Count("sessions"),
            sessions_started=Count("sessions", filter=Q(sessions__starts_at__lte=now)),
            last_session_end=Max("sessions__ends_at"),
            next_session_at=Min("sessions__starts_at", filter=Q(sessions__starts_at__gt=now)),
            # For the plan (plan.selectors): when the course starts, how many sessions are over.
            first_session_at=Min("sessions__starts_at"),
            sessions_ended=Count("sessions", filter=Q(sessions__ends_at__lte=now)),
        )
        .order_by("site__library__settlement", "title")
    )


def _registration_figures(programme: Programme, info_day_ids, course_ids):
    """The counted registrations summed per event, target group and status: rows of
    ``(info_day_id, course_id, target_group, status, registrations, attended_sessions, completed,
    cannot_complete, info_day_attended, info_day_recorded)``.

    On PostgreSQL, from the figures the database keeps per registration
    (``participants.RegistrationFigures``, menet_portal.counters.REGISTRATION_FIGURES): one
    indexed read of the programme's ~3,000 narrow rows, grouped by event, target group, status
    and attendance counts in the statement, and the completion rule applied once per group
    (``trainings.completion.completion_outlook``). Joining the registrations to their people
    and attendance instead was 17 ms of SQL of every dashboard (docs/performance.md).
    Elsewhere (the SQLite demo), ``_registration_figures_joined`` counts the tables."""
    from menet_portal import counters

    if not counters.kept_in_database(RegistrationFigures.objects.db):
        return _registration_figures_joined(programme, info_day_ids, course_ids)
    if not info_day_ids and not course_ids:
        return []
    table = RegistrationFigures._meta.db_table
    with connections[RegistrationFigures.objects.db].cursor() as cursor:
        cursor.execute(
            "SELECT info_day_id, course_id, target_group, status, eligible_for_certificate, attended_sessions,"
            " late_sessions, missed_sessions, COUNT(*), CAST(SUM(info_day_attended) AS bigint),"
            " CAST(SUM(info_day_recorded) AS bigint) FROM ("
            # Two branches, each one index scan (an OR of the two made PostgreSQL re-check both
            # arrays on 13,000 heap rows: 16 ms against 4).
            f" SELECT * FROM {table} WHERE info_day_id = ANY(%s)"
            f" UNION ALL SELECT * FROM {table} WHERE course_id = ANY(%s) AND status IN (%s, %s)"
            ") figures GROUP BY 1, 2, 3, 4, 5, 6, 7, 8",
            (list(info_day_ids), list(course_ids), RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
        )
        groups = cursor.fetchall()
    sums: dict[tuple, list[int]] = {}
    for info_day_id, course_id, group, status, eligible, attended, late, missed, n, day_attended, day_recorded in groups:
        completed, can_still_complete = completion_outlook(
            attended=attended, late=late, missed=missed, eligible=eligible, programme=programme,
        )
        row = sums.setdefault((info_day_id, course_id, group, status), [0, 0, 0, 0, 0, 0])
        row[0] += n
        row[1] += attended * n
        row[2] += n if completed else 0
        row[3] += 0 if can_still_complete else n
        row[4] += day_attended
        row[5] += day_recorded
    return [(*key, *row) for key, row in sums.items()]


def _registration_figures_joined(programme: Programme, info_day_ids, course_ids):
    """``_registration_figures`` from the tables themselves: rows of
    ``(info_day_id, course_id, target_group, status, registrations, attended_sessions, completed,
    cannot_complete, info_day_attended, info_day_recorded)``.

    Counted are every registration of the info days (info-day attendance counts whatever the
    registration's status) and the confirmed or waitlisted ones of the courses, each with the
    completion outlook of ``trainings.completion`` (the one place of that rule).

    One statement for what were four (registrations, attendance, completions, completion at
    risk): each scanned the programme's registrations and, by hash join, all attendance and all
    participants again (docs/performance.md). The ORM builds the per-registration query; the sum
    per event is a plain GROUP BY around it, so ~600 rows reach Python instead of ~3,000.

    The attendance it joins is the programme's (``programme_attendance``): the rows of the
    programme's course sessions, through the session index, and the info-day rows (``session``
    NULL, a partial index). Joined to the whole table, PostgreSQL hashed the programme's 3,000
    registrations and seq-scanned all 100,000 attendance rows to find their ~5,000. A course
    registration's attendance is of its own course's sessions (``Attendance.clean``), so the
    figures are the same; a row recorded against another programme's session does not count.
    """
    registrations = Registration.objects.filter(
        Q(info_day_id__in=info_day_ids)
        | Q(course_id__in=course_ids, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED])
    )
    info_day_attendance = Q(attendances__session__isnull=True)
    # The only multi-valued join is the attendance (one join, shared by every count below), so
    # plain counts are the distinct ones without a sort per registration and count.
    per_registration = (
        annotate_completion_outlook(registrations, programme, distinct=False)
        .annotate(
            # A look-up by primary key per registration: joined instead, PostgreSQL hashes all
            # 100,000 participants for the programme's 3,000 registrations.
            target_group=Subquery(
                Participant.objects.filter(pk=OuterRef("participant_id")).order_by().values("target_group")
            ),
            info_day_attended=Count("attendances", filter=info_day_attendance & Q(attendances__status__in=ATTENDED)),
            info_day_recorded=Count("attendances", filter=info_day_attendance),
        )
        .values_list(
            "info_day_id", "course_id", "target_group", "status", "attended_sessions", "completed",
            "can_still_complete", "info_day_attended", "info_day_recorded",
        )
        .order_by()
    )
    columns = ("id", "registration_id", "session_id", "status")
    programme_attendance = (
        Attendance.objects.filter(session__course__site__programme=programme).order_by().values_list(*columns)
        .union(Attendance.objects.filter(session__isnull=True).order_by().values_list(*columns), all=True)
    )
    try:
        sql, params = per_registration.query.sql_with_params()
    except EmptyResultSet:  # a programme without events yet
        return []
    # The ORM's join of the whole table becomes a join of the CTE under the table's name (the
    # column references stay as they are).
    connection = connections[per_registration.db]
    table = connection.ops.quote_name(Attendance._meta.db_table)
    attendance_join = f"LEFT OUTER JOIN {table} ON"
    if sql.count(attendance_join) != 1 or sql.count(table) != sql.count(f"{table}.") + 1:
        raise RuntimeError("the per-registration query no longer joins the attendance exactly once")
    sql = sql.replace(attendance_join, f"LEFT OUTER JOIN programme_attendance {table} ON")
    attendance_sql, attendance_params = programme_attendance.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH programme_attendance ({', '.join(columns)}) AS ({attendance_sql})"
            " SELECT info_day_id, course_id, target_group, status, COUNT(*), CAST(SUM(attended_sessions) AS bigint),"
            " CAST(SUM(CASE WHEN completed THEN 1 ELSE 0 END) AS bigint),"
            " CAST(SUM(CASE WHEN can_still_complete THEN 0 ELSE 1 END) AS bigint),"
            " CAST(SUM(info_day_attended) AS bigint), CAST(SUM(info_day_recorded) AS bigint)"
            f" FROM ({sql}) per_registration GROUP BY info_day_id, course_id, target_group, status",
            (*attendance_params, *params),
        )
        # PostgreSQL's SUM of a count is a numeric: cast in the statement, the figures arrive as
        # ints (667 rows x 5 Decimals parsed, then converted in Python, were ~1 ms).
        return cursor.fetchall()


def programme_indicators(programme: Programme, *, now: datetime.datetime | None = None) -> ProgrammeIndicators:
    """Every figure of the dashboard for ``programme``, in five queries (four of them the events)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    hours_per_session = Decimal(programme.session_hours)
    groups = [g.value for g in TargetGroup]

    regions = list(Region.objects.order_by("position", "pk"))
    regions_by_id = {region.pk: region for region in regions}
    # The events' and sites' regions are these objects (seven), not a select_related copy per
    # row: 86 sites and 7 info days made 93 Region objects more (≈ 0.5 ms).
    info_days = list(
        InfoDay.objects.filter(programme=programme).select_related("library__county").order_by("date", "pk")
    )
    for day in info_days:
        day.region = regions_by_id[day.region_id]
    sites = list(
        TrainingSite.objects.filter(programme=programme)
        .select_related("library__county")
        .order_by("library__settlement", "pk")
    )
    for site in sites:
        county = site.library.county
        county.region = regions_by_id[county.region_id]
    courses = list(_courses_with_sessions(programme, now))
    sites_by_id = {site.pk: site for site in sites}
    for course in courses:
        # The programme's site objects above (with library, county, region) instead of a copy of
        # all four per course: 193 courses made 772 model objects more per dashboard.
        course.site = sites_by_id[course.site_id]
    info_day_ids = [d.pk for d in info_days]
    course_ids = [c.pk for c in courses]

    # cells[("i"|"c", event id)][target group] -> PeopleCounts
    cells: dict[tuple[str, int], dict[str, PeopleCounts]] = defaultdict(lambda: {g: PeopleCounts() for g in groups})
    attendance_rows: dict[int, int] = defaultdict(int)

    cannot_complete: dict[int, int] = defaultdict(int)
    for (info_day_id, course_id, group, status, n, attended_sessions, completed, cannot,
         info_day_attended, info_day_recorded) in _registration_figures(programme, info_day_ids, course_ids):
        if info_day_id:
            cell = cells[("i", info_day_id)][group]
            if status == RegistrationStatus.CONFIRMED:
                cell.info_day_registered += n
            elif status == RegistrationStatus.WAITLISTED:
                cell.info_day_waitlisted += n
            cell.info_day_attended += info_day_attended
            attendance_rows[info_day_id] += info_day_recorded
        else:
            cell = cells[("c", course_id)][group]
            if status != RegistrationStatus.CONFIRMED:
                cell.trainees_waitlisted += n  # the course branch holds confirmed and waitlisted only
                continue
            cell.trainees += n
            if attended_sessions:
                cell.attended_sessions += attended_sessions
                cell.training_hours += attended_sessions * hours_per_session
            cell.completions += completed
            cannot_complete[course_id] += cannot

    def total(by_group):
        result = PeopleCounts()
        for counts in by_group.values():
            result.add(counts)
        return result

    info_day_rows = []
    for day in info_days:
        by_group = cells[("i", day.pk)]
        info_day_rows.append(InfoDayRow(
            info_day=day, held=_info_day_held(day, today),
            band_min=programme.info_day_min_participants, band_max=programme.info_day_max_participants,
            counts=total(by_group), by_group=by_group, attendance_rows=attendance_rows[day.pk],
        ))
    course_rows = []
    for course in courses:
        by_group = cells[("c", course.pk)]
        course_rows.append(CourseRow(
            course=course, held=_course_held(course, programme, now),
            sessions_planned=course.sessions_planned, sessions_started=course.sessions_started,
            next_session_at=course.next_session_at, target=programme.trainees_per_course,
            counts=total(by_group), by_group=by_group, cannot_complete=cannot_complete[course.pk],
        ))

    # Breakdowns: sums over the per-event rows above (a few dozen rows, never the big tables).
    region_rows = {r.pk: BreakdownRow(key=str(r.pk), label=r.name, object=r) for r in regions}
    region_group = {r.pk: {g: PeopleCounts() for g in groups} for r in regions}
    group_rows = {g: BreakdownRow(key=g, label=TargetGroup(g).label) for g in groups}
    site_rows = {
        s.pk: BreakdownRow(key=str(s.pk), label=str(s.library), object=s, trainee_target=0) for s in sites
    }
    for row in info_day_rows:
        day = row.info_day
        region = region_rows[day.region_id]
        if day.status != EventStatus.CANCELLED:
            region.info_days += 1
        region.info_days_held += row.held
        region.counts.add(row.counts)
        for g, counts in row.by_group.items():
            group_rows[g].counts.add(counts)
            region_group[day.region_id][g].add(counts)
    for row in course_rows:
        course = row.course
        region_id = course.site.library.county.region_id
        site = site_rows[course.site_id]
        for slice_ in (region_rows[region_id], site):
            if course.status != EventStatus.CANCELLED:
                slice_.trainings += 1
            slice_.trainings_held += row.held
            slice_.counts.add(row.counts)
        if course.status != EventStatus.CANCELLED:
            site.trainee_target += programme.trainees_per_course
        for g, counts in row.by_group.items():
            group_rows[g].counts.add(counts)
            region_group[region_id][g].add(counts)
    for region in region_rows.values():
        if region.info_days:
            region.band_min = region.info_days * programme.info_day_min_participants
            region.band_max = region.info_days * programme.info_day_max_participants

    totals = PeopleCounts()
    for row in group_rows.values():
        totals.add(row.counts)

    return ProgrammeIndicators(
        programme=programme,
        as_of=now,
        info_days_held=Figure(sum(r.held for r in info_day_rows), programme.info_day_target),
        info_day_registered=Figure(
            totals.info_day_registered,
            programme.info_day_participant_target_min, programme.info_day_participant_target_max,
        ),
        info_day_attended=Figure(
            totals.info_day_attended,
            programme.info_day_participant_target_min, programme.info_day_participant_target_max,
        ),
        trainings_held=Figure(sum(r.held for r in course_rows), programme.training_target),
        trainees=Figure(totals.trainees, programme.trainee_target),
        completions=Figure(totals.completions),
        training_hours=Figure(totals.training_hours, programme.trainee_target * programme.course_hours),
        totals=totals,
        info_days=info_day_rows,
        courses=course_rows,
        by_region=list(region_rows.values()),
        by_target_group=list(group_rows.values()),
        by_training_site=list(site_rows.values()),
        region_by_group=[RegionGroupCell(region=r, counts=region_group[r.pk]) for r in regions],
    )


# --- Alerts ---------------------------------------------------------------------------------


@dataclass
class Alerts:
    below_minimum: list  # InfoDayRow / CourseRow starting within ALERT_WINDOW_DAYS with too few confirmed
    attendance_missing: list  # Session / InfoDay already started without any attendance row
    completion_at_risk: list  # (CourseRow, number of trainees who can no longer complete)

    def __len__(self):
        return len(self.below_minimum) + len(self.attendance_missing) + len(self.completion_at_risk)


def programme_alerts(indicators: ProgrammeIndicators) -> Alerts:
    """What needs MKE staff's attention now; two queries on top of the indicators (the completion
    outlook comes with them: ``CourseRow.cannot_complete``)."""
    programme = indicators.programme
    now = indicators.as_of
    today = timezone.localdate(now)
    horizon = today + datetime.timedelta(days=ALERT_WINDOW_DAYS)
    active = (EventStatus.CANCELLED, EventStatus.HELD)

    below = []
    for row in indicators.info_days:
        day = row.info_day
        if day.status not in active and today <= day.date <= horizon and row.counts.info_day_registered < day.minimum:
            below.append(row)
    for row in indicators.courses:
        course = row.course
        starts = row.next_session_at if row.sessions_started == 0 else None
        if (
            course.status not in active and starts is not None
            and timezone.localdate(starts) <= horizon and row.counts.trainees < row.target
        ):
            below.append(row)

    # "Missing register" is the trainings app's rule (ended, not cancelled, no attendance row). It is
    # asked only about the events that can have ended by ``now`` (info days dated today or earlier,
    # courses with an ended session: ``sessions_ended`` of the indicators, the same ``now``), and
    # not at all when there are none (an empty ``pk__in`` runs no query).
    day_ids = [r.info_day.pk for r in indicators.info_days if r.info_day.date <= today]
    missing = list(
        info_days_missing_register(InfoDay.objects.filter(pk__in=day_ids), now).select_related("library").order_by("date")
    )
    course_ids = [
        row.course.pk for row in indicators.courses
        if row.course.status != EventStatus.CANCELLED and row.course.sessions_ended
    ]
    missing += list(
        sessions_missing_register(Session.objects.filter(course_id__in=course_ids), now)
        .select_related("course__site__library")
        .order_by("starts_at")
    )

    at_risk = [
        (row, row.cannot_complete) for row in indicators.courses
        if row.cannot_complete and row.course.status != EventStatus.CANCELLED
    ]
    return Alerts(below_minimum=below, attendance_missing=missing, completion_at_risk=at_risk)
