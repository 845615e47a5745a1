"""Read-side queries for info days and courses: availability is computed from registration rows."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
