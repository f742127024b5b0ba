"""Which teams advance to the next round: top N or a share, overall or per group, never splitting a tie.

The rules, applied to a round's results (`scoring.results.rank_teams`):

- Places: per group (college, province; ``per_group``) or for the whole round: ``top`` teams, or
  floor(``share`` × the group's ranked teams) (shares round down: 5% of 39 teams is 1 place).
- Only teams with a score are ranked; a team without one, or with a score below ``min_score``, never
  advances and leaves its place empty.
- Within a group teams are taken in the order of the overall rank; a team's rank in its group is 1 + the
  number of group members with a strictly better overall rank.
- A tied group (equal rank) that does not fit the places left: with ``ties="flag"`` the whole group stays
  out, the places stay open and the tie is reported (`CutTie`) for the organizer to settle; with
  ``ties="include"`` the whole group advances, taking more places than the quota. Teams ranked below such a
  group never jump over it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import groupby

from scoring.model import TeamResult, check_tie_policy


@dataclass(frozen=True)
class CutTie:
    """Teams of equal rank in `group` ("" when advancement is overall) that do not fit the `places_left`."""

    group: str
    places_left: int
    team_ids: tuple[int, ...]


@dataclass(frozen=True)
class Advancement:
    """The advancing team ids in overall rank order (then team id), and the ties left to the organizer."""

    advanced: tuple[int, ...]
    ties: tuple[CutTie, ...]


def places_for(count: int, *, top: int | None = None, share: Fraction | Decimal | None = None) -> int:
    """The places for `count` ranked teams: `top`, or floor(share × count).

    >>> places_for(39, share=Decimal("0.05")), places_for(40, share=Decimal("0.05")), places_for(39, top=3)
    (1, 2, 3)
    """
    if top is not None:
        return top
    return math.floor(Fraction(share) * count)


def select_advancing(
    results: Sequence[TeamResult],
    *,
    top: int | None = None,
    share: Fraction | Decimal | None = None,
    per_group: bool = False,
    min_score: Decimal | None = None,
    ties: str = "flag",
) -> Advancement:
    """The teams that advance under the quota (see the module's docstring).

    Exactly one of `top` (at least 0) and `share` (0 < share ≤ 1) is given; `ties` is "flag" or "include";
    anything else raises ValueError.

    >>> from scoring.model import TeamResult
    >>> def result(team_id, rank, group="a"):
    ...     return TeamResult(team_id=team_id, group=group, score=Fraction(100 - rank), rank=rank, tied=False, judges={},
    ...                       spread=Decimal(0), raw_sum=Decimal(0), flags=())
    >>> results = [result(1, 1), result(2, 2), result(3, 2), result(4, 4)]
    >>> select_advancing(results, top=2)
    Advancement(advanced=(1,), ties=(CutTie(group='', places_left=1, team_ids=(2, 3)),))
    >>> select_advancing(results, top=2, ties="include").advanced
    (1, 2, 3)
    """
    if (top is None) == (share is None):
        raise ValueError("give exactly one of top and share")
    if top is not None and top < 0:
        raise ValueError(f"top must not be negative, not {top}")
    if share is not None and not 0 < Fraction(share) <= 1:
        raise ValueError(f"share must be above 0 and at most 1, not {share}")
    check_tie_policy(ties)
    floor = None if min_score is None else Fraction(min_score)

    groups: dict[str, list[TeamResult]] = {}
    for result in results:
        if result.score is not None:
            groups.setdefault(result.group if per_group else "", []).append(result)

    advanced: list[TeamResult] = []
    cut_ties: list[CutTie] = []
    for group in sorted(groups):
        members = sorted(groups[group], key=lambda result: (result.rank, result.team_id))
        left = places_for(len(members), top=top, share=share)
        for _rank, equal in groupby(members, key=lambda result: result.rank):
            tied = list(equal)
            if not left or (floor is not None and tied[0].score < floor):
                break  # equal ranks have equal scores: the whole group is below the minimum, and all after it
            if len(tied) > left:
                if ties == "flag":
                    cut_ties.append(CutTie(group, left, tuple(sorted(result.team_id for result in tied))))
                    break
                left = len(tied)
            advanced.extend(tied)
            left -= len(tied)
    advanced.sort(key=lambda result: (result.rank, result.team_id))
    return Advancement(tuple(result.team_id for result in advanced), tuple(cut_ties))
