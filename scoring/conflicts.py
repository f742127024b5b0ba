"""Who may judge whom: the conflict-of-interest rules (回避), which never bend.

`conflict_reason` names the first rule that forbids a judge on a team:

- ``own_college``: a judge never scores a team from one of their colleges (own college or organization),
  unless the round lets its own college's judges sit (`own_college_conflict` off, school rounds only: a
  panel then holds at most `own_college_seats` of them, which `scoring.assign` keeps to);
- ``advisor``: nor a team they advise;
- ``declared_college`` / ``declared_team``: nor a college or a team they declared a conflict with;
- ``same_province``: when the round avoids it, nor a team from their province (an empty province is
  unknown and matches nothing).

`Eligibility` answers the same question for every pair of a whole request at once, for the assigner
(`scoring.assign`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

OWN_COLLEGE = "own_college"
ADVISOR = "advisor"
DECLARED_COLLEGE = "declared_college"
DECLARED_TEAM = "declared_team"
SAME_PROVINCE = "same_province"


@dataclass(frozen=True)
class TeamSlot:
    """A team to judge. `group` is the round's grouping key (a college id, a province), "" for none."""

    team_id: int
    college_id: int | None  # None: an entrant without a college (a person or an organization)
    province: str
    group: str


@dataclass(frozen=True)
class JudgeSlot:
    """A judge, with every college they belong to, the teams they advise and their declared conflicts.

    `current_load` counts teams they already hold outside `scoring.assign.AssignmentRequest.existing`
    (another batch)."""

    judge_id: int
    college_ids: frozenset[int]
    province: str
    advised_team_ids: frozenset[int]
    declared_college_ids: frozenset[int]
    declared_team_ids: frozenset[int]
    current_load: int = 0


def same_college(team: TeamSlot, judge: JudgeSlot) -> bool:
    """Whether the team is from one of the judge's colleges (the judge is one of its college's own).

    >>> same_college(TeamSlot(7, 3, "P01", ""), JudgeSlot(1, frozenset({3, 4}), "", frozenset(), frozenset(), frozenset()))
    True
    """
    return team.college_id in judge.college_ids


def conflict_reason(
    team: TeamSlot, judge: JudgeSlot, avoid_same_province: bool = False, own_college_conflict: bool = True
) -> str | None:
    """The first hard rule that forbids `judge` on `team`, or None when the pair is allowed.

    Checked in this order: own_college (unless `own_college_conflict` is off), advisor, declared_college,
    declared_team, same_province (only when `avoid_same_province`, and only between two non-empty, equal
    provinces).

    >>> team = TeamSlot(team_id=7, college_id=3, province="P01", group="")
    >>> judge = JudgeSlot(1, frozenset({3}), "P02", frozenset(), frozenset(), frozenset())
    >>> conflict_reason(team, judge)
    'own_college'
    >>> conflict_reason(team, judge, own_college_conflict=False) is None
    True
    """
    if own_college_conflict and same_college(team, judge):
        return OWN_COLLEGE
    if team.team_id in judge.advised_team_ids:
        return ADVISOR
    if team.college_id in judge.declared_college_ids:
        return DECLARED_COLLEGE
    if team.team_id in judge.declared_team_ids:
        return DECLARED_TEAM
    if avoid_same_province and team.province and team.province == judge.province:
        return SAME_PROVINCE
    return None


