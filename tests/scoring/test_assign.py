"""Judge assignment (scoring/assign.py): the conflict rules as the assigner applies them, all-or-nothing
panels, capacity, repair, balance and determinism, on plain objects (no database, no app)."""

from __future__ import annotations

import random
from collections import Counter, deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import assign as assign_module
from scoring.assign import (
    JUDGES_FULL,
    STRATEGIES,
    TOO_FEW_ELIGIBLE_JUDGES,
    AssignmentRequest,
    AssignmentResult,
    assign,
    assign_balanced,
    own_college_seats,
)
from scoring.conflicts import JudgeSlot, TeamSlot, is_eligible, same_college
from tests.scoring.slots import judge, team


def request(teams, judges, k: int = 1, **overrides) -> AssignmentRequest:
    return AssignmentRequest(teams=tuple(teams), judges=tuple(judges), judges_per_team=k, **overrides)


def panels(result: AssignmentResult) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for team_id, judge_id in result.pairs:
        found.setdefault(team_id, set()).add(judge_id)
    return found


# The conflict rules, as the assigner applies them -------------------------------------------------

TEAM = team(7, college_id=3, province="P1")

RULES = [
    ("own_college", {"colleges": {3}}, False),
    ("advisor", {"advised": {7}}, False),
    ("declared_college", {"declared_colleges": {3}}, False),
    ("declared_team", {"declared_teams": {7}}, False),
    ("same_province", {"province": "P1"}, True),
]


@pytest.mark.parametrize(("conflict", "avoid"), [(case[1], case[2]) for case in RULES], ids=[case[0] for case in RULES])
def test_a_conflicted_judge_is_never_assigned_however_idle(conflict, avoid):
    idle_but_conflicted = judge(1, **conflict)
    busy = judge(2, load=50)
    result = assign(request([TEAM], [idle_but_conflicted, busy], k=1, avoid_same_province=avoid))
    assert result.pairs == ((7, 2),)
    short = assign(request([TEAM], [idle_but_conflicted, busy], k=2, avoid_same_province=avoid))
    assert short.pairs == ()
    assert [(u.team_id, u.reason) for u in short.uncovered] == [(7, TOO_FEW_ELIGIBLE_JUDGES)]


def test_conflicts_with_teams_outside_the_request_change_nothing():
    result = assign(request([team(1)], [judge(1, advised={99}, declared_teams={98})]))
    assert result.pairs == ((1, 1),)


def test_a_judge_sits_once_on_a_panel():
    result = assign(request([team(1)], [judge(1)], k=2))
    assert result.pairs == ()
    assert result.uncovered[0].reason == TOO_FEW_ELIGIBLE_JUDGES


# Panels: all or nothing, capacity, existing pairs ---------------------------------------------------


def test_too_few_eligible_judges_leaves_the_team_untouched_and_says_how_many():
    teams = [team(1), team(2, college_id=50), team(3)]
    judges = [judge(1, colleges={50}), judge(2, colleges={50}), judge(3)]
    result = assign(request(teams, judges, k=3))
    assert panels(result) == {1: {1, 2, 3}, 3: {1, 2, 3}}
    (short,) = result.uncovered
    assert (short.team_id, short.reason) == (2, TOO_FEW_ELIGIBLE_JUDGES)
    assert "only 1 judges" in short.detail and "3 are needed" in short.detail


def test_judges_full_leaves_the_team_untouched():
    # Judge 2 is full already; judge 3 has room but is from team 1's college: one seat is free, two needed.
    judges = [judge(1), judge(2, load=1), judge(3, colleges={1001})]
    result = assign(request([team(1)], judges, k=2, max_per_judge=1))
    assert result.pairs == ()
    (full,) = result.uncovered
    assert (full.team_id, full.reason) == (1, JUDGES_FULL)
    assert "2 judges pass the conflict rules" in full.detail and "under 1 teams per judge to seat the 2" in full.detail


def test_judges_full_when_capacity_runs_out_everywhere():
    result = assign(request([team(1), team(2), team(3)], [judge(1), judge(2)], k=2, max_per_judge=2))
    assert Counter(judge_id for _team, judge_id in result.pairs) == {1: 2, 2: 2}
    assert [u.reason for u in result.uncovered] == [JUDGES_FULL]
    assert len(panels(result)) == 2


