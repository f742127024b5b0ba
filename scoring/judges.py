"""How each judge scored: volume, level, spread, severity against the consensus and as the judge-effect
model estimates it (with its standard error), and agreement with the consensus.

For the organizer's judge report (the `评委统计 Judges` sheet and the strip plot): severe or lenient judges,
judges who use a narrow range, judges whose order disagrees with the panel's. Nothing here changes a score
or a rank.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scoring import adjusted, stats
from scoring.model import TeamSheets

#: Places of every Decimal in `JudgeStats` (display figures).
PLACES = 4
#: Places of the consensus scores as they enter severity and correlation (see `judge_statistics`).
CONSENSUS_PLACES = 20


@dataclass(frozen=True)
class JudgeStats:
    """One judge's figures, each Decimal rounded half up to `PLACES` (4) places for display.

    `severity` is the mean of (their total − the team's consensus score): negative is severe, positive
    lenient. `model_severity` is the same reading by the judge-effect model (`scoring.adjusted.fit`), which
    takes the teams' qualities from all their judges at once, whatever the round's method, and
    `model_error` its standard error (None when the round cannot tell it). `correlation` is Pearson's
    correlation of their totals with the consensus scores, None when undefined. `totals` are all their
    totals, lowest first, unrounded (for the strip plot)."""

    judge_id: int
    count: int
    mean: Decimal
    spread: Decimal
    severity: Decimal
    correlation: Decimal | None
    totals: tuple[Decimal, ...]
    model_severity: Decimal = Decimal(0)
    model_error: Decimal | None = None


def judge_statistics(teams: Sequence[TeamSheets], consensus: Mapping[int, Fraction | None]) -> list[JudgeStats]:
    """Every judge with a submitted sheet in `teams`, sorted by judge_id.

    `count`, `mean`, `spread` (population standard deviation) and `totals` cover all of the judge's sheets.
    `severity` and `correlation` cover only the sheets of teams whose consensus score (usually the round's
    exact scores, `TeamResult.score`) is known: a team missing from `consensus` or mapped to None is
    skipped. Consensus scores enter rounded half up to `CONSENSUS_PLACES` (20) places, far below the 4
    places shown. A judge with no such sheet has severity 0; correlation is None with fewer than two such
    sheets or when either side has no spread.

    >>> from scoring.model import Sheet, TeamSheets
    >>> teams = [TeamSheets(1, 2, (Sheet(7, Decimal(80)), Sheet(8, Decimal(90)))),
    ...          TeamSheets(2, 2, (Sheet(7, Decimal(70)), Sheet(8, Decimal(76))))]
    >>> severe, lenient = judge_statistics(teams, {1: Fraction(85), 2: Fraction(73)})
    >>> severe.severity, lenient.severity, severe.correlation, severe.spread, severe.model_severity
    (Decimal('-4.0000'), Decimal('4.0000'), Decimal('1.0000'), Decimal('5.0000'), Decimal('-4.0000'))
    """
    by_judge: dict[int, list[tuple[Decimal, Decimal | None]]] = {}
    for team in teams:
        score = consensus.get(team.team_id)
        rounded = None if score is None else stats.to_decimal(score, CONSENSUS_PLACES)
        for sheet in team.sheets:
            by_judge.setdefault(sheet.judge_id, []).append((sheet.total, rounded))

    model = adjusted.fit(teams).judges
    figures = []
    for judge_id in sorted(by_judge):
        pairs = by_judge[judge_id]
        totals = [total for total, _score in pairs]
        compared = [(total, score) for total, score in pairs if score is not None]
        # Severity is the mean of (total - consensus): the difference of two exact sums, over the count.
        difference = (
            stats.exact_sum(
                [stats.exact_sum([total for total, _score in compared]), -stats.exact_sum([score for _total, score in compared])]
            )
            if compared
            else None
        )
        correlation = stats.correlation([total for total, _score in compared], [score for _total, score in compared])
        figures.append(
            JudgeStats(
                judge_id=judge_id,
                count=len(totals),
                mean=stats.to_decimal(stats.mean(totals), PLACES),
                spread=stats.to_decimal(stats.pstdev(totals), PLACES),
                severity=stats.to_decimal(Fraction(difference) / len(compared), PLACES)
                if compared
                else stats.to_decimal(0, PLACES),
                correlation=None if correlation is None else stats.to_decimal(correlation, PLACES),
                totals=tuple(sorted(totals)),
                model_severity=_places(model[judge_id].severity),
                model_error=None if model[judge_id].error is None else _places(model[judge_id].error),
            )
        )
    return figures


def _places(estimate: float) -> Decimal:
    """A model estimate at `PLACES`, as the other figures (see `scoring.adjusted.rounded`)."""
    return Decimal(adjusted.rounded(estimate, PLACES)).scaleb(-PLACES)
