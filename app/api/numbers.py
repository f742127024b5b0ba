"""Numbers in the API's bodies and queries: `Integer` and `Decimal`, the only number fields its schemas use.

marshmallow's own read "٣" as 3 and "1_0" as 10 (they call `int()` and `Decimal()`), and its Integer
reads 922.5 as 922. Laurel's read a number only from the digits 0-9 (`scoring.numbers`): a whole number
is a JSON integer, a JSON number without a fraction, or text of digits; anything else is refused (422 at
its field) with one message. Ids are Integers too (`app.api.ids.Id`). A score sheet's values are read by
`scoring.sheets.parse_value`, which also takes full-width digits.
"""

from __future__ import annotations

import decimal
from typing import Any

import marshmallow as ma

from scoring.numbers import decimal_from_text, integer_from_text, unsigned_zero


class Integer(ma.fields.Integer):
    """A whole number: a JSON integer, a JSON number without a fraction (7.0), or text of digits 0-9."""

    default_error_messages = {"invalid": "Not a whole number: write it with the digits 0-9, without a fraction."}

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, str):
            number = integer_from_text(value)
            if number is None:
                raise self.make_error("invalid")
            return number
        if isinstance(value, float) and not value.is_integer():  # 922.5, and NaN and infinity
            raise self.make_error("invalid")
        return super()._validated(value)


class Decimal(ma.fields.Decimal):
    """An exact number: a JSON number, or text of digits 0-9 with at most one point (no exponent). "-0" is 0."""

    default_error_messages = {"invalid": "Not a number: write it with the digits 0-9 and a point, such as 12.5."}

    def _validated(self, value: Any) -> decimal.Decimal:
        if isinstance(value, str):
            number = decimal_from_text(value)
            if number is None:
                raise self.make_error("invalid")
            value = number
        return unsigned_zero(super()._validated(value))
