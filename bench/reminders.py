"""How long do dispatching and sending 10,000 due reminders take, through a real worker?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/menet REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/reminders.py [--count 10000] [--concurrency 2]

It creates a throw-away PostgreSQL database (<name>_bench_reminders), 10,000 confirmed
registrations for an info day whose 1-day reminder is due, starts an SMTP sink (aiosmtpd) on
127.0.0.1 and a real Celery worker (a subprocess, prefork) on Redis with a queue of its own,
runs one dispatch pass and waits until the sink has every e-mail. It prints the dispatch time,
the total time and e-mails per second, checks that no e-mail arrived twice, then stops the
worker and the sink and drops the database. It stops by itself (a watchdog ends it after
--timeout seconds).
"""

import argparse
import datetime
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """aiosmtpd handler: counts messages and their Message-IDs, signals when all have arrived."""

    def __init__(self, expected):
        self.expected = expected
        self.count = 0
        self.ids = set()
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.first_at = None

    async def handle_DATA(self, server, session, envelope):
        message_id = None
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip()
                break
            if not line:
                break
        with self.lock:
            self.count += 1
            self.first_at = self.first_at or time.perf_counter()
            self.ids.add(message_id)
            if self.count >= self.expected:
                self.done.set()
        return "250 OK"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--timeout", type=int, default=900, help="give up after this many seconds")
    args = parser.parse_args()

    db_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/menet")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if not db_url.startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    smtp_port = free_port()
    queue = f"bench-reminders-{uuid.uuid4().hex[:12]}"
    base_name = db_url.rsplit("/", 1)[1].split("?")[0]
    bench_db = f"{base_name}_bench_reminders"
    env = {
        "DJANGO_SETTINGS_MODULE": "menet_portal.settings",
        "DEBUG": "0", "SECRET_KEY": "bench-only-secret-key", "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": redis_url, "CELERY_TASK_ALWAYS_EAGER": "0", "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    os.environ["DATABASE_URL"] = db_url

    # Watchdog: whatever happens, the script ends.
    def on_alarm(signum, frame):
        raise TimeoutError(f"benchmark did not finish within {args.timeout} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(args.timeout)

    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.db import connection

    connection.settings_dict.setdefault("TEST", {})["NAME"] = bench_db
    old_name = connection.settings_dict["NAME"]
    worker = controller = None
    created = False
    worker_log = Path("/tmp") / f"{queue}.log"
    sink = Sink(args.count)
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        created = True
        print(f"database {bench_db}: migrated; building {args.count} due reminders…", flush=True)
        build_data(args.count)

        controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        worker_env = {**os.environ, **env, "DATABASE_URL": db_url.rsplit("/", 1)[0] + "/" + bench_db}
        with open(worker_log, "w") as log:
            worker = subprocess.Popen(
                [str(ROOT / ".venv/bin/celery"), "-A", "menet_portal", "worker", "-Q", queue, "-l", "warning",
                 "--pool", "prefork", "-c", str(args.concurrency), "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "-n", f"{queue}@%h"],
                cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        wait_for_worker(queue, worker)

        from menet_portal.models import OutboxMessage, OutboxStatus
        from menet_portal.notifications import outbox

        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        counts = outbox.dispatch_due()
        dispatched = time.perf_counter()
        if not sink.done.wait(timeout=args.timeout):
            raise TimeoutError(f"only {sink.count} of {args.count} e-mails arrived")
        finished = time.perf_counter()
        # the last rows commit right after their SMTP "250": give the worker a moment to commit them
        deadline = time.monotonic() + 30
        while OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() < args.count and time.monotonic() < deadline:
            time.sleep(0.2)
        sent_rows = OutboxMessage.objects.filter(status=OutboxStatus.SENT).count()
        total = finished - started
        stop_worker(worker)
        worker_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = worker_cpu.ru_utime + worker_cpu.ru_stime
        print(f"reminders written by the pass:   {counts['reminders']}")
        print(f"messages queued:                 {counts['queued']} (in batches of {outbox.BATCH_SIZE})")
        print(f"dispatch pass (write + queue):   {dispatched - started:.2f} s")
        print(f"dispatch and send, all e-mails:  {total:.2f} s  (worker: prefork × {args.concurrency})")
        print(f"throughput:                      {args.count / total:.0f} e-mails/s")
        print(f"worker CPU time:                 {cpu:.1f} s = {cpu / args.count * 1000:.1f} ms per e-mail "
              f"({args.count / cpu:.0f} e-mails per CPU-second)")
        print(f"load average before / after:     {load_before:.1f} / {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs")
        print(f"e-mails at the SMTP sink:        {sink.count}, distinct Message-IDs: {len(sink.ids)}")
        print(f"outbox rows marked sent:         {sent_rows}")
        ok = sink.count == len(sink.ids) == sent_rows == args.count
        print("exactly once:                    " + ("yes" if ok else "NO"))
        return 0 if ok else 1
    except TimeoutError as exc:
        print(f"FAILED: {exc}; worker log: {worker_log}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        if worker is not None:
            stop_worker(worker)
        if controller is not None:
            controller.stop()
        try:
            from menet_portal.celery import app

            with app.connection_for_write() as conn:
                conn.default_channel.queue_delete(queue)
        except Exception as exc:  # Redis gone: nothing left to clean
            print(f"(could not delete queue {queue}: {exc})", file=sys.stderr)
        if created:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def stop_worker(worker):
    if worker.poll() is not None:
        return
    os.killpg(worker.pid, signal.SIGTERM)  # the worker and its pool processes, which this script started
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def wait_for_worker(queue, worker, timeout=60):
    from menet_portal.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise TimeoutError(f"the worker exited with {worker.returncode}")
        if app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=0.5):
            return
    raise TimeoutError("the worker did not start")


def build_data(count):
    from django.conf import settings
    from django.utils import timezone
    from zoneinfo import ZoneInfo

    from events.models import County, EventStatus, InfoDay, Library, Programme, Region
    from participants.models import Participant, Registration, RegistrationSource, RegistrationStatus

    zone = ZoneInfo(settings.TIME_ZONE)
    now = timezone.now().astimezone(zone).replace(second=0, microsecond=0)
    start = now + datetime.timedelta(days=1, minutes=-5)  # its 1-day reminder fell due 5 minutes ago
    end_time = (start + datetime.timedelta(hours=4)).time() if start.hour < 19 else datetime.time(23, 59)
    county = County.objects.select_related("region").first()
    programme = Programme.objects.create(
        slug="bench", name="Bench", funder="Bench", project_title="Bench", grant_number="B-1", grantee="MKE",
        start_date=now.date() - datetime.timedelta(days=100), end_date=now.date() + datetime.timedelta(days=100),
        reminder_days_before=[1],
    )
    library = Library.objects.create(name="Bench Könyvtár", settlement="Tata", county=county, address="Fő utca 1.")
    day = InfoDay.objects.create(
        programme=programme, region=county.region if county else Region.objects.first(), library=library,
        title="Információs nap (bench)", date=start.date(), start_time=start.time(), end_time=end_time,
        capacity=min(count + 10, 32000), minimum=1, status=EventStatus.OPEN,
    )
    confirmed_at = now - datetime.timedelta(days=2)
    people = Participant.objects.bulk_create(
        [
            Participant(
                family_name="Bench", given_name=f"Anna{i}", email=f"bench{i}@example.hu", birth_year=1980,
                settlement="Tata", county=county, target_group="citizen", consent_given_at=confirmed_at,
                consent_text_version="2026-01",
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    Registration.objects.bulk_create(
        [
            Registration(participant=p, info_day=day, status=RegistrationStatus.CONFIRMED,
                         source=RegistrationSource.IMPORT, created_at=confirmed_at, confirmed_at=confirmed_at)
            for p in people
        ],
        batch_size=2000,
    )


if __name__ == "__main__":
    sys.exit(main())
