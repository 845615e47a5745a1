"""The staff outbox page and the e-mails, in headless Debian Chromium."""

import datetime
import os
import smtplib
from unittest import mock

import pytest
from django.core import mail

from menet_portal.models import OutboxMessage, OutboxStatus
from menet_portal.notifications import outbox
from menet_portal.tests.factories import InfoDayFactory, ParticipantFactory, RegistrationFactory, StaffFactory
from menet_portal.tests.outbox_helpers import local
from participants.services import register_participant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_filters_the_outbox_and_resends_a_failed_message(live_server, page, browser_login, artifacts_dir):
    staff = StaffFactory()
    day = InfoDayFactory(title="Információs nap – Eger")
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages",
                    side_effect=smtplib.SMTPRecipientsRefused({"x": (550, b"5.1.1 Mailbox unavailable")})):
        register_participant(participant=ParticipantFactory(email="hibas@example.hu"), event=day)
    for _ in range(3):
        register_participant(participant=ParticipantFactory(), event=day)
    assert OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count() == 1

    browser_login(staff)
    page.click("nav >> text=Értesítések")
    page.wait_for_load_state("networkidle")
    assert "sikertelen: 1" in page.content() and "elküldve: 3" in page.content()
    page.select_option("select[name=status]", "failed")
    page.click("form[aria-label=Szűrés] button[type=submit]")
    page.wait_for_load_state("networkidle")
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and "hibas@example.hu" in rows.first.inner_text()
    assert "Mailbox unavailable" in rows.first.inner_text()
    path = os.path.join(artifacts_dir, "outbox-failed-filter.png")
    page.screenshot(path=path, full_page=True)
    assert os.path.getsize(path) > 10_000

    page.click("text=Újraküldés")
    page.wait_for_load_state("networkidle")
    assert "újra küldésre állítottuk" in page.content()
    assert OutboxMessage.objects.get(recipient="hibas@example.hu").status == OutboxStatus.SENT
    page.screenshot(path=os.path.join(artifacts_dir, "outbox-after-resend.png"), full_page=True)


def test_reminder_email_renders_in_a_browser(page, artifacts_dir, monkeypatch):
    from django.utils import timezone

    now = local(2026, 11, 17, 9, 0)
    monkeypatch.setattr(timezone, "now", lambda: now)
    day = InfoDayFactory(date=datetime.date(2026, 11, 20), title="Információs nap – Szeged", room="Nagyterem")
    RegistrationFactory(info_day=day, participant=ParticipantFactory(family_name="Csizmadia", given_name="Ödön"))
    outbox.dispatch_due()
    reminder = mail.outbox[-1]
    assert reminder.subject == "Emlékeztető: Információs nap – Szeged, 2026. november 20."
    page.set_content(reminder.alternatives[0][0])
    assert "Kedves Csizmadia Ödön!" in page.inner_text("body")
    assert page.locator("a", has_text="Nem kérek több emlékeztetőt").count() == 1
    path = os.path.join(artifacts_dir, "email-reminder.png")
    page.screenshot(path=path, full_page=True)
    assert os.path.getsize(path) > 10_000
