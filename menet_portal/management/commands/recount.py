"""Rebuild the database-kept counts and per-registration figures (menet_portal.counters) from
the tables themselves.

Needed only after rows were loaded with triggers disabled (``session_replication_role =
replica``, ``ALTER TABLE … DISABLE TRIGGER``); every ordinary write keeps them in step."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from menet_portal import counters


class Command(BaseCommand):
    help = "A kiküldési sor és a jelentkezések adatbázis által vezetett számlálóinak újraszámolása."

    def handle(self, *args, **options):
        if not counters.kept_in_database():
            self.stdout.write("Ezen az adatbázison a számlálókat a lekérdezések számolják; nincs teendő.")
            return
        with transaction.atomic(), connection.schema_editor(atomic=False) as editor:
            for counter in counters.KEPT:
                # The tables are locked against writes while they are recounted: no change slips between.
                editor.execute(f"LOCK TABLE {', '.join(counter.locked_tables())} IN SHARE MODE")
                counters.install(counter, editor)
                self.stdout.write(f"{counter.table}: újraszámolva.")