MAX_PER_JUDGE = [
    # (teams, judges, max_per_judge, covered teams, uncovered)
    (4, 2, 2, 4, 0),
    (4, 2, 1, 2, 2),
    (4, 2, 0, 0, 4),
    (5, 3, 2, 5, 0),
    (7, 3, 2, 6, 1),
]


@pytest.mark.parametrize(("team_count", "judge_count", "cap", "covered", "left"), MAX_PER_JUDGE)
def test_max_per_judge_is_never_exceeded(team_count, judge_count, cap, covered, left):
    result = assign(request([team(i) for i in range(team_count)], [judge(j) for j in range(judge_count)], max_per_judge=cap))
    loads = Counter(judge_id for _team, judge_id in result.pairs)
    assert all(load <= cap for load in loads.values())
    assert len(panels(result)) == covered
    assert [u.reason for u in result.uncovered] == [JUDGES_FULL] * left


EXISTING = [
    # (existing pairs, k, expected new pairs per team, load already held per judge)
    ("one of two seats taken", {(1, 1)}, 2, {1: 1, 2: 2}),
    ("team already covered", {(1, 1), (1, 2)}, 2, {1: 0, 2: 2}),
    ("more than enough", {(1, 1), (1, 2), (1, 3)}, 2, {1: 0, 2: 2}),
]


@pytest.mark.parametrize(("existing", "k", "new_seats"), [case[1:4] for case in EXISTING], ids=[case[0] for case in EXISTING])
def test_existing_pairs_count_and_are_never_repeated(existing, k, new_seats):
    result = assign(request([team(1), team(2)], [judge(1), judge(2), judge(3), judge(4)], k=k, existing=frozenset(existing)))
    assert not set(result.pairs) & existing
    seats = Counter(team_id for team_id, _judge in result.pairs)
    assert {team_id: seats[team_id] for team_id in (1, 2)} == new_seats
    for team_id in (1, 2):
        assert len(panels(result).get(team_id, set()) | {j for t, j in existing if t == team_id}) >= k


def test_existing_pairs_use_the_judges_capacity():
    existing = frozenset({(9, 1)})
    result = assign(request([team(9), team(1)], [judge(1), judge(2)], max_per_judge=1, existing=existing))
    assert result.pairs == ((1, 2),)


def test_a_judge_over_capacity_gets_nothing_more():
    result = assign(request([team(1)], [judge(1, load=5)], max_per_judge=3))
    assert result.pairs == () and result.uncovered[0].reason == JUDGES_FULL


# Repair, balance and the hand-worked cases -----------------------------------------------------------


def test_three_colleges_three_judges_worked_by_hand():
    # Each team has exactly the two judges from the other colleges: there is one answer.
    teams = [team(1, college_id=1, group="a"), team(2, college_id=2, group="b"), team(3, college_id=3, group="c")]
    judges = [judge(10, colleges={1}), judge(20, colleges={2}), judge(30, colleges={3})]
    result = assign(request(teams, judges, k=2))
    assert result.pairs == ((1, 20), (1, 30), (2, 10), (2, 30), (3, 10), (3, 20))
    assert result.uncovered == ()
    assert result.stats == {
        "max_load": 2,
        "min_load": 2,
        "mean_load": 2.0,
        "new_pairs": 6,
        "covered_teams": 3,
        "distinct_panels": 3,
        "judge_components": 1,
        "cross_group_share": 1.0,
    }


def repair_case() -> AssignmentRequest:
    """Team A (college 10, group g) may have X or Y; team B (college 20) may have X, Z or W, but Z and W
    are full. A is taken first (2 eligible judges against 3) and takes X: loads tie at 1, and Y already
    judges E, of A's group. B then finds every judge full; the repair moves A from X to Y and seats X on B."""
    x = judge(1, colleges={1}, load=1)
    y = judge(2, colleges={20})
    z = judge(3, colleges={2}, declared_colleges={10}, load=2)
    w = judge(4, colleges={3}, declared_colleges={10}, load=2)
    teams = [team(100, college_id=10, group="g"), team(200, college_id=20, group="h"), team(300, college_id=30, group="g")]
    return request(teams, [x, y, z, w], k=1, max_per_judge=2, existing=frozenset({(300, 2)}))


