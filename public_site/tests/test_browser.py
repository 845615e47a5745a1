"""The public site in headless Debian Chromium: a citizen on a phone, axe-core on every page, screenshots."""

import datetime
import os
import re

import pytest
from django.core import mail
from django.utils import timezone

from menet_portal.tests.factories import CourseFactory, InfoDayFactory, LibraryFactory, ProgrammeFactory, SessionFactory
from menet_portal.tests.factories import get_county, get_region
from participants.models import Registration, RegistrationStatus
from public_site.models import RateLimitHit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def programme_site():
    RateLimitHit.objects.all().delete()
    programme = ProgrammeFactory(slug="menet-browser")
    eger = LibraryFactory(name="Bródy Sándor Könyvtár", settlement="Eger", county=get_county("Heves"),
                          postal_code="3300", address="Kossuth Lajos utca 16.")
    day = InfoDayFactory(programme=programme, region=get_region("Észak-Magyarország"), library=eger,
                         capacity=25, minimum=10, title="Információs nap – Eger")
    pest = LibraryFactory(name="Városi Könyvtár", settlement="Gödöllő", county=get_county("Pest"))
    course = CourseFactory(site__programme=programme, site__library=pest, title="Ügyintézés a neten")
    start = timezone.now() + datetime.timedelta(days=10)
    for n in range(1, 5):
        SessionFactory(course=course, number=n, starts_at=start + datetime.timedelta(days=7 * n),
                       ends_at=start + datetime.timedelta(days=7 * n, hours=4))
    return day, course


def _outside(page, base):
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    return outside


