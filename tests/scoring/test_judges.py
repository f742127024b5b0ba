"""scoring.judges: each judge's volume, level, spread, severity and agreement with the consensus."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from scoring.judges import JudgeStats, judge_statistics
from scoring.model import Rule, Sheet, TeamSheets
from scoring.results import rank_teams


def team(team_id: int, *sheets: tuple[int, object]) -> TeamSheets:
    """A team with (judge_id, total) sheets."""
    return TeamSheets(team_id, len(sheets), tuple(Sheet(judge_id, Decimal(str(total))) for judge_id, total in sheets))


def consensus_of(teams: list[TeamSheets], method: str = "mean") -> dict[int, Fraction | None]:
    return {result.team_id: result.score for result in rank_teams(teams, Rule(method=method))}


def test_a_severe_and_a_lenient_judge_worked_by_hand():
    # Judge 1 is 4 below the consensus on every team, judge 2 four above; both order the teams as the
    # consensus does (correlation 1). Consensus: team 1: (80 + 88) / 2 = 84, team 2: (70 + 78) / 2 = 74,
    # team 3: (60 + 68) / 2 = 64.
    teams = [team(1, (1, 80), (2, 88)), team(2, (1, 70), (2, 78)), team(3, (2, 68), (1, 60))]
    severe, lenient = judge_statistics(teams, consensus_of(teams))
    assert severe == JudgeStats(
        judge_id=1,
        count=3,
        mean=Decimal("70.0000"),
        spread=Decimal("8.1650"),
        severity=Decimal("-4.0000"),
        correlation=Decimal("1.0000"),
        totals=(Decimal(60), Decimal(70), Decimal(80)),
        # The model reads the same 4 points; the panel fits it exactly, so its error is 0.
        model_severity=Decimal("-4.0000"),
        model_error=Decimal("0.0000"),
    )
    assert (lenient.judge_id, lenient.mean, lenient.severity, lenient.correlation) == (
        2,
        Decimal("78.0000"),
        Decimal("4.0000"),
        Decimal(1),
    )


def test_a_judge_who_reverses_the_order():
    # Judge 3 gives 70, 80, 90 where the other two agree on 90, 80, 70.
    teams = [team(1, (1, 90), (2, 90), (3, 70)), team(2, (1, 80), (2, 80), (3, 80)), team(3, (1, 70), (2, 70), (3, 90))]
    figures = {stats.judge_id: stats for stats in judge_statistics(teams, consensus_of(teams))}
    # Consensus 250/3, 80, 230/3: judge 3 against it is perfectly reversed.
    assert figures[3].correlation == Decimal("-1.0000")
    assert figures[1].correlation == Decimal("1.0000")
    assert figures[3].severity == Decimal("0.0000")


def test_figures_are_rounded_half_up_to_four_places():
    teams = [team(1, (1, 1)), team(2, (1, 1)), team(3, (1, 2))]
    (judge,) = judge_statistics(teams, {1: Fraction(1), 2: Fraction(1), 3: Fraction(1)})
    # mean 4/3; spread sqrt(2/9) = 0.47140…; severity (0 + 0 + 1) / 3
    assert (judge.mean, judge.spread, judge.severity) == (Decimal("1.3333"), Decimal("0.4714"), Decimal("0.3333"))
    assert judge.correlation is None  # the consensus has no spread


def test_teams_without_a_consensus_are_left_out_of_severity_and_correlation():
    teams = [team(1, (1, 90)), team(2, (1, 60)), team(3, (1, 80))]
    (judge,) = judge_statistics(teams, {1: Fraction(85), 2: None})  # team 3 missing from the consensus
    assert (judge.count, judge.mean, judge.totals) == (3, Decimal("76.6667"), (Decimal(60), Decimal(80), Decimal(90)))
    assert judge.severity == Decimal("5.0000")
    assert judge.correlation is None  # one comparable sheet


def test_a_judge_with_nothing_to_compare():
    (judge,) = judge_statistics([team(1, (4, 75))], {})
    assert (judge.count, judge.spread, judge.severity, judge.correlation) == (1, Decimal("0.0000"), Decimal("0.0000"), None)


def test_a_judge_who_gives_everyone_the_same_total_has_no_correlation():
    teams = [team(1, (1, 80), (2, 90)), team(2, (1, 80), (2, 70))]
    figures = judge_statistics(teams, consensus_of(teams))
    assert [(stats.judge_id, stats.correlation) for stats in figures] == [(1, None), (2, Decimal("1.0000"))]


def test_sorted_by_judge_and_empty_without_sheets():
    teams = [team(1, (9, 80), (3, 70)), team(2, (5, 60))]
    assert [stats.judge_id for stats in judge_statistics(teams, consensus_of(teams))] == [3, 5, 9]
    assert judge_statistics([team(1)], {1: None}) == []


def test_zscore_consensus_with_forty_digit_spreads():
    teams = [team(1, (1, 90), (3, 70)), team(2, (1, 80), (3, 80)), team(3, (2, 70), (3, 80)), team(4, (2, 60), (3, 70))]
    figures = {stats.judge_id: stats for stats in judge_statistics(teams, consensus_of(teams, "zscore"))}
    # Consensus 75, 75, 75 + sqrt(75), 75 − sqrt(75): judge 1 (90, 80 on two teams at 75) is lenient by 10,
    # judge 2 (70, 60 against 75 ± 8.660254…) is severe by 10.
    assert figures[1].severity == Decimal("10.0000")
    assert figures[2].severity == Decimal("-10.0000")
    assert figures[1].correlation is None and figures[2].correlation == Decimal("1.0000")


def test_the_models_severity_is_read_on_the_teams_judges_share():
    # Judge 3 scored every team: 10 points below judge 1 on teams 1 and 2, 9.5 below judge 2 on teams 3
    # and 4. The model reads exactly those gaps (severities averaging 0: 3.5, 3 and −6.5); the consensus
    # severities, against means that judge 3 drags down on every team, read −4.875 for judge 3. One degree
    # of freedom is left for the noise (8 sheets − 4 teams − 3 judges + 1 part), so each error is known.
    teams = [
        team(1, (1, 90), (3, 80)),
        team(2, (1, 88), (3, 78)),
        team(3, (2, 70), (3, 60)),
        team(4, (2, 72), (3, 63)),
    ]
    figures = {stats.judge_id: stats for stats in judge_statistics(teams, consensus_of(teams))}
    assert [figures[judge].model_severity for judge in (1, 2, 3)] == [Decimal("3.5000"), Decimal("3.0000"), Decimal("-6.5000")]
    assert figures[3].severity == Decimal("-4.8750")
    assert all(stats.model_error is not None and stats.model_error > 0 for stats in figures.values())
