"""Training delivery rules: attendance registers, walk-ins, personal material links, progress.

- A register (session or info day) can be filled only once the session / info day has
  started; it lists every confirmed person, is saved in one submit and can be edited later.
  Each change is kept by simple_history with who and when (``recorded_by``, ``recorded_at``).
- A walk-in at an info day is created, registered (within capacity, never the waiting list)
  and marked present in one transaction: all or nothing.
- A personal material link is a long random token; it works until revoked by staff or
  until the programme ends, and only while the trainee's registration is confirmed.

Completion is not stored: trainings.completion computes it from the attendance rows, so it
is recomputed the moment a register changes.
"""

import datetime
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import EventStatus, InfoDay
from participants.models import Registration, RegistrationSource, RegistrationStatus
from participants.services import RegistrationError, availability, create_participant, register_participant

from .models import (
    Attendance,
    AttendanceStatus,
    Choice,
    Lesson,
    LessonProgress,
    MaterialLink,
    QuizAttempt,
    Session,
)

MATERIAL_TOKEN_BYTES = 32  # 43 URL-safe characters, 256 bits of randomness


class AttendanceError(Exception):
    """A register rule said no; the message is translated and safe to show."""


class WalkInRefused(AttendanceError):
    pass


class QuizError(Exception):
    pass


# --- When an event starts and ends --------------------------------------------------------


def info_day_starts_at(info_day: InfoDay) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(info_day.date, info_day.start_time))


def info_day_ends_at(info_day: InfoDay) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(info_day.date, info_day.end_time))


def event_starts_at(event) -> datetime.datetime:
    return event.starts_at if isinstance(event, Session) else info_day_starts_at(event)


def register_is_open(event, now=None) -> bool:
    """A register may be filled from the moment the session / info day starts."""
    return event_starts_at(event) <= (now or timezone.now())


def _ensure_register_open(event):
    status = event.course.status if isinstance(event, Session) else event.status
    if status == EventStatus.CANCELLED:
        raise AttendanceError(_("Az esemény elmaradt, nincs jelenléti íve."))
    if not register_is_open(event):
        raise AttendanceError(
            _("A jelenléti ív csak az esemény kezdete (%(start)s) után tölthető ki.")
            % {"start": timezone.localtime(event_starts_at(event)).strftime("%Y.%m.%d. %H:%M")}
        )


def confirmed_registrations(event):
    """The people a register lists: confirmed registrations of the session's course / the info day."""
    if isinstance(event, Session):
        qs = Registration.objects.filter(course_id=event.course_id)
    else:
        qs = Registration.objects.filter(info_day=event)
    return qs.filter(status=RegistrationStatus.CONFIRMED)


# --- Attendance register ------------------------------------------------------------------


def record_attendance(*, event, statuses: Mapping[int, str], recorded_by) -> int:
    """Save a whole register in one transaction; returns how many rows changed.

    ``statuses`` maps every confirmed registration of the event to present / late /
    excused / absent. Refused (nothing saved) before the event started, when someone is
    missing, for a registration not on the register, or for an unknown status.
    Unchanged rows are left alone, so the history shows only real changes.
    """
    _ensure_register_open(event)
    valid = set(AttendanceStatus.values)
    with transaction.atomic():
        expected = set(confirmed_registrations(event).values_list("id", flat=True))
        given = {int(k): v for k, v in statuses.items()}
        if set(given) - expected:
            raise AttendanceError(_("A jelenléti íven olyan személy szerepel, aki nem jelentkezett erre az eseményre."))
        if expected - set(given):
            raise AttendanceError(_("Minden résztvevőnél jelölje meg a jelenlétet."))
        if any(v not in valid for v in given.values()):
            raise AttendanceError(_("Ismeretlen jelenléti állapot."))
        session = event if isinstance(event, Session) else None
        existing = {
            a.registration_id: a
            for a in Attendance.objects.select_for_update().order_by("id").filter(
                registration_id__in=expected, session=session
            )
        }
        now = timezone.now()
        changed = 0
        for registration_id, status in given.items():
            row = existing.get(registration_id)
            if row is not None and row.status == status:
                continue
            if row is None:
                row = Attendance(registration_id=registration_id, session=session)
            row.status = status
            row.recorded_by = recorded_by
            row.recorded_at = now
            row.full_clean()
            row.save()
            changed += 1
        return changed


# --- Walk-ins at an info day ----------------------------------------------------------------


def add_walk_in(*, info_day: InfoDay, data: dict, recorded_by) -> Registration:
    """Register someone who turned up at an info day and mark them present, all in one step.

    ``data`` is a WalkInForm's cleaned data (person, organisation, consent). The person is
    recorded, or recognised when ``recorded_by`` may see them already
    (participants.services.create_participant: never someone known only elsewhere),
    registered as a walk-in even if registration is closed, and marked present. Only within
    capacity: when the info day is full nothing is created. Someone already registered for
    this info day is refused: they are on the register already.
    """
    _ensure_register_open(info_day)
    with transaction.atomic():
        if availability(info_day).free <= 0:
            raise WalkInRefused(_("Az információs nap betelt (%(n)s fő), helyszíni regisztráció nem lehetséges.")
                                % {"n": info_day.capacity})
        try:
            participant, _created = create_participant(
                data=data, viewer=recorded_by, library=info_day.library, allow_known=True
            )
            registration = register_participant(
                participant=participant, event=info_day, source=RegistrationSource.WALK_IN,
                registered_by=recorded_by, allow_closed=True,
            )
        except RegistrationError as exc:
            raise WalkInRefused(str(exc)) from exc
        if registration.status != RegistrationStatus.CONFIRMED:
            # Filled up between our check and the lock: raising rolls the whole step back.
            raise WalkInRefused(_("Az információs nap betelt (%(n)s fő), helyszíni regisztráció nem lehetséges.")
                                % {"n": info_day.capacity})
        attendance = Attendance(
            registration=registration, session=None, status=AttendanceStatus.PRESENT,
            recorded_by=recorded_by, recorded_at=timezone.now(),
        )
        attendance.full_clean()
        attendance.save()
        return registration


