"""Numbers as people type them: the digits 0-9, nothing else.

Python's `int()` and `Decimal()` read any script's digits ("٣" is 3) and underscores ("1_0" is 10), so a
value typed that way would be stored as a number nobody wrote. Laurel reads a number only from the ASCII
digits, with an optional sign and decimal point. A judge's score also takes the full-width digits a Chinese
input method types (`half_width`, in `scoring.sheets.parse_value`). Zero has no sign: "-0" is 0.
"""

from __future__ import annotations

import re
from decimal import Decimal

#: Full-width digits, point and signs (U+FF10-FF19, U+FF0E, U+FF0B, U+FF0D) and their ASCII forms.
FULL_WIDTH = str.maketrans({**{chr(0xFF10 + digit): str(digit) for digit in range(10)}, "．": ".", "＋": "+", "－": "-"})
INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
#: More digits than any count or id has; refused before `int()` (which stops at 4,300 digits).
MAX_DIGITS = 30


def half_width(text: str) -> str:
    """`text` with full-width digits, point and signs made ASCII.

    >>> half_width("１２．５")
    '12.5'
    """
    return text.translate(FULL_WIDTH)


def integer_from_text(text: str) -> int | None:
    """A whole number written with the digits 0-9 (white space around it is ignored), else None.

    >>> integer_from_text(" 12 "), integer_from_text("-3"), integer_from_text("٣"), integer_from_text("1_0")
    (12, -3, None, None)
    """
    plain = text.strip()
    if not INTEGER_TEXT.fullmatch(plain) or len(plain) > MAX_DIGITS:
        return None
    return int(plain)


def decimal_from_text(text: str) -> Decimal | None:
    """A decimal number written with the digits 0-9 and at most one point, else None. No exponent, no NaN
    or infinity; "-0" is 0.

    >>> decimal_from_text("12.5"), decimal_from_text("-0"), decimal_from_text("1e3"), decimal_from_text("١٢")
    (Decimal('12.5'), Decimal('0'), None, None)
    """
    plain = text.strip()
    if not DECIMAL_TEXT.fullmatch(plain):
        return None
    return unsigned_zero(Decimal(plain))


def unsigned_zero(value: Decimal) -> Decimal:
    """`value`, with a negative zero (-0, -0.00) made positive: a score of "-0" is stored and shown as 0.

    >>> unsigned_zero(Decimal("-0.0")), unsigned_zero(Decimal("-1.5"))
    (Decimal('0.0'), Decimal('-1.5'))
    """
    return value.copy_abs() if value.is_zero() else value
