"""Works: what a team hands in for a round (each version kept), extensions of a round's deadline, the log of
who opened which work, and the values of a round's data criteria imported for each team."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.judging import Criterion, Round
from app.models.people import User
from app.models.teams import Team
from app.models.types import UTCDateTime, utcnow

#: What a round's requirement asks for: a file handed in, or a link (a video, a live store).
WORK_KINDS = ("file", "link")


class Work(db.Model):
    """One version of one item a team handed in for a round (`Round.requirements`, by key).

    Versions are never replaced: a new upload adds version n + 1 with its size, SHA-256 and time. A file's
    bytes live in the store (`app.storage`) under their SHA-256; a link keeps its address in `url`.
    """

    __tablename__ = "works"
    __table_args__ = (
        UniqueConstraint("round_id", "team_id", "key", "version"),
        Index("ix_works_round_team_key", "round_id", "team_id", "key"),
        CheckConstraint("(sha256 IS NULL) <> (url IS NULL)", name="file_or_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(30))
    version: Mapped[int] = mapped_column(default=1)
    kind: Mapped[str] = mapped_column(String(10), default="file")
    #: The name the entrant's file had, for the team and the organizers (a blind round never shows it).
    filename: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    pages: Mapped[int | None] = mapped_column()
    url: Mapped[str | None] = mapped_column(String(500))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    round: Mapped[Round] = relationship()
    team: Mapped[Team] = relationship()
    submitted_by: Mapped[User | None] = relationship()


class WorkExtension(db.Model):
    """A later deadline for one team in one round, granted by an organizer with a reason (audited)."""

    __tablename__ = "work_extensions"
    __table_args__ = (UniqueConstraint("round_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    team: Mapped[Team] = relationship()


class WorkOpen(db.Model):
    """Someone opened (or downloaded) a work: who and when, for the organizers."""

    __tablename__ = "work_opens"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User | None] = relationship()


class MetricValue(db.Model):
    """A team's imported value for one of a round's data criteria (a store's orders, sales, rating), before
    the criterion's rule turns the round's values into points."""

    __tablename__ = "metric_values"
    __table_args__ = (UniqueConstraint("criterion_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    criterion: Mapped[Criterion] = relationship()
