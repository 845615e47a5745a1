"""Median and p95 latency and SQL query counts of the portal's heaviest pages at national scale.

Seeds a fresh PostgreSQL database (``seed_demo --participants N --events E``, then VACUUM ANALYZE as autovacuum would),
serves it with gunicorn (2 workers, DEBUG off) on 127.0.0.1, and requests each page as the
demo users. Every page request is preceded by a request of the floor view (/_bench/floor/:
one SELECT by primary key and one INSERT through the same middleware), so the floor is
measured interleaved, in the same run, under the same load. Query counts are exact, from the
X-Bench-Queries header (an execute_wrapper counter, menet_portal/bench.py).

    .venv/bin/python bench/pages.py [--participants 100000] [--events 2000] [--repeat 15] [--reuse]

``--reuse`` keeps the database of an earlier run; ``BENCH_DB`` names it (default menet_bench_pages).
``--extra`` also measures the staff lists outside the issue's list that grew with the programme
(documents, set-up, courses, registers, attendance, evidence), printed after the others.
Goal (issue 13): every page's median ≤ 3× the floor's and ≤ 300 ms.
"""

import argparse
import http.client
import os
import random
import re
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

from benchdb import manage, vacuum_analyze, BENCH_SECRET_KEY, Gunicorn, bench_database_name, database_url, seed_demo_database

ROOT = Path(__file__).resolve().parents[1]


