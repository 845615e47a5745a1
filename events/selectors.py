"""Read-side queries for info days and courses: availability is computed from registration rows."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from menet_portal.db import hungarian_sort_key
from participants.models import RegistrationStatus


def with_registration_counts(queryset, prefix="registrations"):
    """Annotate info days or courses with confirmed / waitlisted counts in one aggregate query."""
    return queryset.annotate(
        confirmed_count=Count(prefix, filter=Q(**{f"{prefix}__status": RegistrationStatus.CONFIRMED})),
        waitlisted_count=Count(prefix, filter=Q(**{f"{prefix}__status": RegistrationStatus.WAITLISTED})),
    )


# --- Event overview (MKE staff) -------------------------------------------------------------



def _count(queryset):
    """A correlated COUNT(*) subquery (counts over different relations must not multiply)."""
    return Coalesce(
        Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
                 output_field=IntegerField()),
        Value(0),
    )


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


def event_overview(*, info_days, courses, now=None) -> list[EventOverviewRow]:
    """Info days and courses (already scoped and filtered querysets) with fill, waiting list,
    minimum, attendance recorded and next date: two queries, whatever the number of events."""
    from participants.models import Registration
    from trainings.models import Attendance, Session

    now = now or timezone.now()
    local = timezone.localtime(now)
    today = local.date()

    def reg_count(field, status):
        return _count(Registration.objects.filter(**{field: OuterRef("pk")}, status=status))

    days = info_days.select_related("region", "library", "programme").annotate(
        confirmed=reg_count("info_day_id", RegistrationStatus.CONFIRMED),
        waitlisted=reg_count("info_day_id", RegistrationStatus.WAITLISTED),
        attendance_rows=_count(Attendance.objects.filter(registration__info_day_id=OuterRef("pk"), session__isnull=True)),
    )
    # Attendance is due once a session has ended (the trainings app's register rule).
    started = Session.objects.filter(course_id=OuterRef("pk"), ends_at__lte=now)
    course_qs = courses.select_related("site__library__county__region", "site__programme").annotate(
        confirmed=reg_count("course_id", RegistrationStatus.CONFIRMED),
        waitlisted=reg_count("course_id", RegistrationStatus.WAITLISTED),
        sessions_started=_count(started),
        sessions_recorded=_count(started.filter(Exists(Attendance.objects.filter(session_id=OuterRef("pk"))))),
        next_session_at=Subquery(
            Session.objects.filter(course_id=OuterRef("pk"), starts_at__gt=now).order_by("starts_at").values("starts_at")[:1]
        ),
    )
    rows = [
        EventOverviewRow(
            kind="info_day", event=d, region=d.region, library=d.library, capacity=d.capacity, minimum=d.minimum,
            confirmed=d.confirmed, waitlisted=d.waitlisted, next_date=d.date if d.date >= today else None,
            attendance_done=min(d.attendance_rows, 1),
            attendance_due=1 if (d.date, d.end_time) <= (today, local.time()) else 0,
        )
        for d in days
    ]
    rows += [
        EventOverviewRow(
            kind="course", event=c, region=c.site.library.county.region, library=c.site.library,
            capacity=c.capacity, minimum=min(c.site.programme.trainees_per_course, c.capacity),
            confirmed=c.confirmed, waitlisted=c.waitlisted, next_date=c.next_session_at,
            attendance_done=c.sessions_recorded, attendance_due=c.sessions_started,
        )
        for c in course_qs
    ]
    rows.sort(key=lambda r: (r.sort_date, r.kind, r.event.pk))
    return rows


# --- Event overview, one page at a time ----------------------------------------------------------

OVERVIEW_SORTS = {
    # table column -> sort key of an _OverviewKey
    "next_date": lambda k: (k.sort_date, k.kind, k.pk),
    # Text columns in Hungarian alphabetical order, as the SQL lists sort (menet_portal/db.py).
    "title": lambda k: (hungarian_sort_key(k.settlement or ""), k.kind, k.pk),
    "region": lambda k: (hungarian_sort_key(k.region or ""), k.sort_date, k.pk),
    "status": lambda k: (k.status, k.sort_date, k.pk),
    "fill_rate": lambda k: (k.fill_rate, k.sort_date, k.pk),
    "waitlisted": lambda k: (k.waitlisted, k.sort_date, k.pk),
    "minimum_reached": lambda k: (k.confirmed, k.sort_date, k.pk),
}


@dataclass
class _OverviewKey:
    kind: str
    pk: int
    sort_date: datetime.date
    settlement: str
    region: str
    status: str
    capacity: int
    minimum: int
    confirmed: int = 0
    waitlisted: int = 0

    @property
    def fill_rate(self):
        return self.confirmed * 100 / self.capacity if self.capacity else 0

    @property
    def minimum_reached(self):
        return self.confirmed >= self.minimum


@dataclass
class EventOverviewTotals:
    events: int
    capacity: int
    confirmed: int
    waitlisted: int
    below_minimum: int


def _grouped_counts(field, ids_qs):
    from participants.models import Registration

    counts = {}
    rows = (Registration.objects.filter(**{f"{field}__in": ids_qs.values("pk")},
                                        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED])
            .order_by().values_list(field, "status").annotate(n=Count("pk")))
    for event_id, status, n in rows:
        counts.setdefault(event_id, {})[status] = n
    return counts


def event_overview_page(*, info_days, courses, sort=None, page=1, per_page=50, below_only=False, now=None):
    """One page of the overview and its totals, whatever the number of events.

    The whole (scoped, filtered) list is ordered and counted from scalar columns and grouped
    aggregates (no model instances, no per-event subqueries); only the page's events get the
    full ``event_overview`` rows. Returns (rows, page_obj, totals).
    """
    from django.core.paginator import Paginator
    from django.db.models import Min

    from trainings.models import Session

    now = now or timezone.now()
    today = timezone.localdate(now)
    keys = []
    day_counts = _grouped_counts("info_day_id", info_days)
    for pk, date, status, capacity, minimum, settlement, region in info_days.order_by().values_list(
        "pk", "date", "status", "capacity", "minimum", "library__settlement", "region__name"
    ):
        c = day_counts.get(pk, {})
        keys.append(_OverviewKey("info_day", pk, date if date >= today else datetime.date.max, settlement, region,
                                 status, capacity, minimum, c.get(RegistrationStatus.CONFIRMED, 0),
                                 c.get(RegistrationStatus.WAITLISTED, 0)))
    course_counts = _grouped_counts("course_id", courses)
    next_session = dict(
        Session.objects.filter(course_id__in=courses.values("pk"), starts_at__gt=now).order_by()
        .values_list("course_id").annotate(first=Min("starts_at"))
    )
    for pk, status, capacity, per_course, settlement, region in courses.order_by().values_list(
        "pk", "status", "capacity", "site__programme__trainees_per_course", "site__library__settlement",
        "site__library__county__region__name",
    ):
        c = course_counts.get(pk, {})
        start = next_session.get(pk)
        keys.append(_OverviewKey("course", pk, timezone.localdate(start) if start else datetime.date.max,
                                 settlement, region, status, capacity, min(per_course, capacity),
                                 c.get(RegistrationStatus.CONFIRMED, 0), c.get(RegistrationStatus.WAITLISTED, 0)))
    if below_only:
        keys = [k for k in keys if not k.minimum_reached]
    column = (sort or "next_date").lstrip("-")
    keys.sort(key=OVERVIEW_SORTS.get(column, OVERVIEW_SORTS["next_date"]), reverse=(sort or "").startswith("-"))
    totals = EventOverviewTotals(
        events=len(keys), capacity=sum(k.capacity for k in keys), confirmed=sum(k.confirmed for k in keys),
        waitlisted=sum(k.waitlisted for k in keys), below_minimum=sum(1 for k in keys if not k.minimum_reached),
    )
    page_obj = Paginator(keys, per_page).get_page(page)
    wanted = {(k.kind, k.pk): n for n, k in enumerate(page_obj.object_list)}
    day_ids = [pk for kind, pk in wanted if kind == "info_day"]
    course_ids = [pk for kind, pk in wanted if kind == "course"]
    rows = event_overview(info_days=info_days.filter(pk__in=day_ids), courses=courses.filter(pk__in=course_ids),
                          now=now)
    rows.sort(key=lambda r: wanted[(r.kind, r.event.pk)])
    return rows, page_obj, totals