@pytest.mark.parametrize("seed", range(4))
def test_a_full_judge_is_freed_by_moving_one_of_their_teams(seed):
    base = repair_case()
    result = assign(AssignmentRequest(**{**base.__dict__, "seed": seed}))
    assert result.pairs == ((100, 2), (200, 1))
    assert result.uncovered == ()


def test_a_chain_of_two_moves_frees_a_judge():
    """A (group a) may have X or Y, B (group b) Y or Z, C X or the full F1, F2. A takes X and B takes Y
    (equal loads; Y already judges a team of group a, Z one of group b). C finds X full: B moves to Z,
    A to Y, and X is free for C."""
    x = judge(1, colleges={1}, declared_colleges={20}, load=2)
    y = judge(2, colleges={2}, declared_colleges={30}, load=1)
    z = judge(3, colleges={10}, declared_colleges={30}, load=1)
    full = [judge(j, colleges={10}, declared_colleges={20}, load=3) for j in (4, 5)]
    teams = [
        team(1, college_id=10, group="a"),
        team(2, college_id=20, group="b"),
        team(3, college_id=30, group="c"),
        team(4, college_id=40, group="a"),
        team(5, college_id=50, group="b"),
    ]
    for seed in range(4):
        result = assign(request(teams, [x, y, z, *full], max_per_judge=3, existing=frozenset({(4, 2), (5, 3)}), seed=seed))
        assert result.pairs == ((1, 2), (2, 3), (3, 1))


def test_no_chain_leaves_the_team_uncovered():
    """A takes X and Y, its only judges; C may have X, Y or the full F, and A cannot move: nothing is left."""
    x, y = judge(1, colleges={1}), judge(2, colleges={2})
    f = judge(3, colleges={3}, declared_colleges={10}, load=1)
    elsewhere = [judge(j, colleges={10, 20}) for j in (4, 5)]
    result = assign(request([team(1, college_id=10), team(2, college_id=20)], [x, y, f, *elsewhere], k=2, max_per_judge=1))
    assert result.pairs == ((1, 1), (1, 2))
    assert [(u.team_id, u.reason) for u in result.uncovered] == [(2, JUDGES_FULL)]


def test_repair_is_bounded_in_moves(monkeypatch):
    monkeypatch.setattr(assign_module, "REPAIR_MAX_MOVES", 0)
    result = assign(repair_case())
    assert result.pairs == ((100, 1),)
    assert [(u.team_id, u.reason) for u in result.uncovered] == [(200, JUDGES_FULL)]


def test_loads_are_levelled_by_moving_teams_to_less_loaded_judges():
    """T1 may have X or Y, T2 may have X or Z (Z is full). Whichever comes first, X must not end with both."""
    x = judge(1, colleges={1}, load=1)
    y = judge(2, colleges={20})
    z = judge(3, colleges={2}, declared_colleges={10}, load=3)
    teams = [team(1, college_id=10, group="g"), team(2, college_id=20, group="h"), team(3, college_id=30, group="g")]
    for seed in range(8):
        result = assign(request(teams, [x, y, z], max_per_judge=3, existing=frozenset({(3, 2)}), seed=seed))
        assert result.pairs == ((1, 2), (2, 1))


def test_panels_spread_over_judges_and_groups():
    teams = [team(i, group=f"g{i % 4}") for i in range(40)]
    result = assign(request(teams, [judge(j) for j in range(10)], k=3, seed=5))
    assert result.stats["distinct_panels"] > 20
    assert result.stats["judge_components"] == 1
    assert result.stats["cross_group_share"] == 1.0
    assert result.stats["max_load"] - result.stats["min_load"] <= 1


def test_one_group_has_no_cross_group_share_and_nothing_to_do_is_fine():
    assert assign(request([team(1)], [judge(1)])).stats["cross_group_share"] is None
    empty = assign(request([], []))
    assert empty == AssignmentResult(
        (),
        (),
        {
            "max_load": 0,
            "min_load": 0,
            "mean_load": 0.0,
            "new_pairs": 0,
            "covered_teams": 0,
            "distinct_panels": 0,
            "judge_components": 0,
            "cross_group_share": None,
        },
    )


# A school round that lets a college's own judges sit: at most half of a panel, outside judges first ---

COLLEGE = 3


def own_judges(team_id: int, result: AssignmentResult, existing=frozenset()) -> int:
    """How many of team `team_id`'s panel (new and existing pairs) are judges 1-9, those of college 3."""
    panel = panels(result).get(team_id, set()) | {j for t, j in existing if t == team_id}
    return sum(1 for judge_id in panel if judge_id < 10)


