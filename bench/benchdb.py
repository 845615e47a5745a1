"""A throw-away PostgreSQL database for a benchmark, and manage.py run against it."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "dbname=postgres user=postgres host=127.0.0.1")


def database_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def _admin(sql: str) -> None:
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def recreate_database(name: str) -> str:
    """Drop and create ``name``; return its DATABASE_URL."""
    drop_database(name)
    _admin(f'CREATE DATABASE "{name}"')
    return database_url(name)


def drop_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}"')


def manage(db_url: str, *args, settings: str = "menet_portal.settings") -> float:
    """Run ``manage.py *args`` on ``db_url`` (demo settings, DEBUG on); return the seconds it took."""
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": settings}
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def seed_demo_database(name: str, participants: int, analyze: bool = False) -> float:
    """A fresh database with the programme and ``participants`` demo people; return the seconds it took."""
    db_url = recreate_database(name)
    started = time.perf_counter()
    manage(db_url, "migrate", "--noinput", "-v0")
    manage(db_url, "seed_programme")
    manage(db_url, "seed_demo", "--participants", str(participants))
    if analyze:
        manage(db_url, "shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')")
    return time.perf_counter() - started
