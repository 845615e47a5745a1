"""Factories for training delivery and the learning material (shared ones come from menet_portal)."""

import datetime

import factory
from django.utils import timezone

from menet_portal.tests.factories import CourseFactory, InfoDayFactory, RegistrationFactory, SessionFactory
from trainings.models import Choice, LearningModule, Lesson, Question


def past_session(course=None, number=1, days_ago=1, **kwargs):
    """A session that started ``days_ago`` days ago (and ended 4 hours later)."""
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    return SessionFactory(course=course or CourseFactory(), number=number, starts_at=starts,
                          ends_at=starts + datetime.timedelta(hours=4), **kwargs)


def future_session(course=None, number=1, **kwargs):
    starts = timezone.now() + datetime.timedelta(days=3)
    return SessionFactory(course=course or CourseFactory(), number=number, starts_at=starts,
                          ends_at=starts + datetime.timedelta(hours=4), **kwargs)


def trainee(course, **kwargs):
    return RegistrationFactory(info_day=None, course=course, **kwargs)


def past_info_day(**kwargs):
    return InfoDayFactory(date=timezone.localdate() - datetime.timedelta(days=1), **kwargs)


def info_day_under_way(**kwargs):
    """An info day that started an hour ago and ends in an hour (local time)."""
    now = timezone.localtime()
    start = (now - datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
    end = (now + datetime.timedelta(hours=1)).replace(microsecond=0)
    # Near midnight the hour either side crosses the date: clamp to today so it is still under way.
    start_time = start.time() if start.date() == now.date() else datetime.time(0, 0)
    end_time = end.time() if end.date() == now.date() else datetime.time(23, 59, 59)
    return InfoDayFactory(date=now.date(), start_time=start_time, end_time=end_time, **kwargs)


class LearningModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningModule

    programme = factory.SubFactory("menet_portal.tests.factories.ProgrammeFactory")
    slug = factory.Sequence(lambda n: f"modul-{n}")
    title = factory.Sequence(lambda n: f"Modul {n}")
    position = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(LearningModuleFactory)
    slug = factory.Sequence(lambda n: f"lecke-{n}")
    title = factory.Sequence(lambda n: f"Lecke {n}")
    body = "## Bevezetés\n\nAz **Ügyfélkapu+** kétlépcsős azonosítás."
    position = factory.Sequence(lambda n: n)


def question_with_choices(lesson, text="Melyik a helyes?", right="Helyes válasz", wrong=("Rossz válasz",), position=0):
    question = Question.objects.create(lesson=lesson, text=text, explanation="Mert ez a szabály.", position=position)
    correct = Choice.objects.create(question=question, text=right, is_correct=True, position=0)
    wrongs = [Choice.objects.create(question=question, text=w, position=i + 1) for i, w in enumerate(wrong)]
    return question, correct, wrongs
