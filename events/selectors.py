"""Read-side queries for info days and courses: availability is computed from registration rows."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django.db import connection

from menet_portal import counters
from menet_portal.db import HUNGARIAN_COLLATION, count_of
from participants.models import RegistrationStatus


def with_registration_counts(queryset, prefix="registrations"):
    """Annotate info days or courses with confirmed / waitlisted counts in one aggregate query."""
    return queryset.annotate(
        confirmed_count=Count(prefix, filter=Q(**{f"{prefix}__status": RegistrationStatus.CONFIRMED})),
        waitlisted_count=Count(prefix, filter=Q(**{f"{prefix}__status": RegistrationStatus.WAITLISTED})),
    )


# --- Event overview (MKE staff) -------------------------------------------------------------



@dataclass
class EventOverviewRow:
    kind: str  # "info_day" or "course"
    event: object
    region: object
    library: object
    capacity: int
    minimum: int
    confirmed: int
    waitlisted: int
    next_date: datetime.date | datetime.datetime | None
    attendance_done: int  # info day: 1 if any attendance row; course: ended sessions with attendance
    attendance_due: int  # info day: 1 once it has ended; course: sessions ended

    @property
    def kind_label(self):
        return _("információs nap") if self.kind == "info_day" else _("képzés")

    @property
    def fill_rate(self) -> int:
        return round(self.confirmed * 100 / self.capacity) if self.capacity else 0

    @property
    def minimum_reached(self) -> bool:
        return self.confirmed >= self.minimum

    @property
    def attendance_complete(self) -> bool | None:
        """None when nothing is due yet."""
        if not self.attendance_due:
            return None
        return self.attendance_done >= self.attendance_due

    @property
    def sort_date(self):
        d = self.next_date
        if d is None:
            return datetime.date.max
        return timezone.localdate(d) if isinstance(d, datetime.datetime) else d


def event_overview(*, info_days, courses, now=None, counts=None) -> list[EventOverviewRow]:
    """Info days and courses (already scoped and filtered querysets) with fill, waiting list,
    minimum, attendance recorded and next date: two queries, whatever the number of events.
    ``counts`` ({(kind, pk): (confirmed, waitlisted)}), when the caller has them already, saves
    the two count subqueries per row."""
    from participants.models import Registration
    from trainings.models import Attendance, Session

    now = now or timezone.now()
    local = timezone.localtime(now)
    today = local.date()

    def reg_counts(kind, field):
        if counts is not None:
            return {}
        return {
            "confirmed": count_of(Registration.objects.filter(**{field: OuterRef("pk")}, status=RegistrationStatus.CONFIRMED)),
            "waitlisted": count_of(Registration.objects.filter(**{field: OuterRef("pk")}, status=RegistrationStatus.WAITLISTED)),
        }

    def known(kind, event):
        if counts is None:
            return event.confirmed, event.waitlisted
        return counts.get((kind, event.pk), (0, 0))

    # Only the columns the rows use (the events' descriptions, the programme's and the libraries'
    # other columns are not shown): fewer values to convert and model fields to set per row.
    days = info_days.select_related(None).select_related("region", "library").only(
        "title", "status", "capacity", "minimum", "date", "end_time", "region__name", "library__name",
        "library__settlement",
    ).annotate(
        **reg_counts("info_day", "info_day_id"),
        attendance_rows=count_of(Attendance.objects.filter(registration__info_day_id=OuterRef("pk"), session__isnull=True)),
    )
    # Attendance is due once a session has ended (the trainings app's register rule).
    started = Session.objects.filter(course_id=OuterRef("pk"), ends_at__lte=now)
    course_qs = courses.select_related(None).select_related("site__library__county__region", "site__programme").only(
        "title", "status", "capacity", "site__library__name", "site__library__settlement",
        "site__library__county__region__name", "site__programme__trainees_per_course",
    ).annotate(
        **reg_counts("course", "course_id"),
        sessions_started=count_of(started),
        sessions_recorded=count_of(started.filter(Exists(Attendance.objects.filter(session_id=OuterRef("pk"))))),
        next_session_at=Subquery(
            Session.objects.filter(course_id=OuterRef("pk"), starts_at__gt=now).order_by("starts_at").values("starts_at")[:1]
        ),
    )
    rows = []
    for d in days:
        confirmed, waitlisted = known("info_day", d)
        rows.append(EventOverviewRow(
            kind="info_day", event=d, region=d.region, library=d.library, capacity=d.capacity, minimum=d.minimum,
            confirmed=confirmed, waitlisted=waitlisted, next_date=d.date if d.date >= today else None,
            attendance_done=min(d.attendance_rows, 1),
            attendance_due=1 if (d.date, d.end_time) <= (today, local.time()) else 0,
        ))
    for c in course_qs:
        confirmed, waitlisted = known("course", c)
        rows.append(EventOverviewRow(
            kind="course", event=c, region=c.site.library.county.region, library=c.site.library,
            capacity=c.capacity, minimum=min(c.site.programme.trainees_per_course, c.capacity),
            confirmed=confirmed, waitlisted=waitlisted, next_date=c.next_session_at,
            attendance_done=c.sessions_recorded, attendance_due=c.sessions_started,
        ))
    rows.sort(key=lambda r: (r.sort_date, r.kind, r.event.pk))
    return rows


# --- Event overview, one page at a time ----------------------------------------------------------

# ORDER BY of each sortable column (ascending; descending reverses every term but the last). The
# terms are those of the list's earlier Python sort keys: ``kind_rank`` orders "course" before
# "info_day" as their names did, ``insertion`` keeps info days before courses on a tie, as the
# stable sort of the info days + courses list did in both directions.
OVERVIEW_ORDER = {
    "next_date": ["sort_date", "kind_rank", "pk"],
    # Text columns in Hungarian alphabetical order, as the other lists sort (menet_portal/db.py).
    "title": [f'settlement COLLATE "{HUNGARIAN_COLLATION}"', "kind_rank", "pk"],
    "region": [f'region COLLATE "{HUNGARIAN_COLLATION}"', "sort_date", "pk"],
    "status": ['status COLLATE "C"', "sort_date", "pk"],
    "fill_rate": ["fill_rate", "sort_date", "pk"],
    "waitlisted": ["waitlisted", "sort_date", "pk"],
    "minimum_reached": ["confirmed", "sort_date", "pk"],
}


@dataclass
class EventOverviewTotals:
    events: int
    capacity: int
    confirmed: int
    waitlisted: int
    below_minimum: int


def _ids_sql(queryset):
    """``(sql, params)`` of the pks of a scoped, filtered queryset, for ``IN (…)``."""
    if queryset.query.is_empty():
        return "SELECT NULL::bigint WHERE FALSE", ()
    return queryset.order_by().values("pk").query.sql_with_params()


def _order_by(sort):
    column = (sort or "next_date").lstrip("-")
    terms = OVERVIEW_ORDER.get(column, OVERVIEW_ORDER["next_date"])
    if (sort or "").startswith("-"):
        terms = [f"{t} DESC NULLS FIRST" if t == "sort_date" else f"{t} DESC" for t in terms]
    else:
        terms = [f"{t} ASC NULLS LAST" if t == "sort_date" else f"{t} ASC" for t in terms]
    return ", ".join([*terms, "insertion ASC"])


def _overview_keys_sql(info_days, courses, *, now, below_only, sort):
    """One statement for every (scoped, filtered) event's sort key and counts: ordered, filtered
    and totalled in PostgreSQL (window aggregates over the whole list), one page returned."""
    from events.models import County, InfoDay, Library, Programme, Region
    from participants.models import Registration
    from trainings.models import Course, Session, TrainingSite

    t = {model: connection.ops.quote_name(model._meta.db_table) for model in (
        InfoDay, Library, Region, County, Course, TrainingSite, Programme, Registration, Session)}
    days_sql, days_params = _ids_sql(info_days)
    courses_sql, courses_params = _ids_sql(courses)
    confirmed, waitlisted = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED

    # The registrations counted per event and status: on PostgreSQL the database keeps them
    # (menet_portal.counters.REGISTRATIONS, a few thousand delta rows instead of the 135,000
    # registrations: 13 ms of the page); elsewhere straight from the partial index
    # registration_*_active (grouped in index order, no hash).
    kept = counters.kept_in_database()

    def counts(column):
        # The join to the listed events below keeps only theirs.
        if kept:  # one level: the deltas are summed per event and status at once
            return (f"SELECT {column} AS event_id, SUM(n) FILTER (WHERE status = %s)::bigint AS confirmed, "
                    f"SUM(n) FILTER (WHERE status = %s)::bigint AS waitlisted "
                    f"FROM {counters.REGISTRATIONS.delta_table} WHERE {column} IS NOT NULL AND status IN (%s, %s) "
                    f"GROUP BY 1")
        return (f"SELECT event_id, SUM(n) FILTER (WHERE status = %s) AS confirmed, "
                f"SUM(n) FILTER (WHERE status = %s) AS waitlisted FROM (SELECT {column} AS event_id, status, "
                f"COUNT(*) AS n FROM {t[Registration]} WHERE {column} IS NOT NULL AND status IN (%s, %s) "
                f"GROUP BY 1, 2) g GROUP BY 1")

    # The settlement and region names are only sort keys: the other orders need not join the
    # libraries, counties and regions (every foreign key on the way is NOT NULL: same rows).
    order_by = _order_by(sort)
    if "settlement" in order_by or "region" in order_by:
        day_names, course_names = "l.settlement AS settlement, r.name AS region,", "l.settlement, r.name,"
        day_joins = f"JOIN {t[Library]} l ON l.id = d.library_id JOIN {t[Region]} r ON r.id = d.region_id"
        course_joins = (f"JOIN {t[Library]} l ON l.id = ts.library_id JOIN {t[County]} cy ON cy.id = l.county_id "
                        f"JOIN {t[Region]} r ON r.id = cy.region_id")
    else:
        day_names, course_names, day_joins, course_joins = "", "", "", ""
    sql = f"""
    WITH keys AS (
      SELECT 1 AS kind_rank, 0 AS insertion, d.id AS pk,
             CASE WHEN d.date >= %s THEN d.date END AS sort_date,
             {day_names} d.status AS status, d.capacity AS capacity,
             d.minimum AS minimum, COALESCE(c.confirmed, 0) AS confirmed, COALESCE(c.waitlisted, 0) AS waitlisted
      FROM {t[InfoDay]} d
      {day_joins}
      LEFT JOIN ({counts("info_day_id")}) c ON c.event_id = d.id
      WHERE d.id IN ({days_sql})
      UNION ALL
      SELECT 0, 1, co.id, s.first_date,
             {course_names} co.status, co.capacity, LEAST(p.trainees_per_course, co.capacity),
             COALESCE(c.confirmed, 0), COALESCE(c.waitlisted, 0)
      FROM {t[Course]} co
      JOIN {t[TrainingSite]} ts ON ts.id = co.site_id
      JOIN {t[Programme]} p ON p.id = ts.programme_id
      {course_joins}
      LEFT JOIN ({counts("course_id")}) c ON c.event_id = co.id
      LEFT JOIN (SELECT course_id, (MIN(starts_at) AT TIME ZONE %s)::date AS first_date FROM {t[Session]}
                 WHERE starts_at > %s GROUP BY course_id) s ON s.course_id = co.id
      WHERE co.id IN ({courses_sql})
    )
    SELECT kind_rank, pk, confirmed::bigint, waitlisted::bigint, COUNT(*) OVER (), SUM(capacity) OVER ()::bigint, SUM(confirmed) OVER ()::bigint,
           SUM(waitlisted) OVER ()::bigint, (COUNT(*) FILTER (WHERE confirmed < minimum) OVER ())::bigint
    FROM (SELECT *, CASE WHEN capacity > 0 THEN confirmed * 100.0::float8 / capacity ELSE 0 END AS fill_rate
          FROM keys) k
    WHERE %s OR confirmed < minimum
    ORDER BY {order_by}
    LIMIT %s OFFSET %s"""
    tz = timezone.get_current_timezone_name()
    params = [timezone.localdate(now), confirmed, waitlisted, confirmed, waitlisted, *days_params,
              confirmed, waitlisted, confirmed, waitlisted, tz, now, *courses_params, not below_only]
    return sql, params


class _CountedPage:
    """The page's keys standing in for the whole list, for django.core.paginator."""

    def __init__(self, total, offset, keys):
        self.total, self.offset, self.keys = total, offset, keys

    def __len__(self):
        return self.total

    def __getitem__(self, window):
        assert window.start == self.offset, "only the page that was fetched"
        return self.keys


