import pytest
from django.core.exceptions import ValidationError

from participants.validators import normalise_phone, validate_phone, validate_tax_number


@pytest.mark.parametrize("value", ["10773381-2-44", "24766182-2-13"])
def test_valid_tax_numbers_pass(value):
    validate_tax_number(value)


@pytest.mark.parametrize(
    "value, code",
    [
        ("10773382-2-44", "tax_number_checksum"),  # eighth digit is not the checksum
        ("1077338-2-44", "tax_number_format"),
        ("10773381-6-44", "tax_number_format"),  # VAT code must be 1–5
        ("10773381-2-21", "tax_number_area"),  # 21 is not an area code
        ("", "tax_number_format"),
    ],
)
def test_invalid_tax_numbers_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_tax_number(value)
    assert exc.value.code == code


@pytest.mark.parametrize(
    "raw, expected",
    [("06 30 123 4567", "+36 30 123 4567"), ("+36301234567", "+36 30 123 4567"), ("06-1-234-5678", "+36 1 234 5678")],
)
def test_phone_numbers_are_normalised_to_plus_36(raw, expected):
    assert normalise_phone(raw) == expected
    validate_phone(raw)


def test_foreign_or_short_phone_is_refused():
    with pytest.raises(ValidationError):
        validate_phone("12345")
