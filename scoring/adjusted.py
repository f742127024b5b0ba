"""The judge-effect model (``adjusted``): a team's score that does not depend on which judges it drew.

Each submitted total is read as the team's quality plus the judge's severity plus noise,
y(t, j) = q(t) + b(j) + e, and the qualities and severities are estimated together by least squares over
the graph whose edges are the sheets (a judge and a team are linked when the judge scored the team). Only
differences are identifiable inside a connected part of that graph, so the severities average zero within
each part: a part's level is its judges' average level. Unlike a judge's z-score, the model does not erase
real differences between the groups a judge saw, because every team's quality is estimated with all of its
judges at once, and every judge's severity against every team they scored.

How it is solved: with the severities known, a team's quality is the mean of its totals less its judges'
severities; putting that back leaves, for the judges alone, the reduced system L·b = r, where L is the
judges' graph Laplacian (judges j and k weighted by the teams they both scored, each team counting
1/its number of judges) and r(j) is the sum of judge j's totals less their teams' means. L is as small as
the number of judges (300 in a national round, against 10,000 teams), and conjugate gradients with the
diagonal as preconditioner solve it to a relative residual of `TOLERANCE`.

Exactness: the rest of `scoring` works in fractions, but a least-squares estimate needs the inverse of L, as
large as the round's judges; it is computed in floating point. The estimates are first rounded to
`SNAP_PLACES` (9) places, far above the solver's error and far below the shown decimals, so that the order
in which sheets are added cannot move a score across a rounding point; then half up to the round's
decimals. That rounded value is the team's score and the rank is decided on it exactly: teams equal to the
decimals shown are tied, and the round's tie-breaks decide between them.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from scoring.model import TeamSheets
from scoring.panels import PanelPart, judge_parts

#: Conjugate gradients stop when the residual is this small against the right-hand side, or below
#: `FLOOR` points a judge (a round whose severities are all near zero).
TOLERANCE = 1e-13
FLOOR = 1e-10
#: Places the float estimates are rounded to before the round's own rounding (see the module's docstring).
SNAP_PLACES = 9


class JudgeEffect(NamedTuple):
    """A judge's estimated severity, in points of the sheet (negative: severe, positive: lenient), averaging
    zero over the judge's part; and its standard error (None when the round leaves no degree of freedom
    for the noise, or the judge only scored teams nobody else scored)."""

    severity: float
    error: float | None


class Fit(NamedTuple):
    """The model fitted to a round: each scored team's estimated quality (on the sheet's scale), each judge's
    effect, and the graph's connected parts, largest first."""

    quality: dict[int, float]
    judges: dict[int, JudgeEffect]
    parts: list[PanelPart]


def fit(teams: Sequence[TeamSheets]) -> Fit:
    """The least-squares qualities and severities of the round (the model is the module's docstring).

    A judge's standard error is sigma / sqrt(L(j, j)), with sigma² the residual sum of squares over its
    degrees of freedom (sheets − teams − judges + parts): the error of the severity if the other judges'
    severities were known. It is a lower bound of the full error, which also carries theirs; it is exact
    enough to tell a judge whose severity is well measured from one measured on a handful of sheets.

    >>> from decimal import Decimal
    >>> from scoring.model import Sheet
    >>> teams = [TeamSheets(t, 2, (Sheet(1, Decimal(q - 3)), Sheet(2, Decimal(q + 3)))) for t, q in [(1, 80), (2, 70)]]
    >>> result = fit(teams)
    >>> result.quality, result.judges[1].severity, result.parts
    ({1: 80.0, 2: 70.0}, -3.0, [PanelPart(teams=2, judges=2)])
    """
    part_of, parts = judge_parts([sheet.judge_id for sheet in team.sheets] for team in teams)
    judge_ids = sorted(part_of)
    index = {judge_id: position for position, judge_id in enumerate(judge_ids)}
    count = len(judge_ids)
    right = [0.0] * count
    panels: Counter[tuple[int, ...]] = Counter()
    scored = []
    as_float = {}  # judges score on a common step: the same totals recur across a round
    for team in teams:
        if not team.sheets:
            continue
        totals = []
        for sheet in team.sheets:
            value = as_float.get(sheet.total)
            if value is None:
                value = as_float[sheet.total] = float(sheet.total)
            totals.append(value)
        members = [index[sheet.judge_id] for sheet in team.sheets]
        team_mean = sum(totals) / len(totals)
        for member, total in zip(members, totals, strict=True):
            right[member] += total - team_mean
        panels[tuple(sorted(members))] += 1
        scored.append((team.team_id, members, totals))

    laplacian: list[dict[int, float]] = [{} for _ in range(count)]
    for panel, teams_seen in panels.items():
        weight = teams_seen / len(panel)
        for member in panel:
            row = laplacian[member]
            row[member] = row.get(member, 0.0) + teams_seen
            for other in panel:
                row[other] = row.get(other, 0.0) - weight
    position_parts = [part_of[judge_id] for judge_id in judge_ids]
    # Each part's right-hand side sums to zero exactly, but not in floating point: the rounding left along
    # the constants (where L is zero) would stall the solver, so it is taken out first.
    severity = _centred(_solve(laplacian, _centred(right, position_parts)), position_parts)

    quality, squares, sheets = {}, 0.0, 0
    get = severity.__getitem__
    for team_id, members, totals in scored:
        adjusted = list(map(operator.sub, totals, map(get, members)))
        estimate = quality[team_id] = sum(adjusted) / len(adjusted)
        squares += sum([(value - estimate) ** 2 for value in adjusted])
        sheets += len(adjusted)
    freedom = sheets - len(scored) - count + len(parts)
    variance = squares / freedom if freedom > 0 else None
    judges = {}
    for judge_id, position in index.items():
        weight = laplacian[position][position]
        error = math.sqrt(variance / weight) if variance is not None and weight > 0 else None
        judges[judge_id] = JudgeEffect(severity[position], error)
    return Fit(quality, judges, parts)


