"""scoring.aggregate: each method on hand-worked cases, the fallbacks, the z-score rule and the registry."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import aggregate, stats
from scoring.aggregate import METHODS, mean, median, method, round_totals, trimmed_mean, zscore_scores
from scoring.model import Rule, Sheet, TeamScore, TeamSheets


def decimals(*values) -> list[Decimal]:
    return [Decimal(str(value)) for value in values]


def team(team_id: int, *sheets: tuple[int, object], **overrides) -> TeamSheets:
    """A team with (judge_id, total) sheets, as many judges assigned as sheets unless told."""
    values = {
        "team_id": team_id,
        "assigned": len(sheets),
        "sheets": tuple(Sheet(judge_id, Decimal(str(total))) for judge_id, total in sheets),
    }
    return TeamSheets(**{**values, **overrides})


FIVE = decimals(81, 85, 88, 90, 97)

METHOD_CASES = [
    # (name, totals, mean, trimmed mean (trim 1, min_judges 5) and fell_back, median)
    # 441 / 5 = 88.2; trimmed: (85 + 88 + 90) / 3 = 263/3 = 87.666…; median: the middle of five
    ("the five-judge sheet", FIVE, Fraction(441, 5), (Fraction(263, 3), False), Fraction(88)),
    # four judges: below min_judges 5, so the trimmed mean is the plain mean, flagged
    ("an even count", decimals(81, 85, 88, 90), Fraction(86), (Fraction(86), True), Fraction(173, 2)),
    ("one judge", decimals("77.5"), Fraction(155, 2), (Fraction(155, 2), True), Fraction(155, 2)),
    ("all judges identical", decimals(84, 84, 84, 84, 84), Fraction(84), (Fraction(84), False), Fraction(84)),
    # six judges: drop 60 and 100, keep 80, 82, 85, 85 → 332 / 4 = 83
    # median of six: (82 + 85) / 2
    ("an outlier on each side", decimals(100, 85, 60, 82, 85, 80), Fraction(82), (Fraction(83), False), Fraction(167, 2)),
    # 401.5 / 5 = 80.3; trimmed: (79.5 + 80.5 + 81) / 3 = 241/3
    ("halves", decimals("80.5", "79.5", "81", "90", "70.5"), Fraction(803, 10), (Fraction(241, 3), False), Fraction(161, 2)),
]


@pytest.mark.parametrize(
    ("totals", "expected_mean", "expected_trimmed", "expected_median"),
    [case[1:] for case in METHOD_CASES],
    ids=[case[0] for case in METHOD_CASES],
)
def test_each_method_by_hand(totals, expected_mean, expected_trimmed, expected_median):
    assert mean(totals) == expected_mean
    assert trimmed_mean(totals) == expected_trimmed
    assert median(totals) == expected_median


def test_the_five_judge_sheet_as_displayed():
    assert stats.to_decimal(mean(FIVE)) == Decimal("88.20")
    assert stats.to_decimal(trimmed_mean(FIVE)[0]) == Decimal("87.67")
    assert trimmed_mean(FIVE)[0] == Fraction(263, 3)  # exact: the display rounds, the rank does not
    assert median(FIVE) == 88


TRIMS = [
    # (name, totals, trim, min_judges, expected)
    ("trim 2 of 5", FIVE, 2, 5, (Fraction(88), False)),
    ("trim 2 needs 5 sheets even when min_judges is lower", decimals(81, 85, 88, 90), 2, 3, (Fraction(86), True)),
    ("min_judges 3 lets three sheets trim", decimals(81, 85, 97), 1, 3, (Fraction(85), False)),
    ("trim 0 keeps everything", FIVE, 0, 5, (Fraction(441, 5), False)),
    ("trim 0 below min_judges still falls back", decimals(81, 85), 0, 5, (Fraction(83), True)),
    ("unsorted input", decimals(97, 81, 90, 85, 88), 1, 5, (Fraction(263, 3), False)),
]


@pytest.mark.parametrize(
    ("totals", "trim", "min_judges", "expected"), [case[1:] for case in TRIMS], ids=[case[0] for case in TRIMS]
)
def test_trimmed_mean_trims_only_with_enough_sheets(totals, trim, min_judges, expected):
    assert trimmed_mean(totals, trim, min_judges) == expected


def test_a_negative_trim_is_refused():
    with pytest.raises(ValueError, match="trim must not be negative"):
        trimmed_mean(FIVE, -1)
    with pytest.raises(ValueError, match="trim must not be negative"):
        method("trimmed_mean")([team(1, (1, 80))], Rule(trim=-1), round_totals([team(1, (1, 80))]))


def test_the_trimmed_mean_of_no_totals_is_refused():
    with pytest.raises(ValueError, match="the mean of no values is undefined"):
        trimmed_mean([])


# The z-score rule ------------------------------------------------------------------------------------------


def paper_round() -> list[TeamSheets]:
    """Judge A is lenient, B severe, C sees everyone. Two sheets per team:
    team 1: A 90, C 70; team 2: A 80, C 80; team 3: B 70, C 80; team 4: B 60, C 70."""
    a, b, c = 1, 2, 3
    return [team(1, (a, 90), (c, 70)), team(2, (a, 80), (c, 80)), team(3, (b, 70), (c, 80)), team(4, (b, 60), (c, 70))]


def test_zscore_worked_on_paper():
    # Judges: A gave 90, 80 → mean 85, population sd 5; B gave 70, 60 → mean 65, sd 5;
    #         C gave 70, 80, 80, 70 → mean 75, sd 5.
    # z:      team 1: A (90 − 85)/5 = +1, C (70 − 75)/5 = −1
    #         team 2: A −1, C +1;  team 3: B +1, C +1;  team 4: B −1, C −1
    # Round:  totals 90 70 80 80 70 80 60 70 → M = 600 / 8 = 75;
    #         squared deviations 225 25 25 25 25 25 225 25 = 600 → variance 75, S = sqrt(75) ≈ 8.660254
    # Mapped: M + z·S; a team's score is the mean of its two mapped totals:
    #         team 1: (75 + S + 75 − S) / 2 = 75;  team 2: 75;  team 3: 75 + S;  team 4: 75 − S
    # The mean method ranks 1 = 2 (80) above 3 (75) above 4 (65): z-scores lift team 3, judged by the severe B.
    s = Fraction(Decimal("8.660254037844386467637231707529361834714"))  # sqrt(75) to 40 digits
    assert zscore_scores(paper_round()) == {1: Fraction(75), 2: Fraction(75), 3: 75 + s, 4: 75 - s}
    assert stats.to_decimal(75 + s) == Decimal("83.66")


def test_a_judge_without_spread_maps_to_the_round_mean():
    # Judge 9 scored once (team 3) and judge 8 twice the same (teams 1 and 2): each of their totals is z = 0.
    # Judge 1: 90 and 70 → mean 80, sd 10 → z = +1, −1. Round: 90 70 60 60 100 → M = 76, S = sqrt(304).
    teams = [team(1, (1, 90), (8, 60)), team(2, (1, 70), (8, 60)), team(3, (9, 100))]
    s = Fraction(stats.pstdev(decimals(90, 70, 60, 60, 100)))
    scores = zscore_scores(teams)
    assert scores == {1: 76 + s / 2, 2: 76 - s / 2, 3: Fraction(76)}


def test_when_every_total_is_equal_every_team_gets_the_mean():
    teams = [team(1, (1, 85), (2, 85)), team(2, (1, 85)), team(3)]
    assert zscore_scores(teams) == {1: Fraction(85), 2: Fraction(85)}


def test_zscore_without_sheets():
    assert zscore_scores([]) == {}
    assert zscore_scores([team(1), team(2)]) == {}


def test_zscore_takes_out_a_constant_severity():
    """Two panels see the same teams' twins; panel B is 20 points harsher: z-scores make the twins equal."""
    lenient = [team(t, (1, 60 + 10 * t), (2, 62 + 10 * t)) for t in range(1, 4)]
    severe = [team(10 + t, (3, 40 + 10 * t), (4, 42 + 10 * t)) for t in range(1, 4)]
    scores = zscore_scores(lenient + severe)
    for t in range(1, 4):
        assert scores[t] == scores[10 + t]
    assert scores[1] < scores[2] < scores[3]


