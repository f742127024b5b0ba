"""A round's results: every team's exact score, its rank with ties, its judges' totals and its flags.

The rules, in order:

1. Score: the round's aggregation method (`scoring.aggregate.METHODS`) over the team's submitted sheets,
   an exact `Fraction`. A team without a submitted sheet has no score (None).
2. Order: score, higher first; teams without a score come last, all tied. Then each of the rule's
   tie-breaks, higher first: ``raw_sum`` (the sum of the team's totals) and ``criterion:<key>`` (the mean
   of that item over the team's sheets that carry it; a team with no value for it counts lowest). Teams
   still equal share the rank (competition ranking, 1, 1, 3) and are ``tied``: the panel decides, never
   this code. Nothing is rounded before ranking.
3. Flags: ``missing_sheets`` when fewer sheets were submitted than judges were assigned; ``few_judges``
   when fewer than the rule's ``judges_per_team`` were submitted, or when ``trimmed_mean`` fell back to the
   plain mean (fewer than ``min_judges`` sheets, or too few to trim); ``disagreement`` when the population standard deviation of the
   team's totals exceeds ``disagreement × scale_max`` (decided exactly, on the variance).
   ``tie_at_cut`` is set later, by the caller, for teams in a tie that `scoring.advance` or
   `scoring.awards` could not split (see `mark_flag`).
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

from scoring import aggregate, stats
from scoring.model import (
    CRITERION_PREFIX,
    DISAGREEMENT,
    FEW_JUDGES,
    MISSING_SHEETS,
    RAW_SUM,
    TIE_AT_CUT,
    Rule,
    TeamResult,
    TeamScore,
    TeamSheets,
)
from scoring.rank import competition_ranks, fraction_keys


def check_rule(rule: Rule) -> None:
    """Raise ValueError when `rule` cannot be applied: an unknown method or tie-break, a negative trim,
    min_judges or judges_per_team, a scale_max that is not positive, or a negative disagreement share.

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

    >>> from scoring.model import Sheet, TeamSheets
    >>> totals = {1: [81, 85, 88, 90, 97], 2: [88, 88], 3: []}
    >>> teams = [TeamSheets(t, 5, tuple(Sheet(j, Decimal(v)) for j, v in enumerate(vs))) for t, vs in totals.items()]
    >>> [(r.team_id, r.score, r.rank, r.flags) for r in rank_teams(teams, Rule(method="trimmed_mean"))]
    [(2, Fraction(88, 1), 1, ('few_judges', 'missing_sheets')), (1, Fraction(263, 3), 2, ()), (3, None, 3, ('missing_sheets',))]
    """
    check_rule(rule)
    _check_teams(teams)
    totals = aggregate.round_totals(teams)
    scores = aggregate.method(rule.method)(teams, rule, totals)

    # Each team's raw sum and spread, and whether the spread exceeds the limit, in integers: with the totals
    # x × 10^-p of n sheets, n²·10^2p·variance = n·Σx² − (Σx)², and spread > limit exactly when that exceeds
    # n²·10^2p·limit². Many teams share a variance: one root each.
    places, scale = totals.places, 10**totals.places
    limit = Fraction(rule.disagreement) * Fraction(rule.scale_max)
    limit_numerator, limit_denominator = (limit * limit).numerator, (limit * limit).denominator
    sums, raw_sums, spreads, disagreeing = [], [], [], []
    roots: dict[tuple[int, int], Decimal] = {}
    decimals: dict[int, Decimal] = {}
    for values in totals.by_team:
        count, total = len(values), sum(values)
        spread_squared = count * sum(map(operator.mul, values, values)) - total * total  # over count²·scale²
        sums.append(total)
        raw_sum = decimals.get(total)
        if raw_sum is None:
            raw_sum = decimals[total] = stats.from_fixed_point(total, places)
        raw_sums.append(raw_sum)
        disagreeing.append(spread_squared * limit_denominator > limit_numerator * (count * count * scale * scale))
        spread = roots.get((spread_squared, count))
        if spread is None:
            spread = roots[spread_squared, count] = (
                stats.sqrt_of_ratio(spread_squared, count * count * scale * scale) if count else Decimal(0)
            )
        spreads.append(spread)

    ranks = competition_ranks(_rank_keys(teams, scores, sums, rule.tie_breaks))

    results = []
    for position, team in enumerate(teams):
        team_score = scores.get(team.team_id)
        count = len(team.sheets)
        rank, tied = ranks[position]
        results.append(
            TeamResult(
                team.team_id,
                team.group,
                None if team_score is None else team_score.score,
                rank,
                tied,
                # Sheets sort by judge_id first, and a team's judges differ: their totals are never compared.
                {judge_id: total for judge_id, total, _items in sorted(team.sheets)},
                spreads[position],
                raw_sums[position],
                _FLAGS[
                    disagreeing[position],
                    count < rule.judges_per_team or (team_score is not None and team_score.fell_back),
                    count < team.assigned,
                ],
            )
        )
    results.sort(key=operator.attrgetter("rank", "team_id"))
    return results


#: A result's flags by whether it has each of DISAGREEMENT, FEW_JUDGES and MISSING_SHEETS: sorted tuples,
#: shared (most teams have none).
_FLAGS = {
    (disagreement, few, missing): tuple(
        flag for flag, present in ((DISAGREEMENT, disagreement), (FEW_JUDGES, few), (MISSING_SHEETS, missing)) if present
    )
    for disagreement in (False, True)
    for few in (False, True)
    for missing in (False, True)
}


def mark_flag(results: Sequence[TeamResult], team_ids: Sequence[int], flag: str = TIE_AT_CUT) -> list[TeamResult]:
    """The results again, with `flag` added (flags kept sorted, no repeats) to the teams in `team_ids`;
    for the caller to mark ``tie_at_cut`` from `scoring.advance` or `scoring.awards` ties.

    >>> from scoring.model import TeamResult
    >>> result = TeamResult(7, "", Fraction(90), 1, True, {}, Decimal(0), Decimal(90), ("missing_sheets",))
    >>> mark_flag([result], [7])[0].flags
    ('missing_sheets', 'tie_at_cut')
    """
    marked = set(team_ids)
    return [
        result._replace(flags=tuple(sorted({*result.flags, flag}))) if result.team_id in marked else result for result in results
    ]


def _rank_keys(
    teams: Sequence[TeamSheets], scores: Mapping[int, TeamScore], sums: Sequence[int], tie_breaks: Sequence[str]
) -> list:
    """Exact sort keys, larger is better, one per team in input order: the score, then (only among equal
    scores, where they matter) each tie-break; teams without a score get one key below all others.
    `sums` are the teams' raw sums, as integers over one scale."""
    ranked = [position for position, team in enumerate(teams) if team.team_id in scores]
    score_keys = fraction_keys([scores[teams[position].team_id].score for position in ranked])
    keys: list = [None] * len(teams)
    if tie_breaks:
        for position, key in zip(ranked, score_keys, strict=True):
            keys[position] = (key,)
        # Each tie-break is worked out only for the teams still equal on everything before it: a key that
        # has become unique differs from every other key before its end, so its shorter length never counts.
        contested = ranked
        for tie_break in tie_breaks:
            counts = Counter(keys[position] for position in contested)
            contested = [position for position in contested if counts[keys[position]] > 1]
            column = (
                [sums[position] for position in contested]
                if tie_break == RAW_SUM
                else _criterion_keys([teams[position] for position in contested], tie_break)
            )
            for position, value in zip(contested, column, strict=True):
                keys[position] += (value,)
    else:
        for position, key in zip(ranked, score_keys, strict=True):
            keys[position] = key
    if len(ranked) < len(teams):
        lowest = _below(min(keys[position] for position in ranked)) if ranked else 0
        keys = [lowest if key is None else key for key in keys]
    return keys


def _below(key):
    """A key lower than `key`, and so than every key of its shape that is not lower than `key`."""
    return key - 1 if isinstance(key, int) else (_below(key[0]),)


def _criterion_keys(teams: Sequence[TeamSheets], tie_break: str) -> list[int]:
    """Exact sort keys of a ``criterion:<key>`` tie-break for `teams` (larger is better): the mean of the
    item over the sheets that carry it, as the integer sum × (L / count) for L the least common multiple
    of the counts, which orders exactly as the means do."""
    key = tie_break[len(CRITERION_PREFIX) :]
    present = [[value for sheet in team.sheets if (value := sheet.items.get(key)) is not None] for team in teams]
    _places, scaled = stats.fixed_point(value for values in present for value in values)
    common = math.lcm(*{len(values) for values in present if values})
    keyed = [sum(map(scaled.__getitem__, values)) * (common // len(values)) if values else None for values in present]
    # A team with no value for the item counts lowest: below every key that is there.
    known = [key for key in keyed if key is not None]
    lowest = min(known) - 1 if known else 0
    return [lowest if key is None else key for key in keyed]


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
