"""Public pages: no login, Hungarian, places left read from the rows on every request."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events.models import EventStatus
from menet_portal.tests.factories import (
    CourseFactory,
    InfoDayFactory,
    ProgrammeFactory,
    RegistrationFactory,
    SessionFactory,
)
from participants.models import RegistrationStatus
from participants.services import cancel_registration

pytestmark = pytest.mark.django_db

PUBLIC_URLS = ["public:programme", "public:info_days", "public:courses", "public:privacy", "public:accessibility"]


@pytest.fixture
def programme():
    return ProgrammeFactory(slug="menet-public")


@pytest.fixture
def info_day(programme):
    return InfoDayFactory(programme=programme, capacity=3, minimum=1)


@pytest.fixture
def course(programme):
    course = CourseFactory(site__programme=programme, capacity=2, title="E-ügyintézés alapjai")
    start = timezone.now() + datetime.timedelta(days=20)
    for n in range(1, 5):
        SessionFactory(course=course, number=n, starts_at=start + datetime.timedelta(days=7 * n),
                       ends_at=start + datetime.timedelta(days=7 * n, hours=4))
    return course


@pytest.mark.parametrize("name", PUBLIC_URLS)
def test_public_pages_open_without_login_in_hungarian(client, info_day, course, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="hu">' in html
    assert "Munkatársi belépés" in html  # the staff login is a visible link in the header
    assert "Miniszterelnöki Hivatal" in html  # the support block
    assert 'href="#main"' in html  # skip link


def test_root_is_the_programme_page_and_staff_still_reach_their_home(client, staff, info_day):
    response = client.get("/")
    assert response.status_code == 200
    assert "Digitális felzárkóztatás" in response.content.decode()
    client.force_login(staff)
    assert client.get(reverse("home")).status_code == 302


def test_info_day_list_shows_venue_date_and_places_left(client, info_day):
    RegistrationFactory(info_day=info_day)
    html = client.get(reverse("public:info_days")).content.decode()
    assert info_day.library.name in html
    assert info_day.library.address in html
    assert "2 szabad hely" in html
    assert "<svg" in html and "<polygon" in html  # the static map, drawn inline
    import re
    assert not re.search(r'(?:cx|x)="\d+,\d', html)  # SVG coordinates never take the Hungarian decimal comma


def test_places_left_change_right_after_a_registration_and_a_cancellation(client, info_day):
    url = reverse("public:info_day", kwargs={"pk": info_day.pk})
    assert "3 szabad hely" in client.get(url).content.decode()
    registration = RegistrationFactory(info_day=info_day)
    assert "2 szabad hely" in client.get(url).content.decode()
    cancel_registration(registration=registration, reason="Nem ér rá")
    assert "3 szabad hely" in client.get(url).content.decode()


def test_full_event_offers_the_waiting_list(client, info_day):
    for _ in range(3):
        RegistrationFactory(info_day=info_day)
    html = client.get(reverse("public:info_day", kwargs={"pk": info_day.pk})).content.decode()
    assert "Nincs szabad hely" in html and "várólistára" in html


def test_cancelled_event_says_so_and_offers_the_regions_other_events(client, programme, info_day):
    other = CourseFactory(site__programme=programme, site__library__county=info_day.region.counties.first(), title="Másik")
    SessionFactory(course=other, number=1)
    info_day.status = EventStatus.CANCELLED
    info_day.save()
    html = client.get(reverse("public:info_day", kwargs={"pk": info_day.pk})).content.decode()
    assert "Az esemény elmarad" in html
    assert reverse("public:course", kwargs={"pk": other.pk}) in html


def test_course_list_shows_the_four_sessions_and_places(client, course):
    RegistrationFactory(info_day=None, course=course, status=RegistrationStatus.CONFIRMED)
    html = client.get(reverse("public:courses")).content.decode()
    assert course.title in html
    assert html.count("<li>", html.index(course.title)) >= 4
    assert "1 szabad hely" in html


def test_unknown_event_is_a_404(client):
    assert client.get(reverse("public:info_day", kwargs={"pk": 999999})).status_code == 404


def test_privacy_notice_shows_the_consent_version(client, settings):
    settings.CONSENT_TEXT_VERSION = "2099-07"
    assert "Változat: 2099-07" in client.get(reverse("public:privacy")).content.decode()


def test_calendar_feed_has_every_public_event_and_sessions(client, info_day, course):
    response = client.get(reverse("public:calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    uids = {str(c["uid"]) for c in cal.walk("VEVENT")}
    assert f"info-day-{info_day.pk}@menet.mke.hu" in uids
    assert sum(1 for u in uids if u.startswith("session-")) == 4


def test_the_calendar_feed_answers_304_while_unchanged_and_is_rebuilt_by_any_change(
        client, info_day, course, monkeypatch, django_user_model):
    """A subscribed calendar polls the feed with the ETag it holds: 304 while nothing shown
    changed. The body is built once per content (icalendar took 150–300 ms for a national feed)
    and again after any change a VEVENT shows: a session's room or time, a cancellation, a title,
    the language. The feed is stored and revalidated (``no-cache``), not ``no-store``."""
    from django.core.cache import cache

    from public_site import calendar

    cache.clear()
    builds = []
    real_build = calendar._build
    monkeypatch.setattr(calendar, "_build", lambda *a: builds.append(1) or real_build(*a))
    url = reverse("public:calendar")
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"') and len(builds) == 1
    assert "no-store" not in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get(url).content == first.content and len(builds) == 1  # served from the one build

    def changed(change):
        change()
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200 and response["ETag"] != etag
        return response["ETag"], Calendar.from_ical(response.content)

    session = course.sessions.order_by("number").first()
    session.room = "Nagyterem 2"
    etag, cal = changed(lambda: session.save())
    assert any("Nagyterem 2" in str(c["location"]) for c in cal.walk("VEVENT"))
    session.starts_at += datetime.timedelta(hours=1)
    session.ends_at += datetime.timedelta(hours=1)
    etag, cal = changed(lambda: session.save())
    (moved,) = [c for c in cal.walk("VEVENT") if str(c["uid"]).startswith(f"session-{session.pk}@")]
    assert moved.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    etag, cal = changed(lambda: type(info_day).objects.filter(pk=info_day.pk).update(status=EventStatus.CANCELLED))
    (day,) = [c for c in cal.walk("VEVENT") if str(c["uid"]).startswith("info-day-")]
    assert str(day["status"]) == "CANCELLED"
    etag, cal = changed(lambda: type(course).objects.filter(pk=course.pk).update(title="Okostelefon alapok"))
    assert all("Okostelefon alapok" in str(c["summary"]) for c in cal.walk("VEVENT")
               if str(c["uid"]).startswith("session-"))
    from django.utils import translation

    from public_site import selectors

    events = selectors.info_days(info_day.programme) + selectors.courses(info_day.programme)
    with translation.override("hu"):
        hungarian = calendar.calendar_with_etag(events, name="MENET")
    with translation.override("en"):
        english = calendar.calendar_with_etag(events, name="MENET")
    assert hungarian[0] != english[0] and hungarian[1] != english[1]  # the language is in the ETag
    # A logged-in user's copy is still not stored (it is a page of a logged-in session).
    client.force_login(django_user_model.objects.create_user("naptar-teszt", password="x" * 20))
    assert "no-store" in client.get(url)["Cache-Control"]


def test_one_event_ics_carries_an_etag_of_its_content(client, info_day):
    url = reverse("public:info_day_ics", kwargs={"pk": info_day.pk})
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    type(info_day).objects.filter(pk=info_day.pk).update(room="Olvasóterem")
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Olvasóterem" in response.content.decode()
    assert response["Content-Disposition"].startswith("attachment")


def test_one_event_ics(client, info_day):
    response = client.get(reverse("public:info_day_ics", kwargs={"pk": info_day.pk}))
    cal = Calendar.from_ical(response.content)
    (event,) = cal.walk("VEVENT")
    assert str(event["location"]).startswith(info_day.library.name)
    assert event.decoded("dtstart").date() == info_day.date


def test_public_pages_query_count_does_not_grow_with_a_hidden_cache(client, info_day, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get(reverse("public:info_days"))


SUPPORT_PAGES = PUBLIC_URLS + ["public:certificate_lookup"]


@pytest.mark.parametrize("name", SUPPORT_PAGES)
def test_public_pages_show_the_programmes_support_block_from_the_one_include(client, programme, name):
    programme.support_statement = "Készült a Miniszterelnöki Hivatal MENET programjának támogatásával."
    programme.support_logos = ["img/support/menet.svg"]
    programme.save()
    response = client.get(reverse(name))
    assert "includes/support_block.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert programme.support_statement in html and programme.grant_number in html
    assert "/static/img/support/menet.svg" in html
    assert html.count('class="support-block') == 1


def test_event_and_personal_pages_show_the_support_block_of_their_own_programme(client, info_day):
    from public_site import tokens

    other = ProgrammeFactory(slug="menet-newer", start_date=info_day.programme.start_date.replace(year=2030),
                             end_date=info_day.programme.end_date.replace(year=2031))
    registration = RegistrationFactory(info_day=info_day)
    for url in [reverse("public:info_day", kwargs={"pk": info_day.pk}),
                reverse("public:personal", kwargs={"token": tokens.personal_token(registration.participant)})]:
        html = client.get(url).content.decode()
        assert other.grant_number in html or info_day.programme.grant_number in html
    html = client.get(reverse("public:info_day", kwargs={"pk": info_day.pk})).content.decode()
    assert info_day.programme.grant_number in html and other.grant_number not in html


def test_personal_page_lists_the_course_sessions_and_offers_no_calendar_for_a_cancelled_place(client, info_day, course):
    from public_site import tokens

    person = RegistrationFactory(info_day=None, course=course).participant
    gone = RegistrationFactory(info_day=info_day, participant=person)
    cancel_registration(registration=gone, reason="Mégsem ér rá.")
    html = client.get(reverse("public:personal", kwargs={"token": tokens.personal_token(person)})).content.decode()
    for session in course.sessions.all():
        assert timezone.localtime(session.starts_at).strftime("%H:%M") in html
    assert html.count("<li class=\"session\">") == 4
    assert reverse("public:course_ics", kwargs={"pk": course.pk}) in html
    assert reverse("public:info_day_ics", kwargs={"pk": info_day.pk}) not in html  # cancelled: nothing to add


@pytest.fixture
def many_courses(programme):
    """25 courses in two regions' libraries: Pécs (Dél-Dunántúl, 15) and Eger (Észak-Magyarország, 10)."""
    from events.models import County, Region
    from menet_portal.tests.factories import LibraryFactory, TrainingSiteFactory

    south, north = (County.objects.filter(region=Region.objects.get(code=code)).first() for code in ("HU23", "HU31"))
    found = []
    for n in range(25):
        library = LibraryFactory(settlement="Pécs" if n < 15 else "Eger", county=south if n < 15 else north,
                                 name=f"Csorba Győző Könyvtár {n}" if n < 15 else f"Bródy Sándor Könyvtár {n}")
        found.append(CourseFactory(site=TrainingSiteFactory(programme=programme, library=library),
                                   title=f"Tanfolyam {n:02d}"))
    return found


