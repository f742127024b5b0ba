"""People: users, their roles, and their API tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import ColumnElement, ForeignKey, String, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.hashing import ARGON2ID, hash_password, verify_password
from app.extensions import db
from app.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.colleges import College

ORGANIZER = "organizer"
COORDINATOR = "coordinator"
JUDGE = "judge"
CAPTAIN = "captain"
#: Every role, most powerful first.
ROLES = (ORGANIZER, COORDINATOR, JUDGE, CAPTAIN)
#: Roles that a college (or a province) on the role limits to that college (or that province's colleges).
#: A judge's college and province say where the judge comes from, which conflicts of interest read: they
#: do not limit where the judge judges.
PLACE_SCOPED_ROLES = (ORGANIZER, COORDINATOR, CAPTAIN)


def secret_hash(secret: str) -> str:
    """What is kept of an API token or a session key: its SHA-256, so that a copy of the database opens
    no account."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively: they are stored trimmed and lowercased."""
    return email.strip().lower()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="RoleAssignment.id"
    )

    def set_password(self, password: str, method: str = ARGON2ID) -> None:
        self.password_hash = hash_password(password, method)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    #: The key of the browser session this object was signed in or loaded with (not a column): what
    #: Flask-Login keeps in the session cookie, so that ending the session on the server ends it.
    session_key = None

    def get_id(self) -> str | None:  # Flask-Login
        return self.session_key

    def role_names(self) -> set[str]:
        return {assignment.role for assignment in self.roles}

    def roles_in(self, role: str, contest_id: int | None) -> list[RoleAssignment]:
        """The user's `role` assignments that hold in contest `contest_id`, whatever college they name."""
        return [assignment for assignment in self.roles if assignment.role == role and assignment.holds_in(contest_id)]

    def has_role(self, role: str, contest_id: int | None = None, college: College | None = None) -> bool:
        """True when the user holds `role` in contest `contest_id` (`None`: in every contest), for the whole
        contest or, when `college` is given, for that college.

        A role naming no contest holds in every contest. An organizer's, coordinator's or captain's role
        naming a college (or a province) holds for that college (or that province's colleges) only: never
        for a whole contest, nor over every contest.
        """
        return any(assignment.covers(college) for assignment in self.roles_in(role, contest_id))

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class RoleAssignment(db.Model):
    """One role of one user: organizer, or coordinator of a college, judge, captain (per contest)."""

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "contest_id", "college_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    contest_id: Mapped[int | None] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    college_id: Mapped[int | None] = mapped_column(ForeignKey("colleges.id"))
    province: Mapped[str | None] = mapped_column(String(40))

    user: Mapped[User] = relationship(back_populates="roles")

    def holds_in(self, contest_id: int | None) -> bool:
        """A role naming a contest holds in that contest; one naming none, in every contest."""
        return self.contest_id is None or self.contest_id == contest_id

    def covers(self, college: College | None) -> bool:
        """Whether the role holds for `college` (`None`: for every college), as far as its college and
        province go (`PLACE_SCOPED_ROLES`)."""
        if self.role not in PLACE_SCOPED_ROLES:
            return True
        if self.college_id is not None and (college is None or college.id != self.college_id):
            return False
        return not self.province or (college is not None and college.province_name == self.province)


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @classmethod
    def valid_at(cls, now: Any) -> ColumnElement[bool]:
        """The rule of a usable token, as SQL for a query that joins the token's user: not revoked, not
        expired at `now` (a time or a bound parameter), its user active."""
        return and_(cls.revoked_at.is_(None), cls.expires_at > now, User.active.is_(True))


class BrowserSession(db.Model):
    """A signed-in browser. Its cookie carries a random key, of which only the SHA-256 is kept, as for API
    tokens. The session lives as long as its row: deleting the row (sign-out, a password change, "sign out
    everywhere else", deactivation) ends it at the next request, on every instance."""

    __tablename__ = "browser_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Where and with what it was signed in, for the account page's list of sessions.
    address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()

    @classmethod
    def valid_at(cls, now: Any) -> ColumnElement[bool]:
        """The rule of a live session, as SQL for a query that joins its user: not expired at `now`, its
        user active."""
        return and_(cls.expires_at > now, User.active.is_(True))
