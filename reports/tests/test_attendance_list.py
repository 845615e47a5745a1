import io

import openpyxl
import pytest
from django.urls import reverse

from menet_portal.tests.factories import AttendanceFactory, InfoDayFactory, RegistrationFactory, SessionFactory
from participants.models import TargetGroup
from trainings.models import AttendanceStatus

from .factories import course_with_sessions, participant

pytestmark = pytest.mark.django_db


def _csv(response):
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


@pytest.fixture
def rows(coordinator):
    own = InfoDayFactory(library=coordinator.library)
    other = InfoDayFactory()
    a = AttendanceFactory(registration=RegistrationFactory(info_day=own, participant=participant(TargetGroup.CITIZEN)),
                          status=AttendanceStatus.PRESENT)
    b = AttendanceFactory(registration=RegistrationFactory(info_day=own, participant=participant(TargetGroup.BUSINESS)),
                          status=AttendanceStatus.ABSENT)
    c = AttendanceFactory(registration=RegistrationFactory(info_day=other), status=AttendanceStatus.PRESENT)
    return {"own": own, "other": other, "a": a, "b": b, "c": c}


def test_staff_sees_all_and_filters(login, staff, rows):
    client = login(staff)
    body = client.get(reverse("reports:attendance_list")).content.decode()
    for key in "abc":
        assert rows[key].registration.participant.given_name in body
    body = client.get(reverse("reports:attendance_list"), {"attended": "1", "info_day": rows["own"].pk}).content.decode()
    assert rows["a"].registration.participant.given_name in body
    assert rows["b"].registration.participant.given_name not in body
    assert rows["c"].registration.participant.given_name not in body


def test_coordinator_sees_only_own_library(login, coordinator, rows):
    client = login(coordinator)
    body = client.get(reverse("reports:attendance_list")).content.decode()
    assert rows["a"].registration.participant.given_name in body
    assert rows["c"].registration.participant.given_name not in body
    lines = _csv(client.get(reverse("reports:attendance_list"), {"format": "csv"}))
    assert len(lines) == 3  # header + own two
    # another library's info day as a filter is not a valid choice: nothing changes, nothing leaks
    response = client.get(reverse("reports:attendance_list"), {"info_day": rows["other"].pk})
    assert "Hibás szűrési feltétel" in response.content.decode()
    assert rows["c"].registration.participant.given_name not in response.content.decode()
    assert client.get(reverse("reports:attendance_list"), {"info_day": rows["other"].pk, "format": "csv"}).status_code == 400


def test_export_has_hungarian_headers_and_the_filter_applied(login, staff, rows):
    client = login(staff)
    lines = _csv(client.get(reverse("reports:attendance_list"), {"target_group": "business", "format": "csv"}))
    assert lines[0] == "Családi név;Utónév;Célcsoport;Esemény;Helyszín;Foglalkozás;Időpont;Jelenlét;Rögzítve"
    assert len(lines) == 2 and rows["b"].registration.participant.given_name in lines[1]
    assert "gazdasági szervezet" in lines[1] and "hiányzott" in lines[1]
    response = client.get(reverse("reports:attendance_list"), {"attended": "1", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Családi név" and len(values) == 3


def test_course_attendance_and_sorting(login, staff):
    from django.utils import timezone
    import datetime

    from menet_portal.tests.factories import TrainingSiteFactory

    course, sessions = course_with_sessions(site=TrainingSiteFactory(), starts=timezone.now() - datetime.timedelta(days=2))
    for name in ["Őz", "Cukor", "Csizmadia", "Czakó", "Ozsvár"]:
        reg = RegistrationFactory(info_day=None, course=course, participant__family_name=name)
        AttendanceFactory(registration=reg, session=sessions[0], status="present")
    client = login(staff)
    body = client.get(reverse("reports:attendance_list"), {"kind": "course", "sort": "participant"}).content.decode()
    positions = [body.index(f"{n} ") for n in ["Cukor", "Czakó", "Csizmadia", "Ozsvár", "Őz"]]
    assert positions == sorted(positions)


def test_funder_and_anonymous_cannot_open_attendance(client, login, funder):
    assert client.get(reverse("reports:attendance_list")).status_code == 302
    assert login(funder).get(reverse("reports:attendance_list")).status_code == 403


def test_the_event_filters_list_the_chosen_event_and_a_few_hits_not_every_event(login, staff, coordinator):
    import re

    from menet_portal.tests.factories import CourseFactory, LibraryFactory, TrainingSiteFactory
    from participants.selectors import EVENT_SEARCH_LIMIT

    courses = [CourseFactory(site=TrainingSiteFactory(library=LibraryFactory(settlement="Pápa")), title=f"Pápai kurzus {n}")
               for n in range(EVENT_SEARCH_LIMIT + 5)]
    chosen = courses[0]
    session = SessionFactory(course=chosen)
    attended = AttendanceFactory(registration=RegistrationFactory(course=chosen, info_day=None), session=session)
    url = reverse("reports:attendance_list")
    client = login(staff)

    html = client.get(url).content.decode()
    select = re.search(r'<select name="course".*?</select>', html, re.S).group(0)
    assert select.count("<option") == EVENT_SEARCH_LIMIT + 1  # the empty choice and the first hits
    assert "Csak a legutóbbiak látszanak" in html and "participants/event-search.js" in html

    html = client.get(url, {"course": chosen.pk}).content.decode()
    select = re.search(r'<select name="course".*?</select>', html, re.S).group(0)
    assert f'<option value="{chosen.pk}" selected>' in select  # the chosen one, even beyond the hits
    assert "1 jelenléti bejegyzés" in html and attended.registration.participant.family_name in html

    assert "1 jelenléti bejegyzés" in client.get(url, {"event_q": "kurzus 0"}).content.decode()  # typed alone
    assert "0 jelenléti bejegyzés" in client.get(url, {"event_q": "kurzus 1"}).content.decode()

    other = login(coordinator).get(url, {"event_q": "Pápai"}).content.decode()
    select = re.search(r'<select name="course".*?</select>', other, re.S).group(0)
    assert "Pápai kurzus" not in select and "0 jelenléti bejegyzés" in other


def test_a_trainer_gets_the_selects_without_the_autocomplete_closed_to_trainers(login, trainer):
    html = login(trainer).get(reverse("reports:attendance_list")).content.decode()
    assert '<select name="course"' in html and "participants/event-search.js" not in html
