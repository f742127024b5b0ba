"""scoring.stats: exact sums, means, medians and variances, square roots to 40 digits, display rounding."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import stats


def decimals(*values) -> list[Decimal]:
    return [Decimal(str(value)) for value in values]


FIVE = decimals(81, 85, 88, 90, 97)

CENTRAL = [
    # (name, values, mean, median)
    ("the five-judge sheet", FIVE, Fraction(441, 5), Fraction(88)),
    ("an even count", decimals(81, 85, 88, 90), Fraction(86), Fraction(173, 2)),
    ("one value", decimals("77.5"), Fraction(155, 2), Fraction(155, 2)),
    ("halves and quarters", decimals("80.5", "80.25", "81"), Fraction(967, 12), Fraction(161, 2)),
    ("unsorted, repeated", decimals(90, 70, 90, 70), Fraction(80), Fraction(80)),
    ("fractions", [Fraction(1, 3), Fraction(2, 3), Fraction(1)], Fraction(2, 3), Fraction(2, 3)),
    ("decimals and fractions mixed", [Decimal("0.5"), Fraction(1, 3)], Fraction(5, 12), Fraction(5, 12)),
]


@pytest.mark.parametrize(("values", "mean", "median"), [case[1:] for case in CENTRAL], ids=[case[0] for case in CENTRAL])
def test_mean_and_median_are_exact(values, mean, median):
    assert stats.mean(values) == mean
    assert stats.median(values) == median
    assert isinstance(stats.mean(values), Fraction) and isinstance(stats.median(values), Fraction)


def test_the_mean_of_a_third_is_not_rounded():
    assert stats.mean(decimals(1, 1, 2)) == Fraction(4, 3)


@pytest.mark.parametrize("function", [stats.mean, stats.median])
def test_mean_and_median_of_nothing_are_refused(function):
    with pytest.raises(ValueError, match="no values"):
        function([])


SPREADS = [
    # (name, values, exact variance, population standard deviation)
    ("no value", [], Fraction(0), Decimal(0)),
    ("one value", decimals(88), Fraction(0), Decimal(0)),
    ("all equal", decimals(85, 85, 85), Fraction(0), Decimal(0)),
    ("two values ten apart", decimals(80, 90), Fraction(25), Decimal(5)),
    # mean 88.2; squared deviations 51.84 + 10.24 + 0.04 + 3.24 + 77.44 = 142.8; / 5 = 28.56
    ("the five-judge sheet", FIVE, Fraction(714, 25), Decimal("5.344155686354954985107633235831898616938")),
    ("halves", decimals("80.5", "79.5"), Fraction(1, 4), Decimal("0.5")),
    ("fractions", [Fraction(1, 2), Fraction(3, 2)], Fraction(1, 4), Decimal("0.5")),
]


@pytest.mark.parametrize(("values", "variance", "spread"), [case[1:] for case in SPREADS], ids=[case[0] for case in SPREADS])
def test_variance_is_exact_and_the_spread_has_forty_digits(values, variance, spread):
    assert stats.variance(values) == variance
    assert stats.pstdev(values) == spread
    assert str(stats.pstdev(values)) == str(spread)  # exact roots in their shortest form


def test_total_and_variance_in_one_pass():
    assert stats.total_and_variance(FIVE) == (Decimal(441), Fraction(714, 25))
    assert stats.total_and_variance(decimals(7)) == (Decimal(7), Fraction(0))


def test_exact_sum_never_rounds():
    # 30 significant digits: the default context (28 digits) would round this sum.
    values = decimals("12345678901234567890.123456789", "0.000000001")
    assert stats.exact_sum(values) == Decimal("12345678901234567890.123456790")
    assert stats.exact_sum([]) == 0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.decimals(allow_nan=False, allow_infinity=False, places=6)
        | st.integers(-(10**30), 10**30).map(Decimal)
        | st.sampled_from(decimals("1E+3", "2.50000", "-0.125")),
        max_size=12,
    )
)
def test_fixed_point_turns_decimals_into_integers_exactly(values):
    """Integers over one power of ten: each comes back as its decimal, and sums and order carry over."""
    places, scaled = stats.fixed_point(values)
    assert places >= 0
    for value in values:
        assert Fraction(scaled[value], 10**places) == value
    assert Fraction(sum(scaled[value] for value in values), 10**places) == stats.exact_sum(values)
    assert sorted(values) == sorted(values, key=scaled.__getitem__)


def test_fixed_point_of_a_round_and_of_nothing():
    assert stats.fixed_point(decimals("87.5000", "85", "1E+2")) == (
        4,
        {Decimal("87.5"): 875000, Decimal(85): 850000, Decimal(100): 1000000},
    )
    assert stats.fixed_point([]) == (0, {})


ROOTS = [
    ("zero", Fraction(0), "0"),
    ("a square", Fraction(144), "12"),
    ("a square fraction", Fraction(9, 4), "1.5"),
    ("a large square", Fraction(10**60), "1000000000000000000000000000000"),
    ("a tiny square", Fraction(1, 10**60), "1E-30"),
    ("two", Fraction(2), "1.414213562373095048801688724209698078570"),
    ("seventy-five", Fraction(75), "8.660254037844386467637231707529361834714"),
    ("a huge non-square", Fraction(2 * 10**100), "1.414213562373095048801688724209698078570E+50"),
    ("a tiny non-square", Fraction(2, 10**100), "1.414213562373095048801688724209698078570E-50"),
    # 45 digits, exact: the single rounding still applies (…89 01 rounds down at the 40th digit).
    (
        "an exact root longer than 40 digits",
        Fraction(123456789012345678901234567890123456789012345**2),
        "1.234567890123456789012345678901234567890E+44",
    ),
]


@pytest.mark.parametrize(("value", "root"), [case[1:] for case in ROOTS], ids=[case[0] for case in ROOTS])
def test_square_roots(value, root):
    assert str(stats.sqrt(value)) == root


def test_a_negative_square_root_is_refused():
    with pytest.raises(ValueError, match="no real square root"):
        stats.sqrt(Fraction(-1, 4))


@settings(max_examples=100, deadline=None)
@given(st.fractions(min_value=0, max_value=10**12, max_denominator=10**12))
def test_square_roots_are_correctly_rounded_to_forty_digits(value):
    with localcontext(prec=200):
        wide = (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()
    with localcontext(prec=stats.SQRT_DIGITS, rounding=ROUND_HALF_EVEN):
        expected = +wide
    assert stats.sqrt(value) == expected


CORRELATIONS = [
    ("perfect", decimals(1, 2, 3), decimals(10, 20, 30), Decimal(1)),
    ("perfectly reversed", decimals(1, 2, 3), decimals(30, 20, 10), Decimal(-1)),
    # S_ab = n·Σab − Σa·Σb. S_xy = 3·(3 + 14 + 15) − 6·15 = 6, S_xx = 3·14 − 36 = 6,
    # S_yy = 3·(9 + 49 + 25) − 225 = 24: r = 6 / sqrt(6 · 24) = 6 / 12 = 0.5
    ("hand worked", decimals(1, 2, 3), decimals(3, 7, 5), Decimal("0.5")),
    ("fractions", [Fraction(1, 3), Fraction(2, 3), Fraction(1)], decimals(1, 2, 3), Decimal(1)),
    ("one pair", decimals(1), decimals(2), None),
    ("no spread on the left", decimals(5, 5), decimals(1, 2), None),
    ("no spread on the right", decimals(1, 2), decimals(5, 5), None),
    ("no spread in fractions", [Fraction(1, 3), Fraction(1, 3)], decimals(1, 2), None),
]


@pytest.mark.parametrize(("xs", "ys", "expected"), [case[1:] for case in CORRELATIONS], ids=[case[0] for case in CORRELATIONS])
def test_correlation(xs, ys, expected):
    assert stats.correlation(xs, ys) == expected


def test_correlation_needs_pairs():
    with pytest.raises(ValueError, match="differ in length"):
        stats.correlation(decimals(1, 2), decimals(1))


ROUNDING = [
    ("263/3 at 2 places", Fraction(263, 3), 2, "87.67"),
    ("88.2 at 2 places keeps its zero", Fraction(441, 5), 2, "88.20"),
    ("half rounds up", Fraction(1, 8), 2, "0.13"),
    ("negative half rounds away from zero", Fraction(-1, 8), 2, "-0.13"),
    ("a small negative is zero, not minus zero", Fraction(-1, 1000), 2, "0.00"),
    ("no places", Fraction(175, 2), 0, "88"),
    ("a decimal", Decimal("0.12345"), 4, "0.1235"),
    ("an integer", 7, 1, "7.0"),
]


@pytest.mark.parametrize(("value", "places", "shown"), [case[1:] for case in ROUNDING], ids=[case[0] for case in ROUNDING])
def test_to_decimal_rounds_half_up_for_display(value, places, shown):
    assert str(stats.to_decimal(value, places)) == shown


def test_to_decimal_refuses_negative_places():
    with pytest.raises(ValueError, match="places must not be negative"):
        stats.to_decimal(Fraction(1, 3), -1)


def test_mean_and_variance_in_one_pass():
    assert stats.mean_and_variance(FIVE) == (Fraction(441, 5), Fraction(714, 25))
    with pytest.raises(ValueError, match="no values"):
        stats.mean_and_variance([])
