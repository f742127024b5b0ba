"""Ranking: competition ranks with ties (1, 1, 3) from exact sort keys.

Ranks are decided by exact comparisons only: keys are integers, decimals or fractions, never floats.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

#: `fraction_keys` keeps integer keys while the common denominator stays within this many bits.
COMMON_DENOMINATOR_BITS = 1024
# Bits of the integer part of a fallback key (see `fraction_keys`).
_FLOOR_BITS = 128


def competition_ranks(keys: Sequence[tuple]) -> list[tuple[int, bool]]:
    """(rank, tied) for each position of `keys`, in input order. Keys are oriented so that larger is
    better. Equal keys share a rank and are tied; the next rank skips the places they take (competition
    ranking: 1, 1, 3).

    >>> competition_ranks([(88,), (90,), (88,), (70,)])
    [(2, True), (1, False), (2, True), (4, False)]
    """
    order = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
    ranks: list[tuple[int, bool]] = [(0, False)] * len(keys)
    start = 0
    while start < len(order):
        end = start + 1
        key = keys[order[start]]
        while end < len(order) and keys[order[end]] == key:
            end += 1
        shared = (start + 1, end - start > 1)
        for position in order[start:end]:
            ranks[position] = shared
        start = end
    return ranks


def fraction_keys(values: Sequence[Fraction]) -> list:
    """Sort keys that order and compare exactly like `values`, but faster than fractions.

    While the values' common denominator D stays small (at most `COMMON_DENOMINATOR_BITS` bits; always the
    case for means, trimmed means and medians of decimals) each key is the integer value × D. Otherwise
    (z-scores, whose denominators carry 40-digit standard deviations) each key is the pair
    (floor(value × 2^128), value): the integer decides at once unless two values agree to 128 bits, and
    then the exact fraction decides.

    >>> fraction_keys([Fraction(1, 2), Fraction(2, 3), Fraction(1)])
    [3, 4, 6]
    """
    common = 1
    for value in values:
        common = math.lcm(common, value.denominator)
        if common.bit_length() > COMMON_DENOMINATOR_BITS:
            return [((value.numerator << _FLOOR_BITS) // value.denominator, value) for value in values]
    return [value.numerator * (common // value.denominator) for value in values]
