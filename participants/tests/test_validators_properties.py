"""Property tests (hypothesis): the validators answer any text with a Hungarian error or nothing, never a crash."""

from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from participants.validators import (
    TAX_AREA_CODES, normalise_phone, tax_number_check_digit, validate_phone, validate_tax_number,
)

FAST = settings(max_examples=300, deadline=None)


@FAST
@given(st.text())
def test_any_text_as_tax_number_is_accepted_or_refused_with_a_validation_error(value):
    try:
        validate_tax_number(value)
    except ValidationError as error:
        assert error.code in {"tax_number_format", "tax_number_checksum", "tax_number_area"}


@FAST
@given(st.text(alphabet="0123456789", min_size=7, max_size=7), st.integers(1, 5), st.sampled_from(sorted(TAX_AREA_CODES)))
def test_every_number_with_the_right_check_digit_is_valid(first_seven, vat, area):
    core = first_seven + str(tax_number_check_digit(first_seven))
    validate_tax_number(f"{core}-{vat}-{area}")


@FAST
@given(st.text(alphabet="0123456789", min_size=7, max_size=7), st.integers(1, 9), st.integers(1, 5),
       st.sampled_from(sorted(TAX_AREA_CODES)))
def test_a_wrong_check_digit_is_always_refused(first_seven, shift, vat, area):
    wrong = (tax_number_check_digit(first_seven) + shift) % 10
    try:
        validate_tax_number(f"{first_seven}{wrong}-{vat}-{area}")
    except ValidationError as error:
        assert error.code == "tax_number_checksum"
    else:
        raise AssertionError("a wrong check digit was accepted")


@FAST
@given(st.text())
def test_any_text_as_phone_is_accepted_or_refused_with_a_validation_error(value):
    try:
        validate_phone(value)
    except ValidationError as error:
        assert error.code == "phone_format"
    assert isinstance(normalise_phone(value), str)


@FAST
@given(st.sampled_from(["06", "+36", "36-", "0036"[2:]]), st.sampled_from(["20", "30", "70", "1", "96"]),
       st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_hungarian_mobile_and_landline_numbers_normalise_to_plus_36(prefix, area, number):
    if area != "1" and len(area) == 2:
        normalised = normalise_phone(f"{prefix}{area}{number}")
        assert normalised == f"+36 {area} {number[:3]} {number[3:]}"
    validate_phone(normalise_phone(f"{prefix}{area}{number}"))