def event_overview_page(*, info_days, courses, sort=None, page=1, per_page=50, below_only=False, now=None):
    """One page of the overview and its totals, whatever the number of events.

    One statement orders, filters (``below_only``), counts and totals the whole (scoped,
    filtered) list in PostgreSQL from scalar columns and grouped registration counts and returns
    only the page's keys; only the page's events get the full ``event_overview`` rows.
    Returns (rows, page_obj, totals).
    """
    from django.core.paginator import InvalidPage, Paginator

    now = now or timezone.now()
    if connection.vendor != "postgresql":
        return _event_overview_page_in_python(info_days=info_days, courses=courses, sort=sort, page=page,
                                              per_page=per_page, below_only=below_only, now=now)
    sql, params = _overview_keys_sql(info_days, courses, now=now, below_only=below_only, sort=sort)
    try:
        number = max(int(page or 1), 1)
    except (TypeError, ValueError):
        number = 1
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, per_page, (number - 1) * per_page])
        found = cursor.fetchall()
        if not found and number > 1:  # past the last page: show the last one (Paginator.get_page)
            cursor.execute(sql, [*params, 1, 0])
            first = cursor.fetchall()
            number = max(-(-first[0][4] // per_page), 1) if first else 1
            cursor.execute(sql, [*params, per_page, (number - 1) * per_page])
            found = cursor.fetchall()
    totals = EventOverviewTotals(*(found[0][4:] if found else (0, 0, 0, 0, 0)))
    keys = [("info_day" if kind_rank == 1 else "course", pk) for kind_rank, pk, *_ in found]
    counts = {key: (row[2], row[3]) for key, row in zip(keys, found)}
    paginator = Paginator(_CountedPage(totals.events, (number - 1) * per_page, keys), per_page)
    try:
        page_obj = paginator.page(number)
    except InvalidPage:
        page_obj = paginator.page(1)
    wanted = {key: n for n, key in enumerate(keys)}
    day_ids = [pk for kind, pk in keys if kind == "info_day"]
    course_ids = [pk for kind, pk in keys if kind == "course"]
    rows = event_overview(info_days=info_days.filter(pk__in=day_ids), courses=courses.filter(pk__in=course_ids),
                          now=now, counts=counts) if keys else []
    rows.sort(key=lambda r: wanted[(r.kind, r.event.pk)])
    return rows, page_obj, totals


def _event_overview_page_in_python(*, info_days, courses, sort, page, per_page, below_only, now):
    """``event_overview_page`` on a database without PostgreSQL's SQL (the SQLite demo, a few
    dozen events): every row built, then ordered, filtered and totalled here in the same order
    as ``OVERVIEW_ORDER`` (Hungarian order for the text columns)."""
    from django.core.paginator import Paginator

    from menet_portal.db import hungarian_sort_key

    rows = event_overview(info_days=info_days, courses=courses, now=now)
    if below_only:  # the totals are of the listed events, as the statement's window aggregates
        rows = [r for r in rows if r.confirmed < r.minimum]
    totals = EventOverviewTotals(
        events=len(rows), capacity=sum(r.capacity for r in rows), confirmed=sum(r.confirmed for r in rows),
        waitlisted=sum(r.waitlisted for r in rows), below_minimum=sum(r.confirmed < r.minimum for r in rows))
    column = (sort or "next_date").lstrip("-")
    kind_rank = {"info_day": 1, "course": 0}

    def key(r):
        date_key = r.sort_date
        tail = {
            "next_date": (date_key, kind_rank[r.kind], r.event.pk),
            "title": (hungarian_sort_key(r.library.settlement), kind_rank[r.kind], r.event.pk),
            "region": (hungarian_sort_key(r.region.name), date_key, r.event.pk),
            "status": (r.event.status, date_key, r.event.pk),
            "fill_rate": (r.confirmed / r.capacity if r.capacity else 0, date_key, r.event.pk),
            "waitlisted": (r.waitlisted, date_key, r.event.pk),
            "minimum_reached": (r.confirmed, date_key, r.event.pk),
        }
        return tail.get(column, tail["next_date"])

    rows.sort(key=lambda r: 0 if r.kind == "info_day" else 1)  # the last tie-break: info days first
    rows.sort(key=key, reverse=(sort or "").startswith("-"))  # stable, also reversed
    page_obj = Paginator(rows, per_page).get_page(page)
    return list(page_obj.object_list), page_obj, totals
