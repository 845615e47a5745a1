"""Check every archived report against its SHA-256: after a restore, or from cron.

    python manage.py verify_archive            # prints problems and a summary; exit 1 on any
    python manage.py verify_archive --verbose  # also lists the files that are fine
"""

from django.core.management.base import BaseCommand, CommandError

from reports.archive import ArchiveFinding, verify_archive


class Command(BaseCommand):
    help = "Recompute every archived report's SHA-256; report mismatches and missing files (exit 1 on any)."

    def add_arguments(self, parser):
        parser.add_argument("--verbose", action="store_true", help="List the reports that are fine too.")

    def handle(self, *args, verbose=False, **options):
        counts = {ArchiveFinding.OK: 0, ArchiveFinding.MISMATCH: 0, ArchiveFinding.MISSING: 0,
                  ArchiveFinding.NO_FILE: 0}
        labels = {ArchiveFinding.MISMATCH: "ELTÉR", ArchiveFinding.MISSING: "HIÁNYZIK",
                  ArchiveFinding.NO_FILE: "NINCS FÁJL", ArchiveFinding.OK: "rendben"}
        for report, finding, detail in verify_archive():
            counts[finding] += 1
            if finding != ArchiveFinding.OK or verbose:
                line = f"{labels[finding]}: #{report.pk} {report.title} {detail}".rstrip()
                (self.stdout.write if finding == ArchiveFinding.OK else self.stderr.write)(line)
        problems = counts[ArchiveFinding.MISMATCH] + counts[ArchiveFinding.MISSING] + counts[ArchiveFinding.NO_FILE]
        self.stdout.write(
            f"{sum(counts.values())} archivált jelentés: {counts[ArchiveFinding.OK]} rendben, "
            f"{counts[ArchiveFinding.MISMATCH]} eltérő ellenőrzőösszeg, {counts[ArchiveFinding.MISSING]} hiányzó fájl, "
            f"{counts[ArchiveFinding.NO_FILE]} fájl nélküli."
        )
        if problems:
            raise CommandError(f"{problems} archivált jelentés hibás vagy hiányzik.")
