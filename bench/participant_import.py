"""How long the bulk import of the largest accepted file (5,000 rows) takes, and how many queries.

Migrates a fresh PostgreSQL database, then times the three steps of participants.imports on
a generated Windows-1250 semicolon CSV: reading, checking (the preview), confirming (one
transaction). The preview should stay a handful of queries however long the file is.
Queries are counted exactly with a connection ``execute_wrapper`` (Django's query log stops at
9,000); peak memory is the process's maximum resident set size (``resource.getrusage``) after
each step (tracemalloc would slow the Python part several times over and distort the timings).

    .venv/bin/python bench/participant_import.py [--rows 100 1000 5000]

Celery is not eager here (as in production): the outbox rows the registration signal writes are
part of the measured transaction, the e-mails are only queued (to an in-memory broker).
"""

import argparse
import contextlib
import os
import resource
import sys
import time
from pathlib import Path

from benchdb import database_url, manage, recreate_database

ROOT = Path(__file__).resolve().parents[1]
PG_DB = os.environ.get("BENCH_IMPORT_DB", "menet_bench_import")
DB_URL = database_url(PG_DB)


def fresh_postgres():
    manage(recreate_database(PG_DB), "migrate", "-v0", settings="menet_portal.settings_test")


@contextlib.contextmanager
def measured(connection):
    """Seconds, exact query count and the process's peak resident memory (MiB) after the block."""
    result = {"queries": 0}

    def counter(execute, sql, params, many, context):
        result["queries"] += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        yield result
    result["seconds"] = time.perf_counter() - started
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100, 1000, 5000])
    args = parser.parse_args()
    fresh_postgres()
    os.environ["DATABASE_URL"] = DB_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "menet_portal.settings_test"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    os.environ["CELERY_BROKER_URL"] = "memory://"
    sys.path.insert(0, str(ROOT))
    import warnings

    import django

    warnings.filterwarnings("ignore", message="Limit for query logging")
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from menet_portal.tests.factories import InfoDayFactory
    from participants import imports
    from menet_portal.notifications.models import OutboxMessage
    from participants.models import Registration

    for size in args.rows:
        day = InfoDayFactory(capacity=30, minimum=25)
        header = ";".join(imports.template_headers())
        lines = [header]
        for n in range(size):
            lines.append(f"Őrsi;Tünde{size}-{n};tunde{size}-{n}@example.hu;06 30 {n % 1000:03d} {n % 10000:04d};1980;"
                         f"Győr;Győr-Moson-Sopron;állampolgár;;;;;igen")
        raw = "\r\n".join(lines).encode("cp1250")
        print(f"file: {size} rows, {len(raw) / 1024 / 1024:.2f} MB (Windows-1250, semicolon)")

        started = time.perf_counter()
        rows = imports.read_file(SimpleUploadedFile("bench.csv", raw))
        print(f"  read:    {time.perf_counter() - started:6.2f} s")

        with measured(connection) as preview:
            outcomes = imports.check_rows(rows, day, viewer=None)
        assert all(o.ok for o in outcomes)
        print(f"  preview: {preview['seconds']:6.2f} s, {preview['queries']} queries, "
              f"peak {preview['peak_mib']:.0f} MiB RSS")

        with measured(connection) as confirm:
            imports.confirm_import(rows=rows, event=day, imported_by=None)
        counts = Registration.objects.filter(info_day=day)
        outbox = OutboxMessage.objects.filter(info_day=day).count()
        print(f"  confirm: {confirm['seconds']:6.2f} s, {confirm['queries']} queries, one transaction, "
              f"peak {confirm['peak_mib']:.0f} MiB RSS; "
              f"{counts.filter(status='confirmed').count()} confirmed, "
              f"{counts.filter(status='waitlisted').count()} waiting, {outbox} outbox rows")
        print(f"  preview + confirm: {preview['seconds'] + confirm['seconds']:.2f} s; "
              f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    connection.close()


if __name__ == "__main__":
    main()
