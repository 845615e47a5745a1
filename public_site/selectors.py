"""Read side of the public programme site: what a visitor may see, computed at request time.

Places left always come from ``participants.services.availability`` (the one capacity rule),
read from the rows on every request: no cached counter that a registration or a cancellation
could leave stale.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import EventStatus, InfoDay, Programme
from menet_portal.notifications.schedule import info_day_end, info_day_start
from participants.services import availabilities, availability
from trainings.models import Course, Session


class PublicState:
    """Whether a visitor can register for an event, in words they understand."""

    OPEN = "open"
    FULL = "full"  # open, no place left: the waiting list
    NOT_YET = "not_yet"  # planned, registration not opened yet
    CLOSED = "closed"
    UNDER_WAY = "under_way"
    HELD = "held"
    CANCELLED = "cancelled"

    LABELS = {
        OPEN: _("Jelentkezni lehet"),
        FULL: _("Betelt – várólistára lehet jelentkezni"),
        NOT_YET: _("A jelentkezés még nem nyílt meg"),
        CLOSED: _("A jelentkezés lezárult"),
        UNDER_WAY: _("Az esemény már elkezdődött"),
        HELD: _("Az esemény lezajlott"),
        CANCELLED: _("Az esemény elmarad"),
    }


@dataclass
class PublicEvent:
    """An info day or a course as the public pages show it."""

    kind: str  # "info_day" or "course"
    event: object
    library: object
    region: object
    start: datetime.datetime | None
    end: datetime.datetime | None
    capacity: int
    places_left: int
    waitlisted: int
    state: str
    sessions: list = field(default_factory=list)

    @property
    def state_label(self):
        return PublicState.LABELS[self.state]

    @property
    def accepts_registrations(self) -> bool:
        return self.state in (PublicState.OPEN, PublicState.FULL)

    @property
    def title(self):
        return str(self.event)

    @property
    def pk(self):
        return self.event.pk

    @property
    def url(self):
        name = "public:info_day" if self.kind == "info_day" else "public:course"
        return reverse(name, kwargs={"pk": self.event.pk})

    @property
    def ics_url(self):
        name = "public:info_day_ics" if self.kind == "info_day" else "public:course_ics"
        return reverse(name, kwargs={"pk": self.event.pk})


def current_programme():
    """The programme the site presents: the latest one started."""
    return Programme.objects.order_by("-start_date").first()


def _state(status, start, end, free, now) -> str:
    if status == EventStatus.CANCELLED:
        return PublicState.CANCELLED
    if status == EventStatus.HELD or (end and end <= now):
        return PublicState.HELD
    if start and start <= now:
        return PublicState.UNDER_WAY
    if status == EventStatus.PLANNED:
        return PublicState.NOT_YET
    if status == EventStatus.CLOSED:
        return PublicState.CLOSED
    return PublicState.OPEN if free > 0 else PublicState.FULL


def public_info_day(day: InfoDay, *, now=None, counts=None) -> PublicEvent:
    now = now or timezone.now()
    counts = counts or availability(day)
    start, end = info_day_start(day), info_day_end(day)
    return PublicEvent(
        kind="info_day", event=day, library=day.library, region=day.region, start=start, end=end,
        capacity=counts.capacity, places_left=counts.free, waitlisted=counts.waitlisted,
        state=_state(day.status, start, end, counts.free, now),
    )


def public_course(course: Course, *, now=None, counts=None) -> PublicEvent:
    now = now or timezone.now()
    counts = counts or availability(course)
    sessions = list(course.sessions.all())  # prefetched, ordered by number
    start = min((s.starts_at for s in sessions), default=None)
    end = max((s.ends_at for s in sessions), default=None)
    return PublicEvent(
        kind="course", event=course, library=course.site.library, region=course.site.library.county.region,
        start=start, end=end, capacity=counts.capacity, places_left=counts.free, waitlisted=counts.waitlisted,
        state=_state(course.status, start, end, counts.free, now), sessions=sessions,
    )


def _info_days(programme):
    return InfoDay.objects.filter(programme=programme).select_related("library__county__region", "region")


def _courses(programme):
    return (
        Course.objects.filter(site__programme=programme)
        .select_related("site__library__county__region", "site__programme")
        .prefetch_related(Prefetch("sessions", queryset=Session.objects.order_by("number")))
    )


def info_days(programme) -> list[PublicEvent]:
    """The programme's info days, in the regions' order."""
    if programme is None:
        return []
    now = timezone.now()
    found = list(_info_days(programme).order_by("region__position", "date"))
    counts = availabilities(found)  # every day's places in one query, by the same rule
    return [public_info_day(d, now=now, counts=counts[d]) for d in found]


def courses(programme) -> list[PublicEvent]:
    """The programme's courses, by settlement of the training institution."""
    if programme is None:
        return []
    now = timezone.now()
    found = list(_courses(programme).order_by("site__library__settlement", "title"))
    counts = availabilities(found)
    return [public_course(c, now=now, counts=counts[c]) for c in found]


