"""The satisfaction questionnaire's rules: who is invited when, answering once, paper answers.

- ``questionnaire_for``: one questionnaire per programme, created with the Hungarian default.
- ``write_due_invitations`` (the outbox dispatcher's pass, so Celery beat and
  ``send_due_reminders``): once an info day has ended, or the last session of a course, every
  participant marked present or late there (a course: at any of its sessions) gets one
  ``Invitation`` and one outbox e-mail with a personal signed link. Someone recorded later
  (a walk-in, a paper register keyed in days after) is invited by the next pass; nobody twice
  (one invitation per registration, one outbox row per (kind, recipient, subject, slot)).
- ``submit_online``: the link's holder answers once; a second submit (double click, back
  button, a second tab) is refused under the invitation's row lock and stores nothing.
- ``record_paper_response``: a coordinator (own library) or staff keys in a paper
  questionnaire; never more answers than people present.

Answers are stored without any link to the person (see models.py).
"""

import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.models import EventStatus, InfoDay
from participants.models import Registration, TargetGroup
from trainings.models import Attendance, AttendanceStatus, Course

from .defaults import DEFAULT_QUESTIONS
from .models import SCALE_MAX, SCALE_MIN, Answer, Invitation, InvitationChannel, Question, Questionnaire, Response

TOKEN_SALT = "menet.feedback.questionnaire"
INVITATION_LOOKBACK = datetime.timedelta(days=60)
MAX_TEXT_LENGTH = 2000
PRESENT = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


class QuestionnaireError(ValidationError):
    """A questionnaire rule said no; the message is Hungarian and safe to show."""


class AlreadyAnswered(QuestionnaireError):
    pass


class BadToken(Exception):
    """A tampered or unknown questionnaire link: the view answers a Hungarian 404."""


# --- The questionnaire -------------------------------------------------------------------------

def questionnaire_for(programme) -> Questionnaire:
    """The programme's questionnaire; the first call creates it with the default questions."""
    with transaction.atomic():
        questionnaire, created = Questionnaire.objects.get_or_create(programme=programme)
        if created:
            with translation.override("hu"):
                questionnaire.title = str(_("Elégedettségi kérdőív"))
                questionnaire.introduction = str(_(
                    "Köszönjük, hogy részt vett! Kérjük, néhány kérdésben mondja el a véleményét. A kérdőív név nélküli: "
                    "válaszait senki nem kapcsolhatja össze az Ön nevével."))
                questionnaire.save(update_fields=["title", "introduction"])
                Question.objects.bulk_create([
                    Question(questionnaire=questionnaire, position=i + 1, kind=kind, text=str(text),
                             low_label=str(low), high_label=str(high))
                    for i, (kind, text, low, high) in enumerate(DEFAULT_QUESTIONS)
                ])
    return questionnaire


def event_of(registration):
    return registration.info_day if registration.info_day_id else registration.course


def programme_of(event):
    return event.programme if isinstance(event, InfoDay) else event.site.programme


def _event_filter(event, prefix=""):
    key = "info_day" if isinstance(event, InfoDay) else "course"
    return Q(**{f"{prefix}{key}": event})


# --- Who was present, and inviting them ----------------------------------------------------------

def present_registrations(event):
    """Registrations marked present or late at the info day / at any session of the course."""
    present = Attendance.objects.filter(registration_id=OuterRef("pk"), status__in=PRESENT)
    return Registration.objects.filter(_event_filter(event)).filter(Exists(present))


def _info_day_end(day):
    return timezone.make_aware(datetime.datetime.combine(day.date, day.end_time))


def due_events(*, now):
    """Info days and courses that are over (ended within the look-back window), not cancelled."""
    earliest = now - INVITATION_LOOKBACK
    days = [d for d in InfoDay.objects.exclude(status=EventStatus.CANCELLED).filter(
        date__gte=timezone.localdate(earliest) - datetime.timedelta(days=1), date__lte=timezone.localdate(now))
        if earliest <= _info_day_end(d) <= now]
    courses = list(Course.objects.exclude(status=EventStatus.CANCELLED).annotate(last_end=Max("sessions__ends_at"))
                   .filter(last_end__lte=now, last_end__gte=earliest))
    return days, courses


def write_due_invitations(*, now) -> int:
    """Invite every present participant of every event that is over and was not invited yet.

    Returns how many invitations were written. Repeated or concurrent passes write nothing new
    (unique registration; the outbox's unique key)."""
    from menet_portal.notifications.models import MessageKind, OutboxMessage
    from menet_portal.notifications.outbox import write_messages

    days, courses = due_events(now=now)
    if not days and not courses:
        return 0
    present = Attendance.objects.filter(registration_id=OuterRef("pk"), status__in=PRESENT)
    invited = Invitation.objects.filter(registration_id=OuterRef("pk"))
    registrations = list(
        Registration.objects.filter(Q(info_day__in=days) | Q(course__in=courses))
        .filter(Exists(present)).filter(~Exists(invited)).select_related("participant")
    )
    if not registrations:
        return 0
    with transaction.atomic():
        Invitation.objects.bulk_create([Invitation(registration=r) for r in registrations], ignore_conflicts=True)
        rows = [
            OutboxMessage(
                kind=MessageKind.QUESTIONNAIRE_INVITATION, recipient=r.participant.email,
                subject_key=f"registration:{r.pk}", slot="questionnaire", registration_id=r.pk,
                info_day_id=r.info_day_id, course_id=r.course_id, due_at=now, send_after=now,
            )
            for r in registrations if r.participant.email and not r.participant.anonymised_at
        ]
        write_messages(rows, queue=False)  # the same dispatcher pass queues them (outbox.queue_due)
    return len(registrations)


