"""The mail that tells each team its result, at publication and at finalization: one row per team and occasion,
so that the organizers see what was sent, what bounced, and can send it again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.judging import Round
from app.models.teams import Team
from app.models.types import UTCDateTime, utcnow

#: When a team is told: its round's results are published, then final.
AT_PUBLICATION, AT_FINALIZATION = "published", "final"
OCCASIONS = (AT_PUBLICATION, AT_FINALIZATION)
#: A mail waits to be sent, is taken by the server, is refused by it for good (a bad address: "bounced"), or
#: could not be handed over for another reason (the server down): the last two can be sent again.
MAIL_QUEUED, MAIL_SENT, MAIL_BOUNCED, MAIL_FAILED = "queued", "sent", "bounced", "failed"
MAIL_STATES = (MAIL_QUEUED, MAIL_SENT, MAIL_BOUNCED, MAIL_FAILED)


class ResultMail(db.Model):
    __tablename__ = "result_mails"
    __table_args__ = (
        UniqueConstraint("round_id", "occasion", "team_id"),
        Index("ix_result_mails_round_occasion_state", "round_id", "occasion", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    occasion: Mapped[str] = mapped_column(String(10))
    #: The addresses it went to, as they were when it was written.
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(10), default=MAIL_QUEUED)
    #: What the server answered when it refused the mail.
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    round: Mapped[Round] = relationship()
    team: Mapped[Team] = relationship()
