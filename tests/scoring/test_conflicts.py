"""scoring.conflicts: the conflict-of-interest rules, pair by pair and for a whole request at once."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import assign as assign_module
from scoring import conflicts
from scoring.conflicts import Eligibility, JudgeSlot, TeamSlot, conflict_reason, is_eligible
from tests.scoring.slots import judge, team

TEAM = team(7, college_id=3, province="P1")

CONFLICTS = [
    ("own college", judge(1, colleges={3}), False, "own_college"),
    ("own organization, a second college", judge(1, colleges={9, 3}), False, "own_college"),
    ("advisor", judge(1, advised={7}), False, "advisor"),
    ("declared college", judge(1, declared_colleges={3}), False, "declared_college"),
    ("declared team", judge(1, declared_teams={7}), False, "declared_team"),
    ("same province, avoided", judge(1, province="P1"), True, "same_province"),
    ("same province, allowed", judge(1, province="P1"), False, None),
    ("other province, avoided", judge(1, province="P2"), True, None),
    ("advising another team", judge(1, advised={8}), False, None),
    ("own college comes first", judge(1, colleges={3}, advised={7}, province="P1"), True, "own_college"),
    ("advisor before declared", judge(1, advised={7}, declared_colleges={3}), False, "advisor"),
    ("no conflict", judge(1), True, None),
]


@pytest.mark.parametrize(
    ("panel_judge", "avoid", "expected"), [case[1:] for case in CONFLICTS], ids=[case[0] for case in CONFLICTS]
)
def test_conflict_reason_names_the_first_rule_that_blocks(panel_judge, avoid, expected):
    assert conflict_reason(TEAM, panel_judge, avoid) == expected
    assert is_eligible(TEAM, panel_judge, avoid) is (expected is None)


def test_a_round_letting_its_colleges_judges_sit_lifts_only_the_own_college_rule():
    own = judge(1, colleges={3})
    assert conflict_reason(TEAM, own, own_college_conflict=False) is None
    assert is_eligible(TEAM, own, own_college_conflict=False) and conflicts.same_college(TEAM, own)
    assert conflict_reason(TEAM, judge(1, colleges={3}, advised={7}), own_college_conflict=False) == "advisor"
    assert conflict_reason(TEAM, judge(1, declared_colleges={3}), own_college_conflict=False) == "declared_college"
    assert conflict_reason(TEAM, judge(1, colleges={3}, province="P1"), True, own_college_conflict=False) == "same_province"


def test_an_unknown_province_matches_no_one():
    assert conflict_reason(team(1, province=""), judge(1, province=""), True) is None


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32), st.integers(0, 12), st.integers(1, 8), st.booleans(), st.booleans())
def test_eligibility_answers_for_every_pair_as_the_rules_do(layout, team_count, judge_count, avoid, own_college_conflict):
    rng = random.Random(layout)
    provinces = ("A", "B", "")
    teams = [TeamSlot(i, rng.randint(1, 4), rng.choice(provinces), "") for i in range(team_count)]
    judges = [
        JudgeSlot(
            judge_id=j,
            college_ids=frozenset(rng.sample(range(1, 5), rng.randint(1, 2))),
            province=rng.choice(provinces),
            advised_team_ids=frozenset(rng.sample(range(team_count + 2), rng.randint(0, 2))),
            declared_college_ids=frozenset(rng.sample(range(1, 5), rng.randint(0, 1))),
            declared_team_ids=frozenset(rng.sample(range(team_count + 2), rng.randint(0, 1))),
        )
        for j in range(judge_count)
    ]
    eligibility = Eligibility(teams, judges, avoid, own_college_conflict)
    for t, slot in enumerate(teams):
        allowed = [j for j, judge_slot in enumerate(judges) if is_eligible(slot, judge_slot, avoid, own_college_conflict)]
        assert eligibility.judges(t) == allowed
        assert eligibility.count(t) == len(allowed)
        assert [j for j in range(judge_count) if eligibility.allows(t, j)] == allowed


def test_the_conflict_rules_are_importable_from_scoring_assign():
    for name in ("TeamSlot", "JudgeSlot", "conflict_reason", "is_eligible", "OWN_COLLEGE", "SAME_PROVINCE"):
        assert getattr(assign_module, name) is getattr(conflicts, name)
