"""Who is invited to the questionnaire, when, and only once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from feedback import services
from feedback.models import Invitation, QuestionKind
from menet_portal.notifications import outbox
from menet_portal.notifications.models import MessageKind, OutboxMessage, OutboxStatus
from menet_portal.tests import factories
from reports.tests.document_factories import ACCENTED, attend_all, register_people
from trainings.models import AttendanceStatus
from trainings.services import add_walk_in

pytestmark = pytest.mark.django_db


def test_a_programme_gets_the_hungarian_default_questionnaire_once():
    programme = factories.ProgrammeFactory()
    questionnaire = services.questionnaire_for(programme)
    assert services.questionnaire_for(programme).pk == questionnaire.pk
    questions = list(questionnaire.questions.all())
    assert [q.kind for q in questions] == [QuestionKind.SCALE] * 4 + [QuestionKind.TEXT]
    texts = " ".join(q.text for q in questions)
    for word in ("hasznos", "oktató", "anyag", "e-közszolgáltatások"):
        assert word in texts


def test_each_present_participant_is_invited_once_after_the_info_day(held_info_day):
    day, regs = held_info_day
    now = timezone.now()
    assert services.write_due_invitations(now=now) == 3
    assert services.write_due_invitations(now=now) == 0  # a second pass writes nothing
    outbox.dispatch_due(now=now)  # and the beat's own pass neither
    messages = OutboxMessage.objects.filter(kind=MessageKind.QUESTIONNAIRE_INVITATION)
    assert sorted(messages.values_list("registration_id", flat=True)) == sorted(r.pk for r in regs[:3])
    assert Invitation.objects.count() == 3
    assert not Invitation.objects.filter(registration=regs[3]).exists()  # absent: no questionnaire


def test_the_outbox_sends_a_personal_link_that_opens_the_questionnaire(held_info_day, client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    day, regs = held_info_day
    outbox.dispatch_due(now=timezone.now())
    for message in OutboxMessage.objects.filter(kind=MessageKind.QUESTIONNAIRE_INVITATION):
        outbox.deliver(message.pk)
    assert OutboxMessage.objects.filter(kind=MessageKind.QUESTIONNAIRE_INVITATION, status=OutboxStatus.SENT).count() == 3
    sent = [m for m in mail.outbox if "véleményét" in m.subject]
    assert len(sent) == 3
    link = next(line for line in sent[0].body.splitlines() if "/kerdoiv/kitoltes/" in line).split(": ", 1)[1].strip()
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200 and "Mennyire volt hasznos" in response.content.decode()


def test_nothing_before_the_info_day_ends():
    day = factories.InfoDayFactory(date=timezone.localdate())
    reg = factories.RegistrationFactory(info_day=day)
    factories.AttendanceFactory(registration=reg)
    morning = timezone.make_aware(datetime.datetime.combine(day.date, datetime.time(10, 0)))
    assert services.write_due_invitations(now=morning) == 0
    afternoon = timezone.make_aware(datetime.datetime.combine(day.date, datetime.time(13, 30)))
    assert services.write_due_invitations(now=afternoon) == 1


def test_a_walk_in_recorded_later_is_invited_by_the_next_pass(held_info_day, coordinator_of):
    day, regs = held_info_day
    now = timezone.now()
    services.write_due_invitations(now=now)
    coordinator = coordinator_of(day.library)
    county = factories.get_county("Pest")
    walk_in = add_walk_in(info_day=day, recorded_by=coordinator, data={
        "family_name": "Későn", "given_name": "Jövő", "email": "keson@example.hu", "phone": "", "birth_year": 1970,
        "settlement": "Vác", "county": county, "target_group": "citizen", "organisation_name": "",
        "organisation_kind": "", "tax_number": "", "size_band": "", "consent": True})
    assert services.write_due_invitations(now=now) == 1
    assert Invitation.objects.filter(registration=walk_in).exists()
    assert OutboxMessage.objects.filter(kind=MessageKind.QUESTIONNAIRE_INVITATION, registration=walk_in).count() == 1


def test_a_course_is_invited_after_its_last_session_only():
    course = factories.CourseFactory()
    start = timezone.now() - datetime.timedelta(days=21, hours=5)
    sessions = [factories.SessionFactory(course=course, number=n, starts_at=start + datetime.timedelta(days=7 * (n - 1)),
                                         ends_at=start + datetime.timedelta(days=7 * (n - 1), hours=4))
                for n in range(1, 5)]
    present, missed_last, absent = register_people(names=ACCENTED[:3], info_day=None, course=course)
    attend_all(present, sessions)
    attend_all(missed_last, sessions[:2])
    for s in sessions:
        factories.AttendanceFactory(registration=absent, session=s, status=AttendanceStatus.ABSENT)
    before_last = sessions[3].ends_at - datetime.timedelta(hours=1)
    assert services.write_due_invitations(now=before_last) == 0
    assert services.write_due_invitations(now=sessions[3].ends_at + datetime.timedelta(minutes=1)) == 2
    assert set(Invitation.objects.values_list("registration_id", flat=True)) == {present.pk, missed_last.pk}


def test_a_person_without_e_mail_is_invited_for_the_paper_sheet_but_gets_no_message(held_info_day):
    day, regs = held_info_day
    person = regs[0].participant
    person.email = ""
    person.save()
    services.write_due_invitations(now=timezone.now())
    assert Invitation.objects.filter(registration=regs[0]).exists()
    assert not OutboxMessage.objects.filter(kind=MessageKind.QUESTIONNAIRE_INVITATION, registration=regs[0]).exists()


def test_a_cancelled_info_day_invites_nobody(held_info_day):
    day, regs = held_info_day
    day.status = "cancelled"
    day.save()
    assert services.write_due_invitations(now=timezone.now()) == 0