def _axe_serious(page):
    from axe_playwright_python.sync_playwright import Axe

    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_citizen_on_a_phone_registers_confirms_and_cancels(live_server, chromium, programme_site, artifacts_dir):
    day, _course = programme_site
    context = chromium.new_context(locale="hu-HU", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    outside = _outside(page, live_server.url)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Információs napok és jelentkezés").click()
    page.get_by_role("link", name="Észak-Magyarország: Eger").click()
    assert "25 szabad hely" in page.content()
    page.fill("#id_family_name", "Szabó")
    page.fill("#id_given_name", "Júlia")
    page.fill("#id_email", "szabo.julia@example.hu")
    page.fill("#id_birth_year", "1986")
    page.fill("#id_settlement", "Eger")
    page.select_option("#id_county", label="Heves")
    page.select_option("#id_target_group", "citizen")
    page.check("#id_consent")
    assert _no_horizontal_scroll(page)
    page.screenshot(path=os.path.join(artifacts_dir, "public-register-390.png"), full_page=True)
    page.get_by_role("button", name="Jelentkezem").click()
    page.wait_for_load_state("networkidle")
    assert "Nézze meg az e-mailjét" in page.content()
    registration = Registration.objects.get(info_day=day)
    assert registration.status == RegistrationStatus.PENDING

    # The e-mail actually sent (outbox → Celery eager → locmem backend), and its link.
    (email,) = [m for m in mail.outbox if "szabo.julia@example.hu" in m.to]
    link = re.search(r"https?://\S+/jelentkezes/megerosites/\S+/", email.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    assert "saját oldal" in page.content()
    assert "Helye biztos" in page.content()
    page.screenshot(path=os.path.join(artifacts_dir, "public-personal-390.png"), full_page=True)
    assert _axe_serious(page) == []
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED

    page.get_by_text("Lemondás").click()
    page.get_by_role("button", name="Lemondom a jelentkezést").click()
    page.wait_for_load_state("networkidle")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert "Lemondva" in page.content()
    assert outside == []
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_every_public_page_passes_axe_and_fits_the_screen(live_server, chromium, programme_site, artifacts_dir, width):
    day, course = programme_site
    from public_site import certificates
    from reports.tests.document_factories import attend_all, course_with_sessions
    from trainings.tests.factories import trainee

    done, sessions = course_with_sessions(site__programme=day.programme, title="Lezárult képzés")
    registration = trainee(done)
    attend_all(registration, sessions)
    cert = certificates.issue_certificate(registration=registration)
    from public_site import tokens
    from trainings.services import issue_material_link

    issue_material_link(registration=registration)
    expired = Registration.objects.create(
        participant=registration.participant, info_day=day, status=RegistrationStatus.CANCELLED,
        source="self_service", cancelled_at=timezone.now(), cancel_reason="Nem erősítették meg a jelentkezést.")
    personal = tokens.personal_token(registration.participant)
    pages = {
        "programme": "/", "info-days": "/informacios-napok/", "info-day": f"/informacios-napok/{day.pk}/",
        "courses": "/kepzo-intezmenyek/", "course": f"/kepzo-intezmenyek/{course.pk}/",
        "privacy": "/adatkezelesi-tajekoztato/", "accessibility": "/akadalymentessegi-nyilatkozat/",
        "certificate-lookup": "/tanusitvany/", "certificate": f"/tanusitvany/{cert.code}/",
        "certificate-unknown": "/tanusitvany/AAAA-BBBB-CCCC-DDDD/",
        "personal": f"/sajat-oldal/{personal}/",
        "confirm-expired": f"/jelentkezes/megerosites/{tokens.opt_in_token(expired)}/",
        "bad-link": f"/sajat-oldal/{personal[:-3]}xyz/",
    }
    context = chromium.new_context(locale="hu-HU", viewport={"width": width, "height": 900})
    page = context.new_page()
    outside = _outside(page, live_server.url)
    problems = {}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "hu"
        assert page.locator("main#main").count() == 1 and page.locator("header").count() >= 1
        found = _axe_serious(page)
        if found:
            problems[name] = found
        if not _no_horizontal_scroll(page):
            problems.setdefault(name, []).append("horizontal scroll")
        page.screenshot(path=os.path.join(artifacts_dir, f"public-{name}-{width}.png"), full_page=True)
    # A submitted form with errors: messages tied to their fields, still no serious violation.
    page.goto(f"{live_server.url}/informacios-napok/{day.pk}/")
    page.get_by_role("button", name="Jelentkezem").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_email[aria-invalid=true]").count() == 1
    found = _axe_serious(page)
    if found:
        problems["form-errors"] = found
    page.screenshot(path=os.path.join(artifacts_dir, f"public-form-errors-{width}.png"), full_page=True)
    assert problems == {}
    assert outside == []
    context.close()


def test_public_pages_at_200_percent_zoom_keep_working(live_server, chromium, programme_site):
    # 200 % zoom of a 1280 px window is laid out like a 640 px one at twice the scale.
    context = chromium.new_context(locale="hu-HU", viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page = context.new_page()
    for path in ["/", "/informacios-napok/", "/kepzo-intezmenyek/"]:
        page.goto(live_server.url + path)
        assert _no_horizontal_scroll(page), path
    # Keyboard: the skip link is the first stop and is visible when focused.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.locator("a[href='#main']").is_visible()
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_region_map_with_the_seven_venues_reads_at_every_width(live_server, chromium, artifacts_dir, width):
    """The real programme's 7 venues: in the browser's own layout no region label touches a
    marker or another label, and every marker lies inside the drawing."""
    from events.programme_seed import seed_programme

    seed_programme()
    context = chromium.new_context(locale="hu-HU", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/informacios-napok/")
    page.wait_for_load_state("networkidle")
    assert page.locator(".region-map circle").count() == 7
    boxes = page.evaluate("""() => {
        const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
        const svg = document.querySelector('.region-map svg');
        return {svg: box(svg),
                labels: [...svg.querySelectorAll(':scope > text')].map(box),
                markers: [...svg.querySelectorAll('g circle')].map(box)};
    }""")
    overlap = lambda a, b: a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]  # noqa: E731
    labels, markers, svg = boxes["labels"], boxes["markers"], boxes["svg"]
    assert len(labels) == 7
    for i, label in enumerate(labels):
        assert not any(overlap(label, m) for m in markers), (i, label)
        assert not any(overlap(label, other) for other in labels[i + 1:]), (i, label)
    for m in markers:
        assert svg[0] <= m[0] and m[2] <= svg[2] and svg[1] <= m[1] and m[3] <= svg[3]
    assert _no_horizontal_scroll(page)
    page.locator(".region-map").screenshot(path=os.path.join(artifacts_dir, f"public-map-{width}.png"))
    page.screenshot(path=os.path.join(artifacts_dir, f"public-info-days-seeded-{width}.png"), full_page=True)
    context.close()
