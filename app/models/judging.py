"""Judging: rounds and their score sheets (criteria), entries, judges and their conflicts,
assignments, and the judges' score sheets."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models.colleges import College
from app.models.contests import Contest
from app.models.people import User
from app.models.teams import Team
from app.models.types import UTCDateTime, utcnow

ROUND_LEVELS = ("school", "provincial", "national", "custom")
#: How a round ranks its teams, and how advancement counts places: all together, per college, per province,
#: per country (of the team's college, an ISO 3166-1 alpha-2 code).
GROUPINGS = ("none", "college", "province", "country", "region")
DRAFT, OPEN, CLOSED, PUBLISHED = "draft", "open", "closed", "published"
ROUND_STATUSES = (DRAFT, OPEN, CLOSED, PUBLISHED)
SHEET_DRAFT, SHEET_SUBMITTED = "draft", "submitted"
SHEET_STATUSES = (SHEET_DRAFT, SHEET_SUBMITTED)


class Round(db.Model):
    """A round of judging (校赛, 省赛, 全国总决赛): its sheet, its aggregation rule and its status."""

    __tablename__ = "rounds"
    __table_args__ = (CheckConstraint("judges_per_team >= 1", name="judges_per_team"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(20), default="school")
    grouping: Mapped[str] = mapped_column(String(20), default="none")
    judges_per_team: Mapped[int] = mapped_column(default=5)
    aggregation: Mapped[str] = mapped_column(String(20), default="mean")
    trim: Mapped[int] = mapped_column(default=1)
    min_judges_for_trim: Mapped[int] = mapped_column(default=5)
    decimals: Mapped[int] = mapped_column(default=2)
    tie_breaks: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: On a blind round, judges know each team only by its code in the round (`Entry.code`): never its number,
    #: name, project title or college.
    blind: Mapped[bool] = mapped_column(default=False)
    #: A judge never scores a team of their own college. Only a school round may turn this off, to use the
    #: college's own teachers; the assigner then keeps them to at most half of a panel where it can.
    own_college_conflict: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    previous_round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"))
    #: What an entrant hands in for the round: a list of {key, name, kind: "file"|"link", types, max_mb,
    #: max_pages, required} (`app.works.requirements` checks the shape), due by `works_due_at`.
    requirements: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    works_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    contest: Mapped[Contest] = relationship()
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="round", cascade="all, delete-orphan", lazy="selectin", order_by="Criterion.position"
    )

    @property
    def sheet_criteria(self) -> list[Criterion]:
        """The items the judges score on their sheets, in order (a data item's values come from an import)."""
        return [criterion for criterion in self.criteria if criterion.source != "data"]

    @property
    def data_criteria(self) -> list[Criterion]:
        """The items whose values come from a data import (`MetricValue`), in order."""
        return [criterion for criterion in self.criteria if criterion.source == "data"]

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.name}>"


class Criterion(db.Model):
    """One item of a round's score sheet: a judge gives 0..max in multiples of step; the item
    counts `weight` times in the judge's total."""

    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("round_id", "key"),
        CheckConstraint("max > 0", name="max_positive"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("step > 0", name="step_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    max: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    weight: Mapped[Decimal] = mapped_column(Numeric(8, 4), default=Decimal(1))
    step: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal("0.01"))
    #: Who gives the item its value: the judges on their sheets, or a data import (`MetricValue`), turned into
    #: points by `rule` ({"kind": "linear", "floor", "cap"} or {"kind": "rank"}).
    source: Mapped[str] = mapped_column(String(10), default="judges", server_default="judges")
    rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship(back_populates="criteria")


class Entry(db.Model):
    """A team in a round, with the group it is ranked in (its college, its province, or none), and the code
    the round's judges know it by when the round is blind."""

    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("round_id", "team_id"),
        UniqueConstraint("round_id", "code"),
        Index("ix_entries_round_group", "round_id", "group_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    group_key: Mapped[str] = mapped_column(String(60), default="")
    #: The team's code in this round only ("R7-K3Q9"): drawn at random when the team enters the round, so that
    #: nothing in it, nor in another round's code, leads back to the team.
    code: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    team: Mapped[Team] = relationship()


class JudgeProfile(db.Model):
    """What Laurel knows of a judge for conflicts and panels: college, organization, province."""

    __tablename__ = "judge_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    college_id: Mapped[int | None] = mapped_column(ForeignKey("colleges.id"))
    organization: Mapped[str] = mapped_column(String(80), default="")
    province: Mapped[str] = mapped_column(String(40), default="")
    expertise: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()
    college: Mapped[College | None] = relationship()


class RoundJudge(db.Model):
    __tablename__ = "round_judges"
    __table_args__ = (UniqueConstraint("round_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship()


class Conflict(db.Model):
    """A judge's declared conflict (回避) with a college or a team."""

    __tablename__ = "conflicts"
    __table_args__ = (
        UniqueConstraint("judge_id", "college_id", "team_id"),
        CheckConstraint("(college_id IS NULL) <> (team_id IS NULL)", name="college_or_team"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    college_id: Mapped[int | None] = mapped_column(ForeignKey("colleges.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Assignment(db.Model):
    """One judge scoring one team in one round."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("round_id", "team_id", "judge_id"),
        Index("ix_assignments_round_judge", "round_id", "judge_id"),
        #: A round's assignments in force, per judge and per team, counted from this index alone.
        Index("ix_assignments_round_in_force", "round_id", "set_aside_at", "team_id", "judge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    manual: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When a conflict of interest arose after the assignment was made (a conflict declared, a judge's college
    #: or a team's college or advisors changed): from then on the judge cannot score the team, and a sheet
    #: already submitted no longer counts. The assignment is kept, with its sheet and history.
    set_aside_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The rule that forbids the pair now (`own_college`, `advisor`, `declared_college`, `declared_team`).
    set_aside_conflict: Mapped[str | None] = mapped_column(String(20))

    round: Mapped[Round] = relationship()
    team: Mapped[Team] = relationship()
    judge: Mapped[User] = relationship()
    sheet: Mapped[ScoreSheet | None] = relationship(back_populates="assignment", uselist=False)

    @hybrid_property
    def active(self) -> bool:
        """Whether the assignment counts: not set aside for a conflict of interest. In SQL too
        (`where(Assignment.active)`), the one test of it for every query that counts assignments or sheets."""
        return self.set_aside_at is None

    @active.inplace.expression
    @classmethod
    def _active_expression(cls) -> ColumnElement[bool]:
        return cls.set_aside_at.is_(None)


class ScoreSheet(db.Model):
    """A judge's sheet for an assignment: draft until submitted, then read-only unless unlocked.

    `version` grows with every save, so that a save from a stale page is refused, not applied.
    """

    __tablename__ = "score_sheets"
    #: Counting a round's sheets by state (its progress) reads this index alone, not every sheet.
    __table_args__ = (Index("ix_score_sheets_assignment_status", "assignment_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=SHEET_DRAFT)
    comment: Mapped[str] = mapped_column(Text, default="")
    total: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assignment: Mapped[Assignment] = relationship(back_populates="sheet")
    scores: Mapped[list[Score]] = relationship(back_populates="sheet", cascade="all, delete-orphan")

    def values(self) -> dict[str, Any]:
        return {score.criterion_key: score.value for score in self.scores}


class Score(db.Model):
    """One item of one sheet."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("sheet_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheets.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"), index=True)
    criterion_key: Mapped[str] = mapped_column(String(30))
    value: Mapped[Decimal] = mapped_column(Numeric(8, 2))

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
