"""Results at national scale, and when z-scores help: timing the pure results core, then a simulation.

    python -m bench scoring [--teams 10000] [--judges-per-team 5] [--judges 300] [--criteria 6] [--seed 1]
                            [--groups 50] [--repeat 5] [--sim-teams 2000] [--sim-seeds 20]

1. Timing (no database): a synthetic round of `teams` teams in `groups` groups, each scored by
   `judges-per-team` of `judges` judges on `criteria` items (the common 100-point sheet for 6; values on a
   0.5 step; judges with their own severity), tie-breaks raw_sum then the first item. Times
   `rank_teams` for every aggregation method (best and median of `repeat` runs; the best is held to
   the 0.5 s target, 1 s for ``adjusted``), then `judge_statistics`, `assign_tiers` (8 / 12 / 20) and `select_advancing` (top 30%
   per group).
2. Simulation: teams with a known true quality, judges with a known severity (a constant offset) and noise,
   and Kendall's tau-b between the true order and the ranks from `mean`, `zscore` and `adjusted`, over
   `sim-seeds` seeds, in four scenarios (`SCENARIOS`): small panels that differ in severity, groups that
   differ in strength (where z-scores erase real differences between groups and lose), both at once (each
   team's panel linked to other groups' by the visitor Laurel's bridging assigns), and a national round of
   5 judges of 300 drawn at random per team; and, as extra rows, the first three with panels linked in a ring.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from decimal import Decimal

from app.results.services import collector_paused
from bench.common import load_average, peak_memory_mb, report
from scoring.advance import select_advancing
from scoring.aggregate import METHODS
from scoring.assign import AssignmentRequest, JudgeSlot, TeamSlot, assign
from scoring.awards import Tier, assign_tiers
from scoring.judges import judge_statistics
from scoring.model import Rule, Sheet, TeamSheets
from scoring.results import rank_teams
from scoring.sheets import Item, sheet_total

TARGET_S = 0.5
#: The adjusted method solves a least-squares model of the round's judges: a target of its own.
TARGETS_S = {"adjusted": 1.0}
COMMON_SHEET = [15, 15, 15, 15, 20, 20]  # 实用性与创新能力, 产品与服务, 市场分析, 营销策略, 方案实现, 总体评价
HALF = Decimal("0.5")


def half_step(value: float, top: int) -> Decimal:
    """`value` clamped to 0..top and rounded to the nearest 0.5, as a judge would enter it."""
    return Decimal(round(min(max(value, 0.0), top) * 2)) * HALF


def synthetic_round(
    *, teams: int, judges_per_team: int, judges: int, criteria: int, groups: int, seed: int
) -> tuple[list[TeamSheets], Decimal]:
    """A national-scale round and its sheet's highest total: team quality ~ N(0.72, 0.09) of each item's
    maximum, judge severity ~ N(0, 0.04), noise ~ N(0, 0.05) per item."""
    rng = random.Random(seed)
    maxima = (COMMON_SHEET + [10] * criteria)[:criteria]
    items = [Item(f"c{index + 1}", Decimal(top), step=HALF) for index, top in enumerate(maxima)]
    severity = [rng.gauss(0, 0.04) for _ in range(judges)]
    round_teams = []
    for team_id in range(1, teams + 1):
        quality = rng.gauss(0.72, 0.09)
        sheets = []
        for judge in rng.sample(range(judges), judges_per_team):
            values = {
                item.key: half_step(top * (quality + severity[judge] + rng.gauss(0, 0.05)), top)
                for item, top in zip(items, maxima, strict=True)
            }
            sheets.append(Sheet(judge + 1, sheet_total(items, values), values))
        round_teams.append(TeamSheets(team_id, judges_per_team, tuple(sheets), group=f"G{rng.randrange(groups):02d}"))
    return round_teams, Decimal(sum(maxima))


def timed(function, repeat: int) -> tuple[dict, object]:
    """The fastest and the median of `repeat` runs, in seconds, and the last run's answer. Each run pauses
    the cyclic collector (`app.results.services.collector_paused`), as the results service runs these functions."""
    times, answer = [], None
    for _ in range(repeat):
        answer = None  # the previous answer is freed before the next run, as between two requests
        with collector_paused():
            started = time.perf_counter()
            answer = function()
            times.append(time.perf_counter() - started)
    return {"best": round(min(times), 4), "median": round(statistics.median(times), 4)}, answer


# Kendall's tau-b, O(n log n) (Knight's algorithm) --------------------------------------------------------


def _tied_pairs(ordered: list) -> int:
    pairs, run = 0, 1
    for previous, current in zip(ordered, ordered[1:], strict=False):
        if current == previous:
            run += 1
        else:
            pairs, run = pairs + run * (run - 1) // 2, 1
    return pairs + run * (run - 1) // 2


def _sort_counting_inversions(values: list) -> tuple[list, int]:
    """`values` sorted, and the number of pairs i < j with values[i] > values[j]."""
    if len(values) < 2:
        return values, 0
    middle = len(values) // 2
    left, left_swaps = _sort_counting_inversions(values[:middle])
    right, right_swaps = _sort_counting_inversions(values[middle:])
    merged, swaps, i, j = [], left_swaps + right_swaps, 0, 0
    while i < len(left) and j < len(right):
        if right[j] < left[i]:
            merged.append(right[j])
            swaps += len(left) - i
            j += 1
        else:
            merged.append(left[i])
            i += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged, swaps


def kendall_tau_b(xs: list, ys: list) -> float:
    """Kendall's tau-b between two paired sequences (ties counted as tau-b does); 1 is the same order."""
    n = len(xs)
    pairs = sorted(zip(xs, ys, strict=True))
    total = n * (n - 1) // 2
    x_ties = _tied_pairs([x for x, _y in pairs])
    joint_ties = _tied_pairs(pairs)
    ordered_ys, swaps = _sort_counting_inversions([y for _x, y in pairs])
    y_ties = _tied_pairs(ordered_ys)
    # Among pairs tied in x, sorting by (x, y) leaves no inversion; concordant − discordant:
    numerator = total - x_ties - y_ties + joint_ties - 2 * swaps
    return numerator / math.sqrt((total - x_ties) * (total - y_ties))


