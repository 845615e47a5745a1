"""Time and peak memory of the funder's PDFs, beside WeasyPrint rendering the same HTML alone.

Seeds a fresh PostgreSQL database (`seed_programme`, `seed_demo --participants N`, by default
100,000) and adds one info day with 1,000 confirmed participants. Then, for

- the attendance sheet of that 1,000-person info day, and
- the programme progress report (the dashboard's indicators at N participants),

it measures, each in a fresh forked process so that peaks do not mix:

- **full**: ``archive.request_report`` — scope lookup, queries, template, WeasyPrint, SHA-256,
  storing the file and the archive row (what a click or ``render_report`` does);
- **WeasyPrint alone**: ``HTML(string=<the same final HTML>).write_pdf()`` through the same
  restricted fetcher.

Peak memory is the process's resident-set high-water mark (VmHWM, reset before each step
through /proc/self/clear_refs), above the resident size when the step started, so WeasyPrint's
C libraries (Pango, HarfBuzz) are counted too.

    .venv/bin/python bench/reports.py [--participants 100000] [--sheet 1000] [--repeat 3] [--reuse]

`--reuse` keeps the database of an earlier run (menet_bench_reports) instead of re-seeding.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchdb import database_url, seed_demo_database

ROOT = Path(__file__).resolve().parents[1]
PG_DB = "menet_bench_reports"
DB_URL = database_url(PG_DB)
BENCH_SLUG = "bench-attendance-sheet"


def seed(participants):
    return seed_demo_database(PG_DB, participants)


def big_info_day(size):
    """An info day (of its own bench programme) with ``size`` confirmed participants, bulk inserted."""
    import datetime

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from events.models import County, InfoDay, Library, Programme, Region
    from participants.demo_data import FAMILY_NAMES, GIVEN_NAMES
    from participants.models import Participant, Registration, RegistrationSource, RegistrationStatus, TargetGroup

    existing = InfoDay.objects.filter(programme__slug=BENCH_SLUG).first()
    if existing and existing.registrations.count() == size:
        return existing
    with transaction.atomic():
        real = Programme.objects.exclude(slug=BENCH_SLUG).order_by("-start_date").first()
        programme, _ = Programme.objects.update_or_create(
            slug=BENCH_SLUG,
            defaults={f.name: getattr(real, f.name) for f in Programme._meta.concrete_fields
                      if f.name not in ("id", "slug")},
        )
        if existing:
            Registration.objects.filter(info_day=existing).delete()
        county = County.objects.get(name="Pest")
        library, _ = Library.objects.get_or_create(
            name="Bench Könyvtár", settlement="Gödöllő", defaults={"county": county, "address": "Fő tér 1."}
        )
        day = existing or InfoDay.objects.create(
            programme=programme, region=Region.objects.order_by("position").first(), library=library,
            date=datetime.date(2026, 11, 24), capacity=size, minimum=1, room="Nagyterem",
        )
        now = timezone.now()
        people = Participant.objects.bulk_create([
            Participant(
                family_name=FAMILY_NAMES[i % len(FAMILY_NAMES)], given_name=f"{GIVEN_NAMES[(i // 7) % len(GIVEN_NAMES)]}",
                birth_year=1950 + i % 50, settlement="Gödöllő", county=county, target_group=TargetGroup.CITIZEN,
                consent_given_at=now, consent_text_version=settings.CONSENT_TEXT_VERSION, registering_library=library,
            )
            for i in range(size)
        ])
        Registration.objects.bulk_create([
            Registration(participant=p, info_day=day, status=RegistrationStatus.CONFIRMED,
                         source=RegistrationSource.COORDINATOR, confirmed_at=now)
            for p in people
        ])
    return day


def _rss_kib(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _child(conn, fn):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset the peak RSS (VmHWM) to the current RSS
    except OSError:
        pass
    start_rss = _rss_kib("VmRSS")
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - started
    conn.send((elapsed, _rss_kib("VmHWM") - start_rss, _rss_kib("VmHWM"), len(ctx.captured_queries), result))
    conn.close()


def in_fresh_process(fn):
    """Run ``fn`` in a forked child; return (seconds, peak RSS above start in KiB, peak RSS, queries, result)."""
    from django.db import connections

    connections.close_all()  # the child opens its own connection
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(target=_child, args=(child, fn))
    process.start()
    out = parent.recv()
    process.join()
    return out


def measure(label, fn, repeat):
    runs = [in_fresh_process(fn) for _ in range(repeat)]
    seconds = statistics.median(r[0] for r in runs)
    peak = max(r[1] for r in runs) / 1024
    absolute = max(r[2] for r in runs) / 1024
    return {"label": label, "seconds": seconds, "peak_mib": peak, "rss_mib": absolute, "queries": runs[-1][3],
            "result": runs[-1][4]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--sheet", type=int, default=1000, help="people on the attendance sheet")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    if not args.reuse:
        took = seed(args.participants)
        print(f"seeded {args.participants:,} participants in {took:.1f} s (migrate + seed_programme + seed_demo)")

    archive_dir = tempfile.mkdtemp(prefix="menet-bench-archive-")
    os.environ.update(DEBUG="1", DATABASE_URL=DB_URL, DJANGO_SETTINGS_MODULE="menet_portal.settings",
                      REPORTS_ARCHIVE_ROOT=archive_dir, LOG_LEVEL="WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from participants.models import Participant, Registration
    from reports import archive, documents
    from reports.documents.rendering import html_to_pdf
    from reports.models import ReportKind
    from reports.selectors import current_programme

    day = big_info_day(args.sheet)
    programme = current_programme()
    if programme.slug == BENCH_SLUG:
        from events.models import Programme

        programme = Programme.objects.exclude(slug=BENCH_SLUG).order_by("-start_date").first()
    print(f"rows: participants {Participant.objects.count():,}, registrations {Registration.objects.count():,}; "
          f"attendance sheet: {day.registrations.count():,} people; programme report: {programme.name}")

    cases = [
        (f"attendance sheet, {args.sheet:,} people", ReportKind.ATTENDANCE, {"info_day": day.pk}),
        (f"programme progress report, {Participant.objects.count():,} participants", ReportKind.PROGRESS,
         {"programme": programme.pk}),
    ]
    print(f"median time of {args.repeat} runs, each in a fresh process; peak = resident-set high-water mark above "
          f"the start of the step")
    for label, kind, parameters in cases:
        # The final HTML, made once here; WeasyPrint alone renders exactly this.
        key, target = documents.resolve_target(kind, parameters)
        html = documents.build_document(kind, key, target).html()

        def full(kind=kind, parameters=parameters):
            report = archive.request_report(kind=kind, parameters=parameters, run_now=True)
            return report.page_count

        def alone(html=html):
            return html_to_pdf(html).page_count

        ours = measure("full (queries + template + WeasyPrint + archive)", full, args.repeat)
        bare = measure("WeasyPrint alone, same HTML", alone, args.repeat)
        print(f"\n{label}: {ours['result']} pages, HTML {len(html) / 1024:,.0f} KiB")
        for row in (ours, bare):
            print(f"  {row['label']:<50} {row['seconds']:8.2f} s  peak +{row['peak_mib']:7.1f} MiB "
                  f"(RSS {row['rss_mib']:6.1f} MiB)  {row['queries']:3d} queries")
        print(f"  ratio full / WeasyPrint alone: time {ours['seconds'] / bare['seconds']:.2f}×, "
              f"peak memory {ours['peak_mib'] / max(bare['peak_mib'], 0.1):.2f}×; "
              f"our queries + template + archive: {ours['seconds'] - bare['seconds']:+.2f} s")


if __name__ == "__main__":
    main()