# --- The personal link ----------------------------------------------------------------------------

def invitation_token(invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=TOKEN_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation:
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
        return Invitation.objects.select_related(
            "registration__participant", "registration__info_day__programme", "registration__course__site__programme",
            "registration__info_day__library", "registration__course__site__library",
        ).get(pk=int(data["i"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Invitation.DoesNotExist):
        raise BadToken() from None


def answer_url(invitation) -> str:
    from menet_portal.notifications.messages import portal_url

    return portal_url(reverse("feedback:answer", kwargs={"token": invitation_token(invitation)}))


# --- Storing answers ------------------------------------------------------------------------------

def clean_answers(questionnaire, data) -> dict:
    """``data``: question id (or ``q<id>``) → value. Returns {question: int | str}; refuses bad input."""
    questions = {q.pk: q for q in questionnaire.questions.all()}
    cleaned, errors = {}, []
    for key, raw in dict(data).items():
        try:
            pk = int(str(key).removeprefix("q"))
        except ValueError:
            continue
        question = questions.get(pk)
        if question is None:
            raise QuestionnaireError(_("Ismeretlen kérdés."))
        raw = "" if raw is None else str(raw).strip()
        if not raw:
            continue
        if question.is_scale:
            if not raw.isdigit() or not SCALE_MIN <= int(raw) <= SCALE_MAX:
                errors.append(_("„%(q)s”: válasszon 1 és 5 között.") % {"q": question.text})
                continue
            cleaned[question] = int(raw)
        else:
            if len(raw) > MAX_TEXT_LENGTH:
                errors.append(_("„%(q)s”: a válasz legfeljebb %(n)s karakter lehet.") % {"q": question.text,
                                                                                          "n": MAX_TEXT_LENGTH})
                continue
            cleaned[question] = raw
    for question in questions.values():
        if question.required and question not in cleaned:
            errors.append(_("„%(q)s”: erre a kérdésre kérjük a választ.") % {"q": question.text})
    if errors:
        raise QuestionnaireError(errors)
    if not cleaned:
        raise QuestionnaireError(_("Legalább egy kérdésre válaszoljon."))
    return cleaned


def _store(*, questionnaire, event, target_group, answers: dict) -> Response:
    response = Response(questionnaire=questionnaire, target_group=target_group,
                        **({"info_day": event} if isinstance(event, InfoDay) else {"course": event}))
    response.full_clean()
    response.save()
    Answer.objects.bulk_create([
        Answer(response=response, question=q, value=v if q.is_scale else None, text="" if q.is_scale else v)
        for q, v in answers.items()
    ])
    return response


def submit_online(*, invitation: Invitation, data) -> None:
    """The invited person answers through their link, once."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("registration__participant").get(
            pk=invitation.pk)
        if invitation.answered_at:
            raise AlreadyAnswered(_("Ezt a kérdőívet már kitöltötte. Köszönjük a válaszait!"))
        registration = invitation.registration
        event = event_of(registration)
        questionnaire = questionnaire_for(programme_of(event))
        answers = clean_answers(questionnaire, data)
        _store(questionnaire=questionnaire, event=event, target_group=registration.participant.target_group,
               answers=answers)
        invitation.answered_at = timezone.now()
        invitation.answered_via = InvitationChannel.ONLINE
        invitation.save(update_fields=["answered_at", "answered_via"])


def record_paper_response(*, event, data, recorded_by, target_group: str = "", respondent=None) -> None:
    """A paper questionnaire keyed in by the event's coordinator (the view checks scope) or staff.

    ``respondent`` (optional) is the registration whose name is on the sheet: they are then no
    longer listed as not having answered. Without it the target group is required. Never more
    answers for an event than people present at it."""
    with transaction.atomic():
        type(event).objects.select_for_update().get(pk=event.pk)  # one paper entry per event at a time
        present = present_registrations(event)
        if Response.objects.filter(_event_filter(event)).count() >= present.count():
            raise QuestionnaireError(_("Ennél az eseménynél már annyi kitöltött kérdőív van, ahány résztvevő jelen volt."))
        invitation = None
        if respondent is not None:
            if not present.filter(pk=respondent.pk).exists():
                raise QuestionnaireError(_("Ez a személy nem volt jelen ezen az eseményen."))
            invitation, _created = Invitation.objects.select_for_update().get_or_create(registration=respondent)
            if invitation.answered_at:
                raise AlreadyAnswered(_("Ez a résztvevő már kitöltötte a kérdőívet."))
            target_group = respondent.participant.target_group
        if target_group not in TargetGroup.values:
            raise QuestionnaireError(_("Válassza ki a kitöltő célcsoportját."))
        questionnaire = questionnaire_for(programme_of(event))
        answers = clean_answers(questionnaire, data)
        _store(questionnaire=questionnaire, event=event, target_group=target_group, answers=answers)
        if invitation is not None:
            invitation.answered_at = timezone.now()
            invitation.answered_via = InvitationChannel.PAPER
            invitation.save(update_fields=["answered_at", "answered_via"])
