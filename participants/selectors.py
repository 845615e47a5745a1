"""Read-side queries of the coordinator workspace. Every one starts from menet_portal.scope."""

import datetime
import functools

from django.db.models import F, Min, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils import translation
from django.utils.translation import gettext as _

from events.models import EventStatus
from events.selectors import with_registration_counts
from menet_portal.db import HungarianCollate, hungarian_name_order
from menet_portal.scope import courses_for, info_days_for, participants_for, person_registrations_for, registrations_for
from trainings.models import Session

# An info day below its minimum this close to its date is flagged on the coordinator's home.
MINIMUM_WARNING_DAYS = 14
CLOSED_STATUSES = (EventStatus.CANCELLED, EventStatus.HELD)
# Registration closed too: the coordinator cannot register people for these (walk-ins are recorded on the register).
NOT_REGISTRABLE = (*CLOSED_STATUSES, EventStatus.CLOSED)


def upcoming_info_days(user, *, today=None):
    """The user's info days from today on, with confirmed / waitlisted counts and a
    ``below_minimum_soon`` flag (fewer confirmed than the minimum within 14 days of the date)."""
    today = today or timezone.localdate()
    days = list(
        with_registration_counts(info_days_for(user).filter(date__gte=today).exclude(status=EventStatus.CANCELLED))
        .order_by("date", "start_time")
    )
    horizon = today + datetime.timedelta(days=MINIMUM_WARNING_DAYS)
    for day in days:
        day.days_left = (day.date - today).days
        day.below_minimum_soon = day.date <= horizon and day.confirmed_count < day.minimum
    return days


def upcoming_courses(user):
    """The user's courses not yet held or cancelled, with counts and the first session's start."""
    first_session = Session.objects.filter(course=OuterRef("pk")).order_by().values("course")
    first_session = first_session.annotate(first=Min("starts_at")).values("first")
    return (
        with_registration_counts(courses_for(user).exclude(status__in=CLOSED_STATUSES))
        .annotate(first_session_at=Subquery(first_session))
        .order_by("first_session_at", "title")
    )