# The simulation ------------------------------------------------------------------------------------------

#: The methods the simulation compares.
COMPARED = ("mean", "zscore", "adjusted")

SCENARIOS = {
    # Panels differ: every group has its own 3 judges, whose severities (sd 8 points) dwarf their noise
    # (sd 3); groups are equally strong. Each team is scored by 2 of its group's judges and gets a visitor
    # from another group's panel as `autoAssign` with bridging seats one (`scoring.bridging`).
    "panels_differ": {"severity_sd": 8.0, "noise_sd": 3.0, "group_strength_sd": 0.0, "linking": "bridging"},
    # Groups differ in strength (sd 6 points), judges are about equally severe (sd 1): the z-score, which
    # standardizes each judge against the teams they saw, takes real group differences for severity.
    "groups_differ": {"severity_sd": 1.0, "noise_sd": 3.0, "group_strength_sd": 6.0, "linking": "bridging"},
    # Both at once: panels as severe as in the first scenario, groups as unequal as in the second; neither
    # the mean nor the z-score is right here, and the organizer cannot tell which error is the larger.
    "both_differ": {"severity_sd": 8.0, "noise_sd": 3.0, "group_strength_sd": 6.0, "linking": "bridging"},
    # A national round: each team scored by 5 judges of 300 drawn at random, judges' severity sd 4, groups
    # (provinces) of unequal strength: panels overlap everywhere, so the mean is already fair on average.
    "national": {"severity_sd": 4.0, "noise_sd": 3.0, "group_strength_sd": 6.0, "linking": "national"},
    # Extra rows, the first three with the visitor always from the next group's panel (a ring), as panels
    # linked by hand might be: two distant groups' severities are compared through every group between
    # them, and the errors add up along the way.
    "panels_differ_ring": {"severity_sd": 8.0, "noise_sd": 3.0, "group_strength_sd": 0.0, "linking": "ring"},
    "groups_differ_ring": {"severity_sd": 1.0, "noise_sd": 3.0, "group_strength_sd": 6.0, "linking": "ring"},
    "both_differ_ring": {"severity_sd": 8.0, "noise_sd": 3.0, "group_strength_sd": 6.0, "linking": "ring"},
}
NATIONAL_JUDGES, NATIONAL_PANEL = 300, 5
HOME_JUDGES, HOME_PANEL = 3, 2


