"""scoring.numbers: a number is read only from the digits 0-9, never another script's."""

from decimal import Decimal

import pytest

from scoring.numbers import decimal_from_text, integer_from_text

INTEGERS = [
    ("42", 42),
    (" 42 ", 42),
    ("４２", None),  # full-width digits count in a judge's score only (scoring.sheets)
    ("+7", 7),
    ("-3", -3),
    ("٣", None),  # Arabic-Indic three: int() reads it as 3
    ("1_0", None),  # int() reads it as 10
    ("²", None),
    ("1.0", None),
    ("", None),
    ("9" * 31, None),  # more digits than any count or id has
]


@pytest.mark.parametrize("text, number", INTEGERS)
def test_integers(text, number):
    assert integer_from_text(text) == number


DECIMALS = [
    ("12.5", Decimal("12.5")),
    ("１９．５", None),
    (".5", Decimal("0.5")),
    ("3.", Decimal(3)),
    ("٣", None),
    ("1_0", None),
    ("1e3", None),
    ("NaN", None),
    ("Infinity", None),
    ("1.2.3", None),
    ("-", None),
]


@pytest.mark.parametrize("text, number", DECIMALS)
def test_decimals(text, number):
    assert decimal_from_text(text) == number


@pytest.mark.parametrize("text", ["-0", "-0.00", "+0"])
def test_negative_zero_is_zero(text):
    value = decimal_from_text(text)
    assert value == 0 and not value.is_signed() and str(value).lstrip("0.") == ""
