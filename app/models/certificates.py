"""Certificates: what an award's certificate says, frozen when it is issued, under a code anyone can verify."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.people import User
from app.models.types import UTCDateTime, utcnow

#: Crockford's base32: digits and capitals without I, L, O and U, so that a code read aloud or typed from
#: paper is not mistaken (an O typed for a 0 is read as 0; see `normal_code`).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 10 characters: 50 random bits, so that codes cannot be guessed one after another.
CODE_LENGTH = 10


def new_certificate_code() -> str:
    """A code no one can guess, from the operating system's random source."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(typed: str) -> str:
    """A code as typed or scanned, as stored: capitals, without spaces or dashes, O read as 0 and I or L as 1.

    >>> normal_code(" abcde-fghjo "), normal_code("1il0")
    ('ABCDEFGHJ0', '1110')
    """
    cleaned = "".join(typed.split()).replace("-", "").upper()
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


class Certificate(db.Model):
    """One award's certificate. `content` is what it says (the entrant, its people, the tier, the contest,
    the issuer and the seal), taken when it was issued and never changed: the PDF and the verification page
    both show it. A revoked certificate keeps its content and says why it was revoked; one whose award was
    replaced by a new computation (`award_id` gone) is void."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id", ondelete="SET NULL"), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True)
    #: One of CONTEST_LANGUAGES: the contest's when it was issued.
    language: Mapped[str] = mapped_column(String(5))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Shown on the public verification page.
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def valid(self) -> bool:
        return self.revoked_at is None and self.award_id is not None
