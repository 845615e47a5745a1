"""The attendance list at length: each user's rows (menet_portal.scope.attendance_for), paged by
their ids first (menet_portal.paging.IdsFirstTable) and drawn without tables2's per-cell calls."""

import datetime
import re

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from menet_portal import scope
from menet_portal.tests.factories import (
    AttendanceFactory, CourseFactory, InfoDayFactory, ParticipantFactory, RegistrationFactory, SessionFactory,
    TrainingSiteFactory,
)
from reports.tables import AttendanceTable
from trainings.models import Attendance, AttendanceStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(coordinator, trainer):
    """120 attendance rows of the coordinator's library (info day and course), 30 of another
    library's course that the trainer teaches, recorded a minute apart, some at the same minute."""
    now = timezone.now()
    own_day = InfoDayFactory(library=coordinator.library)
    own_course = CourseFactory(site=TrainingSiteFactory(library=coordinator.library))
    own_session = SessionFactory(course=own_course, number=1)
    taught = CourseFactory()
    taught.trainers.add(trainer)
    taught_session = SessionFactory(course=taught, number=2)
    rows = []
    for n in range(150):
        if n < 60:
            registration, session = RegistrationFactory(info_day=own_day), None
        elif n < 120:
            registration, session = RegistrationFactory(info_day=None, course=own_course), own_session
        else:
            registration, session = RegistrationFactory(info_day=None, course=taught), taught_session
        rows.append(AttendanceFactory(registration=registration, session=session,
                                      recorded_at=now - datetime.timedelta(minutes=n // 3)))
    return rows


def test_each_user_sees_the_attendance_of_the_registrations_they_see(many, staff, coordinator, trainer, funder):
    for user in (staff, coordinator, trainer, funder):
        visible = set(scope.registrations_for(user).values_list("pk", flat=True))
        expected = set(Attendance.objects.filter(registration_id__in=visible).values_list("pk", flat=True))
        assert set(scope.attendance_for(user).values_list("pk", flat=True)) == expected, user.role
    assert scope.attendance_for(staff).count() == 150
    assert scope.attendance_for(coordinator).count() == 120
    assert scope.attendance_for(trainer).count() == 30
    assert not scope.attendance_for(funder).exists()


def _page_ids(client, **query):
    html = client.get(reverse("reports:attendance_list"), query).content.decode()
    body = html[html.index("<tbody"):html.index("</tbody>")]
    return html, re.findall(r"<tr class=\"(?:even|odd)\"><td>([^<]*)</td>", body)


@pytest.mark.parametrize("who", ["staff", "coordinator"])
def test_the_pages_follow_one_another_newest_first_without_gap_or_overlap(many, login, request, who):
    user = request.getfixturevalue(who)
    client = login(user)
    expected = [a.registration.participant.full_name for a in
                scope.attendance_for(user).select_related("registration__participant").order_by("-recorded_at", "-id")]
    seen = []
    for number in (1, 2, 3):
        html, names = _page_ids(client, page=number)
        seen += names
    assert seen == expected
    # A page past the last shows the last one; a forged number the first (RequestConfig's rule).
    assert _page_ids(client, page=99)[1] == expected[100:]
    assert _page_ids(client, page="x")[1] == expected[:50]


@pytest.mark.parametrize("sort", ["status", "-status", "target_group", "session", "recorded_at", "participant"])
def test_every_sort_pages_without_gap_or_overlap(many, login, staff, sort):
    """Equal values (150 rows, three statuses) are ordered by id: the pages are one list."""
    client = login(staff)
    seen = []
    for number in (1, 2, 3):
        html, names = _page_ids(client, page=number, sort=sort)
        seen += names
    assert len(seen) == 150 and sorted(seen) == sorted(a.registration.participant.full_name for a in many)


def test_the_page_is_chosen_by_its_ids_then_only_its_rows_are_joined(many, login, coordinator):
    """The statement that pages (LIMIT) reads attendance ids only; the joined statement reads the
    page's ids. Sorting the wide joined rows of a library made PostgreSQL walk every attendance
    row and compare each with the library's registration ids (230 ms at national scale)."""
    client = login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:attendance_list"), {"page": 2}).status_code == 200
    limited = [q["sql"] for q in queries if " LIMIT " in q["sql"] and "trainings_attendance" in q["sql"]
               and "django_session" not in q["sql"]]
    assert limited and all(q.startswith('SELECT "trainings_attendance"."id" AS "pk" FROM') for q in limited), limited
    joined = [q["sql"] for q in queries if '"participants_participant"."family_name"' in q["sql"]
              and "trainings_attendance" in q["sql"]]
    assert len(joined) == 1 and '"trainings_attendance"."id" IN (' in joined[0] and " LIMIT " not in joined[0]


def _cells(html):
    body = html[html.index("<tbody"):html.index("</tbody>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [[cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def test_the_rows_drawn_directly_are_the_columns_of_tables2(many, rf, staff):
    """reports/_attendance_table.html writes each cell from the record; tables2's own rows
    (its bootstrap5 template) give the same cells for info-day and session rows, an absent person,
    and a name that needs escaping."""
    odd = ParticipantFactory(family_name="<b>Kiss</b> & Társa", given_name="Ödön")
    AttendanceFactory(registration=RegistrationFactory(participant=odd, info_day=many[0].registration.info_day),
                      status=AttendanceStatus.ABSENT)
    queryset = scope.attendance_for(staff).order_by("-recorded_at", "-id")
    request = rf.get("/")
    request.user = staff
    drawn, theirs = [], []
    for template_name, out in (("reports/_attendance_table.html", drawn), ("django_tables2/bootstrap5.html", theirs)):
        table = AttendanceTable(queryset, template_name=template_name)
        table.paginate(per_page=200)
        html = engines["django"].from_string("{% load django_tables2 %}{% render_table table %}").render(
            {"table": table, "request": request})
        out += _cells(html)
    assert len(drawn) == 151 and drawn == theirs
    assert "&lt;b&gt;Kiss&lt;/b&gt; &amp; Társa Ödön" in [row[0] for row in drawn]
    assert {row[3] for row in drawn} == {"–", "1", "2"}
