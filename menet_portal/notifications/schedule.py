"""What falls due when: reminders, weekly digests, missing-attendance and low-fill notices.

All times are wall-clock times in the portal's zone (Europe/Budapest): "3 days before" an
info day starting on 27 October at 9:00 is 24 October at 9:00 local time, whether or not the
clocks change in between (so it is 73 hours before across the autumn change, 71 in spring).

Each function writes the rows that are due at ``now`` and not written yet; the unique
constraint makes a repeated or concurrent pass harmless. A reminder whose window has
passed before any pass saw it (the dispatcher was down) is written as ``missed``.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils.translation import gettext as _

from events.models import EventStatus, InfoDay
from menet_portal.models import Role, User
from participants.models import Registration, RegistrationStatus
from trainings.models import Attendance, Course, Session

from .models import MessageKind, OutboxMessage, OutboxStatus
from .outbox import write_messages

DEFAULT_REMINDER_DAYS = (3, 1)
DIGEST_WEEKDAY_HOUR = 7  # Monday 7:00 local time
ATTENDANCE_GRACE = datetime.timedelta(hours=24)
ATTENDANCE_LOOKBACK = datetime.timedelta(days=8)
BELOW_MINIMUM_DAYS = 7
LIVE_STATUSES = (EventStatus.PLANNED, EventStatus.OPEN, EventStatus.CLOSED)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def days_before(start: datetime.datetime, days: int) -> datetime.datetime:
    """The same local wall-clock time ``days`` calendar days earlier (DST-safe)."""
    zone = local_zone()
    local = start.astimezone(zone)
    naive = datetime.datetime.combine(local.date() - datetime.timedelta(days=days), local.time())
    return naive.replace(tzinfo=zone)


def info_day_start(day: InfoDay) -> datetime.datetime:
    return datetime.datetime.combine(day.date, day.start_time).replace(tzinfo=local_zone())


def info_day_end(day: InfoDay) -> datetime.datetime:
    return datetime.datetime.combine(day.date, day.end_time).replace(tzinfo=local_zone())


def reminder_days(programme) -> list[int]:
    """The programme's reminder offsets (days before), largest first; [3, 1] when unset."""
    raw = programme.reminder_days_before if programme.reminder_days_before else DEFAULT_REMINDER_DAYS
    return sorted({int(d) for d in raw if int(d) > 0}, reverse=True)


def reminder_windows(start: datetime.datetime, days: list[int]):
    """(days, due, window_end) per offset: each reminder is useful until the next one is due."""
    dues = [days_before(start, d) for d in days]
    ends = dues[1:] + [start]
    return list(zip(days, dues, ends))


def _slot_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%MZ")


# --- reminders to participants ------------------------------------------------------------------

def _reminder_rows(*, now, registrations, subject_filter, slot_prefix, start, days, extra) -> list[OutboxMessage]:
    rows = []
    for offset, due, window_end in reminder_windows(start, days):
        if due > now:
            continue
        slot = f"{slot_prefix}/{offset}d@{_slot_time(start)}"
        status = OutboxStatus.SCHEDULED if now < window_end else OutboxStatus.MISSED
        already = OutboxMessage.objects.filter(
            registration_id=OuterRef("pk"), kind=MessageKind.EVENT_REMINDER, slot=slot
        )
        targets = (
            registrations.filter(subject_filter)
            # Someone confirmed after a reminder fell due had just had the confirmation instead
            # (a confirmed place always has confirmed_at: registration_confirmed_has_time).
            .filter(confirmed_at__lte=due)
            .exclude(Exists(already))
            .values_list("pk", "participant__email")
        )
        for reg_id, email in targets:
            rows.append(OutboxMessage(
                kind=MessageKind.EVENT_REMINDER, recipient=email, subject_key=f"registration:{reg_id}",
                slot=slot, registration_id=reg_id, status=status, due_at=due, send_after=due,
                expires_at=window_end, context={"days": offset, "start": start.isoformat()},
                last_error="" if status == OutboxStatus.SCHEDULED else _(
                    "Az emlékeztető ideje elmúlt, mielőtt a küldő futott volna."
                ),
                **extra,
            ))
    return rows


def _reminder_registrations():
    return Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        participant__reminders_opt_out=False,
        participant__anonymised_at__isnull=True,
    ).exclude(participant__email="")


