"""The numbers every results rule shares: exact sums, means, medians and variances, square roots to 40
significant digits, and rounding for display.

One rule, one place: `scoring.aggregate`, `scoring.results` and `scoring.judges` compute with these and
keep no copy of their own.

- Sums, means, medians and variances are exact: sums of `Decimal` in a context that never rounds, means
  and the rest as `Fraction`.
- A square root (a standard deviation, a correlation) cannot be exact: it is correctly rounded to
  `SQRT_DIGITS` (40) significant digits, half to even, once, so the same inputs always give the same digits.
- `to_decimal` is the display rounding rule, half up to a number of places: only display and export
  round (the app's included), ranks never do.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal, Inexact, Rounded
from fractions import Fraction

#: Significant digits of every square root.
SQRT_DIGITS = 40

# Adding and multiplying decimals in this context is exact: the precision is the largest there is, and a
# rounding would raise rather than pass silently.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[Inexact, Rounded])
# The one rounding of a square root: the same as `decimal.localcontext(prec=40)` with the default
# rounding (half to even), held once rather than entered on every call.
_ROOT = Context(prec=SQRT_DIGITS, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN)

Number = Decimal | Fraction | int


def exact_sum(values: Sequence[Decimal]) -> Decimal:
    """The sum of decimals, never rounded (0 for no values).

    >>> exact_sum([Decimal("81.5"), Decimal("85"), Decimal("0.25")]), exact_sum([])
    (Decimal('166.75'), Decimal('0'))
    """
    add = _EXACT.add
    total = Decimal(0)
    for value in values:
        total = add(total, value)
    return total


def fixed_point(values: Iterable[Decimal]) -> tuple[int, dict[Decimal, int]]:
    """Decimals as exact integers over one power of ten: (places, {value: value × 10^places}) for the
    distinct `values`, where `places` is the most decimal places any of them is written with (0 at least).
    A round's totals then add, sort and compare as integers, exactly as the decimals would.

    >>> fixed_point([Decimal("87.5"), Decimal("85.25"), Decimal(90), Decimal("85.25")])
    (2, {Decimal('87.5'): 8750, Decimal('85.25'): 8525, Decimal('90'): 9000})
    """
    distinct = dict.fromkeys(values)
    places = max(0, max((-value.as_tuple().exponent for value in distinct), default=0))
    scale = 10**places
    for value in distinct:
        numerator, denominator = value.as_integer_ratio()  # the denominator divides 10^places
        distinct[value] = numerator * (scale // denominator)
    return places, distinct  # type: ignore[return-value]


def mean(values: Sequence[Number]) -> Fraction:
    """The exact arithmetic mean; ValueError for no values.

    >>> mean([Decimal(81), Decimal(85), Decimal(88), Decimal(90), Decimal(97)])
    Fraction(441, 5)
    """
    if not values:
        raise ValueError("the mean of no values is undefined")
    try:
        numerator, denominator = exact_sum(values).as_integer_ratio()
    except TypeError:  # fractions (or floats, taken exactly) among the values
        return sum((Fraction(value) for value in values), Fraction(0)) / len(values)
    return Fraction(numerator, denominator * len(values))


def median(values: Sequence[Number]) -> Fraction:
    """The middle value, or the mean of the two middle values for an even count; ValueError for no values.

    >>> median([Decimal(90), Decimal(81), Decimal(88)]), median([Decimal(81), Decimal(85), Decimal(88), Decimal(90)])
    (Fraction(88, 1), Fraction(173, 2))
    """
    if not values:
        raise ValueError("the median of no values is undefined")
    ordered = sorted(values)  # decimals, fractions and ints compare exactly with each other
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return (Fraction(ordered[middle - 1]) + Fraction(ordered[middle])) / 2


def variance(values: Sequence[Number]) -> Fraction:
    """The exact population variance: the mean squared distance from the mean (0 for fewer than two values).

    >>> variance([Decimal(80), Decimal(90)]), variance([Decimal(7)])
    (Fraction(25, 1), Fraction(0, 1))
    """
    count = len(values)
    if count < 2:
        return Fraction(0)
    try:
        return total_and_variance(values)[1]
    except TypeError:  # fractions among the values
        center = mean(values)
        return sum(((Fraction(value) - center) ** 2 for value in values), Fraction(0)) / count


def total_and_variance(values: Sequence[Decimal]) -> tuple[Decimal, Fraction]:
    """The exact sum (`exact_sum`) and population variance (`variance`) of decimals, in one pass.

    >>> total_and_variance([Decimal(80), Decimal(90)]), total_and_variance([])
    ((Decimal('170'), Fraction(25, 1)), (Decimal('0'), Fraction(0, 1)))
    """
    add, multiply = _EXACT.add, _EXACT.multiply
    total = squares = Decimal(0)
    for value in values:
        total = add(total, value)
        squares = add(squares, multiply(value, value))
    count = len(values)
    if count < 2:
        return total, Fraction(0)
    # n·Σx² − (Σx)², over n²: one subtraction of exact decimals, then one fraction.
    numerator, denominator = _EXACT.subtract(multiply(squares, count), multiply(total, total)).as_integer_ratio()
    return total, Fraction(numerator, denominator * count * count)


def mean_and_variance(values: Sequence[Decimal]) -> tuple[Fraction, Fraction]:
    """`mean` and `variance` of decimals, in one pass; ValueError for no values.

    >>> mean_and_variance([Decimal(80), Decimal(90), Decimal(85)])
    (Fraction(85, 1), Fraction(50, 3))
    """
    if not values:
        raise ValueError("the mean of no values is undefined")
    total, spread_squared = total_and_variance(values)
    numerator, denominator = total.as_integer_ratio()
    return Fraction(numerator, denominator * len(values)), spread_squared


def sqrt(value: Number) -> Decimal:
    """The square root, correctly rounded (half to even) to `SQRT_DIGITS` significant digits; an exact root
    comes back in its shortest form. ValueError for a negative value.

    >>> sqrt(Fraction(25)), sqrt(Fraction(1, 4)), sqrt(2)
    (Decimal('5'), Decimal('0.5'), Decimal('1.414213562373095048801688724209698078570'))
    """
    value = Fraction(value)
    if value < 0:
        raise ValueError(f"no real square root of {value}")
    if not value:
        return Decimal(0)
    p, q = value.numerator, value.denominator
    # Scale by 10^(2k) so that the integer root has at least SQRT_DIGITS + 2 digits; the digits beyond
    # SQRT_DIGITS, and a final sticky 1 when the root is inexact, make the single rounding below correct.
    # log10(p/q) > (bits(p) - 1 - bits(q)) · log10(2), and 30103/100000 < log10(2): `lowest` is a lower bound.
    lowest = ((p.bit_length() - 1 - q.bit_length()) * 30103) // 100000 - 1
    k = (2 * (SQRT_DIGITS + 2) - lowest + 1) // 2
    numerator, denominator = (p * 10 ** (2 * k), q) if k >= 0 else (p, q * 10 ** (-2 * k))
    root = math.isqrt(numerator // denominator)
    exponent = -k
    if root * root * denominator == numerator:
        while root % 10 == 0 and exponent < 0:
            root //= 10
            exponent += 1
    else:
        root, exponent = root * 10 + 1, exponent - 1
    return _ROOT.plus(Decimal(f"{root}E{exponent}"))


def pstdev(values: Sequence[Number]) -> Decimal:
    """The population standard deviation: `sqrt(variance(values))`, to 40 significant digits (0 for fewer
    than two values).

    >>> pstdev([Decimal(80), Decimal(90)]), pstdev([Decimal(81), Decimal(85), Decimal(88), Decimal(90), Decimal(97)])
    (Decimal('5'), Decimal('5.344155686354954985107633235831898616938'))
    """
    return sqrt(variance(values))


def correlation(xs: Sequence[Number], ys: Sequence[Number]) -> Decimal | None:
    """Pearson's correlation of paired values, to 40 significant digits; None when it is undefined (fewer
    than two pairs, or either side without spread). Its square is exact before the one square root.

    >>> correlation([Decimal(1), Decimal(2), Decimal(3)], [Decimal(2), Decimal(4), Decimal(7)])
    Decimal('0.9933992677987828548995637903876469813450')
    >>> correlation([Decimal(1), Decimal(2)], [Decimal(5), Decimal(5)]) is None
    True
    """
    if len(xs) != len(ys):
        raise ValueError("correlation needs pairs: the two sequences differ in length")
    if len(xs) < 2:
        return None
    # With S_ab = n·Σab − Σa·Σb (n² times the covariance): r = S_xy / sqrt(S_xx · S_yy).
    if all(isinstance(value, Decimal) for value in (*xs, *ys)):
        add, multiply, subtract = _EXACT.add, _EXACT.multiply, _EXACT.subtract
        sum_x, sum_y = exact_sum(xs), exact_sum(ys)
        xx = yy = xy = Decimal(0)
        for x, y in zip(xs, ys, strict=True):
            xx, yy, xy = add(xx, multiply(x, x)), add(yy, multiply(y, y)), add(xy, multiply(x, y))
        n = len(xs)
        sxx = Fraction(subtract(multiply(xx, n), multiply(sum_x, sum_x)))
        syy = Fraction(subtract(multiply(yy, n), multiply(sum_y, sum_y)))
        sxy = Fraction(subtract(multiply(xy, n), multiply(sum_x, sum_y)))
    else:
        mean_x, mean_y = mean(xs), mean(ys)
        dx = [Fraction(x) - mean_x for x in xs]
        dy = [Fraction(y) - mean_y for y in ys]
        sxx = sum((d * d for d in dx), Fraction(0))
        syy = sum((d * d for d in dy), Fraction(0))
        sxy = sum((a * b for a, b in zip(dx, dy, strict=True)), Fraction(0))
    if not sxx or not syy:
        return None
    root = sqrt(sxy * sxy / (sxx * syy))
    return -root if sxy < 0 else root


def to_decimal(value: Number, places: int = 2) -> Decimal:
    """The display rounding rule: `value` rounded half up (a half goes away from zero) to `places` decimal
    places, for display and export. Ranks and flags never use it: they compare exact values.

    >>> to_decimal(Fraction(263, 3)), to_decimal(Decimal("0.125")), to_decimal(Fraction(-1, 8))
    (Decimal('87.67'), Decimal('0.13'), Decimal('-0.13'))
    >>> to_decimal(Fraction(441, 5), 0), to_decimal(Decimal(90), 2), to_decimal(Decimal("0.00004"), 4)
    (Decimal('88'), Decimal('90.00'), Decimal('0.0000'))
    """
    if places < 0:
        raise ValueError(f"places must not be negative, not {places}")
    value = Fraction(value)
    scaled = value.numerator * 10**places
    quotient, remainder = divmod(abs(scaled), value.denominator)
    if 2 * remainder >= value.denominator:
        quotient += 1
    sign = "-" if scaled < 0 and quotient else ""
    return Decimal(f"{sign}{quotient}E-{places}")
