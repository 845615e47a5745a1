import pytest
from django.core.management import call_command

from events.models import InfoDay, Library, Programme, Region
from trainings.models import Course, Session, TrainingSite

pytestmark = pytest.mark.django_db

MODELS = [Programme, Library, InfoDay, TrainingSite, Course, Session]


def _snapshot():
    return {m.__name__: sorted(m.objects.values_list("pk", flat=True)) for m in MODELS}


def test_seed_programme_creates_the_programme_shape():
    call_command("seed_programme", verbosity=0)
    programme = Programme.objects.get()
    assert programme.info_days.count() == 7
    assert set(programme.info_days.values_list("region_id", flat=True)) == set(Region.objects.values_list("pk", flat=True))
    # every host library lies in the region of its info day
    for day in programme.info_days.select_related("library__county", "region"):
        assert day.library.county.region_id == day.region_id
    assert TrainingSite.objects.filter(programme=programme).count() == 10
    assert Course.objects.filter(site__programme=programme).count() == 10
    for course in Course.objects.all():
        assert list(course.sessions.values_list("number", flat=True)) == [1, 2, 3, 4]
        assert all(s.hours == 4 for s in course.sessions.all())


def test_seed_programme_twice_changes_nothing(capsys):
    call_command("seed_programme")
    before = _snapshot()
    programme_before = Programme.objects.values().get()
    call_command("seed_programme")
    assert _snapshot() == before
    assert Programme.objects.values().get() == programme_before
    assert "nothing changed" in capsys.readouterr().out
