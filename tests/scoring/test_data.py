"""scoring.data and its combination with the judges' scores in scoring.results: rules, ties, missing values,
every aggregation method."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.data import DataItem, data_scores, item_points, linear_points, rank_points, rule_problem
from scoring.model import MISSING_DATA, DataScore, Rule, Sheet, TeamSheets
from scoring.results import rank_teams


def linear(key="sales", top=20, floor=0, cap=1000, weight=1) -> DataItem:
    return DataItem(key, Decimal(top), Decimal(weight), "linear", Decimal(floor), Decimal(cap))


def rank(key="rating", top=10, weight=1) -> DataItem:
    return DataItem(key, Decimal(top), Decimal(weight), "rank")


def values(**by_team) -> dict[int, Decimal]:
    return {int(team.removeprefix("t")): Decimal(str(value)) for team, value in by_team.items()}


# Rules ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "points"),
    [(-5, 0), (0, 0), (250, 5), (999, Fraction(999 * 20, 1000)), (1000, 20), (10**9, 20)],
)
def test_linear_clamps_between_floor_and_cap(value, points):
    assert linear_points(linear(), Decimal(value)) == points


def test_a_cap_below_the_floor_means_lower_is_better():
    refunds = linear("refunds", top=10, floor="0.20", cap="0.05")
    assert [linear_points(refunds, Decimal(v)) for v in ("0.30", "0.20", "0.125", "0.05", "0")] == [0, 0, 5, 10, 10]


@pytest.mark.parametrize(
    ("kind", "floor", "cap", "problem"),
    [
        ("linear", 1, 1, "the cap must differ from the floor (a cap below the floor means lower is better)"),
        ("linear", None, 1, "a linear rule needs a floor and a cap"),
        ("linear", 1, None, "a linear rule needs a floor and a cap"),
        ("median", None, None, "unknown rule kind 'median'; use linear or rank"),
    ],
)
def test_unusable_rules_are_named(kind, floor, cap, problem):
    as_decimal = [None if number is None else Decimal(number) for number in (floor, cap)]
    assert rule_problem(kind, *as_decimal) == problem
    with pytest.raises(ValueError, match="data item 'x'"):
        item_points(DataItem("x", Decimal(5), kind=kind, floor=as_decimal[0], cap=as_decimal[1]), {1: Decimal(1)})


def test_rank_spreads_points_evenly_best_to_worst():
    assert rank_points(rank(top=9), values(t1=10, t2=40, t3=30, t4=20)) == {1: 0, 2: 9, 3: 6, 4: 3}


def test_tied_teams_share_the_better_ranks_points():
    assert rank_points(rank(top=10), values(t1=5, t2=5, t3=1)) == {1: 10, 2: 10, 3: 0}
    assert rank_points(rank(top=10), values(t1=5, t2=1, t3=1)) == {1: 10, 2: 5, 3: 5}


def test_a_team_alone_gets_max_and_nobody_gets_nothing():
    assert rank_points(rank(top=7), values(t4=0)) == {4: 7}
    assert item_points(rank(), {}) == {}


@given(st.dictionaries(st.integers(1, 50), st.decimals(-1000, 1000, places=2), min_size=2))
def test_rank_points_keep_the_order_of_the_values(by_team):
    points = rank_points(rank(top=10), by_team)
    assert max(points.values()) == 10
    assert min(points.values()) == (0 if list(by_team.values()).count(min(by_team.values())) == 1 else min(points.values()))
    for a in by_team:
        for b in by_team:
            if by_team[a] > by_team[b]:
                assert points[a] > points[b]
            if by_team[a] == by_team[b]:
                assert points[a] == points[b]


@given(st.decimals(-(10**6), 10**6, places=3), st.decimals(-(10**6), 10**6, places=3), st.decimals(-(10**6), 10**6, places=3))
def test_linear_points_stay_within_zero_and_max(floor, cap, value):
    if floor == cap:
        return
    points = linear_points(linear(top=20, floor=floor, cap=cap), value)
    assert 0 <= points <= 20


# A round's data scores ---------------------------------------------------------------------------------------


def test_missing_values_give_zero_points_and_are_named():
    items = [linear(weight=2), rank()]
    scores = data_scores(items, {"sales": values(t1=500), "rating": values(t1=4, t2=5)}, [1, 2, 3])
    assert scores[1] == DataScore({"sales": 10, "rating": 0}, (), 20)
    assert scores[2] == DataScore({"sales": 0, "rating": 10}, ("sales",), 10)
    assert scores[3] == DataScore({"sales": 0, "rating": 0}, ("sales", "rating"), 0)


def test_only_the_rounds_own_teams_are_ranked():
    scores = data_scores([rank()], {"rating": values(t1=3, t2=4, t9=5)}, [1, 2])
    assert (scores[1].points["rating"], scores[2].points["rating"]) == (0, 10)
    assert 9 not in scores


def test_two_items_with_one_key_are_refused():
    with pytest.raises(ValueError, match="share a key"):
        data_scores([rank(), rank()], {}, [1])


# Combined with the judges ------------------------------------------------------------------------------------


def judged(team_id: int, *totals, data: DataScore | None = None) -> TeamSheets:
    sheets = tuple(Sheet(judge, Decimal(total)) for judge, total in enumerate(totals, start=1))
    return TeamSheets(team_id, len(sheets), sheets, data=data)


def points(total, missing=(), **by_key) -> DataScore:
    return DataScore({key: Fraction(value) for key, value in by_key.items()}, tuple(missing), Fraction(total))


@pytest.mark.parametrize("method", ["mean", "trimmed_mean", "median", "zscore"])
def test_data_points_are_added_to_every_methods_judges_score(method):
    teams = [judged(1, 70, 80, 90, data=points(15, sales=15)), judged(2, 60, 70, 80, data=points(0, sales=0)), judged(3, 75)]
    judges_only = {
        result.team_id: result.score for result in rank_teams([team._replace(data=None) for team in teams], Rule(method=method))
    }
    results = {result.team_id: result for result in rank_teams(teams, Rule(method=method))}
    assert {team_id: result.score for team_id, result in results.items()} == {
        1: judges_only[1] + 15,
        2: judges_only[2],
        3: judges_only[3],
    }
    assert results[1].data == points(15, sales=15)
    assert results[3].data is None


def test_data_can_overturn_the_judges_order():
    teams = [judged(1, 80, data=points(0, sales=0)), judged(2, 75, data=points(10, sales=10))]
    assert [(result.team_id, result.score, result.rank) for result in rank_teams(teams, Rule())] == [(2, 85, 1), (1, 80, 2)]


def test_a_team_missing_data_is_flagged():
    teams = [judged(1, 80, data=points(0, missing=("sales",), sales=0)), judged(2, 80, data=points(5, sales=5))]
    flags = {result.team_id: result.flags for result in rank_teams(teams, Rule())}
    assert flags == {1: (MISSING_DATA,), 2: ()}


def test_a_team_without_sheets_has_no_score_in_a_judged_round_and_its_data_alone_in_a_data_round():
    teams = [judged(1, data=points(12, sales=12)), judged(2, 70, data=points(3, sales=3)), judged(3)]
    by_team = {result.team_id: result.score for result in rank_teams(teams, Rule())}
    assert by_team == {1: None, 2: 73, 3: None}
    by_team = {result.team_id: result.score for result in rank_teams(teams, Rule(judged=False))}
    assert by_team == {1: 12, 2: 73, 3: 0}


def test_a_data_items_tie_break_uses_its_points():
    teams = [judged(1, 80, data=points(5, sales=2, rating=3)), judged(2, 82, data=points(3, sales=3, rating=0))]
    results = rank_teams(teams, Rule(tie_breaks=("criterion:sales",)))
    assert [(result.team_id, result.rank, result.tied) for result in results] == [(2, 1, False), (1, 2, False)]
    results = rank_teams(teams, Rule(tie_breaks=("criterion:rating",)))
    assert [(result.team_id, result.rank) for result in results] == [(1, 1), (2, 2)]
    tied = [judged(1, 80, data=points(5, sales=5)), judged(2, 80, data=points(5, sales=5))]
    assert [result.tied for result in rank_teams(tied, Rule(tie_breaks=("criterion:sales",)))] == [True, True]
