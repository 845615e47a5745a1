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
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import EventStatus, InfoDay
from participants.models import Registration, RegistrationSource, RegistrationStatus
from participants.services import NoPlaceLeft, RegistrationError, availability, confirm_on_site, create_participant

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


def register_event_registrations(event):
    """Every registration of a register's event: the session's course / the info day."""
    if isinstance(event, Session):
        return Registration.objects.filter(course_id=event.course_id)
    return Registration.objects.filter(info_day=event)


def confirmed_registrations(event):
    """The people a register lists: confirmed registrations of the session's course / the info day."""
    return register_event_registrations(event).filter(status=RegistrationStatus.CONFIRMED)


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
    given a place through ``participants.services.confirm_on_site`` (also once the info day is
    held or closed: paper sheets are keyed in afterwards; a person on the waiting list takes a
    free place) and marked present. Only within capacity: when the info day is full nothing is
    created. Someone already confirmed for this info day is refused: they are on the register.
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
            registration = confirm_on_site(participant=participant, event=info_day, registered_by=recorded_by)
        except NoPlaceLeft as exc:
            raise WalkInRefused(_("Az információs nap betelt (%(n)s fő), helyszíni regisztráció nem lehetséges.")
                                % {"n": info_day.capacity}) from exc
        except RegistrationError as exc:
            raise WalkInRefused(str(exc)) from exc
        _mark_present(registration, None, recorded_by)
        return registration


def _mark_present(registration, session, recorded_by):
    attendance = Attendance.objects.filter(registration=registration, session=session).first() or Attendance(
        registration=registration, session=session
    )
    attendance.status = AttendanceStatus.PRESENT
    attendance.recorded_by = recorded_by
    attendance.recorded_at = timezone.now()
    attendance.full_clean()
    attendance.save()
    return attendance


def confirm_waiting_attendee(*, event, registration: Registration, recorded_by) -> Registration:
    """A person on the waiting list came to the info day / session (``event``): confirmed into a
    free place (participants.services.confirm_on_site, within capacity) and marked present, in
    one step; refused (nothing changes) when no place is free."""
    _ensure_register_open(event)
    target = event.course if isinstance(event, Session) else event
    with transaction.atomic():
        registration = Registration.objects.select_related("participant").get(pk=registration.pk)
        if registration.event != target or registration.status != RegistrationStatus.WAITLISTED:
            raise AttendanceError(_("Ez a személy nincs az esemény várólistáján."))
        # Present first: the session they came to counts for the late-joiner rule. A refusal
        # below rolls this back with everything else.
        _mark_present(registration, event if isinstance(event, Session) else None, recorded_by)
        try:
            registration = confirm_on_site(participant=registration.participant, event=target,
                                           registered_by=recorded_by)
        except RegistrationError as exc:
            raise WalkInRefused(str(exc)) from exc
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


# --- Setting up courses and their sessions (MKE staff: set-up screens, admin, commands) -----------

COURSE_FIELDS = ("site", "title", "description", "capacity", "status")
SESSION_FIELDS = ("number", "starts_at", "ends_at", "room", "topic")
# What the registered people are told about when it changes.
SESSION_SCHEDULE_FIELDS = ("starts_at", "ends_at", "room")


class CourseSetupError(Exception):
    """Field errors of a course and of its session rows; nothing was saved.

    ``course_errors`` maps course fields to messages, ``session_errors`` maps the index of a
    session row (in the list given) to its field errors.
    """

    def __init__(self, course_errors=None, session_errors=None):
        self.course_errors = course_errors or {}
        self.session_errors = session_errors or {}
        super().__init__(_("A képzés adatai hibásak."))


def _session_text(session) -> str:
    from django.utils.formats import date_format

    if session is None:
        return "–"
    start = timezone.localtime(session["starts_at"] if isinstance(session, dict) else session.starts_at)
    end = timezone.localtime(session["ends_at"] if isinstance(session, dict) else session.ends_at)
    room = session["room"] if isinstance(session, dict) else session.room
    text = f"{date_format(start, 'Y. F j., l')} {start:%H:%M}–{end:%H:%M}"
    return f"{text}, {room}" if room else text


