"""Assigning judges at national scale: 10,000 teams, 5 judges each, 300 judges, with conflicts.

    python -m bench assign [--teams 10000] [--judges 300] [--k 5] [--seed 1] [--colleges 700] [--slack 10]

A synthetic request (no database): colleges spread over the 31 provinces by weight, judges with 1–2
colleges, 0–5 advised teams and 0–3 declared conflicts, same-province judges avoided, and
max_per_judge = ceil(teams × k / judges) + slack (10; 0 makes capacity tight and calls on repairs). Times `scoring.assign.assign` and checks every hard rule.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections import Counter

from bench.common import load_average, peak_memory_mb, report
from bench.populate import PROVINCE_WEIGHTS
from scoring.assign import AssignmentRequest, JudgeSlot, TeamSlot, assign, conflict_reason


def synthetic_request(*, teams: int, judges: int, k: int, seed: int, colleges: int = 700, slack: int = 10) -> AssignmentRequest:
    """A realistic request: provinces by weight, colleges by province, teams by college (some colleges
    send many teams), judges from those colleges with their advised teams and declared conflicts."""
    rng = random.Random(seed)
    provinces = list(PROVINCE_WEIGHTS)
    college_province = rng.choices(provinces, weights=list(PROVINCE_WEIGHTS.values()), k=colleges)
    college_weights = [rng.paretovariate(1.5) for _ in range(colleges)]
    team_colleges = rng.choices(range(colleges), weights=college_weights, k=teams)
    team_slots = tuple(
        TeamSlot(team_id=index + 1, college_id=college, province=college_province[college], group=college_province[college])
        for index, college in enumerate(team_colleges)
    )
    teams_by_college: dict[int, list[int]] = {}
    for slot in team_slots:
        teams_by_college.setdefault(slot.college_id, []).append(slot.team_id)
    judge_slots = []
    for index in range(judges):
        own = rng.choices(range(colleges), weights=college_weights, k=rng.choice((1, 1, 2)))
        own_teams = [team for college in own for team in teams_by_college.get(college, [])]
        advised = rng.sample(own_teams, min(len(own_teams), rng.randint(0, 5)))
        declared = rng.randint(0, 3)
        declared_colleges = frozenset(rng.sample(range(colleges), rng.randint(0, declared)))
        declared_teams = frozenset(rng.randint(1, teams) for _ in range(declared - len(declared_colleges)))
        judge_slots.append(
            JudgeSlot(
                judge_id=index + 1,
                college_ids=frozenset(own),
                province=college_province[own[0]],
                advised_team_ids=frozenset(advised),
                declared_college_ids=declared_colleges,
                declared_team_ids=declared_teams,
            )
        )
    return AssignmentRequest(
        teams=team_slots,
        judges=tuple(judge_slots),
        judges_per_team=k,
        max_per_judge=math.ceil(teams * k / judges) + slack,
        avoid_same_province=True,
        seed=seed,
    )


def violations(request: AssignmentRequest, pairs: tuple[tuple[int, int], ...]) -> Counter:
    """Every broken rule in `pairs`, counted by rule (empty when the result is sound)."""
    teams = {team.team_id: team for team in request.teams}
    judges = {judge.judge_id: judge for judge in request.judges}
    broken: Counter = Counter()
    if len(set(pairs) | request.existing) != len(pairs) + len(request.existing):
        broken["duplicate_pair"] += 1
    for team_id, judge_id in pairs:
        reason = conflict_reason(teams[team_id], judges[judge_id], request.avoid_same_province, request.own_college_conflict)
        if reason:
            broken[reason] += 1
    loads = Counter(judge_id for _team, judge_id in pairs) + Counter(judge_id for _team, judge_id in request.existing)
    for judge_id, judge in judges.items():
        if request.max_per_judge is not None and loads[judge_id] + judge.current_load > request.max_per_judge:
            broken["over_max_per_judge"] += 1
    held = Counter(team_id for team_id, _judge in request.existing)
    for team_id, seats in Counter(team_id for team_id, _judge in pairs).items():
        if held[team_id] + seats != request.judges_per_team:
            broken["panel_not_k_judges"] += 1  # half-assigned, or more judges than asked
    return broken


#: The smallest meaningful run's options: tests/test_bench.py runs it, so that a bench that no longer runs fails the suite.
SMALLEST = "--teams 60 --judges 12 --k 3 --colleges 20".split()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench assign")
    parser.add_argument("--teams", type=int, default=10000)
    parser.add_argument("--judges", type=int, default=300)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--colleges", type=int, default=700)
    parser.add_argument("--slack", type=int, default=10, help="max_per_judge above the even share")
    args = parser.parse_args(argv)
    request = synthetic_request(
        teams=args.teams, judges=args.judges, k=args.k, seed=args.seed, colleges=args.colleges, slack=args.slack
    )
    started = time.perf_counter()
    result = assign(request)
    seconds = round(time.perf_counter() - started, 3)
    broken = violations(request, result.pairs)
    report(
        "assign",
        {
            "seconds": seconds,
            "target_s": 10.0,
            "teams": args.teams,
            "judges": args.judges,
            "k": args.k,
            "seed": args.seed,
            "colleges": args.colleges,
            "max_per_judge": request.max_per_judge,
            "pairs": len(result.pairs),
            "uncovered": dict(sorted(Counter(item.reason for item in result.uncovered).items())),
            "violations": dict(broken),
            "loads": {key: result.stats[key] for key in ("max_load", "min_load", "mean_load")},
            "overlap": {key: result.stats[key] for key in ("distinct_panels", "judge_components", "cross_group_share")},
            "load_average": load_average(),
            "peak_memory_mb": peak_memory_mb(),
        },
    )
    return 1 if broken else 0
