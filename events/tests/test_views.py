import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import EventStatus
from menet_portal.tests.factories import (
    AttendanceFactory,
    CourseFactory,
    InfoDayFactory,
    RegistrationFactory,
    SessionFactory,
)
from participants.models import Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


def _manage(event, action="manage"):
    slug = "informacios-nap" if event.kind == "info_day" else "kepzes"
    return reverse(f"events:{action}", args=[slug, event.pk])


def test_overview_shows_fill_waiting_minimum_attendance_and_next_date(login, staff):
    day = InfoDayFactory(capacity=30, minimum=25, date=timezone.localdate() + datetime.timedelta(days=3),
                         title="Holnaputáni nap")
    for _ in range(3):
        RegistrationFactory(info_day=day)
    RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED)
    past = InfoDayFactory(date=timezone.localdate() - datetime.timedelta(days=3), title="Múltkori nap", capacity=2,
                          minimum=1)
    AttendanceFactory(registration=RegistrationFactory(info_day=past))
    RegistrationFactory(info_day=past)
    course = CourseFactory(title="Tanfolyam A", capacity=15)
    s1 = SessionFactory(course=course, number=1, starts_at=timezone.now() - datetime.timedelta(days=7))
    SessionFactory(course=course, number=2, starts_at=timezone.now() - datetime.timedelta(days=1))
    SessionFactory(course=course, number=3, starts_at=timezone.now() + datetime.timedelta(days=6))
    reg = RegistrationFactory(info_day=None, course=course)
    AttendanceFactory(registration=reg, session=s1)

    body = login(staff).get(reverse("events:overview")).content.decode()
    assert "Holnaputáni nap" in body and "3 / 30" in body and "(10%)" in body
    assert "nincs meg (3 / 25)" in body  # minimum not reached
    assert "2 / 2" in body and "elérve (1)" in body  # past day full, minimum reached
    assert "rögzítve" in body
    assert "1 / 2" in body  # course: one of two started sessions has attendance
    assert "Tanfolyam A" in body

    filtered = login(staff).get(reverse("events:overview"), {"kind": "course"}).content.decode()
    assert "Tanfolyam A" in filtered and "Holnaputáni nap" not in filtered
    below = login(staff).get(reverse("events:overview"), {"below_minimum": "on"}).content.decode()
    assert "Holnaputáni nap" in below and "Múltkori nap" not in below
    ordered = login(staff).get(reverse("events:overview"), {"sort": "-fill_rate"}).content.decode()
    assert ordered.index("Múltkori nap") < ordered.index("Holnaputáni nap")


def test_overview_runs_few_queries(login, staff, django_assert_max_num_queries):
    for _ in range(5):
        day = InfoDayFactory()
        RegistrationFactory(info_day=day)
        course = CourseFactory()
        SessionFactory(course=course, number=1)
    client = login(staff)
    # session (read, and here a write: savepoint, update, release), user, the list's one statement
    # (order, counts, totals, page), the page's info days and courses, the region choices:
    # constant, whatever the number of events.
    with django_assert_max_num_queries(9):
        client.get(reverse("events:overview"))


@pytest.mark.parametrize("user_fixture", ["coordinator", "trainer", "funder"])
def test_overview_and_actions_are_for_staff_only(request, login, user_fixture):
    day = InfoDayFactory()
    client = login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("events:overview")).status_code == 403
    assert client.post(_manage(day, "cancel"), {"reason": "x", "confirm": "on"}).status_code == 403
    day.refresh_from_db()
    assert day.status == EventStatus.OPEN


def test_unknown_event_is_404(login, staff):
    client = login(staff)
    assert client.get(reverse("events:manage", args=["informacios-nap", 999999])).status_code == 404
    assert client.get(reverse("events:manage", args=["valami", 1])).status_code == 404


def test_open_and_close_from_the_page(login, staff):
    day = InfoDayFactory(status=EventStatus.PLANNED)
    client = login(staff)
    client.post(_manage(day, "registration_toggle"), {"open": "1"})
    day.refresh_from_db()
    assert day.status == EventStatus.OPEN
    response = client.post(_manage(day, "registration_toggle"), {"open": "0"}, follow=True)
    day.refresh_from_db()
    assert day.status == EventStatus.CLOSED and "A jelentkezés lezárva." in response.content.decode()


def test_raising_capacity_promotes_from_the_waiting_list(login, staff):
    day = InfoDayFactory(capacity=1, minimum=1)
    RegistrationFactory(info_day=day)
    waiting = RegistrationFactory(info_day=day, status=RegistrationStatus.WAITLISTED)
    response = login(staff).post(_manage(day, "capacity"), {"capacity": "2"}, follow=True)
    assert "1 fő került át a várólistáról" in response.content.decode()
    waiting.refresh_from_db()
    day.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED and day.capacity == 2


