"""A team's score in a round, from its judges' totals: mean, trimmed mean, median, z-score or adjusted.

Methods are picked by a string key from `METHODS` (as a round's ``aggregation.method``); an unknown key is
an error (`method`). Every method but ``adjusted`` is exact: scores are `Fraction`s, and the only rounded
numbers are the z-score's standard deviations (40 significant digits, see `scoring.stats.sqrt`). The
``adjusted`` method (`scoring.adjusted`) is a least-squares estimate, computed in floating point and rounded
to the round's decimals, on which the rank is then decided exactly.

Each registered method takes the whole round (the teams, the `scoring.model.Rule`, and the teams' totals
as integers over one power of ten, `round_totals`, which add and sort as plain integers, exactly) and answers
{team_id: TeamScore} for the teams with at least one submitted sheet; a team without one has no score.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from scoring import adjusted, stats
from scoring.model import DISCONNECTED_PANELS, Rule, TeamScore, TeamSheets


def mean(totals: Sequence[Decimal]) -> Fraction:
    """The national rule: the mean of the judges' totals, exact.

    >>> mean([Decimal(81), Decimal(85), Decimal(88), Decimal(90), Decimal(97)])
    Fraction(441, 5)
    """
    return stats.mean(totals)


def trimmed_mean(totals: Sequence[Decimal], trim: int = 1, min_judges: int = 5) -> tuple[Fraction, bool]:
    """The school rule: drop the `trim` highest and the `trim` lowest totals, then take the mean.

    It trims only with at least `min_judges` totals, and at least 2 × trim + 1 (something must be left);
    with fewer it takes the plain mean and says so: the second value, `fell_back`, is then True (the round
    flags the team ``few_judges``).

    >>> trimmed_mean([Decimal(81), Decimal(85), Decimal(88), Decimal(90), Decimal(97)])
    (Fraction(263, 3), False)
    >>> trimmed_mean([Decimal(81), Decimal(85), Decimal(97)])
    (Fraction(263, 3), True)
    """
    if not totals:
        raise ValueError("the mean of no values is undefined")
    places, scaled = stats.fixed_point(totals)
    kept_sum, kept, fell_back = _trimmed([scaled[total] for total in totals], trim, min_judges)
    return Fraction(kept_sum, 10**places * kept), fell_back


def median(totals: Sequence[Decimal]) -> Fraction:
    """The median of the judges' totals: the middle one, or the mean of the two middle ones.

    >>> median([Decimal(81), Decimal(85), Decimal(88), Decimal(90)])
    Fraction(173, 2)
    """
    return stats.median(totals)


def _trimmed(totals: list[int], trim: int, min_judges: int) -> tuple[int, int, bool]:
    """`trimmed_mean`'s rule on integer totals: the sum and the number of the totals kept, and `fell_back`."""
    if trim < 0:
        raise ValueError(f"trim must not be negative, not {trim}")
    count = len(totals)
    if count < min_judges or count < 2 * trim + 1:
        return sum(totals), count, True
    totals = sorted(totals)
    return sum(totals[trim : count - trim]), count - 2 * trim, False


class RoundTotals(NamedTuple):
    """A round's totals as exact integers (`scoring.stats.fixed_point`): for each team, in the order of the
    teams, its sheets' totals × 10^`places`, in the order of its sheets."""

    places: int
    by_team: list[list[int]]


def round_totals(teams: Sequence[TeamSheets]) -> RoundTotals:
    """Every team's totals as integers over one power of ten, for the round's integer work."""
    places, scaled = stats.fixed_point(sheet.total for team in teams for sheet in team.sheets)
    integer, total = scaled.__getitem__, operator.attrgetter("total")
    return RoundTotals(places, [list(map(integer, map(total, team.sheets))) for team in teams])


