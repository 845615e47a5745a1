"""The e-mails themselves: Hungarian, plain text + HTML, the event's .ics on reminders.

Each message kind has a builder that loads what the message is about, checks that it still
applies (``NotApplicable`` otherwise: the outbox records it as skipped) and returns the
subject, the template context and the attachments. Content is rendered at send time, so a
reminder shows the event as it is then.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as ICalEvent

from events.models import EventStatus, InfoDay
from participants.models import RegistrationStatus
from trainings.models import Course

from .models import MessageKind, OutboxMessage
from .outbox import NotApplicable
from .schedule import LIVE_STATUSES, info_day_end, info_day_start, local_zone

OPT_OUT_SALT = "menet.notifications.reminder-opt-out"
ICS_DOMAIN = "menet.mke.hu"


class OutboxError(Exception):
    """A staff action on the outbox was refused; the message is translated and safe to show."""


# --- helpers -----------------------------------------------------------------------------------

def portal_url(path: str = "/") -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def opt_out_token(participant) -> str:
    return signing.dumps({"p": participant.pk}, salt=OPT_OUT_SALT)


def participant_from_token(token: str):
    """The participant a signed opt-out link was made for; ``signing.BadSignature`` if forged."""
    from participants.models import Participant

    data = signing.loads(token, salt=OPT_OUT_SALT)
    return Participant.objects.get(pk=data["p"])


def opt_out_url(participant) -> str:
    return portal_url(reverse("notifications:opt_out", kwargs={"token": opt_out_token(participant)}))


def personal_url(participant) -> str:
    """The person's own page (signed link, no password): in every e-mail to a participant."""
    from public_site.tokens import personal_url as signed_personal_url

    return signed_personal_url(participant)


def venue(library, room: str = "") -> str:
    parts = [library.name, " ".join(p for p in (library.postal_code, library.settlement) if p), library.address, room]
    return ", ".join(p for p in parts if p)


def describe_event(event) -> dict:
    """What every message says about an info day or a course."""
    if isinstance(event, InfoDay):
        return {
            "title": str(event), "kind": _("információs nap"), "start": info_day_start(event),
            "end": info_day_end(event), "venue": venue(event.library, event.room), "sessions": [],
            "cancelled": event.status == EventStatus.CANCELLED,
        }
    # Only the sessions still to come: a late joiner is not told about sessions already past.
    sessions = list(event.sessions.filter(starts_at__gt=timezone.now()).order_by("starts_at", "number"))
    return {
        "title": str(event), "kind": _("képzés"),
        "start": sessions[0].starts_at if sessions else None,
        "end": sessions[-1].ends_at if sessions else None,
        "venue": venue(event.site.library), "sessions": sessions,
        "cancelled": event.status == EventStatus.CANCELLED,
    }


def event_ics(*, uid: str, title: str, start, end, location: str, description: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//MKE//MENET portal//HU")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    item = ICalEvent()
    item.add("uid", f"{uid}@{ICS_DOMAIN}")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", start.astimezone(datetime.UTC))
    item.add("dtend", end.astimezone(datetime.UTC))
    item.add("summary", title)
    item.add("location", location)
    if description:
        item.add("description", description)
    cal.add_component(item)
    return cal.to_ical()


def _participant_recipient_check(registration):
    participant = registration.participant
    if participant.anonymised_at:
        raise NotApplicable(_("A résztvevő adatait anonimizálták."))
    return participant


# --- builders: return (subject, template name, context, attachments) -----------------------------

def _registration_message(message: OutboxMessage, subject: str, template: str):
    registration = message.registration
    participant = _participant_recipient_check(registration)
    event = registration.event
    info = describe_event(event)
    return subject % {"event": info["title"]}, template, {
        "participant": participant, "registration": registration, "event": info,
        "personal_url": personal_url(participant),
    }, []


def build_confirmed(message):
    return _registration_message(message, _("Jelentkezését visszaigazoltuk: %(event)s"), "registration_confirmed")


def build_waitlisted(message):
    registration = message.registration
    subject, template, context, attachments = _registration_message(
        message, _("Várólistára került: %(event)s"), "registration_waitlisted"
    )
    if registration.status == RegistrationStatus.WAITLISTED:
        from participants.services import queue_position

        context["position"] = queue_position(registration)
    return subject, template, context, attachments


def _position(registration):
    filt = Q(info_day_id=registration.info_day_id) if registration.info_day_id else Q(course_id=registration.course_id)
    return type(registration).objects.filter(filt, status=RegistrationStatus.WAITLISTED).filter(
        Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, id__lte=registration.pk)
    ).count()


