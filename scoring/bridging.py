"""Bridging assignments: one visiting judge per team, from another group's panel, so that panels connect.

A group's panel is the set of judges who score its teams. When every group has a panel of its own (panels
assigned group by group, by hand or in batches), the judges and teams form one connected part per group, and
the ``adjusted`` method (`scoring.adjusted`) cannot compare one part's severity with another's. Bridging gives
each team one judge more, besides its panel's: a visitor, who scores teams of another group and none of this
one. Each visitor links two panels, and the visitors of a group's teams go to the other panels in turn, in a
seeded random order, so that every group is linked to many others directly: a round whose panels were linked
in a ring would compare two distant groups only through every group between them, adding their errors.
While the round is still in several parts, a visitor from another part than the team's comes first, so that
the visitors always end in one part when the rules let them (random links alone could close small circles).

A team needs no visitor when one of its judges already scores a team of another group (an assignment drawn
from the whole round, as `scoring.assign` makes, is linked from the start), or when it has no judge at all
(it was left uncovered). Conflicts of interest and each judge's load cap hold for visitors as for any judge;
a team that gets none is reported with the reason (`NO_ELIGIBLE_VISITOR`, `VISITORS_FULL`). Within the
chosen panel the visitor is the judge with the lowest load, ties in a seeded random order. When no judge of
another panel is outside the team's group's panel (they all score this group too) one of them is seated
all the same, as it still links the team to the other panels; a round of one group has nothing to link.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Sequence
from typing import NamedTuple

from scoring.panels import JudgeLinks

#: Every judge of the other panels has a conflict of interest with the team.
NO_ELIGIBLE_VISITOR = "no_eligible_visitor"
#: The other panels' judges who may score the team hold as many teams as they may.
VISITORS_FULL = "visitors_full"


class Unbridged(NamedTuple):
    """A team (by position) that needed a visitor and got none: a reason key and a sentence for the organizer."""

    team: int
    reason: str
    detail: str


def bridge(
    groups: Sequence[str],
    panels: Sequence[set[int]],
    load: Sequence[int],
    may_sit: Callable[[int, int], bool],
    has_room: Callable[[int], bool],
    seat: Callable[[int, int], None],
    rng: random.Random,
) -> list[Unbridged]:
    """Seat one visitor on every team that needs one (see the module's docstring); teams and judges are
    numbered by position. `groups[t]` is team t's group, `panels[t]` its judges (`seat(t, j)` adds judge j
    there and to `load`), `may_sit(t, j)` whether the conflict rules let judge j sit on team t, and
    `has_room(j)` whether judge j may take one team more. Answers the teams left without a visitor, in the
    order they were taken (a seeded random order).

    >>> panels = [{0}, {0}, {1}, {1}]
    >>> load = [2, 2]
    >>> def seat(t, j): panels[t].add(j); load[j] += 1
    >>> bridge(["A", "A", "B", "B"], panels, load, lambda t, j: True, lambda j: True, seat, random.Random(1))
    []
    >>> panels, load
    ([{0, 1}, {0, 1}, {0, 1}, {0, 1}], [4, 4])
    """
    # The panels as they stand before any visitor: a visitor seated now does not make its team's group its home.
    groups_of: dict[int, set[str]] = {}
    for t, panel in enumerate(panels):
        for j in panel:
            groups_of.setdefault(j, set()).add(groups[t])
    home: dict[str, list[int]] = {}
    for j in sorted(groups_of):
        for group in groups_of[j]:
            home.setdefault(group, []).append(j)
    if len(home) < 2:
        return []  # one panel: no other to link it to
    spanning = [j for j in sorted(groups_of) if len(groups_of[j]) > 1]
    rank = {j: position for position, j in enumerate(rng.sample(sorted(groups_of), len(groups_of)))}
    parts = JudgeLinks(sorted(panel) for panel in panels)
    turns: dict[str, deque[str]] = {}  # each group's other panels, in the seeded order its visitors come from
    unbridged = []
    for t in rng.sample(range(len(panels)), len(panels)):
        panel, group = panels[t], groups[t]
        if not panel or any(len(groups_of[j]) > 1 for j in panel):
            continue
        if group not in turns:
            turns[group] = deque(rng.sample(sorted(set(home) - {group}), len(home) - 1))

        def candidates(other: str, t: int = t, group: str = group) -> list[int]:
            return [j for j in home[other] if group not in groups_of[j] and has_room(j) and may_sit(t, j)]

        member = next(iter(panel))
        visitor = None
        if parts.count > 1:
            # While the round is in several parts, a visitor from another part comes first: each one then
            # joins two parts, and the round ends in one part with no more visitors than teams.
            visitor = _next_visitor(
                turns[group],
                lambda other, member=member: [j for j in candidates(other) if not parts.joined(j, member)],
                load,
                rank,
            )
        if visitor is None:
            visitor = _next_visitor(turns[group], candidates, load, rank)
        if visitor is None:
            # Every judge of another panel who may sit here scores this group already: one of them still links this team.
            visitor = _lightest(
                [j for j in spanning if group in groups_of[j] and j not in panel and has_room(j) and may_sit(t, j)], load, rank
            )
        if visitor is None:
            unbridged.append(_why_not(t, group, groups_of, may_sit))
        else:
            seat(t, visitor)
            parts.join(visitor, member)
    return unbridged


def _next_visitor(
    others: deque[str], candidates: Callable[[str], list[int]], load: Sequence[int], rank: dict[int, int]
) -> int | None:
    """The lightest candidate of the first panel in turn that has one, that panel's turn then passed on."""
    for position, other in enumerate(others):
        visitor = _lightest(candidates(other), load, rank)
        if visitor is not None:
            others.rotate(-(position + 1))
            return visitor
    return None


def _lightest(candidates: list[int], load: Sequence[int], rank: dict[int, int]) -> int | None:
    """The candidate with the lowest load, ties by the seeded rank; None without a candidate."""
    return min(candidates, key=lambda j: (load[j], rank[j]), default=None)


def _why_not(t: int, group: str, groups_of: dict[int, set[str]], may_sit: Callable[[int, int], bool]) -> Unbridged:
    others = [j for j, judged in groups_of.items() if judged != {group}]
    allowed = sum(1 for j in others if may_sit(t, j))
    if not allowed:
        return Unbridged(
            t,
            NO_ELIGIBLE_VISITOR,
            f"all {len(others)} judges of the other groups' panels have a conflict of interest with this team",
        )
    return Unbridged(
        t,
        VISITORS_FULL,
        f"{allowed} judges of the other groups' panels may score this team, but every one holds as many teams as allowed",
    )
