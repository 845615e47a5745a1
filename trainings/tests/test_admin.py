import pytest
from django.urls import reverse

from menet_portal.tests.factories import CourseFactory, RegistrationFactory, UserFactory
from trainings.models import MaterialLink
from trainings.tests.factories import LessonFactory, question_with_choices, trainee

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_staff_issue_and_revoke_a_link_in_the_admin(admin_client):
    reg = trainee(CourseFactory())
    response = admin_client.post(reverse("admin:trainings_materiallink_add"), {"registration": reg.pk})
    assert response.status_code == 302
    link = MaterialLink.objects.get(registration=reg)
    assert len(link.token) >= 43 and link.is_active
    admin_client.post(reverse("admin:trainings_materiallink_changelist"),
                      {"action": "revoke_links", "_selected_action": [link.pk]})
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_admin_refuses_a_link_for_an_info_day_registration(admin_client):
    reg = RegistrationFactory()
    response = admin_client.post(reverse("admin:trainings_materiallink_add"), {"registration": reg.pk})
    assert response.status_code == 200 and "visszaigazolt" in response.content.decode()
    assert not MaterialLink.objects.exists()


def test_lesson_admin_shows_a_sanitised_preview_and_questions(admin_client):
    lesson = LessonFactory(body="## Cím\n\n<script>alert(1)</script>Szöveg")
    question, _right, _wrong = question_with_choices(lesson)
    page = admin_client.get(reverse("admin:trainings_lesson_change", args=[lesson.pk])).content.decode()
    assert "<h2>Cím</h2>" in page and "<script>alert(1)" not in page
    assert admin_client.get(reverse("admin:trainings_question_change", args=[question.pk])).status_code == 200


def test_mke_staff_edit_the_material_in_the_admin_without_per_model_permissions(client):
    from menet_portal.tests.factories import CoordinatorFactory, ProgrammeFactory, StaffFactory
    from trainings.models import LearningModule

    staff = StaffFactory(is_staff=True)
    lesson = LessonFactory()
    client.force_login(staff)
    for url in [reverse("admin:index"), reverse("admin:trainings_lesson_changelist"),
                reverse("admin:trainings_lesson_change", args=[lesson.pk]), reverse("admin:trainings_course_add")]:
        assert client.get(url).status_code == 200, url
    programme = ProgrammeFactory()
    response = client.post(reverse("admin:trainings_learningmodule_add"), {
        "programme": programme.pk, "slug": "uj-modul", "title": "Új modul", "summary": "", "position": 9,
        "is_published": "on", "lessons-TOTAL_FORMS": "0", "lessons-INITIAL_FORMS": "0",
        "lessons-MIN_NUM_FORMS": "0", "lessons-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302
    assert LearningModule.objects.filter(slug="uj-modul", programme=programme).exists()

    client.force_login(CoordinatorFactory(is_staff=True))  # admin access alone is not enough
    assert client.get(reverse("admin:trainings_lesson_changelist")).status_code == 403


@pytest.mark.parametrize("url_name", ["admin:trainings_course_add", "admin:trainings_course_change",
                                      "admin:trainings_session_add", "admin:participants_registration_changelist",
                                      "admin:trainings_materiallink_changelist"])
def test_admin_forms_and_lists_do_not_grow_with_the_programmes_events(admin_client, url_name):
    """The course form searches its training site and the session form its course (autocomplete),
    and the lists filter by programme, not by event: the same queries and the same form (or filter
    sidebar) for 3 events as for 40. At national scale the plain selects were 867 queries and 0.4 s,
    the event filters 336 KiB a page."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from menet_portal.tests.factories import ProgrammeFactory, SessionFactory, TrainingSiteFactory

    programme = ProgrammeFactory()

    def measure():
        course = CourseFactory(site=TrainingSiteFactory(programme=programme))
        SessionFactory(course=course)
        RegistrationFactory(info_day=None, course=course)
        args = [course.pk] if url_name.endswith("_change") else []
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(reverse(url_name, args=args))
        assert response.status_code == 200
        html = response.content.decode()
        if url_name.endswith("_changelist"):  # its rows grow, its filters must not
            html = re.search(r'<nav id="changelist-filter".*?</nav>', html, re.S).group(0)
        return len(queries), len(re.sub(r"\d+", "", html))

    for _ in range(3):
        TrainingSiteFactory(programme=programme)
    measure()  # the first request's look-ups (permissions, content types)
    few = measure()
    for n in range(40):
        course = CourseFactory(site=TrainingSiteFactory(programme=programme), title=f"Tanfolyam {n}")
        RegistrationFactory(info_day=None, course=course)
    queries, size = measure()
    assert queries == few[0] and abs(size - few[1]) < 400  # the factories' names differ in length
