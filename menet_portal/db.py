"""Database helpers shared by every app."""

from django.db.models.functions import Collate

HUNGARIAN_COLLATION = "hu-x-icu"


class HungarianCollate(Collate):
    """Order a text column in Hungarian alphabetical order.

    On PostgreSQL this uses the ICU collation ``hu-x-icu`` (cs, sz, zs are letters of
    their own; ö and ő sort together), so Cukor < Czakó < Csizmadia and Ősz < Özvegy.
    Other databases (the SQLite demo) fall back to their plain order.
    """

    def __init__(self, expression):
        super().__init__(expression, HUNGARIAN_COLLATION)

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor != "postgresql":
            return compiler.compile(self.get_source_expressions()[0])
        return super().as_sql(compiler, connection, **extra_context)


def hungarian_name_order(prefix=""):
    """Order-by expressions for people: family name, given name, then id (stable)."""
    return [
        HungarianCollate(f"{prefix}family_name").asc(),
        HungarianCollate(f"{prefix}given_name").asc(),
        f"{prefix}id",
    ]