def build_opt_in(message):
    """The double opt-in e-mail of a self-registration: the signed confirmation link."""
    from public_site.tokens import opt_in_url

    registration = message.registration
    subject, template, context, attachments = _registration_message(
        message, _("Kérjük, erősítse meg jelentkezését: %(event)s"), "registration_opt_in"
    )
    if registration.status == RegistrationStatus.CANCELLED:
        raise NotApplicable(_("A jelentkezést azóta lemondták vagy lejárt."))
    context.update(
        confirm_url=opt_in_url(registration), hold_until=registration.hold_until,
        position=_position(registration) if registration.status == RegistrationStatus.WAITLISTED else None,
    )
    return subject, template, context, attachments


def build_promoted(message):
    return _registration_message(message, _("Felszabadult egy hely, bekerült: %(event)s"), "registration_promoted")


def build_cancelled(message):
    subject, template, context, attachments = _registration_message(
        message, _("Elmarad: %(event)s"), "event_cancelled"
    )
    context["reason"] = message.context.get("reason", "")
    return subject, template, context, attachments


def build_rescheduled(message):
    registration = message.registration
    if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
        raise NotApplicable(_("A jelentkezést azóta lemondták."))
    if registration.event.status == EventStatus.CANCELLED:
        raise NotApplicable(_("Az esemény elmarad."))
    subject, template, context, attachments = _registration_message(
        message, _("Megváltozott az időpont vagy a helyszín: %(event)s"), "event_rescheduled"
    )
    context["changes"] = message.context.get("changes", [])
    context["waitlisted"] = registration.status == RegistrationStatus.WAITLISTED
    return subject, template, context, attachments


def build_reminder(message):
    registration = message.registration
    participant = _participant_recipient_check(registration)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise NotApplicable(_("A jelentkezést azóta lemondták."))
    if participant.reminders_opt_out:
        raise NotApplicable(_("A résztvevő nem kér emlékeztetőt."))
    if registration.confirmed_at is None or registration.confirmed_at > message.due_at:
        # The place was given after this reminder fell due: the confirmation told them instead.
        raise NotApplicable(_("A jelentkezést az emlékeztető esedékessége után igazolták vissza."))
    event = registration.event
    if event.status not in LIVE_STATUSES:
        raise NotApplicable(_("Az esemény elmarad vagy már lezajlott."))
    info = describe_event(event)
    if message.session_id:
        session = message.session
        start, end = session.starts_at, session.ends_at
        title = f"{info['title']} – {session.number}. {_('foglalkozás')}"
        uid = f"session-{session.pk}"
    else:
        session = None
        start, end = info["start"], info["end"]
        title = info["title"]
        uid = f"info-day-{event.pk}"
    if message.context.get("start") and datetime.datetime.fromisoformat(message.context["start"]) != start:
        raise NotApplicable(_("Az esemény időpontja megváltozott; az új időponthoz új emlékeztető tartozik."))
    ics = event_ics(uid=uid, title=title, start=start, end=end, location=info["venue"],
                    description=_("MENET program – Magyar Könyvtárosok Egyesülete"))
    days = message.context.get("days")
    subject = _("Emlékeztető: %(event)s, %(date)s") % {
        "event": title, "date": date_format(start.astimezone(local_zone()), "Y. F j."),
    }
    return subject, "event_reminder", {
        "participant": participant, "registration": registration, "event": info, "session": session,
        "start": start, "end": end, "title": title, "days": days, "opt_out_url": opt_out_url(participant),
        "personal_url": personal_url(participant),
    }, [("esemeny.ics", ics.decode(), "text/calendar")]


