"""Where one page's time goes: every SQL statement with its time, the total SQL time and the
rest (Python, templates), through Django's test client on an existing benchmark database.

    BENCH_DB=menet_bench_pages .venv/bin/python bench/profile_page.py mke /jelentesek/mke/ [--repeat 3]
    .venv/bin/python bench/profile_page.py mke /resztvevok/jelentkezesek/ --explain 2

``--explain N`` prints EXPLAIN (ANALYZE, BUFFERS) of the N slowest statements of the last run.
Read-only GETs only (a POST would write to the benchmark data).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import bench_database_name, database_url  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("username")
    parser.add_argument("url")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explain", type=int, default=0)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    os.environ.update(DEBUG="0", DATABASE_URL=database_url(bench_database_name("menet_bench_pages")),
                      DJANGO_SETTINGS_MODULE="menet_portal.settings", ALLOWED_HOSTS="testserver",
                      SECRET_KEY="profile-only-secret-key-0123456789-abcdefghijklmnop", SECURE_SSL_REDIRECT="0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off serves from the manifest
    from django.test import Client

    from menet_portal.models import User

    client = Client()
    client.force_login(User.objects.get(username=args.username))
    statements = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started, sql, params))

    for run in range(args.repeat):
        statements.clear()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(args.url)
            total = time.perf_counter() - started
        sql_time = sum(s[0] for s in statements)
        print(f"run {run + 1}: {response.status_code}, {total * 1000:.1f} ms total, {len(statements)} queries, "
              f"SQL {sql_time * 1000:.1f} ms, rest {(total - sql_time) * 1000:.1f} ms, "
              f"{len(response.content) / 1024:.0f} KiB")
    for elapsed, sql, _params in sorted(statements, key=lambda s: -s[0])[: args.top]:
        print(f"  {elapsed * 1000:8.1f} ms  {sql[:300]}")
    for elapsed, sql, params in sorted(statements, key=lambda s: -s[0])[: args.explain]:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print(f"\n--- {elapsed * 1000:.1f} ms: {sql[:200]}")
            print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
