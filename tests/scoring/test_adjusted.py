"""scoring.adjusted: the judge-effect model's estimates, its connected parts, and the rules' invariants."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import adjusted
from scoring.adjusted import fit, rounded
from scoring.model import DISCONNECTED_PANELS, Rule, Sheet, TeamSheets
from scoring.panels import PanelPart, panel_parts
from scoring.results import rank_teams


def team(team_id: int, *scores: tuple[int, object], assigned: int | None = None) -> TeamSheets:
    """A team scored (judge_id, total) by each pair."""
    sheets = tuple(Sheet(judge_id, Decimal(str(total))) for judge_id, total in scores)
    return TeamSheets(team_id, len(sheets) if assigned is None else assigned, sheets)


def exact_fit(teams: list[TeamSheets]) -> dict[int, Fraction]:
    """The least-squares qualities of a connected round, in fractions: (L + 11ᵀ)·b = r by Gaussian
    elimination (the added 11ᵀ makes the severities sum to zero, as r sums to zero), then each team's mean
    of (total − severity). An independent check of the floating-point solver."""
    judges = sorted({sheet.judge_id for t in teams for sheet in t.sheets})
    index = {judge_id: position for position, judge_id in enumerate(judges)}
    size = len(judges)
    matrix = [[Fraction(1)] * size for _ in range(size)]
    right = [Fraction(0)] * size
    for t in teams:
        if not t.sheets:
            continue
        count = len(t.sheets)
        mean = sum(Fraction(sheet.total) for sheet in t.sheets) / count
        for sheet in t.sheets:
            row = index[sheet.judge_id]
            right[row] += Fraction(sheet.total) - mean
            matrix[row][row] += 1
            for other in t.sheets:
                matrix[row][index[other.judge_id]] -= Fraction(1, count)
    for pivot in range(size):
        chosen = next(row for row in range(pivot, size) if matrix[row][pivot])
        matrix[pivot], matrix[chosen] = matrix[chosen], matrix[pivot]
        right[pivot], right[chosen] = right[chosen], right[pivot]
        for row in range(size):
            if row != pivot and matrix[row][pivot]:
                factor = matrix[row][pivot] / matrix[pivot][pivot]
                matrix[row] = [a - factor * b for a, b in zip(matrix[row], matrix[pivot], strict=True)]
                right[row] -= factor * right[pivot]
    severity = {judge_id: right[index[judge_id]] / matrix[index[judge_id]][index[judge_id]] for judge_id in judges}
    return {t.team_id: sum(Fraction(s.total) - severity[s.judge_id] for s in t.sheets) / len(t.sheets) for t in teams if t.sheets}


# Hand-worked rounds ----------------------------------------------------------------------------------------


def test_a_severe_judge_no_longer_sinks_the_teams_they_scored():
    # Judge 1 is 10 points more severe than judges 2 and 3. Teams 1 and 2 drew judge 1; team 3 did not.
    # The mean ranks team 3 first; the model sees that every team judge 1 shared with others lost 10 points.
    teams = [team(1, (1, 75), (2, 85)), team(2, (1, 70), (3, 80)), team(3, (2, 82), (3, 82))]
    means = {result.team_id: result.rank for result in rank_teams(teams, Rule())}
    ranks = {result.team_id: (result.rank, result.score) for result in rank_teams(teams, Rule(method="adjusted"))}
    assert means == {3: 1, 1: 2, 2: 3}
    # Severities −20/3, +10/3, +10/3: team 1's quality is 75 + 20/3 − … = 81.67, team 3's 78.67.
    assert ranks == {1: (1, Fraction(8167, 100)), 3: (2, Fraction(7867, 100)), 2: (3, Fraction(7667, 100))}
    model = fit(teams)
    assert [round(model.judges[judge].severity, 6) for judge in (1, 2, 3)] == [
        round(-20 / 3, 6),
        round(10 / 3, 6),
        round(10 / 3, 6),
    ]
    # No noise at all (the model fits exactly): the residual variance is 0, and so is each error.
    assert [model.judges[judge].error for judge in (1, 2, 3)] == [0.0, 0.0, 0.0]


def test_scores_are_rounded_to_the_rounds_decimals_and_equal_scores_go_to_the_tie_breaks():
    # Severities −1/12 and +1/12: qualities 80.25, 80 and 70.5, shown with no decimals as 80, 80 and 71.
    teams = [team(1, (1, 80), (2, "80.5")), team(2, (1, "80.5"), (2, "79.5")), team(3, (1, 70), (2, 71))]
    untied = rank_teams(teams, Rule(method="adjusted", decimals=0, tie_breaks=("raw_sum",)))
    assert [(r.team_id, r.score, r.rank, r.tied) for r in untied] == [
        (1, Fraction(80), 1, False),
        (2, Fraction(80), 2, False),
        (3, Fraction(71), 3, False),
    ]
    tied = rank_teams(teams, Rule(method="adjusted", decimals=0))
    assert [(r.team_id, r.rank, r.tied) for r in tied] == [(1, 1, True), (2, 1, True), (3, 3, False)]
    assert rank_teams(teams, Rule(method="adjusted", decimals=2))[0].score == Fraction(8025, 100)


def test_the_estimates_match_the_exact_least_squares_solution():
    rng = random.Random(7)
    teams = []
    for team_id in range(1, 41):
        judges = rng.sample(range(1, 9), 3)
        teams.append(team(team_id, *((judge, Decimal(rng.randrange(120, 200)) / 2) for judge in judges)))
    exact = exact_fit(teams)
    model = fit(teams)
    assert max(abs(model.quality[t] - float(exact[t])) for t in exact) < 1e-9
    assert sum(effect.severity for effect in model.judges.values()) == pytest.approx(0, abs=1e-9)
    assert all(effect.error is not None and effect.error > 0 for effect in model.judges.values())


def test_judges_in_panels_linked_in_a_chain_are_solved_exactly_too():
    # 30 panels of 2 judges, each linked to the next by one team: a sparse, slowly mixing graph.
    teams, team_id = [], 0
    for panel in range(30):
        first, second = 2 * panel + 1, 2 * panel + 2
        for offset in range(3):
            team_id += 1
            teams.append(team(team_id, (first, 70 + offset + panel % 4), (second, 72 + offset)))
        team_id += 1
        teams.append(team(team_id, (second, 75), (second + 1, 77)))
    exact = exact_fit(teams)
    model = fit(teams)
    assert model.parts == [PanelPart(teams=len(teams), judges=61)]
    assert max(abs(model.quality[t] - float(exact[t])) for t in exact) < 1e-9


def test_a_team_with_one_judge_and_a_judge_without_peers():
    # Judge 9 scored only team 4, which nobody else scored: their severity cannot be told from the team's
    # quality, so it is 0 (the part's average) with no error, and the team keeps its total.
    teams = [team(1, (1, 80), (2, 84)), team(2, (1, 70), (2, 76)), team(3, (1, 90)), team(4, (9, 65)), team(5)]
    model = fit(teams)
    assert model.parts == [PanelPart(teams=3, judges=2), PanelPart(teams=1, judges=1)]
    assert model.judges[9] == (0.0, None)
    assert model.quality[4] == 65.0
    assert model.quality[3] == pytest.approx(92.5)
    assert 5 not in model.quality


def test_no_error_without_degrees_of_freedom_and_no_work_without_differences():
    # Two teams, two judges, each team scored once by each judge would leave one degree of freedom; one
    # team scored by both leaves none (2 sheets − 1 team − 2 judges + 1 part).
    assert fit([team(1, (1, 80), (2, 84))]).judges[1].error is None
    same = fit([team(1, (1, 80), (2, 80)), team(2, (2, 80), (3, 80))])
    assert [effect.severity for effect in same.judges.values()] == [0.0, 0.0, 0.0]
    assert fit([]) == ({}, {}, [])


def test_rounding_snaps_the_solvers_last_digits_then_rounds_half_up():
    assert rounded(80.12499999999999, 2) == rounded(80.12500000000001, 2) == 8013
    assert rounded(79.9949, 2) == 7999
    assert rounded(-2.5, 0) == -3
    assert rounded(12.3456789, 4) == 123457


# Connected parts ----------------------------------------------------------------------------------------------


def test_disconnected_panels_are_flagged_on_every_result_and_counted():
    # Judges 1-2 scored teams 1-3, judges 3-4 teams 4-5: two parts, whose levels the round cannot compare.
    teams = [
        team(1, (1, 80), (2, 82)),
        team(2, (1, 70), (2, 75)),
        team(3, (2, 90), (1, 88)),
        team(4, (3, 60), (4, 64)),
        team(5, (3, 66), (4, 61)),
        team(6, assigned=2),
    ]
    assert panel_parts(teams) == [PanelPart(teams=3, judges=2), PanelPart(teams=2, judges=2)]
    results = rank_teams(teams, Rule(method="adjusted"))
    assert all(DISCONNECTED_PANELS in result.flags for result in results)
    assert [result.flags for result in results if result.team_id == 6] == [("disconnected_panels", "missing_sheets")]
    # Linking the parts by one team that judges 2 and 3 both scored clears the flag.
    linked = [*teams, team(7, (2, 80), (3, 70))]
    assert not any(DISCONNECTED_PANELS in result.flags for result in rank_teams(linked, Rule(method="adjusted")))


def test_the_other_methods_never_flag_disconnected_panels():
    teams = [team(1, (1, 80)), team(2, (2, 70))]
    for method in ("mean", "trimmed_mean", "median", "zscore"):
        assert not any(DISCONNECTED_PANELS in result.flags for result in rank_teams(teams, Rule(method=method)))


# Properties -----------------------------------------------------------------------------------------------


@st.composite
def connected_rounds(draw, noise: bool = True):
    """A connected round: judges 1..m, teams scored by 2 to 4 of them; a spanning chain of teams (judge k
    and k + 1) makes the graph connected. Totals are quality + severity (+ noise), on a 0.5 step."""
    judges = draw(st.integers(2, 7))
    severity = {judge: Decimal(draw(st.integers(-20, 20))) / 2 for judge in range(1, judges + 1)}
    quality: dict[int, Decimal] = {}
    teams = []
    pairs = [[k, k + 1] for k in range(1, judges)]
    extra = draw(st.lists(st.lists(st.integers(1, judges), min_size=1, max_size=4, unique=True), max_size=10))
    for team_id, panel in enumerate(pairs + extra, start=1):
        quality[team_id] = Decimal(draw(st.integers(100, 180))) / 2
        sheets = []
        for judge in panel:
            wobble = Decimal(draw(st.integers(-6, 6))) / 2 if noise else Decimal(0)
            sheets.append(Sheet(judge, quality[team_id] + severity[judge] + wobble))
        teams.append(TeamSheets(team_id, len(sheets), tuple(sheets)))
    return teams, quality


def standing(results):
    return [(result.team_id, result.rank, result.tied) for result in results]


@settings(max_examples=150, deadline=None)
@given(connected_rounds(noise=False), st.sampled_from([1, 2, 4]))
def test_without_noise_a_connected_round_recovers_the_exact_order_of_true_quality(drawn, decimals):
    # Qualities differ by 0.5 at least: any decimals from 1 up tell them apart (with none, 80 and 80.5
    # could both show as 80 and tie, as the round says).
    teams, quality = drawn
    results = rank_teams(teams, Rule(method="adjusted", decimals=decimals))
    truth = rank_teams([TeamSheets(t, 1, (Sheet(1, quality[t]),)) for t in quality], Rule())
    assert sorted(standing(results)) == sorted(standing(truth))
    assert not any(result.flags for result in results)


@settings(max_examples=150, deadline=None)
@given(connected_rounds(), st.data(), st.integers(-40, 40), st.sampled_from([0, 2]))
def test_a_constant_added_to_one_judges_totals_changes_no_rank_in_a_connected_round(drawn, data, steps, decimals):
    teams, _quality = drawn
    judge_count = len({sheet.judge_id for t in teams for sheet in t.sheets})
    judge = data.draw(st.integers(1, judge_count))
    # The judge's severity absorbs the constant but for its share of the part's average, constant / judges,
    # which every team of the part gains alike; a whole number of the shown unit per judge keeps that
    # shift off the rounding points, so ties stay ties (any other constant can only join or split teams
    # equal to the shown decimals, never swap two).
    constant = Decimal(steps * judge_count) / 10**decimals
    shifted = [
        TeamSheets(
            t.team_id,
            t.assigned,
            tuple(Sheet(s.judge_id, s.total + constant if s.judge_id == judge else s.total) for s in t.sheets),
        )
        for t in teams
    ]
    rule = Rule(method="adjusted", decimals=decimals)
    assert standing(rank_teams(shifted, rule)) == standing(rank_teams(teams, rule))
    before, after = fit(teams).quality, fit(shifted).quality
    assert all(after[t] - before[t] == pytest.approx(float(constant) / judge_count, abs=1e-9) for t in before)


@settings(max_examples=100, deadline=None)
@given(connected_rounds(), connected_rounds(), st.randoms(use_true_random=False))
def test_a_round_made_of_two_connected_rounds_is_flagged_and_each_keeps_its_order(first, second, rng):
    one, _ = first
    other = [
        TeamSheets(t.team_id + 100, t.assigned, tuple(Sheet(s.judge_id + 100, s.total) for s in t.sheets)) for t in second[0]
    ]
    together = one + other
    rng.shuffle(together)
    results = {result.team_id: result for result in rank_teams(together, Rule(method="adjusted"))}
    assert all(result.flags == (DISCONNECTED_PANELS,) for result in results.values())
    alone = rank_teams(one, Rule(method="adjusted"))
    assert all(result.score == results[result.team_id].score for result in alone)
    assert len(panel_parts(together)) == 2


def test_the_solver_never_runs_past_its_safeguard():
    # The cap on steps only guards against rounding; a round the solver cannot settle in it still answers.
    teams = [team(1, (1, 80), (2, 84)), team(2, (2, 70), (3, 76)), team(3, (3, 60), (1, 61))]
    tolerance, floor = adjusted.TOLERANCE, adjusted.FLOOR
    try:
        adjusted.TOLERANCE = adjusted.FLOOR = 0.0
        assert set(fit(teams).quality) == {1, 2, 3}
    finally:
        adjusted.TOLERANCE, adjusted.FLOOR = tolerance, floor


def test_a_right_hand_side_that_rounding_left_off_zero_still_solves():
    # One team, two judges 0.02 apart: the team's mean leaves 0.01 and −0.01 only to within rounding,
    # which once stalled the solver on the constants, where the judges' Laplacian is zero.
    teams = [team(1, (1, "80.33"), (2, "80.35"))]
    model = fit(teams)
    assert model.judges[1].severity == pytest.approx(-0.01) and model.judges[2].severity == pytest.approx(0.01)