def build_material_link(message):
    """The trainee's personal link to the learning material, sent when the course starts (or when
    they get their place after it started). The link is read now: a revoked one is not sent."""
    from trainings.models import MaterialLink
    from trainings.selectors import published_material

    registration = message.registration
    participant = _participant_recipient_check(registration)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise NotApplicable(_("A jelentkezést azóta lemondták."))
    course = registration.course
    if course.status == EventStatus.CANCELLED:
        raise NotApplicable(_("A képzés elmarad."))
    link = MaterialLink.objects.filter(registration=registration, revoked_at__isnull=True,
                                       expires_at__gt=timezone.now()).first()
    if link is None:
        raise NotApplicable(_("A tananyag-linket visszavonták vagy lejárt."))
    return _("Az Ön tananyaga: %(event)s") % {"event": str(course)}, "material_link", {
        "participant": participant, "registration": registration, "event": describe_event(course),
        "material_url": portal_url(reverse("trainings:material_home", kwargs={"token": link.token})),
        # The link expires at midnight after the programme's last day: that last day is what we print.
        "valid_until": link.expires_at - datetime.timedelta(seconds=1),
        "modules": list(published_material(course.site.programme)),
        "personal_url": personal_url(participant),
    }, []


def _library_events(library_id, today):
    confirmed = Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED), distinct=True)
    waitlisted = Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED), distinct=True)
    rows = []
    for day in InfoDay.objects.filter(library_id=library_id, status__in=LIVE_STATUSES, date__gte=today).annotate(
        confirmed=confirmed, waitlisted=waitlisted
    ):
        rows.append({"title": str(day), "kind": _("információs nap"), "start": info_day_start(day),
                     "capacity": day.capacity, "minimum": day.minimum, "confirmed": day.confirmed,
                     "waitlisted": day.waitlisted, "below_minimum": day.confirmed < day.minimum})
    for course in Course.objects.filter(site__library_id=library_id, status__in=LIVE_STATUSES).select_related(
        "site__programme"
    ).annotate(confirmed=confirmed, waitlisted=waitlisted, first_start=Min("sessions__starts_at")):
        minimum = min(course.site.programme.trainees_per_course, course.capacity)
        rows.append({"title": str(course), "kind": _("képzés"), "start": course.first_start,
                     "capacity": course.capacity, "minimum": minimum, "confirmed": course.confirmed,
                     "waitlisted": course.waitlisted, "below_minimum": course.confirmed < minimum})
    far_future = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    rows.sort(key=lambda r: r["start"] or far_future)
    return rows


def build_digest(message):
    user = message.user
    if not user.is_active or not user.library_id:
        raise NotApplicable(_("A koordinátor fiókja már nem aktív."))
    today = timezone.now().astimezone(local_zone()).date()
    events = _library_events(user.library_id, today)
    if not events:
        raise NotApplicable(_("A könyvtárnak nincs közelgő eseménye."))
    return _("Heti összefoglaló: %(library)s") % {"library": user.library.name}, "coordinator_digest", {
        "user": user, "library": user.library, "events": events,
        "below_minimum": [e for e in events if e["below_minimum"]], "portal_url": portal_url(),
    }, []


def build_attendance_missing(message):
    session = message.session
    if session.attendances.exists():
        raise NotApplicable(_("A jelenlétet azóta rögzítették."))
    if session.course.status == EventStatus.CANCELLED:
        raise NotApplicable(_("A képzés elmarad."))
    return _("Hiányzó jelenlét: %(session)s") % {"session": str(session)}, "attendance_missing", {
        "user": message.user, "session": session, "course": session.course, "portal_url": portal_url(),
    }, []


