"""Background jobs: work too long for a web request (exports, large imports, computations, mail).

A job's row is the one truth about it, whichever process runs it: the queue (RQ over Redis, or a thread of
the app's own process) carries only its id. The row says who asked, what was asked, how far it has come and
how it ended, and names the file to download when it made one.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.contests import Contest
from app.models.people import User
from app.models.types import UTCDateTime, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
JOB_STATES = (QUEUED, RUNNING, DONE, FAILED)


def new_job_id() -> str:
    """An id no one can guess: a job's id is also the key to its page and its file."""
    return secrets.token_urlsafe(16)


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_heartbeat", "state", "heartbeat_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_job_id)
    kind: Mapped[str] = mapped_column(String(30))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The contest it concerns, if any: that contest's organizers may see it too.
    contest_id: Mapped[int | None] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default=QUEUED)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    #: What the job found or made besides its file: an import's row errors or its count.
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The file it made, relative to the jobs folder, and the name it is downloaded under.
    result_path: Mapped[str | None] = mapped_column(String(200))
    result_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Touched by the process running it while it runs: a running job whose heartbeat stopped lost its worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner: Mapped[User] = relationship()
    contest: Mapped[Contest | None] = relationship()

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)
