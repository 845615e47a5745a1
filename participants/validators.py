"""Validators for Hungarian identifiers participants and organisations give us."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TAX_NUMBER_RE = re.compile(r"^(\d{8})-([1-5])-(\d{2})$")
TAX_NUMBER_WEIGHTS = (9, 7, 3, 1, 9, 7, 3)
# Territorial codes of the tax authority: 02–20 and 22–44 are the county directorates, 51 the large taxpayers.
TAX_AREA_CODES = {f"{n:02d}" for n in [*range(2, 21), *range(22, 45), 51]}

PHONE_RE = re.compile(r"^\+36 ?\d{1,2} ?\d{3} ?\d{3,4}$")


def tax_number_check_digit(first_seven: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_seven, TAX_NUMBER_WEIGHTS))
    return (10 - total % 10) % 10


def validate_tax_number(value: str) -> None:
    """A Hungarian tax number (adószám) ``12345678-1-12``: the 8th digit is the checksum
    of the first seven with weights 9,7,3,1,9,7,3; then the VAT code 1–5 and the area code."""
    match = TAX_NUMBER_RE.match(value or "")
    if not match:
        raise ValidationError(
            _("Az adószám formátuma 12345678-1-12 (8 számjegy, kötőjel, 1 számjegy, kötőjel, 2 számjegy)."),
            code="tax_number_format",
        )
    core, _vat, area = match.groups()
    if tax_number_check_digit(core[:7]) != int(core[7]):
        raise ValidationError(
            _("Az adószám ellenőrző számjegye hibás: kérjük, ellenőrizze a számot."), code="tax_number_checksum"
        )
    if area not in TAX_AREA_CODES:
        raise ValidationError(_("Az adószám utolsó két számjegye nem érvényes területi kód."), code="tax_number_area")


def normalise_phone(value: str) -> str:
    """Accept 06 30 123 4567, +36301234567, 36-30-123-4567 … and return ``+36 30 123 4567``."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("06"):
        digits = "36" + digits[2:]
    if not digits.startswith("36"):
        return value.strip()
    rest = digits[2:]
    # Budapest numbers have a one-digit area code (1), every other area two digits.
    area_len = 1 if rest.startswith("1") else 2
    area, number = rest[:area_len], rest[area_len:]
    if len(number) == 7:
        return f"+36 {area} {number[:3]} {number[3:]}"
    if len(number) == 6:
        return f"+36 {area} {number[:3]} {number[3:]}"
    return value.strip()


def validate_phone(value: str) -> None:
    if value and not PHONE_RE.match(normalise_phone(value)):
        raise ValidationError(
            _("A telefonszámot +36 kezdettel adja meg, például +36 30 123 4567."), code="phone_format"
        )


# --- names: no characters that make a text look different from what it is ------------------------

# Bidi embeddings/overrides/isolates and marks reorder what a list or an export shows ("Kiss" that
# reads as another name); zero-width characters make two identical-looking names differ (recognition,
# duplicates). Control characters (Unicode category Cc) have no place in a name.
BIDI_CHARACTERS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
ZERO_WIDTH_CHARACTERS = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# Line breaks and tabs are fine in a typed reason (a textarea), never in a name.
FREE_TEXT_WHITESPACE = frozenset("\n\r\t")


def _refuse_hidden_characters(value, *, allowed=frozenset()) -> None:
    import unicodedata

    for char in value or "":
        if char in allowed:
            continue
        if char in BIDI_CHARACTERS:
            problem = _("írásirány-vezérlő karakter")
        elif char in ZERO_WIDTH_CHARACTERS:
            problem = _("láthatatlan (nulla szélességű) karakter")
        elif unicodedata.category(char) == "Cc":
            problem = _("vezérlőkarakter")
        else:
            continue
        raise ValidationError(
            _("A mezőben nem megengedett %(problem)s van (U+%(code)s); írja be újra a szöveget, "
              "ne másolja be máshonnan."),
            code="hidden_character", params={"problem": problem, "code": f"{ord(char):04X}"},
        )


def validate_plain_text(value: str) -> None:
    """A name, a settlement or an organisation's name: no bidi override, zero-width or control character."""
    _refuse_hidden_characters(value)


def validate_free_text(value: str) -> None:
    """A typed reason: like ``validate_plain_text``, but line breaks and tabs are allowed."""
    _refuse_hidden_characters(value, allowed=FREE_TEXT_WHITESPACE)
