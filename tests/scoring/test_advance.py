"""scoring.advance: quotas by count or share, overall or per group, minimum scores, and ties at the cut."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.advance import Advancement, CutTie, places_for, select_advancing
from scoring.model import Rule, Sheet, TeamResult, TeamSheets
from scoring.results import rank_teams


def results_of(*teams: tuple) -> list[TeamResult]:
    """Results of a round where each team has one total (or None: no sheet); teams are (score, group), numbered 1, 2, …"""
    return rank_teams(
        [
            TeamSheets(team_id, 1, () if score is None else (Sheet(1, Decimal(str(score))),), group)
            for team_id, (score, group) in enumerate(teams, start=1)
        ],
        Rule(),
    )


def overall(*scores) -> list[TeamResult]:
    return results_of(*((score, "") for score in scores))


CASES = [
    # (name, results, options, advanced, ties)
    ("top two", overall(90, 80, 70), {"top": 2}, (1, 2), ()),
    ("a tie at the cut is flagged and kept out", overall(90, 80, 80, 70), {"top": 2}, (1,), (CutTie("", 1, (2, 3)),)),
    ("a tie at the cut is included", overall(90, 80, 80, 70), {"top": 2, "ties": "include"}, (1, 2, 3), ()),
    ("a tie that fits", overall(90, 80, 80, 70), {"top": 3}, (1, 2, 3), ()),
    ("a tie for first with one place", overall(90, 90, 80), {"top": 1}, (), (CutTie("", 1, (1, 2)),)),
    ("a tie for first with one place, included", overall(90, 90, 80), {"top": 1, "ties": "include"}, (1, 2), ()),
    ("a tie just below the cut is no tie at the cut", overall(90, 80, 70, 70), {"top": 2}, (1, 2), ()),
    (
        "the open place stays open: no lower team jumps a flagged tie",
        overall(90, 80, 80, 80, 70),
        {"top": 3},
        (1,),
        (CutTie("", 2, (2, 3, 4)),),
    ),
    ("no places", overall(90, 80), {"top": 0}, (), ()),
    ("more places than teams", overall(90, 80), {"top": 5}, (1, 2), ()),
    ("a share rounds down: 5% of 39 teams is 1", overall(*range(100, 61, -1)), {"share": Decimal("0.05")}, (1,), ()),
    ("5% of 40 teams is 2", overall(*range(100, 60, -1)), {"share": Decimal("0.05")}, (1, 2), ()),
    ("a share as a fraction", overall(90, 80, 70), {"share": Fraction(2, 3)}, (1, 2), ()),
    ("everyone", overall(90, 80, 80), {"share": Decimal(1)}, (1, 2, 3), ()),
    ("teams without a score never advance", overall(None, 90, None), {"top": 3}, (2,), ()),
    ("teams without a score do not count toward a share", overall(90, 80, None, None), {"share": Decimal("0.5")}, (1,), ()),
    ("below the minimum score", overall(90, 85, "79.5", 70), {"top": 3, "min_score": Decimal(80)}, (1, 2), ()),
    ("exactly the minimum score", overall(90, 80, 80), {"top": 3, "min_score": Decimal(80)}, (1, 2, 3), ()),
    ("a tie below the minimum is no tie at the cut", overall(90, 70, 70), {"top": 2, "min_score": Decimal(80)}, (1,), ()),
    (
        "top 1 per group, in overall order",
        results_of((70, "b"), (90, "a"), (60, "b"), (85, "a")),
        {"top": 1, "per_group": True},
        (2, 1),
        (),
    ),
    (
        "a share per group",
        results_of((90, "a"), (85, "a"), (80, "a"), (70, "b"), (60, "b")),
        {"share": Decimal("0.5"), "per_group": True},
        (1, 4),
        (),
    ),
    (
        "a group's rank counts only its own members",
        results_of((99, "a"), (98, "a"), (50, "b"), (40, "b")),
        {"top": 1, "per_group": True},
        (1, 3),
        (),
    ),
    (
        "a tie in one group leaves the others alone",
        results_of((90, "a"), (90, "a"), (80, "b"), (70, "b")),
        {"top": 1, "per_group": True},
        (3,),
        (CutTie("a", 1, (1, 2)),),
    ),
    (
        "ties listed by group",
        results_of((90, "b"), (90, "b"), (80, "a"), (80, "a")),
        {"top": 1, "per_group": True},
        (),
        (CutTie("a", 1, (3, 4)), CutTie("b", 1, (1, 2))),
    ),
    ("groups are ignored overall", results_of((90, "a"), (85, "a"), (80, "b")), {"top": 2}, (1, 2), ()),
]


@pytest.mark.parametrize(
    ("results", "options", "advanced", "ties"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_select_advancing(results, options, advanced, ties):
    assert select_advancing(results, **options) == Advancement(advanced, ties)


def test_the_order_of_the_results_does_not_matter():
    results = results_of((70, "b"), (90, "a"), (90, "a"), (60, "b"), (85, "a"))
    assert select_advancing(results[::-1], top=2, per_group=True) == select_advancing(results, top=2, per_group=True)


def test_places_for():
    assert places_for(39, share=Decimal("0.05")) == 1
    assert places_for(10, top=3) == 3
    assert places_for(7, share=Fraction(1, 7)) == 1


REFUSALS = [
    ("both top and share", {"top": 1, "share": Decimal("0.5")}, "exactly one of top and share"),
    ("neither", {}, "exactly one of top and share"),
    ("negative top", {"top": -1}, "top must not be negative"),
    ("zero share", {"share": Decimal(0)}, "share must be above 0 and at most 1"),
    ("share above 1", {"share": Decimal("1.5")}, "share must be above 0 and at most 1"),
    ("unknown ties policy", {"top": 1, "ties": "coin"}, "unknown ties policy 'coin'"),
]


@pytest.mark.parametrize(("options", "message"), [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS])
def test_bad_quotas_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        select_advancing(overall(90), **options)


scores = st.lists(st.one_of(st.none(), st.sampled_from([60, 70, 80, 90])), max_size=15)


@settings(max_examples=100, deadline=None)
@given(scores, st.integers(0, 5), st.booleans())
def test_flagged_quotas_are_never_exceeded_and_never_split_a_tie(values, top, per_group):
    results = results_of(*((value, "ab"[index % 2]) for index, value in enumerate(values)))
    outcome = select_advancing(results, top=top, per_group=per_group)
    chosen = set(outcome.advanced)
    by_group: dict[str, list[TeamResult]] = {}
    for result in results:
        by_group.setdefault(result.group if per_group else "", []).append(result)
    for members in by_group.values():
        assert sum(result.team_id in chosen for result in members) <= top
        for a in members:
            for b in members:
                if a.team_id in chosen and b.team_id not in chosen:
                    assert b.score is None or b.rank > a.rank  # no tie split, nobody jumped
