"""Assigning judges to teams: the conflict rules never bend, then coverage, balance and overlap.

Hard rules, never broken:

- the conflict-of-interest rules of `scoring.conflicts` (own college, advisor, declared college or team,
  and, when the round avoids it, same province; `conflict_reason` names the first one that blocks a pair);
- a judge sits at most once on a team, and never holds more than ``max_per_judge`` teams, counting their
  ``current_load`` and the ``existing`` pairs;
- when the round lets a college's own judges sit on its teams (``own_college_conflict`` off, school rounds),
  at least half of a panel is from outside the team's college wherever enough outside judges pass the rules:
  a team holds at most ``judges_per_team // 2`` judges of its own college, or as many more as it needs when
  too few outside judges are eligible (`scoring.conflicts.own_college_seats`). Outside judges are tried first.

A team is either covered (``judges_per_team`` judges in all, ``existing`` pairs counting) or gets no new pair:
nothing is half-assigned. Beyond that the goals, in order: cover every team that can be covered, balance the
judges' loads, let panels overlap across groups (so that judges' severities can be compared), and be
deterministic: the same request, seed included, gives the same result. With ``bridging``, each team whose
judges all score its group alone then gets one judge more, a visitor from another group's panel
(`scoring.bridging`), under the same rules.

Strategies are chosen by a string key from `STRATEGIES`; an unknown key is an error. The conflict rules'
names (`TeamSlot`, `JudgeSlot`, `conflict_reason`, `is_eligible`, `same_college`, `own_college_seats` and the
reasons) are importable from here
too, as the callers that build a request use them together.
"""

from __future__ import annotations

import random
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice, takewhile

from scoring.bridging import bridge
from scoring.conflicts import (
    ADVISOR,
    DECLARED_COLLEGE,
    DECLARED_TEAM,
    OWN_COLLEGE,
    SAME_PROVINCE,
    Eligibility,
    JudgeSlot,
    OwnCollegeSeats,
    TeamSlot,
    conflict_reason,
    is_eligible,
    own_college_seats,
    same_college,
)
from scoring.panels import JudgeLinks

__all__ = [
    "ADVISOR",
    "DECLARED_COLLEGE",
    "DECLARED_TEAM",
    "JUDGES_FULL",
    "OWN_COLLEGE",
    "REPAIR_MAX_MOVES",
    "SAME_PROVINCE",
    "STRATEGIES",
    "TOO_FEW_ELIGIBLE_JUDGES",
    "AssignmentRequest",
    "AssignmentResult",
    "JudgeSlot",
    "TeamSlot",
    "Uncovered",
    "assign",
    "assign_balanced",
    "conflict_reason",
    "is_eligible",
    "own_college_seats",
    "same_college",
]

TOO_FEW_ELIGIBLE_JUDGES = "too_few_eligible_judges"
JUDGES_FULL = "judges_full"

#: The longest chain of moves the repair step tries when a team's eligible judges are all full.
REPAIR_MAX_MOVES = 64


@dataclass(frozen=True)
class AssignmentRequest:
    """What to assign. `existing` holds (team_id, judge_id) pairs already made: they count toward the
    team's `judges_per_team` and the judge's load, are never repeated and never moved. `bridging` adds a
    visitor to each team whose panel links to no other group's (`scoring.bridging`), beyond `judges_per_team`."""

    teams: tuple[TeamSlot, ...]
    judges: tuple[JudgeSlot, ...]
    judges_per_team: int
    max_per_judge: int | None = None
    avoid_same_province: bool = False
    seed: int = 0
    existing: frozenset[tuple[int, int]] = frozenset()
    own_college_conflict: bool = True
    bridging: bool = False


@dataclass(frozen=True)
class Uncovered:
    """A team that got no new judge: `reason` is a machine key, `detail` a sentence for the organizer."""

    team_id: int
    reason: str
    detail: str


