"""The outbox in eager mode: every message kind, its timing edges, retries and the staff page."""

import datetime
import re
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from events.models import EventStatus
from events.services import cancel_event
from events.signals import event_cancelled
from menet_portal.models import MessageKind, OutboxMessage, OutboxStatus
from menet_portal.notifications import outbox
from menet_portal.notifications.messages import opt_out_token, participant_from_token
from menet_portal.tests.factories import (
    AttendanceFactory,
    CoordinatorFactory,
    CourseFactory,
    InfoDayFactory,
    ParticipantFactory,
    ProgrammeFactory,
    RegistrationFactory,
    SessionFactory,
    StaffFactory,
)
from menet_portal.tests.outbox_helpers import clock, local, utc  # noqa: F401 (fixture)
from participants.models import RegistrationStatus
from participants.services import cancel_registration, register_participant

pytestmark = pytest.mark.django_db


def _register(event, capture, **kwargs):
    with capture(execute=True):
        return register_participant(participant=kwargs.pop("participant", None) or ParticipantFactory(), event=event)


def _dispatch(capture, now=None):
    with capture(execute=True):
        return outbox.dispatch_due(now=now)


def _mails(prefix):
    return [m for m in mail.outbox if m.subject.startswith(prefix)]


def _reminders():
    return OutboxMessage.objects.filter(kind=MessageKind.EVENT_REMINDER)


# --- transactional messages ---------------------------------------------------------------------

def test_registration_confirmation_is_one_hungarian_email_after_commit(django_capture_on_commit_callbacks):
    day = InfoDayFactory(title="Információs nap Tatán")
    person = ParticipantFactory(family_name="Szabó", given_name="Éva", email="szabo.eva@example.hu")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register_participant(participant=person, event=day)
        assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["szabo.eva@example.hu"]
    assert email.subject == "Jelentkezését visszaigazoltuk: Információs nap Tatán"
    assert "Kedves Szabó Éva!" in email.body
    html = email.alternatives[0][0]
    assert "Kedves Szabó Éva!" in html and email.alternatives[0][1] == "text/html"
    assert "leiratkozas" not in email.body  # transactional messages carry no opt-out
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.SENT and message.sent_at and message.attempts == 1
    assert email.extra_headers["Message-ID"] == f"<outbox-{message.pk}@menet.mke.hu>"


def test_rolled_back_registration_writes_and_sends_nothing(django_capture_on_commit_callbacks):
    day = InfoDayFactory()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                register_participant(participant=ParticipantFactory(), event=day)
                raise RuntimeError("the request failed after registering")
    assert OutboxMessage.objects.count() == 0 and mail.outbox == []


