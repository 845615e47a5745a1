from django.core.management.base import BaseCommand

from events.programme_seed import seed_programme


class Command(BaseCommand):
    help = "Create the MENET programme, its 7 info days and 10 training sites (idempotent)."

    def handle(self, *args, **options):
        created = seed_programme()
        if any(created.values()):
            summary = ", ".join(f"{k}: {v}" for k, v in created.items())
            self.stdout.write(self.style.SUCCESS(f"MENET programme seeded ({summary})."))
        else:
            self.stdout.write("MENET programme already complete; nothing changed.")
