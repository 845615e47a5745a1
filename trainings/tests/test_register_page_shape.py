"""The register page's waiting list and change history at a fixed cost (trainings.selectors)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import EventStatus
from menet_portal.tests.factories import CoordinatorFactory, RegistrationFactory
from participants.models import RegistrationStatus
from participants.services import waiting_list, with_queue_position
from trainings import selectors, services
from trainings.models import AttendanceStatus
from trainings.tests.factories import past_info_day, past_session, trainee

pytestmark = pytest.mark.django_db


def _waiting(event_kwargs, count):
    at = timezone.now() - datetime.timedelta(days=3)
    rows = []
    for i in range(count):
        # two arrivals at the same instant: the id decides, as in promotion
        created = at + datetime.timedelta(minutes=i // 2)
        rows.append(RegistrationFactory(status=RegistrationStatus.WAITLISTED, created_at=created, **event_kwargs))
    return rows


@pytest.mark.parametrize("kind", ["info_day", "session"])
def test_waiting_list_positions_are_the_queue_positions(kind):
    if kind == "info_day":
        event = target = past_info_day(status=EventStatus.HELD, capacity=1, minimum=1)
        RegistrationFactory(info_day=event)
        rows = _waiting({"info_day": event}, 7)
    else:
        event = past_session()
        target = event.course
        trainee(target)
        rows = _waiting({"info_day": None, "course": target}, 7)
    RegistrationFactory(status=RegistrationStatus.WAITLISTED)  # another event's queue: not counted
    expected = [(r.pk, r.queue_position) for r in with_queue_position(waiting_list(target))]
    # The register page reads the confirmed people and the waiting list in one statement.
    with CaptureQueriesContext(connection) as queries:
        listed, waiting = selectors.register_people(event, with_waiting=True)
    shown = [(r.pk, r.queue_position) for r in waiting]
    assert shown == expected == [(r.pk, i) for i, r in enumerate(sorted(rows, key=lambda r: (r.created_at, r.pk)), 1)]
    assert len(queries) == 1 and "COUNT(" not in queries[0]["sql"]  # no correlated count per row
    assert [r.pk for r in listed] == [r.pk for r in selectors.register_rows(event)] != []
    assert selectors.register_people(event, with_waiting=False)[1] == []


def _register_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_change_history_costs_the_same_for_few_rows_or_many(login):
    session = past_session()
    coordinator = CoordinatorFactory(library=session.course.site.library, first_name="Kata", last_name="Rögzítő")
    people = [trainee(session.course, participant__family_name=f"Történet{i}") for i in range(6)]
    client = login(coordinator)
    url = reverse("trainings:session_register", args=[session.pk])
    services.record_attendance(event=session, statuses={p.pk: AttendanceStatus.ABSENT for p in people},
                               recorded_by=coordinator)
    few, _html = _register_queries(client, url)
    saved = client.post(url, {"save_register": "1", **{f"status_{p.pk}": AttendanceStatus.PRESENT for p in people}})
    assert saved.status_code == 302
    many, html = _register_queries(client, url)
    assert many == few
    history = html[html.index('id="history-title"'):]
    assert history.count("Rögzítő Kata") == len(people)  # saved on the page: who saved it is shown
    for person in people:
        assert history.count(person.participant.full_name) == 2  # every saved version
    rows = selectors.register_history(session)
    assert [r.status_label for r in rows] == [r.get_status_display() for r in rows] and len(rows) == 2 * len(people)


def test_the_radios_keep_what_was_submitted_when_a_row_is_missing(login):
    """The radios are written out in the template (not through RadioSelect): the names, values,
    ids and the checked state are the form's, also for a refused (bound) submit."""
    import re

    session = past_session()
    coordinator = CoordinatorFactory(library=session.course.site.library)
    first, second, third = (trainee(session.course, participant__family_name=n) for n in ("Ács", "Bíró", "Cser"))
    client = login(coordinator)
    url = reverse("trainings:session_register", args=[session.pk])
    response = client.post(url, {"save_register": "1", f"status_{first.pk}": "late", f"status_{third.pk}": "absent"})
    assert response.status_code == 200
    html = response.content.decode()
    checked = dict(re.findall(r'name="status_(\d+)" value="(\w+)" id="id_status_\d+_\d"\s*checked', html))
    assert checked == {str(first.pk): "late", str(third.pk): "absent"}
    values = [value for value, _label in AttendanceStatus.choices]
    for registration in (first, second, third):
        for i, value in enumerate(values):
            assert (f'name="status_{registration.pk}" value="{value}" id="id_status_{registration.pk}_{i}"' in html)
            assert f'for="id_status_{registration.pk}_{i}"' in html
    assert 'id="err-%s"' % second.pk in html  # the missing row says so


