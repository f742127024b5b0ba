"""Bridging assignments (scoring/bridging.py, through scoring/assign.py): panels assigned group by group are
linked by one visitor per team, under the conflict rules and the load cap, reproducibly; off, nothing changes."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.assign import AssignmentRequest, assign
from scoring.bridging import NO_ELIGIBLE_VISITOR, VISITORS_FULL
from scoring.panels import parts_of_panels
from tests.scoring.slots import judge, team

HOME = 3  # judges in each group's panel


def grouped_round(groups: int, teams_per_group: int, seed: int = 0, **overrides) -> AssignmentRequest:
    """Each group with its own panel of `HOME` judges (ids group × 10 + 1..3), each team scored by 2 of them:
    one connected part per group, as panels assigned group by group are."""
    rng = random.Random(seed)
    teams, existing = [], set()
    for group in range(groups):
        for number in range(teams_per_group):
            team_id = 100 * (group + 1) + number
            teams.append(team(team_id, group=f"G{group}"))
            existing.update((team_id, 10 * group + seat) for seat in rng.sample(range(1, HOME + 1), 2))
    judges = [judge(10 * group + seat) for group in range(groups) for seat in range(1, HOME + 1)]
    values = {"judges_per_team": 2, "existing": frozenset(existing), "bridging": True, "seed": seed}
    return AssignmentRequest(teams=tuple(teams), judges=tuple(judges), **(values | overrides))


def parts(request: AssignmentRequest, pairs) -> list:
    panels: dict[int, list[int]] = {}
    for team_id, judge_id in [*request.existing, *pairs]:
        panels.setdefault(team_id, []).append(judge_id)
    return parts_of_panels(panels.values())


def group_of_judge(judge_id: int) -> str:
    return f"G{judge_id // 10}"


def test_bridging_links_panels_assigned_group_by_group_into_one_part():
    request = grouped_round(groups=6, teams_per_group=10)
    assert len(parts(request, ())) == 6

    result = assign(request)

    assert parts(request, result.pairs) == [(60, 18)]
    assert result.unbridged == ()
    assert result.stats["bridges"] == 60 and result.stats["judge_components"] == 1
    # one visitor per team, beyond its panel, from another group's panel
    assert Counter(team_id for team_id, _judge in result.pairs) == {t.team_id: 1 for t in request.teams}
    group_of_team = {t.team_id: t.group for t in request.teams}
    assert all(group_of_judge(judge_id) != group_of_team[team_id] for team_id, judge_id in result.pairs)


def test_a_groups_visitors_come_from_every_other_panel_in_turn_and_loads_stay_level():
    request = grouped_round(groups=5, teams_per_group=8, seed=3)
    result = assign(request)
    group_of_team = {t.team_id: t.group for t in request.teams}
    for group in ("G0", "G1", "G2", "G3", "G4"):
        visited = Counter(group_of_judge(j) for t, j in result.pairs if group_of_team[t] == group)
        # 8 visitors over the 4 other panels, in turn (the first few may skip a turn to join two parts)
        assert set(visited) == {"G0", "G1", "G2", "G3", "G4"} - {group}
        assert max(visited.values()) - min(visited.values()) <= 2
    assert result.stats["max_load"] - result.stats["min_load"] <= 2


def test_bridging_is_reproducible_and_the_seed_changes_the_visitors():
    request = grouped_round(4, 6)
    assert assign(request).pairs == assign(grouped_round(4, 6)).pairs
    assert assign(request).pairs != assign(AssignmentRequest(**(vars(request) | {"seed": 1}))).pairs


def test_off_by_default_bridging_changes_nothing():
    request = grouped_round(groups=4, teams_per_group=5, bridging=False)
    result = assign(request)
    assert result.pairs == () and result.unbridged == () and "bridges" not in result.stats
    assert len(parts(request, result.pairs)) == 4
    assert AssignmentRequest(teams=(), judges=(), judges_per_team=1).bridging is False


def test_a_team_already_linked_or_a_round_of_one_group_gets_no_visitor():
    # Assigned from the whole round, panels mix groups: every team has a judge who also scores another group.
    teams = [team(t, group=f"G{t % 3}") for t in range(1, 31)]
    judges = [judge(j) for j in range(1, 10)]
    plain = assign(AssignmentRequest(teams=tuple(teams), judges=tuple(judges), judges_per_team=3, seed=2))
    bridged = assign(AssignmentRequest(teams=tuple(teams), judges=tuple(judges), judges_per_team=3, seed=2, bridging=True))
    assert bridged.pairs == plain.pairs and bridged.stats["bridges"] == 0
    # One group: no other panel to link to, and nothing reported.
    single = grouped_round(groups=1, teams_per_group=4)
    assert assign(single).pairs == () and assign(single).unbridged == ()


def test_a_conflicted_judge_is_never_a_visitor_and_a_team_with_no_eligible_visitor_is_reported():
    request = grouped_round(groups=2, teams_per_group=2)
    # G1's judges (11 to 13) declared a conflict with team 100 of G0: no other panel may send it a visitor.
    conflicted = tuple(judge(j.judge_id, declared_teams={100} if j.judge_id > 10 else ()) for j in request.judges)
    result = assign(AssignmentRequest(**(vars(request) | {"judges": conflicted})))
    assert all(team_id != 100 for team_id, _judge in result.pairs)
    assert [(u.team_id, u.reason) for u in result.unbridged] == [(100, NO_ELIGIBLE_VISITOR)]
    other_panel = {judge_id for team_id, judge_id in request.existing if team_id >= 200}
    assert result.unbridged[0].detail.startswith(f"all {len(other_panel)} judges of the other groups' panels have a conflict")
    # Team 100 is still linked: its home judges also score team 101, which got its visitor.
    assert len(parts(request, result.pairs)) == 1


def test_the_load_cap_holds_for_visitors_and_a_team_left_without_one_is_reported():
    request = grouped_round(groups=2, teams_per_group=3, seed=5)
    loads = Counter(judge_id for _team, judge_id in request.existing)
    # G0's judges are full from another batch: G1's teams find no visitor with room; G0's teams find G1's.
    full = tuple(judge(j.judge_id, load=10 - loads[j.judge_id] if j.judge_id < 10 else 0) for j in request.judges)
    result = assign(AssignmentRequest(**(vars(request) | {"judges": full, "max_per_judge": 10})))
    assert [(u.team_id, u.reason) for u in result.unbridged] == [(200, VISITORS_FULL), (201, VISITORS_FULL), (202, VISITORS_FULL)]
    assert (
        result.unbridged[0].detail
        == "3 judges of the other groups' panels may score this team, but every one holds as many teams as allowed"
    )
    assert sorted(team_id for team_id, _judge in result.pairs) == [100, 101, 102]
    assert all(judge_id > 10 for _team, judge_id in result.pairs)


def test_when_every_other_panels_judge_also_scores_the_group_one_of_them_links_the_team():
    # Team 1 (G0) has judge 1 alone; judge 2 scores both groups: the only judge of another panel.
    teams = (team(1, group="G0"), team(2, group="G0"), team(3, group="G1"))
    judges = (judge(1), judge(2))
    existing = frozenset({(1, 1), (2, 2), (3, 2)})
    result = assign(AssignmentRequest(teams=teams, judges=judges, judges_per_team=1, existing=existing, bridging=True))
    assert result.pairs == ((1, 2),)
    assert parts_of_panels([[1, 2], [2], [2]]) == [(3, 2)]


def test_a_team_left_uncovered_gets_no_visitor():
    request = grouped_round(groups=2, teams_per_group=2)
    extra = team(999, group="G0", college_id=500 + 1)  # judge 1's college: with 3 needed, too few eligible
    result = assign(AssignmentRequest(**(vars(request) | {"teams": (*request.teams, extra), "judges_per_team": 6})))
    assert all(team_id != 999 for team_id, _judge in result.pairs)
    assert all(u.team_id != 999 for u in result.unbridged)


@settings(max_examples=40, deadline=None)
@given(
    groups=st.integers(min_value=2, max_value=6),
    teams_per_group=st.integers(min_value=1, max_value=6),
    seed=st.integers(min_value=0, max_value=10_000),
    cap=st.one_of(st.none(), st.integers(min_value=1, max_value=8)),
)
def test_bridged_panels_form_one_part_and_loads_hold(groups, teams_per_group, seed, cap):
    request = grouped_round(groups, teams_per_group, seed=seed)
    loads = Counter(judge_id for _team, judge_id in request.existing)
    cap = None if cap is None else max(loads.values()) + cap - 1
    result = assign(AssignmentRequest(**(vars(request) | {"max_per_judge": cap})))
    after = loads + Counter(judge_id for _team, judge_id in result.pairs)
    assert cap is None or max(after.values()) <= cap
    assert len(result.pairs) + len(result.unbridged) == groups * teams_per_group
    if cap is None:  # a visitor from another part first: one part, even with one team per group
        assert result.unbridged == () and len(parts(request, result.pairs)) == 1
