"""The graph of judges and the teams they scored (or are assigned): its connected parts.

Judges' severities are comparable only within a connected part (`scoring.adjusted`); bridging assignments join
the parts (`scoring.bridging`); the assigner reports how many there are (`scoring.assign`). One union-find,
`JudgeLinks`, serves them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from scoring.model import TeamSheets


class PanelPart(NamedTuple):
    """One connected part of the judges-and-teams graph: how many teams (with a submitted sheet) and judges."""

    teams: int
    judges: int


class JudgeLinks:
    """Judges linked by the teams they share, by union-find: which part each judge is in, and how many parts.
    Panels are added one at a time (`add_panel`), and two judges may be joined later (`join`)."""

    def __init__(self, panels: Iterable[Iterable[int]] = ()) -> None:
        self.parent: dict[int, int] = {}
        self.count = 0
        for panel in panels:
            self.add_panel(panel)

    def add_panel(self, panel: Iterable[int]) -> int | None:
        """Link the panel's judges; the judge standing for its part now (None for an empty panel)."""
        first = None
        for judge_id in panel:
            if judge_id not in self.parent:
                self.parent[judge_id] = judge_id
                self.count += 1
            if first is None:
                first = judge_id
            else:
                self.join(judge_id, first)
        return None if first is None else self.root(first)

    def root(self, judge_id: int) -> int:
        while (up := self.parent[judge_id]) != judge_id:
            self.parent[judge_id] = self.parent[up]  # path halving keeps the trees flat
            judge_id = up
        return judge_id

    def joined(self, judge_id: int, other: int) -> bool:
        return self.root(judge_id) == self.root(other)

    def join(self, judge_id: int, other: int) -> None:
        judge_id, other = self.root(judge_id), self.root(other)
        if judge_id != other:
            self.parent[judge_id] = other
            self.count -= 1


def panel_parts(teams: Sequence[TeamSheets]) -> list[PanelPart]:
    """The connected parts of the graph of judges and the teams they scored, largest first (by teams, then
    judges). Teams without a submitted sheet belong to no part. Severities, and so the ``adjusted`` scores,
    are comparable only within a part.

    >>> from decimal import Decimal
    >>> from scoring.model import Sheet
    >>> def team(team_id, *judges): return TeamSheets(team_id, len(judges), tuple(Sheet(j, Decimal(80)) for j in judges))
    >>> panel_parts([team(1, 1, 2), team(2, 2, 3), team(3, 7, 8), team(4)])
    [PanelPart(teams=2, judges=3), PanelPart(teams=1, judges=2)]
    """
    return judge_parts([sheet.judge_id for sheet in team.sheets] for team in teams)[1]


def parts_of_panels(panels: Iterable[Sequence[int]]) -> list[PanelPart]:
    """`panel_parts` for panels given as each team's judge ids (a round's assignments, before any sheet).

    >>> parts_of_panels([[1, 2], [3], [2, 4], []])
    [PanelPart(teams=2, judges=3), PanelPart(teams=1, judges=1)]
    """
    return judge_parts(panels)[1]


def judge_parts(panels: Iterable[Sequence[int]]) -> tuple[dict[int, int], list[PanelPart]]:
    """Each judge's part (the id of the judge standing for it) and the parts, largest first, over each team's
    judge ids (a team without one belongs to no part)."""
    links = JudgeLinks()
    firsts = [first for panel in panels if (first := links.add_panel(panel)) is not None]
    part_of = {judge_id: links.root(judge_id) for judge_id in links.parent}
    team_count = Counter(part_of[first] for first in firsts)
    judge_count = Counter(part_of.values())
    ordered = sorted(judge_count, key=lambda part: (-team_count[part], -judge_count[part], part))
    return part_of, [PanelPart(team_count[part], judge_count[part]) for part in ordered]