def course_page(programme, *, region=None, place="", number=1, per_page=20):
    """``(page, events)``: one page of the programme's courses in ``courses``' order, narrowed to a
    region and to a settlement or library name, with only the page's courses built (their places
    by ``availabilities``, the same rule). A national programme's 193 courses on one page were
    155 KiB and ≈ 100 ms."""
    from django.core.paginator import Paginator
    from django.db.models import Q

    if programme is None:
        return Paginator([], per_page).get_page(1), []
    found = _courses(programme).order_by("site__library__settlement", "title", "pk")
    if region is not None:
        found = found.filter(site__library__county__region=region)
    for word in place.split():
        found = found.filter(Q(site__library__settlement__icontains=word) | Q(site__library__name__icontains=word))
    page = Paginator(found, per_page).get_page(number)
    rows = list(page.object_list)
    counts = availabilities(rows)
    now = timezone.now()
    return page, [public_course(c, now=now, counts=counts[c]) for c in rows]


def course_settlement_count(programme) -> int:
    """In how many settlements the programme's courses are held (the course list's lead)."""
    return (Course.objects.filter(site__programme=programme).order_by()
            .values("site__library__settlement").distinct().count())


def info_day(pk) -> PublicEvent | None:
    day = InfoDay.objects.select_related("library__county__region", "region").filter(pk=pk).first()
    return public_info_day(day) if day else None


def course(pk) -> PublicEvent | None:
    found = _courses_any().filter(pk=pk).first()
    return public_course(found) if found else None


def _courses_any():
    return Course.objects.select_related("site__library__county__region", "site__programme").prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("number"))
    )


def other_events_in_region(event: PublicEvent) -> list[PublicEvent]:
    """Events of the same region a visitor can still register for (offered when this one can't take them)."""
    region = event.region
    programme = event.event.programme
    found = [
        e for e in info_days(programme) + courses(programme)
        if e.region.pk == region.pk and e.event != event.event and e.accepts_registrations
    ]
    return found


def programme_figures(programme, days: list[PublicEvent], trainings: list[PublicEvent]) -> dict:
    open_states = (PublicState.OPEN, PublicState.FULL, PublicState.NOT_YET)
    return {
        "info_day_target": programme.info_day_target if programme else 7,
        "training_target": programme.training_target if programme else 10,
        "info_days": len(days),
        "trainings": len(trainings),
        "info_day_places_left": sum(e.places_left for e in days if e.state in open_states),
        "training_places_left": sum(e.places_left for e in trainings if e.state in open_states),
    }


def for_event(event) -> PublicEvent:
    """The public view of an InfoDay or a Course."""
    return info_day(event.pk) if isinstance(event, InfoDay) else course(event.pk)


def refresh(event: PublicEvent) -> PublicEvent:
    return for_event(event.event)