@dataclass(frozen=True)
class AssignmentResult:
    """The new (team_id, judge_id) pairs, sorted (existing pairs are not repeated), the teams left
    uncovered, sorted by team id, figures on loads and overlap (see `assign_balanced`), and with bridging
    the teams that needed a visitor and got none (`scoring.bridging`'s reasons), sorted by team id."""

    pairs: tuple[tuple[int, int], ...]
    uncovered: tuple[Uncovered, ...]
    stats: dict = field(default_factory=dict)
    unbridged: tuple[Uncovered, ...] = ()


def assign_balanced(request: AssignmentRequest) -> AssignmentResult:
    """Cover every coverable team with `judges_per_team` judges, keeping loads level and panels mixed.

    1. Teams are taken fewest eligible judges first (ties in a seeded random order). A team with fewer
       eligible judges than it needs is left uncovered (`too_few_eligible_judges`); with
       `own_college_conflict` off, its own college's judges count only up to `own_college_seats`.
    2. A team takes the eligible judges with spare capacity and the lowest load; among equal loads, those
       holding the fewest teams of the team's group, then a seeded per-team random order. With
       `own_college_conflict` off, outside judges come first, then its own college's, up to their seats;
       no move of the steps below puts more of a team's own college on its panel than that.
    3. When every eligible judge of a team is full, the repair step searches (breadth first, at most
       `REPAIR_MAX_MOVES` moves) for a chain that frees a seat: move one of a full judge's teams to another
       eligible judge, and so on until a judge with spare capacity takes the last one. This is an augmenting
       path: whenever the teams covered so far and this team can all be covered together, it is found (for
       chains within the bound). Failing that, the team's new pairs are undone (`judges_full`).
    4. A last pass moves teams from a judge to an eligible judge whose load is at least 2 lower, while any
       such move exists, so loads end within 1 of each other wherever the rules allow.
    5. With `bridging`, visitors are seated (`scoring.bridging.bridge`); they are never moved.

    `stats`: max_load, min_load, mean_load (loads count current_load and existing pairs), new_pairs,
    covered_teams, distinct_panels (among covered teams), judge_components (groups of judges linked by
    sharing a team), and cross_group_share: the share of groups with a team seen by a judge who also judged
    another group (None with fewer than two groups); with `bridging`, bridges: the visitors seated.

    Raises ValueError for a malformed request: duplicate ids, judges_per_team < 1, max_per_judge < 0,
    current_load < 0, or an existing pair naming an unknown team or judge.
    """
    return _BalancedAssigner(request).run()


STRATEGIES: dict[str, Callable[[AssignmentRequest], AssignmentResult]] = {"balanced": assign_balanced}


def assign(request: AssignmentRequest, strategy: str = "balanced") -> AssignmentResult:
    """Assign judges with the strategy registered under `strategy`; an unknown key raises ValueError."""
    try:
        method = STRATEGIES[strategy]
    except KeyError:
        raise ValueError(f"unknown assignment strategy {strategy!r}; known: {', '.join(sorted(STRATEGIES))}") from None
    return method(request)


def _check(request: AssignmentRequest) -> None:
    if request.judges_per_team < 1:
        raise ValueError(f"judges_per_team must be at least 1, not {request.judges_per_team}")
    if request.max_per_judge is not None and request.max_per_judge < 0:
        raise ValueError(f"max_per_judge must not be negative, not {request.max_per_judge}")
    team_ids = [team.team_id for team in request.teams]
    judge_ids = [judge.judge_id for judge in request.judges]
    if len(set(team_ids)) != len(team_ids):
        raise ValueError("a team_id appears twice in the request")
    if len(set(judge_ids)) != len(judge_ids):
        raise ValueError("a judge_id appears twice in the request")
    for judge in request.judges:
        if judge.current_load < 0:
            raise ValueError(f"judge {judge.judge_id} has a negative current_load")
    known_teams, known_judges = set(team_ids), set(judge_ids)
    for team_id, judge_id in sorted(request.existing):
        if team_id not in known_teams or judge_id not in known_judges:
            raise ValueError(f"existing pair ({team_id}, {judge_id}) names a team or judge not in the request")


