"""PostgreSQL backs the archive's rule: a finalised report is never deleted, and its file,
checksum, kind, parameters and finalisation are never changed (the SQLite demo relies on
the archive service and the model alone)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION reports_guard_finalised() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.finalised_at IS NOT NULL THEN
            RAISE EXCEPTION 'finalised report % cannot be deleted', OLD.id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.finalised_at IS NOT NULL AND (
        NEW.file IS DISTINCT FROM OLD.file OR NEW.sha256 IS DISTINCT FROM OLD.sha256
        OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.parameters IS DISTINCT FROM OLD.parameters
        OR NEW.finalised_at IS DISTINCT FROM OLD.finalised_at OR NEW.status IS DISTINCT FROM OLD.status
    ) THEN
        RAISE EXCEPTION 'finalised report % cannot be replaced', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reports_guard_finalised
    BEFORE UPDATE OR DELETE ON reports_generatedreport
    FOR EACH ROW EXECUTE FUNCTION reports_guard_finalised();
"""

DROP = """
DROP TRIGGER IF EXISTS reports_guard_finalised ON reports_generatedreport;
DROP FUNCTION IF EXISTS reports_guard_finalised();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
