"""The staff set-up screens: scope, constraint messages beside the field, services behind every save."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from events.models import EventStatus, InfoDay
from menet_portal.models import MessageKind, OutboxMessage, Role, User
from menet_portal.tests.factories import (
    CourseFactory,
    InfoDayFactory,
    LibraryFactory,
    ParticipantFactory,
    ProgrammeFactory,
    RegistrationFactory,
    SessionFactory,
    StaffFactory,
    TrainerFactory,
    TrainingSiteFactory,
    get_region,
)
from participants.models import RegistrationStatus
from participants.services import register_participant
from trainings.models import Course, Session

pytestmark = pytest.mark.django_db


def _urls():
    day, site, course = InfoDayFactory(), TrainingSiteFactory(), CourseFactory()
    trainer = TrainerFactory()
    return [
        reverse("setup:home"),
        reverse("setup:info_day_create"), reverse("setup:info_day_edit", args=[day.pk]),
        reverse("setup:site_create"), reverse("setup:site_edit", args=[site.pk]),
        reverse("setup:course_create"), reverse("setup:course_edit", args=[course.pk]),
        reverse("setup:account_create"), reverse("setup:account_edit", args=[trainer.pk]),
    ]


@pytest.mark.parametrize("role", ["coordinator", "trainer", "funder"])
def test_every_set_up_url_answers_403_to_other_roles(role, login, request):
    urls = _urls()
    client = login(request.getfixturevalue(role))
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"title": "x"}).status_code == 403, url
    assert InfoDay.objects.count() == 1 and not User.objects.filter(username="x").exists()


def test_anonymous_visitors_are_sent_to_the_login(client):
    for url in _urls():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/belepes/")


def test_staff_navigation_links_the_set_up(login, staff):
    html = login(staff).get(reverse("setup:home")).content.decode()
    assert f'href="{reverse("setup:home")}"' in html


def _info_day_post(programme, **overrides):
    data = {
        "programme": programme.pk, "region": get_region("Dél-Alföld").pk, "library": LibraryFactory().pk,
        "title": "Információs nap – Szeged", "date": "2026-11-24", "start_time": "09:00", "end_time": "13:00",
        "room": "Nagyterem", "capacity": "30", "minimum": "25", "status": "open", "description": "",
    }
    data.update(overrides)
    return data


def test_staff_create_an_info_day_and_its_history_shows_who(login, staff):
    programme = ProgrammeFactory()
    client = login(staff)
    response = client.post(reverse("setup:info_day_create"), _info_day_post(programme))
    day = InfoDay.objects.get()
    assert response.status_code == 302 and response.url == reverse("setup:info_day_edit", args=[day.pk])
    assert (day.date, day.start_time, day.capacity, day.status) == (
        datetime.date(2026, 11, 24), datetime.time(9), 30, EventStatus.OPEN)
    client.post(reverse("setup:info_day_edit", args=[day.pk]), _info_day_post(
        programme, library=day.library.pk, room="Kisterem", capacity="28"))
    html = client.get(reverse("setup:info_day_edit", args=[day.pk])).content.decode()
    assert "Változások" in html and str(staff) in html
    assert "Nagyterem → Kisterem" in html and "30 → 28" in html


def test_an_end_before_the_start_is_reported_beside_the_field_and_the_input_is_kept(login, staff):
    programme = ProgrammeFactory()
    response = login(staff).post(reverse("setup:info_day_create"), _info_day_post(
        programme, start_time="13:00", end_time="09:00", capacity="20", minimum="25", title="Eger, Bródy"))
    html = response.content.decode()
    assert response.status_code == 400 and not InfoDay.objects.exists()
    assert 'id="error_1_id_end_time"' in html and "A befejezés nem lehet korábbi a kezdésnél (13:00), és nem is eshet egybe vele." in html
    assert 'id="error_1_id_minimum"' in html and "nem lehet nagyobb a férőhelynél (25 &gt; 20)" in html
    assert "megszorítás" not in html and 'value="Eger, Bródy"' in html


def test_a_second_info_day_in_the_region_is_reported_on_the_region(login, staff):
    existing = InfoDayFactory(region=get_region("Dél-Alföld"))
    response = login(staff).post(reverse("setup:info_day_create"), _info_day_post(existing.programme))
    assert response.status_code == 400
    assert 'id="error_1_id_region"' in response.content.decode()
    assert InfoDay.objects.count() == 1


def test_lowering_capacity_below_confirmed_is_refused_with_the_numbers(login, staff):
    day = InfoDayFactory(capacity=20, minimum=10)
    RegistrationFactory.create_batch(15, info_day=day)
    data = _info_day_post(day.programme, region=day.region.pk, library=day.library.pk, capacity="12", minimum="10",
                          date=day.date.isoformat())
    response = login(staff).post(reverse("setup:info_day_edit", args=[day.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error_1_id_capacity"' in html
    assert "15 fő már visszaigazolt, a létszám nem lehet kevesebb 15-nél." in html
    day.refresh_from_db()
    assert day.capacity == 20 and day.room == ""


def test_the_existing_capacity_form_gives_the_numbers_too(login, staff):
    day = InfoDayFactory(capacity=20, minimum=10)
    RegistrationFactory.create_batch(15, info_day=day)
    response = login(staff).post(reverse("events:capacity", args=["informacios-nap", day.pk]), {"capacity": 3})
    assert "15 fő már visszaigazolt, a létszám nem lehet kevesebb 15-nél." in response.content.decode()


def test_moving_an_info_day_in_the_form_e_mails_the_registered_people(login, staff, django_capture_on_commit_callbacks):
    day = InfoDayFactory(capacity=1, minimum=1, date=datetime.date(2026, 11, 24))
    register_participant(participant=ParticipantFactory(email="elso@example.hu"), event=day)
    register_participant(participant=ParticipantFactory(email="varo@example.hu"), event=day)
    mail.outbox.clear()
    data = _info_day_post(day.programme, region=day.region.pk, library=day.library.pk, capacity="1", minimum="1",
                          date="2026-12-01", room="")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(staff).post(reverse("setup:info_day_edit", args=[day.pk]), data)
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox if "Megváltozott" in m.subject) == ["elso@example.hu", "varo@example.hu"]
    assert all("2026. december 1." in m.body for m in mail.outbox)


def _course_post(site, sessions, **overrides):
    data = {"site": site.pk, "title": "E-ügyintézés alapjai", "capacity": "15", "status": "open", "description": "",
            "sessions-TOTAL_FORMS": str(len(sessions)), "sessions-INITIAL_FORMS": "0",
            "sessions-MIN_NUM_FORMS": "0", "sessions-MAX_NUM_FORMS": "4"}
    for index, row in enumerate(sessions):
        for key, value in row.items():
            data[f"sessions-{index}-{key}"] = value
    data.update(overrides)
    return data


def _four_sessions(first=datetime.date(2026, 11, 2)):
    return [{"number": str(n), "date": (first + datetime.timedelta(days=7 * (n - 1))).isoformat(),
             "start_time": "09:00", "end_time": "13:00", "room": "Olvasóterem", "topic": ""} for n in range(1, 5)]


def test_staff_create_a_course_with_its_four_sessions_on_one_page(login, staff):
    site, trainer = TrainingSiteFactory(), TrainerFactory()
    client = login(staff)
    assert client.get(reverse("setup:course_create")).content.decode().count('name="sessions-') >= 4 * 6
    response = client.post(reverse("setup:course_create"), _course_post(site, _four_sessions(), trainers=[trainer.pk]))
    course = Course.objects.get()
    assert response.status_code == 302
    assert [s.number for s in course.sessions.all()] == [1, 2, 3, 4]
    assert list(course.trainers.all()) == [trainer]
    first = course.sessions.get(number=1)
    assert first.starts_at.isoformat() == "2026-11-02T08:00:00+00:00" and first.hours == 4


def test_session_errors_stand_beside_the_row_and_nothing_is_saved(login, staff):
    site = TrainingSiteFactory()
    sessions = _four_sessions()
    sessions[1]["end_time"] = "08:00"
    sessions[3]["number"] = "3"
    response = login(staff).post(reverse("setup:course_create"), _course_post(site, sessions))
    html = response.content.decode()
    assert response.status_code == 400 and not Course.objects.exists() and not Session.objects.exists()
    assert 'id="error_1_id_sessions-1-end_time"' in html
    assert "A befejezés nem lehet korábbi a kezdésnél (09:00), és nem is eshet egybe vele." in html
    assert 'id="error_1_id_sessions-3-number"' in html and "A(z) 3. foglalkozás kétszer szerepel." in html
    assert 'value="Olvasóterem"' in html


def test_a_session_number_beyond_the_programme_is_refused(login, staff):
    site = TrainingSiteFactory(programme=ProgrammeFactory(sessions_per_course=3, completion_min_sessions=3))
    sessions = _four_sessions()[:3]
    sessions[2]["number"] = "4"
    response = login(staff).post(reverse("setup:course_create"), _course_post(site, sessions))
    assert response.status_code == 400
    assert "a sorszám 1 és 3 között lehet" in response.content.decode()


def test_moving_a_session_notifies_each_person_once_and_keeps_the_history(login, staff,
                                                                        django_capture_on_commit_callbacks):
    course = CourseFactory(capacity=15)
    sessions = [SessionFactory(course=course, number=n,
                               starts_at=datetime.datetime(2026, 11, 2 + 7 * (n - 1), 8, tzinfo=datetime.UTC),
                               ends_at=datetime.datetime(2026, 11, 2 + 7 * (n - 1), 12, tzinfo=datetime.UTC))
                for n in range(1, 5)]
    RegistrationFactory.create_batch(2, info_day=None, course=course)
    from django.utils import timezone

    RegistrationFactory(info_day=None, course=course, status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now())
    client = login(staff)
    rows = _four_sessions()
    for row, session in zip(rows, sessions):
        row["id"] = str(session.pk)
        row["course"] = str(course.pk)
        row["room"] = ""
    rows[1]["date"], rows[1]["start_time"], rows[1]["end_time"] = "2026-11-10", "14:00", "18:00"
    rows[2]["room"] = "Kisterem"
    data = _course_post(course.site, rows, **{"sessions-INITIAL_FORMS": "4", "title": course.title})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("setup:course_edit", args=[course.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    notices = OutboxMessage.objects.filter(kind=MessageKind.EVENT_RESCHEDULED)
    assert notices.count() == 2
    labels = [c["label"] for c in notices.first().context["changes"]]
    assert labels == ["2. foglalkozás", "3. foglalkozás"]
    body = [m for m in mail.outbox if "Megváltozott" in m.subject][0].body
    assert "2026. november 10., kedd 14:00–18:00" in body
    html = client.get(reverse("setup:course_edit", args=[course.pk])).content.decode()
    assert "2. foglalkozás: módosítva" in html and str(staff) in html


def test_lowering_course_capacity_below_confirmed_is_refused_with_the_numbers(login, staff):
    course = CourseFactory(capacity=15)
    RegistrationFactory.create_batch(12, info_day=None, course=course)
    data = _course_post(course.site, [], capacity="10", title=course.title)
    response = login(staff).post(reverse("setup:course_edit", args=[course.pk]), data)
    assert response.status_code == 400
    assert "12 fő már visszaigazolt, a létszám nem lehet kevesebb 12-nél." in response.content.decode()


def test_staff_assign_a_trainer_to_courses_and_a_coordinator_needs_a_library(login, staff):
    client = login(staff)
    course = CourseFactory()
    library = LibraryFactory()
    base = {"username": "oktato-uj", "last_name": "Csizmadia", "first_name": "Ödön", "email": "o@example.hu",
            "phone": "", "password": "hosszu-jelszo-2026", "is_active": "on"}
    response = client.post(reverse("setup:account_create"), {**base, "role": Role.COORDINATOR})
    assert response.status_code == 400
    assert 'id="error_1_id_library"' in response.content.decode() and not User.objects.filter(username="oktato-uj")
    response = client.post(reverse("setup:account_create"), {**base, "role": Role.TRAINER, "library": library.pk,
                                                             "courses": [course.pk]})
    trainer = User.objects.get(username="oktato-uj")
    assert response.status_code == 302 and trainer.check_password("hosszu-jelszo-2026")
    assert list(course.trainers.all()) == [trainer]
    # The trainer now sees the course (scope), and the course's history shows the assignment.
    from menet_portal.scope import courses_for

    assert list(courses_for(trainer)) == [course]
    data = {**base, "password": "", "role": Role.TRAINER, "library": library.pk, "courses": []}
    client.post(reverse("setup:account_edit", args=[trainer.pk]), data)
    assert not course.trainers.exists()
    assert course.history.count() >= 2


def test_the_trainers_courses_are_the_open_programmes_and_their_own(login, staff, trainer):
    """The account form lists the courses of programmes not over yet and the trainer's own; a
    saved trainer keeps an ended programme's course, and a forged ended course is refused."""
    current = CourseFactory(title="Mostani tanfolyam")
    old_programme = ProgrammeFactory(start_date=datetime.date(2020, 9, 1), end_date=datetime.date(2021, 8, 31))
    kept, hidden = (CourseFactory(title=title, site__programme=old_programme)
                    for title in ("Régi saját tanfolyam", "Régi idegen tanfolyam"))
    kept.trainers.add(trainer)
    client = login(staff)
    html = client.get(reverse("setup:account_create")).content.decode()
    assert "Mostani tanfolyam" in html and "Régi" not in html
    html = client.get(reverse("setup:account_edit", args=[trainer.pk])).content.decode()
    assert "Mostani tanfolyam" in html and "Régi saját tanfolyam" in html and "Régi idegen tanfolyam" not in html
    data = {"username": trainer.username, "last_name": trainer.last_name, "first_name": trainer.first_name,
            "email": trainer.email, "phone": "", "password": "", "role": Role.TRAINER,
            "library": trainer.library_id or "", "is_active": "on", "courses": [kept.pk, current.pk]}
    assert client.post(reverse("setup:account_edit", args=[trainer.pk]), data).status_code == 302
    assert set(trainer.courses.all()) == {kept, current}
    response = client.post(reverse("setup:account_edit", args=[trainer.pk]), {**data, "courses": [hidden.pk]})
    assert response.status_code == 400 and "érvényes" in response.content.decode()
    assert set(trainer.courses.all()) == {kept, current}


