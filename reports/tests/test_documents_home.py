"""The documents page at national scale: a page of each list, filtered by programme and a search,
and the same number of queries for 5 events as for 60."""

import re

import pytest
from django.urls import reverse

from menet_portal.tests.factories import (
    CourseFactory, InfoDayFactory, LibraryFactory, ProgrammeFactory, SessionFactory, TrainingSiteFactory,
)
from reports.document_views import EVENTS_PER_PAGE

pytestmark = pytest.mark.django_db

HOME = reverse("report_documents:home")


def _listed(html, param):
    """The ids of the events with a participant-list button on the page."""
    return {int(pk) for pk in re.findall(
        rf'name="kind" value="participant_list">\s*<input type="hidden" name="{param}" value="(\d+)"', html)}


def _events(n):
    days = [InfoDayFactory() for _ in range(n)]  # each in a programme of its own (one per region)
    courses = [CourseFactory() for _ in range(n)]
    for course in courses[:3]:
        SessionFactory(course=course, number=1)
    return days, courses


def test_staff_sees_a_page_of_each_list_and_turns_them_separately(login, staff):
    days, courses = _events(EVENTS_PER_PAGE + 5)
    client = login(staff)

    html = client.get(HOME).content.decode()
    first_days, first_courses = _listed(html, "info_day"), _listed(html, "course")
    assert len(first_days) == EVENTS_PER_PAGE and len(first_courses) == EVENTS_PER_PAGE
    assert f"{EVENTS_PER_PAGE + 5} információs nap, ezen az oldalon: 1–{EVENTS_PER_PAGE}." in html
    assert f"{EVENTS_PER_PAGE + 5} képzés, ezen az oldalon: 1–{EVENTS_PER_PAGE}." in html
    assert 'href="?napok=2#info-days-title"' in html and 'href="?kepzesek=2#courses-title"' in html

    html = client.get(HOME, {"napok": 2}).content.decode()
    assert _listed(html, "info_day") == {d.pk for d in days} - first_days
    assert _listed(html, "course") == first_courses  # the other list stays on its page
    assert 'href="?napok=2&amp;kepzesek=2#courses-title"' in html
    assert 'href="?napok=1#info-days-title"' in html

    html = client.get(HOME, {"napok": "x", "kepzesek": "999"}).content.decode()  # a forged page number
    assert _listed(html, "info_day") == first_days and len(_listed(html, "course")) == 5


def test_staff_filters_by_programme_and_searches_title_library_and_settlement(login, staff):
    programme = ProgrammeFactory()
    library = LibraryFactory(name="Berzsenyi Dániel Könyvtár", settlement="Szombathely")
    day = InfoDayFactory(programme=programme, library=library)
    course = CourseFactory(site=TrainingSiteFactory(programme=programme), title="Ügyintézés okostelefonon")
    other_day, other_course = InfoDayFactory(), CourseFactory(title="Családi pénzügyek")
    client = login(staff)

    html = client.get(HOME, {"programme": programme.pk}).content.decode()
    assert _listed(html, "info_day") == {day.pk} and _listed(html, "course") == {course.pk}
    for q, days, found in (("SZOMBAT", {day.pk}, set()), ("berzsenyi", {day.pk}, set()),
                           ("okostelefon", set(), {course.pk}), ("családi", set(), {other_course.pk}),
                           ("nincs ilyen", set(), set())):
        html = client.get(HOME, {"q": q}).content.decode()
        assert (_listed(html, "info_day"), _listed(html, "course")) == (days, found), q
    assert "Nincs információs nap." in html and "Nincs képzés." in html
    html = client.get(HOME, {"q": "családi"}).content.decode()
    assert 'value="családi"' in html  # the form keeps what was typed
    assert other_day.pk not in _listed(client.get(HOME, {"programme": programme.pk}).content.decode(), "info_day")


def test_a_forged_programme_is_a_hungarian_error_and_filters_nothing(login, staff):
    days, courses = _events(2)
    response = login(staff).get(HOME, {"programme": "999999", "q": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hibás szűrési feltétel: javítsa a jelölt mezőt. A listák szűretlenek." in html
    assert "Válasszon érvényes elemet." in html
    assert _listed(html, "info_day") == {d.pk for d in days} and _listed(html, "course") == {c.pk for c in courses}


def test_a_coordinator_searches_only_their_own_events(login, coordinator):
    mine = InfoDayFactory(library=coordinator.library, title="Digitális napló")
    InfoDayFactory(title="Digitális napló (máshol)")
    my_course = CourseFactory(site=TrainingSiteFactory(library=coordinator.library), title="Digitális alapok")
    CourseFactory(title="Digitális alapok (máshol)")
    client = login(coordinator)

    html = client.get(HOME, {"q": "digitális"}).content.decode()
    assert _listed(html, "info_day") == {mine.pk} and _listed(html, "course") == {my_course.pk}
    assert 'name="programme"' not in html  # a coordinator's events are their library's
    html = client.get(HOME, {"programme": "1"}).content.decode()  # ignored, not an error
    assert "Hibás szűrési feltétel" not in html and _listed(html, "info_day") == {mine.pk}


@pytest.mark.parametrize("size", [5, EVENTS_PER_PAGE + 35])
def test_the_page_costs_the_same_queries_for_few_events_and_many(login, staff, size, django_assert_max_num_queries):
    _events(size)
    client = login(staff)
    client.get(HOME)
    with django_assert_max_num_queries(12):
        assert client.get(HOME).status_code == 200


def test_the_latest_programmes_events_come_first(login, staff):
    import datetime

    old = ProgrammeFactory(start_date=datetime.date(2024, 9, 1), end_date=datetime.date(2025, 8, 31))
    new = ProgrammeFactory(start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2027, 8, 31))
    old_day, new_day = InfoDayFactory(programme=old), InfoDayFactory(programme=new)
    old_course = CourseFactory(site=TrainingSiteFactory(programme=old), title="A régi")
    new_course = CourseFactory(site=TrainingSiteFactory(programme=new), title="Z új")
    html = login(staff).get(HOME).content.decode()
    assert html.index(f'name="info_day" value="{new_day.pk}"') < html.index(f'name="info_day" value="{old_day.pk}"')
    assert html.index(f'name="course" value="{new_course.pk}"') < html.index(f'name="course" value="{old_course.pk}"')