def insiders(*ids: int, **overrides) -> list[JudgeSlot]:
    return [judge(j, colleges={COLLEGE}, **overrides) for j in ids]


def outsiders(*ids: int, **overrides) -> list[JudgeSlot]:
    return [judge(j, **overrides) for j in ids]  # 10 and above: their own colleges, 500 + id


def test_own_college_judges_sit_only_where_the_round_lets_them():
    teams = [team(1, college_id=COLLEGE)]
    refused = assign(request(teams, insiders(1, 2, 3), k=2))
    assert refused.pairs == () and refused.uncovered[0].reason == TOO_FEW_ELIGIBLE_JUDGES
    allowed = assign(request(teams, insiders(1, 2, 3), k=2, own_college_conflict=False))
    assert len(allowed.pairs) == 2 and allowed.uncovered == ()  # no outside judge at all: the college's own fill it


@pytest.mark.parametrize("seed", range(6))
def test_with_enough_outside_judges_at_most_half_of_a_panel_is_of_the_college(seed):
    teams = [team(t, college_id=COLLEGE) for t in range(1, 9)]
    result = assign(request(teams, insiders(1, 2, 3) + outsiders(10, 11, 12), k=3, own_college_conflict=False, seed=seed))
    assert result.uncovered == () and len(result.pairs) == 24
    assert all(own_judges(t.team_id, result) == 1 for t in teams)  # at most one of three; one, for balance
    loads = Counter(judge_id for _team, judge_id in result.pairs)
    for kind in ((1, 2, 3), (10, 11, 12)):  # outside judges carry two seats of three: levelled within each kind
        assert max(loads[j] for j in kind) - min(loads[j] for j in kind) <= 1


def test_outside_judges_come_first():
    result = assign(request([team(1, college_id=COLLEGE)], insiders(1, 2) + outsiders(10, 11), k=2, own_college_conflict=False))
    assert panels(result) == {1: {10, 11}}


def test_with_too_few_outside_judges_the_college_fills_the_rest():
    result = assign(request([team(1, college_id=COLLEGE)], insiders(1, 2, 3) + outsiders(10), k=3, own_college_conflict=False))
    assert own_judges(1, result) == 2 and 10 in panels(result)[1]


def test_own_college_seats_already_taken_count():
    existing = frozenset({(1, 1)})
    judges = insiders(1, 2, 3) + outsiders(10, 11, 12)
    result = assign(request([team(1, college_id=COLLEGE)], judges, k=3, own_college_conflict=False, existing=existing))
    assert panels(result) == {1: {10, 11}} and own_judges(1, result, existing) == 1


def test_too_few_judges_when_the_college_may_hold_only_some_seats_says_so():
    judges = insiders(1) + outsiders(10)
    result = assign(request([team(1, college_id=COLLEGE)], judges, k=3, own_college_conflict=False))
    (short,) = result.uncovered
    assert short.reason == TOO_FEW_ELIGIBLE_JUDGES and "1 of them, of its own college, may hold at most 2" in short.detail


def test_a_full_outside_judge_is_not_replaced_by_one_of_the_college():
    """k = 1 and an outside judge exists: the seat is his. Full after team 1, he cannot take team 2, and no
    move may put the college's own judge on team 1 instead: team 2 waits for capacity."""
    teams = [team(1, college_id=COLLEGE), team(2, college_id=COLLEGE)]
    result = assign(request(teams, insiders(1) + outsiders(10), k=1, max_per_judge=1, own_college_conflict=False))
    assert [judge_id for _team, judge_id in result.pairs] == [10]
    assert [u.reason for u in result.uncovered] == [JUDGES_FULL]


def test_a_move_between_judges_of_the_college_keeps_its_seats():
    """Team A (college 3, one of its two seats for its college) may have insiders 1, 2 and outsider 10; team
    B (college 40) insider 1 and outsider 11, the others being full. When A took insider 1 first, the repair
    moves A to insider 2, one of the college for another, and seats insider 1 on B."""
    teams = [team(1, college_id=COLLEGE, group="a"), team(2, college_id=40, group="b")]
    judges = [
        *insiders(1),
        *insiders(2, declared_colleges={40}),
        *outsiders(10, declared_colleges={40}),
        *outsiders(11, declared_colleges={COLLEGE}),
        *[judge(j, colleges={60}, declared_colleges={COLLEGE}, load=1) for j in (20, 21, 22)],
    ]
    for seed in range(8):
        result = assign(request(teams, judges, k=2, max_per_judge=1, own_college_conflict=False, seed=seed))
        assert panels(result) == {1: {2, 10}, 2: {1, 11}}