def _date(value):
    return _date_in(value, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _date_in(value, language):
    """A date's ``DATE_FORMAT`` text in ``language`` (the event labels repeat a few hundred
    dates: one ``date_format`` each was ≈ 0.1 ms per option of every list's selects)."""
    return formats.date_format(value, "DATE_FORMAT")


def event_choices(user):
    """Grouped choices ``info_day:<id>`` / ``course:<id>`` of the events the user may register people for."""
    days = _labelled_info_days(user).exclude(status__in=NOT_REGISTRABLE).order_by("date")
    # The label's columns only: no course, site and library objects for each choice.
    courses = courses_for(user).exclude(status__in=NOT_REGISTRABLE).order_by("title").values_list(
        "pk", "title", "site__library__settlement")
    return [
        (_("Információs napok"), [(f"info_day:{d.pk}", f"{_date(d.date)} – {d}") for d in days]),
        (_("Képzések"), [(f"course:{pk}", f"{title} ({town})") for pk, title, town in courses]),
    ]


EVENT_SEARCH_LIMIT = 30


def _labelled_info_days(user):
    """The user's info days with only the columns of their labels (``info_day_label``, the
    choices): the selects of the workspace pages read these on every request."""
    return info_days_for(user).select_related(None).select_related("region", "library").only(
        "pk", "date", "title", "region_id", "region__name", "library_id", "library__settlement")


def _labelled_courses(user):
    """The user's courses with only the columns of their labels (``course_label``, the choices)."""
    return courses_for(user).only("pk", "title", "site_id", "site__library_id", "site__library__settlement",
                                  "site__programme_id", "site__programme__start_date")


def _registrable(user, query=""):
    query = " ".join((query or "").split())
    # Only the columns of the labels: the full rows (descriptions, programmes) were 62 model
    # instances of unused columns on every registration list.
    days = _labelled_info_days(user).exclude(status__in=NOT_REGISTRABLE)
    courses = _labelled_courses(user).exclude(status__in=NOT_REGISTRABLE)
    if query:
        days = days.filter(Q(title__icontains=query) | Q(library__settlement__icontains=query))
        courses = courses.filter(Q(title__icontains=query) | Q(site__library__settlement__icontains=query))
    return days.order_by("date", "pk"), courses.order_by("title", "pk")


def registrable_event_choices(user, query: str = "", *, limit: int = EVENT_SEARCH_LIMIT):
    """``(choices, more)``: the first ``limit`` info days and courses the user may register people
    for (``event_choices``' values, labels and groups) whose title or town contains ``query``, and
    whether there are more. The registration list's bulk-move target shows these, not all 2,000
    events; its search (typed text, or ``event_search?kind=target`` from the script) finds the rest."""
    days, courses = _registrable(user, query)
    days = list(days[:limit + 1])
    courses = list(courses.values_list("pk", "title", "site__library__settlement")[:limit + 1])
    more = len(days) > limit or len(courses) > limit
    return [
        (_("Információs napok"), [(f"info_day:{d.pk}", f"{_date(d.date)} – {d}") for d in days[:limit]]),
        (_("Képzések"), [(f"course:{pk}", f"{title} ({town})") for pk, title, town in courses[:limit]]),
    ], more


def info_day_label(day) -> str:
    return f"{_date(day.date)} – {day}"


def course_label(course) -> str:
    return _course_text(course.title, course.site.library.settlement, course.site.programme.start_date)


def _course_text(title, town, programme_start) -> str:
    return f"{title} ({town}, {programme_start.year})"


def search_events(user, kind: str, query: str = "", *, limit: int = EVENT_SEARCH_LIMIT):
    """Up to ``limit`` ``(pk, label)`` of the user's info days or courses (``kind``) whose title
    or town contains ``query``, the newest first. Starts from the scope queryset, so another
    library's event is never found (the filter selects and their autocomplete both use this)."""
    query = " ".join((query or "").split())
    if kind == "info_day":
        events = _labelled_info_days(user)
        if query:
            events = events.filter(Q(title__icontains=query) | Q(library__settlement__icontains=query))
        return [(d.pk, info_day_label(d)) for d in events.order_by("-date", "-pk")[:limit]]
    if kind == "course":
        events = _labelled_courses(user)
        if query:
            events = events.filter(Q(title__icontains=query) | Q(site__library__settlement__icontains=query))
        # The label's columns only (course_label's text): no course, site, programme, library objects.
        hits = events.order_by("-site__programme__start_date", "title", "pk").values_list(
            "pk", "title", "site__library__settlement", "site__programme__start_date")[:limit]
        return [(pk, _course_text(title, town, start)) for pk, title, town, start in hits]
    raise ValueError(kind)


def event_value(event) -> str:
    return f"{event.kind}:{event.pk}"


def resolve_event(user, value: str):
    """The event a choice value names, from the user's scope; anything else is a 404."""
    kind, _sep, pk = (value or "").partition(":")
    if not pk.isdigit():
        raise Http404
    if kind == "info_day":
        return get_object_or_404(info_days_for(user), pk=pk)
    if kind == "course":
        return get_object_or_404(courses_for(user), pk=pk)
    raise Http404


def registrable_event(user, value: str):
    """The event a submitted choice value names if it is one of ``event_choices(user)`` (in the
    user's scope and open for registration), else None: one look-up instead of every choice."""
    kind, _sep, pk = (value or "").partition(":")
    if not pk.isdigit():
        return None
    scoped = {"info_day": info_days_for, "course": courses_for}.get(kind)
    if scoped is None:
        return None
    return scoped(user).exclude(status__in=NOT_REGISTRABLE).filter(pk=pk).first()


# Sortable columns of the lists (menet_portal/ordering.py): ?rendezes=key or -key.
PARTICIPANT_SORTS = {
    "nev": hungarian_name_order(),
    "szuletesi_ev": ["birth_year", *hungarian_name_order()],
    "telepules": [HungarianCollate("settlement").asc(), *hungarian_name_order()],
    "celcsoport": ["target_group", *hungarian_name_order()],
    "szervezet": [HungarianCollate("organisation__name").asc(nulls_last=True), *hungarian_name_order()],
}
REGISTRATION_SORTS = {
    "nev": [*hungarian_name_order("participant__"), "created_at"],
    "celcsoport": ["participant__target_group", *hungarian_name_order("participant__")],
    "esemeny": [F("info_day__date").asc(nulls_last=True), HungarianCollate("course__title").asc(nulls_last=True),
                *hungarian_name_order("participant__")],
    "allapot": ["status", *hungarian_name_order("participant__")],
    "jelentkezes_ideje": ["created_at"],
    "forras": ["source", *hungarian_name_order("participant__")],
}


def participant_list(user):
    """The participant list and its export (the export's columns read the organisation and county)."""
    return participants_for(user).select_related("organisation", "county").order_by(*hungarian_name_order())


def registration_list(user):
    """Registrations in scope with ``queue_position`` (participants.services.with_queue_position)."""
    return _registration_list_rows(registrations_for(user)).order_by(*hungarian_name_order("participant__"), "created_at")


def registration_rows_by_key():
    """``registration_list``'s rows without the scope: only for the keys a scoped
    ``registration_list`` chose (participants.views.RowsPaginator's second statement)."""
    from .models import Registration

    return _registration_list_rows(Registration.objects.all())


def _registration_list_rows(registrations):
    from .services import with_queue_position

    # Only what the list and its export show (an info day's label needs its region and library, a
    # course's only its title): the scope's course__site__library made it 9 joined tables, past
    # join_collapse_limit, and planning took 12–24 ms a page against 1–3 ms of execution.
    return with_queue_position(registrations).select_related(None).select_related(
        "participant__organisation", "info_day__region", "info_day__library", "course",
    )


def known_registration_count(user, data: dict) -> int | None:
    """The number of registrations the list shows when the database-kept counts say it
    (menet_portal.counters.REGISTRATIONS): a user who sees every registration, filtered by event
    and status at most; else ``None`` and the list counts its rows. Staff's unfiltered list
    counted 135,000 rows on every page (4.4 ms)."""
    from django.db.models import Sum

    from menet_portal import counters
    from menet_portal.scope import sees_every_registration

    from .models import RegistrationCount

    active = {name for name, value in (data or {}).items() if value not in (None, "") and name != "sort"}
    if not sees_every_registration(user) or not active <= {"info_day", "course", "status"}:
        return None
    if not counters.kept_in_database(RegistrationCount.objects.db):
        return None
    deltas = RegistrationCount.objects.all()
    if data.get("info_day"):
        deltas = deltas.filter(info_day_id=data["info_day"].pk)
    if data.get("course"):
        deltas = deltas.filter(course_id=data["course"].pk)
    if data.get("status"):
        deltas = deltas.filter(status=data["status"])
    return int(deltas.aggregate(n=Sum("n"))["n"] or 0)


# The columns the registration list's page shows (the export reads more: registration_list).
REGISTRATION_ROW_FIELDS = (
    "pk", "participant_id", "info_day_id", "course_id", "status", "source", "created_at", "cancel_reason",
    "queue_position", "participant__family_name", "participant__given_name", "participant__target_group",
    "participant__organisation_id", "participant__organisation__name",
    "info_day__title", "info_day__date", "info_day__region__name", "info_day__library__settlement", "course__title",
)


def registration_rows(rows, *, detail_url: str, cancel_url: str, marker: str) -> list[dict]:
    """The registration list's page as plain rows (``registration_list(...).values(*REGISTRATION_ROW_FIELDS)``)
    with every text a cell shows computed once: the choice labels resolved once per page, each
    event's label and date once per event, the person's name and the row's links. Model
    instances and per-cell template filters were most of the page's Python (50 rows, 7 objects
    each; a date format and a ``blocktranslate`` per row)."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    from events.models import InfoDay, Library, Region

    from .models import Participant, Registration

    def labels(model, field):
        return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}

    status, source, group = labels(Registration, "status"), labels(Registration, "source"), labels(
        Participant, "target_group")
    select_text = _("Kijelölés: %(name)s")
    events = {}  # (kind, pk) -> (label, date text)
    page = []
    for row in rows:
        if row["info_day_id"]:
            key = ("info_day", row["info_day_id"])
            if key not in events:  # InfoDay.__str__ on the columns read with the row
                day = InfoDay(pk=row["info_day_id"], title=row["info_day__title"], date=row["info_day__date"],
                              region=Region(name=row["info_day__region__name"]),
                              library=Library(settlement=row["info_day__library__settlement"]))
                events[key] = (str(day), _date(day.date))
        else:
            key = ("course", row["course_id"])
            if key not in events:
                events[key] = (row["course__title"], "")
        name = f"{row['participant__family_name']} {row['participant__given_name']}"  # Participant.full_name
        page.append({
            "pk": row["pk"], "status": row["status"], "queue_position": row["queue_position"],
            "cancel_reason": row["cancel_reason"], "name": name, "family_name": row["participant__family_name"],
            "organisation_name": row["participant__organisation__name"] if row["participant__organisation_id"] else None,
            "target_group_label": group.get(row["participant__target_group"], row["participant__target_group"]),
            "event_label": events[key][0], "event_date": events[key][1],
            "status_label": status.get(row["status"], row["status"]),
            "source_label": source.get(row["source"], row["source"]),
            "created_text": formats.date_format(timezone.localtime(row["created_at"]), "SHORT_DATETIME_FORMAT"),
            # blocktranslate's way: the name escaped, the sentence not
            "select_label": mark_safe(select_text % {"name": escape(name)}),
            "detail_url": detail_url.replace(marker, str(row["participant_id"])),
            "cancel_url": cancel_url.replace(marker, str(row["pk"])),
        })
    return page


def with_participant_links(participants) -> list:
    """The participant list's page with ``detail_url`` (one reverse() for the page, not one per
    row) and ``target_group_label`` (the choice labels resolved once per page)."""
    from django.urls import reverse

    from .models import Participant

    marker = 987654321
    detail = reverse("participants:participant_detail", args=[marker])
    group = {value: str(label) for value, label in Participant._meta.get_field("target_group").flatchoices}
    participants = list(participants)
    for p in participants:
        p.detail_url = detail.replace(str(marker), str(p.pk))
        p.target_group_label = group.get(p.target_group, p.target_group)
    return participants


def by_queue_position(registrations):
    """Waiting-list order: each event's queue (position 1 first), the others after them."""
    from django.db.models import F

    return registrations.order_by(
        F("queue_position").asc(nulls_last=True), "created_at", "id"
    )


def participant_registrations(user, participant):
    from .services import with_queue_position

    # Only the joins of the event's label (InfoDay.__str__: region, library; Course.__str__: its
    # title): the scope's participant and course site library were 8 tables to plan on every
    # person's page (planning with a new connection's cold catalog was most of the statement).
    return with_queue_position(
        person_registrations_for(user, participant).select_related(None)
        .select_related("info_day__region", "info_day__library", "course")
    ).order_by("-created_at")


def waiting_list_position(registration) -> int | None:
    """1 for the first in line; ``None`` when not on the waiting list. Same order as promotion
    (participants.services.queue_position, the one definition)."""
    from .services import queue_position

    return queue_position(registration)
