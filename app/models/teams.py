"""Teams, their student members and their advisors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.colleges import College
from app.models.contests import Contest, Track
from app.models.people import User
from app.models.types import UTCDateTime, utcnow

SUBMITTED = "submitted"
APPROVED = "approved"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
TEAM_STATUSES = (SUBMITTED, APPROVED, REJECTED, WITHDRAWN)

UNIVERSITY = "university"
ENTERPRISE = "enterprise"
ADVISOR_KINDS = (UNIVERSITY, ENTERPRISE)

# The searches of the team lists find part of a name (LIKE '%…%'): on PostgreSQL trigram indexes answer them
# (pg_trgm, created with the tables here and by migration 0014); SQLite reads the table, fast enough at its scale.
event.listen(db.metadata, "before_create", DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


def trigram_index(name: str, column: str) -> Index:
    """A GIN trigram index on `column`, on PostgreSQL only (migrations/env.py and the schema test skip it elsewhere)."""
    return Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}).ddl_if(dialect="postgresql")


class Team(db.Model):
    __tablename__ = "teams"
    __table_args__ = (
        UniqueConstraint("contest_id", "number"),
        Index("ix_teams_contest_status", "contest_id", "status"),
        Index("ix_teams_contest_college", "contest_id", "college_id"),
        Index("ix_teams_contest_country", "contest_id", "country"),
        trigram_index("ix_teams_name_trgm", "name"),
        trigram_index("ix_teams_number_trgm", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id"), index=True)
    #: The entrant's institution; none for a person entering on their own or an organization not on the list.
    college_id: Mapped[int | None] = mapped_column(ForeignKey("colleges.id"))
    #: ISO 3166-1 alpha-2: the institution's, the organization's, or the individual's own.
    country: Mapped[str] = mapped_column(String(2), default="CN", server_default="CN", index=True)
    #: Answers to the contest's own questions (`RegistrationField`), by key.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    #: Shown and used everywhere: year, track code and a sequence per track, as 2026-CB-00123.
    number: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(64), index=True)
    project_title: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=SUBMITTED)
    review_reason: Mapped[str | None] = mapped_column(Text)
    #: The account that registered the team and may edit it; none for teams a coordinator imported.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Set when an organizer reopens the review of a team whose judging has started; the next decision
    #: closes it again.
    review_reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    contest: Mapped[Contest] = relationship()
    track: Mapped[Track] = relationship(lazy="joined")
    college: Mapped[College | None] = relationship(lazy="joined")
    organization: Mapped[Organization | None] = relationship(
        back_populates="team", cascade="all, delete-orphan", lazy="joined", uselist=False
    )
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamMember.position"
    )
    advisors: Mapped[list[Advisor]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="Advisor.position"
    )
    disputes: Mapped[list[MemberDispute]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="MemberDispute.id"
    )

    @property
    def kind(self) -> str:
        """The track's entrant kind: team, individual or organization."""
        return self.track.entrant

    @property
    def college_name(self) -> str:
        return self.college.name if self.college else ""

    @property
    def province_name(self) -> str:
        return self.college.province_name if self.college else ""

    @property
    def captain(self) -> TeamMember | None:
        return next((member for member in self.members if member.is_captain), None)

    @property
    def student_college_ids(self) -> set[int]:
        """The colleges of its members and of the students their colleges disputed: each may see the team."""
        return {member.college_id for member in self.members} | {dispute.college_id for dispute in self.disputes}

    def dispute_of(self, member: TeamMember) -> MemberDispute | None:
        """The dispute of this member by their college, if any."""
        return next((d for d in self.disputes if (d.college_id, d.student_id) == (member.college_id, member.student_id)), None)

    def __repr__(self) -> str:
        return f"<Team {self.number} {self.name}>"


class TeamMember(db.Model):
    """A student in a team. A student is a college plus a student ID.

    One student is in at most one team per category (the track's kind) per contest; the partial
    unique index enforces it under concurrency. A withdrawn team's members are released, and so is a
    member their college disputes (`MemberDispute`).
    """

    __tablename__ = "team_members"
    __table_args__ = (
        Index("ix_team_members_contest_college", "contest_id", "college_id"),
        Index(
            "uq_team_members_one_team_per_category",
            "contest_id",
            "category",
            "college_id",
            "student_id",
            unique=True,
            sqlite_where=text("released = 0"),
            postgresql_where=text("NOT released"),
        ),
        Index("ix_team_members_student_id", "student_id"),
        trigram_index("ix_team_members_name_trgm", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(20))
    #: None for a person who is not a student (with no student ID either).
    college_id: Mapped[int | None] = mapped_column(ForeignKey("colleges.id"))
    student_id: Mapped[str | None] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(50))
    nationality: Mapped[str] = mapped_column(String(2), default="CN", server_default="CN")
    major: Mapped[str] = mapped_column(String(60), default="")
    grade: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(20), default="")
    is_captain: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    released: Mapped[bool] = mapped_column(default=False)

    team: Mapped[Team] = relationship(back_populates="members")
    college: Mapped[College | None] = relationship(lazy="joined")


class Organization(db.Model):
    """The organization that is an entrant: a company or an institution applying in its own name."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    #: 统一社会信用代码, 18 characters with a check digit; Chinese organizations only.
    credit_code: Mapped[str] = mapped_column(String(18), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(50))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    contact_nationality: Mapped[str] = mapped_column(String(2), default="CN")

    team: Mapped[Team] = relationship(back_populates="organization")


class Advisor(db.Model):
    """A university advisor (高校指导老师) or an enterprise advisor (企业指导老师)."""

    __tablename__ = "advisors"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(50), index=True)
    organization: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    nationality: Mapped[str] = mapped_column(String(2), default="CN", server_default="CN")
    position: Mapped[int] = mapped_column(default=0)

    team: Mapped[Team] = relationship(back_populates="advisors")


class MemberDispute(db.Model):
    """A college's word that one of its students (college + student ID) is not to be in a team: while it
    stands, the student holds no place in the team (their row is released, so the student ID is free for
    another team), and the team is not approved with the student in it."""

    __tablename__ = "member_disputes"
    __table_args__ = (UniqueConstraint("team_id", "college_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    college_id: Mapped[int] = mapped_column(ForeignKey("colleges.id"), index=True)
    student_id: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    disputed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    disputed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    team: Mapped[Team] = relationship(back_populates="disputes")
    college: Mapped[College] = relationship(lazy="joined")
