"""A bounded mixed load on the portal under gunicorn on PostgreSQL, beside the floor view's throughput.

50 concurrent clients (threads, each its own connection per request) on 127.0.0.1 only:

- floor phase: every client requests the floor view (/_bench/floor/: one SELECT by pk and one
  INSERT through the same middleware) for ``--seconds``;
- mixed phase, as long: coordinators of several libraries browse (participant list pages,
  registration list, their event's registrations), register new people for their open
  courses (POST), cancel confirmed registrations (POST, which promotes from the waiting list);
  MKE staff open the dashboard.

Both phases are bounded in time and in requests (``--max-requests`` each). Afterwards every
event is checked: confirmed ≤ capacity, nobody waiting while a place is free, and every
registration the portal accepted (302) is in the database with its e-mail in the outbox.

    .venv/bin/python bench/load.py [--reuse] [--clients 50] [--seconds 30] [--workers 3]

The database is the one bench/pages.py seeds (``BENCH_DB``, default menet_bench_pages);
without ``--reuse`` it is seeded first. Goal (issue 13): ≥ 50 % of the floor's requests/s, 0 errors.
"""

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import manage, vacuum_analyze, Gunicorn, bench_database_name, database_url, seed_demo_database  # noqa: E402
from pages import Browser, percentile, session_for, setup_django  # noqa: E402


RUN = f"{time.time_ns() % 10**9:09d}"


def fixtures(libraries: int):
    """Coordinators of the busiest libraries, with an open course each and confirmed registrations to cancel."""
    from django.db.models import Count
    from django.middleware.csrf import _get_new_csrf_string

    from events.models import EventStatus
    from menet_portal.models import Role, User
    from participants.models import Participant, Registration, RegistrationStatus
    from trainings.eligibility import late_join_decision
    from trainings.models import Course

    busiest = (Participant.objects.values("registering_library").annotate(n=Count("id")).order_by("-n")
               .values_list("registering_library", flat=True)[: libraries * 2])
    result = []
    for library_id in busiest:
        coordinator = User.objects.filter(role=Role.COORDINATOR, library_id=library_id).first()
        # Only courses a newcomer may still join: an open course too far along for its completion
        # rule rightly refuses new people (trainings.eligibility), which is not a load error.
        open_courses = Course.objects.filter(site__library_id=library_id, status=EventStatus.OPEN).select_related(
            "site__programme").order_by("pk")
        courses = [c.pk for c in open_courses[:30] if late_join_decision(c).allowed][:3]
        if not coordinator or not courses:
            continue
        person = Participant.objects.filter(registering_library_id=library_id).order_by("id").first()
        cancellable = list(Registration.objects.filter(course_id__in=courses, status=RegistrationStatus.CONFIRMED)
                           .values_list("pk", flat=True))
        result.append({
            "username": coordinator.username, "session": session_for(coordinator.username), "courses": courses,
            "cancellable": cancellable, "county": person.county_id, "settlement": person.settlement,
            "csrf": _get_new_csrf_string(),
        })
        if len(result) == libraries:
            break
    return result


