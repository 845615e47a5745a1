"""Queries and time of the training-delivery pages at programme size and at 10× programme size.

Builds, in a fresh PostgreSQL database, C courses × 15 trainees × 4 held sessions with every
register filled, the seeded learning material (6 lessons) with progress and quiz scores for
every trainee, then requests each page through Django's test client as the user who sees it.
The query count must not grow with the number of rows (no query per row).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/menet_bench_trainings \\
        .venv/bin/python bench/trainings_pages.py [--courses 10 100]
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/menet_bench_trainings")
os.environ["DJANGO_SETTINGS_MODULE"] = "menet_portal.settings_test"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def fresh_database():
    import psycopg2

    name = settings.DATABASES["default"]["NAME"]
    connections.close_all()
    admin = psycopg2.connect(dbname="postgres", user=settings.DATABASES["default"]["USER"] or "postgres",
                             host=settings.DATABASES["default"]["HOST"] or "127.0.0.1")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    connections.close_all()
    call_command("migrate", "--noinput", verbosity=0)


def build(courses_count):
    from menet_portal.tests.factories import (
        CoordinatorFactory, CourseFactory, LibraryFactory, ProgrammeFactory, StaffFactory, TrainerFactory,
        get_county,
    )
    from participants.models import Participant, Registration
    from trainings.material_seed import seed_learning_material
    from trainings.models import Attendance, Lesson, LessonProgress, MaterialLink, Session

    programme = ProgrammeFactory(end_date=timezone.localdate() + datetime.timedelta(days=300))
    seed_learning_material(programme)
    lessons = list(Lesson.objects.filter(module__programme=programme))
    library = LibraryFactory()
    trainer = TrainerFactory(library=library)
    coordinator = CoordinatorFactory(library=library)
    staff = StaffFactory()
    county = get_county("Pest")
    now = timezone.now()
    courses = []
    for c in range(courses_count):
        course = CourseFactory(site__programme=programme, site__library=library if c == 0 else LibraryFactory())
        course.trainers.add(trainer if c == 0 else TrainerFactory(library=course.site.library))
        courses.append(course)
    sessions = Session.objects.bulk_create([
        Session(course=course, number=n, starts_at=now - datetime.timedelta(days=40 - 7 * n),
                ends_at=now - datetime.timedelta(days=40 - 7 * n) + datetime.timedelta(hours=4))
        for course in courses for n in range(1, 5)
    ])
    people = Participant.objects.bulk_create([
        Participant(family_name=f"Kovács{i}", given_name="Anna", birth_year=1980, settlement="Gödöllő", county=county,
                    target_group="citizen", consent_given_at=now, consent_text_version="2026-01")
        for i in range(courses_count * 15)
    ])
    registrations = Registration.objects.bulk_create([
        Registration(participant=p, course=courses[i // 15], status="confirmed", source="coordinator",
                     confirmed_at=now)
        for i, p in enumerate(people)
    ])
    by_course = {}
    for s in sessions:
        by_course.setdefault(s.course_id, []).append(s)
    Attendance.objects.bulk_create([
        Attendance(registration=r, session=s, status="late" if s.number == 2 else "present", recorded_at=now)
        for r in registrations for s in by_course[r.course_id]
    ])
    LessonProgress.objects.bulk_create([
        LessonProgress(registration=r, lesson=lesson, read_at=now, quiz_attempts=2, quiz_last_score=2,
                       quiz_best_score=2, quiz_max_score=2)
        for r in registrations for lesson in lessons
    ])
    MaterialLink.objects.bulk_create([
        MaterialLink(registration=r, token=f"bench-{r.pk:08d}-" + "x" * 30, expires_at=now + datetime.timedelta(days=90))
        for r in registrations
    ])
    return {"trainer": trainer, "coordinator": coordinator, "staff": staff, "course": courses[0],
            "session": by_course[courses[0].pk][0], "registrations": [r for r in registrations if r.course_id == courses[0].pk],
            "lesson": lessons[0]}


def measure(client, method, url, data=None, repeat=5):
    times, queries = [], None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = getattr(client, method)(url, data or {})
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), (url, response.status_code)
        queries = len(ctx.captured_queries)
    return queries, statistics.median(times)


def run(courses_count):
    fresh_database()
    d = build(courses_count)
    course, session, lesson = d["course"], d["session"], d["lesson"]
    token = d["registrations"][0].material_links.get().token
    register_post = {"save_register": "1", **{f"status_{r.pk}": "present" for r in d["registrations"]}}
    pages = [
        ("trainer home", d["trainer"], "get", "/kepzesek/oktato/", None),
        ("course page (15 trainees)", d["trainer"], "get", f"/kepzesek/{course.pk}/", None),
        ("progress table (15 × 6 lessons)", d["trainer"], "get", f"/kepzesek/{course.pk}/haladas/", None),
        ("register page", d["trainer"], "get", f"/kepzesek/jelenlet/foglalkozas/{session.pk}/", None),
        ("register save (15 people)", d["trainer"], "post", f"/kepzesek/jelenlet/foglalkozas/{session.pk}/",
         register_post),
        ("staff course list", d["staff"], "get", "/kepzesek/", None),
        ("staff registers (all)", d["staff"], "get", "/kepzesek/jelenlet/", None),
        ("staff missing registers", d["staff"], "get", "/kepzesek/jelenlet/?hianyzik=1", None),
        ("coordinator registers", d["coordinator"], "get", "/kepzesek/jelenlet/", None),
        ("trainee material home", None, "get", f"/kepzesek/tananyag/{token}/", None),
        ("trainee lesson page", None, "get", f"/kepzesek/tananyag/{token}/lecke/{lesson.pk}/", None),
    ]
    print(f"\n{courses_count} courses, {courses_count * 15} trainees, {courses_count * 60} attendance rows, "
          f"{courses_count * 90} lesson-progress rows")
    for label, user, method, url, data in pages:
        client = Client()
        if user is not None:
            client.force_login(user)
        queries, ms = measure(client, method, url, data)
        print(f"  {label:<34} {queries:>3} queries  {ms:7.1f} ms (median of 5)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--courses", type=int, nargs="+", default=[10, 100])
    args = parser.parse_args()
    setup_test_environment()
    for n in args.courses:
        run(n)
    connections.close_all()
    import psycopg2

    admin = psycopg2.connect(dbname="postgres", user="postgres", host=settings.DATABASES["default"]["HOST"] or "127.0.0.1")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{settings.DATABASES["default"]["NAME"]}"')
    admin.close()
    print("\n(register save: the first save writes 15 rows; the median shows re-saves of an unchanged register)")


if __name__ == "__main__":
    main()