def write_due_reminders(*, now) -> int:
    """Reminders before every info day and every training session that are due at ``now``."""
    programmes_days = {}
    horizon_days = max([max(DEFAULT_REMINDER_DAYS)] + [
        max(reminder_days(p), default=0) for p in _programmes()
    ]) + 1
    local_now = now.astimezone(local_zone())
    earliest, latest = local_now - datetime.timedelta(days=2), local_now + datetime.timedelta(days=horizon_days)
    registrations = _reminder_registrations()
    rows = []
    days_qs = InfoDay.objects.filter(
        status__in=LIVE_STATUSES, date__gte=earliest.date(), date__lte=latest.date()
    ).select_related("programme")
    for day in days_qs:
        start = info_day_start(day)
        if start <= earliest:
            continue
        days = programmes_days.setdefault(day.programme_id, reminder_days(day.programme))
        rows += _reminder_rows(
            now=now, registrations=registrations, subject_filter=Q(info_day_id=day.pk),
            slot_prefix=f"info_day:{day.pk}", start=start, days=days, extra={"info_day_id": day.pk},
        )
    sessions = Session.objects.filter(
        course__status__in=LIVE_STATUSES, starts_at__gt=earliest, starts_at__lte=latest
    ).select_related("course__site__programme")
    for session in sessions:
        programme = session.course.site.programme
        days = programmes_days.setdefault(programme.pk, reminder_days(programme))
        rows += _reminder_rows(
            now=now, registrations=registrations, subject_filter=Q(course_id=session.course_id),
            slot_prefix=f"session:{session.pk}", start=session.starts_at, days=days,
            extra={"session_id": session.pk, "course_id": session.course_id},
        )
    return write_messages(rows, queue=False)


def _programmes():
    from events.models import Programme

    return Programme.objects.only("pk", "reminder_days_before")


# --- to coordinators and staff --------------------------------------------------------------

def _coordinators():
    return User.objects.filter(role=Role.COORDINATOR, is_active=True, library__isnull=False).exclude(email="")


def _staff():
    return User.objects.filter(Q(role=Role.STAFF) | Q(is_superuser=True), is_active=True).exclude(email="")


def week_start(now) -> datetime.datetime:
    """Monday 7:00 local time of the week ``now`` falls in."""
    local = now.astimezone(local_zone())
    monday = local.date() - datetime.timedelta(days=local.weekday())
    return datetime.datetime.combine(monday, datetime.time(DIGEST_WEEKDAY_HOUR)).replace(tzinfo=local_zone())


def write_due_digests(*, now) -> int:
    """Monday morning: each coordinator whose library has events coming gets the week's digest."""
    due = week_start(now)
    if now < due:
        return 0
    iso = due.isocalendar()
    slot = f"{iso.year}-W{iso.week:02d}"
    week_end = (due + datetime.timedelta(days=7)).replace(hour=0)
    today = now.astimezone(local_zone()).date()
    upcoming_days = InfoDay.objects.filter(library_id=OuterRef("library_id"), status__in=LIVE_STATUSES, date__gte=today)
    upcoming_courses = Course.objects.filter(site__library_id=OuterRef("library_id"), status__in=LIVE_STATUSES)
    coordinators = _coordinators().filter(Q(Exists(upcoming_days)) | Q(Exists(upcoming_courses)))
    rows = [
        OutboxMessage(
            kind=MessageKind.COORDINATOR_DIGEST, recipient=email, subject_key=f"user:{pk}", slot=slot,
            user_id=pk, due_at=due, send_after=due, expires_at=week_end,
        )
        for pk, email in coordinators.values_list("pk", "email")
    ]
    return write_messages(rows, queue=False)


def write_due_attendance_notices(*, now) -> int:
    """A session that ended 24 hours ago with no attendance recorded: tell its library's coordinators."""
    sessions = (
        Session.objects.filter(
            ends_at__lte=now - ATTENDANCE_GRACE,
            ends_at__gt=now - ATTENDANCE_LOOKBACK,
            course__status__in=LIVE_STATUSES + (EventStatus.HELD,),
        )
        .filter(~Exists(Attendance.objects.filter(session_id=OuterRef("pk"))))
        .filter(Exists(Registration.objects.filter(course_id=OuterRef("course_id"), status=RegistrationStatus.CONFIRMED)))
        .select_related("course__site")
    )
    by_library: dict[int, list] = {}
    for pk, library_id, email in _coordinators().values_list("pk", "library_id", "email"):
        by_library.setdefault(library_id, []).append((pk, email))
    rows = []
    for session in sessions:
        due = session.ends_at + ATTENDANCE_GRACE
        for user_id, email in by_library.get(session.course.site.library_id, []):
            rows.append(OutboxMessage(
                kind=MessageKind.ATTENDANCE_MISSING, recipient=email, subject_key=f"session:{session.pk}",
                slot="24h", session_id=session.pk, course_id=session.course_id, user_id=user_id,
                due_at=due, send_after=due,
            ))
    return write_messages(rows, queue=False)