class Browser:
    """One logged-in user: a session cookie made in-process, plain http.client requests."""

    def __init__(self, port, session_key, csrf=None):
        self.port, self.session_key, self.csrf = port, session_key, csrf

    def request(self, method, url, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        cookie = f"sessionid={self.session_key}" if self.session_key else ""
        headers = {"Host": "127.0.0.1", "Cookie": cookie}
        if body is not None:
            if self.csrf:
                headers["Cookie"] += f"; csrftoken={self.csrf}"
                body = {**body, "csrfmiddlewaretoken": self.csrf}
            body = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{url}"
        started = time.perf_counter()
        conn.request(method, url, body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        elapsed = time.perf_counter() - started
        conn.close()
        return response.status, elapsed, int(response.getheader("X-Bench-Queries") or -1), content


def setup_django(db_url):
    # The same SECRET_KEY as the served portal: the sessions made here must verify there.
    os.environ.update(DEBUG="1", DATABASE_URL=db_url, DJANGO_SETTINGS_MODULE="menet_portal.settings",
                      ALLOWED_HOSTS="testserver,127.0.0.1", SECRET_KEY=BENCH_SECRET_KEY)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def session_for(username):
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from menet_portal.models import User

    user = User.objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[1]  # the portal's log-in backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(3 * 3600)
    store.save()
    return store.session_key


def pick_fixtures():
    """A coordinator of a busy library, one of its people, an open event of theirs and a held session."""
    from django.db.models import Count
    from django.middleware.csrf import _get_new_csrf_string

    from events.models import EventStatus
    from menet_portal.models import Role, User
    from participants.models import Participant
    from trainings.models import Session

    busiest = (Participant.objects.values("registering_library").annotate(n=Count("id")).order_by("-n").first())
    coordinator = User.objects.filter(role=Role.COORDINATOR, library_id=busiest["registering_library"]).first()
    person = Participant.objects.filter(registering_library_id=coordinator.library_id).order_by("id")[10]
    from trainings.models import Course

    course = (Course.objects.filter(site__library_id=coordinator.library_id, status=EventStatus.OPEN)
              .order_by("id").first())
    session = (Session.objects.filter(course__site__library_id=coordinator.library_id, course__status=EventStatus.HELD)
               .annotate(n=Count("attendances")).order_by("-n", "id").first())
    return {
        "coordinator": coordinator.username, "library_id": coordinator.library_id, "person": person.pk,
        "course": course.pk, "session": session.pk, "csrf": _get_new_csrf_string(),
        "county": person.county_id, "settlement": person.settlement,
    }


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--port", type=int, default=8761)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated page labels to measure")
    parser.add_argument("--extra", action="store_true",
                        help="also the other staff lists that grew with the programme (documents, set-up, courses, "
                             "registers, attendance, evidence), printed apart from the issue's pages")
    args = parser.parse_args()
    db_name = bench_database_name("menet_bench_pages")
    db_url = database_url(db_name)
    if args.reuse:  # a kept database still gets the migrations landed since it was seeded
        manage(db_url, "migrate", "--noinput", "-v0")
        vacuum_analyze(db_url)  # earlier runs wrote rows; autovacuum is off on these machines
    else:
        took = seed_demo_database(db_name, args.participants, analyze=True, events=args.events)
        print(f"seeded {args.participants} participants, {args.events} events in {took:.1f} s "
              "(migrate + seed_programme + seed_demo)")
    setup_django(db_url)
    from events.models import InfoDay
    from menet_portal.notifications.models import OutboxMessage
    from participants.models import Participant, Registration
    from trainings.models import Attendance, Course

    print(f"rows: participants {Participant.objects.count():,}, events "
          f"{InfoDay.objects.count() + Course.objects.count():,}, registrations {Registration.objects.count():,}, "
          f"attendance {Attendance.objects.count():,}, outbox {OutboxMessage.objects.count():,}")
    fx = pick_fixtures()
    sessions = {name: session_for(name) for name in ("mke", "tamogato", fx["coordinator"])}
    print(f"coordinator {fx['coordinator']} (library {fx['library_id']}), person {fx['person']}, "
          f"course {fx['course']}, session {fx['session']}")

    counter = iter(range(10**6))
    run = f"{time.time_ns() % 10**9:09d}"  # a kept database already knows the earlier runs' people

    def new_person():
        n = next(counter)
        return {
            "family_name": "Mérés", "given_name": f"Elek{run}x{n}", "email": f"bench.{time.time_ns()}.{n}@example.hu",
            "phone": "", "birth_year": "1980", "settlement": fx["settlement"], "county": str(fx["county"]),
            "target_group": "citizen", "event": f"course:{fx['course']}", "consent": "on",
        }

    with Gunicorn(db_url, args.port, workers=2) as server:
        staff = Browser(server.port, sessions["mke"])
        funder = Browser(server.port, sessions["tamogato"])
        coordinator = Browser(server.port, sessions[fx["coordinator"]], csrf=fx["csrf"])
        anonymous = Browser(server.port, None)
        floor_pk = random.Random(1)
        pages = [
            ("staff dashboard", staff, "GET", "/jelentesek/mke/", None),
            ("event overview", staff, "GET", "/esemenyek/attekintes/", None),
            ("coordinator participant list (filtered, page 2)", coordinator, "GET",
             "/resztvevok/?target_group=citizen&page=2", None),
            ("staff registration list", staff, "GET", "/resztvevok/jelentkezesek/", None),
            ("participant detail", coordinator, "GET", f"/resztvevok/{fx['person']}/", None),
            ("coordinator workspace", coordinator, "GET", "/resztvevok/koordinator/", None),
            ("registration POST", coordinator, "POST", "/resztvevok/uj/", new_person),
            ("session register", coordinator, "GET", f"/kepzesek/jelenlet/foglalkozas/{fx['session']}/", None),
            ("funder home", funder, "GET", "/jelentesek/tamogato/", None),
            ("outbox page", staff, "GET", "/ertesitesek/", None),
            ("report archive", staff, "GET", "/jelentesek/dokumentumok/archivum/", None),
        ]
        extra = [
            ("documents page (staff)", staff, "GET", "/jelentesek/dokumentumok/", None),
            ("programme set-up (staff)", staff, "GET", "/beallitas/", None),
            ("course list (staff)", staff, "GET", "/kepzesek/", None),
            ("register overview (staff)", staff, "GET", "/kepzesek/jelenlet/", None),
            ("attendance list (staff)", staff, "GET", "/jelentesek/jelenlet/", None),
            ("evidence overview (staff)", staff, "GET", "/igazolasok/", None),
            ("missing-proof list (staff)", staff, "GET", "/igazolasok/?state=missing", None),
            ("attendance list (coordinator)", coordinator, "GET", "/jelentesek/jelenlet/", None),
        ] if args.extra else []
        extra_labels = {label for label, *_ in extra}
        pages += extra
        if args.only:
            wanted = {w.strip() for w in args.only.split(",")}
            pages = [p for p in pages if any(w in p[0] for w in wanted)]

        def floor():
            return staff.request("GET", f"/_bench/floor/?pk={floor_pk.randint(1, 50)}")

        results = {label: [] for label, *_ in pages}
        info = {}
        floor_times = []
        # Warm-up: one of each (templates, imports, plans in both workers).
        for _ in range(2):
            floor()
            for label, browser, method, url, body in pages:
                browser.request(method, url, body() if body else None)
        for _ in range(args.repeat):
            for label, browser, method, url, body in pages:
                status, elapsed, _queries, _ = floor()
                assert status == 200, status
                floor_times.append(elapsed)
                status, elapsed, queries, content = browser.request(method, url, body() if body else None)
                expected = 302 if method == "POST" else 200
                assert status == expected, (label, status, content[:500])
                results[label].append(elapsed)
                info[label] = (queries, len(content))
        _, _, floor_queries, _ = floor()
    floor_median = statistics.median(floor_times) * 1000
    print(f"\n{'page':<48} {'median':>8} {'p95':>8} {'× floor':>8} {'queries':>8} {'KiB':>7}")
    print(f"{'floor (SELECT by pk + INSERT)':<48} {floor_median:8.1f} {percentile(floor_times, 0.95) * 1000:8.1f} "
          f"{1:8.1f} {floor_queries:8d}")
    worst = 0
    for label, times in results.items():
        if label in extra_labels and label == next(iter(l for l in results if l in extra_labels)):
            print("other staff lists (--extra; not among the issue's pages):")
        median = statistics.median(times) * 1000
        if label not in extra_labels:
            worst = max(worst, median / floor_median)
        queries, size = info[label]
        flag = "" if median <= 3 * floor_median and median <= 300 else "  ✗"
        print(f"{label:<48} {median:8.1f} {percentile(times, 0.95) * 1000:8.1f} {median / floor_median:8.1f} "
              f"{queries:8d} {size / 1024:7.0f}{flag}")
    print(f"\nmilliseconds; {args.repeat} requests per page, each after a floor request; "
          f"gunicorn 2 workers, DEBUG=0; worst page {worst:.1f}× the floor")


if __name__ == "__main__":
    main()
