"""Ranking: competition ranks with ties (1, 1, 3) from exact sort keys.

Ranks are decided by exact comparisons only: keys are integers, decimals or fractions, never floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

#: Bits below the point in the integer part of a `fraction_key`: enough that two different scores of a round
#: practically never share it, so that the fraction itself is left to decide between equal (tied) scores.
FLOOR_BITS = 128


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


def fraction_key(value: Fraction) -> tuple[int, Fraction]:
    """A sort key that orders and compares exactly like `value`: (floor(value × 2^`FLOOR_BITS`), value). The
    integer decides unless two values agree that far, and then the exact fraction decides.

    Sorting by the fractions alone would be as exact; the key exists because a z-score's fraction carries
    40-digit standard deviations in its terms, and comparing two such fractions multiplies them out, for
    every one of the many comparisons a round's sort makes.

    >>> fraction_key(Fraction(1, 3)) < fraction_key(Fraction(1, 3) + Fraction(1, 2**200))
    True
    >>> fraction_key(Fraction(2, 4)) == fraction_key(Fraction(1, 2))
    True
    """
    return ((value.numerator << FLOOR_BITS) // value.denominator, value)
