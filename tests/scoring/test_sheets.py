"""scoring.sheets on plain values: which entries fit an item, and the weighted total."""

from decimal import Decimal

import pytest

from scoring.sheets import NOT_A_NUMBER, OFF_STEP, OUT_OF_RANGE, Item, missing_items, parse_value, sheet_total, value_problem

PITCH = Item("pitch", Decimal(20), step=Decimal("0.5"))

VALUES = [
    ("0", None),
    ("20", None),
    ("19.5", None),
    ("20.5", OUT_OF_RANGE),
    ("-0.5", OUT_OF_RANGE),
    ("19.3", OFF_STEP),
    ("abc", NOT_A_NUMBER),
    ("NaN", NOT_A_NUMBER),
    ("Infinity", NOT_A_NUMBER),
    (True, NOT_A_NUMBER),
    (None, NOT_A_NUMBER),
    ("１９.５", None),
    (" 7 ", None),
    (12, None),
    (12.5, None),
    ("٣", NOT_A_NUMBER),  # Arabic-Indic three: Decimal() reads it as 3
    ("1_0", NOT_A_NUMBER),  # Decimal() reads it as 10
    ("1e1", NOT_A_NUMBER),
    ([12], NOT_A_NUMBER),
    pytest.param(10**5000, OUT_OF_RANGE, id="an integer of 5,001 digits"),  # str() refuses it
]


@pytest.mark.parametrize("raw, problem", VALUES)
def test_value_problems(raw, problem):
    assert value_problem(PITCH, parse_value(raw)) == problem


@pytest.mark.parametrize("raw", ["-0", "-0.0", -0.0])
def test_a_negative_zero_is_a_zero(raw):
    value = parse_value(raw)
    assert value == 0 and not value.is_signed()  # was stored as -0.0


def test_the_100_point_sheet_total():
    items = [Item(k, Decimal(m)) for k, m in [("a", 15), ("b", 15), ("c", 15), ("d", 15), ("e", 20), ("f", 20)]]
    values = {"a": Decimal(12), "b": Decimal("13.5"), "c": Decimal(14), "d": Decimal(10), "e": Decimal(18), "f": Decimal("17.5")}
    assert sheet_total(items, values) == Decimal(85)
    assert missing_items(items, {**values, "f": None}) == ["f"]


def test_weights_multiply_and_blank_items_count_nothing():
    items = [Item("a", Decimal(10), weight=Decimal("0.3")), Item("b", Decimal(10), weight=Decimal("0.7"))]
    assert sheet_total(items, {"a": Decimal(10), "b": Decimal(5)}) == Decimal("6.5")
    assert sheet_total(items, {"a": Decimal(10)}) == Decimal(3)
    assert sheet_total(items, {}) == Decimal(0)
