"""Store: a round's computed results, awards and judges' statistics, and the snapshot that says how they
were computed (no rule is decided here).

A computation replaces the round's rows: the old ones are deleted and the new ones inserted in one
statement each, through the session, so that objects it had loaded are not shown with old values.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, insert, select

from app.errors import StateConflictError
from app.extensions import db
from app.models import Award, Result, ResultSnapshot, Round
from scoring.awards import AwardOutcome
from scoring.judges import JudgeStats
from scoring.model import TeamResult
from scoring.stats import to_decimal

#: Stored scores keep this many decimals; ranks are decided on the exact value before storing.
STORED_PLACES = 10
SPREAD_PLACES = Decimal("0.0001")


def stored_score(score: Fraction | None) -> Decimal | None:
    """The exact score at the stored 10 decimals, halves rounded up.

    >>> stored_score(Fraction(263, 3)), stored_score(Fraction(1, 2)), stored_score(None)
    (Decimal('87.6666666667'), Decimal('0.5000000000'), None)
    """
    return None if score is None else to_decimal(score, STORED_PLACES)


def snapshot_of(round_: Round) -> ResultSnapshot | None:
    return db.session.scalar(select(ResultSnapshot).where(ResultSnapshot.round_id == round_.id))


def require_snapshot(round_: Round) -> ResultSnapshot:
    """The round's snapshot; 409 `no_results` before its results are computed."""
    snapshot = snapshot_of(round_)
    if snapshot is None:
        raise StateConflictError(_("Compute the round's results first."), code="no_results")
    return snapshot


def write_results(round_: Round, results: Sequence[TeamResult]) -> None:
    """Make the round's stored results these. Teams already sent to the next round stay marked `advanced`:
    they are its entries until the organizer advances again."""
    advanced = set(db.session.scalars(select(Result.team_id).where(Result.round_id == round_.id, Result.advanced)))
    _replace_round_rows(
        Result,
        round_,
        [
            {
                "round_id": round_.id,
                "team_id": result.team_id,
                "group_key": result.group,
                "score": stored_score(result.score),
                "rank": result.rank,
                "tied": result.tied,
                "spread": result.spread.quantize(SPREAD_PLACES),
                "raw_sum": result.raw_sum,
                "judge_totals": [[judge_id, str(total)] for judge_id, total in result.judges.items()],  # in judge order
                "flags": list(result.flags),
                "advanced": result.team_id in advanced,
            }
            for result in results
        ],
    )


def write_awards(
    round_: Round,
    plan: AwardOutcome,
    reasons: Mapping[int, str],
    prizes: Mapping[int, Mapping[str, Any]],
    *,
    now: datetime,
) -> None:
    """Make the round's stored awards those of `plan`; `reasons` are the organizer's, for the manual ones;
    `prizes` what each team receives (amount, currency, description)."""
    _replace_round_rows(
        Award,
        round_,
        [
            {
                "round_id": round_.id,
                "team_id": team_id,
                "tier": tier,
                "manual": team_id in reasons,
                "reason": reasons.get(team_id, ""),
                "amount": prizes.get(team_id, {}).get("amount"),
                "currency": prizes.get(team_id, {}).get("currency"),
                "description": prizes.get(team_id, {}).get("description") or "",
                "created_at": now,
            }
            for team_id, tier in plan.awards.items()
        ],
    )


def _replace_round_rows(model: type[Result] | type[Award], round_: Round, rows: list[dict[str, Any]]) -> None:
    # The delete goes through the ORM, so that rows the session holds are known to be gone; the new rows
    # are plain rows, which no object of the session holds.
    db.session.execute(delete(model).where(model.round_id == round_.id))
    if rows:
        db.session.execute(insert(model.__table__), rows)


@dataclass(frozen=True)
class StoredJudgeStats:
    """A judge's statistics as the snapshot keeps them: `box` is the five-number summary of their totals."""

    judge_id: int
    count: int
    mean: Decimal
    spread: Decimal
    severity: Decimal
    correlation: Decimal | None
    box: tuple[float, float, float, float, float]
    #: The judge-effect model's severity and its standard error (None in snapshots computed before it).
    model_severity: Decimal | None = None
    model_error: Decimal | None = None


def judge_stats_as_stored(stats: Sequence[JudgeStats]) -> list[dict[str, Any]]:
    """Judges' statistics as the snapshot's JSON keeps them (judges without a sheet left out)."""

    def box(totals: Sequence[Decimal]) -> list[str]:
        values = sorted(float(total) for total in totals)
        middle = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
        return [str(values[0]), *map(str, middle), str(values[-1])]

    return [
        {
            "judge_id": stat.judge_id,
            "count": stat.count,
            "mean": str(stat.mean),
            "spread": str(stat.spread),
            "severity": str(stat.severity),
            "correlation": None if stat.correlation is None else str(stat.correlation),
            "box": box(stat.totals),
            "model_severity": str(stat.model_severity),
            "model_error": None if stat.model_error is None else str(stat.model_error),
        }
        for stat in stats
        if stat.totals
    ]


def _decimal_or_none(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def judge_stats(round_: Round) -> list[StoredJudgeStats]:
    """Each judge's count, mean, spread, severity (against the consensus and by the judge-effect model, with
    its standard error) and correlation against the round's consensus scores, as
    computed with its results (409 before they are)."""
    return [
        StoredJudgeStats(
            judge_id=item["judge_id"],
            count=item["count"],
            mean=Decimal(item["mean"]),
            spread=Decimal(item["spread"]),
            severity=Decimal(item["severity"]),
            correlation=None if item["correlation"] is None else Decimal(item["correlation"]),
            box=tuple(float(value) for value in item["box"]),  # type: ignore[arg-type]
            model_severity=_decimal_or_none(item.get("model_severity")),
            model_error=_decimal_or_none(item.get("model_error")),
        )
        for item in require_snapshot(round_).judge_stats or []
    ]
