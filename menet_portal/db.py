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

from django.db.models import CharField, F, Func
from django.db.models.functions import Collate
from django.db.models.lookups import IContains

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
    keys = sorted(set(keys))
    if not keys:
        return
    with connection.cursor() as cursor:
        # One statement for all the keys, locked in the sorted order: PostgreSQL evaluates a
        # volatile function of the select list after the ORDER BY (9.6 and later).
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS k(key, n) ORDER BY n",
            [keys],
        )


def insert_unless_exists(instance) -> bool:
    """Write ``instance`` as a new row unless a row with one of its unique keys exists: one
    ``INSERT … ON CONFLICT DO NOTHING RETURNING id``. Returns True (its pk set) when written,
    False when the row was there already — also one a concurrent transaction wrote: the insert
    waits on the unique index until that one commits (or rolls back, and then it writes).

    The same outcome as ``get_or_create``'s create half without its savepoint and retry query
    (SELECT, SAVEPOINT, INSERT, RELEASE), so it is safe inside any transaction. Like
    ``bulk_create`` it sends no ``post_save``: use it only for models nothing listens to.
    """
    from django.db import router
    from django.db.models.constants import OnConflict

    meta = instance._meta
    instance._prepare_related_fields_for_save(operation_name="insert")
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    using = router.db_for_write(type(instance), instance=instance)
    # Model.save()'s own insert (QuerySet._insert), with DO NOTHING on a conflict: RETURNING
    # then gives no row.
    rows = type(instance)._base_manager._insert(
        [instance], fields=fields, returning_fields=meta.db_returning_fields, using=using,
        on_conflict=OnConflict.IGNORE,
    )
    if not rows or rows[0] is None:
        return False
    for value, field in zip(rows[0], meta.db_returning_fields):
        setattr(instance, field.attname, value)
    instance._state.adding = False
    instance._state.db = using
    return True


class _NotInPython(Exception):
    """A constraint condition the Python evaluation below does not cover: ask the database."""


class _Skipped(Exception):
    """The condition reads a field left out of the validation (as Django skips such a constraint)."""


_COMPARISONS = {
    "exact": lambda value, rhs: value == rhs,
    "in": lambda value, rhs: value in rhs,
    "gt": lambda value, rhs: value > rhs,
    "gte": lambda value, rhs: value >= rhs,
    "lt": lambda value, rhs: value < rhs,
    "lte": lambda value, rhs: value <= rhs,
}


def _same_kind(value, rhs) -> bool:
    # Only values whose comparison means the same in Python and in PostgreSQL: integers with
    # integers, text with text by equality (ordering of text depends on the collation).
    if isinstance(value, bool) or isinstance(rhs, bool):
        return isinstance(value, bool) and isinstance(rhs, bool)
    return (isinstance(value, int) and isinstance(rhs, int)) or (isinstance(value, str) and isinstance(rhs, str))


def _condition_holds(condition, instance, exclude):
    """SQL's three-valued result of a CheckConstraint condition on ``instance``'s own field values:
    True, False, or None (NULL). ``_Skipped`` when it reads an excluded field."""
    from django.db.models import Q

    if isinstance(condition, Q):
        if condition.connector not in (Q.AND, Q.OR):
            raise _NotInPython
        results = [_condition_holds(child, instance, exclude) for child in condition.children]
        if condition.connector == Q.AND:
            value = False if False in results else (None if None in results else True)
        else:
            value = True if True in results else (None if None in results else False)
        return value if value is None or not condition.negated else not value
    if not isinstance(condition, tuple):
        raise _NotInPython  # an expression
    name, rhs = condition
    parts = name.split("__")
    lookup = parts.pop() if len(parts) > 1 and parts[-1] in (*_COMPARISONS, "isnull") else "exact"
    if len(parts) != 1 or hasattr(rhs, "resolve_expression"):
        raise _NotInPython
    field = instance._meta.get_field(parts[0])
    if not getattr(field, "concrete", False) or field.many_to_many or field.generated:
        raise _NotInPython
    if field.name in exclude:
        raise _Skipped
    value = getattr(instance, field.attname)
    if lookup == "isnull" or (lookup == "exact" and rhs is None):
        return (value is None) == (bool(rhs) if lookup == "isnull" else True)
    if value is None:
        return None
    if field.is_relation:
        raise _NotInPython
    operands = rhs if lookup == "in" else [rhs]
    if not all(_same_kind(value, item) for item in operands) or (
        isinstance(value, str) and lookup not in ("exact", "in")
    ):
        raise _NotInPython
    return _COMPARISONS[lookup](value, rhs)


def validate_constraints(instance, exclude=()) -> None:
    """``instance.validate_constraints(exclude)``, with the same errors, without a query (and its
    savepoint) per check constraint whose condition compares the instance's own fields with
    constants (``=``, ``IN``, ``IS NULL``, and ``<``/``>`` on numbers): those are evaluated here,
    NULL counting as passing as in the database check. Any other constraint (unique ones,
    expressions, text ordering, regex) is validated by Django as usual."""
    from django.core.exceptions import ValidationError
    from django.db.models import CheckConstraint

    exclude = set(exclude or ())
    from django.db import router

    using = router.db_for_write(type(instance), instance=instance)
    errors = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                if isinstance(constraint, CheckConstraint):
                    try:
                        holds = _condition_holds(constraint.condition, instance, exclude)
                    except _Skipped:
                        continue
                    except _NotInPython:
                        constraint.validate(model_class, instance, exclude=exclude, using=using)
                        continue
                    if holds is False:
                        raise ValidationError(constraint.get_violation_error_message(),
                                              code=constraint.violation_error_code)
                else:
                    constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                    errors.setdefault(constraint.fields[0], []).append(exc)
                else:
                    errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def count_of(queryset):
    """The rows of ``queryset`` (correlated with ``OuterRef``) counted in a subquery, 0 for none.

    Counts over a relation as a subquery instead of a join and a GROUP BY: PostgreSQL computes it
    only for the rows it returns (a page of 50, after the sort and the limit), from the related
    table's index, where a join counted every row's relations first (all 7,720 sessions of a
    national programme, each with its course's registrations: 0.9 s)."""
    from django.db.models import F, Func, IntegerField, Subquery, Value
    from django.db.models.functions import Coalesce

    return Coalesce(
        Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
                 output_field=IntegerField()),
        Value(0),
    )


# --- Text search that a trigram index serves -----------------------------------------------------

class ILikeContains(IContains):
    """``icontains`` written as ``… ILIKE '%text%'`` on PostgreSQL, so that a pg_trgm GIN index
    on the same column or expression serves it (Django's own ``icontains`` compares
    ``UPPER(column)``, which no trigram index of the column matches: every search of 100,000
    people read them all). Elsewhere (the SQLite demo) it is Django's ``icontains``. The same
    rows either way: ILIKE and UPPER … LIKE UPPER fold the same letters, accents included."""

    lookup_name = "ilike_contains"

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return IContains(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} ILIKE {rhs_sql}", (*lhs_params, *rhs_params)


class FullName(Func):
    """``family_name || ' ' || given_name``: the full name in Hungarian order ("Kovács Anna"),
    written as the trigram index ``participant_full_name_trgm`` has it."""

    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = CharField()

    def __init__(self, prefix=""):
        super().__init__(F(f"{prefix}family_name"), F(f"{prefix}given_name"))
