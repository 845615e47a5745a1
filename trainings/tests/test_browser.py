"""Training delivery in headless Chromium: a register, the learning material by link, axe-core."""

import datetime
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from django.utils import timezone

from menet_portal.tests.factories import CourseFactory, ParticipantFactory, ProgrammeFactory, RegistrationFactory
from trainings import services
from trainings.material_seed import seed_learning_material
from trainings.models import Attendance, Lesson, LessonProgress
from trainings.tests.factories import SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _course_with_trainees(trainer):
    programme = ProgrammeFactory(end_date=timezone.localdate() + datetime.timedelta(days=200))
    seed_learning_material(programme)
    course = CourseFactory(site__programme=programme, title="E-ügyintézés a mindennapokban")
    course.trainers.add(trainer)
    started = timezone.now() - datetime.timedelta(hours=1)
    for number in range(1, 5):
        starts = started + datetime.timedelta(days=7 * (number - 1))
        SessionFactory(course=course, number=number, starts_at=starts, ends_at=starts + datetime.timedelta(hours=4),
                       room="Olvasóterem", topic=f"{number}. téma")
    people = [("Csizmadia", "Ödön"), ("Czakó", "Réka"), ("Cukor", "Imre")]
    registrations = [
        RegistrationFactory(info_day=None, course=course, participant=ParticipantFactory(family_name=f, given_name=g))
        for f, g in people
    ]
    return course, registrations