def write_due_below_minimum_alerts(*, now) -> int:
    """Seven days before an event that is still below its minimum: alert MKE staff.

    Info days use their own minimum; courses the programme's trainees per course (capped at
    the course's capacity), counted before the first session.
    """
    staff = list(_staff().values_list("pk", "email"))
    if not staff:
        return 0
    local_now = now.astimezone(local_zone())
    horizon = local_now + datetime.timedelta(days=BELOW_MINIMUM_DAYS + 1)
    confirmed = Count(
        "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED), distinct=True
    )
    rows = []
    days = InfoDay.objects.filter(
        status__in=LIVE_STATUSES, date__gte=local_now.date(), date__lte=horizon.date()
    ).annotate(confirmed=confirmed)
    for day in days:
        start = info_day_start(day)
        rows += _below_minimum_rows(now, start, day.confirmed, day.minimum, f"info_day:{day.pk}",
                                    {"info_day_id": day.pk}, staff)
    courses = (
        Course.objects.filter(status__in=LIVE_STATUSES)
        .annotate(first_start=Min("sessions__starts_at"), confirmed=confirmed)
        .filter(first_start__gt=now, first_start__lte=horizon)
        .select_related("site__programme")
    )
    for course in courses:
        minimum = min(course.site.programme.trainees_per_course, course.capacity)
        rows += _below_minimum_rows(now, course.first_start, course.confirmed, minimum, f"course:{course.pk}",
                                    {"course_id": course.pk}, staff)
    return write_messages(rows, queue=False)


def _below_minimum_rows(now, start, confirmed, minimum, subject_key, extra, staff):
    due = days_before(start, BELOW_MINIMUM_DAYS)
    if not (due <= now < start) or confirmed >= minimum:
        return []
    return [
        OutboxMessage(
            kind=MessageKind.BELOW_MINIMUM, recipient=email, subject_key=subject_key,
            slot=f"{BELOW_MINIMUM_DAYS}d@{_slot_time(start)}", user_id=user_id, due_at=due, send_after=due,
            expires_at=start, context={"start": start.isoformat(), "minimum": minimum}, **extra,
        )
        for user_id, email in staff
    ]


# --- the learning material, when a course starts -------------------------------------------------

MATERIAL_SLOT = "course:{course_id}/material"


def material_link_started(course_id, *, now) -> bool:
    """Whether the course's first session has started (the moment its trainees get the material)."""
    return Session.objects.filter(course_id=course_id, starts_at__lte=now).exists()


def material_link_row(registration, *, now) -> OutboxMessage | None:
    """The (unsaved) outbox row that sends ``registration``'s learning-material link, after making
    sure they have an active link (``trainings.services.issue_material_link``, the one issuer).
    None when there is nothing to send: not a confirmed course trainee, no e-mail address,
    anonymised, or the message was written before (once per trainee per course, whatever their
    address is now)."""
    from trainings.services import issue_material_link

    participant = registration.participant
    if (registration.course_id is None or registration.status != RegistrationStatus.CONFIRMED
            or not participant.email or participant.anonymised_at):
        return None
    if OutboxMessage.objects.filter(registration_id=registration.pk, kind=MessageKind.MATERIAL_LINK).exists():
        return None
    issue_material_link(registration=registration)
    return OutboxMessage(
        kind=MessageKind.MATERIAL_LINK, recipient=participant.email, subject_key=f"registration:{registration.pk}",
        slot=MATERIAL_SLOT.format(course_id=registration.course_id), registration_id=registration.pk,
        course_id=registration.course_id, due_at=now, send_after=now,
    )


def write_due_material_links(*, now) -> int:
    """Every confirmed trainee of a course whose first session has started gets their personal
    learning-material link by e-mail, once. Courses cancelled, or of a programme that has ended
    (the links would be expired), are left out. Late joiners are written by the receiver when they
    get their place (``receivers.on_registration_changed``); a pass that finds them first is the same."""
    started = Session.objects.filter(course_id=OuterRef("course_id"), starts_at__lte=now)
    already = OutboxMessage.objects.filter(registration_id=OuterRef("pk"), kind=MessageKind.MATERIAL_LINK)
    today = now.astimezone(local_zone()).date()
    due = (
        Registration.objects.filter(
            course__isnull=False, status=RegistrationStatus.CONFIRMED,
            course__status__in=LIVE_STATUSES + (EventStatus.HELD,),
            course__site__programme__end_date__gte=today,
            participant__anonymised_at__isnull=True,
        )
        .exclude(participant__email="")
        .filter(Exists(started))
        .exclude(Exists(already))
        .select_related("participant", "course__site__programme")
        .order_by("course_id", "id")
    )
    rows = [row for row in (material_link_row(r, now=now) for r in due) if row is not None]
    return write_messages(rows, queue=False)


def write_due_messages(*, now) -> dict[str, int]:
    from feedback.services import write_due_invitations

    return {
        "questionnaire_invitations": write_due_invitations(now=now),
        "reminders": write_due_reminders(now=now),
        "material_links": write_due_material_links(now=now),
        "digests": write_due_digests(now=now),
        "attendance_notices": write_due_attendance_notices(now=now),
        "below_minimum_alerts": write_due_below_minimum_alerts(now=now),
        "evidence_reminders": write_due_evidence_reminders(now=now),
    }


def write_due_evidence_reminders(*, now) -> int:
    """Proof missing after an event was held: remind its library's coordinators (evidence.reminders)."""
    from evidence.reminders import write_due_evidence_reminders as write

    return write(now=now)
