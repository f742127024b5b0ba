"""Scores from data: a round's imported values of a data criterion (a store's sales, orders, rating) turned into
points by the criterion's rule.

The rules, each exact (`Decimal` values in, `Fraction` points out):

- ``{"kind": "linear", "floor": f, "cap": c}``: points = max × clamp((value − f) / (c − f), 0, 1). A value
  at the floor or beyond it earns 0, one at the cap or beyond it earns the item's max, evenly between. A
  cap below the floor means lower is better (a refund rate, a delivery time): the formula is the same, the
  points rise as the value falls from the floor to the cap. A cap equal to the floor is refused.
- ``{"kind": "rank"}``: points by the team's competition rank (1, 1, 3) among the round's teams with a
  value, higher values first: the best gets max, the worst 0, evenly between (max × (n − rank) / (n − 1)
  of n teams); tied teams share the better rank's points, and a team alone gets max.

A team without a value for an item gets 0 points for it and is named in `DataScore.missing`; the round's
results flag it ``missing_data`` (`scoring.model.MISSING_DATA`), for the organizer to see before publishing.

A team's data score is Σ weight × points over the round's data items; `scoring.results` adds it to the
judges' aggregated score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scoring.model import DataScore
from scoring.rank import competition_ranks

LINEAR, RANK = "linear", "rank"
#: The kinds of rule a data criterion may have.
RULE_KINDS = (LINEAR, RANK)


@dataclass(frozen=True)
class DataItem:
    """One data criterion of a round: its key, the most points it gives, its weight, and its rule: `kind`
    one of `RULE_KINDS`, with `floor` and `cap` for a linear rule (see the module's docstring)."""

    key: str
    max: Decimal
    weight: Decimal = Decimal(1)
    kind: str = RANK
    floor: Decimal | None = None
    cap: Decimal | None = None


def rule_problem(kind: object, floor: Decimal | None, cap: Decimal | None) -> str | None:
    """What is wrong with a data rule, in words for the organizer; None when it can be applied.

    >>> rule_problem("linear", Decimal(0), Decimal(10000)), rule_problem("rank", None, None)
    (None, None)
    >>> rule_problem("linear", Decimal(5), Decimal(5))
    'the cap must differ from the floor (a cap below the floor means lower is better)'
    >>> rule_problem("linear", None, Decimal(5))
    'a linear rule needs a floor and a cap'
    >>> rule_problem("coin_toss", None, None)
    "unknown rule kind 'coin_toss'; use linear or rank"
    """
    if kind not in RULE_KINDS:
        return f"unknown rule kind {kind!r}; use {' or '.join(RULE_KINDS)}"
    if kind == LINEAR:
        if floor is None or cap is None:
            return "a linear rule needs a floor and a cap"
        if floor == cap:
            return "the cap must differ from the floor (a cap below the floor means lower is better)"
    return None


def linear_points(item: DataItem, value: Decimal) -> Fraction:
    """The points of `value` under `item`'s linear rule: max × clamp((value − floor) / (cap − floor), 0, 1).

    >>> sales = DataItem("sales", Decimal(20), kind="linear", floor=Decimal(1000), cap=Decimal(5000))
    >>> linear_points(sales, Decimal(500)), linear_points(sales, Decimal(2000)), linear_points(sales, Decimal(9000))
    (Fraction(0, 1), Fraction(5, 1), Fraction(20, 1))
    >>> refunds = DataItem("refunds", Decimal(10), kind="linear", floor=Decimal("0.2"), cap=Decimal("0.05"))
    >>> linear_points(refunds, Decimal("0.1")), linear_points(refunds, Decimal("0.01"))
    (Fraction(20, 3), Fraction(10, 1))
    """
    assert item.floor is not None and item.cap is not None  # rule_problem refused a rule without them
    share = (Fraction(value) - Fraction(item.floor)) / (Fraction(item.cap) - Fraction(item.floor))
    return Fraction(item.max) * min(max(share, Fraction(0)), Fraction(1))


def rank_points(item: DataItem, values: Mapping[int, Decimal]) -> dict[int, Fraction]:
    """{team_id: points} under a rank rule, for the teams in `values`: the best max, the worst 0, evenly
    between by competition rank; tied teams share the better rank's points; a team alone gets max.

    >>> rating = DataItem("rating", Decimal(10))
    >>> rank_points(rating, {1: Decimal("4.9"), 2: Decimal("4.5"), 3: Decimal("4.9"), 4: Decimal("3.0")})
    {1: Fraction(10, 1), 2: Fraction(10, 3), 3: Fraction(10, 1), 4: Fraction(0, 1)}
    >>> rank_points(rating, {7: Decimal(1)})
    {7: Fraction(10, 1)}
    """
    team_ids = list(values)
    count = len(team_ids)
    if count == 1:
        return {team_ids[0]: Fraction(item.max)}
    ranks = competition_ranks([(values[team_id],) for team_id in team_ids])
    return {
        team_id: Fraction(item.max) * (count - rank) / (count - 1) for team_id, (rank, _tied) in zip(team_ids, ranks, strict=True)
    }


def item_points(item: DataItem, values: Mapping[int, Decimal]) -> dict[int, Fraction]:
    """{team_id: points} for the teams with a value of `item`; raises ValueError for an unusable rule.

    >>> item_points(DataItem("orders", Decimal(5), kind="linear", floor=Decimal(0), cap=Decimal(100)), {3: Decimal(40)})
    {3: Fraction(2, 1)}
    """
    problem = rule_problem(item.kind, item.floor, item.cap)
    if problem is not None:
        raise ValueError(f"data item {item.key!r}: {problem}")
    if item.kind == RANK:
        return rank_points(item, values)
    return {team_id: linear_points(item, value) for team_id, value in values.items()}


def data_scores(
    items: Sequence[DataItem], values: Mapping[str, Mapping[int, Decimal]], team_ids: Sequence[int]
) -> dict[int, DataScore]:
    """Every team's `DataScore` in the round, for the `team_ids` (the round's entries); `values` holds each
    item's imported values by team ({key: {team_id: value}}). Values of teams outside `team_ids` are left
    out, a rank among the round's own teams only. Raises ValueError for an unusable rule or two items with
    one key.

    >>> items = [DataItem("sales", Decimal(20), Decimal(2), "linear", Decimal(0), Decimal(1000)), DataItem("rating", Decimal(10))]
    >>> scores = data_scores(items, {"sales": {1: Decimal(500), 2: Decimal(2000)}, "rating": {1: Decimal(4)}}, [1, 2])
    >>> scores[1].total, scores[2].total, scores[2].missing
    (Fraction(30, 1), Fraction(40, 1), ('rating',))
    """
    if len({item.key for item in items}) != len(items):
        raise ValueError("two data items share a key")
    entered = set(team_ids)
    by_item = {
        item.key: item_points(item, {team_id: value for team_id, value in values.get(item.key, {}).items() if team_id in entered})
        for item in items
    }
    scores = {}
    for team_id in team_ids:
        points = {item.key: by_item[item.key].get(team_id, Fraction(0)) for item in items}
        missing = tuple(item.key for item in items if team_id not in by_item[item.key])
        total = sum((Fraction(item.weight) * points[item.key] for item in items), Fraction(0))
        scores[team_id] = DataScore(points, missing, total)
    return scores