# --- Personal links to the learning material ---------------------------------------------------


def material_link_expiry(programme) -> datetime.datetime:
    """Links expire at the end of the programme's last day."""
    return timezone.make_aware(datetime.datetime.combine(programme.end_date + datetime.timedelta(days=1), datetime.time.min))


def issue_material_link(*, registration: Registration, issued_by=None) -> MaterialLink:
    """The trainee's active link, issued now if they have none. Course trainees only (confirmed)."""
    if registration.course_id is None or registration.status != RegistrationStatus.CONFIRMED:
        raise ValidationError(_("Tananyag-link csak képzésre visszaigazolt résztvevőnek adható."))
    with transaction.atomic():
        Registration.objects.select_for_update().filter(pk=registration.pk).first()
        link = MaterialLink.objects.filter(registration=registration, revoked_at__isnull=True).first()
        if link is not None and link.expires_at > timezone.now():
            return link
        if link is not None:  # expired: retire it so a fresh one can be issued
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
        link = MaterialLink(
            registration=registration,
            token=secrets.token_urlsafe(MATERIAL_TOKEN_BYTES),
            created_by=issued_by,
            expires_at=material_link_expiry(registration.course.site.programme),
        )
        link.full_clean()
        link.save()
        return link


def issue_material_links_for_course(*, course, issued_by=None) -> int:
    """Issue a link to every confirmed trainee of the course who has no active one; returns how many."""
    active = MaterialLink.objects.filter(
        registration_id=OuterRef("pk"), revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    pending = (
        Registration.objects.filter(course=course, status=RegistrationStatus.CONFIRMED)
        .exclude(Exists(active))
        .select_related("course__site__programme")
    )
    count = 0
    for registration in pending:
        issue_material_link(registration=registration, issued_by=issued_by)
        count += 1
    return count


def revoke_material_link(*, link: MaterialLink, revoked_by) -> MaterialLink:
    """Revoke a link (MKE staff): it answers 404 from now on."""
    with transaction.atomic():
        link = MaterialLink.objects.select_for_update().get(pk=link.pk)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.revoked_by = revoked_by
            link.save(update_fields=["revoked_at", "revoked_by"])
        return link


def touch_material_link(*, link: MaterialLink) -> None:
    MaterialLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())


# --- Progress and self-check quizzes ---------------------------------------------------------------


def record_lesson_opened(*, registration: Registration, lesson: Lesson) -> LessonProgress:
    progress, _created = LessonProgress.objects.get_or_create(registration=registration, lesson=lesson)
    return progress


def mark_lesson_read(*, registration: Registration, lesson: Lesson) -> LessonProgress:
    with transaction.atomic():
        progress, _created = LessonProgress.objects.select_for_update().get_or_create(
            registration=registration, lesson=lesson
        )
        if progress.read_at is None:
            progress.read_at = timezone.now()
            progress.save(update_fields=["read_at", "updated_at"])
        return progress


@dataclass(frozen=True)
class QuestionResult:
    question_id: int
    chosen_id: int
    correct: bool
    correct_choice_ids: frozenset


@dataclass(frozen=True)
class QuizResult:
    score: int
    max_score: int
    by_question: dict

    @property
    def all_correct(self):
        return self.score == self.max_score


def submit_quiz(*, registration: Registration, lesson: Lesson, answers: Mapping[int, int]) -> QuizResult:
    """Score a lesson's self-check (one point per question answered right) and keep the score.

    Every question must be answered with one of its own choices; otherwise nothing is saved.
    Retrying is always allowed: the last and the best score are both kept.
    """
    questions = list(lesson.questions.all())
    if not questions:
        raise QuizError(_("Ehhez a leckéhez nincs önellenőrző kérdés."))
    choices = {c.pk: c for c in Choice.objects.filter(question__lesson=lesson)}
    answers = {int(q): int(c) for q, c in answers.items()}
    by_question = {}
    for question in questions:
        chosen = answers.get(question.pk)
        if chosen is None:
            raise QuizError(_("Minden kérdésre válaszoljon."))
        if chosen not in choices or choices[chosen].question_id != question.pk:
            raise QuizError(_("Érvénytelen válasz."))
        correct_ids = frozenset(c.pk for c in choices.values() if c.question_id == question.pk and c.is_correct)
        by_question[question.pk] = QuestionResult(question.pk, chosen, chosen in correct_ids, correct_ids)
    score = sum(1 for r in by_question.values() if r.correct)
    max_score = len(questions)
    with transaction.atomic():
        QuizAttempt.objects.create(
            registration=registration, lesson=lesson, score=score, max_score=max_score,
            answers={str(q): c for q, c in answers.items() if q in by_question},
        )
        progress, _created = LessonProgress.objects.select_for_update().get_or_create(
            registration=registration, lesson=lesson
        )
        progress.quiz_attempts += 1
        progress.quiz_last_score = score
        progress.quiz_max_score = max_score
        progress.quiz_best_score = max(score, progress.quiz_best_score or 0)
        progress.save()
    return QuizResult(score=score, max_score=max_score, by_question=by_question)