def simulated_round(
    *, teams: int, groups: int, seed: int, severity_sd: float, noise_sd: float, group_strength_sd: float, linking: str
) -> tuple[list[TeamSheets], dict[int, float]]:
    """`teams` teams in `groups` groups. Each group has 3 home judges, and a team is scored by 2 of them and
    a visitor: the one `autoAssign` with bridging seats (``bridging``: `scoring.assign` given the home pairs
    as existing, seeded by `seed`), or one of the next group's judges (``ring``). With ``national``, a team
    is scored by 5 of 300 judges drawn at random. A total is 70 + true quality + judge severity + noise, on
    a 0.5 step, the true quality 8 × N(0, 1) + its group's strength. Returns the round and each team's true
    quality."""
    rng = random.Random(seed)
    national = linking == "national"
    severity = [rng.gauss(0, severity_sd) for _ in range(NATIONAL_JUDGES if national else groups * HOME_JUDGES)]
    strength = [rng.gauss(0, group_strength_sd) for _ in range(groups)]
    panels: dict[int, list[int]] = {}
    truth: dict[int, float] = {}
    for team_id in range(1, teams + 1):
        group = (team_id - 1) % groups
        truth[team_id] = 8 * rng.gauss(0, 1) + strength[group]
        if national:
            panels[team_id] = rng.sample(range(NATIONAL_JUDGES), NATIONAL_PANEL)
        else:
            home = group * HOME_JUDGES
            panels[team_id] = rng.sample(range(home, home + HOME_JUDGES), HOME_PANEL)
            if linking == "ring":
                panels[team_id].append((group + 1) % groups * HOME_JUDGES + rng.randrange(HOME_JUDGES))
    if linking == "bridging":
        for team_id, judge in bridged_visitors(panels, groups, seed):
            panels[team_id].append(judge)
    round_teams = []
    for team_id, judges in panels.items():
        quality = truth[team_id]
        sheets = tuple(
            Sheet(judge + 1, half_step(70 + quality + severity[judge] + rng.gauss(0, noise_sd), 100)) for judge in judges
        )
        round_teams.append(TeamSheets(team_id, len(sheets), sheets, group=f"G{(team_id - 1) % groups:02d}"))
    return round_teams, truth


def bridged_visitors(panels: dict[int, list[int]], groups: int, seed: int) -> tuple[tuple[int, int], ...]:
    """The visitors `autoAssign` with bridging adds to home panels (no conflicts, no load cap): (team, judge) pairs."""
    teams = tuple(TeamSlot(team_id, None, "", f"G{(team_id - 1) % groups:02d}") for team_id in panels)
    judges = tuple(
        JudgeSlot(judge, frozenset(), "", frozenset(), frozenset(), frozenset()) for judge in range(groups * HOME_JUDGES)
    )
    existing = frozenset((team_id, judge) for team_id, panel in panels.items() for judge in panel)
    request = AssignmentRequest(teams, judges, judges_per_team=HOME_PANEL, seed=seed, existing=existing, bridging=True)
    return assign(request).pairs


