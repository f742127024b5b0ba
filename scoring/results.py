"""A round's results: every team's exact score, its rank with ties, its judges' totals and its flags.

The rules, in order:

1. Score: the round's aggregation method (`scoring.aggregate.METHODS`) over the team's submitted sheets,
   an exact `Fraction`, plus the team's data points (Σ weight × points over the round's data items,
   `scoring.data`). A team without a submitted sheet has no score (None), unless the round has no items
   for judges (`Rule.judged` false): then every team's score is its data points.
2. Order: score, higher first; teams without a score come last, all tied. Then each of the rule's
   tie-breaks, higher first: ``raw_sum`` (the sum of the team's totals) and ``criterion:<key>`` (for a data
   item, the team's points for it; else the mean of that item over the team's sheets that carry it; a team
   with no value for it counts lowest). Teams
   still equal share the rank (competition ranking, 1, 1, 3) and are ``tied``: the panel decides, never
   this code. Nothing is rounded before ranking.
3. Flags, in this order (which is also their names' order: a result's flags are sorted):
   ``disagreement`` when the population standard deviation of the team's totals exceeds
   ``disagreement × scale_max`` (decided exactly, by comparing the squares: the variance and the limit's
   square); ``disconnected_panels`` on every result of the round, with a score or not, when the method
   found the round as a whole wanting (``adjusted``, when its judges and teams form several connected parts,
   `scoring.panels.panel_parts`); ``few_judges`` when fewer sheets than the rule's ``judges_per_team`` were submitted, or when
   ``trimmed_mean`` fell back to the plain mean (fewer than ``min_judges`` sheets, or too few to trim);
   ``missing_data`` when the team has no value for one of the round's data items (it got 0 points for it);
   ``missing_sheets`` when fewer sheets were submitted than judges were assigned. ``tie_at_cut`` is set
   later, by the caller, for teams in a tie that `scoring.advance` or `scoring.awards` could not split
   (see `mark_flag`).
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from fractions import Fraction

from scoring import adjusted, aggregate, stats
from scoring.model import (
    CRITERION_PREFIX,
    DISAGREEMENT,
    DISCONNECTED_PANELS,
    FEW_JUDGES,
    MISSING_DATA,
    MISSING_SHEETS,
    RAW_SUM,
    TIE_AT_CUT,
    Rule,
    TeamResult,
    TeamScore,
    TeamSheets,
)
from scoring.rank import competition_ranks, fraction_key


def check_rule(rule: Rule) -> None:
    """Raise ValueError when `rule` cannot be applied: an unknown method or tie-break, a negative trim,
    min_judges or judges_per_team, decimals outside 0 to `scoring.adjusted.SNAP_PLACES`, a scale_max that is not positive, or a negative disagreement share.

    >>> check_rule(Rule(tie_breaks=("raw_sum", "criterion:innovation")))
    >>> check_rule(Rule(tie_breaks=("coin_toss",)))
    Traceback (most recent call last):
    ...
    ValueError: unknown tie-break 'coin_toss'; use 'raw_sum' or 'criterion:<key>'
    """
    aggregate.method(rule.method)
    for tie_break in rule.tie_breaks:
        if tie_break != RAW_SUM and not (tie_break.startswith(CRITERION_PREFIX) and len(tie_break) > len(CRITERION_PREFIX)):
            raise ValueError(f"unknown tie-break {tie_break!r}; use 'raw_sum' or 'criterion:<key>'")
    if not 0 <= rule.decimals <= adjusted.SNAP_PLACES:
        raise ValueError(f"decimals must be from 0 to {adjusted.SNAP_PLACES}, not {rule.decimals}")
    for name in ("trim", "min_judges", "judges_per_team"):
        if getattr(rule, name) < 0:
            raise ValueError(f"{name} must not be negative, not {getattr(rule, name)}")
    if rule.scale_max <= 0:
        raise ValueError(f"scale_max must be positive, not {rule.scale_max}")
    if rule.disagreement < 0:
        raise ValueError(f"disagreement must not be negative, not {rule.disagreement}")


def rank_teams(teams: Sequence[TeamSheets], rule: Rule) -> list[TeamResult]:
    """Every team's score, rank with ties, judges' totals and flags under `rule` (the rules are the module's
    docstring), sorted by rank, then team_id.

    Raises ValueError for an unusable rule (`check_rule`), a team listed twice, a judge with two sheets for
    one team, or a negative `assigned`.

    >>> from decimal import Decimal
    >>> from scoring.model import Sheet, TeamSheets
    >>> totals = {1: [81, 85, 88, 90, 97], 2: [88, 88], 3: []}
    >>> teams = [TeamSheets(t, 5, tuple(Sheet(j, Decimal(v)) for j, v in enumerate(vs))) for t, vs in totals.items()]
    >>> [(r.team_id, r.score, r.rank, r.flags) for r in rank_teams(teams, Rule(method="trimmed_mean"))]
    [(2, Fraction(88, 1), 1, ('few_judges', 'missing_sheets')), (1, Fraction(263, 3), 2, ()), (3, None, 3, ('missing_sheets',))]
    """
    check_rule(rule)
    _check_teams(teams)
    scores = _with_data(teams, aggregate.method(rule.method)(teams, rule, aggregate.round_totals(teams)), rule.judged)
    ranks = competition_ranks(_rank_keys(teams, scores, rule.tie_breaks))
    # The spread is a rounded root; its square, the variance, is exact: disagreement is decided on squares.
    variance_limit = (Fraction(rule.disagreement) * Fraction(rule.scale_max)) ** 2
    round_flags = {flag for score in scores.values() for flag in score.round_flags}
    results = []
    for team, (rank, tied) in zip(teams, ranks, strict=True):
        team_score = scores.get(team.team_id)
        totals = [sheet.total for sheet in team.sheets]
        variance = stats.variance(totals)
        flags = []
        if variance > variance_limit:
            flags.append(DISAGREEMENT)
        if DISCONNECTED_PANELS in round_flags:
            flags.append(DISCONNECTED_PANELS)
        if len(totals) < rule.judges_per_team or (team_score is not None and team_score.fell_back):
            flags.append(FEW_JUDGES)
        if team.data is not None and team.data.missing:
            flags.append(MISSING_DATA)
        if len(totals) < team.assigned:
            flags.append(MISSING_SHEETS)
        results.append(
            TeamResult(
                team_id=team.team_id,
                group=team.group,
                score=None if team_score is None else team_score.score,
                rank=rank,
                tied=tied,
                judges={sheet.judge_id: sheet.total for sheet in sorted(team.sheets, key=operator.attrgetter("judge_id"))},
                spread=stats.sqrt(variance),
                raw_sum=stats.exact_sum(totals),
                flags=tuple(flags),
                data=team.data,
            )
        )
    results.sort(key=operator.attrgetter("rank", "team_id"))
    return results


def mark_flag(results: Sequence[TeamResult], team_ids: Sequence[int], flag: str = TIE_AT_CUT) -> list[TeamResult]:
    """The results again, with `flag` added (flags kept sorted, no repeats) to the teams in `team_ids`;
    for the caller to mark ``tie_at_cut`` from `scoring.advance` or `scoring.awards` ties.

    >>> from decimal import Decimal
    >>> from scoring.model import TeamResult
    >>> result = TeamResult(team_id=7, group="", score=Fraction(90), rank=1, tied=True, judges={}, spread=Decimal(0),
    ...                     raw_sum=Decimal(90), flags=("missing_sheets",))
    >>> mark_flag([result], [7])[0].flags
    ('missing_sheets', 'tie_at_cut')
    """
    marked = set(team_ids)
    return [
        result._replace(flags=tuple(sorted({*result.flags, flag}))) if result.team_id in marked else result for result in results
    ]


def _with_data(teams: Sequence[TeamSheets], scores: Mapping[int, TeamScore], judged: bool) -> Mapping[int, TeamScore]:
    """The judges' scores with each team's data points added; in a round without judged items, every team
    scores its data points alone."""
    if not any(team.data is not None for team in teams):
        return scores
    combined = {}
    for team in teams:
        data = team.data.total if team.data is not None else Fraction(0)
        judges = scores.get(team.team_id)
        if judges is not None:
            combined[team.team_id] = judges._replace(score=judges.score + data)
        elif not judged:
            combined[team.team_id] = TeamScore(data)
    return combined


def _rank_keys(teams: Sequence[TeamSheets], scores: Mapping[int, TeamScore], tie_breaks: Sequence[str]) -> list[tuple]:
    """Exact sort keys, larger is better, one per team in input order: whether the team has a score (so that
    teams without one come last, equal to each other), its score, then its value for each tie-break."""
    keys = [(False,) if (score := scores.get(team.team_id)) is None else (True, fraction_key(score.score)) for team in teams]
    if not tie_breaks:
        return keys
    # Tie-breaks can only order teams of equal score, so only those get them, and a round with few ties does
    # not work them out for every team. A key left short still compares right: a team alone with its score
    # differs from every other team before its key ends.
    return [
        key + _tie_break_values(team, tie_breaks) if key[0] and tied else key
        for team, key, (_rank, tied) in zip(teams, keys, competition_ranks(keys), strict=True)
    ]


def _tie_break_values(team: TeamSheets, tie_breaks: Sequence[str]) -> tuple:
    """The team's exact value for each tie-break, larger is better: ``raw_sum`` the sum of its totals;
    ``criterion:<key>`` whether the team has the item (so that one without it counts lowest), then its
    points for a data item, else the item's mean over the team's sheets that carry it."""
    values: list = []
    for tie_break in tie_breaks:
        if tie_break == RAW_SUM:
            values.append(stats.exact_sum([sheet.total for sheet in team.sheets]))
        else:
            item = tie_break.removeprefix(CRITERION_PREFIX)
            if team.data is not None and item in team.data.points:
                values += (True, team.data.points[item])
                continue
            item_values = [value for sheet in team.sheets if (value := sheet.items.get(item)) is not None]
            values += (True, stats.mean(item_values)) if item_values else (False, 0)
    return tuple(values)


def _check_teams(teams: Sequence[TeamSheets]) -> None:
    seen: set[int] = set()
    judge = operator.attrgetter("judge_id")
    for team in teams:
        if team.team_id in seen:
            raise ValueError(f"team {team.team_id} appears twice")
        seen.add(team.team_id)
        if team.assigned < 0:
            raise ValueError(f"team {team.team_id} has a negative number of assigned judges")
        if len(set(map(judge, team.sheets))) != len(team.sheets):
            raise ValueError(f"team {team.team_id} has two sheets from one judge")