def test_the_evidence_panel_reads_each_rows_signature_with_the_row():
    """register_panel: the present rows and their signatures in one query, the same rows and
    signatures as attendance_signatures gives (signed, unsigned, late, absent with a signature)."""
    import json

    from evidence import selectors as evidence_selectors
    from evidence import services as evidence_services
    from menet_portal.tests.factories import AttendanceFactory, StaffFactory

    info_day = past_info_day(status=EventStatus.HELD)
    staff = StaffFactory()
    strokes = json.dumps([[[10, 20], [60, 80], [120, 40]]])
    rows = {}
    for family, status in (("Ács", "present"), ("Bíró", "late"), ("Cser", "present"), ("Dénes", "absent")):
        reg = RegistrationFactory(info_day=info_day, participant__family_name=family)
        rows[family] = AttendanceFactory(registration=reg, status="present")
    for family in ("Ács", "Bíró", "Dénes"):
        evidence_services.sign_attendance(attendance=rows[family], strokes=strokes, collected_by=staff)
    rows["Dénes"].status = "absent"
    rows["Dénes"].save()
    rows["Bíró"].status = "late"
    rows["Bíró"].save()
    old = evidence_selectors.attendance_signatures(info_day)
    with CaptureQueriesContext(connection) as queries:
        panel = evidence_selectors.register_panel(info_day)
    assert [(r.name.split()[0], r.signature) for r in panel["rows"]] == [
        ("Ács", old[rows["Ács"].registration_id]), ("Bíró", old[rows["Bíró"].registration_id]), ("Cser", None)]
    assert (panel["present"], panel["signed"]) == (3, 2)
    assert panel["rows"][0].signature.collected_by == staff
    assert len(queries) == 2  # present rows with their signatures, the register's own signatures


@pytest.mark.parametrize("kind", ["info_day", "session"])
def test_register_rows_carry_this_registers_attendance_only_in_one_query(kind):
    """register_rows: each confirmed person once, with this register's attendance (and who
    recorded it) or none; another session's row or another info day's never stands in."""
    from menet_portal.tests.factories import AttendanceFactory, StaffFactory

    recorder = StaffFactory()
    if kind == "info_day":
        event = past_info_day(status=EventStatus.HELD)
        marked, unmarked = RegistrationFactory(info_day=event), RegistrationFactory(info_day=event)
        AttendanceFactory(registration=marked, session=None, status=AttendanceStatus.LATE, recorded_by=recorder)
    else:
        event = past_session()
        other = past_session(course=event.course, number=2, days_ago=2)
        marked, unmarked = trainee(event.course), trainee(event.course)
        AttendanceFactory(registration=marked, session=event, status=AttendanceStatus.LATE, recorded_by=recorder)
        AttendanceFactory(registration=unmarked, session=other, status=AttendanceStatus.PRESENT)
    RegistrationFactory(status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now(), **(
        {"info_day": event} if kind == "info_day" else {"info_day": None, "course": event.course}))
    with CaptureQueriesContext(connection) as queries:
        rows = {r.pk: r for r in selectors.register_rows(event)}
        recorded = [(a.status, a.recorded_by.username) for r in rows.values() for a in r.current_attendance]
    assert len(queries) == 1
    assert set(rows) == {marked.pk, unmarked.pk}
    assert rows[unmarked.pk].current_attendance == []
    assert recorded == [(AttendanceStatus.LATE, recorder.username)]


def test_the_history_names_people_off_the_register_too():
    """register_history takes the names of the register's people from ``known`` (no query for
    them) and reads the others (a registration cancelled after its row was saved) in one query."""
    from participants.models import Registration

    session = past_session()
    recorder = CoordinatorFactory(library=session.course.site.library)
    stays = trainee(session.course, participant__family_name="Marad")
    leaves = trainee(session.course, participant__family_name="Távozik")
    services.record_attendance(event=session, statuses={stays.pk: AttendanceStatus.PRESENT,
                                                        leaves.pk: AttendanceStatus.ABSENT}, recorded_by=recorder)
    Registration.objects.filter(pk=leaves.pk).update(status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now())
    listed, waiting = selectors.register_people(session, with_waiting=True)
    assert [r.pk for r in listed] == [stays.pk]
    with CaptureQueriesContext(connection) as queries:
        names = {r.registration_id: r.person_name for r in selectors.register_history(session, known=listed)}
    assert names == {stays.pk: stays.participant.full_name, leaves.pk: leaves.participant.full_name}
    assert len(queries) == 2  # the history, and the one name not on the register
    with CaptureQueriesContext(connection) as queries:
        selectors.register_history(session, known=[stays, leaves])
    assert len(queries) == 1
