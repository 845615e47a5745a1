"""Late joiners: the one module that decides whether someone may still join a course.

Rule: a person joining a course now can attend only the planned sessions that have not started
yet (``trainings.completion.planned_sessions`` minus the sessions already started). When those,
with what they already attended, can no longer meet the completion rule
(``completion_min_sessions``, at most ``completion_max_late`` late), the course

- refuses new registrations and waiting-list promotions (``LateJoinPolicy.REFUSE``, default), or
- accepts them marked "not eligible for a certificate" (``LateJoinPolicy.ACCEPT_NOT_ELIGIBLE``),
  and the coordinator and the person are told.

Every path that gives someone a course place asks ``late_join_decision`` through
``participants.services`` (register, import, promotion, reinstate, move; the admin's actions).
"""

import dataclasses
import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import LateJoinPolicy

from .completion import ATTENDED, planned_sessions
from .models import Attendance, AttendanceStatus


@dataclass(frozen=True)
class LateJoinDecision:
    allowed: bool  # may get a place (or a waiting-list spot) at all
    eligible: bool  # can still complete: eligible for a certificate
    sessions_left: int
    sessions_needed: int
    message: str = ""  # why not eligible / why refused (Hungarian, safe to show)
    # Whether a session of the course has started (a late joiner is sent the learning material at
    # once: notifications.receivers); None when the caller gave ``left`` instead.
    course_started: bool | None = None


def sessions_started(course, now: datetime.datetime | None = None) -> int:
    """Sessions of the course that have started by ``now``."""
    return course.sessions.filter(starts_at__lte=now or timezone.now()).count()


def sessions_left(course, now: datetime.datetime | None = None, *, started: int | None = None) -> int:
    """Planned sessions that have not started yet (sessions not entered yet count as to come)."""
    started = sessions_started(course, now) if started is None else started
    return max(planned_sessions(course.site.programme) - started, 0)


def late_join_decision(course, *, attended: int = 0, late: int = 0, left: int | None = None,
                       started: int | None = None, now: datetime.datetime | None = None) -> LateJoinDecision:
    """Whether someone who attended ``attended`` sessions (``late`` of them late) may join ``course`` now.

    ``started`` (``sessions_started``) or ``left`` spare the count when the caller has it."""
    programme = course.site.programme
    if left is None:
        started = sessions_started(course, now) if started is None else started
        left = sessions_left(course, started=started)
    decision = _decide(programme, attended=attended, late=late, left=left)
    if started is not None:
        decision = dataclasses.replace(decision, course_started=started > 0)
    return decision


def _decide(programme, *, attended: int, late: int, left: int) -> LateJoinDecision:
    needed = max(programme.completion_min_sessions - attended, 0)
    if left >= needed and late <= programme.completion_max_late:
        return LateJoinDecision(True, True, left, needed)
    if programme.late_join_policy == LateJoinPolicy.ACCEPT_NOT_ELIGIBLE:
        return LateJoinDecision(True, False, left, needed, _(
            "A képzésből már csak %(left)s foglalkozás van hátra, a teljesítéshez %(needed)s kellene: "
            "a jelentkező részt vehet, de tanúsítványt nem kaphat."
        ) % {"left": left, "needed": needed})
    return LateJoinDecision(False, False, left, needed, _(
        "A képzésből már csak %(left)s foglalkozás van hátra, a teljesítéshez %(needed)s kellene: "
        "új jelentkező már nem fogadható."
    ) % {"left": left, "needed": needed})


def attendance_counts(registration_ids) -> dict[int, tuple[int, int]]:
    """``{registration_id: (attended, late)}`` over course sessions, in one query."""
    rows = (
        Attendance.objects.filter(registration_id__in=list(registration_ids), session__isnull=False)
        .values("registration_id")
        .annotate(attended=Count("id", filter=Q(status__in=ATTENDED)),
                  late=Count("id", filter=Q(status=AttendanceStatus.LATE)))
        .order_by()
    )
    return {r["registration_id"]: (r["attended"], r["late"]) for r in rows}
