"""The event overview orders, filters, counts and totals the whole list in one SQL statement
(events.selectors.event_overview_page). These tests hold it to the Python sort it replaced:
the same rows in the same order on every page, for every column and direction, and the same
totals, on seeded data; and Hungarian alphabetical order for the text columns."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import EventStatus, InfoDay
from events.selectors import event_overview, event_overview_page
from menet_portal.db import hungarian_sort_key
from menet_portal.scope import courses_for, info_days_for
from menet_portal.tests.factories import (
    CourseFactory, InfoDayFactory, LibraryFactory, RegistrationFactory, SessionFactory, StaffFactory, get_region,
)
from participants.models import RegistrationStatus
from trainings.models import Course

pytestmark = pytest.mark.django_db

# The earlier implementation's sort keys (Python, over every event of the list).
REFERENCE_SORTS = {
    "next_date": lambda r: (r.sort_date, r.kind, r.event.pk),
    "title": lambda r: (hungarian_sort_key(r.library.settlement or ""), r.kind, r.event.pk),
    "region": lambda r: (hungarian_sort_key(r.region.name or ""), r.sort_date, r.event.pk),
    "status": lambda r: (r.event.status, r.sort_date, r.event.pk),
    "fill_rate": lambda r: (r.confirmed * 100 / r.capacity if r.capacity else 0, r.sort_date, r.event.pk),
    "waitlisted": lambda r: (r.waitlisted, r.sort_date, r.event.pk),
    "minimum_reached": lambda r: (r.confirmed, r.sort_date, r.event.pk),
}


def _reference(info_days, courses, sort, below_only):
    rows = event_overview(info_days=info_days, courses=courses)  # per-row subqueries: an independent count
    # info days first, then courses: the order the earlier list was built in (its sort was stable)
    rows = [r for r in rows if r.kind == "info_day"] + [r for r in rows if r.kind == "course"]
    if below_only:
        rows = [r for r in rows if not r.minimum_reached]
    column = (sort or "next_date").lstrip("-")
    rows.sort(key=REFERENCE_SORTS.get(column, REFERENCE_SORTS["next_date"]), reverse=(sort or "").startswith("-"))
    return rows


def _keys(rows):
    return [(r.kind, r.event.pk, r.confirmed, r.waitlisted) for r in rows]


def _assert_same_as_reference(info_days, courses):
    for below_only in (False, True):
        for column in [*REFERENCE_SORTS, "bogus"]:
            for sort in (column, f"-{column}"):
                expected = _reference(info_days, courses, sort, below_only)
                seen, page, pages = [], 1, 1
                while page <= pages:
                    rows, page_obj, totals = event_overview_page(
                        info_days=info_days, courses=courses, sort=sort, page=page, per_page=15,
                        below_only=below_only)
                    pages = page_obj.paginator.num_pages
                    seen += rows
                    page += 1
                assert _keys(seen) == _keys(expected), (sort, below_only)
                assert totals.events == len(expected)
                assert totals.capacity == sum(r.capacity for r in expected)
                assert totals.confirmed == sum(r.confirmed for r in expected)
                assert totals.waitlisted == sum(r.waitlisted for r in expected)
                assert totals.below_minimum == sum(1 for r in expected if not r.minimum_reached)


def test_same_rows_order_and_totals_as_the_python_sort_on_seeded_data():
    call_command("seed_demo", participants=300, events=40, verbosity=0)
    staff = StaffFactory()
    info_days, courses = info_days_for(staff), courses_for(staff)
    assert info_days.count() + courses.count() >= 40
    _assert_same_as_reference(info_days, courses)


def test_ties_between_an_info_day_and_a_course_break_as_before():
    """Same pk, region, next date, status and counts: the earlier stable sort kept the info day
    first on every column but the two whose key named the kind."""
    staff = StaffFactory()
    date = timezone.localdate() + datetime.timedelta(days=5)
    course = CourseFactory(pk=9001)
    region = course.site.library.county.region
    SessionFactory(course=course, number=1,
                   starts_at=timezone.make_aware(datetime.datetime.combine(date, datetime.time(10))))
    InfoDayFactory(pk=9001, region=region, date=date, library=course.site.library)
    InfoDayFactory(pk=9002, region=region, date=date, library=course.site.library)
    _assert_same_as_reference(info_days_for(staff), courses_for(staff))
    rows, _page, _totals = event_overview_page(info_days=info_days_for(staff), courses=courses_for(staff),
                                               sort="region")
    assert [(r.kind, r.event.pk) for r in rows] == [("info_day", 9001), ("course", 9001), ("info_day", 9002)]


def test_a_page_past_the_end_shows_the_last_page_and_an_empty_list_is_one_empty_page():
    staff = StaffFactory()
    for _ in range(3):
        InfoDayFactory()
    rows, page_obj, totals = event_overview_page(info_days=info_days_for(staff), courses=courses_for(staff),
                                                 page=9, per_page=2)
    assert page_obj.number == 2 and len(rows) == 1 and totals.events == 3
    rows, page_obj, totals = event_overview_page(info_days=info_days_for(staff), courses=courses_for(staff),
                                                 page="x", per_page=2)
    assert page_obj.number == 1 and len(rows) == 2
    rows, page_obj, totals = event_overview_page(info_days=info_days_for(staff).none(),
                                                 courses=courses_for(staff).none())
    assert rows == [] and page_obj.number == 1 and totals.events == 0 and totals.capacity == 0


def test_title_and_region_columns_sort_in_hungarian_order():
    staff = StaffFactory()
    names = ["Zalaegerszeg", "Ózd", "Csorna", "Cegléd", "Ács", "Budapest", "Szolnok", "Sárvár", "Zsámbék", "Őriszentpéter"]
    for name in names:
        InfoDayFactory(library=LibraryFactory(settlement=name))
    rows, _page, _totals = event_overview_page(info_days=info_days_for(staff), courses=courses_for(staff).none(),
                                               sort="title")
    assert [r.library.settlement for r in rows] == [
        "Ács", "Budapest", "Cegléd", "Csorna", "Ózd", "Őriszentpéter", "Sárvár", "Szolnok", "Zalaegerszeg", "Zsámbék"]
    regions = ["Nyugat-Dunántúl", "Észak-Alföld", "Dél-Dunántúl"]
    InfoDay.objects.all().delete()
    for name in regions:
        InfoDayFactory(region=get_region(name))
    rows, _page, _totals = event_overview_page(info_days=info_days_for(staff), courses=courses_for(staff).none(),
                                               sort="region")
    assert [r.region.name for r in rows] == ["Dél-Dunántúl", "Észak-Alföld", "Nyugat-Dunántúl"]


def test_filters_and_counts_reach_the_sql_list():
    staff = StaffFactory()
    open_day = InfoDayFactory(capacity=10, minimum=2)
    RegistrationFactory(info_day=open_day)
    RegistrationFactory(info_day=open_day, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(info_day=open_day, status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now())
    InfoDayFactory(status=EventStatus.CANCELLED)
    course = CourseFactory(capacity=4)
    RegistrationFactory(info_day=None, course=course)
    rows, _page, totals = event_overview_page(info_days=info_days_for(staff).filter(status=EventStatus.OPEN),
                                              courses=courses_for(staff))
    assert {(r.kind, r.event.pk) for r in rows} == {("info_day", open_day.pk), ("course", course.pk)}
    assert (totals.events, totals.capacity, totals.confirmed, totals.waitlisted, totals.below_minimum) == (2, 14, 2, 1, 2)
