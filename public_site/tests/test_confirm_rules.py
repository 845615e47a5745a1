"""Opening the e-mail link goes through the same rules as the coordinator: the late-joiner rule,
the hold, the waiting list. The checks live in ``participants.services.confirm_self_registration``."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import LateJoinPolicy
from menet_portal.notifications.models import MessageKind, OutboxMessage
from menet_portal.tests.factories import (
    CourseFactory,
    InfoDayFactory,
    ParticipantFactory,
    ProgrammeFactory,
    RegistrationFactory,
    SessionFactory,
)
from participants.models import RegistrationStatus
from participants.services import (
    HoldExpired,
    LateJoinRefused,
    availability,
    confirm_self_registration,
    register_participant,
)
from public_site import tokens
from public_site.models import RateLimitHit
from public_site.registration import hold_until

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    RateLimitHit.objects.all().delete()


def _course(policy=LateJoinPolicy.REFUSE, capacity=15):
    course = CourseFactory(site__programme=ProgrammeFactory(late_join_policy=policy), capacity=capacity)
    start = timezone.now() + datetime.timedelta(hours=2)
    sessions = [SessionFactory(course=course, number=n, starts_at=start + datetime.timedelta(days=7 * (n - 1)))
                for n in range(1, 5)]
    return course, sessions


def _first_session_started(sessions):
    first = sessions[0]
    first.starts_at = timezone.now() - datetime.timedelta(hours=1)
    first.ends_at = first.starts_at + datetime.timedelta(hours=4)
    first.save()


def _self_registered(course):
    return register_participant(participant=ParticipantFactory(), event=course, source="self_service",
                                hold_until=hold_until())


def test_confirming_after_the_course_got_too_far_is_refused_and_frees_the_place():
    course, sessions = _course()
    registration = _self_registered(course)
    assert registration.status == RegistrationStatus.PENDING
    _first_session_started(sessions)  # 3 left, the default rule needs all 4
    with pytest.raises(LateJoinRefused) as refused:
        confirm_self_registration(registration=registration)
    assert "új jelentkező már nem fogadható" in str(refused.value)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED  # the refusal is kept, not rolled back
    assert "nem fogadható" in registration.cancel_reason
    assert availability(course).held == 0


def test_confirming_when_the_programme_accepts_late_joiners_flags_not_eligible():
    course, sessions = _course(policy=LateJoinPolicy.ACCEPT_NOT_ELIGIBLE)
    registration = _self_registered(course)
    _first_session_started(sessions)
    registration = confirm_self_registration(registration=registration)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.eligible_for_certificate is False


def test_unconfirmed_waiting_list_entry_is_refused_too():
    course, sessions = _course(capacity=1)
    RegistrationFactory(info_day=None, course=course)
    waiting = _self_registered(course)
    assert waiting.status == RegistrationStatus.WAITLISTED
    _first_session_started(sessions)
    with pytest.raises(LateJoinRefused):
        confirm_self_registration(registration=waiting)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CANCELLED


def test_the_public_link_shows_the_refusal_in_hungarian(client):
    course, sessions = _course()
    registration = _self_registered(course)
    _first_session_started(sessions)
    response = client.get(reverse("public:confirm", kwargs={"token": tokens.opt_in_token(registration)}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "új jelentkező már nem fogadható" in html
    assert "Újra jelentkezem" not in html
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_link_opened_after_the_hold_expires_it_then_and_there_and_promotes(client):
    """The beat task has not run yet: opening the link must not leave a dead pending place."""
    day = InfoDayFactory(capacity=1, minimum=1)
    registration = register_participant(participant=ParticipantFactory(), event=day, source="self_service",
                                        hold_until=hold_until())
    waiting = RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED, confirmed_at=None)
    later = timezone.now() + datetime.timedelta(hours=25)
    with pytest.raises(HoldExpired):
        confirm_self_registration(registration=registration, now=later)
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert OutboxMessage.objects.filter(kind=MessageKind.REGISTRATION_PROMOTED, registration=waiting).exists()


def test_confirming_after_expiry_offers_the_waiting_list_and_joins_it(client):
    day = InfoDayFactory(capacity=1, minimum=1)
    registration = register_participant(participant=ParticipantFactory(), event=day, source="self_service",
                                        hold_until=timezone.now() - datetime.timedelta(minutes=1))
    RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED, confirmed_at=None)
    token = tokens.opt_in_token(registration)
    response = client.get(reverse("public:confirm", kwargs={"token": token}))
    assert response.status_code == 200
    html = response.content.decode()
    # The waiting person took the freed place: the page offers the waiting list, one button.
    assert "Feliratkozom a várólistára" in html
    response = client.post(reverse("public:rejoin", kwargs={"token": token}), follow=True)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WAITLISTED and registration.hold_until is None
    assert "a várólista 1. helyén" in response.content.decode()
    # A second press changes nothing.
    client.post(reverse("public:rejoin", kwargs={"token": token}))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WAITLISTED


def test_cancel_on_the_personal_page_promotes_the_first_waiting_with_notice(client):
    day = InfoDayFactory(capacity=1, minimum=1)
    mine = register_participant(participant=ParticipantFactory(), event=day)
    waiting = RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED, confirmed_at=None)
    token = tokens.personal_token(mine.participant)
    response = client.post(reverse("public:personal_cancel", kwargs={"token": token, "pk": mine.pk}),
                           {"reason": ""}, follow=True)
    assert "Lemondta a jelentkezését" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert OutboxMessage.objects.filter(kind=MessageKind.REGISTRATION_PROMOTED, registration=waiting).count() == 1
    # Cancelling again is refused with a message and changes nothing.
    response = client.post(reverse("public:personal_cancel", kwargs={"token": token, "pk": mine.pk}), follow=True)
    assert "már le van mondva" in response.content.decode()
    assert OutboxMessage.objects.filter(kind=MessageKind.REGISTRATION_PROMOTED).count() == 1
