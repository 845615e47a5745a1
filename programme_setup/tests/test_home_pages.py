"""The set-up page at national scale: a page of each list, turned separately, filtered by programme
and a search, with the same queries for few rows as for many."""

import re

import pytest
from django.urls import reverse

from menet_portal.tests.factories import (
    CourseFactory, InfoDayFactory, LibraryFactory, ProgrammeFactory, SessionFactory, TrainerFactory, TrainingSiteFactory,
)
from programme_setup.views import SETUP_PER_PAGE

pytestmark = pytest.mark.django_db

HOME = reverse("setup:home")


def _ids(html, name):
    return {int(pk) for pk in re.findall(rf'href="/beallitas/{name}/(\d+)/', html)}


def _urls():
    day = InfoDayFactory()
    return {
        "info_days": reverse("setup:info_day_edit", args=[day.pk]).split("/")[2],
        "sites": reverse("setup:site_edit", args=[TrainingSiteFactory().pk]).split("/")[2],
        "courses": reverse("setup:course_edit", args=[CourseFactory().pk]).split("/")[2],
    }


def test_each_list_shows_a_page_and_turns_on_its_own(login, staff):
    names = _urls()
    for _ in range(SETUP_PER_PAGE + 3):
        CourseFactory()  # a site (and a programme) each
    client = login(staff)
    html = client.get(HOME).content.decode()
    first = _ids(html, names["courses"])
    assert len(first) == SETUP_PER_PAGE and len(_ids(html, names["sites"])) == SETUP_PER_PAGE
    assert f"Összesen {SETUP_PER_PAGE + 4}, ezen az oldalon: 1–{SETUP_PER_PAGE}." in html
    html = client.get(HOME, {"kepzesek": 2}).content.decode()
    assert len(_ids(html, names["courses"])) == 4 and not _ids(html, names["courses"]) & first
    assert len(_ids(html, names["sites"])) == SETUP_PER_PAGE  # the sites stay on their first page
    assert 'href="?kepzesek=2&amp;helyszinek=2#h-sites"' in html


def test_the_programme_and_the_search_narrow_the_events_and_sites(login, staff):
    names = _urls()
    programme = ProgrammeFactory()
    library = LibraryFactory(name="Kisfaludy Károly Könyvtár", settlement="Győr")
    day = InfoDayFactory(programme=programme, library=library)
    site = TrainingSiteFactory(programme=programme, library=library)
    course = CourseFactory(site=site, title="Ügyfélkapu lépésről lépésre")
    SessionFactory(course=course)
    client = login(staff)
    html = client.get(HOME, {"programme": programme.pk}).content.decode()
    assert (_ids(html, names["info_days"]), _ids(html, names["sites"]), _ids(html, names["courses"])) == (
        {day.pk}, {site.pk}, {course.pk})
    html = client.get(HOME, {"q": "kisfaludy"}).content.decode()
    assert (_ids(html, names["info_days"]), _ids(html, names["sites"]), _ids(html, names["courses"])) == (
        {day.pk}, {site.pk}, {course.pk})
    course_row = html.split(f'href="/beallitas/{names["courses"]}/{course.pk}/"', 1)[1].split("</tr>", 1)[0]
    site_row = html.split(f'href="/beallitas/{names["sites"]}/{site.pk}/"', 1)[1].split("</tr>", 1)[0]
    assert "<td>Győr</td><td>1</td>" in course_row and site_row.endswith("<td>1</td>")  # sessions, courses
    html = client.get(HOME, {"programme": "nem szám"}).content.decode()
    assert "Hibás szűrési feltétel: javítsa a jelölt mezőt. A listák szűretlenek." in html
    assert day.pk in _ids(html, names["info_days"])


@pytest.mark.parametrize("size", [3, SETUP_PER_PAGE + 20])
def test_the_page_costs_the_same_queries_for_few_rows_and_many(login, staff, size, django_assert_max_num_queries):
    for _ in range(size):
        SessionFactory(course=CourseFactory())
        TrainerFactory()
    client = login(staff)
    client.get(HOME)
    with django_assert_max_num_queries(14):
        assert client.get(HOME).status_code == 200
