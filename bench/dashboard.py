"""How fast the programme dashboard is with 100,000 participants, and how many SQL queries it runs.

Seeds a fresh PostgreSQL database (`seed_programme`, `seed_demo --participants N`), then times,
in this process, each page rendered through Django's test client as the demo users:

- baseline: a bare `Registration.objects.count()` on the same data (the cheapest query that
  touches the big table), so the dashboard's time reads as "so many bare counts";
- `programme_indicators()` + `programme_alerts()` alone;
- the staff dashboard, the funder's viewer, the event overview, the indicator CSV export.

    .venv/bin/python bench/dashboard.py [--participants 100000] [--repeat 5] [--reuse]

`--reuse` keeps the database of an earlier run (menet_bench_dashboard) instead of re-seeding.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from benchdb import database_url, seed_demo_database

ROOT = Path(__file__).resolve().parents[1]
PG_DB = "menet_bench_dashboard"
DB_URL = database_url(PG_DB)


def seed(participants):
    return seed_demo_database(PG_DB, participants, analyze=True)


def measure(label, fn, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm caches (templates, query plans)
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - started)
        queries = len(ctx.captured_queries)
    median = statistics.median(times) * 1000
    return label, median, queries, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    if not args.reuse:
        took = seed(args.participants)
        print(f"seeded {args.participants} participants in {took:.1f} s (migrate + seed_programme + seed_demo)")

    os.environ.update(DEBUG="1", DATABASE_URL=DB_URL, DJANGO_SETTINGS_MODULE="menet_portal.settings",
                      ALLOWED_HOSTS="testserver,localhost,127.0.0.1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from menet_portal.models import User
    from participants.models import Participant, Registration
    from reports.selectors import current_programme, programme_alerts, programme_indicators
    from trainings.models import Attendance

    print(f"rows: participants {Participant.objects.count():,}, registrations {Registration.objects.count():,}, "
          f"attendance {Attendance.objects.count():,}")
    staff, funder = Client(), Client()
    staff.force_login(User.objects.get(username="mke"))
    funder.force_login(User.objects.get(username="tamogato"))
    programme = current_programme()

    def page(client, url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            return response
        return get

    rows = [
        measure("baseline: Registration.objects.count()", lambda: Registration.objects.count(), args.repeat),
        measure("programme_indicators + alerts", lambda: programme_alerts(programme_indicators(programme)), args.repeat),
        measure("staff dashboard  /jelentesek/mke/", page(staff, "/jelentesek/mke/"), args.repeat),
        measure("funder viewer    /jelentesek/tamogato/", page(funder, "/jelentesek/tamogato/"), args.repeat),
        measure("event overview   /esemenyek/attekintes/", page(staff, "/esemenyek/attekintes/"), args.repeat),
        measure("indicator export (CSV)", page(funder, "/jelentesek/mutatok/letoltes/?format=csv"), args.repeat),
    ]
    baseline = rows[0][1]
    print(f"median of {args.repeat} runs (after one warm-up); page queries include session + user lookups")
    for label, ms, queries, _ in rows:
        print(f"  {label:<42} {ms:8.1f} ms  {queries:3d} queries  ({ms / baseline:5.1f}× baseline)")


if __name__ == "__main__":
    main()
