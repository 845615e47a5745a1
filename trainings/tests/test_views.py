import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from menet_portal.tests.factories import (
    CoordinatorFactory,
    CourseFactory,
    RegistrationFactory,
    TrainerFactory,
    get_county,
)
from participants.models import Participant, Registration, RegistrationSource
from trainings import services
from trainings.models import Attendance, LessonProgress
from trainings.tests.factories import (
    LessonFactory,
    future_session,
    info_day_under_way,
    past_info_day,
    past_session,
    question_with_choices,
    trainee,
)

pytestmark = pytest.mark.django_db


def _course_of(trainer, **kwargs):
    course = CourseFactory(**kwargs)
    course.trainers.add(trainer)
    return course


def test_trainer_records_a_register_in_one_submit(login, trainer):
    session = past_session(_course_of(trainer))
    a, b = trainee(session.course), trainee(session.course)
    url = reverse("trainings:session_register", args=[session.pk])
    assert login(trainer).get(url).status_code == 200
    response = login(trainer).post(url, {"save_register": "1", f"status_{a.pk}": "present", f"status_{b.pk}": "late"})
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("registration_id", "status")) == {a.pk: "present", b.pk: "late"}
    page = login(trainer).get(url).content.decode()
    assert str(trainer) in page  # who recorded it, in the rows and in the change log


