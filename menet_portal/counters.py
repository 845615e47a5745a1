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


class KeptByTriggers:
    """What the database keeps by triggers: ``install_sql``/``uninstall_sql`` and the tables a
    rebuild locks (``locked_tables``); ``migrations.RunPython(kept.forwards, kept.backwards)``
    installs it (on PostgreSQL only)."""

    def forwards(self, apps, schema_editor):
        install(self, schema_editor)

    def backwards(self, apps, schema_editor):
        uninstall(self, schema_editor)


@dataclass(frozen=True)
class Counter(KeptByTriggers):
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

    def locked_tables(self) -> tuple[str, ...]:
        return (self.table,)

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


def install(counter: KeptByTriggers, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in counter.install_sql():
        schema_editor.execute(statement)


def uninstall(counter: KeptByTriggers, schema_editor) -> None:
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

ATTENDANCE = Counter(
    name="attendance_status", table="trainings_attendance", delta_table="trainings_attendancecount",
    columns=("session_id", "status"),
)


# --- Per-registration figures ------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationFigures(KeptByTriggers):
    """One row per registration in ``table`` (``participants.RegistrationFigures``): its event,
    status, certificate eligibility, its person's target group and its own attendance counted
    by kind, kept by triggers on the registrations, the people, the attendance and the sessions.

    The dashboards sum these instead of joining every registration of the programme to its
    person and its attendance on each request (docs/performance.md). *Own* attendance is what
    the dashboards always counted: the info-day row (``session`` NULL) and the rows of the
    registration's own course's sessions; a row recorded past ``Attendance.clean`` against
    another course's session does not count.

    Writes stay exact under concurrency: attendance changes the counts by increments
    (``n = n + delta``, which PostgreSQL applies to the newest row version when two
    transactions touch one registration), locked in registration order so two registers of one
    course saved at once never deadlock; a registration's own columns are copied from the row
    its statement wrote; the person's target group is read under a share lock, so a concurrent
    change of it waits for the registration (or the other way round). When a registration or a
    session changes course, its registrations' counts are counted again."""

    # The figures' columns, by the name each count has in the statements below.
    COUNT_COLUMNS = {
        "attended": "attended_sessions", "late": "late_sessions", "missed": "missed_sessions",
        "info_attended": "info_day_attended", "info_recorded": "info_day_recorded",
    }

    name: str = "registration_figures"
    table: str = "participants_registrationfigures"
    registrations: str = "participants_registration"
    participants: str = "participants_participant"
    attendance: str = "trainings_attendance"
    sessions: str = "trainings_session"

    @staticmethod
    def _attendance_counts() -> dict[str, str]:
        """Which attendance rows each count counts, by trainings.completion's rule (ATTENDED,
        MISSED): course rows have a session, the info-day row has none."""
        from trainings.completion import ATTENDED, MISSED
        from trainings.models import AttendanceStatus

        def among(statuses):
            return "d.status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"

        return {
            "attended": f"d.session_id IS NOT NULL AND {among(ATTENDED)}",
            "late": f"d.session_id IS NOT NULL AND {among([AttendanceStatus.LATE])}",
            "missed": f"d.session_id IS NOT NULL AND {among(MISSED)}",
            "info_attended": f"d.session_id IS NULL AND {among(ATTENDED)}",
            "info_recorded": "d.session_id IS NULL",
        }

    def _own_counts(self, rows: str, aggregate: str) -> str:
        """Per registration, the counts of the own ones of ``rows`` (SQL of ``(registration_id,
        session_id, status, n)``), each ``aggregate`` ("SUM(n)" or "COUNT(*)") of its rows."""
        sums = ", ".join(f"COALESCE({aggregate} FILTER (WHERE {condition}), 0) AS {name}"
                         for name, condition in self._attendance_counts().items())
        return (
            f"SELECT d.registration_id, {sums} FROM ({rows}) d"
            f" JOIN {self.registrations} reg ON reg.id = d.registration_id"
            f" LEFT JOIN {self.sessions} s ON s.id = d.session_id"
            " WHERE d.session_id IS NULL OR s.course_id = reg.course_id"
            " GROUP BY d.registration_id"
        )

    def _attendance_delta(self, rows: str) -> str:
        """Add the counts of ``rows`` (n = +1 for a new row, -1 for an old one) to the figures."""
        sets = ", ".join(f"{column} = f.{column} + c.{name}" for name, column in self.COUNT_COLUMNS.items())
        nonzero = ", ".join(f"c.{name}" for name in self.COUNT_COLUMNS)
        return f"""PERFORM 1 FROM {self.table} WHERE registration_id IN (SELECT registration_id FROM ({rows}) d)
    ORDER BY registration_id FOR UPDATE;
  UPDATE {self.table} f SET {sets}
    FROM ({self._own_counts(rows, "SUM(n)")}) c
    WHERE f.registration_id = c.registration_id AND ({nonzero}) <> (0, 0, 0, 0, 0);"""

    def install_sql(self) -> list[str]:
        t, r, p, a, fn = self.table, self.registrations, self.participants, self.attendance, self.name
        new_rows = "SELECT registration_id, session_id, status, 1 AS n FROM new_rows"
        old_rows = "SELECT registration_id, session_id, status, -1 AS n FROM old_rows"
        changed = ("(n.info_day_id, n.course_id, n.status, n.eligible_for_certificate, n.participant_id)"
                   " IS DISTINCT FROM (o.info_day_id, o.course_id, o.status, o.eligible_for_certificate, o.participant_id)")
        recount_sets = ", ".join(f"{column} = COALESCE(c.{name}, 0)" for name, column in self.COUNT_COLUMNS.items())
        own_counts_of_ids = self._own_counts(
            f"SELECT registration_id, session_id, status, 1 AS n FROM {a} WHERE registration_id = ANY(ids)", "COUNT(*)")
        statements = [
            # Count again the own attendance of ``ids`` (a registration or a session changed course).
            f"""CREATE OR REPLACE FUNCTION {fn}_recount(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM {t} WHERE registration_id = ANY(ids) ORDER BY registration_id FOR UPDATE;
  UPDATE {t} f SET {recount_sets}
    FROM unnest(ids) AS i(id) LEFT JOIN ({own_counts_of_ids}) c ON c.registration_id = i.id
    WHERE f.registration_id = i.id;
END $$""",
            f"""CREATE OR REPLACE FUNCTION {fn}_registration() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM 1 FROM {p} WHERE id IN (SELECT participant_id FROM new_rows) ORDER BY id FOR SHARE;
    -- A new registration has no attendance yet (the attendance refers to it).
    INSERT INTO {t} (registration_id, info_day_id, course_id, status, eligible_for_certificate, target_group,
                     attended_sessions, late_sessions, missed_sessions, info_day_attended, info_day_recorded)
      SELECT n.id, n.info_day_id, n.course_id, n.status, n.eligible_for_certificate, pp.target_group, 0, 0, 0, 0, 0
      FROM new_rows n JOIN {p} pp ON pp.id = n.participant_id;
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM {t} WHERE registration_id IN (SELECT id FROM old_rows);
  ELSE
    PERFORM 1 FROM {p} WHERE id IN (
      SELECT n.participant_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.participant_id <> o.participant_id
    ) ORDER BY id FOR SHARE;
    UPDATE {t} f SET info_day_id = n.info_day_id, course_id = n.course_id, status = n.status,
        eligible_for_certificate = n.eligible_for_certificate, target_group = pp.target_group
      FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN {p} pp ON pp.id = n.participant_id
      WHERE f.registration_id = n.id AND {changed};
    PERFORM {fn}_recount(ARRAY(
      SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.course_id IS DISTINCT FROM o.course_id
    )) WHERE EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                     WHERE n.course_id IS DISTINCT FROM o.course_id);
  END IF;
  RETURN NULL;
END $$""",
            f"""CREATE OR REPLACE FUNCTION {fn}_participant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Most updates of a person leave the target group as it was (transition tables cannot go
  -- with an UPDATE OF column list): nothing to do then.
  IF NOT EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE n.target_group IS DISTINCT FROM o.target_group) THEN
    RETURN NULL;
  END IF;
  UPDATE {t} f SET target_group = n.target_group
    FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN {r} reg ON reg.participant_id = n.id
    WHERE f.registration_id = reg.id AND n.target_group IS DISTINCT FROM o.target_group;
  RETURN NULL;
END $$""",
            f"""CREATE OR REPLACE FUNCTION {fn}_attendance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {self._attendance_delta(new_rows)}
  ELSIF TG_OP = 'DELETE' THEN
    {self._attendance_delta(old_rows)}
  ELSE
    {self._attendance_delta(new_rows + " UNION ALL " + old_rows)}
  END IF;
  RETURN NULL;
END $$""",
            f"""CREATE OR REPLACE FUNCTION {fn}_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM {fn}_recount(ARRAY(
    SELECT DISTINCT att.registration_id FROM new_rows n JOIN old_rows o ON o.id = n.id
    JOIN {a} att ON att.session_id = n.id WHERE n.course_id IS DISTINCT FROM o.course_id
  )) WHERE EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.course_id IS DISTINCT FROM o.course_id);
  RETURN NULL;
END $$""",
            f"""CREATE OR REPLACE FUNCTION {fn}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = '{a}' THEN
    UPDATE {t} SET attended_sessions = 0, late_sessions = 0, missed_sessions = 0, info_day_attended = 0,
                   info_day_recorded = 0;
  ELSE
    DELETE FROM {t};
  END IF;
  RETURN NULL;
END $$""",
            *self._drop_triggers(),
            *(f"CREATE TRIGGER {fn}_{op} AFTER {op.upper()} ON {r} {refs} FOR EACH STATEMENT"
              f" EXECUTE FUNCTION {fn}_registration()" for op, refs in self._ops()),
            f"CREATE TRIGGER {fn}_update AFTER UPDATE ON {p}"
            f" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {fn}_participant()",
            f"CREATE TRIGGER {fn}_update AFTER UPDATE ON {self.sessions}"
            f" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {fn}_session()",
            *(f"CREATE TRIGGER {fn}_{op} AFTER {op.upper()} ON {a} {refs} FOR EACH STATEMENT"
              f" EXECUTE FUNCTION {fn}_attendance()" for op, refs in self._ops()),
            *(f"CREATE TRIGGER {fn}_truncate AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {fn}_truncate()"
              for table in (r, a)),
            *self.rebuild_sql(),
        ]
        return statements

    @staticmethod
    def _ops():
        return (
            ("insert", "REFERENCING NEW TABLE AS new_rows"),
            ("update", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("delete", "REFERENCING OLD TABLE AS old_rows"),
        )

    def _drop_triggers(self) -> list[str]:
        fn = self.name
        return [
            *(f"DROP TRIGGER IF EXISTS {fn}_{op} ON {table}"
              for table in (self.registrations, self.attendance) for op in ("insert", "update", "delete", "truncate")),
            f"DROP TRIGGER IF EXISTS {fn}_update ON {self.participants}",
            f"DROP TRIGGER IF EXISTS {fn}_update ON {self.sessions}",
        ]

    def rebuild_sql(self) -> list[str]:
        """The figures of every registration, from the tables (the migration, ``recount``)."""
        t, r, p, a = self.table, self.registrations, self.participants, self.attendance
        own = self._own_counts(f"SELECT registration_id, session_id, status, 1 AS n FROM {a}", "COUNT(*)")
        counts = ", ".join(f"COALESCE(c.{name}, 0)" for name in self.COUNT_COLUMNS)
        return [
            f"DELETE FROM {t}",
            f"""INSERT INTO {t} (registration_id, info_day_id, course_id, status, eligible_for_certificate, target_group,
                     {", ".join(self.COUNT_COLUMNS.values())})
SELECT reg.id, reg.info_day_id, reg.course_id, reg.status, reg.eligible_for_certificate, pp.target_group, {counts}
FROM {r} reg JOIN {p} pp ON pp.id = reg.participant_id LEFT JOIN ({own}) c ON c.registration_id = reg.id""",
            # Statistics at once: the dashboards' plan needs them before autovacuum's first visit.
            f"ANALYZE {t}",
        ]

    def uninstall_sql(self) -> list[str]:
        fn = self.name
        return [
            *self._drop_triggers(),
            *(f"DROP FUNCTION IF EXISTS {fn}_{kind}()"
              for kind in ("registration", "participant", "attendance", "session", "truncate")),
            f"DROP FUNCTION IF EXISTS {fn}_recount(bigint[])",
        ]

    def locked_tables(self) -> tuple[str, ...]:
        return (self.registrations, self.participants, self.attendance, self.sessions)


REGISTRATION_FIGURES = RegistrationFigures()

REGISTERED = (OUTBOX_STATUS, REGISTRATIONS, ATTENDANCE)
# What ``recount`` rebuilds: the counters and the per-registration figures.
KEPT = (*REGISTERED, REGISTRATION_FIGURES)
