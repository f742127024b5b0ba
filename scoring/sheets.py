"""Score sheets: whether a judge's value fits an item, and the judge's weighted total.

Exact arithmetic throughout: values, maxima, weights and steps are `Decimal`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from scoring.numbers import decimal_from_text, half_width, unsigned_zero


@dataclass(frozen=True)
class Item:
    """One item of a score sheet: values from 0 to `max` in multiples of `step`, counted `weight` times."""

    key: str
    max: Decimal
    weight: Decimal = Decimal(1)
    step: Decimal = Decimal("0.01")


#: Why a value does not fit an item.
NOT_A_NUMBER, OUT_OF_RANGE, OFF_STEP = "not_a_number", "out_of_range", "off_step"


def parse_value(raw: object) -> Decimal | None:
    """A judge's entry as an exact number, or None when it is not one (text, NaN, infinity, booleans).
    Typed text counts only in the digits 0-9, or the full-width ones of a Chinese keyboard (`scoring.numbers`);
    "-0" is 0.

    >>> parse_value("12.5"), parse_value(12), parse_value("１２"), parse_value("abc"), parse_value("٣")
    (Decimal('12.5'), Decimal('12'), Decimal('12'), None, None)
    """
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, str):
        return decimal_from_text(half_width(raw))
    if isinstance(raw, int):
        return Decimal(raw)  # not through str(), which refuses integers of over 4,300 digits
    try:
        value = Decimal(str(raw))  # a float as it was written (0.1), not its binary expansion
    except InvalidOperation:
        return None
    return unsigned_zero(value) if value.is_finite() else None


def value_problem(item: Item, value: Decimal | None) -> str | None:
    """What is wrong with `value` for `item`: not a number, outside 0..max, or not a multiple of
    the step; None when it fits.

    >>> item = Item("pitch", Decimal(20), step=Decimal("0.5"))
    >>> value_problem(item, Decimal("19.5")), value_problem(item, Decimal("19.3")), value_problem(item, Decimal(21))
    (None, 'off_step', 'out_of_range')
    """
    if value is None:
        return NOT_A_NUMBER
    if not Decimal(0) <= value <= item.max:
        return OUT_OF_RANGE
    if value % item.step != 0:
        return OFF_STEP
    return None


def missing_items(items: Sequence[Item], values: Mapping[str, Decimal]) -> list[str]:
    """The keys of items without a value; a sheet is submitted only when this is empty."""
    return [item.key for item in items if values.get(item.key) is None]


def sheet_total(items: Sequence[Item], values: Mapping[str, Decimal]) -> Decimal:
    """A judge's total: the sum of value × weight over the items filled in so far.

    >>> items = [Item("a", Decimal(15)), Item("b", Decimal(20), weight=Decimal("1.5"))]
    >>> sheet_total(items, {"a": Decimal("12.5"), "b": Decimal(18)})
    Decimal('39.5')
    """
    return sum((values[item.key] * item.weight for item in items if values.get(item.key) is not None), Decimal(0))


def plain_number(number: Decimal) -> str:
    """A decimal as people write it: 20, 12.5, 0.01 (never 2E+1 or 20.00).

    >>> plain_number(Decimal("20.00")), plain_number(Decimal("12.50")), plain_number(Decimal("0.01"))
    ('20', '12.5', '0.01')
    """
    return format(number.normalize(), "f")