@pytest.mark.parametrize(
    ("k", "outside", "seats"), [(5, 10, 2), (5, 3, 2), (5, 2, 3), (3, 2, 1), (3, 1, 2), (1, 1, 0), (1, 0, 1)]
)
def test_own_college_seats(k, outside, seats):
    assert own_college_seats(k, outside) == seats


# Determinism, the registry and malformed requests -----------------------------------------------------


def busy_request(seed: int) -> AssignmentRequest:
    teams = [team(i, college_id=i % 5, province=f"P{i % 3}", group=f"g{i % 4}") for i in range(30)]
    judges = [judge(j, colleges={j % 5}, province=f"P{j % 4}", advised={j}) for j in range(9)]
    return request(teams, judges, k=2, avoid_same_province=True, seed=seed)


def test_the_same_seed_gives_the_same_result():
    assert assign(busy_request(3)) == assign(busy_request(3))


def test_another_seed_may_give_another_result():
    results = {assign(busy_request(seed)).pairs for seed in range(6)}
    assert len(results) > 1


def test_the_registry_knows_balanced_and_refuses_an_unknown_key():
    assert STRATEGIES == {"balanced": assign_balanced}
    assert assign(busy_request(1), "balanced") == assign_balanced(busy_request(1))
    with pytest.raises(ValueError, match="unknown assignment strategy 'fair'; known: balanced"):
        assign(busy_request(1), "fair")


MALFORMED = [
    ("k below one", {"judges_per_team": 0}, "judges_per_team must be at least 1"),
    ("negative cap", {"max_per_judge": -1}, "max_per_judge must not be negative"),
    ("team twice", {"teams": (team(1), team(1))}, "team_id appears twice"),
    ("judge twice", {"judges": (judge(1), judge(1))}, "judge_id appears twice"),
    ("negative load", {"judges": (judge(1, load=-1),)}, "negative current_load"),
    ("unknown team", {"existing": frozenset({(5, 1)})}, r"existing pair \(5, 1\)"),
    ("unknown judge", {"existing": frozenset({(1, 5)})}, r"existing pair \(1, 5\)"),
]


@pytest.mark.parametrize(("overrides", "message"), [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED])
def test_a_malformed_request_is_refused(overrides, message):
    base = {"teams": (team(1),), "judges": (judge(1),), "judges_per_team": 1}
    with pytest.raises(ValueError, match=message):
        assign(AssignmentRequest(**{**base, **overrides}))


# Properties on random small instances ----------------------------------------------------------------

PROVINCES = ("A", "B", "C", "")
GROUPS = ("g1", "g2", "g3", "")


@st.composite
def instances(draw, *, all_eligible: bool = False, capped: bool | None = None, own_college: bool = False) -> AssignmentRequest:
    """Up to 30 teams and 12 judges over up to 8 colleges and 4 provinces, with advised and declared teams,
    declared colleges, current loads and existing pairs; `all_eligible` makes no conflict at all.

    Hypothesis draws the sizes and knobs (and shrinks them); the details come from a drawn `layout` seed,
    which keeps 200 examples quick."""
    team_count, judge_count = draw(st.integers(0, 30)), draw(st.integers(1, 12))
    k, colleges = draw(st.integers(1, 3)), draw(st.integers(1, 8))
    conflicts = draw(st.integers(0, 3))  # at most this many advised, declared teams and existing pairs each
    capped = draw(st.booleans()) if capped is None else capped
    cap = draw(st.integers(0, 8)) if capped else None
    avoid = False if all_eligible else draw(st.booleans())
    rng = random.Random(draw(st.integers(0, 2**32)))
    teams = tuple(TeamSlot(i, rng.randint(1, colleges), rng.choice(PROVINCES), rng.choice(GROUPS)) for i in range(team_count))

    def some_teams() -> frozenset[int]:
        return frozenset(rng.sample(range(team_count), min(team_count, rng.randint(0, conflicts))))

    judges = tuple(
        JudgeSlot(j, frozenset({100 + j}), "Z", frozenset(), frozenset(), frozenset())
        if all_eligible
        else JudgeSlot(
            judge_id=j,
            college_ids=frozenset(rng.sample(range(1, 9), rng.randint(1, 2))),
            province=rng.choice(PROVINCES),
            advised_team_ids=some_teams(),
            declared_college_ids=frozenset(rng.sample(range(1, 9), rng.randint(0, 1))),
            declared_team_ids=some_teams(),
            current_load=rng.choice((0, 0, 0, 1, 2)),
        )
        for j in range(judge_count)
    )
    existing = (
        frozenset()
        if all_eligible or not team_count
        else frozenset((rng.randrange(team_count), rng.randrange(judge_count)) for _ in range(rng.randint(0, 2 * conflicts)))
    )
    return AssignmentRequest(teams, judges, k, cap, avoid, draw(st.integers(0, 2**16)), existing, not own_college)


