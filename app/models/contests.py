"""Contests and their tracks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow

TRACK_KINDS = ("regular", "practical")

TEAM = "team"
INDIVIDUAL = "individual"
ORGANIZATION = "organization"
#: Who enters a track: a student team, one person (student or not), or an organization (a company or an
#: institution applying in its own name).
ENTRANT_KINDS = (TEAM, INDIVIDUAL, ORGANIZATION)

#: The languages a contest speaks first: its pages (unless a person chose), its mail and its workbooks.
CONTEST_LANGUAGES = ("zh", "en")


class Contest(db.Model):
    __tablename__ = "contests"
    __table_args__ = (
        CheckConstraint("registration_opens_at < registration_closes_at", name="registration_window"),
        CheckConstraint("min_members >= 1 AND min_members <= max_members", name="member_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    year: Mapped[int]
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    language: Mapped[str] = mapped_column(String(5), default="zh", server_default="zh")
    registration_opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    min_members: Mapped[int] = mapped_column(default=3)
    max_members: Mapped[int] = mapped_column(default=5)
    max_university_advisors: Mapped[int] = mapped_column(default=2)
    max_enterprise_advisors: Mapped[int] = mapped_column(default=2)
    team_name_max: Mapped[int] = mapped_column(default=16)
    project_title_max: Mapped[int] = mapped_column(default=30)
    #: What the awards of all its rounds may total, in one currency (ISO 4217); none: no limit.
    budget_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    #: Set when the first round opens: from then on captains can no longer edit their teams.
    teams_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Who awards its certificates, as printed on them (the organizing committee); empty: the contest's name.
    certificate_issuer: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: The organizer's seal on its certificates: the SHA-256 of a PNG in the file store; none: no seal.
    certificate_seal: Mapped[str | None] = mapped_column(String(64))
    #: Whether the mail telling a team its result goes to every member, not only the captain.
    result_mail_members: Mapped[bool] = mapped_column(default=False, server_default=false())

    tracks: Mapped[list[Track]] = relationship(
        back_populates="contest", cascade="all, delete-orphan", lazy="selectin", order_by="Track.position"
    )
    registration_fields: Mapped[list[RegistrationField]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RegistrationField.position"
    )

    def local(self, moment: datetime) -> datetime:
        """`moment` in the contest's time zone, where its people read times."""
        return moment.astimezone(ZoneInfo(self.timezone))

    def editing_closes_at(self) -> datetime:
        """Captains edit until registration closes or the teams are frozen, whichever comes first."""
        if self.teams_frozen_at is not None and self.teams_frozen_at < self.registration_closes_at:
            return self.teams_frozen_at
        return self.registration_closes_at

    def registration_is_open(self, now: datetime) -> bool:
        return self.registration_opens_at <= now < self.editing_closes_at()

    def status(self, now: datetime) -> str:
        """Where the contest stands at `now`: upcoming, registration_open or registration_closed."""
        if now < self.registration_opens_at:
            return "upcoming"
        if now < self.registration_closes_at:
            return "registration_open"
        return "registration_closed"

    def __repr__(self) -> str:
        return f"<Contest {self.year} {self.name}>"


class Track(db.Model):
    """A contest's track (赛道), such as 常规赛 (regular) or 实战赛 (practical)."""

    __tablename__ = "tracks"
    __table_args__ = (UniqueConstraint("contest_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20), default="regular")
    position: Mapped[int] = mapped_column(default=0)
    #: The last team number given in this track; numbers are taken by an atomic increment.
    last_team_number: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Who enters: one of ENTRANT_KINDS.
    entrant: Mapped[str] = mapped_column(String(20), default=TEAM, server_default=TEAM)
    #: The track's own size limits; none: the contest's (a team), exactly one (an individual), 0 to the
    #: contest's maximum (an organization, whose members are its project's people).
    min_members: Mapped[int | None] = mapped_column()
    max_members: Mapped[int | None] = mapped_column()

    contest: Mapped[Contest] = relationship(back_populates="tracks")

    def member_range(self) -> tuple[int, int]:
        """How many people an entrant of this track lists: (fewest, most)."""
        if self.entrant == INDIVIDUAL:
            return (1, 1)
        if self.entrant == ORGANIZATION:
            low, high = 0, self.contest.max_members
        else:
            low, high = self.contest.min_members, self.contest.max_members
        return (low if self.min_members is None else self.min_members, high if self.max_members is None else self.max_members)


class RegistrationField(db.Model):
    """A question a contest (or one of its tracks) asks every entrant beyond Laurel's own: a project
    category, a business stage, a team's social media account."""

    __tablename__ = "registration_fields"
    __table_args__ = (UniqueConstraint("contest_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    #: None: every track asks it.
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(80))
    #: One of FIELD_TYPES (app.registration.answers).
    type: Mapped[str] = mapped_column(String(20), default="text")
    required: Mapped[bool] = mapped_column(default=False)
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    help: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    track: Mapped[Track | None] = relationship(lazy="joined")