def rounded(estimate: float, decimals: int) -> int:
    """An estimate as the round shows it, in units of 10^-`decimals`: first to `SNAP_PLACES`, then half up
    (away from zero, as `scoring.stats.to_decimal`) to `decimals` places, which must not exceed `SNAP_PLACES`.

    >>> rounded(80.12499999999999, 2), rounded(79.994, 2), rounded(-0.5, 0)
    (8013, 7999, -1)
    """
    snapped = round(estimate * 10**SNAP_PLACES)
    unit = 10 ** (SNAP_PLACES - decimals)
    whole, rest = divmod(abs(snapped), unit)
    whole += 2 * rest >= unit
    return whole if snapped >= 0 else -whole


def _solve(laplacian: list[dict[int, float]], right: list[float]) -> list[float]:
    """A solution of L·x = right by conjugate gradients with the diagonal as preconditioner. L is a graph
    Laplacian, singular, but `right` sums to zero over every connected part (each team's totals less their
    mean sum to zero), so the system has solutions, equal up to a constant on each part."""
    count = len(right)
    # A judge who only scored teams nobody else scored has an empty row and right-hand side 0: left at 0.
    inverse_diagonal = [1 / row[position] if row.get(position) else 0.0 for position, row in enumerate(laplacian)]
    mul = operator.mul
    if 2 * sum(map(len, laplacian)) > count * count:
        # Judges drawn at random share teams with most other judges: full rows multiply faster than lookups.
        dense = [[row.get(column, 0.0) for column in range(count)] for row in laplacian]

        def times(vector: list[float]) -> list[float]:
            return [sum(map(mul, row, vector)) for row in dense]

    else:
        columns = [list(row) for row in laplacian]
        values = [list(row.values()) for row in laplacian]

        def times(vector: list[float]) -> list[float]:
            get = vector.__getitem__
            return [
                sum(map(mul, row_values, map(get, row_columns))) for row_columns, row_values in zip(columns, values, strict=True)
            ]

    solution = [0.0] * count
    residual = list(right)
    limit = max((TOLERANCE**2) * math.fsum(value * value for value in right), count * FLOOR**2)
    preconditioned = list(map(mul, inverse_diagonal, residual))
    direction = list(preconditioned)
    product = math.fsum(map(mul, residual, preconditioned))
    steps = 0
    # In exact arithmetic the method ends within `count` steps; the cap only guards against rounding.
    while math.fsum(value * value for value in residual) > limit and steps < 10 * count + 100:
        steps += 1
        image = times(direction)
        step = product / math.fsum(map(mul, direction, image))
        solution = [x + step * d for x, d in zip(solution, direction, strict=True)]
        residual = [r - step * a for r, a in zip(residual, image, strict=True)]
        preconditioned = list(map(mul, inverse_diagonal, residual))
        next_product = math.fsum(map(mul, residual, preconditioned))
        direction = [p + (next_product / product) * d for p, d in zip(preconditioned, direction, strict=True)]
        product = next_product
    return solution


def _centred(solution: list[float], parts: list[int]) -> list[float]:
    """The solution less its mean over each part: the severities average zero within each part."""
    sums: dict[int, float] = {}
    sizes: Counter[int] = Counter(parts)
    for value, part in zip(solution, parts, strict=True):
        sums[part] = sums.get(part, 0.0) + value
    return [value - sums[part] / sizes[part] for value, part in zip(solution, parts, strict=True)]
