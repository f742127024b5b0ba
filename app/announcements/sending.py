"""The job that tells the teams: it writes one row per team not yet told on the occasion, then sends the
queued ones at the mail server's pace, recording for each what the server answered.

Unlike a request, the job commits as it goes: after each row is written, and after each mail is sent, so that
a job run again (its worker died) sends only what was not sent, and the organizers' page shows the progress.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app.announcements.messages import TeamOutcome, result_mail
from app.errors import StateConflictError
from app.extensions import db
from app.jobs.runner import Progress
from app.mail import Refused, Undelivered, mail_sender
from app.models import (
    AT_FINALIZATION,
    MAIL_BOUNCED,
    MAIL_FAILED,
    MAIL_QUEUED,
    MAIL_SENT,
    Award,
    Certificate,
    Entry,
    Organization,
    Result,
    ResultMail,
    Round,
    Team,
    TeamMember,
    utcnow,
)
from app.notices.services import notice_of
from app.results.queries import tier_names
from app.results.store import snapshot_of

#: Rows read, built and sent together: one query for a batch's teams, results and addresses.
BATCH = 200


class Pace:
    """At most `per_minute` messages a minute, spread evenly: the rate a mail server accepts from one sender.
    0 sends as fast as the server takes them. `clock` and `sleep` are the real ones but for the tests."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.gap = 60.0 / per_minute if per_minute > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self.next_at: float | None = None

    def wait(self) -> None:
        if not self.gap:
            return
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.gap


def queue_rows(round_: Round, occasion: str, *, now: datetime) -> int:
    """One queued row for each team of the round not yet told on this occasion; committed. The teams are the
    round's entrants; the addresses are filled in when each mail is sent."""
    told = select(ResultMail.team_id).where(ResultMail.round_id == round_.id, ResultMail.occasion == occasion)
    team_ids = db.session.scalars(
        select(Entry.team_id).where(Entry.round_id == round_.id, Entry.team_id.not_in(told)).order_by(Entry.team_id)
    ).all()
    if team_ids:
        try:
            _insert_rows(round_, occasion, team_ids, now)
        except IntegrityError:  # another job of the round wrote them first: they are queued either way
            db.session.rollback()
            return 0
    db.session.commit()
    return len(team_ids)


def _insert_rows(round_: Round, occasion: str, team_ids: list[int], now: datetime) -> None:
    db.session.execute(
        insert(ResultMail),
        [
            {
                "round_id": round_.id,
                "team_id": team_id,
                "occasion": occasion,
                "state": MAIL_QUEUED,
                "recipients": [],
                "queued_at": now,
            }
            for team_id in team_ids
        ],
    )


def addresses(team_ids: Sequence[int], *, members: bool) -> dict[int, list[str]]:
    """Each team's addresses: its captain's (every member's when `members`), else its organization's contact."""
    found: dict[int, list[str]] = {}
    wanted = TeamMember.team_id.in_(team_ids) if members else TeamMember.team_id.in_(team_ids) & TeamMember.is_captain
    for team_id, email in db.session.execute(
        select(TeamMember.team_id, TeamMember.email).where(wanted).order_by(TeamMember.is_captain.desc(), TeamMember.id)
    ):
        if email and email not in found.setdefault(team_id, []):
            found[team_id].append(email)
    missing = [team_id for team_id in team_ids if not found.get(team_id)]
    if missing:
        for team_id, email in db.session.execute(
            select(Organization.team_id, Organization.contact_email).where(Organization.team_id.in_(missing))
        ):
            if email:
                found[team_id] = [email]
    return found


def outcomes(round_: Round, team_ids: Sequence[int]) -> dict[int, TeamOutcome]:
    """What each team is told: its number and name, rank and score, whether it advances, its prize and certificate."""
    snapshot = snapshot_of(round_)
    names = tier_names(snapshot)
    show_scores = bool(snapshot and snapshot.show_scores)
    rows = db.session.execute(
        select(Team.id, Team.number, Team.name, Result.rank, Result.score, Result.advanced, Award.tier, Certificate.code)
        .outerjoin(Result, (Result.team_id == Team.id) & (Result.round_id == round_.id))
        .outerjoin(Award, (Award.team_id == Team.id) & (Award.round_id == round_.id))
        .outerjoin(Certificate, (Certificate.award_id == Award.id) & Certificate.revoked_at.is_(None))
        .where(Team.id.in_(team_ids))
    )
    return {
        team_id: TeamOutcome(
            number=number,
            name=name,
            rank=rank,
            score=_rounded(score, round_.decimals) if show_scores else None,
            advanced=bool(advanced),
            prize=names.get(tier, tier) if tier else None,
            certificate_code=code,
        )
        for team_id, number, name, rank, score, advanced, tier, code in rows
    }