def test_waiting_list_and_promotion_notices(django_capture_on_commit_callbacks):
    day = InfoDayFactory(capacity=1, minimum=1)
    first = _register(day, django_capture_on_commit_callbacks)
    second = _register(day, django_capture_on_commit_callbacks)
    assert second.status == RegistrationStatus.WAITLISTED
    assert mail.outbox[1].subject.startswith("Várólistára került")
    assert "várólista 1. helyén" in mail.outbox[1].body
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(registration=first, reason="Beteg lett.")
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "Jelentkezését visszaigazoltuk", "Várólistára került", "Felszabadult egy hely, bekerült",
    ]
    assert mail.outbox[2].to == [second.participant.email]
    kinds = sorted(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == sorted([MessageKind.REGISTRATION_CONFIRMED, MessageKind.REGISTRATION_WAITLISTED,
                            MessageKind.REGISTRATION_PROMOTED])


def test_the_same_change_signalled_twice_is_written_and_sent_once(django_capture_on_commit_callbacks):
    from participants.signals import registration_changed

    day = InfoDayFactory()
    registration = _register(day, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        registration_changed.send(sender=type(registration), registration=registration, change="confirmed")
    assert OutboxMessage.objects.count() == 1 and len(mail.outbox) == 1


def test_participant_without_email_gets_no_row(django_capture_on_commit_callbacks):
    _register(InfoDayFactory(), django_capture_on_commit_callbacks, participant=ParticipantFactory(email=""))
    assert OutboxMessage.objects.count() == 0


def test_redis_down_at_registration_loses_nothing(django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    day = InfoDayFactory()
    with mock.patch("menet_portal.tasks.send_batch.apply_async", side_effect=OperationalError("Redis is down")):
        registration = _register(day, django_capture_on_commit_callbacks)  # the registration still succeeds
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.SCHEDULED and message.queued_at is None and mail.outbox == []
    counts = _dispatch(django_capture_on_commit_callbacks)
    assert counts["queued"] == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and len(mail.outbox) == 1
    _dispatch(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_event_cancellation_notifies_holders_and_waiting_and_drops_reminders(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 10, 1, 12, 0))
    day = InfoDayFactory(date=datetime.date(2026, 10, 22), capacity=1, minimum=1)
    holder = RegistrationFactory(info_day=day)
    waiting = RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(info_day=day, status=RegistrationStatus.CANCELLED, cancelled_at=clock())
    clock.set(local(2026, 10, 19, 9, 30))
    with mock.patch("menet_portal.notifications.outbox.publish", return_value=True):
        outbox.dispatch_due()  # the 3-day reminder is written and queued, the worker has not run yet
    pending = _reminders().get(registration=holder)
    assert pending.status == OutboxStatus.SCHEDULED
    with django_capture_on_commit_callbacks(execute=True):
        cancel_event(event=day, reason="A terem beázott.")  # cancels the registrations, then signals
    assert sorted(m.to[0] for m in mail.outbox) == sorted([holder.participant.email, waiting.participant.email])
    assert all(m.subject.startswith("Elmarad:") and "A terem beázott." in m.body for m in mail.outbox)
    pending.refresh_from_db()
    assert pending.status == OutboxStatus.SKIPPED
    clock.set(local(2026, 10, 21, 9, 0))
    _dispatch(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2  # no reminder for a cancelled event
    assert not _reminders().filter(status=OutboxStatus.SENT).exists()


def test_event_cancelled_signal_alone_notifies_every_active_registration(django_capture_on_commit_callbacks):
    course = CourseFactory()
    active = RegistrationFactory.create_batch(3, info_day=None, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            course.status = EventStatus.CANCELLED
            course.save()
            event_cancelled.send(sender=type(course), event=course, reason="Az oktató megbetegedett.")
            event_cancelled.send(sender=type(course), event=course, reason="Az oktató megbetegedett.")  # twice
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.participant.email for r in active)
    assert OutboxMessage.objects.filter(kind=MessageKind.EVENT_CANCELLED, course=course).count() == 3


# --- reminders --------------------------------------------------------------------------------------

def test_info_day_reminders_three_and_one_day_before_with_ics_and_opt_out(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 11, 1, 12, 0))
    day = InfoDayFactory(date=datetime.date(2026, 11, 20), start_time=datetime.time(9, 0), title="Infonap Egerben")
    registration = RegistrationFactory(info_day=day)
    clock.set(local(2026, 11, 17, 8, 59))
    _dispatch(django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not _reminders().exists()
    clock.set(local(2026, 11, 17, 9, 0))
    _dispatch(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == "Emlékeztető: Infonap Egerben, 2026. november 20."
    assert "3 nap múlva várjuk" in email.body
    assert "2026. november 20., péntek 09:00–13:00" in email.body
    link = re.search(r"http://\S+/ertesitesek/leiratkozas/(\S+)/", email.body)
    assert link and participant_from_token(link.group(1)) == registration.participant
    assert link.group(0) in email.alternatives[0][0]
    name, ics, mimetype = email.attachments[0]
    assert name == "esemeny.ics" and mimetype == "text/calendar"
    assert "DTSTART:20261120T080000Z" in ics and "SUMMARY:Infonap Egerben" in ics
    clock.set(local(2026, 11, 17, 9, 5))
    _dispatch(django_capture_on_commit_callbacks)  # a second beat tick: nothing new
    assert len(mail.outbox) == 1
    clock.set(local(2026, 11, 19, 9, 0))
    _dispatch(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 and "holnap várjuk" in mail.outbox[1].body
    assert _reminders().filter(status=OutboxStatus.SENT).count() == 2


def test_reminders_across_the_autumn_dst_change_use_local_wall_clock(django_capture_on_commit_callbacks, clock):
    # Clocks go back on Sunday 25 October 2026 at 3:00 (CEST +2 → CET +1).
    clock.set(local(2026, 10, 1, 12, 0))
    day = InfoDayFactory(date=datetime.date(2026, 10, 26), start_time=datetime.time(9, 0))  # Monday, CET
    RegistrationFactory(info_day=day)
    # 3 days before = Friday 23 Oct 9:00 CEST = 07:00 UTC (73 hours before the start, not 72).
    clock.set(utc(2026, 10, 23, 6, 59))
    _dispatch(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    clock.set(utc(2026, 10, 23, 7, 0))
    _dispatch(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and "3 nap múlva" in mail.outbox[0].body
    # 1 day before = Sunday 25 Oct 9:00 CET = 08:00 UTC (25 hours before, not 24).
    clock.set(utc(2026, 10, 25, 7, 59))
    _dispatch(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    clock.set(utc(2026, 10, 25, 8, 0))
    _dispatch(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 and "holnap várjuk" in mail.outbox[1].body
    due = dict(_reminders().values_list("context__days", "due_at"))
    assert due == {3: utc(2026, 10, 23, 7, 0), 1: utc(2026, 10, 25, 8, 0)}


def test_reminder_whose_window_passed_unseen_is_recorded_missed(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 10, 1, 12, 0))
    RegistrationFactory(info_day=InfoDayFactory(date=datetime.date(2026, 10, 26)))
    clock.set(utc(2026, 10, 25, 8, 30))  # the dispatcher was down from before the 3-day point until now
    _dispatch(django_capture_on_commit_callbacks)
    assert dict(_reminders().values_list("context__days", "status")) == {
        3: OutboxStatus.MISSED, 1: OutboxStatus.SENT,
    }
    assert len(mail.outbox) == 1 and "holnap" in mail.outbox[0].body


def test_reminders_across_the_spring_dst_change(django_capture_on_commit_callbacks, clock):
    # Clocks go forward on Sunday 28 March 2027 at 2:00 (CET +1 → CEST +2).
    clock.set(local(2027, 3, 1, 12, 0))
    course = CourseFactory(site__programme=ProgrammeFactory(reminder_days_before=[3, 1]))
    session = SessionFactory(course=course, number=1, starts_at=local(2027, 3, 29, 17, 0),
                             ends_at=local(2027, 3, 29, 21, 0))
    RegistrationFactory(info_day=None, course=course)
    clock.set(utc(2027, 3, 26, 15, 59))  # 3 days before = Fri 26 Mar 17:00 CET = 16:00 UTC
    _dispatch(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    clock.set(utc(2027, 3, 26, 16, 0))
    _dispatch(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and "3 nap múlva" in mail.outbox[0].body
    assert "1. foglalkozás" in mail.outbox[0].subject
    clock.set(utc(2027, 3, 28, 14, 59))  # 1 day before = Sun 28 Mar 17:00 CEST = 15:00 UTC (23 hours)
    _dispatch(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    clock.set(utc(2027, 3, 28, 15, 0))
    _dispatch(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert "DTSTART:20270329T150000Z" in mail.outbox[1].attachments[0][1]
    assert set(_reminders().values_list("session_id", flat=True)) == {session.pk}


def test_every_session_of_a_course_gets_its_own_reminders(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 12, 1, 12, 0))
    course = CourseFactory(site__programme=ProgrammeFactory(reminder_days_before=[1]))
    for n in (1, 2):
        SessionFactory(course=course, number=n, starts_at=local(2026, 12, 10 + n, 9, 0),
                       ends_at=local(2026, 12, 10 + n, 13, 0))
    RegistrationFactory(info_day=None, course=course)
    clock.set(local(2026, 12, 11, 9, 30))
    _dispatch(django_capture_on_commit_callbacks)
    statuses = sorted(_reminders().values_list("status", flat=True))
    # the first session's reminder (due 10 Dec 9:00) window ended when the session started: missed
    assert statuses == [OutboxStatus.MISSED, OutboxStatus.SENT]


def test_no_reminders_for_cancelled_opted_out_or_late_registrations(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 11, 1, 12, 0))
    day = InfoDayFactory(date=datetime.date(2026, 11, 20), minimum=1)
    keeps = RegistrationFactory(info_day=day)
    RegistrationFactory(info_day=day, status=RegistrationStatus.CANCELLED, cancelled_at=clock())
    RegistrationFactory(info_day=day, participant=ParticipantFactory(reminders_opt_out=True))
    RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED)
    # Confirmed after the 3-day reminder fell due: they had the confirmation, no 3-day reminder.
    late = RegistrationFactory(info_day=day, confirmed_at=local(2026, 11, 17, 10, 0))
    clock.set(local(2026, 11, 17, 12, 0))
    _dispatch(django_capture_on_commit_callbacks)
    assert {m.to[0] for m in mail.outbox} == {keeps.participant.email}
    assert not _reminders().filter(registration=late).exists()
    clock.set(local(2026, 11, 19, 9, 0))
    mail.outbox.clear()
    _dispatch(django_capture_on_commit_callbacks)
    assert {m.to[0] for m in mail.outbox} == {keeps.participant.email, late.participant.email}


def test_reminder_written_then_registration_cancelled_is_skipped_not_sent(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 11, 1, 12, 0))
    day = InfoDayFactory(date=datetime.date(2026, 11, 20), minimum=1)
    registration = RegistrationFactory(info_day=day)
    clock.set(local(2026, 11, 17, 12, 0))
    with mock.patch("menet_portal.notifications.outbox.publish", return_value=True):
        outbox.dispatch_due()  # written and "queued", but the worker has not run yet
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(registration=registration, reason="Mégsem ér rá.")
    row = _reminders().get()
    assert row.status == OutboxStatus.SKIPPED and "lemond" in row.last_error
    assert outbox.deliver(row.pk) is None and mail.outbox == []


def test_reminder_for_a_rescheduled_event_is_skipped(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 11, 1, 12, 0))
    day = InfoDayFactory(date=datetime.date(2026, 11, 20))
    RegistrationFactory(info_day=day)
    clock.set(local(2026, 11, 17, 12, 0))
    with mock.patch("menet_portal.notifications.outbox.publish", return_value=True):
        outbox.dispatch_due()
    day.start_time = datetime.time(10, 0)
    day.save()
    row = _reminders().get()
    assert outbox.deliver(row.pk) == OutboxStatus.SKIPPED and mail.outbox == []


def test_opt_out_link_asks_then_switches_reminders_off(client):
    person = ParticipantFactory()
    url = reverse("notifications:opt_out", kwargs={"token": opt_out_token(person)})
    page = client.get(url)
    assert page.status_code == 200 and "Nem kérek emlékeztetőt" in page.content.decode()
    person.refresh_from_db()
    assert person.reminders_opt_out is False  # a GET (mail scanners) changes nothing
    done = client.post(url)
    assert done.status_code == 200
    person.refresh_from_db()
    assert person.reminders_opt_out is True


def test_forged_opt_out_link_is_refused_and_changes_nothing(client):
    person = ParticipantFactory()
    token = opt_out_token(person)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    response = client.post(reverse("notifications:opt_out", kwargs={"token": forged}))
    assert response.status_code == 404 and "érvénytelen" in response.content.decode()
    person.refresh_from_db()
    assert person.reminders_opt_out is False


# --- coordinators and staff ------------------------------------------------------------------------

def test_weekly_digest_goes_out_on_monday_morning_once(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 11, 1, 12, 0))
    coordinator = CoordinatorFactory(email="koord@example.hu")
    CoordinatorFactory()  # a library with no events: no digest
    day = InfoDayFactory(library=coordinator.library, date=datetime.date(2026, 12, 20), capacity=30, minimum=25)
    RegistrationFactory.create_batch(3, info_day=day)
    clock.set(local(2026, 11, 30, 6, 59))  # Monday
    _dispatch(django_capture_on_commit_callbacks)
    assert mail.outbox == []
    clock.set(local(2026, 11, 30, 7, 0))
    _dispatch(django_capture_on_commit_callbacks)
    clock.set(local(2026, 12, 2, 7, 0))
    _dispatch(django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["koord@example.hu"]]
    digest = mail.outbox[0]
    assert digest.subject.startswith("Heti összefoglaló:")
    assert "3 / 30 visszaigazolt" in digest.body and "A MINIMUM ALATT" in digest.body
    assert OutboxMessage.objects.get(kind=MessageKind.COORDINATOR_DIGEST).slot == "2026-W49"
    clock.set(local(2026, 12, 7, 7, 0))
    _dispatch(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2  # the next week's


def test_missing_attendance_notice_24_hours_after_the_session(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 11, 1, 12, 0))
    coordinator = CoordinatorFactory(email="koord@example.hu")
    course = CourseFactory(site__library=coordinator.library)
    late_one = SessionFactory(course=course, number=1, starts_at=local(2026, 11, 10, 9, 0),
                              ends_at=local(2026, 11, 10, 13, 0))
    recorded = SessionFactory(course=course, number=2, starts_at=local(2026, 11, 10, 14, 0),
                              ends_at=local(2026, 11, 10, 18, 0))
    registration = RegistrationFactory(info_day=None, course=course)
    AttendanceFactory(registration=registration, session=recorded)
    clock.set(local(2026, 11, 11, 12, 59))
    _dispatch(django_capture_on_commit_callbacks)
    assert _mails("Hiányzó jelenlét") == []
    clock.set(local(2026, 11, 11, 13, 0))
    _dispatch(django_capture_on_commit_callbacks)
    assert [m.to for m in _mails("Hiányzó jelenlét")] == [["koord@example.hu"]]
    assert "1. foglalkozás" in _mails("Hiányzó jelenlét")[0].body
    notice = OutboxMessage.objects.get(kind=MessageKind.ATTENDANCE_MISSING)
    assert notice.session_id == late_one.pk
    clock.advance(days=1)
    _dispatch(django_capture_on_commit_callbacks)
    assert len(_mails("Hiányzó jelenlét")) == 1


def test_below_minimum_alert_to_staff_seven_days_before(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 11, 1, 12, 0))
    staff = StaffFactory(email="mke@example.hu")
    low = InfoDayFactory(date=datetime.date(2026, 11, 20), capacity=30, minimum=25)
    full = InfoDayFactory(date=datetime.date(2026, 11, 20), capacity=2, minimum=2)
    RegistrationFactory.create_batch(2, info_day=full)
    RegistrationFactory.create_batch(2, info_day=low)
    clock.set(local(2026, 11, 13, 8, 59))
    _dispatch(django_capture_on_commit_callbacks)
    assert [m for m in mail.outbox if m.to == [staff.email]] == []
    clock.set(local(2026, 11, 13, 9, 0))
    _dispatch(django_capture_on_commit_callbacks)
    alerts = [m for m in mail.outbox if m.to == [staff.email]]
    assert len(alerts) == 1 and alerts[0].subject.startswith("Alacsony létszám:")
    assert "2 visszaigazolt résztvevő a szükséges 25 helyett" in alerts[0].body
    assert OutboxMessage.objects.get(kind=MessageKind.BELOW_MINIMUM).info_day_id == low.pk


# --- retries, failures, resending -------------------------------------------------------------------

def _failing_send(exc):
    return mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=exc)


def test_smtp_failures_retry_with_backoff_then_fail_with_the_error(django_capture_on_commit_callbacks, clock, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    start = clock.set(local(2026, 11, 2, 10, 0))
    with _failing_send(smtplib.SMTPServerDisconnected("Connection unexpectedly closed")):
        _register(InfoDayFactory(), django_capture_on_commit_callbacks)
        message = OutboxMessage.objects.get()
        assert (message.status, message.attempts) == (OutboxStatus.SCHEDULED, 1)
        assert message.send_after == start + datetime.timedelta(seconds=60)
        assert "SMTPServerDisconnected" in message.last_error
        clock.set(start + datetime.timedelta(seconds=59))
        _dispatch(django_capture_on_commit_callbacks)
        message.refresh_from_db()
        assert message.attempts == 1  # not before the backoff
        clock.set(start + datetime.timedelta(seconds=60))
        _dispatch(django_capture_on_commit_callbacks)
        message.refresh_from_db()
        assert message.attempts == 2 and message.send_after == clock() + datetime.timedelta(seconds=120)
        clock.advance(seconds=120)
        _dispatch(django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert "Connection unexpectedly closed" in message.last_error and mail.outbox == []
    clock.advance(hours=1)
    _dispatch(django_capture_on_commit_callbacks)
    assert mail.outbox == []  # failed stays failed until staff resend it


def test_permanent_smtp_refusal_fails_at_once(django_capture_on_commit_callbacks):
    refusal = smtplib.SMTPRecipientsRefused({"x@example.hu": (550, b"No such user")})
    with _failing_send(refusal):
        _register(InfoDayFactory(), django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.FAILED and message.attempts == 1


def test_staff_outbox_page_filters_and_resends_a_failed_message(django_capture_on_commit_callbacks, login, staff):
    with _failing_send(smtplib.SMTPRecipientsRefused({"x": (550, b"No such user")})):
        _register(InfoDayFactory(), django_capture_on_commit_callbacks)
    _register(InfoDayFactory(), django_capture_on_commit_callbacks)
    failed = OutboxMessage.objects.get(status=OutboxStatus.FAILED)
    client = login(staff)
    page = client.get(reverse("notifications:outbox"), {"status": "failed"})
    body = page.content.decode()
    assert page.status_code == 200 and failed.recipient in body and "Újraküldés" in body
    assert "sikertelen: 1" in body and "elküldve: 1" in body
    sent = OutboxMessage.objects.get(status=OutboxStatus.SENT)
    assert sent.recipient not in body  # filtered out
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:resend", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.SENT and len(mail.outbox) == 2


def test_resending_a_message_that_did_not_fail_is_refused(login, staff, django_capture_on_commit_callbacks):
    _register(InfoDayFactory(), django_capture_on_commit_callbacks)
    sent = OutboxMessage.objects.get()
    response = login(staff).post(reverse("notifications:resend", args=[sent.pk]), follow=True)
    assert "Csak sikertelen üzenetet lehet újraküldeni." in response.content.decode()
    assert len(mail.outbox) == 1


def test_bad_filter_input_is_reported_and_lists_nothing_wrong(login, staff):
    response = login(staff).get(reverse("notifications:outbox"), {"status": "bogus", "due_from": "tegnap"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("invalid-feedback") == 2 and 'value="bogus"' not in body


def test_outbox_page_queries_do_not_grow_with_rows(django_capture_on_commit_callbacks, login, staff,
                                                   django_assert_max_num_queries):
    for _ in range(12):
        _register(InfoDayFactory(title=""), django_capture_on_commit_callbacks)
    client = login(staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:outbox"))
    assert response.status_code == 200 and response.content.decode().count("Újraküldés") == 0


def test_outbox_page_is_for_staff_only(login, coordinator, client):
    assert login(coordinator).get(reverse("notifications:outbox")).status_code == 403
    client.logout()
    assert client.get(reverse("notifications:outbox")).status_code == 302


def test_send_due_reminders_command_runs_one_pass(django_capture_on_commit_callbacks, clock, capsys):
    clock.set(local(2026, 11, 1, 12, 0))
    RegistrationFactory(info_day=InfoDayFactory(date=datetime.date(2026, 11, 20)))
    clock.set(local(2026, 11, 17, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_due_reminders")
    assert "reminders=1" in capsys.readouterr().out and len(mail.outbox) == 1


def test_a_reminder_reached_only_after_its_window_is_missed_not_sent(django_capture_on_commit_callbacks, clock):
    clock.set(local(2026, 11, 1, 12, 0))
    RegistrationFactory(info_day=InfoDayFactory(date=datetime.date(2026, 11, 20)))
    clock.set(local(2026, 11, 17, 9, 0))
    with mock.patch("menet_portal.notifications.outbox.publish", return_value=True):
        outbox.dispatch_due()  # written and queued, but no worker ran for days
    row = _reminders().get()
    clock.set(local(2026, 11, 19, 9, 0))  # the 1-day reminder is due: the 3-day one is pointless now
    assert outbox.deliver(row.pk) == OutboxStatus.MISSED
    assert mail.outbox == []


def test_beat_runs_the_dispatcher_task(django_capture_on_commit_callbacks, clock, settings):
    from menet_portal.celery import app
    from menet_portal.tasks import dispatch_due_messages

    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-due-messages"]
    assert entry["task"] in app.tasks and entry["schedule"] <= 300
    clock.set(local(2026, 11, 1, 12, 0))
    RegistrationFactory(info_day=InfoDayFactory(date=datetime.date(2026, 11, 20)))
    clock.set(local(2026, 11, 17, 9, 0))
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_due_messages.delay()
    assert len(mail.outbox) == 1 and _reminders().get().status == OutboxStatus.SENT


def test_the_database_refuses_a_second_copy_of_a_message():
    from django.db import IntegrityError

    fields = {"kind": MessageKind.COORDINATOR_DIGEST, "recipient": "koord@example.hu",
              "subject_key": "user:1", "slot": "2026-W49"}
    OutboxMessage.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(**fields)
    OutboxMessage.objects.create(**{**fields, "slot": "2026-W50"})  # next week's is another message
    assert OutboxMessage.objects.count() == 2
