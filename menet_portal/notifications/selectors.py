"""Read side of the outbox: the staff list and its counts."""

from django.db.models import Count, Prefetch, Sum, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator

from .models import OutboxMessage


def outbox_messages():
    """Newest first (index ``outbox_due_at_id_desc``), joined only to the registration, its person
    and its event: joining all 14 tables the page can show cost 35–60 ms of *planning* per page
    (past ``geqo_threshold``) against 0.8 ms for these 5 (EXPLAIN SUMMARY, 135,000 messages).
    The rest of a row's subject is loaded for the page's rows by ``with_subjects``."""
    return OutboxMessage.objects.select_related(
        "registration__participant", "registration__info_day", "registration__course",
    ).only(*OUTBOX_PAGE_FIELDS).order_by("-due_at", "-id")


# The columns the list shows and what ``with_subjects`` needs to name a registration (its person
# and event); not the message's ``context`` (JSON decoded per row) nor the people's other columns.
OUTBOX_PAGE_FIELDS = (
    "kind", "recipient", "status", "due_at", "attempts", "sent_at", "last_error",
    "session_id", "registration_id", "info_day_id", "course_id", "user_id",
    "registration__participant_id", "registration__info_day_id", "registration__course_id",
    "registration__participant__family_name", "registration__participant__given_name",
    "registration__info_day__title", "registration__info_day__region_id", "registration__info_day__library_id",
    "registration__course__title",
)


def with_subjects(messages) -> list:
    """The page's messages with their kind and status labels and what the list shows of their
    subject (the template's order: session, else registration, else info day, course, user), one
    query per kind of subject present only."""
    from events.models import InfoDay
    from trainings.models import Session

    messages = list(messages)
    # The labels once per page: get_FOO_display() hashes every lazy choice label on each call.
    kinds, statuses = ({value: str(label) for value, label in field.flatchoices}
                       for field in (OutboxMessage._meta.get_field("kind"), OutboxMessage._meta.get_field("status")))
    for message in messages:
        message.kind_label = kinds.get(message.kind, message.kind)
        message.status_label = statuses.get(message.status, message.status)
        # The cells' texts once here, as the template's |date and |truncatechars filters wrote them.
        message.due_text = date_format(timezone.localtime(message.due_at), "SHORT_DATETIME_FORMAT")
        message.sent_text = (date_format(timezone.localtime(message.sent_at), "SHORT_DATETIME_FORMAT")
                             if message.sent_at else "")
        message.error_text = Truncator(message.last_error).chars(120) if message.last_error else ""
    untitled = [m.registration for m in messages if m.session_id is None and m.registration_id
                and m.registration.info_day_id and not m.registration.info_day.title]
    if untitled:  # an untitled info day is named by its region and library: one query for them all
        days = InfoDay.objects.select_related("region", "library").in_bulk({r.info_day_id for r in untitled})
        for registration in untitled:
            registration.info_day = days[registration.info_day_id]
    prefetch_related_objects([m for m in messages if m.session_id],
                             Prefetch("session", queryset=Session.objects.select_related("course")))
    rest = [m for m in messages if m.session_id is None and m.registration_id is None]
    prefetch_related_objects([m for m in rest if m.info_day_id],
                             Prefetch("info_day", queryset=InfoDay.objects.select_related("region", "library")))
    rest = [m for m in rest if m.info_day_id is None]
    prefetch_related_objects([m for m in rest if m.course_id], "course")
    prefetch_related_objects([m for m in rest if m.course_id is None and m.user_id], "user")
    for message in messages:
        subject = (message.session if message.session_id else message.registration if message.registration_id
                   else message.info_day or message.course or message.user)
        message.subject_text = str(subject) if subject else ""
    return messages


def status_counts() -> dict[str, int]:
    """The number of messages per status (statuses without messages are left out).

    On PostgreSQL the database keeps these counts (menet_portal.counters.OUTBOX_STATUS): a sum
    over a few dozen delta rows instead of counting 136,000 index entries (11.9 ms) per page."""
    from menet_portal import counters
    from menet_portal.notifications.models import OutboxStatusCount

    if counters.kept_in_database(OutboxStatusCount.objects.db):
        return {status: int(n) for status, n in OutboxStatusCount.objects.values_list("status").annotate(
            n=Sum("n")).order_by().filter(n__gt=0)}
    # COUNT(*), not COUNT(id): an index-only scan of outbox_due (status, send_after) once vacuumed.
    return dict(OutboxMessage.objects.values_list("status").annotate(n=Count("*")).order_by())


def known_count(filter_data: dict, counts: dict[str, int]) -> int | None:
    """The number of messages a filter selects when the status counts already say it (no filter,
    or a status only), else ``None``: the page then need not count 100,000 rows a second time."""
    active = {name for name, value in (filter_data or {}).items() if value not in (None, "")}
    if not active:
        return sum(counts.values())
    if active == {"status"}:
        return counts.get(filter_data["status"], 0)
    return None