def _rounded(score: Decimal | None, decimals: int) -> Decimal | None:
    return None if score is None else score.quantize(Decimal(1).scaleb(-decimals))


@dataclass
class Tally:
    sent: int = 0
    bounced: int = 0
    failed: int = 0


def send_queued(
    round_: Round, occasion: str, progress: Progress | None = None, *, clock: Callable[[], datetime] = utcnow
) -> Tally:
    """Send the occasion's queued mails, a batch at a time, each row committed with what became of it. A lost
    connection stops the job (409 `mail_server_unavailable`): the mails not sent stay queued for "send again"."""
    tally = Tally()
    notice = notice_of(round_) if occasion != AT_FINALIZATION else None
    pace = Pace(current_app.config["MAIL_PER_MINUTE"] if current_app.config.get("SMTP_HOST") else 0)
    pending = select(ResultMail).where(
        ResultMail.round_id == round_.id, ResultMail.occasion == occasion, ResultMail.state == MAIL_QUEUED
    )
    if progress is not None:
        progress.total = db.session.scalar(select(db.func.count()).select_from(pending.subquery())) or 0
        progress.write()
    # Each row is looked at once, in id order (a mail another job claimed stays queued while it is sent), and
    # read afresh: a claim left by a job that died is this job's to take.
    after = 0
    try:
        with mail_sender() as send:
            while batch := db.session.scalars(
                pending.where(ResultMail.id > after)
                .order_by(ResultMail.id)
                .limit(BATCH)
                .execution_options(populate_existing=True)
            ).all():
                _send_batch(round_, occasion, batch, notice, send, pace, tally, progress, clock)
                after = batch[-1].id
    except Undelivered as error:
        db.session.commit()
        raise StateConflictError(
            _(
                "The mail server could not be reached or stopped answering (%(error)s); the mails not sent wait: send them again.",
                error=str(error),
            ),
            code="mail_server_unavailable",
        ) from error
    return tally


def claim_mail(mail: ResultMail) -> bool:
    """Take the mail for this job, committed before it is sent: of two jobs sending the round's mail at once (a
    resend pressed twice, on two workers), one sends it. A job that dies after this leaves it queued, counted."""
    taken = db.session.execute(
        update(ResultMail)
        .where(ResultMail.id == mail.id, ResultMail.state == MAIL_QUEUED, ResultMail.attempts == mail.attempts)
        .values(attempts=mail.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if taken:
        set_committed_value(mail, "attempts", mail.attempts + 1)  # as the update wrote it
    return bool(taken)


def _send_batch(round_, occasion, batch: Iterable[ResultMail], notice, send, pace: Pace, tally: Tally, progress, clock) -> None:
    batch = list(batch)
    team_ids = [mail.team_id for mail in batch]
    told = outcomes(round_, team_ids)
    to = addresses(team_ids, members=round_.contest.result_mail_members)
    for mail in batch:
        if not claim_mail(mail):
            continue
        mail.recipients = to.get(mail.team_id, [])
        if not mail.recipients:
            mail.state, mail.error = MAIL_FAILED, _("The team has no address to write to.")
            tally.failed += 1
        else:
            pace.wait()
            try:
                send(result_mail(round_, occasion, told[mail.team_id], mail.recipients, notice))
            except Refused as error:
                mail.state, mail.error = MAIL_BOUNCED, str(error)
                tally.bounced += 1
            except Undelivered as error:
                mail.state, mail.error = MAIL_FAILED, str(error)
                tally.failed += 1
                raise
            else:
                mail.state, mail.error, mail.sent_at = MAIL_SENT, None, clock()
                tally.sent += 1
        db.session.commit()  # what the server answered is kept before the next is sent
        if progress is not None:
            progress.advance()
