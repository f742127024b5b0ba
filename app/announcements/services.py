"""Telling every team its result: when a round's results are published and when they become final, each team's
captain (and its members, if the contest chooses) gets a mail with the team's result and a link.

The request that publishes or finalizes only starts a job (`start_announcement`), committed with its own work:
the job writes one `ResultMail` row per team and sends them at the mail server's pace (`app.announcements.sending`).
The rows are what the organizers' page shows (sent, bounced, failed) and what "send again" puts back in the queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select, update

from app import audit
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.jobs.queue import start_after_commit
from app.models import (
    AT_PUBLICATION,
    MAIL_BOUNCED,
    MAIL_FAILED,
    MAIL_QUEUED,
    MAIL_STATES,
    OCCASIONS,
    ORGANIZER,
    PUBLISHED,
    Contest,
    Job,
    ResultMail,
    RoleAssignment,
    Round,
    Team,
    User,
)

RESULT_MAILS_JOB = "result_mails"


def contest_organizer(contest: Contest) -> User | None:
    """Someone to own a job no one's request started (a notice that ended by itself): the contest's first organizer."""
    return db.session.scalar(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(
            RoleAssignment.role == ORGANIZER,
            (RoleAssignment.contest_id == contest.id) | RoleAssignment.contest_id.is_(None),
            User.active,
        )
        .order_by(RoleAssignment.contest_id.is_(None), User.id)
        .limit(1)
    )


def start_announcement(round_: Round, occasion: str, *, actor: User | None) -> Job | None:
    """The job that tells every team of the round its result on this occasion ("published" or "final"), handed
    over after the caller's commit. Nothing per team is written here: a provincial round has thousands."""
    owner = actor or contest_organizer(round_.contest)
    if owner is None:
        current_app.logger.warning("round %s: no organizer to own the result mails; none sent", round_.id)
        return None
    job = Job(kind=RESULT_MAILS_JOB, owner=owner, contest=round_.contest, params={"round_id": round_.id, "occasion": occasion})
    db.session.add(job)
    db.session.flush()
    start_after_commit(job.id)
    return job


def announce_publication(round_: Round, *, actor: User | None, now: datetime) -> Job | None:
    """Tell every team at publication. A round published again (reopened, computed again) may have new results:
    the mail each team had is queued again and sent with them."""
    db.session.execute(
        update(ResultMail)
        .where(ResultMail.round_id == round_.id, ResultMail.occasion == AT_PUBLICATION)
        .values(state=MAIL_QUEUED, error=None, queued_at=now)
    )
    return start_announcement(round_, AT_PUBLICATION, actor=actor)


def check_occasion(occasion: str) -> str:
    if occasion not in OCCASIONS:
        raise InvalidDataError(
            _("Unknown occasion."), fields={"occasion": [_("One of: %(choices)s.", choices=", ".join(OCCASIONS))]}
        )
    return occasion


def mails_of(round_: Round, *, occasion: str | None = None, state: str | None = None) -> Select:
    """The round's result mails, newest occasion first, then by team number: for the page and the API."""
    statement = (
        select(ResultMail)
        .join(Team, Team.id == ResultMail.team_id)
        .where(ResultMail.round_id == round_.id)
        .order_by(ResultMail.occasion.desc(), Team.number)
    )
    if occasion:
        statement = statement.where(ResultMail.occasion == occasion)
    if state:
        statement = statement.where(ResultMail.state == state)
    return statement


def mail_counts(round_: Round) -> dict[str, dict[str, int]]:
    """{occasion: {state: count}} for every occasion the round has mail of, every state named."""
    found = db.session.execute(
        select(ResultMail.occasion, ResultMail.state, func.count())
        .where(ResultMail.round_id == round_.id)
        .group_by(ResultMail.occasion, ResultMail.state)
    ).all()
    counts: dict[str, dict[str, int]] = {}
    for occasion, state, count in found:
        counts.setdefault(occasion, dict.fromkeys(MAIL_STATES, 0))[state] = count
    return counts


class Resent(NamedTuple):
    job: Job
    mails: int


def resend(round_: Round, occasion: str, *, team_ids: Iterable[int] | None, actor: User, now: datetime) -> Resent:
    """Send the occasion's mail again: to the teams named (whatever became of their mail), or else to every team
    whose mail bounced or failed. Each goes to the team's addresses as they are now (a captain who fixed a
    typo gets it). 409 `nothing_to_resend` when no such mail exists, or the round is no longer published."""
    check_occasion(occasion)
    if round_.status != PUBLISHED:
        raise StateConflictError(_("Only a published round's results can be mailed."), code="round_not_published")
    chosen = ResultMail.round_id == round_.id, ResultMail.occasion == occasion
    if team_ids is not None:
        wanted = ResultMail.team_id.in_(sorted(set(team_ids)))
    else:
        wanted = ResultMail.state.in_((MAIL_BOUNCED, MAIL_FAILED))
    count = db.session.execute(
        update(ResultMail).where(*chosen, wanted).values(state=MAIL_QUEUED, error=None, queued_at=now)
    ).rowcount
    if not count:
        raise StateConflictError(_("There is no such mail to send again."), code="nothing_to_resend")
    audit.record(
        actor=actor,
        action="result_mails.resent",
        object_type="round",
        object_id=round_.id,
        now=now,
        after={"occasion": occasion, "mails": count, **({"team_ids": sorted(set(team_ids))} if team_ids is not None else {})},
    )
    job = start_announcement(round_, occasion, actor=actor)
    assert job is not None  # the actor owns it
    return Resent(job, count)


def set_members_told(contest: Contest, members: bool, *, actor: User, now: datetime) -> None:
    """Whether result mails go to every member of a team or to its captain alone."""
    if contest.result_mail_members == members:
        return
    audit.record(
        actor=actor,
        action="contest.result_mails",
        object_type="contest",
        object_id=contest.id,
        now=now,
        before={"members": contest.result_mail_members},
        after={"members": members},
    )
    contest.result_mail_members = members
