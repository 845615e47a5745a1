"""The trainees' personal learning-material links go out through the outbox when the course starts:
once per trainee per course, by the periodic dispatch; a trainee who gets a place after the start
is sent theirs when they get it."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import EventStatus
from menet_portal.notifications import outbox
from menet_portal.notifications.models import MessageKind, OutboxMessage, OutboxStatus
from menet_portal.tests.factories import CourseFactory, ParticipantFactory, ProgrammeFactory, SessionFactory
from participants.models import RegistrationStatus
from participants.services import cancel_registration, register_participant
from public_site import tokens
from trainings.models import MaterialLink
from trainings.services import revoke_material_link

from .factories import LearningModuleFactory, trainee

pytestmark = pytest.mark.django_db


def _course(first_starts_in=datetime.timedelta(days=2), **kwargs):
    programme = ProgrammeFactory(end_date=(timezone.now() + datetime.timedelta(days=200)).date())
    course = CourseFactory(site__programme=programme, **kwargs)
    start = timezone.now() + first_starts_in
    sessions = [SessionFactory(course=course, number=n, starts_at=start + datetime.timedelta(days=7 * (n - 1)))
                for n in range(1, 5)]
    LearningModuleFactory(programme=programme, title="Belépés az e-ügyintézéshez")
    return course, sessions


def _start(session):
    session.starts_at = timezone.now() - datetime.timedelta(minutes=5)
    session.ends_at = session.starts_at + datetime.timedelta(hours=4)
    session.save()


def _dispatch(capture):
    with capture(execute=True):
        return outbox.dispatch_due()


def _material_mails(email=None):
    found = [m for m in mail.outbox if "tananyag" in m.subject.lower()]
    return [m for m in found if email in m.to] if email else found


def test_nothing_goes_out_before_the_first_session_starts(django_capture_on_commit_callbacks):
    course, _sessions = _course()
    trainee(course)
    _dispatch(django_capture_on_commit_callbacks)
    assert not OutboxMessage.objects.filter(kind=MessageKind.MATERIAL_LINK).exists()
    assert _material_mails() == []


def test_first_session_start_mails_each_confirmed_trainee_their_own_link_once(django_capture_on_commit_callbacks):
    course, sessions = _course()
    anna, bela = trainee(course), trainee(course)
    gone = trainee(course)
    cancel_registration(registration=gone, reason="Elköltözött.")
    waiting = trainee(course, status=RegistrationStatus.WAITLISTED, confirmed_at=None)
    no_mail = trainee(course, participant=ParticipantFactory(email=""))
    _start(sessions[0])
    mail.outbox.clear()
    _dispatch(django_capture_on_commit_callbacks)
    rows = OutboxMessage.objects.filter(kind=MessageKind.MATERIAL_LINK)
    assert sorted(rows.values_list("registration_id", flat=True)) == sorted([anna.pk, bela.pk])
    assert set(rows.values_list("status", flat=True)) == {OutboxStatus.SENT}
    for registration in (anna, bela):
        (email,) = _material_mails(registration.participant.email)
        link = MaterialLink.objects.get(registration=registration, revoked_at__isnull=True)
        assert reverse("trainings:material_home", kwargs={"token": link.token}) in email.body
        assert reverse("trainings:material_home", kwargs={"token": link.token}) in email.alternatives[0][0]
        assert "/sajat-oldal/" in email.body  # the personal page, which links the material too
        assert "Belépés az e-ügyintézéshez" in email.body
        assert course.title in email.subject
        last_day = course.site.programme.end_date
        assert f"A link érvényes eddig: {last_day.year}. " in email.body
        assert f" {last_day.day}. Ne adja tovább" in email.body, [l for l in email.body.splitlines() if "érvényes" in l]
    for registration in (waiting, gone, no_mail):
        assert not MaterialLink.objects.filter(registration=registration).exists()
    # A second and a third pass send nothing more.
    _dispatch(django_capture_on_commit_callbacks)
    _dispatch(django_capture_on_commit_callbacks)
    assert len(_material_mails()) == 2 and rows.count() == 2


def test_an_existing_link_is_reused_not_replaced(django_capture_on_commit_callbacks):
    from trainings.services import issue_material_link

    course, sessions = _course()
    registration = trainee(course)
    issued = issue_material_link(registration=registration)
    _start(sessions[0])
    _dispatch(django_capture_on_commit_callbacks)
    (email,) = _material_mails(registration.participant.email)
    assert issued.token in email.body
    assert MaterialLink.objects.filter(registration=registration).count() == 1


def test_a_trainee_who_joins_after_the_start_gets_the_link_when_confirmed(django_capture_on_commit_callbacks):
    course, sessions = _course()
    # The default rule needs all 4 sessions, so a newcomer must have attended none yet: the
    # first session has started (the course is under way) and is still running.
    _start(sessions[0])
    from events.models import LateJoinPolicy

    programme = course.site.programme
    programme.late_join_policy = LateJoinPolicy.ACCEPT_NOT_ELIGIBLE
    programme.save()
    _dispatch(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        late = register_participant(participant=ParticipantFactory(), event=course)
    assert late.status == RegistrationStatus.CONFIRMED
    (email,) = _material_mails(late.participant.email)
    assert MaterialLink.objects.get(registration=late).token in email.body
    _dispatch(django_capture_on_commit_callbacks)
    assert len(_material_mails(late.participant.email)) == 1


def test_a_trainee_promoted_from_the_waiting_list_after_the_start_gets_it(django_capture_on_commit_callbacks):
    from events.models import LateJoinPolicy

    course, sessions = _course(capacity=1)
    programme = course.site.programme
    programme.late_join_policy = LateJoinPolicy.ACCEPT_NOT_ELIGIBLE
    programme.save()
    first = trainee(course)
    waiting = trainee(course, status=RegistrationStatus.WAITLISTED, confirmed_at=None)
    _start(sessions[0])
    _dispatch(django_capture_on_commit_callbacks)
    assert len(_material_mails()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(registration=first, reason="Beteg lett.")
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert len(_material_mails(waiting.participant.email)) == 1


def test_revoked_link_or_cancelled_place_before_sending_is_skipped(django_capture_on_commit_callbacks, monkeypatch):
    course, sessions = _course()
    kept, cancelled = trainee(course), trainee(course)
    _start(sessions[0])
    monkeypatch.setattr(outbox, "publish", lambda pks: True)  # written, not yet sent
    outbox.dispatch_due()
    revoke_material_link(link=MaterialLink.objects.get(registration=kept), revoked_by=None)
    cancel_registration(registration=cancelled, reason="Mégsem ér rá.")
    for row in OutboxMessage.objects.filter(kind=MessageKind.MATERIAL_LINK):
        assert outbox.deliver(row.pk) == OutboxStatus.SKIPPED
    assert _material_mails() == []


def test_cancelled_course_sends_nothing(django_capture_on_commit_callbacks):
    course, sessions = _course()
    trainee(course)
    _start(sessions[0])
    course.status = EventStatus.CANCELLED
    course.save()
    _dispatch(django_capture_on_commit_callbacks)
    assert not OutboxMessage.objects.filter(kind=MessageKind.MATERIAL_LINK).exists()


def test_the_personal_page_links_to_the_learning_material(client, django_capture_on_commit_callbacks):
    course, sessions = _course()
    registration = trainee(course)
    _start(sessions[0])
    _dispatch(django_capture_on_commit_callbacks)
    link = MaterialLink.objects.get(registration=registration)
    page = client.get(reverse("public:personal", kwargs={"token": tokens.personal_token(registration.participant)}))
    html = page.content.decode()
    url = reverse("trainings:material_home", kwargs={"token": link.token})
    assert url in html and "A tananyag megnyitása" in html
    assert client.get(url).status_code == 200
    # Once the place is cancelled the page no longer offers a link that would answer 404.
    cancel_registration(registration=registration, reason="Elköltözött.")
    html = client.get(reverse("public:personal", kwargs={
        "token": tokens.personal_token(registration.participant)})).content.decode()
    assert url not in html
    assert re.search(r"tananyag megnyitása", html) is None
