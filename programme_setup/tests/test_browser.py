"""Staff set up an info day and a course in the portal, a coordinator registers someone, staff move
the date and the person's e-mail shows the new one. Headless Debian Chromium."""

import datetime
import os

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from events.models import InfoDay
from menet_portal.models import MessageKind, OutboxMessage, OutboxStatus
from menet_portal.tests.factories import (
    CoordinatorFactory,
    ProgrammeFactory,
    StaffFactory,
    TrainerFactory,
    get_county,
)
from participants.models import Registration
from trainings.models import Course

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, artifacts_dir, name):
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        path = os.path.join(artifacts_dir, f"setup-{name}-{width}.png")
        page.screenshot(path=path, full_page=True)
        assert os.path.getsize(path) > 10_000
    page.set_viewport_size({"width": 1280, "height": 900})


def _logout(page):
    page.click("button:has-text('Kilépés')")
    page.wait_for_load_state("networkidle")


def test_staff_set_up_an_info_day_and_a_course_then_move_the_date_and_the_person_is_told(
    live_server, page, browser_login, artifacts_dir
):
    get_county()
    ProgrammeFactory(name="MENET – Digitális felzárkóztatás")
    staff = StaffFactory()
    coordinator = CoordinatorFactory(library__name="Bródy Sándor Könyvtár", library__settlement="Eger")
    trainer = TrainerFactory(last_name="Oktató", first_name="Olga", library=coordinator.library)
    library = coordinator.library
    first = timezone.localdate() + datetime.timedelta(days=40)
    moved = first + datetime.timedelta(days=7)

    # 1. Staff create the info day; a first try with the end before the start keeps the input.
    browser_login(staff)
    page.click("nav >> text=Beállítás")
    page.click("text=Új információs nap")
    page.select_option("select[name=region]", label="Észak-Magyarország")
    page.select_option("select[name=library]", label=str(library))
    page.fill("input[name=title]", "Információs nap – Eger")
    page.fill("input[name=date]", first.isoformat())
    page.fill("input[name=start_time]", "13:00")
    page.fill("input[name=end_time]", "09:00")
    page.fill("input[name=room]", "Díszterem")
    page.fill("input[name=capacity]", "30")
    page.fill("input[name=minimum]", "25")
    page.select_option("select[name=status]", "open")
    page.click("#info-day-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#error_1_id_end_time").inner_text() == "A befejezés nem lehet korábbi a kezdésnél (13:00), és nem is eshet egybe vele."
    assert page.input_value("input[name=title]") == "Információs nap – Eger"
    page.locator("#id_end_time").scroll_into_view_if_needed()
    _shot(page, artifacts_dir, "info-day-error")
    page.fill("input[name=start_time]", "09:00")
    page.fill("input[name=end_time]", "13:00")
    page.click("#info-day-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Az információs nap elkészült" in page.content()
    day = InfoDay.objects.get()
    assert (day.date, day.start_time, day.status) == (first, datetime.time(9), "open")

    # 2. A training site, then the course with its 4 sessions on one page.
    page.click("nav >> text=Beállítás")
    page.click("text=Új képzési helyszín")
    page.select_option("select[name=library]", label=str(library))
    page.click("#site-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click("text=Új képzés ezen a helyszínen")
    page.fill("input[name=title]", "E-ügyintézés lépésről lépésre")
    page.fill("input[name=capacity]", "15")
    page.select_option("select[name=status]", "open")
    page.check(f"input[name=trainers][value='{trainer.pk}']")
    for index in range(4):
        session_day = first + datetime.timedelta(days=7 * index + 1)
        page.fill(f"input[name='sessions-{index}-date']", session_day.isoformat())
        page.fill(f"input[name='sessions-{index}-start_time']", "09:00")
        page.fill(f"input[name='sessions-{index}-end_time']", "13:00")
        page.fill(f"input[name='sessions-{index}-room']", "Olvasóterem")
    _shot(page, artifacts_dir, "course-form")
    page.click("#course-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "A képzés elkészült" in page.content()
    course = Course.objects.get()
    assert course.sessions.count() == 4 and list(course.trainers.all()) == [trainer]
    _logout(page)

    # 3. The coordinator registers a person for the info day.
    browser_login(coordinator)
    page.goto(f"{live_server.url}/resztvevok/uj/?info_day={day.pk}")
    page.fill("input[name=family_name]", "Csizmadia")
    page.fill("input[name=given_name]", "Ödön")
    page.fill("input[name=email]", "csizmadia.odon@example.hu")
    page.fill("input[name=phone]", "06 30 987 6543")
    page.fill("input[name=birth_year]", "1979")
    page.fill("input[name=settlement]", "Eger")
    page.select_option("select[name=county]", label="Heves")
    page.check("input[name=consent]")
    page.click("#participant-form [type=submit][name=save]")
    page.wait_for_load_state("networkidle")
    assert "helyet kapott" in page.content()
    registration = Registration.objects.get(info_day=day)
    _logout(page)

    # 4. Staff move the date a week later; the person gets one e-mail with the new date.
    mail.outbox.clear()
    browser_login(staff)
    page.goto(f"{live_server.url}/beallitas/informacios-napok/{day.pk}/")
    page.fill("input[name=date]", moved.isoformat())
    page.click("#info-day-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "A változásokat mentettük" in page.content()
    notice = OutboxMessage.objects.get(kind=MessageKind.EVENT_RESCHEDULED, registration=registration)
    assert notice.status == OutboxStatus.SENT
    sent = [m for m in mail.outbox if m.to == ["csizmadia.odon@example.hu"]]
    assert len(sent) == 1
    new_date = date_format(moved, "Y. F j.")
    assert new_date in sent[0].body and new_date in sent[0].alternatives[0][0]
    # The edit page's history says who moved it, from what to what.
    history = page.locator("#history").inner_text()
    assert str(staff) in history and date_format(moved, "Y. m. d.") in history
    page.locator("#history").scroll_into_view_if_needed()
    _shot(page, artifacts_dir, "info-day-history")
    page.goto(f"{live_server.url}/beallitas/")
    _shot(page, artifacts_dir, "home")
    page.set_content(sent[0].alternatives[0][0])
    path = os.path.join(artifacts_dir, "email-rescheduled.png")
    page.screenshot(path=path, full_page=True)
    assert os.path.getsize(path) > 10_000