def _titles(html):
    import re

    return re.findall(r"Tanfolyam \d\d", html)


def test_the_course_list_is_paged_and_filtered_by_region_and_place(client, many_courses):
    url = reverse("public:courses")
    first = client.get(url).content.decode()
    assert "25 képzés" in first and "ezen az oldalon: 1–20." in first and len(_titles(first)) == 20
    assert "2 település könyvtárában 16 órás, ingyenes képzés: 4 alkalom, alkalmanként 4 óra." in first
    second = client.get(url, {"oldal": 2}).content.decode()
    assert len(_titles(second)) == 5 and not set(_titles(first)) & set(_titles(second))
    html = client.get(url, {"regio": "HU31"}).content.decode()
    assert "10 képzés" in html and set(_titles(html)) == {f"Tanfolyam {n}" for n in range(15, 25)}
    html = client.get(url, {"regio": "HU23", "hely": "pécs", "oldal": 1}).content.decode()
    assert "15 képzés" in html and "regio=HU23&amp;hely=p%C3%A9cs&amp;oldal=2" not in html  # one page of 15
    html = client.get(url, {"hely": "Bródy"}).content.decode()
    assert "10 képzés" in html
    html = client.get(url, {"hely": "Győző Könyvtár 1"}).content.decode()  # every word must match
    assert set(_titles(html)) == {"Tanfolyam 01"} | {f"Tanfolyam {n}" for n in range(10, 15)}
    assert "Nincs a keresésnek megfelelő képzés" in client.get(url, {"hely": "Sopron"}).content.decode()
    # The filter stays in the page links.
    html = client.get(url, {"hely": "Könyvtár"}).content.decode()
    assert "?hely=K%C3%B6nyvt%C3%A1r&amp;oldal=2" in html


@pytest.mark.parametrize("query", [{"regio": "HU99"}, {"hely": "x" * 61}, {"hely": "Pécs\x00"}, {"oldal": "-1'"}])
def test_a_bad_course_search_says_so_in_hungarian_and_lists_every_course(client, many_courses, query):
    response = client.get(reverse("public:courses"), query)
    html = response.content.decode()
    if "oldal" in query:  # a forged page number is the first page
        assert response.status_code == 200 and len(_titles(html)) == 20
        return
    assert response.status_code == 400
    assert "A keresés nem értelmezhető: javítsa a jelölt mezőt." in html and "25 képzés" in html
