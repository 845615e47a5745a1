"""Late joiners: once the sessions left can't meet the completion rule, every path says so."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import LateJoinPolicy
from menet_portal.tests.factories import (
    CoordinatorFactory,
    CourseFactory,
    InfoDayFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
)
from participants import imports
from participants.models import Registration, RegistrationStatus
from participants.services import (
    LateJoinRefused,
    cancel_registration,
    move_registration,
    register_participant,
    reinstate_registration,
)
from participants.tests.factories import form_post
from participants.tests.test_imports import csv_file, good_rows
from trainings.completion import annotate_completion
from trainings.eligibility import late_join_decision, sessions_left

pytestmark = pytest.mark.django_db


def _course_three_of_four_held(policy=LateJoinPolicy.REFUSE, capacity=15, library=None):
    programme = ProgrammeFactory(late_join_policy=policy)
    kwargs = {"site__programme": programme, "capacity": capacity}
    if library is not None:
        kwargs["site__library"] = library
    course = CourseFactory(**kwargs)
    now = timezone.now()
    for n in (1, 2, 3):
        SessionFactory(course=course, number=n, starts_at=now - datetime.timedelta(days=7 * (4 - n)))
    SessionFactory(course=course, number=4, starts_at=now + datetime.timedelta(days=7))
    return course


def test_sessions_left_count_the_planned_not_the_entered():
    course = CourseFactory()
    session = SessionFactory(course=course, number=1, starts_at=timezone.now() + datetime.timedelta(days=1))
    assert sessions_left(course) == 4 and late_join_decision(course).allowed is True
    session.starts_at = timezone.now() - datetime.timedelta(days=1)
    session.ends_at = session.starts_at + datetime.timedelta(hours=4)
    session.save()
    assert sessions_left(course) == 3  # 4 planned, 1 started (sessions 2–4 not entered yet)
    decision = late_join_decision(course)  # the default rule needs all 4: a newcomer can't complete
    assert decision.allowed is False and decision.sessions_needed == 4
    # someone who attended session 1 before (a reinstated trainee) still can
    assert late_join_decision(course, attended=1).allowed is True


def test_too_late_course_refuses_new_registrations_by_default():
    course = _course_three_of_four_held()
    with pytest.raises(LateJoinRefused) as exc:
        register_participant(participant=ParticipantFactory(), event=course)
    assert "1 foglalkozás van hátra" in str(exc.value)
    assert not Registration.objects.filter(course=course).exists()


def test_promotion_skips_who_can_no_longer_complete_and_says_so():
    course = CourseFactory(capacity=1)
    first = register_participant(participant=ParticipantFactory(), event=course)
    waiting = register_participant(participant=ParticipantFactory(), event=course)
    now = timezone.now()
    for n in (1, 2, 3):
        SessionFactory(course=course, number=n, starts_at=now - datetime.timedelta(days=7 * (4 - n)))
    promotion = cancel_registration(registration=first, reason="Elköltözött.")
    assert list(promotion) == [] and [r.pk for r in promotion.skipped] == [waiting.pk]
    assert "nem léptettünk elő" in promotion.message
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITLISTED


def test_reinstate_and_move_keep_the_rule():
    course = CourseFactory()
    person = register_participant(participant=ParticipantFactory(), event=course)
    cancel_registration(registration=person, reason="Beteg.")
    now = timezone.now()
    for n in (1, 2, 3):
        SessionFactory(course=course, number=n, starts_at=now - datetime.timedelta(days=7 * (4 - n)))
    with pytest.raises(LateJoinRefused):
        reinstate_registration(registration=person)
    day = InfoDayFactory()
    on_day = register_participant(participant=ParticipantFactory(), event=day)
    with pytest.raises(LateJoinRefused):
        move_registration(registration=on_day, to_event=course, moved_by=None)
    on_day.refresh_from_db()
    assert on_day.status == RegistrationStatus.CONFIRMED  # nothing changed


def test_import_preview_shows_the_refusal_on_every_row():
    course = _course_three_of_four_held()
    outcomes = imports.check_rows(imports.read_file(csv_file(good_rows())), course, viewer=None)
    assert all(not o.ok and "nem fogadható" in o.errors[-1][1] for o in outcomes)


def test_coordinator_form_shows_the_refusal_beside_the_event(client):
    coordinator = CoordinatorFactory()
    course = _course_three_of_four_held(library=coordinator.library)
    client.force_login(coordinator)
    page = client.post(reverse("participants:participant_create"), form_post(event=f"course:{course.pk}"))
    assert page.status_code == 200
    assert "új jelentkező már nem fogadható" in " ".join(page.context["form"].errors["event"])


def test_accepting_programme_flags_not_eligible_warns_and_mails_only_future_sessions(
        client, django_capture_on_commit_callbacks):
    coordinator = CoordinatorFactory()
    course = _course_three_of_four_held(policy=LateJoinPolicy.ACCEPT_NOT_ELIGIBLE, library=coordinator.library)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("participants:participant_create"), form_post(event=f"course:{course.pk}"),
                           follow=True)
    assert "tanúsítványt nem kaphat" in page.content.decode()
    registration = Registration.objects.get(course=course)
    assert registration.status == RegistrationStatus.CONFIRMED and registration.eligible_for_certificate is False
    body = mail.outbox[-1].body
    assert "tanúsítványt nem kaphat" in body
    # Only session 4 is listed ("4. 2026. december 11. …"; the day of the month may hold a "1. " too).
    sessions = body.split("Foglalkozások")[1].split("\n\n")[0]
    assert re.findall(r"^\s*(\d)\. \d{4}\.", sessions, re.M) == ["4"]
    row = annotate_completion(Registration.objects.filter(pk=registration.pk), course.site.programme).get()
    assert row.completed is False


def test_accepting_programme_promotes_flagged():
    course = CourseFactory(capacity=1, site__programme=ProgrammeFactory(late_join_policy=LateJoinPolicy.ACCEPT_NOT_ELIGIBLE))
    first = register_participant(participant=ParticipantFactory(), event=course)
    waiting = register_participant(participant=ParticipantFactory(), event=course)
    now = timezone.now()
    for n in (1, 2, 3):
        SessionFactory(course=course, number=n, starts_at=now - datetime.timedelta(days=7 * (4 - n)))
    promotion = cancel_registration(registration=first, reason="Elköltözött.")
    assert [r.pk for r in promotion] == [waiting.pk]
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED and waiting.eligible_for_certificate is False