def test_a_training_site_is_created_and_its_history_kept(login, staff):
    programme, library = ProgrammeFactory(), LibraryFactory()
    client = login(staff)
    data = {"programme": programme.pk, "library": library.pk, "needs_assessment": "Erős igény."}
    response = client.post(reverse("setup:site_create"), data)
    from trainings.models import TrainingSite

    site = TrainingSite.objects.get()
    assert response.status_code == 302
    client.post(reverse("setup:site_edit", args=[site.pk]), {**data, "needs_assessment": "Nagyon erős igény."})
    html = client.get(reverse("setup:site_edit", args=[site.pk])).content.decode()
    assert "Erős igény. → Nagyon erős igény." in html and str(staff) in html
    # The same library twice in a programme: a message beside the library field, nothing saved.
    response = client.post(reverse("setup:site_create"), data)
    assert response.status_code == 400 and 'id="error_1_id_library"' in response.content.decode()
    assert TrainingSite.objects.count() == 1


def test_moving_a_course_to_another_site_notifies_its_trainees():
    from trainings.services import save_course

    course = CourseFactory()
    RegistrationFactory(info_day=None, course=course)
    other = TrainingSiteFactory(programme=course.site.programme)
    save_course(data={"site": other}, course=course)
    notice = OutboxMessage.objects.get(kind=MessageKind.EVENT_RESCHEDULED)
    assert notice.context["changes"][0]["field"] == "site"
    assert notice.context["changes"][0]["new"] == str(other)
