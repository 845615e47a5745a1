"""Delete stale uploads (personal data) of the bulk import; see participants.imports.purge_stale_imports."""

from django.core.management.base import BaseCommand

from participants import imports


class Command(BaseCommand):
    help = "Delete unconfirmed or failed uploads older than a day, empty the rows of finished ones."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")

    def handle(self, *args, dry_run=False, **options):
        counts = imports.purge_stale_imports(dry_run=dry_run)
        suffix = " (dry run, nothing changed)" if dry_run else ""
        self.stdout.write(f"Deleted: {counts['deleted']}; emptied: {counts['emptied']}{suffix}")
