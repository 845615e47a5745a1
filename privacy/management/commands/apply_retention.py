"""Anonymise people whose programme ended more than its retention period ago (nightly, beat)."""

from django.core.management.base import BaseCommand

from privacy import services


class Command(BaseCommand):
    help = "Anonymise people a programme's retention_months after it ended (--dry-run: only count)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")

    def handle(self, *args, dry_run=False, **options):
        result = services.apply_retention(dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"Due for anonymisation: {result['due']} (dry run, nothing changed)")
        else:
            self.stdout.write(f"Due for anonymisation: {result['due']}; anonymised: {result['anonymised']}")
