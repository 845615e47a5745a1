"""Database helpers shared by every app.

Hungarian alphabetical order
----------------------------
PostgreSQL (tests, production) sorts with the ICU collation ``hu-x-icu``. The zero-setup
demo runs on SQLite, which knows only byte order, so every SQLite connection gets a
collation of the same name (registered from ``MenetPortalConfig.ready`` through the
``connection_created`` signal) whose sort key follows the same rules as ICU's Hungarian
tailoring (CLDR ``hu``):

- cs, dz, dzs, gy, ly, ny, sz, ty, zs are letters of their own (between c and d, …);
  a doubled one (ccs, ggy, ssz, …) counts as the letter twice (Hosszú = Hosz-szú);
  only the forms ``cs``, ``Cs`` and ``CS`` are letters — ``cS`` is c + s, as in ICU;
- ö and ő are one letter after o, ü and ű one letter after u (ő after ö only when
  everything else is equal); á, é, í, ó, ú and other accents are secondary differences;
- lower case before upper case (tertiary); spaces and punctuation before digits, digits
  before letters (ICU's default "non-ignorable" handling);
- equal keys are broken by code point, as PostgreSQL breaks ties of a deterministic
  collation by byte order.

``menet_portal/tests/test_db_collation.py`` compares the two orders over hard names.
"""

import functools
import unicodedata

from django.db.models.functions import Collate

HUNGARIAN_COLLATION = "hu-x-icu"

# Primary weights of the Hungarian alphabet, digraphs and trigraphs included.
_ALPHABET = (
    "a b c cs d dz dzs e f g gy h i j k l ly m n ny o ö p q r s sz t ty u ü v w x y z zs"
).split()
_LETTER_PRIMARY = {letter: 1000 + 10 * position for position, letter in enumerate(_ALPHABET)}
_MULTI_LETTERS = sorted((letter for letter in _ALPHABET if len(letter) > 1), key=len, reverse=True)

# Space and punctuation in the order of the Unicode root collation; other symbols after them.
_PUNCTUATION = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$"
_PUNCTUATION_PRIMARY = {char: 10 + position for position, char in enumerate(_PUNCTUATION)}

# Secondary weights: the plain letter, then accents (roughly the order of the root collation).
_SECONDARY_COMMON = 0
_SECONDARY_DOUBLE_ACUTE = 1  # ő, ű: after ö, ü when all else is equal
_MARK_SECONDARY = {
    "\u0301": 10,  # acute
    "\u0300": 11,  # grave
    "\u0306": 12,  # breve
    "\u0302": 13,  # circumflex
    "\u030c": 14,  # caron
    "\u030a": 15,  # ring
    "\u0308": 16,  # diaeresis (on letters other than o, u)
    "\u030b": 17,  # double acute (on letters other than o, u)
    "\u0303": 18,  # tilde
    "\u0307": 19,  # dot above
    "\u0327": 20,  # cedilla
    "\u0328": 21,  # ogonek
    "\u0304": 22,  # macron
}

# Tertiary weights: lower case, the doubled form (ccs < Cs), title case, upper case.
_LOWER, _LOWER_DOUBLED, _TITLE, _TITLE_DOUBLED, _UPPER, _UPPER_DOUBLED = range(6)

