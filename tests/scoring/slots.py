"""Teams and judges to assign, for the tests of scoring/conflicts.py and scoring/assign.py."""

from __future__ import annotations

from scoring.conflicts import JudgeSlot, TeamSlot


def team(team_id: int, **overrides) -> TeamSlot:
    """A team from its own college (1000 + id) in province "P1", ungrouped."""
    values = {"team_id": team_id, "college_id": 1000 + team_id, "province": "P1", "group": ""}
    return TeamSlot(**{**values, **overrides})


def judge(judge_id: int, *, colleges=(), province="PJ", advised=(), declared_colleges=(), declared_teams=(), load=0) -> JudgeSlot:
    """A judge from college 500 + id (unless `colleges`), with no conflict unless told."""
    return JudgeSlot(
        judge_id=judge_id,
        college_ids=frozenset(colleges or (500 + judge_id,)),
        province=province,
        advised_team_ids=frozenset(advised),
        declared_college_ids=frozenset(declared_colleges),
        declared_team_ids=frozenset(declared_teams),
        current_load=load,
    )
