"""The new pages in headless Chromium at 1280 and 390 px: the evidence list (staff, funder), the
monthly plan, the dashboard cards against the plan. Screenshots in test-artifacts/plan/."""

import datetime
import os

import pytest
from django.utils import timezone

from events.models import EventStatus, Programme
from menet_portal.tests.factories import AttendanceFactory, FunderFactory, InfoDayFactory, StaffFactory
from reports.tests.document_factories import ACCENTED, register_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLES_OVERFLOWING = """() => [...document.querySelectorAll('main table')].filter(t => {
  const box = t.closest('.table-responsive') || t.parentElement; return t.scrollWidth > box.clientWidth + 1 && !t.closest('.table-responsive');
}).length"""


def _check(page, url, name, shots):
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (url, width)
        assert page.evaluate(TABLES_OVERFLOWING) == 0, (url, width)
        page.screenshot(path=os.path.join(shots, f"{name}-{width}.png"), full_page=True)


def test_evidence_plan_and_dashboard_pages_fit_1280_and_390(live_server, page, browser_login, artifacts_dir):
    from menet_portal.tests.factories import get_region

    get_region()
    shots = os.path.join(artifacts_dir, "plan")
    os.makedirs(shots, exist_ok=True)
    today = timezone.localdate()
    programme_start = today - datetime.timedelta(days=90)
    from menet_portal.tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(start_date=programme_start, end_date=programme_start + datetime.timedelta(days=365))
    Programme.objects.exclude(pk=programme.pk).delete()
    held = InfoDayFactory(programme=programme, date=today - datetime.timedelta(days=40), status=EventStatus.HELD)
    for reg in register_people(names=ACCENTED[:6], info_day=held):
        AttendanceFactory(registration=reg)
    InfoDayFactory(programme=programme, date=today + datetime.timedelta(days=20))

    staff = StaffFactory()
    browser_login(staff)
    _check(page, f"{live_server.url}/igazolasok/?state=missing", "evidence-staff", shots)
    assert page.get_by_text("igazolás hiányzik").first.is_visible()
    _check(page, f"{live_server.url}/jelentesek/terv/", "plan-edit", shots)
    _check(page, f"{live_server.url}/jelentesek/mke/", "staff-dashboard-plan", shots)
    assert page.locator("[data-plan-state]").count() == 5

    page.context.clear_cookies()
    browser_login(FunderFactory())
    _check(page, f"{live_server.url}/igazolasok/", "evidence-funder", shots)
    body = page.content()
    assert all(family not in body for family, _given in ACCENTED[:6])
