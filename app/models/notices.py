"""The public notice (公示) of a published round, the objections (异议) raised during it, and their evidence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.judging import Round
from app.models.people import User
from app.models.teams import Team
from app.models.types import UTCDateTime, utcnow

#: How a notice's days are counted: the official Chinese working days, or every calendar day.
NOTICE_CALENDARS = ("cn_workdays", "calendar")
#: An objection waits for its answer, then is answered with one of the decisions.
OBJECTION_OPEN, OBJECTION_ANSWERED = "open", "answered"
OBJECTION_STATES = (OBJECTION_OPEN, OBJECTION_ANSWERED)
UPHELD, PARTLY_UPHELD, DISMISSED = "upheld", "partly_upheld", "dismissed"
DECISIONS = (UPHELD, PARTLY_UPHELD, DISMISSED)
#: What an upheld objection may do to the results: withdraw the team objected to (its results computed again
#: without it), or reopen the round's scoring (published → closed, as reopening does).
WITHDRAW_TEAM, REOPEN_SCORING = "withdraw_team", "reopen_scoring"
OBJECTION_ACTIONS = (WITHDRAW_TEAM, REOPEN_SCORING)


class Notice(db.Model):
    """A published round's notice period: from `starts_on` to `ends_on` (dates in the contest's time zone,
    both included), counted as `days` of `calendar`. Its state is computed when read
    (`app.notices.services.notice_state`); `finalized_at` is the organizer's finalization."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), unique=True)
    days: Mapped[int] = mapped_column()
    calendar: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finalized_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Whether the teams are mailed their results, chosen at publication: then again when they are final.
    tell_teams: Mapped[bool] = mapped_column(default=True, server_default=true())

    round: Mapped[Round] = relationship()


class Objection(db.Model):
    """One person's objection to a team's result (`team_id`) or to the whole list (no team), confidential
    between them and the organizers; answered once, with a decision, a reply and perhaps an action."""

    __tablename__ = "objections"
    __table_args__ = (Index("ix_objections_round_state", "round_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=OBJECTION_OPEN)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    decision: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str | None] = mapped_column(String(20))
    reply: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    round: Mapped[Round] = relationship()
    team: Mapped[Team | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    files: Mapped[list[ObjectionFile]] = relationship(
        back_populates="objection", cascade="all, delete-orphan", lazy="selectin", order_by="ObjectionFile.id"
    )


class ObjectionFile(db.Model):
    """A file of evidence for an objection; its bytes live in the store (`app.storage`) under their SHA-256."""

    __tablename__ = "objection_files"
    __table_args__ = (UniqueConstraint("objection_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("objections.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    objection: Mapped[Objection] = relationship(back_populates="files")