class Phase:
    def __init__(self, name, seconds, max_requests):
        self.name, self.deadline, self.left = name, time.monotonic() + seconds, max_requests
        self.lock = threading.Lock()
        self.times, self.errors, self.by_kind = [], [], {}
        self.refusals = []  # a rule rightly said no (e.g. the course filled up meanwhile): not an error
        self.started = time.monotonic()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True

    def record(self, kind, elapsed, ok, detail="", refused=False):
        with self.lock:
            self.times.append(elapsed)
            self.by_kind.setdefault(kind, []).append(elapsed)
            if refused:
                self.refusals.append(f"{kind}: {detail}")
            elif not ok:
                self.errors.append(f"{kind}: {detail}")

    def report(self):
        took = time.monotonic() - self.started
        times = self.times or [0]
        print(f"{self.name:<6} {len(self.times) / took:8.1f} req/s  p50 {statistics.median(times) * 1000:7.1f}  "
              f"p95 {percentile(times, 0.95) * 1000:7.1f}  p99 {percentile(times, 0.99) * 1000:7.1f} ms  "
              f"requests {len(self.times)}  errors {len(self.errors)}  rightly refused {len(self.refusals)}")
        for kind, values in sorted(self.by_kind.items()):
            print(f"         {kind:<22} n={len(values):5d}  p50 {statistics.median(values) * 1000:7.1f} ms  "
                  f"p95 {percentile(values, 0.95) * 1000:7.1f} ms")
        for error in self.errors[:10]:
            print("   error:", error)
        for refusal in self.refusals[:5]:
            print("   rightly refused:", refusal)
        return len(self.times) / took


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8762)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    db_name = bench_database_name("menet_bench_pages")
    db_url = database_url(db_name)
    if not args.reuse:
        seed_demo_database(db_name, args.participants, analyze=True, events=args.events)
    else:  # a kept database still gets the migrations landed since it was seeded
        manage(db_url, "migrate", "--noinput", "-v0")
        vacuum_analyze(db_url)  # earlier runs wrote rows; autovacuum is off on these machines
    setup_django(db_url)
    coordinators = fixtures(libraries=8)
    staff_session = session_for("mke")
    accepted, accepted_lock = [], threading.Lock()

    with Gunicorn(db_url, args.port, workers=args.workers) as server:
        port = server.port
        staff = Browser(port, staff_session)

        def floor_client(phase, rng):
            while phase.take():
                try:
                    status, elapsed, _, _ = staff.request("GET", f"/_bench/floor/?pk={rng.randint(1, 50)}")
                    phase.record("floor", elapsed, status == 200, status)
                except OSError as exc:
                    phase.record("floor", 0, False, exc)

        def mixed_client(phase, rng, n):
            me = coordinators[n % len(coordinators)]
            coordinator = Browser(port, me["session"], csrf=me["csrf"])
            serial = 0
            while phase.take():
                roll = rng.random()
                try:
                    if roll < 0.10:
                        kind, (status, elapsed, _, _), expected = "staff dashboard", staff.request(
                            "GET", "/jelentesek/mke/"), 200
                        refused = False
                    elif roll < 0.35:
                        serial += 1
                        email = f"load.{n}.{serial}.{time.time_ns()}@example.hu"
                        course = rng.choice(me["courses"])
                        kind, expected = "register (POST)", 302
                        status, elapsed, _, content = coordinator.request("POST", "/resztvevok/uj/", {
                            # A run-unique name: a kept database already knows the earlier runs' people.
                            "family_name": "Terhelés", "given_name": f"Ede{RUN}x{n}x{serial}", "email": email,
                            "phone": "", "birth_year": "1985", "settlement": me["settlement"],
                            "county": str(me["county"]), "target_group": "citizen", "event": f"course:{course}",
                            "consent": "on",
                        })
                        refused = False
                        if status == 302:
                            with accepted_lock:
                                accepted.append((email, course))
                        elif status == 200:
                            messages = _form_errors(content)
                            refused = bool(messages) and all(_legitimate(m) for m in messages)
                            status = f"{status} ({'; '.join(messages) or 'no error message on the page'})"
                    elif roll < 0.45 and me["cancellable"]:
                        with accepted_lock:
                            pk = me["cancellable"].pop() if me["cancellable"] else None
                        if pk is None:
                            continue
                        kind, expected, refused = "cancel (POST)", 302, False
                        status, elapsed, _, _ = coordinator.request(
                            "POST", f"/resztvevok/jelentkezesek/{pk}/lemondas/", {"reason": "Terheléses próba"})
                    else:
                        kind, expected, refused = "coordinator browsing", 200, False
                        url = rng.choice([
                            f"/resztvevok/?page={rng.randint(1, 5)}",
                            "/resztvevok/jelentkezesek/",
                            f"/resztvevok/jelentkezesek/?course={rng.choice(me['courses'])}",
                            "/resztvevok/koordinator/",
                        ])
                        status, elapsed, _, _ = coordinator.request("GET", url)
                    phase.record(kind, elapsed, status == expected, status, refused=refused)
                except OSError as exc:
                    phase.record("connection", 0, False, exc)

        def run(name, target):
            phase = Phase(name, args.seconds, args.max_requests)
            threads = [threading.Thread(target=target, args=(phase, random.Random(i), i) if target is mixed_client
                                        else (phase, random.Random(i))) for i in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=args.seconds + 180)
            return phase

        # Warm both workers up, then the floor, then the mix.
        for _ in range(6):
            staff.request("GET", "/_bench/floor/")
            staff.request("GET", "/jelentesek/mke/")
        floor = run("floor", floor_client)
        mixed = run("mixed", mixed_client)
    print(f"\n{args.clients} clients, {args.seconds:.0f} s per phase, gunicorn {args.workers} workers, DEBUG=0, "
          "127.0.0.1")
    floor_rps = floor.report()
    mixed_rps = mixed.report()
    print(f"mixed / floor throughput: {mixed_rps / floor_rps * 100:.0f} %")
    problems = check(accepted)
    print(f"checks: {len(accepted)} accepted registrations; "
          + ("all events keep the rules" if not problems else f"{len(problems)} PROBLEMS"))
    for problem in problems[:20]:
        print("  ", problem)
    sys.exit(1 if problems or floor.errors or mixed.errors else 0)