def facts(req: AssignmentRequest):
    """Per team: the judges already on it, the eligible judges not on it, and the new seats it needs."""
    on = {t.team_id: {j for team_id, j in req.existing if team_id == t.team_id} for t in req.teams}
    free = {
        t.team_id: [j.judge_id for j in req.judges if j.judge_id not in on[t.team_id] and eligible(req, t, j)] for t in req.teams
    }
    need = {t.team_id: max(0, req.judges_per_team - len(on[t.team_id])) for t in req.teams}
    seats = {t.team_id: len(free[t.team_id]) - own_seats_lost(req, t, on[t.team_id]) for t in req.teams}
    coverable = {team_id for team_id in need if len(on[team_id]) + seats[team_id] >= req.judges_per_team}
    return on, free, need, coverable


def eligible(req: AssignmentRequest, team_slot: TeamSlot, judge_slot: JudgeSlot) -> bool:
    return is_eligible(team_slot, judge_slot, req.avoid_same_province, req.own_college_conflict)


def own_limit(req: AssignmentRequest, team_slot: TeamSlot) -> int:
    """The most judges of the team's college its panel may hold: half (rounded down) while the other half
    can be found outside the college, more when it cannot (written again here, from the domain rule)."""
    if req.own_college_conflict:
        return 0
    k = req.judges_per_team
    outside = sum(1 for j in req.judges if eligible(req, team_slot, j) and team_slot.college_id not in j.college_ids)
    return k // 2 if outside >= k - k // 2 else k - outside


def own_seats_lost(req: AssignmentRequest, team_slot: TeamSlot, on: set[int]) -> int:
    """Free eligible judges of the team's college beyond the seats its college may still take."""
    if req.own_college_conflict:
        return 0
    own_free = [j for j in req.judges if j.judge_id not in on and eligible(req, team_slot, j) and same_college(team_slot, j)]
    own_on = sum(1 for j in req.judges if j.judge_id in on and same_college(team_slot, j))
    return len(own_free) - min(len(own_free), max(0, own_limit(req, team_slot) - own_on))


def max_flow_covers_all(req: AssignmentRequest) -> bool:
    """Exact oracle: can every coverable team get its missing seats at once, within every judge's capacity?
    Max flow source → team (demand) → eligible judge (1) → sink (spare capacity), by BFS augmenting paths."""
    on, free, need, coverable = facts(req)
    held = Counter(j for _t, j in req.existing)
    spare = {j.judge_id: max(0, req.max_per_judge - j.current_load - held[j.judge_id]) for j in req.judges}
    source, sink = ("s",), ("t",)
    residual: dict = {}

    def edge(a, b, capacity):
        residual.setdefault(a, {})[b] = residual.get(a, {}).get(b, 0) + capacity
        residual.setdefault(b, {}).setdefault(a, 0)

    demand = 0
    for team_id in coverable:
        if need[team_id]:
            demand += need[team_id]
            edge(source, ("team", team_id), need[team_id])
            for judge_id in free[team_id]:
                edge(("team", team_id), ("judge", judge_id), 1)
    for judge_id, capacity in spare.items():
        edge(("judge", judge_id), sink, capacity)
    flow = 0
    while True:
        previous = {source: None}
        queue = deque([source])
        while queue and sink not in previous:
            node = queue.popleft()
            for nxt, capacity in residual.get(node, {}).items():
                if capacity > 0 and nxt not in previous:
                    previous[nxt] = node
                    queue.append(nxt)
        if sink not in previous:
            return flow == demand
        node = sink
        while previous[node] is not None:
            residual[previous[node]][node] -= 1
            residual[node][previous[node]] += 1
            node = previous[node]
        flow += 1


