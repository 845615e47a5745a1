import time

from django.core.management.base import BaseCommand, CommandError

from events.models import Programme
from events.programme_seed import PROGRAMME, seed_programme
from participants.demo_data import DEMO_PASSWORD, create_demo_participants, create_demo_users
from participants.models import Participant


class Command(BaseCommand):
    help = "Create demo accounts (one of each role) and N demo participants with registrations and attendance."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=400, help="how many demo participants (default 400)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed, for repeatable demo data")

    def handle(self, *args, participants, seed, **options):
        if participants < 0:
            raise CommandError("--participants must be zero or more.")
        seed_programme()
        programme = Programme.objects.get(slug=PROGRAMME["slug"])
        accounts = create_demo_users(programme)
        if Participant.objects.exists():
            self.stdout.write("Participants already exist; demo participants not added again.")
        elif participants:
            started = time.monotonic()
            counts = create_demo_participants(programme, participants, seed=seed)
            elapsed = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(", ".join(f"{k}: {v}" for k, v in counts.items()) + f" in {elapsed:.1f} s")
            )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for every account: {DEMO_PASSWORD}):")
        for username, role, library in accounts:
            self.stdout.write(f"  {username:<24} {role:<24} {library}")