@pytest.mark.parametrize("typed", ["1", "abc", "0"])
def test_bad_capacity_keeps_the_input_and_says_why(login, staff, typed):
    day = InfoDayFactory(capacity=5, minimum=1)
    RegistrationFactory(info_day=day)
    RegistrationFactory(info_day=day)
    response = login(staff).post(_manage(day, "capacity"), {"capacity": typed})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'value="{typed}"' in body
    assert "invalid-feedback" in body
    day.refresh_from_db()
    assert day.capacity == 5


def test_cancel_from_the_page(login, staff):
    course = CourseFactory()
    reg = RegistrationFactory(info_day=None, course=course)
    client = login(staff)
    response = client.post(_manage(course, "cancel"), {"reason": ""})
    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()
    course.refresh_from_db()
    assert course.status == EventStatus.OPEN
    response = client.post(_manage(course, "cancel"), {"reason": "Az oktató megbetegedett.", "confirm": "on"},
                           follow=True)
    assert "Az esemény lemondva; 1 jelentkezés lemondva" in response.content.decode()
    course.refresh_from_db()
    reg.refresh_from_db()
    assert course.status == EventStatus.CANCELLED and reg.status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(pk=reg.pk).cancel_reason == "Az oktató megbetegedett."


def test_info_day_list_sorts_by_column_in_hungarian_order(client, staff):
    from menet_portal.tests.factories import InfoDayFactory, LibraryFactory

    for name in ["Zalai Könyvtár", "Csokonai Könyvtár", "Cukor utcai Könyvtár", "Ősz Könyvtár", "Ádám Könyvtár"]:
        InfoDayFactory(library=LibraryFactory(name=name))
    client.force_login(staff)
    url = reverse("events:info_day_list")
    names = lambda response: [d.library.name.split()[0] for d in response.context["info_days"]]  # noqa: E731
    assert names(client.get(url, {"rendezes": "helyszin"})) == ["Ádám", "Cukor", "Csokonai", "Ősz", "Zalai"]
    assert names(client.get(url, {"rendezes": "-helyszin"})) == ["Zalai", "Ősz", "Csokonai", "Cukor", "Ádám"]
    page = client.get(url, {"rendezes": "helyszin"}).content.decode()
    assert 'aria-sort="ascending"' in page and "?rendezes=-helyszin" in page


def test_overview_headers_sort_keep_the_filters_and_every_event_is_reachable(login, staff):
    days = [InfoDayFactory(title=f"Nap {n:02d}", date=timezone.localdate() + datetime.timedelta(days=n))
            for n in range(1, 56)]
    client = login(staff)
    body = client.get(reverse("events:overview"), {"kind": "info_day", "sort": "next_date", "page": 1}).content.decode()
    assert 'aria-sort="ascending"><a href="?kind=info_day&amp;sort=-next_date">' in body
    assert '<a href="?kind=info_day&amp;sort=title">' in body  # the other columns: ascending first
    seen = []
    for page in (1, 2):
        response = client.get(reverse("events:overview"), {"kind": "info_day", "page": page})
        seen += [row.event.pk for row in response.context["rows"]]
    assert seen == [d.pk for d in days]  # 50 + 5, in date order, none twice
    assert response.context["page_obj"].paginator.num_pages == 2
    assert "Nincs a szűrésnek megfelelő esemény." in client.get(
        reverse("events:overview"), {"q": "nincsilyen"}).content.decode()


def test_overview_filter_bar_and_row_links(login, staff):
    day = InfoDayFactory(title="Linkes nap")
    course = CourseFactory(title="Linkes képzés")
    client = login(staff)
    body = client.get(reverse("events:overview")).content.decode()
    assert f'href="{_manage(day)}"' in body and f'href="{_manage(course)}"' in body
    assert f'href="{reverse("setup:info_day_edit", args=[day.pk])}"' in body
    assert f'href="{reverse("setup:course_edit", args=[course.pk])}"' in body
    assert '<label class="form-label" for="id_kind">' in body and 'class="form-check-input"' in body
    bad = client.get(reverse("events:overview"), {"kind": "bogus", "below_minimum": "on"}).content.decode()
    assert "Hibás szűrési feltétel" in bad and 'class="invalid-feedback d-block"' in bad
    assert 'name="below_minimum" class="form-check-input" id="id_below_minimum" checked' in bad