def _would_promote(event) -> bool:
    """Whether the waiting-list rule itself would promote someone now (run and rolled back): a
    started course that refuses late joiners, or a self-registration still waiting for its e-mail
    link, rightly keeps people waiting beside a free place."""
    from django.db import transaction

    from participants.services import promote_from_waiting_list

    with transaction.atomic():
        locked = type(event).objects.select_for_update().get(pk=event.pk)
        promotion = promote_from_waiting_list(locked)
        transaction.set_rollback(True)
    return bool(promotion)  # Promotion is the list of those promoted


def _form_errors(content: bytes) -> list[str]:
    """The messages of a re-shown form (why a POST answered 200): the items of the error summary
    (includes/form_errors.html, "<field label>: <message>"), else the fields' own invalid-feedback."""
    import html
    import re

    text = content.decode("utf-8", "replace")

    def clean(fragment):
        return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()[:200]

    summary = re.search(r'class="alert alert-danger form-errors".*?<ul class="mb-0">(.*?)</ul>', text, re.S)
    if summary:
        found = [clean(item) for item in re.findall(r"<li>(.*?)</li>", summary.group(1), re.S)]
        if found:
            return found
    return [clean(m) for m in re.findall(r'class="invalid-feedback[^"]*"[^>]*>(.*?)</(?:div|span|p)>', text, re.S)]


# Refusals a rule rightly gives under this load (another client took the last fitting place, a
# session started meanwhile, ...): counted apart from errors. Anything else is an error.
LEGITIMATE_REFUSALS = (
    "új jelentkező már nem fogadható",  # late joiner refused (trainings.eligibility)
    "most nem lehet jelentkezni",  # the event was closed or cancelled meanwhile
    "már jelentkezett erre az eseményre",  # a duplicate registration
)


def _legitimate(message: str) -> bool:
    return any(text in message for text in LEGITIMATE_REFUSALS)


def check(accepted):
    from django.db.models import Count, Q

    from events.models import InfoDay
    from menet_portal.notifications.models import OutboxMessage
    from participants.models import Registration, RegistrationStatus
    from trainings.models import Course

    problems = []
    counts = dict(confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
                  waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)))
    for model in (InfoDay, Course):
        for event in model.objects.annotate(**counts):
            if event.confirmed > event.capacity:
                problems.append(f"{event}: {event.confirmed} confirmed for {event.capacity} places")
            if event.waiting and event.confirmed < event.capacity and _would_promote(event):
                problems.append(f"{event}: {event.waiting} waiting while {event.capacity - event.confirmed} free")
    emails = [email for email, _course in accepted]
    found = dict(Registration.objects.filter(participant__email__in=emails).values_list("participant__email",
                                                                                     "course_id"))
    mailed = set(OutboxMessage.objects.filter(recipient__in=emails).values_list("recipient", flat=True))
    for email, course in accepted:
        if found.get(email) != course:
            problems.append(f"accepted registration of {email} for course {course} not in the database")
        if email not in mailed:
            problems.append(f"no outbox message for {email}")
    return problems


if __name__ == "__main__":
    main()