def test_register_with_someone_unmarked_keeps_the_input_and_says_where(login, trainer):
    session = past_session(_course_of(trainer))
    a, b = trainee(session.course), trainee(session.course)
    response = login(trainer).post(
        reverse("trainings:session_register", args=[session.pk]), {"save_register": "1", f"status_{a.pk}": "late"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Jelölje meg, hogy jelen volt-e." in page
    assert f'value="late" id="id_status_{a.pk}_1" checked' in page
    assert not Attendance.objects.exists()


def test_register_of_a_future_session_is_refused_in_the_browser_too(login, trainer):
    session = future_session(_course_of(trainer))
    reg = trainee(session.course)
    url = reverse("trainings:session_register", args=[session.pk])
    page = login(trainer).get(url).content.decode()
    assert "tölthető ki" in page and 'name="save_register"' not in page
    login(trainer).post(url, {"save_register": "1", f"status_{reg.pk}": "present"})
    assert not Attendance.objects.exists()


def test_register_pages_are_scoped(login, trainer, funder):
    session = past_session(_course_of(trainer))
    url = reverse("trainings:session_register", args=[session.pk])
    assert login(TrainerFactory()).get(url).status_code == 404  # another trainer's course
    assert login(CoordinatorFactory()).get(url).status_code == 404  # another library
    assert login(CoordinatorFactory(library=session.course.site.library)).get(url).status_code == 200
    assert login(funder).get(url).status_code == 403
    info_day = past_info_day()
    info_url = reverse("trainings:info_day_register", args=[info_day.pk])
    assert login(CoordinatorFactory()).get(info_url).status_code == 404
    assert login(CoordinatorFactory(library=info_day.library)).get(info_url).status_code == 200
    assert login(trainer).get(info_url).status_code == 403


def test_attendance_missing_is_shown_to_trainer_coordinator_and_staff(login, trainer, staff):
    course = _course_of(trainer)
    missing = past_session(course, number=1, days_ago=3)
    done = past_session(course, number=2, days_ago=2)
    future_session(course, number=3)
    reg = trainee(course)
    services.record_attendance(event=done, statuses={reg.pk: "present"}, recorded_by=trainer)
    info_day = past_info_day(library=course.site.library)
    RegistrationFactory(info_day=info_day)

    home = login(trainer).get(reverse("trainings:trainer_home")).content.decode()
    assert "Hiányzó jelenléti ívek" in home
    assert reverse("trainings:session_register", args=[missing.pk]) in home.split("Hiányzó jelenléti ívek")[1].split("</div>")[0]
    assert reverse("trainings:session_register", args=[done.pk]) not in home.split("Hiányzó jelenléti ívek")[1].split("</div>")[0]

    coordinator = CoordinatorFactory(library=course.site.library)
    overview = login(coordinator).get(reverse("trainings:register_overview") + "?hianyzik=1")
    assert [s.pk for s in overview.context["session_page"].object_list] == [missing.pk]
    assert [d.pk for d in overview.context["info_days"]] == [info_day.pk]
    assert overview.context["missing_total"] == 2

    staff_page = login(staff).get(reverse("trainings:register_overview") + "?hianyzik=1")
    assert missing.pk in [s.pk for s in staff_page.context["session_page"].object_list]
    assert done.pk not in [s.pk for s in staff_page.context["session_page"].object_list]
    courses = login(staff).get(reverse("trainings:course_list"))
    row = next(c for c in courses.context["page"] if c.pk == course.pk)
    assert row.missing_count == 1


def _walk_in_post(**overrides):
    data = {"add_walk_in": "1", "family_name": "Csonka", "given_name": "Réka", "birth_year": "1988",
            "settlement": "Eger", "county": str(get_county("Heves").pk), "email": "csonka.reka@example.hu",
            "phone": "06 30 123 4567", "target_group": "citizen", "consent": "on"}
    data.update(overrides)
    return data


def test_walk_in_through_the_register_page(login):
    info_day = info_day_under_way(capacity=30)
    coordinator = CoordinatorFactory(library=info_day.library)
    url = reverse("trainings:info_day_register", args=[info_day.pk])
    response = login(coordinator).post(url, _walk_in_post())
    assert response.status_code == 302
    reg = Registration.objects.get(participant__family_name="Csonka")
    assert reg.source == RegistrationSource.WALK_IN and reg.participant.phone == "+36 30 123 4567"
    assert Attendance.objects.get(registration=reg).status == "present"


@pytest.mark.parametrize("overrides, error", [
    ({"consent": ""}, "Hozzájárulás nélkül"),
    ({"target_group": "business", "organisation_name": "Bódi Kft.", "organisation_kind": "company",
      "tax_number": "12345678-1-12", "size_band": "micro"}, "ellenőrző számjegye"),
    ({"phone": "12"}, "+36"),
])
def test_walk_in_with_bad_input_keeps_the_form_and_creates_nothing(login, overrides, error):
    info_day = info_day_under_way()
    coordinator = CoordinatorFactory(library=info_day.library)
    response = login(coordinator).post(reverse("trainings:info_day_register", args=[info_day.pk]),
                                       _walk_in_post(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page and 'value="Csonka"' in page
    assert not Participant.objects.filter(family_name="Csonka").exists()


def test_walk_in_at_a_full_info_day_says_so(login):
    info_day = info_day_under_way(capacity=1, minimum=1)
    RegistrationFactory(info_day=info_day)
    coordinator = CoordinatorFactory(library=info_day.library)
    response = login(coordinator).post(reverse("trainings:info_day_register", args=[info_day.pk]), _walk_in_post(),
                                       follow=True)
    assert "betelt" in response.content.decode()
    assert not Participant.objects.filter(family_name="Csonka").exists()


def test_course_page_shows_grid_and_completion(login, trainer, django_assert_max_num_queries):
    course = _course_of(trainer)
    sessions = [past_session(course, number=n, days_ago=30 - 7 * n) for n in range(1, 5)]
    regs = [trainee(course) for _ in range(3)]
    for session in sessions:
        services.record_attendance(event=session, statuses={r.pk: "present" for r in regs}, recorded_by=trainer)
    client = login(trainer)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("trainings:course_detail", args=[course.pk]))
    assert response.context["summary"] == {"trainees": 3, "completed": 3, "hours": 48}
    assert len(response.context["grid"]) == 3


def _link_for(course=None):
    lesson = LessonFactory()
    course = course or CourseFactory(site__programme=lesson.module.programme)
    reg = trainee(course)
    return services.issue_material_link(registration=reg), lesson


def test_material_link_opens_the_lesson_without_a_password(client):
    link, lesson = _link_for()
    lesson.body = "## Lépések\n\n<script>alert(1)</script>![kép](https://tracker.example/x.png) [NAV](https://nav.gov.hu)"
    lesson.save()
    home = client.get(reverse("trainings:material_home", args=[link.token]))
    assert home.status_code == 200 and lesson.title in home.content.decode()
    page = client.get(reverse("trainings:material_lesson", args=[link.token, lesson.pk])).content.decode()
    assert "<h2>Lépések</h2>" in page and "<script>alert" not in page and "tracker.example" not in page
    assert 'href="https://nav.gov.hu"' in page
    assert LessonProgress.objects.filter(registration=link.registration, lesson=lesson).exists()


@pytest.mark.parametrize("case", ["revoked", "expired", "cancelled", "unknown"])
def test_revoked_or_expired_material_link_answers_404(client, staff, case):
    link, lesson = _link_for()
    token = link.token
    if case == "revoked":
        services.revoke_material_link(link=link, revoked_by=staff)
    elif case == "expired":
        link.expires_at = timezone.now() - datetime.timedelta(seconds=1)
        link.save()
    elif case == "cancelled":
        Registration.objects.filter(pk=link.registration_id).update(status="cancelled", cancelled_at=timezone.now())
    else:
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(reverse("trainings:material_home", args=[token])).status_code == 404
    assert client.get(reverse("trainings:material_lesson", args=[token, lesson.pk])).status_code == 404


def test_material_of_another_programme_is_not_reachable_by_lesson_id(client):
    link, _lesson = _link_for()
    other = LessonFactory()
    assert client.get(reverse("trainings:material_lesson", args=[link.token, other.pk])).status_code == 404


def test_quiz_through_the_page_wrong_then_right_and_the_progress_table(client, login, trainer):
    lesson = LessonFactory()
    course = _course_of(trainer, site__programme=lesson.module.programme)
    link, _ = _link_for(course)
    question, right, (wrong,) = question_with_choices(lesson)
    url = reverse("trainings:material_lesson", args=[link.token, lesson.pk])
    page = client.post(url, {"check_quiz": "1", f"q{question.pk}": wrong.pk}).content.decode()
    assert "Ez nem jó válasz." in page
    page = client.post(url, {"check_quiz": "1", f"q{question.pk}": right.pk}).content.decode()
    assert "Helyes!" in page and "Mert ez a szabály." in page
    client.post(url, {"mark_read": "1"})
    table = login(trainer).get(reverse("trainings:course_progress", args=[course.pk]))
    (row,) = table.context["rows"]
    (cell,) = row["cells"]
    assert (row["read"], cell.quiz_best_score, cell.quiz_max_score, cell.quiz_attempts) == (1, 1, 1, 2)
    assert "1/1 (2)" in table.content.decode()


def test_unanswered_quiz_says_so_beside_the_question(client):
    link, lesson = _link_for()
    question_with_choices(lesson)
    page = client.post(reverse("trainings:material_lesson", args=[link.token, lesson.pk]), {"check_quiz": "1"})
    assert "Válasszon egy választ." in page.content.decode()


def test_only_staff_revoke_links_and_trainers_issue_them(login, trainer, staff):
    course = _course_of(trainer)
    reg = trainee(course)
    assert login(trainer).post(reverse("trainings:issue_links", args=[course.pk])).status_code == 302
    link = reg.material_links.get()
    assert login(trainer).post(reverse("trainings:revoke_link", args=[link.pk])).status_code == 403
    assert login(staff).post(reverse("trainings:revoke_link", args=[link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == staff
    other_trainer = TrainerFactory()
    assert login(other_trainer).post(reverse("trainings:issue_links", args=[course.pk])).status_code == 404


def test_info_day_attendance_counts_who_came(login, staff):
    info_day = past_info_day()
    came, _stayed_home = RegistrationFactory(info_day=info_day), RegistrationFactory(info_day=info_day)
    services.record_attendance(event=info_day, statuses={came.pk: "late", _stayed_home.pk: "absent"},
                               recorded_by=staff)
    overview = login(staff).get(reverse("trainings:register_overview"))
    row = next(d for d in overview.context["info_days"] if d.pk == info_day.pk)
    assert (row.registered_count, row.attended_count) == (2, 1)


def test_lesson_position_reads_as_natural_hungarian(client):
    link, lesson = _link_for()
    page = client.get(reverse("trainings:material_lesson", args=[link.token, lesson.pk])).content.decode()
    assert "1. lecke (összesen 1)" in page
    assert "a(z)" not in page and "közül" not in page


def test_the_course_list_counts_each_pages_courses_and_the_missing_total_of_all(login, staff, django_assert_max_num_queries):
    from menet_portal.tests.factories import CourseFactory, LibraryFactory, TrainingSiteFactory
    from participants.models import RegistrationStatus
    from reports.tests.document_factories import attend_all, course_with_sessions

    site = TrainingSiteFactory(library=LibraryFactory(settlement="Zalaegerszeg"))
    last, sessions = course_with_sessions(site=site, title="Zárókurzus")  # sorts onto page 2
    for status in (RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
        registration = RegistrationFactory(course=last, info_day=None, status=status)
    done = RegistrationFactory(course=last, info_day=None)
    attend_all(done, sessions)
    for _ in range(50):
        CourseFactory(site=TrainingSiteFactory(library=LibraryFactory(settlement="Baja")))
    client = login(staff)
    first = client.get(reverse("trainings:course_list"))
    assert last.pk not in [c.pk for c in first.context["page"]]
    with django_assert_max_num_queries(14):
        second = client.get(reverse("trainings:course_list"), {"page": 2})
    row = next(c for c in second.context["page"] if c.pk == last.pk)
    assert (row.confirmed_count, row.waitlisted_count, row.completed_count) == (3, 1, 1)
    assert first.context["missing_total"] == second.context["missing_total"]
    assert registration.status == RegistrationStatus.WAITLISTED


def test_the_register_overview_counts_each_register_from_its_own_rows(login, staff, django_assert_max_num_queries):
    from participants.models import RegistrationStatus
    from reports.tests.document_factories import course_with_sessions

    info_day = past_info_day()
    came, late, absent = (RegistrationFactory(info_day=info_day) for _ in range(3))
    RegistrationFactory(info_day=info_day, status=RegistrationStatus.WAITLISTED)
    services.record_attendance(event=info_day, statuses={came.pk: "present", late.pk: "late", absent.pk: "absent"},
                               recorded_by=staff)
    other_day = past_info_day()
    RegistrationFactory(info_day=other_day)
    course, sessions = course_with_sessions()
    for status in (RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED, RegistrationStatus.CANCELLED):
        RegistrationFactory(course=course, info_day=None, status=status,
                            cancelled_at=timezone.now() if status == RegistrationStatus.CANCELLED else None)
    client = login(staff)
    client.get(reverse("trainings:register_overview"))
    with django_assert_max_num_queries(8):
        overview = client.get(reverse("trainings:register_overview"))
    days = {d.pk: (d.registered_count, d.attended_count) for d in overview.context["info_days"]}
    assert days[info_day.pk] == (3, 2) and days[other_day.pk] == (1, 0)
    shown = {s.pk: s.confirmed_count for s in overview.context["session_page"].object_list}
    assert {shown[s.pk] for s in sessions} == {2}


def test_the_course_list_shows_the_latest_programme_first_and_filters_by_programme_and_search(login, staff, coordinator):
    import datetime

    from menet_portal.tests.factories import CourseFactory, LibraryFactory, ProgrammeFactory, TrainingSiteFactory

    old = ProgrammeFactory(start_date=datetime.date(2024, 9, 1), end_date=datetime.date(2025, 8, 31))
    new = ProgrammeFactory(start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2027, 8, 31))
    for programme, title in ((old, "Régi tanfolyam"), (new, "Új tanfolyam")):
        for settlement in ("Ajka", "Baja"):
            CourseFactory(title=f"{title} {settlement}",
                          site=TrainingSiteFactory(programme=programme, library=LibraryFactory(settlement=settlement)))
    CourseFactory(title="Saját tanfolyam", site=TrainingSiteFactory(programme=old, library=coordinator.library))
    url = reverse("trainings:course_list")
    client = login(staff)
    titles = [c.title for c in client.get(url).context["page"]]
    assert titles[:2] == ["Új tanfolyam Ajka", "Új tanfolyam Baja"] and "Régi tanfolyam Ajka" in titles
    html = client.get(url).content.decode()  # the waves share a name: the years tell them apart
    assert f'<option value="{old.pk}">{old.name} (2024–2025)</option>' in html
    response = client.get(url, {"programme": old.pk, "q": "baja"})
    assert [c.title for c in response.context["page"]] == ["Régi tanfolyam Baja"]
    assert "1 képzés" in response.content.decode()
    response = client.get(url, {"programme": 999999})  # a forged programme: said so, nothing narrowed
    assert "Hibás szűrési feltétel" in response.content.decode() and len(response.context["page"]) == 5
    # A coordinator searches their own library's courses; no programme select.
    html = login(coordinator).get(url, {"q": "saját"}).content.decode()
    assert "Saját tanfolyam" in html and 'name="programme"' not in html and "Régi tanfolyam" not in html


def test_the_course_lists_pages_keep_the_filter(login, staff):
    from menet_portal.tests.factories import CourseFactory, LibraryFactory, TrainingSiteFactory

    for n in range(55):
        CourseFactory(title=f"Kurzus {n:02d}", site=TrainingSiteFactory(library=LibraryFactory(settlement="Pápa")))
    html = login(staff).get(reverse("trainings:course_list"), {"q": "Kurzus"}).content.decode()
    assert "55 képzés" in html and "?q=Kurzus&amp;page=2" in html


def test_the_register_overview_opens_at_todays_sessions(login, staff):
    """120 sessions, 70 of them before today: the overview opens at page 2, where today's first
    session is; page 1 is a click away, and the missing-register list starts at its first page."""
    import datetime

    from django.utils import timezone

    from menet_portal.tests.factories import CourseFactory, SessionFactory

    today = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10)))
    for n in range(120):  # a course has at most 4 sessions: 30 courses
        if n % 4 == 0:
            course = CourseFactory()
        starts = today + datetime.timedelta(days=n - 70)
        SessionFactory(course=course, number=n % 4 + 1, starts_at=starts, ends_at=starts + datetime.timedelta(hours=4))
    client = login(staff)
    page = client.get(reverse("trainings:register_overview")).context["session_page"]
    assert page.number == 2
    assert any(timezone.localdate(row.session.starts_at if hasattr(row, "session") else row.starts_at) == timezone.localdate()
               for row in page.object_list)
    assert client.get(reverse("trainings:register_overview"), {"page": 1}).context["session_page"].number == 1
    assert client.get(reverse("trainings:register_overview") + "?hianyzik=1").context["session_page"].number == 1


def test_the_register_overviews_pages_count_only_their_own_rows(login, staff):
    """The page's sessions are chosen by their ids first, and only those 50 are counted: over the
    whole ordered list PostgreSQL computed each register's size and state for every session the
    OFFSET skipped (today's page nationally: 7,150 sessions, 108 ms). Every page holds what the
    plain paging of the counted list held, in the same order, with the same counts."""
    import datetime

    from django.core.paginator import Paginator
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from menet_portal.tests.factories import CourseFactory, RegistrationFactory, SessionFactory
    from participants.models import RegistrationStatus
    from trainings import selectors
    from trainings.models import Session

    start = timezone.now() - datetime.timedelta(days=60)
    for n in range(120):
        if n % 4 == 0:
            course = CourseFactory(title=f"Tanfolyam {n % 7}")  # equal titles: the id decides
            for _ in range(n % 3):
                RegistrationFactory(course=course, info_day=None, status=RegistrationStatus.CONFIRMED)
        starts = start + datetime.timedelta(days=n // 2)  # two sessions start together
        SessionFactory(course=course, number=n % 4 + 1, starts_at=starts, ends_at=starts + datetime.timedelta(hours=4))
    expected = Paginator(
        selectors.annotate_session_registers(Session.objects.all()).order_by("starts_at", "course__title", "pk"), 50)
    client = login(staff)
    url = reverse("trainings:register_overview")
    for number in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, {"page": number}).context["session_page"]
        assert [(s.pk, s.confirmed_count, s.has_register) for s in page.object_list] == [
            (s.pk, s.confirmed_count, s.has_register) for s in expected.page(number).object_list]
        counted = [q["sql"] for q in queries.captured_queries if "participants_registration" in q["sql"]
                   and "trainings_session" in q["sql"]]
        assert counted and all("OFFSET" not in sql and '"trainings_session"."id" IN (' in sql for sql in counted)
    assert client.get(url, {"page": 99}).context["session_page"].number == 3  # past the end: the last page
    missing = client.get(url, {"hianyzik": 1}).context["session_page"]
    assert [s.pk for s in missing.object_list] == [
        s.pk for s in selectors.sessions_missing_register(Session.objects.all())
        .order_by("starts_at", "course__title", "pk")[:50]]