def own_college_seats(judges_per_team: int, outside_judges: int) -> int:
    """The most judges of a team's own college its panel may hold, when the round lets them sit at all:
    at most half of the panel (rounded down) while at least the other half can come from outside the
    college; when fewer outside judges pass the rules, the panel is filled up with the college's own.

    >>> own_college_seats(5, 10), own_college_seats(3, 2), own_college_seats(3, 1), own_college_seats(1, 0)
    (2, 1, 2, 1)
    """
    return max(judges_per_team // 2, judges_per_team - outside_judges)


def is_eligible(team: TeamSlot, judge: JudgeSlot, avoid_same_province: bool = False, own_college_conflict: bool = True) -> bool:
    """True when no hard conflict rule forbids `judge` on `team` (see `conflict_reason`)."""
    return conflict_reason(team, judge, avoid_same_province, own_college_conflict) is None


class Eligibility:
    """The judges each team may have under the hard rules, for whole lists of teams and judges; both are
    numbered by their position. It answers for every pair as `is_eligible` does.

    The rules are applied in two parts. Colleges (own and declared) and the province block most pairs, and
    many teams share a (college, province): the judges they leave are listed once per such pair. Advised
    and declared teams are few: they are kept per team, as exceptions to that list."""

    def __init__(
        self,
        teams: Sequence[TeamSlot],
        judges: Sequence[JudgeSlot],
        avoid_same_province: bool,
        own_college_conflict: bool = True,
    ) -> None:
        team_at = {team.team_id: index for index, team in enumerate(teams)}
        blocked_by_college: dict[int, set[int]] = {}
        blocked_by_province: dict[str, set[int]] = {}
        exceptions: dict[int, set[int]] = {}
        for j, judge in enumerate(judges):
            for college_id in (judge.college_ids if own_college_conflict else frozenset()) | judge.declared_college_ids:
                blocked_by_college.setdefault(college_id, set()).add(j)
            if avoid_same_province and judge.province:
                blocked_by_province.setdefault(judge.province, set()).add(j)
            for team_id in judge.advised_team_ids | judge.declared_team_ids:
                if team_id in team_at:
                    exceptions.setdefault(team_at[team_id], set()).add(j)
        self._lists: dict[tuple[int, str], list[int]] = {}
        self._sets: dict[tuple[int, str], frozenset[int]] = {}
        self._key: list[tuple[int, str]] = []
        for team in teams:
            key = (team.college_id, team.province)
            if key not in self._lists:
                blocked = blocked_by_college.get(team.college_id, set()) | blocked_by_province.get(team.province, set())
                self._lists[key] = [j for j in range(len(judges)) if j not in blocked]
                self._sets[key] = frozenset(self._lists[key])
            self._key.append(key)
        self._exceptions = {t: frozenset(js) for t, js in exceptions.items()}
        self._none: frozenset[int] = frozenset()

    def allows(self, t: int, j: int) -> bool:
        """Whether judge `j` may sit on team `t`."""
        return j in self._sets[self._key[t]] and j not in self._exceptions.get(t, self._none)

    def count(self, t: int) -> int:
        """How many judges may sit on team `t`."""
        unblocked = self._sets[self._key[t]]
        return len(unblocked) - sum(1 for j in self._exceptions.get(t, self._none) if j in unblocked)

    def judges(self, t: int) -> list[int]:
        """The judges who may sit on team `t`, in their order."""
        exceptions = self._exceptions.get(t, self._none)
        return [j for j in self._lists[self._key[t]] if j not in exceptions]


class OwnCollegeSeats:
    """The seats of a team's own college on its panel, when the round lets its college's judges sit (`active`):
    per team (by position), the judges of its college who pass the rules (`own`), how many of them its panel
    may hold (`cap`, by `own_college_seats`) and holds (`held`, kept by the caller). Inactive, no team has any
    own judge, and every seat may be taken."""

    def __init__(
        self,
        teams: Sequence[TeamSlot],
        judges: Sequence[JudgeSlot],
        eligibility: Eligibility,
        judges_per_team: int,
        active: bool,
    ) -> None:
        self.judges_per_team, self.active = judges_per_team, active
        self.teams = teams
        self.own: list[frozenset[int]] = [frozenset()] * len(teams)
        self.cap = [judges_per_team] * len(teams)
        self.held = [0] * len(teams)
        if active:
            for t, team in enumerate(teams):
                eligible = eligibility.judges(t)
                self.own[t] = frozenset(j for j in eligible if same_college(team, judges[j]))
                self.cap[t] = own_college_seats(judges_per_team, len(eligible) - len(self.own[t]))

    def hold(self, t: int, judge: JudgeSlot) -> None:
        """Count `judge`, already on team `t`'s panel (eligible now or not), if of the team's college."""
        if self.active and same_college(self.teams[t], judge):
            self.held[t] += 1

    def left(self, t: int) -> int:
        """How many more of its college's judges team `t` may take."""
        return max(0, self.cap[t] - self.held[t])

    def may_take(self, t: int, leaving: int, j: int) -> bool:
        """Whether judge `j`, eligible for team `t`, may take a seat on it (in place of judge `leaving`, or -1)."""
        own = self.own[t]
        return j not in own or leaving in own or self.held[t] < self.cap[t]