# Letters without a canonical decomposition that the root collation treats as a base letter
# with a secondary difference.
_STROKED = {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i"}


def _case_weight(text):
    if text.islower():
        return _LOWER
    if len(text) > 1 and not text[1:].isupper():
        return _TITLE
    return _UPPER


def _is_letter_form(text, letter):
    """``Cs``/``cs``/``CS`` are the letter cs; ``cS`` is not (ICU's contractions are exactly these)."""
    return text in (letter, letter.capitalize(), letter.upper())


def _collation_elements(value):
    """Yield (primary, secondary, tertiary) for each collation element of ``value``."""
    # Decompose, so that accents are marks after their letter (cš = cs + caron, as in ICU),
    # but keep ö, ő, ü, ű whole: they are letters of their own.
    text = unicodedata.normalize("NFD", value)
    for composed in "öőüűÖŐÜŰ":
        text = text.replace(unicodedata.normalize("NFD", composed), composed)
    position = 0
    while position < len(text):
        # Multi-letters, doubled ones first: ccs = cs + cs, ddzs = dzs + dzs, ssz = sz + sz …
        matched = False
        for letter in _MULTI_LETTERS:
            size = len(letter)
            doubled = text[position:position + size + 1]
            if _is_letter_form(doubled, letter[0] + letter):
                if doubled.islower():
                    first_case, second_case = _LOWER_DOUBLED, _LOWER
                elif doubled.isupper():
                    first_case, second_case = _UPPER_DOUBLED, _UPPER
                else:
                    first_case, second_case = _TITLE_DOUBLED, _LOWER
                yield _LETTER_PRIMARY[letter], _SECONDARY_COMMON, first_case
                yield _LETTER_PRIMARY[letter], _SECONDARY_COMMON, second_case
                position += size + 1
                matched = True
                break
            chunk = text[position:position + size]
            if _is_letter_form(chunk, letter):
                yield _LETTER_PRIMARY[letter], _SECONDARY_COMMON, _case_weight(chunk)
                position += size
                matched = True
                break
        if matched:
            continue
        char = text[position]
        position += 1
        lower = char.lower()
        if lower in "öőüű":
            base = "ö" if lower in "öő" else "ü"
            secondary = _SECONDARY_DOUBLE_ACUTE if lower in "őű" else _SECONDARY_COMMON
            yield _LETTER_PRIMARY[base], secondary, _case_weight(char)
        elif unicodedata.combining(char):
            yield 0, _MARK_SECONDARY.get(char, 40 + ord(char) % 100), _LOWER
        elif lower in _STROKED:
            yield _LETTER_PRIMARY[_STROKED[lower]], _SECONDARY_COMMON, _case_weight(char)
            yield 0, 30, _LOWER
        elif lower in _LETTER_PRIMARY:
            yield _LETTER_PRIMARY[lower], _SECONDARY_COMMON, _case_weight(char)
        elif char.isdigit():
            yield 500 + unicodedata.digit(char, 0), _SECONDARY_COMMON, _LOWER
        elif char in _PUNCTUATION_PRIMARY:
            yield _PUNCTUATION_PRIMARY[char], _SECONDARY_COMMON, _LOWER
        elif char.isspace():
            yield _PUNCTUATION_PRIMARY[" "], _SECONDARY_COMMON, _LOWER
        elif not char.isalpha():
            yield 100 + ord(char) % 400, _SECONDARY_COMMON, _LOWER
        else:
            # Letters of other scripts: after the Latin alphabet, in code point order.
            yield 10000 + ord(lower), _SECONDARY_COMMON, _case_weight(char)


@functools.lru_cache(maxsize=65536)
def hungarian_sort_key(value):
    """The sort key of ``value`` in Hungarian alphabetical order (see the module docstring)."""
    if value is None:
        return ((), (), (), "")
    elements = list(_collation_elements(value))
    return (
        tuple(primary for primary, _secondary, _tertiary in elements if primary),
        tuple(secondary for _primary, secondary, _tertiary in elements),
        tuple(tertiary for _primary, _secondary, tertiary in elements),
        value,
    )


def compare_hungarian(left, right):
    """SQLite collation callback: -1, 0 or 1."""
    left_key, right_key = hungarian_sort_key(left), hungarian_sort_key(right)
    return (left_key > right_key) - (left_key < right_key)


def register_hungarian_collation(sqlite_connection):
    """Register ``hu-x-icu`` on a raw ``sqlite3`` connection."""
    sqlite_connection.create_collation(HUNGARIAN_COLLATION, compare_hungarian)


def on_connection_created(sender, connection, **kwargs):
    """``connection_created`` receiver: every SQLite connection gets the Hungarian collation."""
    if connection.vendor == "sqlite":
        register_hungarian_collation(connection.connection)


class HungarianCollate(Collate):
    """Order a text column in Hungarian alphabetical order.

    On PostgreSQL this uses the ICU collation ``hu-x-icu`` (cs, sz, zs are letters of
    their own; ö and ő sort together), so Cukor < Czakó < Csizmadia and Ősz < Özvegy.
    On SQLite (the demo) the collation of the same name registered on every connection
    (``register_hungarian_collation``) gives the same order. Other databases fall back to
    their plain order.
    """

    def __init__(self, expression):
        super().__init__(expression, HUNGARIAN_COLLATION)

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor not in ("postgresql", "sqlite"):
            return compiler.compile(self.get_source_expressions()[0])
        return super().as_sql(compiler, connection, **extra_context)


def hungarian_name_order(prefix=""):
    """Order-by expressions for people: family name, given name, then id (stable)."""
    return [
        HungarianCollate(f"{prefix}family_name").asc(),
        HungarianCollate(f"{prefix}given_name").asc(),
        f"{prefix}id",
    ]


def advisory_xact_lock(*keys: str) -> None:
    """Serialise work on the same thing (a normalised e-mail, a person's identity) until the
    current transaction ends: ``pg_advisory_xact_lock`` on each key's 64-bit hash, taken in
    sorted order so two callers can't deadlock. A no-op on SQLite (one writer at a time anyway).
    Call inside ``transaction.atomic()``.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