def build_below_minimum(message):
    event = message.info_day or message.course
    if event.status not in LIVE_STATUSES:
        raise NotApplicable(_("Az esemény elmarad vagy már lezajlott."))
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    minimum = message.context.get("minimum", getattr(event, "minimum", 0))
    if confirmed >= minimum:
        raise NotApplicable(_("A létszám azóta elérte a minimumot."))
    info = describe_event(event)
    return _("Alacsony létszám: %(event)s") % {"event": info["title"]}, "below_minimum", {
        "user": message.user, "event": info, "confirmed": confirmed, "minimum": minimum,
        "capacity": event.capacity, "portal_url": portal_url(),
    }, []


def build_evidence_missing(message):
    """The proof of a held event is still missing: skipped if it came back (or the event was cancelled)."""
    from evidence.reminders import evidence_reminder_context

    return evidence_reminder_context(message)


def build_password_reset(message):
    """The reset link is made now, from the account as it is: it is never stored in the outbox, and
    it stops working once the password changes or ``PASSWORD_RESET_TIMEOUT`` passes."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = message.user
    if user is None or not user.is_active or not user.has_usable_password():
        raise NotApplicable(_("A fiók már nem aktív."))
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = portal_url(reverse("password_reset_confirm", kwargs={
        "uidb64": uid, "token": default_token_generator.make_token(user)}))
    return _("Új jelszó a MENET portálon"), "password_reset", {
        "user": user, "link": link, "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }, []


def build_questionnaire(message):
    """The satisfaction questionnaire's personal link (feedback.services), once the event is over."""
    from feedback.models import Invitation
    from feedback.services import answer_url

    registration = message.registration
    participant = _participant_recipient_check(registration)
    invitation = Invitation.objects.filter(registration=registration).first()
    if invitation is None:
        raise NotApplicable(_("Ehhez a jelentkezéshez nincs kérdőív-meghívás."))
    if invitation.answered_at:
        raise NotApplicable(_("A résztvevő már kitöltötte a kérdőívet."))
    info = describe_event(registration.event)
    return _("Mondja el a véleményét: %(event)s") % {"event": info["title"]}, "questionnaire_invitation", {
        "participant": participant, "registration": registration, "event": info,
        "answer_url": answer_url(invitation), "personal_url": personal_url(participant),
    }, []


BUILDERS = {
    MessageKind.REGISTRATION_CONFIRMED: build_confirmed,
    MessageKind.REGISTRATION_WAITLISTED: build_waitlisted,
    MessageKind.REGISTRATION_PROMOTED: build_promoted,
    MessageKind.REGISTRATION_OPT_IN: build_opt_in,
    MessageKind.EVENT_REMINDER: build_reminder,
    MessageKind.MATERIAL_LINK: build_material_link,
    MessageKind.EVENT_CANCELLED: build_cancelled,
    MessageKind.EVENT_RESCHEDULED: build_rescheduled,
    MessageKind.COORDINATOR_DIGEST: build_digest,
    MessageKind.ATTENDANCE_MISSING: build_attendance_missing,
    MessageKind.BELOW_MINIMUM: build_below_minimum,
    MessageKind.PASSWORD_RESET: build_password_reset,
    MessageKind.EVIDENCE_MISSING: build_evidence_missing,
    MessageKind.QUESTIONNAIRE_INVITATION: build_questionnaire,
}


def build_email(message: OutboxMessage, *, connection=None) -> EmailMultiAlternatives:
    """The e-mail for an outbox row, in Hungarian and in the portal's time zone."""
    with translation.override(settings.LANGUAGE_CODE), timezone.override(local_zone()):
        subject, template, context, attachments = BUILDERS[message.kind](message)
        context = {**context, "message": message, "subject": subject}
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    email = EmailMultiAlternatives(
        subject=subject, body=text, to=[message.recipient], connection=connection,
        headers={"Message-ID": f"<outbox-{message.pk}@{ICS_DOMAIN}>"},
    )
    email.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        email.attach(name, content, mimetype)
    return email
