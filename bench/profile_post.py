"""Every SQL statement of the registration POST and the cancel POST, in order, with its time,
through Django's test client on a benchmark database you may write to (it registers new people
and cancels registrations, as bench/pages.py and bench/load.py do).

    BENCH_DB=menet_bench_post .venv/bin/python bench/profile_post.py [--repeat 3] [--list] [--cprofile]

Tasks are queued on Redis (``BENCH_REDIS_URL``), not run eagerly, as under gunicorn in the
benches. ``--list`` prints the statements of the last run of each POST in order; ``--explain N``
EXPLAIN ANALYZEs its N slowest SELECTs; ``--cprofile`` prints the top functions (``--sort``) of
every run after the first.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import BENCH_REDIS_URL, bench_database_name, database_url  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="pstats order of --cprofile (cumulative, tottime)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--dump", default="", help="also write the --cprofile stats to this file")
    parser.add_argument("--only", choices=("register", "cancel"), default=None)
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN ANALYZE the N slowest SELECTs of the last run")
    args = parser.parse_args()
    os.environ.update(DEBUG="0", DATABASE_URL=database_url(bench_database_name("menet_bench_pages")),
                      DJANGO_SETTINGS_MODULE="menet_portal.settings", ALLOWED_HOSTS="testserver",
                      SECRET_KEY="profile-only-secret-key-0123456789-abcdefghijklmnop", SECURE_SSL_REDIRECT="0",
                      REDIS_URL=BENCH_REDIS_URL, CELERY_BROKER_URL=BENCH_REDIS_URL, CELERY_TASK_ALWAYS_EAGER="0",
                      EMAIL_URL="dummymail://")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from events.models import EventStatus
    from menet_portal.models import User
    from participants.models import Registration, RegistrationStatus
    from pages import pick_fixtures

    call_command("collectstatic", interactive=False, verbosity=0)
    fx = pick_fixtures()
    client = Client()
    client.force_login(User.objects.get(username=fx["coordinator"]))
    run = f"{time.time_ns() % 10**9:09d}"

    def new_person(n):
        return {
            "family_name": "Profil", "given_name": f"Elek{run}x{n}", "email": f"profil.{run}.{n}@example.hu",
            "phone": "", "birth_year": "1980", "settlement": fx["settlement"], "county": str(fx["county"]),
            "target_group": "citizen", "event": f"course:{fx['course']}", "consent": "on",
        }

    def cancellable():
        # A confirmed place on an open course of the coordinator's library with someone waiting (a promotion).
        waiting = Registration.objects.filter(
            status=RegistrationStatus.WAITLISTED, hold_until__isnull=True, course__status=EventStatus.OPEN,
            course__site__library_id=fx["library_id"]).values("course_id")
        reg = (Registration.objects.filter(course_id__in=waiting, status=RegistrationStatus.CONFIRMED)
               .order_by("-id").first())
        if reg is None:
            reg = (Registration.objects.filter(status=RegistrationStatus.CONFIRMED, course__status=EventStatus.OPEN,
                                               course__site__library_id=fx["library_id"]).order_by("-id").first())
        return reg

    statements = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started, sql, params))

    posts = []
    if args.only in (None, "register"):
        posts.append(("registration POST", lambda n: ("/resztvevok/uj/", new_person(n))))
    if args.only in (None, "cancel"):
        def cancel_post(n):
            reg = cancellable()
            return f"/resztvevok/jelentkezesek/{reg.pk}/lemondas/", {"reason": "Profilozás"}
        posts.append(("cancel POST", cancel_post))
    for label, make in posts:
        import cProfile

        profile = cProfile.Profile() if args.cprofile else None
        for n in range(args.repeat):
            url, body = make(n)
            statements.clear()
            profiling = profile is not None and n >= 1  # every run after the first (cold) one
            if profiling:
                profile.enable()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                response = client.post(url, body)
                total = time.perf_counter() - started
            if profiling:
                profile.disable()
            sql_time = sum(s[0] for s in statements)
            savepoints = sum(1 for s in statements if s[1].startswith(("SAVEPOINT", "RELEASE SAVEPOINT")))
            print(f"{label} run {n + 1}: {response.status_code}, {total * 1000:.1f} ms total, {len(statements)} "
                  f"queries ({savepoints} SAVEPOINT/RELEASE), SQL {sql_time * 1000:.1f} ms, "
                  f"rest {(total - sql_time) * 1000:.1f} ms")
            assert response.status_code == 302, response.content[:2000]
        if args.list:
            for elapsed, sql, _params in statements:
                print(f"  {elapsed * 1000:7.2f} ms  {sql[:220]}")
        selects = sorted((st for st in statements if st[1].startswith("SELECT") and "pg_advisory" not in st[1]),
                         key=lambda st: -st[0])
        for elapsed, sql, params in selects[: args.explain]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print(f"\n--- {elapsed * 1000:.2f} ms: {sql[:300]}")
                print("\n".join(row[0] for row in cursor.fetchall()))
        if profile is not None:
            import pstats

            if args.dump:
                profile.dump_stats(f"{args.dump}.{label.split()[0]}")
            stats = pstats.Stats(profile).sort_stats(args.sort)
            stats.print_stats(r"^(?!.*site-packages)", 40)  # the portal's own functions
            stats.print_stats(args.top)


if __name__ == "__main__":
    main()
