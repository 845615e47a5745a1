"""Trigram indexes for the name search (participants.filters.name_search): the full name in
Hungarian order, the e-mail and the organisation's name, each searched with ILIKE '%text%'
(menet_portal.db.ILikeContains). PostgreSQL only (pg_trgm, a trusted extension: the database's
owner may create it); the SQLite demo has no such index and searches its few rows."""

from django.db import migrations

INDEXES = {
    "participant_full_name_trgm": "participants_participant USING gin ((family_name || ' ' || given_name) gin_trgm_ops)",
    "participant_email_trgm": "participants_participant USING gin (email gin_trgm_ops)",
    "organisation_name_trgm": "participants_organisation USING gin (name gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("participants", "0015_registration_figures")]

    operations = [migrations.RunPython(create, drop)]
