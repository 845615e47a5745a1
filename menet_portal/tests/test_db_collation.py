"""Hungarian alphabetical order: the SQLite demo sorts exactly as PostgreSQL's ``hu-x-icu``."""

import random
import sqlite3

from django.db import connection
from django.db.utils import ConnectionHandler

from menet_portal.db import HUNGARIAN_COLLATION, HungarianCollate, register_hungarian_collation

HARD_NAMES = [
    "Cukor", "Czakó", "Csizmadia", "Ács", "Ádám", "Ősz", "Özvegy", "Sárközi", "Szabó", "Zala",
    "Zsoldos", "Űrös", "Üveges", "Balázs", "Balogh", "Csonka", "Varga", "Vass", "Vasvári",
    "Gyöngyösi", "Győri", "Gál", "Lakatos", "Lengyel", "Lukács", "Nagy", "Nemes", "Nyári",
    "Nyitrai", "Oláh", "Orbán", "Óvári", "Ötvös", "Pap", "Papp", "Tóth", "Török", "Tyukodi",
    "Tuza", "Ugró", "Újvári", "Dzsida", "Dózsa", "Dudás", "Edző", "Hosszú", "Hoszu", "Kiss",
    "Kis", "Kovács", "Kováts", "Kocsis", "Szűcs", "Szücs", "Szekeres", "Zsigmond", "Zólyomi",
    "Illés", "Ignácz", "Juhász", "Horváth", "Hegedűs", "Bartha", "Barta", "Bárány", "Cseh",
    "Ács József", "Ács-Nagy", "ÁCS", "ács", "Ősi", "Öszi", "Ősz Anna", "Ulrich", "Ürge",
    "Łukasz", "Šimon", "Čapek", "Müller", "Mueller", "O'Brien", "Dávid", "Dalma", "Lilla", "Lily",
]


def _hard_words():
    """The hard names and a fixed sample of made-up words built from Hungarian letters."""
    fragments = (
        "a á b c cs ccs d dz dzs ddz ddzs e é f g gy ggy h i í j k l ly lly m n ny nny o ó ö ő p r "
        "s sz ssz t ty tty u ú ü ű v x y z zs zzs"
    ).split() + [" ", "-", ".", "'", "1", "ä", "ç", "ñ", "š"]
    rng = random.Random(15)
    words = set(HARD_NAMES)
    while len(words) < 1500:
        word = "".join(rng.choice(fragments) for _ in range(rng.randint(1, 5)))
        word = rng.choice([word, word.capitalize(), word.upper(), word.swapcase()])
        words.add(word)
    return sorted(words)  # code point order: the input order must not matter


def _sqlite_order(words):
    raw = sqlite3.connect(":memory:")
    register_hungarian_collation(raw)
    raw.execute("CREATE TABLE person (name TEXT)")
    raw.executemany("INSERT INTO person VALUES (?)", [(word,) for word in words])
    rows = raw.execute(f'SELECT name FROM person ORDER BY name COLLATE "{HUNGARIAN_COLLATION}"').fetchall()
    raw.close()
    return [name for (name,) in rows]


def _postgresql_order(words):
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT name FROM unnest(%s::text[]) AS name ORDER BY name COLLATE "{HUNGARIAN_COLLATION}"', [words]
        )
        return [name for (name,) in cursor.fetchall()]


def test_sqlite_and_postgresql_sort_the_hard_names_identically(db):
    assert connection.vendor == "postgresql"
    names = sorted(HARD_NAMES)
    sqlite_order = _sqlite_order(names)
    assert sqlite_order == _postgresql_order(names)
    # The examples of the design brief, spelled out.
    position = {name: index for index, name in enumerate(sqlite_order)}
    for earlier, later in [
        ("Cukor", "Czakó"), ("Czakó", "Csizmadia"), ("Csizmadia", "Csonka"), ("Ács", "Ádám"),
        ("Ádám", "Balázs"), ("Balázs", "Balogh"), ("Ősz", "Özvegy"), ("Sárközi", "Szabó"),
        ("Zala", "Zsoldos"), ("Űrös", "Üveges"), ("Üveges", "Varga"), ("Szücs", "Szűcs"),
    ]:
        assert position[earlier] < position[later], (earlier, later)


def test_sqlite_and_postgresql_agree_on_made_up_words(db):
    words = _hard_words()
    assert _sqlite_order(words) == _postgresql_order(words)


def test_every_django_sqlite_connection_has_the_collation(django_db_blocker):
    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
    sqlite_connection = handler["default"]
    with django_db_blocker.unblock():
        with sqlite_connection.cursor() as cursor:
            cursor.execute("CREATE TABLE person (name TEXT)")
            cursor.executemany("INSERT INTO person VALUES (%s)", [(n,) for n in ["Csonka", "Cukor", "Varga", "Ács"]])
            cursor.execute(f'SELECT name FROM person ORDER BY name COLLATE "{HUNGARIAN_COLLATION}"')
            assert [name for (name,) in cursor.fetchall()] == ["Ács", "Cukor", "Csonka", "Varga"]
        sqlite_connection.close()


def test_the_collate_expression_is_emitted_on_sqlite():
    from participants.models import Participant

    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
    sqlite_connection = handler["default"]
    query = Participant.objects.order_by(HungarianCollate("family_name")).query
    sql, _params = query.get_compiler(connection=sqlite_connection).as_sql()
    assert f'COLLATE "{HUNGARIAN_COLLATION}"' in sql
