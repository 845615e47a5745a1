import pytest
from django.core.management import call_command

from menet_portal.tests.factories import CourseFactory, ProgrammeFactory
from trainings.material_seed import MATERIAL
from trainings.models import Choice, LearningModule, Lesson, MaterialLink, Question
from trainings.rendering import render_lesson_markdown
from trainings.tests.factories import trainee

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_keeps_staff_edits(capsys):
    programme = ProgrammeFactory(slug="menet-2026")
    call_command("seed_learning_material")
    counts = (LearningModule.objects.count(), Lesson.objects.count(), Question.objects.count(), Choice.objects.count())
    assert counts == (5, 6, 12, 36)
    Lesson.objects.filter(slug="eszja-tervezet").update(title="Saját cím")
    call_command("seed_learning_material")
    assert (LearningModule.objects.count(), Lesson.objects.count(), Question.objects.count(), Choice.objects.count()) == counts
    assert Lesson.objects.get(slug="eszja-tervezet").title == "Saját cím"
    assert set(LearningModule.objects.values_list("programme_id", flat=True)) == {programme.pk}


def test_every_seeded_question_has_exactly_one_right_answer_and_lessons_render_with_local_images():
    for module in MATERIAL:
        for lesson in module["lessons"]:
            html = render_lesson_markdown(lesson["body"])
            assert "<h2>" in html and "static:" not in html
            for src in [part.split('"')[0] for part in html.split('src="')[1:]]:
                assert src.startswith("/static/trainings/img/"), src
            for _text, _explanation, choices in lesson["questions"]:
                assert sum(ok for _c, ok in choices) == 1


def test_seed_can_issue_links_to_confirmed_trainees(capsys):
    programme = ProgrammeFactory(slug="menet-2026")
    reg = trainee(CourseFactory(site__programme=programme))
    call_command("seed_learning_material", "--issue-links")
    assert MaterialLink.objects.get(registration=reg).is_active
    assert "/kepzesek/tananyag/" in capsys.readouterr().out


@pytest.mark.django_db
def test_example_link_uses_the_portal_address(settings):
    """`make demo PORT=8080` prints an example link on that port, not on 8000."""
    from io import StringIO

    from django.core.management import call_command

    settings.PORTAL_BASE_URL = "http://127.0.0.1:8791"
    call_command("seed_programme", verbosity=0)
    call_command("seed_demo", participants=60, verbosity=0)
    out = StringIO()
    call_command("seed_learning_material", issue_links=True, stdout=out)
    assert "http://127.0.0.1:8791/kepzesek/tananyag/" in out.getvalue()
    assert ":8000/" not in out.getvalue()