def _serious_violations(page, context=None):
    # The page as it settles, not mid-transition: the remembered large-text switch restyles the
    # button on load (Bootstrap's 0.15 s colour transition), and axe caught its colours halfway.
    # (A poll: the page's CSP forbids wait_for_function's string evaluation.)
    for _ in range(100):
        if page.evaluate("document.getAnimations().every(a => a.playState !== 'running')"):
            break
        page.wait_for_timeout(50)
    results = Axe().run(page, context=context)
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_register_then_material_by_link_then_progress_table(live_server, page, browser_login, trainer, artifacts_dir):
    course, (odon, reka, imre) = _course_with_trainees(trainer)
    session = course.sessions.get(number=1)

    # The trainer records the first session's register.
    browser_login(trainer)
    expect(page.get_by_role("heading", name="Képzéseim")).to_be_visible()
    page.screenshot(path=os.path.join(artifacts_dir, "trainings-trainer-home.png"), full_page=True)
    page.get_by_role("link", name="kitöltés – 1. foglalkozás").click()
    page.get_by_role("button", name="Mindenki jelen (a még nem jelölteknél)").click()
    page.get_by_role("radiogroup", name="Czakó Réka").get_by_label("késett").check()
    page.get_by_role("radiogroup", name="Cukor Imre").get_by_label("igazoltan távol").check()
    page.get_by_role("button", name="Jelenléti ív mentése").click()
    expect(page.get_by_text("A jelenléti ív elmentve (3 változás).")).to_be_visible()
    page.screenshot(path=os.path.join(artifacts_dir, "trainings-register.png"), full_page=True)
    # The shared navigation bar is checked by its owners; here: the register itself.
    assert _serious_violations(page, context="#main") == []
    assert dict(Attendance.objects.filter(session=session).values_list("registration_id", "status")) == {
        odon.pk: "present", reka.pk: "late", imre.pk: "excused",
    }
    # Names in Hungarian alphabetical order: Cukor, Czakó, Csizmadia.
    names = page.locator("#register tbody th").all_inner_texts()
    assert [n.split("\n")[0] for n in names] == ["Cukor Imre", "Czakó Réka", "Csizmadia Ödön"]

    # A trainee opens the material through their personal link, on a phone, without logging in.
    link = services.issue_material_link(registration=reka, issued_by=trainer)
    trainee_context = page.context.browser.new_context(locale="hu-HU", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = trainee_context.new_page()
    phone.goto(f"{live_server.url}/kepzesek/tananyag/{link.token}/")
    expect(phone.get_by_role("heading", name="Üdvözöljük, Réka!")).to_be_visible()
    phone.screenshot(path=os.path.join(artifacts_dir, "trainings-material-home-phone.png"), full_page=True)
    phone.get_by_role("link", name="Mi az Ügyfélkapu+ és a DÁP?").click()
    expect(phone.get_by_role("heading", level=1, name="Mi az Ügyfélkapu+ és a DÁP?")).to_be_visible()
    phone.wait_for_load_state("load")
    assert phone.locator(".lesson-body img").first.evaluate("img => img.complete && img.naturalWidth > 0")
    assert _no_horizontal_scroll(phone)
    violations = _serious_violations(phone)
    assert violations == [], violations
    phone.screenshot(path=os.path.join(artifacts_dir, "trainings-lesson-phone.png"), full_page=True)
    phone.get_by_role("button", name="Elolvastam").click()
    expect(phone.get_by_text("Ezt a leckét elolvasta.")).to_be_visible()

    # The self-check: first question wrong, then right.
    first = phone.get_by_role("group", name="1. Mi az Ügyfélkapu+ második lépése a jelszó után?")
    second = phone.get_by_role("group", name="2. Hogyan léphet be a DÁP mobilalkalmazással", exact=False)
    first.get_by_label("A születési dátum megadása").check()
    second.get_by_label("A képernyőn megjelenő QR-kódot beolvasom a telefonnal").check()
    phone.get_by_role("button", name="Ellenőrzöm a válaszaimat").click()
    expect(phone.get_by_text("Eredmény: 1/2.")).to_be_visible()
    expect(first.get_by_text("Ez nem jó válasz.")).to_be_visible()
    expect(second.get_by_text("Helyes!")).to_be_visible()
    assert _serious_violations(phone) == []
    phone.screenshot(path=os.path.join(artifacts_dir, "trainings-quiz-wrong-phone.png"), full_page=True)
    first.get_by_label("Egy egyszer használatos kód, például egy hitelesítő alkalmazásból").check()
    phone.get_by_role("button", name="Újra ellenőrzöm").click()
    expect(phone.get_by_text("Minden válasza helyes (2/2).")).to_be_visible()
    phone.screenshot(path=os.path.join(artifacts_dir, "trainings-quiz-right-phone.png"), full_page=True)
    trainee_context.close()

    lesson = Lesson.objects.get(slug="ugyfelkapu-plusz-es-dap")
    progress = LessonProgress.objects.get(registration=reka, lesson=lesson)
    assert (progress.quiz_attempts, progress.quiz_best_score, progress.quiz_max_score) == (2, 2, 2)

    # The trainer's progress table shows it.
    page.goto(f"{live_server.url}/kepzesek/oktato/")
    expect(page.get_by_text("1 képzett nyitotta meg")).to_be_visible()
    page.goto(f"{live_server.url}/kepzesek/{course.pk}/haladas/")
    row = page.get_by_role("row", name="Czakó Réka", exact=False)
    assert "✓" in row.inner_text() and "2/2 (2)" in row.inner_text()
    assert "1 / 6" in row.inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, "trainings-progress-table.png"), full_page=True)
    assert _serious_violations(page, context="#main") == []

    # The course page: the attendance grid with hours and completion so far, and the personal links.
    page.goto(f"{live_server.url}/kepzesek/{course.pk}/")
    grid_row = page.locator("#attendance-grid").get_by_role("row", name="Czakó Réka", exact=False)
    assert "K" in grid_row.inner_text() and "1 / 4" in grid_row.inner_text()
    expect(page.locator(f"input[value$='/kepzesek/tananyag/{link.token}/']")).to_be_visible()
    page.screenshot(path=os.path.join(artifacts_dir, "trainings-course-page.png"), full_page=True)
    assert _serious_violations(page, context="#main") == []