def check_sound(req: AssignmentRequest, result: AssignmentResult) -> None:
    """No broken hard rule, no half-assigned team, honest reasons."""
    teams = {t.team_id: t for t in req.teams}
    judges = {j.judge_id: j for j in req.judges}
    on, _free, need, coverable = facts(req)
    assert len(set(result.pairs)) == len(result.pairs) and not set(result.pairs) & req.existing
    for team_id, judge_id in result.pairs:
        assert eligible(req, teams[team_id], judges[judge_id])
    for team_id, seats_given in Counter(team_id for team_id, _judge in result.pairs).items():
        panel = on[team_id] | {j for t, j in result.pairs if t == team_id}
        own_on = sum(1 for judge_id in panel if same_college(teams[team_id], judges[judge_id]))
        held = sum(1 for judge_id in on[team_id] if same_college(teams[team_id], judges[judge_id]))
        assert req.own_college_conflict or seats_given and own_on <= max(held, own_limit(req, teams[team_id]))
    if req.max_per_judge is not None:
        held = Counter(j for _t, j in req.existing)
        new = Counter(j for _t, j in result.pairs)
        for judge_id, slot in judges.items():
            before = slot.current_load + held[judge_id]
            assert new[judge_id] == 0 or before + new[judge_id] <= req.max_per_judge
    seats = Counter(team_id for team_id, _judge in result.pairs)
    uncovered = {u.team_id: u.reason for u in result.uncovered}
    for team_id in teams:
        assert seats[team_id] in (0, need[team_id])
        if team_id in uncovered:
            assert need[team_id] and seats[team_id] == 0
            assert uncovered[team_id] == (JUDGES_FULL if team_id in coverable else TOO_FEW_ELIGIBLE_JUDGES)
        else:
            assert len(on[team_id]) + seats[team_id] >= req.judges_per_team


@settings(max_examples=200, deadline=None)
@given(instances())
def test_no_hard_rule_is_broken_and_no_team_is_half_assigned(req):
    result = assign(req)
    check_sound(req, result)
    assert assign(req) == result


@settings(max_examples=200, deadline=None)
@given(instances(capped=False))
def test_without_a_cap_every_team_with_enough_eligible_judges_is_covered(req):
    result = assign(req)
    check_sound(req, result)
    _on, _free, need, coverable = facts(req)
    assert {u.team_id for u in result.uncovered} == {t for t in need if need[t] and t not in coverable}


@settings(max_examples=200, deadline=None)
@given(instances(all_eligible=True, capped=False))
def test_loads_stay_within_one_when_every_judge_may_judge_every_team(req):
    result = assign(req)
    check_sound(req, result)
    loads = Counter(judge_id for _team, judge_id in result.pairs)
    values = [loads[j.judge_id] for j in req.judges]
    assert max(values) - min(values) <= 1


@settings(max_examples=200, deadline=None)
@given(instances(capped=True))
def test_with_a_cap_every_team_is_covered_whenever_a_max_flow_covers_them_all(req):
    """Whenever the coverable teams can all be covered at once (exact max flow), they all are: each team
    is repaired by augmenting paths, which exist as long as the teams covered so far plus this one can be
    covered together. Teams without enough eligible judges are never coverable and are left out."""
    result = assign(req)
    check_sound(req, result)
    if max_flow_covers_all(req):
        assert all(u.reason == TOO_FEW_ELIGIBLE_JUDGES for u in result.uncovered)


@settings(max_examples=200, deadline=None)
@given(instances(own_college=True))
def test_a_college_s_own_judges_never_hold_more_than_their_seats(req):
    """With the college's own judges allowed, every hard rule still holds, no panel holds more of them than
    `own_college_seats` lets it (existing pairs aside), and without a cap every team that can be covered is."""
    result = assign(req)
    check_sound(req, result)
    assert assign(req) == result
    if req.max_per_judge is None:
        _on, _free, need, coverable = facts(req)
        assert {u.team_id for u in result.uncovered} == {t for t in need if need[t] and t not in coverable}