def simulate(*, teams: int, groups: int, seeds: list[int]) -> dict:
    """Kendall's tau-b of each compared method's ranks to the true order, per scenario: the mean over the
    seeds, each seed's, and whether ``adjusted`` is at least as good as the better of the others (and
    strictly better than both) on the seeds' mean."""
    figures = {}
    for name, scenario in SCENARIOS.items():
        taus: dict[str, list[float]] = {method: [] for method in COMPARED}
        for seed in seeds:
            round_teams, truth = simulated_round(teams=teams, groups=groups, seed=seed, **scenario)
            true_order = [truth[team.team_id] for team in round_teams]
            for method in taus:
                ranks = {result.team_id: result.rank for result in rank_teams(round_teams, Rule(method=method))}
                taus[method].append(kendall_tau_b(true_order, [-ranks[team.team_id] for team in round_teams]))
        means = {method: statistics.fmean(values) for method, values in taus.items()}
        best_other = max(means["mean"], means["zscore"])
        figures[name] = {
            **scenario,
            **{f"kendall_tau_{method}": round(value, 4) for method, value in means.items()},
            **{f"per_seed_{method}": [round(tau, 4) for tau in values] for method, values in taus.items()},
            "adjusted_at_least_as_good": means["adjusted"] >= best_other,
            "adjusted_strictly_better": means["adjusted"] > best_other,
        }
    return figures


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--teams 60 --judges 12 --groups 4 --repeat 1 --sim-teams 60 --sim-seeds 1".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scoring")
    parser.add_argument("--teams", type=int, default=10000)
    parser.add_argument("--judges-per-team", type=int, default=5)
    parser.add_argument("--judges", type=int, default=300)
    parser.add_argument("--criteria", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--groups", type=int, default=50, help="groups (provinces) for select_advancing and the simulation")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per step; the best is held to the target")
    parser.add_argument("--sim-teams", type=int, default=2000)
    parser.add_argument("--sim-seeds", type=int, default=20)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    round_teams, scale_max = synthetic_round(
        teams=args.teams,
        judges_per_team=args.judges_per_team,
        judges=args.judges,
        criteria=args.criteria,
        groups=args.groups,
        seed=args.seed,
    )
    build_s = round(time.perf_counter() - started, 2)

    compute_s, tied_teams, results = {}, {}, []
    for method in METHODS:
        rule = Rule(
            method=method, judges_per_team=args.judges_per_team, scale_max=scale_max, tie_breaks=("raw_sum", "criterion:c1")
        )
        compute_s[method], found = timed(lambda rule=rule: rank_teams(round_teams, rule), args.repeat)
        tied_teams[method] = sum(result.tied for result in found)
        if method == "mean":
            results = found  # the national rule feeds the judges' figures, the awards and the advancement
        del found  # only one round's results alive at a time, as in a request
    consensus = {result.team_id: result.score for result in results}
    tiers = [Tier("special", count=8), Tier("first", count=12), Tier("second", count=20)]
    judges_s, judge_figures = timed(lambda: judge_statistics(round_teams, consensus), args.repeat)
    awards_s, outcome = timed(lambda: assign_tiers(results, tiers), args.repeat)
    advance_s, advancement = timed(lambda: select_advancing(results, share=Decimal("0.3"), per_group=True), args.repeat)

    sim_started = time.perf_counter()
    simulation = simulate(teams=args.sim_teams, groups=args.groups, seeds=list(range(args.seed, args.seed + args.sim_seeds)))
    report(
        "scoring",
        {
            "teams": args.teams,
            "judges_per_team": args.judges_per_team,
            "judges": args.judges,
            "criteria": args.criteria,
            "groups": args.groups,
            "seed": args.seed,
            "repeat": args.repeat,
            "build_round_s": build_s,
            "compute_results_s": compute_s,
            "target_s": {method: TARGETS_S.get(method, TARGET_S) for method in compute_s},
            "within_target": all(seconds["best"] < TARGETS_S.get(method, TARGET_S) for method, seconds in compute_s.items()),
            "judge_statistics_s": judges_s,
            "assign_tiers_s": awards_s,
            "select_advancing_s": advance_s,
            "tied_teams": tied_teams,
            "flags": {
                flag: sum(flag in result.flags for result in results) for flag in ("disagreement", "few_judges", "missing_sheets")
            },
            "judges_reported": len(judge_figures),
            "awards": len(outcome.awards),
            "tier_ties": len(outcome.ties),
            "advanced": len(advancement.advanced),
            "cut_ties": len(advancement.ties),
            "simulation": {
                "teams": args.sim_teams,
                "groups": args.groups,
                "seeds": args.sim_seeds,
                "scenarios": simulation,
                "seconds": round(time.perf_counter() - sim_started, 2),
            },
            "load_average": load_average(),
            "peak_memory_mb": peak_memory_mb(),
        },
    )
    return 0
