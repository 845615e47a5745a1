"""On a 390 px touch phone: a participant opens the questionnaire from the e-mailed link,
answers with taps, and the answer is stored once; the page fits the screen."""

import datetime
import os

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from feedback.models import Answer, Invitation, Response
from menet_portal.notifications import outbox
from menet_portal.notifications.models import MessageKind, OutboxMessage
from menet_portal.tests.factories import AttendanceFactory, InfoDayFactory, ParticipantFactory, RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(locale="hu-HU", viewport={"width": 390, "height": 844}, has_touch=True,
                                   is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


def test_a_participant_answers_from_the_e_mailed_link_on_a_phone(live_server, phone, artifacts_dir, settings):
    settings.PORTAL_BASE_URL = live_server.url
    day = InfoDayFactory(date=timezone.localdate() - datetime.timedelta(days=1))
    reg = RegistrationFactory(info_day=day, participant=ParticipantFactory(family_name="Őri", given_name="Győző"))
    AttendanceFactory(registration=reg)
    outbox.dispatch_due(now=timezone.now())
    message = OutboxMessage.objects.get(kind=MessageKind.QUESTIONNAIRE_INVITATION)
    outbox.deliver(message.pk)
    email = next(m for m in mail.outbox if "véleményét" in m.subject)
    link = next(line.split(": ", 1)[1].strip() for line in email.body.splitlines() if "/kerdoiv/kitoltes/" in line)

    phone.goto(link)
    expect(phone.locator("h1")).to_contain_text("Elégedettségi kérdőív")
    for fieldset in phone.locator("fieldset.questionnaire-scale").all():
        fieldset.locator("label", has_text="5").first.tap()
    phone.locator("textarea").fill("Végre értem az Ügyfélkapu+-t. Köszönöm!")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    os.makedirs(os.path.join(artifacts_dir, "feedback"), exist_ok=True)
    phone.screenshot(path=os.path.join(artifacts_dir, "feedback", "answer-390.png"), full_page=True)
    phone.locator("button[type=submit]").tap()
    expect(phone.locator("#questionnaire-done")).to_be_visible()
    phone.screenshot(path=os.path.join(artifacts_dir, "feedback", "answer-done-390.png"), full_page=True)

    phone.goto(link)  # the link again: answered once
    expect(phone.locator("#questionnaire-done")).to_contain_text("már kitöltötte")
    assert Response.objects.count() == 1
    assert Answer.objects.filter(value=5).count() == 4
    assert Answer.objects.filter(text__startswith="Végre").count() == 1
    assert Invitation.objects.get(registration=reg).answered_at is not None
