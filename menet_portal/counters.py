"""Exact row counts that PostgreSQL keeps in step with the table itself.

Some pages show how many rows of a big table fall in each group: the outbox page its messages
per status (136,000 rows), the event overview every event's confirmed and waitlisted places
(135,000 registrations). Counting them is a scan of every row or index entry on every request.

Here the database keeps the counts: statement-level triggers on the counted table append one
row per group that a statement changed, ``(group columns…, n)``, to a *delta table*, in the
same transaction as the change. The count of a group is the sum of its deltas, so a reader
sees exactly the rows committed before its snapshot: nothing can be stale or lost, whatever
path wrote the rows (ORM, ``bulk_create``, queryset ``update``/``delete``, a cascade, raw SQL,
``COPY``, the admin, a migration). Deltas are only appended, never updated, so two
transactions never wait for each other on a counter row. ``compact`` (run by the beat's
outbox dispatcher) replaces a table's deltas by one row per group, in one statement.

On other databases (the SQLite demo) nothing is installed and the callers count the table.
"""

from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Counter:
    """``table``'s rows counted per ``columns`` into ``delta_table`` (a model's table with
    those columns and a bigint ``n``)."""

    name: str
    table: str
    delta_table: str
    columns: tuple[str, ...]

    def _cols(self):
        return ", ".join(self.columns)

    def install_sql(self) -> list[str]:
        """The trigger function and the INSERT, UPDATE, DELETE and TRUNCATE triggers, and the
        deltas of the rows already in the table."""
        cols, fn = self._cols(), f"{self.name}_count"
        changed = (
            f"SELECT {cols}, SUM(n) AS n FROM ("
            f" SELECT {cols}, 1 AS n FROM new_rows"
            f" UNION ALL SELECT {cols}, -1 AS n FROM old_rows"
            f") d GROUP BY {cols} HAVING SUM(n) <> 0"
        )
        body = f"INSERT INTO {self.delta_table} ({cols}, n) {changed};"
        statements = [
            # One function for the three events; each branch reads only the transition tables its event has.
            f"""CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {self.delta_table} ({cols}, n)
      SELECT {cols}, COUNT(*) FROM new_rows GROUP BY {cols};
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO {self.delta_table} ({cols}, n)
      SELECT {cols}, -COUNT(*) FROM old_rows GROUP BY {cols};
  ELSE
    {body}
  END IF;
  RETURN NULL;
END $$""",
            f"""CREATE OR REPLACE FUNCTION {fn}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {self.delta_table};
  RETURN NULL;
END $$""",
            f"DROP TRIGGER IF EXISTS {fn}_insert ON {self.table}",
            f"DROP TRIGGER IF EXISTS {fn}_update ON {self.table}",
            f"DROP TRIGGER IF EXISTS {fn}_delete ON {self.table}",
            f"DROP TRIGGER IF EXISTS {fn}_truncate ON {self.table}",
            f"CREATE TRIGGER {fn}_insert AFTER INSERT ON {self.table} REFERENCING NEW TABLE AS new_rows"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {fn}()",
            f"CREATE TRIGGER {fn}_update AFTER UPDATE ON {self.table}"
            f" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {fn}()",
            f"CREATE TRIGGER {fn}_delete AFTER DELETE ON {self.table} REFERENCING OLD TABLE AS old_rows"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {fn}()",
            f"CREATE TRIGGER {fn}_truncate AFTER TRUNCATE ON {self.table}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {fn}_truncate()",
            f"DELETE FROM {self.delta_table}",
            f"INSERT INTO {self.delta_table} ({cols}, n)"
            f" SELECT {cols}, COUNT(*) FROM {self.table} GROUP BY {cols}",
        ]
        return statements

    def uninstall_sql(self) -> list[str]:
        fn = f"{self.name}_count"
        return [
            *(f"DROP TRIGGER IF EXISTS {fn}_{op} ON {self.table}" for op in ("insert", "update", "delete", "truncate")),
            f"DROP FUNCTION IF EXISTS {fn}()",
            f"DROP FUNCTION IF EXISTS {fn}_truncate()",
        ]

    def forwards(self, apps, schema_editor):
        """``migrations.RunPython(counter.forwards, counter.backwards)`` installs it."""
        install(self, schema_editor)

    def backwards(self, apps, schema_editor):
        uninstall(self, schema_editor)

    def compact_sql(self) -> str:
        """One statement: this table's deltas (those committed when it starts) become one row
        per group. A concurrent writer's deltas are not seen, so they stay, and a concurrent
        compaction waits for this one's row locks and then finds the rows gone."""
        cols = self._cols()
        return (f"WITH moved AS (DELETE FROM {self.delta_table} RETURNING {cols}, n) "
                f"INSERT INTO {self.delta_table} ({cols}, n) "
                f"SELECT {cols}, SUM(n) FROM moved GROUP BY {cols} HAVING SUM(n) <> 0")



def kept_in_database(using=None) -> bool:
    """Whether the counters are kept by the database (PostgreSQL) on this connection."""
    from django.db import connections

    return (connections[using] if using else connection).vendor == "postgresql"


def install(counter: Counter, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in counter.install_sql():
        schema_editor.execute(statement)


def uninstall(counter: Counter, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in counter.uninstall_sql():
        schema_editor.execute(statement)


def compact(*counters: Counter) -> None:
    """Collapse the deltas of ``counters`` (all registered ones if none are given)."""
    if not kept_in_database():
        return
    with connection.cursor() as cursor:
        for counter in counters or REGISTERED:
            cursor.execute(counter.compact_sql())


OUTBOX_STATUS = Counter(
    name="outbox_status", table="menet_portal_outboxmessage", delta_table="menet_portal_outboxstatuscount",
    columns=("status",),
)

REGISTRATIONS = Counter(
    name="registration_status", table="participants_registration", delta_table="participants_registrationcount",
    columns=("info_day_id", "course_id", "status"),
)

REGISTERED = (OUTBOX_STATUS, REGISTRATIONS)
