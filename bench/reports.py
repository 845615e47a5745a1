"""Time and peak memory of the funder's PDFs, beside WeasyPrint rendering the same HTML alone.

Seeds a fresh PostgreSQL database (`seed_programme`, `seed_demo --participants N`, by default
100,000) and adds one info day with 1,000 confirmed participants. Then, for

- the attendance sheet of that 1,000-person info day, and
- the programme progress report (the dashboard's indicators at N participants),

it measures, interleaved (full, alone, full, alone, ...), each run in a fresh forked process so that
peaks do not mix and a change of the machine's load hits both sides alike:

- **full**: ``archive.request_report`` — scope lookup, queries, template, WeasyPrint, SHA-256,
  storing the file and the archive row (what a click or ``render_report`` does);
- **WeasyPrint alone**: ``HTML(string=<the same final HTML>).write_pdf()`` through the same
  restricted fetcher (``archive.final_document``: the HTML ``archive.generate`` renders, archive
  reference and QR code included).

It prints the ratio full / alone of every pair and the median of those ratios (the issue's goal:
at most 1.25, i.e. our queries + template + archive add at most 25 % to WeasyPrint).

Peak memory is the process's resident-set high-water mark (VmHWM, reset before each step
through /proc/self/clear_refs), above the resident size when the step started, so WeasyPrint's
C libraries (Pango, HarfBuzz) are counted too.

    .venv/bin/python bench/reports.py [--participants 100000] [--events 2000] [--sheet 1000] [--repeat 5] [--reuse]
        [--only attendance|progress]

`--reuse` keeps the database of an earlier run (menet_bench_reports) instead of re-seeding
(the seed is the issue's data size: 100,000 people and 2,000 events, then VACUUM ANALYZE).
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchdb import database_url, manage, seed_demo_database

ROOT = Path(__file__).resolve().parents[1]
PG_DB = "menet_bench_reports"
DB_URL = database_url(PG_DB)
BENCH_SLUG = "bench-attendance-sheet"


def seed(participants, events):
    return seed_demo_database(PG_DB, participants, analyze=True, events=events)


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
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    conn.send({
        "seconds": elapsed, "cpu": cpu, "sql": sum(float(q["time"]) for q in ctx.captured_queries),
        "peak_kib": _rss_kib("VmHWM") - start_rss, "rss_kib": _rss_kib("VmHWM"),
        "queries": len(ctx.captured_queries), "result": result,
    })
    conn.close()


def in_fresh_process(fn):
    """Run ``fn`` in a forked child; return its wall and CPU seconds, SQL seconds, peak RSS and queries."""
    from django.db import connections

    connections.close_all()  # the child opens its own connection
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("fork").Process(target=_child, args=(child, fn))
    process.start()
    out = parent.recv()
    process.join()
    return out


def summary(label, runs):
    return {"label": label, **{k: statistics.median(r[k] for r in runs) for k in ("seconds", "cpu", "sql")},
            "peak_mib": max(r["peak_kib"] for r in runs) / 1024, "rss_mib": max(r["rss_kib"] for r in runs) / 1024,
            "queries": runs[-1]["queries"], "result": runs[-1]["result"]}


def measure_interleaved(full, alone, repeat):
    """``repeat`` pairs, full then alone, each in a fresh process. Per pair: the wall-clock ratio (the
    issue's measure) and the ratio of (CPU of this process + SQL time) to WeasyPrint's CPU, which
    the other processes on a shared machine disturb far less."""
    fulls, alones, ratios, work_ratios = [], [], [], []
    for n in range(1, repeat + 1):
        fulls.append(in_fresh_process(full))
        alones.append(in_fresh_process(alone))
        f, a = fulls[-1], alones[-1]
        ratios.append(f["seconds"] / a["seconds"])
        work_ratios.append((f["cpu"] + f["sql"]) / a["cpu"])
        print(f"  pair {n}: full {f['seconds']:6.2f} s (CPU {f['cpu']:5.2f} s + SQL {f['sql']:4.2f} s), "
              f"alone {a['seconds']:6.2f} s (CPU {a['cpu']:5.2f} s); ratio {ratios[-1]:.2f}× wall, "
              f"{work_ratios[-1]:.2f}× CPU+SQL", flush=True)
    return fulls, alones, ratios, work_ratios


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--sheet", type=int, default=1000, help="people on the attendance sheet")
    parser.add_argument("--events", type=int, default=2000, help="events of the seeded demo data")
    parser.add_argument("--repeat", type=int, default=5, help="pairs (full, alone) per report")
    parser.add_argument("--only", choices=("attendance", "progress"), help="measure one report only")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    if args.reuse:  # a kept database still gets the migrations landed since it was seeded
        manage(DB_URL, "migrate", "--noinput", "-v0")
    else:
        took = seed(args.participants, args.events)
        print(f"seeded {args.participants:,} participants and {args.events:,} events in {took:.1f} s "
              f"(migrate + seed_programme + seed_demo + ANALYZE)")

    archive_dir = tempfile.mkdtemp(prefix="menet-bench-archive-")
    os.environ.update(DEBUG="1", DATABASE_URL=DB_URL, DJANGO_SETTINGS_MODULE="menet_portal.settings",
                      REPORTS_ARCHIVE_ROOT=archive_dir, LOG_LEVEL="WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from participants.models import Participant, Registration
    from reports import archive, documents
    from reports.documents.fetcher import StaticFilesOnlyFetcher
    from reports.documents.rendering import html_to_pdf
    from reports.models import GeneratedReport, ReportKind
    from reports.selectors import current_programme

    day = big_info_day(args.sheet)
    programme = current_programme()
    if programme.slug == BENCH_SLUG:
        from events.models import Programme

        programme = Programme.objects.exclude(slug=BENCH_SLUG).order_by("-start_date").first()
    from events.models import InfoDay
    from trainings.models import Attendance, Course

    print(f"rows: participants {Participant.objects.count():,}, registrations {Registration.objects.count():,}, "
          f"events {InfoDay.objects.count() + Course.objects.count():,}, attendance {Attendance.objects.count():,}; "
          f"attendance sheet: {day.registrations.count():,} people; programme report: {programme.name} "
          f"({programme.slug})")

    cases = [
        ("attendance", f"attendance sheet, {args.sheet:,} people", ReportKind.ATTENDANCE, {"info_day": day.pk}),
        ("progress", f"programme progress report, {Participant.objects.count():,} participants", ReportKind.PROGRESS,
         {"programme": programme.pk}),
    ]
    print(f"{args.repeat} pairs per report, interleaved (full, alone, full, alone, ...), each run in a fresh "
          f"process; time = median; peak = resident-set high-water mark above the start of the step")
    for name, label, kind, parameters in cases:
        if args.only and name != args.only:
            continue
        # The final HTML as archive.generate hands it to WeasyPrint (with the archive reference and
        # QR code of the next row), made once here; WeasyPrint alone renders exactly this, through
        # the same fetcher.
        parameters = documents.normalise_parameters(kind, parameters)
        next_pk = (GeneratedReport.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        spec, html = archive.final_document(GeneratedReport(pk=next_pk, kind=kind, parameters=parameters))
        extra_files = tuple(spec.extra.get("files", ()))

        def full(kind=kind, parameters=parameters):
            report = archive.request_report(kind=kind, parameters=parameters, run_now=True)
            return report.page_count

        def alone(html=html, extra_files=extra_files):
            return html_to_pdf(html, fetcher=StaticFilesOnlyFetcher(extra_files=extra_files)).page_count

        print(f"\n{label}: HTML {len(html) / 1024:,.0f} KiB", flush=True)
        fulls, alones, ratios, work_ratios = measure_interleaved(full, alone, args.repeat)
        ours = summary("full (queries + template + WeasyPrint + archive)", fulls)
        bare = summary("WeasyPrint alone, same HTML", alones)
        print(f"  {ours['result']} pages")
        for row in (ours, bare):
            print(f"  {row['label']:<50} {row['seconds']:8.2f} s  CPU {row['cpu']:6.2f} s  SQL {row['sql']:5.2f} s  "
                  f"peak +{row['peak_mib']:7.1f} MiB (RSS {row['rss_mib']:6.1f} MiB)  {row['queries']:3d} queries")
        print(f"  ratio full / WeasyPrint alone, median of the pairs: {statistics.median(ratios):.2f}× wall "
              f"(pairs {min(ratios):.2f}–{max(ratios):.2f}×), {statistics.median(work_ratios):.2f}× CPU+SQL "
              f"(pairs {min(work_ratios):.2f}–{max(work_ratios):.2f}×); peak memory "
              f"{ours['peak_mib'] / max(bare['peak_mib'], 0.1):.2f}×; our queries + template + archive: "
              f"{ours['seconds'] - bare['seconds']:+.2f} s wall, {ours['cpu'] + ours['sql'] - bare['cpu']:+.2f} s "
              f"CPU+SQL (medians)")


if __name__ == "__main__":
    main()