# The registry ----------------------------------------------------------------------------------------------


def test_the_registry_knows_five_methods_and_refuses_others():
    assert sorted(METHODS) == ["adjusted", "mean", "median", "trimmed_mean", "zscore"]
    with pytest.raises(
        ValueError, match="unknown aggregation method 'mode'; known: adjusted, mean, median, trimmed_mean, zscore"
    ):
        method("mode")


def test_each_registered_method_scores_the_round():
    teams = [team(1, *enumerate(FIVE)), team(2, (1, 88), (2, 90)), team(3)]
    rule = Rule()
    assert method("mean")(teams, rule, round_totals(teams)) == {1: TeamScore(Fraction(441, 5)), 2: TeamScore(Fraction(89))}
    assert method("trimmed_mean")(teams, rule, round_totals(teams)) == {
        1: TeamScore(Fraction(263, 3)),
        2: TeamScore(Fraction(89), True),
    }
    assert method("trimmed_mean")(teams, Rule(trim=0, min_judges=2), round_totals(teams)) == {
        1: TeamScore(Fraction(441, 5)),
        2: TeamScore(Fraction(89)),
    }
    assert method("median")(teams, rule, round_totals(teams)) == {1: TeamScore(Fraction(88)), 2: TeamScore(Fraction(89))}
    assert method("zscore")(teams, rule, round_totals(teams)) == {
        team_id: TeamScore(score) for team_id, score in zscore_scores(teams).items()
    }
    assert aggregate.METHODS["zscore"] is method("zscore")


totals_of_mixed_precision = st.lists(
    st.decimals(min_value=0, max_value=10_000, places=4, allow_nan=False, allow_infinity=False)
    | st.integers(0, 10_000).map(Decimal),
    max_size=7,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(totals_of_mixed_precision, min_size=1, max_size=6), st.integers(0, 2), st.integers(0, 6))
def test_a_round_scores_each_team_exactly_as_the_rule_does_alone(rounds_totals, trim, min_judges):
    """The round-wide methods work in integers over one common denominator; each team's score must be
    the very fraction the one-team rule gives for its decimals, whatever their number of places."""
    teams = [team(team_id, *enumerate(totals)) for team_id, totals in enumerate(rounds_totals)]
    rule = Rule(trim=trim, min_judges=min_judges)
    alone = {
        "mean": lambda totals: TeamScore(mean(totals)),
        "trimmed_mean": lambda totals: TeamScore(*trimmed_mean(totals, trim, min_judges)),
        "median": lambda totals: TeamScore(median(totals)),
    }
    for key, score_alone in alone.items():
        expected = {team_id: score_alone(totals) for team_id, totals in enumerate(rounds_totals) if totals}
        assert method(key)(teams, rule, round_totals(teams)) == expected
