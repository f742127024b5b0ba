"""scoring.rank: competition ranking with ties, and exact sort keys for fractions."""

from __future__ import annotations

from fractions import Fraction
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import rank as rank_module
from scoring.rank import competition_ranks, fraction_key

RANKS = [
    ("nothing to rank", [], []),
    ("one", [(5,)], [(1, False)]),
    ("distinct, best first", [(9,), (8,), (7,)], [(1, False), (2, False), (3, False)]),
    ("distinct, in any order", [(7,), (9,), (8,)], [(3, False), (1, False), (2, False)]),
    ("a tie for first skips second", [(9,), (9,), (7,)], [(1, True), (1, True), (3, False)]),
    ("a tie in the middle", [(9,), (8,), (8,), (8,), (1,)], [(1, False), (2, True), (2, True), (2, True), (5, False)]),
    ("everyone tied", [(4,), (4,)], [(1, True), (1, True)]),
    ("the second key breaks the first's tie", [(9, 1), (9, 2), (8, 5)], [(2, False), (1, False), (3, False)]),
    ("keys of different lengths", [(1, 9), (0,), (1, 9, 1), (0,)], [(2, False), (3, True), (1, False), (3, True)]),
]


@pytest.mark.parametrize(("keys", "expected"), [case[1:] for case in RANKS], ids=[case[0] for case in RANKS])
def test_competition_ranks(keys, expected):
    assert competition_ranks(keys) == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5), max_size=30))
def test_a_rank_is_one_plus_the_number_of_strictly_better_keys(values):
    ranks = competition_ranks([(value,) for value in values])
    for value, (rank, tied) in zip(values, ranks, strict=True):
        assert rank == 1 + sum(other > value for other in values)
        assert tied == (values.count(value) > 1)


fractions = st.fractions(min_value=-1000, max_value=1000, max_denominator=50)


def orders_and_compares_like(values, keys):
    for a, key_a in zip(values, keys, strict=True):
        for b, key_b in zip(values, keys, strict=True):
            assert (key_a < key_b) == (a < b) and (key_a == key_b) == (a == b)


@settings(max_examples=100, deadline=None)
@given(st.lists(fractions, max_size=20))
def test_fraction_keys_order_and_compare_like_the_fractions(values):
    orders_and_compares_like(values, [fraction_key(value) for value in values])


@settings(max_examples=100, deadline=None)
@given(st.lists(fractions, max_size=20))
def test_fraction_keys_are_exact_when_the_fraction_decides_every_comparison(values):
    with mock.patch.object(rank_module, "FLOOR_BITS", 0):  # the integer part is then floor(value): 1/2 and 1/3 share it
        orders_and_compares_like(values, [fraction_key(value) for value in values])


def test_fraction_keys_are_exact_below_the_integer_part():
    close = [Fraction(1, 3), Fraction(1, 3) + Fraction(1, 2**200), Fraction(1, 3)]
    keys = [fraction_key(value) for value in close]
    assert keys[0][0] == keys[1][0]  # the integer parts agree: the exact fraction decides
    assert keys[0] < keys[1] and keys[0] == keys[2]
    assert competition_ranks([(key,) for key in keys]) == [(2, True), (1, False), (2, True)]


def test_a_fraction_key_does_not_depend_on_the_terms():
    assert fraction_key(Fraction(-6, 4)) == fraction_key(Fraction(-3, 2))
