"""The event overview on a database without PostgreSQL's SQL (the SQLite demo of `make demo`):
the Python fallback orders, filters and totals exactly as the PostgreSQL statement, and the demo's
pages answer 200 on a real SQLite database (the overview was a 500 there: ``AT TIME ZONE``)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from events import selectors
from events.models import InfoDay
from menet_portal.tests.factories import CourseFactory, InfoDayFactory, RegistrationFactory, SessionFactory
from participants.models import RegistrationStatus
from trainings.models import Course

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_python_fallback_pages_like_the_postgresql_statement():
    import datetime

    from django.utils import timezone

    now = timezone.now()
    for n in range(6):
        day = InfoDayFactory(capacity=10 + n, minimum=3, date=timezone.localdate() + datetime.timedelta(days=3 * n + 1))
        for k in range(n):
            RegistrationFactory(info_day=day, status=RegistrationStatus.CONFIRMED if k < 4 else RegistrationStatus.WAITLISTED)
    for n in range(5):
        course = CourseFactory(capacity=8 + n)
        SessionFactory(course=course, number=1, starts_at=now + datetime.timedelta(days=2 * n + 2),
                       ends_at=now + datetime.timedelta(days=2 * n + 2, hours=3))
        for k in range(n + 1):
            RegistrationFactory(info_day=None, course=course, status=RegistrationStatus.CONFIRMED)
    days, courses = InfoDay.objects.all(), Course.objects.all()
    for sort in [None, "next_date", "-next_date", "fill_rate", "-fill_rate", "waitlisted", "-waitlisted",
                 "minimum_reached", "status"]:
        for below_only in (False, True):
            for page in (1, 2):
                args = dict(info_days=days, courses=courses, sort=sort, page=page, per_page=4,
                            below_only=below_only, now=now)
                rows, page_obj, totals = selectors.event_overview_page(**args)
                py_rows, py_page, py_totals = selectors._event_overview_page_in_python(**args)
                assert [(r.kind, r.event.pk) for r in py_rows] == [(r.kind, r.event.pk) for r in rows], (
                    sort, page, [(r.kind, r.event.pk, r.waitlisted, r.sort_date, r.next_date) for r in rows],
                    [(r.kind, r.event.pk, r.waitlisted, r.sort_date) for r in py_rows])
                assert py_totals == totals and py_page.paginator.count == page_obj.paginator.count
                assert [(r.confirmed, r.waitlisted) for r in py_rows] == [(r.confirmed, r.waitlisted) for r in rows]


def test_the_sqlite_demo_serves_the_overview_and_the_lists(tmp_path):
    """`make demo`'s database: migrate, seed, then the pages staff opens first."""
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "menet_portal.settings", "CELERY_TASK_ALWAYS_EAGER": "1"}
    env.pop("REDIS_URL", None)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["seed_programme"], ["seed_demo", "--participants", "60"]):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "from menet_portal.models import User\n"
        "c = Client(raise_request_exception=True); c.force_login(User.objects.get(username='mke'))\n"
        "for url in ['/esemenyek/attekintes/', '/esemenyek/attekintes/?rendezes=-title&page=2',"
        " '/esemenyek/attekintes/?below_minimum=on', '/ertesitesek/', '/resztvevok/jelentkezesek/',"
        " '/resztvevok/', '/jelentesek/mke/', '/jelentesek/jelenlet/', '/kepzo-intezmenyek/?regio=HU23&hely=a',"
        " '/igazolasok/?state=missing']:\n"
        "    r = c.get(url, HTTP_HOST='127.0.0.1'); assert r.status_code == 200, (url, r.status_code)\n"
        "from participants.models import Participant\n"
        "p = Participant.objects.order_by('pk').first()\n"
        "for q in (p.family_name, p.family_name + ' ' + p.given_name, p.family_name[:2]):\n"  # the trigram branches and the short scan
        "    r = c.get('/resztvevok/', {'q': q}, HTTP_HOST='127.0.0.1')\n"
        "    assert r.status_code == 200 and p.family_name in r.content.decode(), q\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr[-3000:]