def zscore_scores(teams: Sequence[TeamSheets]) -> dict[int, Fraction]:
    """Z-score normalization over the whole round, for rounds whose panels differ (severe and lenient judges).

    Each judge's totals are standardized against that judge's own mean m_j and population standard
    deviation s_j: z = (total − m_j) / s_j. Each z is mapped back onto the round's scale,
    mapped = M + z × S, where M and S are the mean and population standard deviation of all submitted totals
    of the round; a team's score is the mean of its mapped totals. A judge who scored once, or gave the same
    total every time, has no spread: each of their totals maps to z = 0, the round mean M (they carry no
    information about order). When S = 0 every team gets M. The standard deviations are rounded to 40
    significant digits (`scoring.stats.pstdev`) and enter as exact fractions; everything else is exact.

    Teams without a submitted sheet are left out of the answer.

    >>> from scoring.model import Sheet, TeamSheets
    >>> lenient, severe = 1, 2
    >>> teams = [TeamSheets(10, 1, (Sheet(lenient, Decimal(90), {}),)), TeamSheets(11, 1, (Sheet(lenient, Decimal(80), {}),)),
    ...          TeamSheets(12, 1, (Sheet(severe, Decimal(70), {}),)), TeamSheets(13, 1, (Sheet(severe, Decimal(60), {}),))]
    >>> # Round: M = 75, S = sqrt(125) ≈ 11.18; each judge's best is z = +1 and maps to 75 + S, their other z = −1.
    >>> {team_id: stats.to_decimal(score) for team_id, score in zscore_scores(teams).items()}
    {10: Decimal('86.18'), 11: Decimal('63.82'), 12: Decimal('86.18'), 13: Decimal('63.82')}
    """
    by_judge: dict[int, list[Decimal]] = {}
    every_total: list[Decimal] = []
    ratios: dict[Decimal, tuple[int, int]] = {}
    for team in teams:
        for sheet in team.sheets:
            by_judge.setdefault(sheet.judge_id, []).append(sheet.total)
            every_total.append(sheet.total)
            if sheet.total not in ratios:
                ratios[sheet.total] = sheet.total.as_integer_ratio()
    if not every_total:
        return {}
    round_mean, round_variance = stats.mean_and_variance(every_total)
    round_spread = Fraction(stats.sqrt(round_variance))
    if not round_spread:
        return {team.team_id: round_mean for team in teams if team.sheets}

    # Exact integer work, one fraction per team: every total is X / D for one common D (decimals have
    # denominators 2^a·5^b), and judge j's z of X / D is (a_j·X − b_j) / c_j.
    common = math.lcm(*(denominator for _numerator, denominator in ratios.values()))
    scaled = {total: numerator * (common // denominator) for total, (numerator, denominator) in ratios.items()}
    line: dict[int, tuple[int, int, int] | None] = {}
    for judge_id, totals in by_judge.items():
        judge_mean, judge_variance = stats.mean_and_variance(totals)
        spread = stats.sqrt(judge_variance)
        if not spread:
            line[judge_id] = None  # no spread: every total maps to z = 0
            continue
        spread_numerator, spread_denominator = spread.as_integer_ratio()
        # (X/D − mn/md) / (sn/sd) = (md·sd·X − mn·D·sd) / (D·md·sn)
        slope = judge_mean.denominator * spread_denominator
        offset = judge_mean.numerator * common * spread_denominator
        denominator = common * judge_mean.denominator * spread_numerator
        divisor = math.gcd(slope, offset, denominator)  # smaller integers for the per-team sums below
        line[judge_id] = (slope // divisor, offset // divisor, denominator // divisor)

    mean_numerator, mean_denominator = round_mean.numerator, round_mean.denominator
    spread_numerator, spread_denominator = round_spread.numerator, round_spread.denominator
    scores: dict[int, Fraction] = {}
    for team in teams:
        if not team.sheets:
            continue
        z_numerator, z_denominator = 0, 1  # Σ z, unreduced
        for sheet in team.sheets:
            coefficients = line[sheet.judge_id]
            if coefficients is not None:
                slope, offset, denominator = coefficients
                z_numerator = z_numerator * denominator + (slope * scaled[sheet.total] - offset) * z_denominator
                z_denominator *= denominator
        # mean of (M + S·z) = M + S·Σz/n
        z_denominator *= len(team.sheets)
        scores[team.team_id] = Fraction(
            mean_numerator * spread_denominator * z_denominator + mean_denominator * spread_numerator * z_numerator,
            mean_denominator * spread_denominator * z_denominator,
        )
    return scores


def _round_mean(teams: Sequence[TeamSheets], rule: Rule, totals: RoundTotals) -> dict[int, TeamScore]:
    return _shared_scores(teams, totals, lambda values: (sum(values), len(values), False))


def _round_trimmed_mean(teams: Sequence[TeamSheets], rule: Rule, totals: RoundTotals) -> dict[int, TeamScore]:
    return _shared_scores(teams, totals, lambda values: _trimmed(values, rule.trim, rule.min_judges))


def _shared_scores(
    teams: Sequence[TeamSheets], totals: RoundTotals, kept: Callable[[list[int]], tuple[int, int, bool]]
) -> dict[int, TeamScore]:
    """{team_id: TeamScore} of the teams with sheets, from what `kept` answers for their integer totals: the
    sum and number of the totals the mean is taken over, and whether the rule fell back. Teams with the same
    answer share one score: judges score on a common step, so the same sums and counts recur across a round,
    and each distinct score's fraction is built once."""
    scale = 10**totals.places
    shared: dict[tuple[int, int, bool], TeamScore] = {}
    scores = {}
    for team, values in zip(teams, totals.by_team, strict=True):
        if values:
            parts = kept(values)
            score = shared.get(parts)
            if score is None:
                kept_sum, count, fell_back = parts
                score = shared[parts] = TeamScore(Fraction(kept_sum, scale * count), fell_back)
            scores[team.team_id] = score
    return scores


def _round_median(teams: Sequence[TeamSheets], rule: Rule, totals: RoundTotals) -> dict[int, TeamScore]:
    scale = 10**totals.places
    return {
        team.team_id: TeamScore(stats.median(values) / scale)
        for team, values in zip(teams, totals.by_team, strict=True)
        if values
    }


def _round_zscore(teams: Sequence[TeamSheets], rule: Rule, totals: RoundTotals) -> dict[int, TeamScore]:
    return {team_id: TeamScore(score) for team_id, score in zscore_scores(teams).items()}


def _round_adjusted(teams: Sequence[TeamSheets], rule: Rule, totals: RoundTotals) -> dict[int, TeamScore]:
    """The judge-effect model's qualities (`scoring.adjusted`), rounded to the rule's decimals; every team is
    flagged ``disconnected_panels`` when the judges and teams form several parts (their levels differ by
    the parts' judges' average severity, which the round cannot measure)."""
    model = adjusted.fit(teams)
    flags = (DISCONNECTED_PANELS,) if len(model.parts) > 1 else ()
    scale = 10**rule.decimals
    shared: dict[int, TeamScore] = {}  # one score per distinct rounded value, as `_shared_scores`
    scores = {}
    for team_id, quality in model.quality.items():
        units = adjusted.rounded(quality, rule.decimals)
        score = shared.get(units)
        if score is None:
            score = shared[units] = TeamScore(Fraction(units, scale), round_flags=flags)
        scores[team_id] = score
    return scores


RoundMethod = Callable[[Sequence[TeamSheets], Rule, RoundTotals], dict[int, TeamScore]]

#: The aggregation methods by key: each maps the round's teams (with the rule, for trim and min_judges, and
#: their totals as integers, `round_totals`) to {team_id: TeamScore} for the teams with a submitted sheet.
METHODS: dict[str, RoundMethod] = {
    "mean": _round_mean,
    "trimmed_mean": _round_trimmed_mean,
    "median": _round_median,
    "zscore": _round_zscore,
    "adjusted": _round_adjusted,
}


def method(key: str) -> RoundMethod:
    """The method registered under `key`; an unknown key raises ValueError.

    >>> method("median") is METHODS["median"]
    True
    """
    try:
        return METHODS[key]
    except KeyError:
        raise ValueError(f"unknown aggregation method {key!r}; known: {', '.join(sorted(METHODS))}") from None
