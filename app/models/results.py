"""Results: a round's computed snapshot (score, rank, tie and flags per team) and its awards."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.judging import Round
from app.models.people import User
from app.models.teams import Team
from app.models.types import UTCDateTime, utcnow

#: Prize tiers, best first, with the names printed on the prize list.
TIER_NAMES = {"special": "特等奖", "first": "一等奖", "second": "二等奖", "third": "三等奖", "honorable": "优秀奖"}
TIER_KEYS = tuple(TIER_NAMES)


class ResultSnapshot(db.Model):
    """When a round's results were computed, by whom, by which rule, and whether they are published.

    One per round: computing again replaces it (and the round's `Result` rows) while the round is closed.
    """

    __tablename__ = "result_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), unique=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The aggregation rule as applied: method, trim, min_judges, tie_breaks, decimals, scale_max, disagreement.
    rule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    teams: Mapped[int] = mapped_column(default=0)
    sheets: Mapped[int] = mapped_column(default=0)
    #: Assigned sheets that were not submitted when the organizer confirmed the computation.
    missing: Mapped[int] = mapped_column(default=0)
    #: The tiers last used for awards ({"tiers": [...], "ties": "flag", "overrides": [...], "tied": [...]}),
    #: re-applied when the results are computed again.
    award_rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The last advancement ({"to_round_id", "top", "share", "per", "min_score", "ties", "tied": [...]}).
    advance_rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    show_scores: Mapped[bool] = mapped_column(default=True)
    #: Each judge's statistics against this snapshot's consensus, computed with it:
    #: [{"judge_id", "count", "mean", "spread", "severity", "correlation", "box": [low, q1, median, q3, high]}].
    #: Loaded only when read: every results page and computation loads the snapshot, few need 300 judges' figures.
    judge_stats: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, deferred=True)

    round: Mapped[Round] = relationship()
    computed_by: Mapped[User | None] = relationship()


class Result(db.Model):
    """One team's place in a round. `score` keeps 10 decimals (ranks were decided on the exact value
    before it was stored); pages and exports round it to the round's decimals."""

    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("round_id", "team_id"), Index("ix_results_round_rank", "round_id", "rank"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    group_key: Mapped[str] = mapped_column(String(60), default="")
    score: Mapped[Decimal | None] = mapped_column(Numeric(20, 10))
    rank: Mapped[int] = mapped_column()
    tied: Mapped[bool] = mapped_column(default=False)
    spread: Mapped[Decimal] = mapped_column(Numeric(12, 4), default=Decimal(0))
    raw_sum: Mapped[Decimal] = mapped_column(Numeric(14, 4), default=Decimal(0))
    #: [[judge_id, "total"], ...] in judge order.
    judge_totals: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    advanced: Mapped[bool] = mapped_column(default=False)

    team: Mapped[Team] = relationship()


class Award(db.Model):
    """A prize tier given to a team in a round, with what it carries; `manual` ones were set by the organizer
    with a reason."""

    __tablename__ = "awards"
    __table_args__ = (UniqueConstraint("round_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    tier: Mapped[str] = mapped_column(String(20))
    manual: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: What the winner receives: an amount (exact, in `currency`, ISO 4217) and what comes with it. The
    #: tier's, unless the organizer set this recipient's own amount (`updateAward`).
    amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    team: Mapped[Team] = relationship()
