import time

from django.core.management.base import BaseCommand, CommandError

from events.models import Programme
from events.programme_seed import PROGRAMME, seed_programme
from participants.demo_data import DEMO_PASSWORD, create_demo_participants, create_demo_programmes, create_demo_users
from participants.models import Participant


class Command(BaseCommand):
    help = (
        "Create demo accounts (one of each role), optionally programme waves up to N events, "
        "and N demo participants with registrations, attendance and outbox history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=400, help="how many demo participants (default 400)")
        parser.add_argument(
            "--events", type=int, default=0,
            help="how many events (info days + courses) in all; more than the seeded 17 adds courses and "
                 "earlier programme waves of about 200 events each (default: only the seeded programme)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed, for repeatable demo data")

    def handle(self, *args, participants, events, seed, **options):
        if participants < 0 or events < 0:
            raise CommandError("--participants and --events must be zero or more.")
        started = time.monotonic()
        seed_programme()
        programme = Programme.objects.get(slug=PROGRAMME["slug"])
        existing = Participant.objects.exists()
        if events and not existing:
            create_demo_programmes(events)
        accounts = create_demo_users(programme)
        if existing:
            self.stdout.write("Participants already exist; demo participants not added again.")
        elif participants:
            counts = create_demo_participants(programme, participants, seed=seed)
            elapsed = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(", ".join(f"{k}: {v}" for k, v in counts.items()) + f" in {elapsed:.1f} s")
            )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for every account: {DEMO_PASSWORD}):")
        shown = accounts if len(accounts) <= 40 else accounts[:40]
        for username, role, library in shown:
            self.stdout.write(f"  {username:<24} {role:<24} {library}")
        if len(accounts) > len(shown):
            self.stdout.write(f"  … and {len(accounts) - len(shown)} more coordinator and trainer accounts")
