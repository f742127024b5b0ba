"""scoring.awards: tiers by count or share, empty tiers, ties at each boundary (flag and include), overrides."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from itertools import groupby

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.awards import AwardOutcome, Money, Tier, TierTie, assign_tiers, budget_overrun, check_tiers, tier_places
from scoring.model import Rule, Sheet, TeamResult, TeamSheets
from scoring.results import rank_teams


def ranked(*scores) -> list[TeamResult]:
    """Results of a round where team n (from 1) has the n-th score as its one total (None: no sheet)."""
    return rank_teams(
        [
            TeamSheets(team_id, 1, () if score is None else (Sheet(1, Decimal(str(score))),))
            for team_id, score in enumerate(scores, start=1)
        ],
        Rule(),
    )


def tiers(*counts: int) -> list[Tier]:
    keys = ["special", "first", "second", "third", "honorable"]
    return [Tier(key, count=count) for key, count in zip(keys, counts, strict=False)]


def awarded(outcome: AwardOutcome) -> dict[str, list[int]]:
    """tier key → team ids, for reading the expectations."""
    found: dict[str, list[int]] = {}
    for team_id, key in outcome.awards.items():
        found.setdefault(key, []).append(team_id)
    return found


CASES = [
    # (name, results, tiers, ties policy, tier → teams, ties)
    (
        "filled from the best rank",
        ranked(99, 95, 90, 85, 80, 75, 70),
        tiers(1, 2, 3),
        "flag",
        {"special": [1], "first": [2, 3], "second": [4, 5, 6]},
        (),
    ),
    ("an empty special tier", ranked(99, 95, 90), tiers(0, 2), "flag", {"first": [1, 2]}, ()),
    ("every tier empty", ranked(99, 95), tiers(0, 0), "flag", {}, ()),
    (
        "a tie at the special boundary, flagged: the group competes for first",
        ranked(90, 90, 80, 70),
        tiers(1, 2, 2),
        "flag",
        {"first": [1, 2], "second": [3, 4]},
        (TierTie("special", 1, (1, 2)),),
    ),
    (
        "a tie at the special boundary, included: first shrinks by one",
        ranked(90, 90, 80, 70),
        tiers(1, 2, 2),
        "include",
        {"special": [1, 2], "first": [3], "second": [4]},
        (),
    ),
    (
        "a tie at the first boundary, flagged: special stays, the group goes to second",
        ranked(95, 90, 85, 85, 80),
        tiers(1, 2, 3),
        "flag",
        {"special": [1], "first": [2], "second": [3, 4, 5]},
        (TierTie("first", 1, (3, 4)),),
    ),
    (
        "a tie at the first boundary, included",
        ranked(95, 90, 85, 85, 80),
        tiers(1, 2, 3),
        "include",
        {"special": [1], "first": [2, 3, 4], "second": [5]},
        (),
    ),
    (
        "a tie at the last boundary, flagged: no tier left",
        ranked(95, 90, 90),
        tiers(1, 1),
        "flag",
        {"special": [1]},
        (TierTie("first", 1, (2, 3)),),
    ),
    (
        "a tie at the last boundary, included",
        ranked(95, 90, 90, 80),
        tiers(1, 1),
        "include",
        {"special": [1], "first": [2, 3]},
        (),
    ),
    (
        "flagged at two boundaries in a row",
        ranked(90, 90, 90, 80),
        tiers(1, 1, 5),
        "flag",
        {"second": [1, 2, 3, 4]},
        (TierTie("special", 1, (1, 2, 3)), TierTie("first", 1, (1, 2, 3))),
    ),
    (
        "an overflow shrinks several tiers",
        ranked(90, 90, 90, 90, 80, 70),
        tiers(1, 1, 2, 5),
        "include",
        {"special": [1, 2, 3, 4], "third": [5, 6]},
        (),
    ),
    (
        "an overflow never makes a tier negative",
        ranked(90, 90, 90, 80, 70),
        tiers(1, 0, 5),
        "include",
        {"special": [1, 2, 3], "second": [4, 5]},
        (),
    ),
    (
        "a flagged group that fits the next tier's open places",
        ranked(95, 90, 90, 85, 80),
        tiers(2, 3),
        "flag",
        {"special": [1], "first": [2, 3, 4]},
        (TierTie("special", 1, (2, 3)),),
    ),
    ("a tie that fits exactly", ranked(90, 90, 80), tiers(2, 1), "flag", {"special": [1, 2], "first": [3]}, ()),
    (
        "a tie after the tiers are full is no tie at a boundary",
        ranked(95, 90, 80, 80),
        tiers(1, 1),
        "flag",
        {"special": [1], "first": [2]},
        (),
    ),
    (
        "teams without a score are never awarded",
        ranked(None, 90, None, 80),
        tiers(1, 5),
        "flag",
        {"special": [2], "first": [4]},
        (),
    ),
    ("no tiers", ranked(90, 80), [], "flag", {}, ()),
    ("no teams", ranked(), tiers(1, 2), "include", {}, ()),
]


@pytest.mark.parametrize(
    ("results", "tier_list", "ties", "expected", "expected_ties"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_assign_tiers(results, tier_list, ties, expected, expected_ties):
    outcome = assign_tiers(results, tier_list, ties=ties)
    assert awarded(outcome) == expected
    assert outcome.ties == expected_ties


def test_shares_round_down():
    # 39 ranked teams: 5% → 1.95 → 1, 10% → 3.9 → 3, 20% → 7.8 → 7
    results = ranked(*range(100, 61, -1), None)
    shares = [Tier("special", share=Decimal("0.05")), Tier("first", share=Decimal("0.10")), Tier("second", share=Fraction(1, 5))]
    outcome = assign_tiers(results, shares)
    assert {key: len(team_ids) for key, team_ids in awarded(outcome).items()} == {"special": 1, "first": 3, "second": 7}
    assert tier_places(shares[0], 39) == 1


def test_the_national_final_eight_twelve_twenty():
    outcome = assign_tiers(ranked(*range(200, 100, -1)), [Tier("special", 8), Tier("first", 12), Tier("second", 20)])
    assert {key: len(team_ids) for key, team_ids in awarded(outcome).items()} == {"special": 8, "first": 12, "second": 20}
    assert list(outcome.awards)[:3] == [1, 2, 3]


def test_overrides_come_last():
    results = ranked(90, 90, 80, 70, None)
    # Automatic: 1 and 2 tie for the one special place → flagged, both first; 3 and 4 get nothing.
    assert assign_tiers(results, tiers(1, 2)).awards == {1: "first", 2: "first"}
    # Then the organizer decides: 1 to special, 2 loses its award, 3 and the unranked 5 get first, 4 stays without.
    outcome = assign_tiers(results, tiers(1, 2), overrides={5: "first", 1: "special", 2: None, 3: "first", 4: None})
    assert outcome.awards == {1: "special", 3: "first", 5: "first"}
    assert list(outcome.awards) == [1, 3, 5]
    assert outcome.ties == (TierTie("special", 1, (1, 2)),)


def test_an_override_to_an_unknown_tier_is_refused():
    with pytest.raises(ValueError, match="override for team 1 names an unknown tier 'gold'"):
        assign_tiers(ranked(90), tiers(1), overrides={1: "gold"})


def test_an_unknown_ties_policy_is_refused():
    with pytest.raises(ValueError, match="unknown ties policy 'random'"):
        assign_tiers(ranked(90), tiers(1), ties="random")


PROBLEMS = [
    ("fine", [Tier("special", count=0), Tier("first", share=Decimal("0.4")), Tier("second", share=Decimal("0.6"))], []),
    ("count and share", [Tier("special", count=1, share=Decimal("0.1"))], ["count_and_share"]),
    ("neither", [Tier("special")], ["no_count_or_share"]),
    ("negative count", [Tier("special", count=-1)], ["negative"]),
    ("negative share", [Tier("special", share=Decimal("-0.1"))], ["negative"]),
    (
        "shares over 100%",
        [Tier("first", share=Decimal("0.6")), Tier("second", share=Fraction(2, 5) + Fraction(1, 1000))],
        ["shares_over_100"],
    ),
    ("one share over 100%", [Tier("first", share=Decimal("1.01"))], ["shares_over_100"]),
    ("a key twice", [Tier("first", count=1), Tier("first", count=2)], ["duplicate_key"]),
    ("an empty key", [Tier("", count=1)], ["empty_key"]),
    (
        "each problem once, in the order found",
        [Tier("a"), Tier("b"), Tier("a", count=-1, share=Decimal(2))],
        ["no_count_or_share", "duplicate_key", "count_and_share", "negative", "shares_over_100"],
    ),
]


@pytest.mark.parametrize(("tier_list", "problems"), [case[1:] for case in PROBLEMS], ids=[case[0] for case in PROBLEMS])
def test_check_tiers(tier_list, problems):
    assert check_tiers(tier_list) == problems


def test_tiers_with_problems_are_refused():
    with pytest.raises(ValueError, match="shares_over_100"):
        assign_tiers(ranked(90), [Tier("first", share=Decimal("0.7")), Tier("second", share=Decimal("0.7"))])


# Properties ------------------------------------------------------------------------------------------------

scores = st.lists(st.one_of(st.none(), st.sampled_from([60, 70, 75, 80, 90])), max_size=20)
tier_lists = st.lists(st.one_of(st.integers(0, 4), st.sampled_from([Decimal("0.1"), Decimal("0.25")])), max_size=4).map(
    lambda specs: [
        Tier(f"t{index}", count=spec) if isinstance(spec, int) else Tier(f"t{index}", share=spec)
        for index, spec in enumerate(specs)
    ]
)


def rank_groups(results: list[TeamResult]) -> list[list[int]]:
    scored = [result for result in results if result.score is not None]
    return [[result.team_id for result in group] for _rank, group in groupby(scored, key=lambda result: result.rank)]


@settings(max_examples=100, deadline=None)
@given(scores, tier_lists, st.sampled_from(["flag", "include"]))
def test_places_ties_and_order(values, tier_list, ties):
    results = ranked(*values)
    outcome = assign_tiers(results, tier_list, ties=ties)
    count = sum(result.score is not None for result in results)
    places = {tier.key: tier_places(tier, count) for tier in tier_list}
    given_out = {key: sum(award == key for award in outcome.awards.values()) for key in places}
    groups = rank_groups(results)
    if ties == "flag":
        assert all(given_out[key] <= places[key] for key in places)
    else:
        assert sum(given_out.values()) <= sum(places.values()) + max((len(group) for group in groups), default=1) - 1
    for group in groups:  # a tied group is never split across tiers, nor half awarded
        assert len({outcome.awards.get(team_id) for team_id in group}) == 1
    assert all(result.score is not None for result in results if result.team_id in outcome.awards)
    # better ranks get the same or an earlier tier; the awarded teams come first
    order = [tier.key for tier in tier_list]
    tier_index = [
        order.index(outcome.awards[team_id]) if team_id in outcome.awards else len(order) for group in groups for team_id in group
    ]
    assert tier_index == sorted(tier_index)


def test_a_budget_cannot_be_weighed_against_amounts_in_another_currency():
    with pytest.raises(ValueError, match="amounts in USD against a budget in CNY"):
        budget_overrun([Money(Decimal(5), "CNY"), Money(Decimal(1), "USD")], Money(Decimal(10), "CNY"))