class _BalancedAssigner:
    """The state of one `assign_balanced` run; teams and judges are numbered by their position."""

    def __init__(self, request: AssignmentRequest) -> None:
        _check(request)
        self.request = request
        self.rng = random.Random(request.seed)
        teams, judges = request.teams, request.judges
        self.k = request.judges_per_team
        self.capacity = sys.maxsize if request.max_per_judge is None else request.max_per_judge
        judge_count = len(judges)
        self.eligibility = Eligibility(teams, judges, request.avoid_same_province, request.own_college_conflict)
        self.own_rule = not request.own_college_conflict
        self.seats = OwnCollegeSeats(teams, judges, self.eligibility, self.k, self.own_rule)
        self.own = self.seats.own

        # Loads count current_load and existing pairs; only new pairs (in `new_of`) may move.
        self.load = [judge.current_load for judge in judges]
        self.panel: list[set[int]] = [set() for _ in teams]
        self.new_of: list[dict[int, None]] = [{} for _ in judges]
        self.group_of = [team.group for team in teams]
        self.group_counts: dict[str, list[int]] = {}
        team_at = {team.team_id: index for index, team in enumerate(teams)}
        judge_at = {judge.judge_id: index for index, judge in enumerate(judges)}
        for team_id, judge_id in sorted(request.existing):
            t, j = team_at[team_id], judge_at[judge_id]
            self.panel[t].add(j)
            self.load[j] += 1
            self._counts(self.group_of[t])[j] += 1
            self.seats.hold(t, judges[j])
        self.spare = sum(max(0, self.capacity - load) for load in self.load) if request.max_per_judge is not None else 0
        self.dead: set[int] = set()  # judges from which no chain of moves reaches spare capacity
        self.bridges = 0  # visitors seated by `_bridge`

        # Seeded tie-breaking: a random rank per judge, scrambled again for each team (see `_cover`).
        ranks = list(range(judge_count))
        self.rng.shuffle(ranks)
        self.rank = ranks
        self.rank_bits = max(1, (judge_count - 1).bit_length())
        self.judge_of_rank = [0] * (1 << self.rank_bits)
        for j, rank in enumerate(ranks):
            self.judge_of_rank[rank] = j
        self.count_bits = (len(teams) + len(request.existing) + 1).bit_length()

    def _counts(self, group: str) -> list[int]:
        counts = self.group_counts.get(group)
        if counts is None:
            counts = self.group_counts[group] = [0] * len(self.request.judges)
        return counts

    def _add(self, t: int, j: int) -> None:
        self.seats.held[t] += j in self.own[t]
        self.panel[t].add(j)
        self.new_of[j][t] = None
        self.load[j] += 1
        self.group_counts[self.group_of[t]][j] += 1
        self.spare -= 1

    def _remove(self, t: int, j: int) -> None:
        self.seats.held[t] -= j in self.own[t]
        self.panel[t].discard(j)
        del self.new_of[j][t]
        self.load[j] -= 1
        self.group_counts[self.group_of[t]][j] -= 1
        self.spare += 1

    def run(self) -> AssignmentResult:
        teams = self.request.teams
        eligible_count = [self.eligibility.count(t) for t in range(len(teams))]
        shuffled = list(range(len(teams)))
        self.rng.shuffle(shuffled)
        order = sorted(range(len(teams)), key=lambda t: (eligible_count[t], shuffled[t]))
        uncovered: list[Uncovered] = []
        for t in order:
            need = self.k - len(self.panel[t])
            if need <= 0:
                continue
            self._counts(self.group_of[t])
            available = eligible_count[t] - sum(1 for j in self.panel[t] if self.eligibility.allows(t, j))
            own_free = len(self.own[t] - self.panel[t])
            available -= own_free - min(own_free, self.seats.left(t))
            if available < need:
                detail = (
                    f"only {eligible_count[t]} judges pass the conflict rules for this team "
                    f"({len(self.panel[t])} already on it); {self.k} are needed"
                )
                if self.own[t]:
                    detail += f", and {len(self.own[t])} of them, of its own college, may hold at most {self.seats.cap[t]}"
                uncovered.append(Uncovered(teams[t].team_id, TOO_FEW_ELIGIBLE_JUDGES, detail))
            elif not self._cover(t, need):
                uncovered.append(
                    Uncovered(
                        teams[t].team_id,
                        JUDGES_FULL,
                        f"{eligible_count[t]} judges pass the conflict rules for this team, but too few have room left "
                        f"under {self.capacity} teams per judge to seat the {need} it needs",
                    )
                )
        self._rebalance()
        unbridged = self._bridge() if self.request.bridging else ()
        pairs = sorted(
            (teams[t].team_id, judge.judge_id) for judge, new in zip(self.request.judges, self.new_of, strict=True) for t in new
        )
        return AssignmentResult(tuple(pairs), tuple(sorted(uncovered, key=lambda u: u.team_id)), self._stats(), unbridged)

    def _bridge(self) -> tuple[Uncovered, ...]:
        def seat(t: int, j: int) -> None:
            self._counts(self.group_of[t])  # a team covered by `existing` alone has not counted its group yet
            self._add(t, j)
            self.bridges += 1

        left = bridge(
            self.group_of,
            self.panel,
            self.load,
            lambda t, j: self.eligibility.allows(t, j) and self.seats.may_take(t, -1, j),
            lambda j: self.load[j] < self.capacity,
            seat,
            self.rng,
        )
        teams = self.request.teams
        return tuple(sorted((Uncovered(teams[t].team_id, reason, detail) for t, reason, detail in left), key=lambda u: u.team_id))

    def _cover(self, t: int, need: int) -> bool:
        """Seat `need` more judges on team `t`, all or none."""
        if self.request.max_per_judge is not None and self.spare < need:
            return False  # every chain of moves ends at spare capacity: there is not enough left anywhere
        load, panel, capacity = self.load, self.panel[t], self.capacity
        counts = self.group_counts[self.group_of[t]]
        rank, judge_of_rank = self.rank, self.judge_of_rank
        # This team's order among equal keys: r -> ((r ^ mask) * odd + shift) mod 2**bits, a bijection.
        low = (1 << self.rank_bits) - 1
        mask, odd, shift = (
            self.rng.getrandbits(self.rank_bits),
            self.rng.getrandbits(self.rank_bits) | 1,
            self.rng.getrandbits(self.rank_bits),
        )
        undo = pow(odd, -1, low + 1)
        count_shift = self.rank_bits
        load_shift = self.rank_bits + self.count_bits
        eligible, own = self.eligibility.judges(t), self.own[t]
        # Outside judges first, then (a school round letting them sit) the college's own, up to their seats.
        sections = [[j for j in eligible if j not in own], [j for j in eligible if j in own]] if own else [eligible]
        seated: list[int] = []
        for section in sections:
            keys = sorted(
                [(load[j] << load_shift) | (counts[j] << count_shift) | (((rank[j] ^ mask) * odd + shift) & low) for j in section]
            )
            ordered = (judge_of_rank[((((key & low) - shift) * undo) & low) ^ mask] for key in keys)
            for j in islice((j for j in ordered if j not in panel), need - len(seated)):
                if load[j] >= capacity or not self.seats.may_take(t, -1, j):
                    break  # sorted by load: every judge after this one is full too (or no own seat is left)
                self._add(t, j)
                seated.append(j)
        while len(seated) < need:
            j = self._augment(t)
            if j is None:
                if seated:
                    for seated_judge in seated:  # `t` never moves during its own repair: these are its new seats
                        self._remove(t, seated_judge)
                    self.dead.clear()  # the seats just freed may open chains again
                return False
            seated.append(j)
        return True

    def _augment(self, t: int) -> int | None:
        """Seat one more judge on `t` through a chain of moves ending at a judge with spare capacity.

        Breadth first over judges: from a full judge, each of their movable teams may move to another
        eligible judge not yet on it. Returns the judge now seated on `t`, or None when there is no chain."""
        parent: dict[int, tuple[int, int]] = {}  # judge -> (previous judge or -1, team that moves onto it)
        depth: dict[int, int] = {}
        seen_teams = {t}
        queue: deque[int] = deque()
        capacity, load, dead = self.capacity, self.load, self.dead
        for j in self.eligibility.judges(t):  # all full: `_cover` seated every one with spare capacity
            if j not in self.panel[t] and j not in dead and self.seats.may_take(t, -1, j):
                parent[j] = (-1, t)
                depth[j] = 1
                queue.append(j)
        cut = False
        while queue:
            j = queue.popleft()
            if depth[j] > REPAIR_MAX_MOVES:
                cut = True
                continue
            for moving in self.new_of[j]:
                if moving in seen_teams:
                    continue
                seen_teams.add(moving)
                for other in self.eligibility.judges(moving):
                    if other in parent or other in dead or other in self.panel[moving]:
                        continue
                    if self.own_rule and not self.seats.may_take(moving, j, other):
                        continue
                    parent[other] = (j, moving)
                    if load[other] < capacity:
                        return self._apply(other, parent)
                    depth[other] = depth[j] + 1
                    queue.append(other)
        if not cut and not self.own_rule:  # own seats change as teams move: a dead end may open again
            dead.update(parent)
        return None

    def _apply(self, end: int, parent: dict[int, tuple[int, int]]) -> int:
        j = end
        while True:
            previous, team = parent[j]
            self._add(team, j)
            if previous < 0:
                return j
            self._remove(team, previous)
            j = previous

    def _rebalance(self) -> None:
        """Move teams from a judge to an eligible judge with a load at least 2 lower, while any move exists.

        Every move lowers the sum of squared loads, so this ends; a sweep with no move checks every pair."""
        load, rank, panel = self.load, self.rank, self.panel
        judges = range(len(self.request.judges))
        while True:
            moved = False
            light = sorted(judges, key=lambda j: (load[j], rank[j]))
            for heavy in sorted(judges, key=lambda j: (-load[j], rank[j])):
                if load[heavy] - load[light[0]] < 2:
                    break
                for t in list(self.new_of[heavy]):
                    lighter = takewhile(lambda c, ceiling=load[heavy] - 2: load[c] <= ceiling, light)
                    target = next(
                        (
                            c
                            for c in lighter
                            if c not in panel[t] and self.eligibility.allows(t, c) and self.seats.may_take(t, heavy, c)
                        ),
                        None,
                    )
                    if target is not None:
                        self._remove(t, heavy)
                        self._add(t, target)
                        moved = True
            if not moved:
                return

    def _stats(self) -> dict:
        judges, teams, panel = self.request.judges, self.request.teams, self.panel
        loads = self.load
        covered = [t for t in range(len(teams)) if len(panel[t]) >= self.k]
        groups_of_judge: list[set[str]] = [set() for _ in judges]
        for t in range(len(teams)):
            for j in panel[t]:
                groups_of_judge[j].add(self.group_of[t])
        judged = [j for j in range(len(judges)) if groups_of_judge[j]]
        groups = {self.group_of[t] for t in range(len(teams)) if panel[t]}
        linked = set().union(*(groups_of_judge[j] for j in judged if len(groups_of_judge[j]) > 1))
        return {
            "max_load": max(loads, default=0),
            "min_load": min(loads, default=0),
            "mean_load": round(sum(loads) / len(loads), 3) if loads else 0.0,
            "new_pairs": sum(len(new) for new in self.new_of),
            "covered_teams": len(covered),
            "distinct_panels": len({frozenset(panel[t]) for t in covered}),
            "judge_components": JudgeLinks(sorted(members) for members in panel).count,
            "cross_group_share": round(len(linked) / len(groups), 4) if len(groups) > 1 else None,
        } | ({"bridges": self.bridges} if self.request.bridging else {})
