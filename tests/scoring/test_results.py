"""scoring.results: exact scores, competition ranks, tie-breaks, flags, and the rules' invariants."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import rank as rank_module
from scoring import stats
from scoring.model import DISAGREEMENT, FEW_JUDGES, MISSING_SHEETS, TIE_AT_CUT, Rule, Sheet, TeamResult, TeamSheets
from scoring.results import check_rule, mark_flag, rank_teams


def sheet(judge_id: int, total, **items) -> Sheet:
    return Sheet(judge_id, Decimal(str(total)), {key: Decimal(str(value)) for key, value in items.items()})


def team(team_id: int, *sheets, **overrides) -> TeamSheets:
    """A team whose sheets are Sheets or bare totals (judges 1, 2, … in order); assigned = number of sheets."""
    made = tuple(item if isinstance(item, Sheet) else sheet(number, item) for number, item in enumerate(sheets, start=1))
    values = {"team_id": team_id, "assigned": len(made), "sheets": made, "group": ""}
    return TeamSheets(**{**values, **overrides})


def standing(results: list[TeamResult]) -> list[tuple[int, int, bool]]:
    return [(result.team_id, result.rank, result.tied) for result in results]


# Ranks and tie-breaks ------------------------------------------------------------------------------------

RANKINGS = [
    # (name, rule, teams, [(team_id, rank, tied)] in the order returned)
    ("higher mean first", Rule(), [team(1, 80, 90), team(2, 90, 90), team(3, 70)], [(2, 1, False), (1, 2, False), (3, 3, False)]),
    (
        "equal means share a rank; the next rank skips",
        Rule(),
        [team(3, 84), team(2, 85, 85), team(1, 80, 90)],
        [(1, 1, True), (2, 1, True), (3, 3, False)],
    ),
    (
        "raw_sum breaks a tie of means",
        Rule(tie_breaks=("raw_sum",)),
        [team(1, 80, 90), team(2, 85, 85, 85)],
        [(2, 1, False), (1, 2, False)],
    ),
    (
        "a criterion breaks what raw_sum leaves",
        Rule(tie_breaks=("raw_sum", "criterion:innovation")),
        [
            team(1, sheet(1, 80, innovation=10), sheet(2, 90, innovation=16)),
            team(2, sheet(1, 85, innovation=13), sheet(2, 85, innovation=12)),
        ],
        [(1, 1, False), (2, 2, False)],
    ),
    (
        "a criterion's mean over the sheets that carry it",
        Rule(tie_breaks=("criterion:innovation",)),
        [team(1, sheet(1, 85, innovation=12), sheet(2, 85)), team(2, sheet(1, 85, innovation=11), sheet(2, 85, innovation=12))],
        [(1, 1, False), (2, 2, False)],
    ),
    (
        "a missing criterion counts lowest",
        Rule(tie_breaks=("criterion:innovation",)),
        [team(1, sheet(1, 85)), team(2, sheet(1, 85, innovation=0)), team(3, sheet(1, 85))],
        [(2, 1, False), (1, 2, True), (3, 2, True)],
    ),
    (
        "teams equal after every tie-break stay tied",
        Rule(tie_breaks=("raw_sum", "criterion:pitch")),
        [team(1, sheet(1, 85, pitch=9)), team(2, sheet(2, 85, pitch=9)), team(3, 99)],
        [(3, 1, False), (1, 2, True), (2, 2, True)],
    ),
    (
        "tie-breaks never reorder different scores",
        Rule(tie_breaks=("raw_sum",)),
        [team(1, 90), team(2, 80, 80, 80)],
        [(1, 1, False), (2, 2, False)],
    ),
    (
        "teams without sheets come last, all tied",
        Rule(),
        [team(1), team(2, 60), team(3)],
        [(2, 1, False), (1, 2, True), (3, 2, True)],
    ),
    (
        "a single team without sheets is last, not tied",
        Rule(),
        [team(1), team(2, 60), team(3, 60)],
        [(2, 1, True), (3, 1, True), (1, 3, False)],
    ),
    ("no teams", Rule(), [], []),
    # 263/3 = 87.666… (trimmed) and 87.5 + 88 + 87.5 = 263 over 3 sheets (too few to trim): exactly equal.
    # 87.67 shows the same at 2 places but is higher: display rounding never decides.
    (
        "exact scores, not displayed ones, decide",
        Rule(method="trimmed_mean"),
        [team(1, 81, 85, 88, 90, 97), team(2, "87.5", 88, "87.5"), team(3, "87.67")],
        [(3, 1, False), (1, 2, True), (2, 2, True)],
    ),
    ("median", Rule(method="median"), [team(1, 60, 90, 91), team(2, 85, 86, 70)], [(1, 1, False), (2, 2, False)]),
]


@pytest.mark.parametrize(("rule", "teams", "expected"), [case[1:] for case in RANKINGS], ids=[case[0] for case in RANKINGS])
def test_ranking(rule, teams, expected):
    assert standing(rank_teams(teams, rule)) == expected


def test_zscore_ranking_lifts_the_team_of_a_severe_panel():
    # Worked in tests/scoring/test_aggregate.py: scores 75, 75, 75 + sqrt(75), 75 − sqrt(75).
    teams = [
        team(1, sheet(1, 90), sheet(3, 70)),
        team(2, sheet(1, 80), sheet(3, 80)),
        team(3, sheet(2, 70), sheet(3, 80)),
        team(4, sheet(2, 60), sheet(3, 70)),
    ]
    assert standing(rank_teams(teams, Rule(method="mean"))) == [(1, 1, True), (2, 1, True), (3, 3, False), (4, 4, False)]
    results = rank_teams(teams, Rule(method="zscore"))
    assert standing(results) == [(3, 1, False), (1, 2, True), (2, 2, True), (4, 4, False)]
    assert stats.to_decimal(results[0].score) == Decimal("83.66")


def test_zscore_ties_are_broken_exactly_with_large_denominators():
    teams = [
        team(1, sheet(1, 90), sheet(3, 70)),
        team(2, sheet(1, 80, pitch=5), sheet(3, 80)),
        team(3, sheet(2, 70), sheet(3, 80)),
        team(4, sheet(2, 60), sheet(3, 70)),
    ]
    rule = Rule(method="zscore", tie_breaks=("criterion:pitch",))
    # Teams 1 and 2 tie at 75; team 2 has a pitch value, team 1 none.
    assert standing(rank_teams(teams, rule))[:3] == [(3, 1, False), (2, 2, False), (1, 3, False)]


def test_results_are_the_same_when_the_exact_fraction_decides_every_comparison():
    teams = [team(1, sheet(1, 85)), team(2, sheet(1, 85, pitch=2)), team(3, sheet(2, 85, pitch=2)), team(4, 90), team(5)]
    rule = Rule(tie_breaks=("criterion:pitch",))
    with mock.patch.object(rank_module, "FLOOR_BITS", 0):
        by_fractions = rank_teams(teams, rule)
    assert by_fractions == rank_teams(teams, rule)
    assert standing(by_fractions) == [(4, 1, False), (2, 2, True), (3, 2, True), (1, 4, False), (5, 5, False)]


# What a result carries -----------------------------------------------------------------------------------


def test_a_result_carries_the_judges_spread_sum_and_group():
    (result,) = rank_teams([team(7, sheet(12, 90), sheet(3, 80), assigned=2, group="浙江省")], Rule())
    assert result == TeamResult(
        team_id=7,
        group="浙江省",
        score=Fraction(85),
        rank=1,
        tied=False,
        judges={3: Decimal(80), 12: Decimal(90)},
        spread=Decimal(5),
        raw_sum=Decimal(170),
        flags=(),
    )
    assert list(result.judges) == [3, 12]


def test_a_team_without_sheets():
    (result,) = rank_teams([team(1, assigned=3)], Rule(judges_per_team=3))
    assert (result.score, result.rank, result.tied, result.judges) == (None, 1, False, {})
    assert (result.spread, result.raw_sum, result.flags) == (Decimal(0), Decimal(0), (FEW_JUDGES, MISSING_SHEETS))


def test_the_spread_has_forty_digits():
    (result,) = rank_teams([team(1, 81, 85, 88, 90, 97)], Rule())
    assert result.spread == Decimal("5.344155686354954985107633235831898616938")


# Flags -----------------------------------------------------------------------------------------------------

FLAGS = [
    # (name, rule, team, flags)
    ("none", Rule(), team(1, 80, 85, 90), ()),
    # threshold 0.15 × 100 = 15: 70 and 100 are 15 from their mean, not above it
    ("a spread of exactly the threshold", Rule(), team(1, 70, 100), ()),
    ("a spread just above the threshold", Rule(), team(1, "69.5", 100), (DISAGREEMENT,)),
    (
        "the threshold follows the scale",
        Rule(scale_max=Decimal(10), disagreement=Decimal("0.1")),
        team(1, 8, "10.5"),
        (DISAGREEMENT,),
    ),
    ("one judge never disagrees", Rule(disagreement=Decimal(0)), team(1, 50), ()),
    ("fewer sheets than judges_per_team", Rule(judges_per_team=3), team(1, 80, 85), (FEW_JUDGES,)),
    ("enough sheets", Rule(judges_per_team=2), team(1, 80, 85), ()),
    ("trimmed mean falls back", Rule(method="trimmed_mean"), team(1, 80, 85, 90, 95), (FEW_JUDGES,)),
    ("trimmed mean trims", Rule(method="trimmed_mean"), team(1, 80, 85, 90, 95, 99), ()),
    ("a sheet not submitted", Rule(), team(1, 80, 85, assigned=3), (MISSING_SHEETS,)),
    (
        "all three, sorted",
        Rule(method="trimmed_mean", judges_per_team=5),
        team(1, 50, 100, assigned=5),
        (DISAGREEMENT, FEW_JUDGES, MISSING_SHEETS),
    ),
    ("no sheet at all", Rule(), team(1, assigned=2), (MISSING_SHEETS,)),
    ("no sheet, no judge assigned", Rule(method="trimmed_mean"), team(1), ()),
]


@pytest.mark.parametrize(("rule", "one_team", "flags"), [case[1:] for case in FLAGS], ids=[case[0] for case in FLAGS])
def test_flags(rule, one_team, flags):
    (result,) = rank_teams([one_team], rule)
    assert result.flags == flags


def test_mark_flag_adds_tie_at_cut_once_and_keeps_flags_sorted():
    results = rank_teams([team(1, 80, assigned=2), team(2, 80), team(3, 70)], Rule())
    marked = mark_flag(results, [1, 2])
    assert [result.flags for result in marked] == [(MISSING_SHEETS, TIE_AT_CUT), (TIE_AT_CUT,), ()]
    assert mark_flag(marked, [2]) == marked
    assert mark_flag(results, [3], DISAGREEMENT)[2].flags == (DISAGREEMENT,)


# Refusals --------------------------------------------------------------------------------------------------

BAD_RULES = [
    ("unknown method", Rule(method="mode"), "unknown aggregation method 'mode'"),
    ("unknown tie-break", Rule(tie_breaks=("coin_toss",)), "unknown tie-break 'coin_toss'"),
    ("criterion without a key", Rule(tie_breaks=("criterion:",)), "unknown tie-break 'criterion:'"),
    ("negative trim", Rule(trim=-1), "trim must not be negative"),
    ("negative min_judges", Rule(min_judges=-1), "min_judges must not be negative"),
    ("negative judges_per_team", Rule(judges_per_team=-2), "judges_per_team must not be negative"),
    ("zero scale", Rule(scale_max=Decimal(0)), "scale_max must be positive"),
    ("negative disagreement", Rule(disagreement=Decimal("-0.1")), "disagreement must not be negative"),
    ("negative decimals", Rule(decimals=-1), "decimals must be from 0 to 9, not -1"),
    ("decimals finer than the estimates", Rule(decimals=10), "decimals must be from 0 to 9, not 10"),
]


@pytest.mark.parametrize(("rule", "message"), [case[1:] for case in BAD_RULES], ids=[case[0] for case in BAD_RULES])
def test_an_unusable_rule_is_refused(rule, message):
    with pytest.raises(ValueError, match=message):
        check_rule(rule)
    with pytest.raises(ValueError, match=message):
        rank_teams([team(1, 80)], rule)


BAD_TEAMS = [
    ("a team twice", [team(1, 80), team(1, 90)], "team 1 appears twice"),
    ("negative assigned", [team(1, 80, assigned=-1)], "negative number of assigned judges"),
    ("two sheets from one judge", [team(1, sheet(4, 80), sheet(4, 90))], "team 1 has two sheets from one judge"),
]


@pytest.mark.parametrize(("teams", "message"), [case[1:] for case in BAD_TEAMS], ids=[case[0] for case in BAD_TEAMS])
def test_malformed_teams_are_refused(teams, message):
    with pytest.raises(ValueError, match=message):
        rank_teams(teams, Rule())


# Properties ------------------------------------------------------------------------------------------------

TOTALS = [Decimal(value) / 2 for value in range(150, 171)]  # 75 to 85 by 0.5: narrow, so ties happen
ITEM_VALUES = [Decimal(value) for value in range(0, 4)]
TIE_BREAKS = [(), ("raw_sum",), ("criterion:a",), ("raw_sum", "criterion:a")]


@st.composite
def rounds(draw, max_teams: int = 10, judges: int = 5) -> list[TeamSheets]:
    teams = []
    for team_id in range(1, draw(st.integers(0, max_teams)) + 1):
        judge_ids = draw(st.lists(st.integers(1, judges), unique=True, max_size=4))
        sheets = []
        for judge_id in judge_ids:
            items = draw(st.sampled_from([{}, {"a": draw(st.sampled_from(ITEM_VALUES))}]))
            sheets.append(Sheet(judge_id, draw(st.sampled_from(TOTALS)), items))
        assigned = len(sheets) + draw(st.integers(0, 1))
        teams.append(TeamSheets(team_id, assigned, tuple(sheets), group=draw(st.sampled_from(["x", "y"]))))
    return teams


rules = st.builds(
    Rule,
    method=st.sampled_from(["mean", "trimmed_mean", "median", "zscore", "adjusted"]),
    trim=st.integers(0, 2),
    min_judges=st.integers(0, 5),
    judges_per_team=st.integers(0, 4),
    disagreement=st.sampled_from([Decimal("0.02"), Decimal("0.15")]),
    tie_breaks=st.sampled_from(TIE_BREAKS),
)


@settings(max_examples=100, deadline=None)
@given(rounds(), rules, st.randoms(use_true_random=False))
def test_reordering_teams_and_sheets_changes_nothing(teams, rule, rng: random.Random):
    shuffled = [TeamSheets(t.team_id, t.assigned, tuple(rng.sample(t.sheets, len(t.sheets))), t.group) for t in teams]
    rng.shuffle(shuffled)
    assert rank_teams(shuffled, rule) == rank_teams(teams, rule)


@settings(max_examples=100, deadline=None)
@given(rounds(), st.sampled_from(TIE_BREAKS), st.data())
def test_raising_a_teams_score_never_lowers_its_rank(teams, tie_breaks, data):
    scored = [t for t in teams if t.sheets]
    if not scored:
        return
    chosen = data.draw(st.sampled_from(scored))
    which = data.draw(st.integers(0, len(chosen.sheets) - 1))
    raise_by = data.draw(st.sampled_from([Decimal("0.5"), Decimal(1), Decimal(7)]))
    old = chosen.sheets[which]
    sheets = list(chosen.sheets)
    sheets[which] = Sheet(old.judge_id, old.total + raise_by, old.items)
    raised = [TeamSheets(t.team_id, t.assigned, tuple(sheets), t.group) if t is chosen else t for t in teams]
    rule = Rule(tie_breaks=tie_breaks)
    before = {result.team_id: result for result in rank_teams(teams, rule)}
    after = {result.team_id: result for result in rank_teams(raised, rule)}
    assert after[chosen.team_id].score > before[chosen.team_id].score
    assert after[chosen.team_id].rank <= before[chosen.team_id].rank


@settings(max_examples=100, deadline=None)
@given(rounds(), st.integers(1, 5), st.sampled_from([Decimal(-20), Decimal("0.5"), Decimal(13)]))
def test_a_constant_added_to_one_judges_totals_leaves_zscore_ranks_unchanged(teams, judge_id, constant):
    shifted = [
        TeamSheets(
            t.team_id,
            t.assigned,
            tuple(Sheet(s.judge_id, s.total + constant if s.judge_id == judge_id else s.total, s.items) for s in t.sheets),
            t.group,
        )
        for t in teams
    ]
    rule = Rule(method="zscore")
    assert standing(rank_teams(shifted, rule)) == standing(rank_teams(teams, rule))


@settings(max_examples=100, deadline=None)
@given(rounds(), rules)
def test_sort_keys_agree_whether_the_integer_part_or_the_fraction_decides(teams, rule):
    exact = rank_teams(teams, rule)
    with mock.patch.object(rank_module, "FLOOR_BITS", 0):
        assert rank_teams(teams, rule) == exact


@settings(max_examples=100, deadline=None)
@given(rounds(), rules)
def test_ranks_follow_scores_and_results_come_in_rank_order(teams, rule):
    results = rank_teams(teams, rule)
    assert [(r.rank, r.team_id) for r in results] == sorted((r.rank, r.team_id) for r in results)
    for better, worse in zip(results, results[1:], strict=False):
        if worse.score is not None:
            assert better.score >= worse.score
        if better.rank == worse.rank:
            assert better.score == worse.score and better.tied and worse.tied
    for result in results:
        assert list(result.flags) == sorted(result.flags)
        assert result.raw_sum == sum(result.judges.values(), Decimal(0))
