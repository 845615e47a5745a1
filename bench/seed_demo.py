"""How long `seed_demo --participants N` takes, on PostgreSQL and on the SQLite demo database.

Each run migrates a fresh database, seeds the programme, then times the demo seed.
Baseline in the same run: the same command with N/100 participants, so the figure shows
whether the bulk inserts scale linearly (the goal: 100,000 participants in under a minute).

    .venv/bin/python bench/seed_demo.py [--participants 100000]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "dbname=postgres user=postgres host=127.0.0.1")
PG_DB = "menet_bench_seed"


def manage(db_url, *args):
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "menet_portal.settings"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def fresh_postgres():
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{PG_DB}"')
        cur.execute(f'CREATE DATABASE "{PG_DB}"')
    conn.close()
    return f"postgres://postgres@127.0.0.1:5432/{PG_DB}"


def drop_postgres():
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{PG_DB}"')
    conn.close()


def run(label, make_db, n):
    results = {}
    for count in (n // 100, n):
        db_url = make_db()
        manage(db_url, "migrate", "--noinput", "-v0")
        manage(db_url, "seed_programme")
        results[count] = manage(db_url, "seed_demo", "--participants", str(count))
    small, big = n // 100, n
    print(f"{label:<10} N={small:>7}: {results[small]:6.1f} s   N={big:>7}: {results[big]:6.1f} s   "
          f"({big / results[big]:,.0f} participants/s; 100× N took {results[big] / results[small]:.1f}× the time)")
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    args = parser.parse_args()
    print(f"seed_demo --participants {args.participants} (times include process start and demo accounts)")
    try:
        run("PostgreSQL", fresh_postgres, args.participants)
    finally:
        drop_postgres()
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(10))
        run("SQLite", lambda: f"sqlite:///{tmp}/bench-{next(counter)}.sqlite3", args.participants)


if __name__ == "__main__":
    main()