def save_course(*, data: dict, sessions: list[dict] = (), course=None, trainers=None, changed_by=None):
    """Create or change a course with its planned sessions in one transaction (MKE staff).

    - ``sessions``: rows ``{"pk"?, "number", "starts_at", "ends_at", "room", "topic"}``; a row with a
      ``pk`` changes that session of this course, one without adds a session;
    - every database constraint is checked first and reported beside its field: session numbers
      1 to the programme's sessions per course, once each; each session ends after it starts;
    - capacity follows ``participants.services``: never below the confirmed count (refused with the
      numbers), a raised capacity promotes from the waiting list; cancelling goes through
      ``events.services.cancel_event``;
    - a moved session (date, time, room) or another site sends ``event_rescheduled``: one notice per
      confirmed or waiting person for the whole change, and reminders follow the new times;
    - ``trainers`` (users with the trainer role), when given, become the course's trainers.

    Raises ``CourseSetupError``; nothing is saved then. Returns the course.
    """
    from events.services import _check_status_change, change_key
    from events.signals import event_rescheduled
    from menet_portal.models import Role
    from participants.services import _lock_event, capacity_refusal, promote_from_waiting_list

    from .models import Course

    course_errors, session_errors = {}, {}
    with transaction.atomic():
        creating = course is None or course.pk is None
        if creating:
            course = Course(**data)
            before = {}
        else:
            course = _lock_event(course)
            before = {f: getattr(course, f) for f in COURSE_FIELDS}
            for field, value in data.items():
                setattr(course, field, value)
        try:
            _check_status_change(before.get("status", "planned"), course.status)
            course.full_clean()
        except ValidationError as error:
            course_errors = error.update_error_dict(course_errors)
        if not creating and course.capacity != before["capacity"] and "capacity" not in course_errors:
            refusal = capacity_refusal(event=course, capacity=course.capacity)
            if refusal:
                course_errors["capacity"] = [refusal]
        if trainers is not None:
            wrong = [t for t in trainers if t.role != Role.TRAINER]
            if wrong:
                course_errors["trainers"] = [_("Csak oktató szerepkörű felhasználó lehet oktató: %(names)s.") % {
                    "names": ", ".join(str(t) for t in wrong)}]

        existing = {s.pk: s for s in course.sessions.select_for_update()} if not creating else {}
        limit = course.site.programme.sessions_per_course if course.site_id else 4
        rows, seen = [], {}
        for index, row in enumerate(sessions):
            row = dict(row)
            pk = row.pop("pk", None)
            if pk is not None and pk not in existing:
                session_errors[index] = {"number": [_("Ez a foglalkozás nem ehhez a képzéshez tartozik.")]}
                continue
            session = existing.get(pk) or Session(course=course)
            old = {f: getattr(session, f) for f in SESSION_FIELDS} if pk else None
            for field in SESSION_FIELDS:
                if field in row:
                    setattr(session, field, row[field])
            errors = {}
            try:
                # Numbers are checked against the whole submission below, not row by row against the database.
                session.clean_fields(exclude=["course"])
            except ValidationError as error:
                errors = error.update_error_dict(errors)
            if session.starts_at and session.ends_at and session.ends_at <= session.starts_at:
                errors.setdefault("ends_at", []).append(_("A befejezés nem lehet korábbi a kezdésnél (és nem is eshet egybe vele)."))
            if session.number:
                if session.number > limit:
                    errors.setdefault("number", []).append(
                        _("A program képzésenként %(n)s foglalkozást tervez: a sorszám 1 és %(n)s között lehet.")
                        % {"n": limit})
                elif session.number in seen:
                    errors.setdefault("number", []).append(
                        _("A(z) %(number)s. foglalkozás kétszer szerepel.") % {"number": session.number})
                seen[session.number] = index
            if errors:
                session_errors[index] = errors
            rows.append((index, session, old))
        untouched = [s for pk, s in existing.items() if pk not in {s.pk for _i, s, _o in rows}]
        for session in untouched:
            if session.number in seen:
                session_errors.setdefault(seen[session.number], {}).setdefault("number", []).append(
                    _("Ennek a képzésnek már van ilyen sorszámú foglalkozása: %(number)s.") % {"number": session.number})
        if course_errors or session_errors:
            raise CourseSetupError(course_errors, session_errors)

        course._history_user = changed_by
        changed_course = creating or any(getattr(course, f) != before[f] for f in COURSE_FIELDS)
        if changed_course:
            course.save()
        if trainers is not None and set(course.trainers.all()) != set(trainers):
            course.trainers.set(trainers)
        changes, moved_sessions = [], []
        for index, session, old in sorted(rows, key=lambda r: r[1].number):
            if old is not None and all(getattr(session, f) == old[f] for f in SESSION_FIELDS):
                continue
            session._history_user = changed_by
            try:
                with transaction.atomic():
                    session.save()
            except IntegrityError:
                # Two sessions swapping their numbers in one submit: the constraint is checked per row.
                raise CourseSetupError(session_errors={index: {"number": [_(
                    "Két foglalkozás sorszáma egyszerre nem cserélhető fel: a sorszám maradjon, "
                    "az időpontot módosítsa."
                )]}}) from None
            if old is None:
                if not creating:
                    changes.append({"field": f"session:{session.number}", "label": _("%(n)s. foglalkozás") % {
                        "n": session.number}, "old": "–", "new": _session_text(session)})
                    moved_sessions.append(session.pk)
            elif any(getattr(session, f) != old[f] for f in SESSION_SCHEDULE_FIELDS):
                changes.append({"field": f"session:{session.number}", "label": _("%(n)s. foglalkozás") % {
                    "n": session.number}, "old": _session_text(old), "new": _session_text(session)})
                moved_sessions.append(session.pk)
        if not creating:
            if before["site"] != course.site:
                changes.insert(0, {"field": "site", "label": str(Course._meta.get_field("site").verbose_name),
                                   "old": str(before["site"]), "new": str(course.site)})
            promote_from_waiting_list(course)
            if changes and course.status != EventStatus.CANCELLED:
                event_rescheduled.send(sender=Course, event=course, changes=changes, change_key=change_key(),
                                       sessions=moved_sessions)
        return course


def reschedule_session(*, session, starts_at, ends_at, room=None, changed_by=None):
    """Move one session (date, time, room): the same rules and notices as ``save_course``."""
    row = {"pk": session.pk, "starts_at": starts_at, "ends_at": ends_at}
    if room is not None:
        row["room"] = room
    save_course(data={}, sessions=[row], course=session.course, changed_by=changed_by)
    return Session.objects.get(pk=session.pk)
