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


def seed_demo_database(name: str, participants: int, analyze: bool = False, events: int = 0) -> float:
    """A fresh database with the programme (and waves up to ``events`` events) and ``participants``
    demo people; return the seconds it took."""
    db_url = recreate_database(name)
    started = time.perf_counter()
    manage(db_url, "migrate", "--noinput", "-v0")
    manage(db_url, "seed_programme")
    manage(db_url, "seed_demo", "--participants", str(participants), "--events", str(events))
    took = time.perf_counter() - started
    if analyze:
        vacuum_analyze(db_url)
    return took


def vacuum_analyze(db_url: str) -> float:
    """``VACUUM ANALYZE`` the whole database, as autovacuum keeps a production one; return the seconds.

    The machines here run PostgreSQL with ``autovacuum = off``: without this, a freshly seeded
    database has no visibility map (no index-only scans) and stale statistics after a load run.
    """
    took = manage(db_url, "shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')")
    print(f"VACUUM ANALYZE in {took:.1f} s")
    return took


BENCH_SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789"
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


def bench_database_name(default: str) -> str:
    """The benchmark's database: ``BENCH_DB`` when set (e.g. one per developer), else ``default``."""
    return os.environ.get("BENCH_DB", default)


class Gunicorn:
    """The portal under gunicorn on 127.0.0.1 (DEBUG off, bench views on), for HTTP benchmarks."""

    def __init__(self, db_url: str, port: int, workers: int = 2, threads: int = 1, extra_env=None):
        self.db_url, self.port, self.workers, self.threads = db_url, port, workers, threads
        self.extra_env = extra_env or {}
        self.process = None

    def __enter__(self):
        import socket

        env = {
            **os.environ, "DEBUG": "0", "DATABASE_URL": self.db_url, "DJANGO_SETTINGS_MODULE": "menet_portal.settings",
            "SECRET_KEY": BENCH_SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0", "BENCH_VIEWS": "1", "LOG_LEVEL": "WARNING",
            # As in production: tasks (the e-mail sends) go to the Redis broker for a worker instead of
            # running inside the request (eager), and no e-mail is printed. No worker consumes them here;
            # the bench's Redis database is emptied when the server stops.
            "REDIS_URL": BENCH_REDIS_URL, "CELERY_BROKER_URL": BENCH_REDIS_URL, "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_URL": "dummymail://", **self.extra_env,
        }
        cmd = [str(Path(sys.executable).with_name("gunicorn")), "menet_portal.wsgi", "--bind", f"127.0.0.1:{self.port}",
               "--workers", str(self.workers), "--threads", str(self.threads), "--timeout", "120",
               "--log-level", "warning"]
        # DEBUG off serves static files through the manifest storage: collect them first.
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True)
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited")
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        import redis

        redis.Redis.from_url(self.extra_env.get("REDIS_URL", BENCH_REDIS_URL)).flushdb()