def test_learning_pages_with_keyboard_alone_and_in_large_text(live_server, chromium, trainer, artifacts_dir):
    course, (_odon, reka, _imre) = _course_with_trainees(trainer)
    link = services.issue_material_link(registration=reka)
    lesson = Lesson.objects.get(slug="eszja-tervezet")
    context = chromium.new_context(locale="hu-HU", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/kepzesek/tananyag/{link.token}/lecke/{lesson.pk}/")

    def tab_until(condition, limit=60):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(condition):
                return
        raise AssertionError(f"never reached by Tab: {condition}")

    # Large text, switched on with the keyboard.
    tab_until("document.activeElement.id === 'text-size'")
    page.keyboard.press("Enter")
    assert page.evaluate("document.documentElement.classList.contains('text-large')")
    assert page.locator("#text-size").get_attribute("aria-pressed") == "true"
    assert _no_horizontal_scroll(page)
    assert _serious_violations(page) == []

    # Answer the self-check with the keyboard alone: Tab into each radio group, arrows to choose, Enter to send.
    tab_until("document.activeElement.name && document.activeElement.name.startsWith('q')")
    page.keyboard.press("Space")  # first choice of question 1 ("Május 20-án …", right)
    tab_until("document.activeElement.name && document.activeElement.name.startsWith('q') && "
              "document.activeElement.closest('fieldset') !== document.querySelector('fieldset')")
    page.keyboard.press("ArrowDown")  # second choice of question 2 ("A NAV eSZJA oldalán …", right)
    tab_until("document.activeElement.type === 'submit' && document.activeElement.form "
              "&& document.activeElement.form.querySelector('[name=check_quiz]') !== null")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Minden válasza helyes (2/2).")).to_be_visible()
    # Focus is visible on keyboard focus (not hidden by the page's styles).
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle + getComputedStyle(document.activeElement).boxShadow")
    assert outline not in ("nonenone", "none")
    assert _no_horizontal_scroll(page)
    page.screenshot(path=os.path.join(artifacts_dir, "trainings-lesson-large-text.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})  # desktop: the whole page, navigation bar included
    assert _serious_violations(page) == []
    page.screenshot(path=os.path.join(artifacts_dir, "trainings-lesson-desktop-large-text.png"), full_page=True)

    page.goto(f"{live_server.url}/kepzesek/tananyag/{link.token}/")
    assert page.evaluate("document.documentElement.classList.contains('text-large')")  # remembered
    assert _no_horizontal_scroll(page)
    assert _serious_violations(page) == []
    context.close()


def test_missing_registers_for_staff_and_a_walk_in_at_an_info_day(live_server, page, browser_login, staff,
                                                                  artifacts_dir):
    from menet_portal.tests.factories import CoordinatorFactory, get_county
    from participants.models import Registration
    from trainings.tests.factories import info_day_under_way, past_session, trainee

    course = CourseFactory(title="Digitális alapok")
    missing = past_session(course, number=1, days_ago=3)
    trainee(course)
    info_day = info_day_under_way(capacity=3, minimum=1, library=course.site.library)
    RegistrationFactory(info_day=info_day, participant=ParticipantFactory(family_name="Ősz", given_name="Anna"))
    RegistrationFactory(info_day=info_day, participant=ParticipantFactory(family_name="Özvegy", given_name="Béla"))

    browser_login(staff)
    page.get_by_role("link", name="Képzések").click()
    page.get_by_role("link", name="Hiányzó jelenléti ívek").click()
    expect(page.get_by_text("1 lezajlott eseménynek hiányzik a jelenléti íve.")).to_be_visible()
    expect(page.locator("#session-registers").get_by_text("jelenlét hiányzik")).to_be_visible()
    expect(page.locator(f"#session-registers a[href$='/foglalkozas/{missing.pk}/']")).to_be_visible()
    page.screenshot(path=os.path.join(artifacts_dir, "trainings-missing-registers-staff.png"), full_page=True)

    coordinator = CoordinatorFactory(library=info_day.library)
    page.context.clear_cookies()
    browser_login(coordinator)
    page.goto(f"{live_server.url}/kepzesek/jelenlet/informacios-nap/{info_day.pk}/")
    page.get_by_label("Családi név").fill("Zsigmond")
    page.get_by_label("Utónév").fill("Kinga")
    page.get_by_label("Születési év").fill("1979")
    page.get_by_label("Település").fill("Tata")
    page.get_by_label("Vármegye").select_option(str(get_county("Komárom-Esztergom").pk))
    page.get_by_label("Célcsoport").select_option("citizen")
    page.get_by_label("A résztvevő megismerte").check()
    page.get_by_role("button", name="Regisztrálás és jelenlévőnek jelölés").click()
    expect(page.get_by_text("Zsigmond Kinga regisztrálva és jelenlévőnek jelölve.")).to_be_visible()
    assert page.get_by_role("radiogroup", name="Zsigmond Kinga").get_by_label("jelen").is_checked()
    page.screenshot(path=os.path.join(artifacts_dir, "trainings-info-day-walk-in.png"), full_page=True)
    reg = Registration.objects.get(participant__family_name="Zsigmond")
    assert reg.source == "walk_in" and reg.attendances.get().status == "present"

    # The info day is now full: the next walk-in is refused and nothing is created.
    page.get_by_label("Családi név").fill("Vörös")
    page.get_by_label("Utónév").fill("Márk")
    page.get_by_label("Születési év").fill("1990")
    page.get_by_label("Település").fill("Tata")
    page.get_by_label("Vármegye").select_option(str(get_county("Komárom-Esztergom").pk))
    page.get_by_label("A résztvevő megismerte").check()
    page.get_by_role("button", name="Regisztrálás és jelenlévőnek jelölés").click()
    expect(page.get_by_text("betelt").first).to_be_visible()
    assert not Registration.objects.filter(participant__family_name="Vörös").exists()
