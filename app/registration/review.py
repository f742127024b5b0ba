"""A team's life after registration: its college's review, and its withdrawal. Functions flush, never commit.

The review stands once the team's judging has started (`judging_round`): decisions, and disputes of its
members (`app.registration.disputes`), wait until an organizer reopens it, with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app import audit
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.models import APPROVED, CLOSED, OPEN, PUBLISHED, REJECTED, WITHDRAWN, Entry, Round, Team, User
from app.permissions import is_organizer
from app.registration.services import check_registration_open, notify_team


def _judging_rounds(team: Team, *columns):
    """The rounds holding the team as an entry that have opened (open, closed or published)."""
    return (
        select(*columns)
        .select_from(Round)
        .join(Entry, Entry.round_id == Round.id)
        .where(Entry.team_id == team.id, Round.status.in_((OPEN, CLOSED, PUBLISHED)))
    )


def judging_round(team: Team) -> Round | None:
    """The first round of the team's judging to have opened; None while no such round exists."""
    return db.session.scalar(_judging_rounds(team, Round).order_by(Round.created_at, Round.id).limit(1))


def review_is_open(team: Team) -> bool:
    """Whether the team's review may change: until its judging starts, or once an organizer reopened it."""
    return team.review_reopened_at is not None or db.session.scalar(_judging_rounds(team, Round.id).limit(1)) is None


def check_review_open(team: Team) -> None:
    """409 judging_started when the team's review stands (`review_is_open`)."""
    if review_is_open(team):
        return
    raise StateConflictError(
        _(
            "Judging of team %(number)s has started (%(round)s): its review stands unless an organizer reopens it, "
            "with a reason.",
            number=team.number,
            round=judging_round(team).name,  # type: ignore[union-attr]
        ),
        code="judging_started",
    )


def reopen_review(team: Team, reason: str | None, *, actor: User | None, now: datetime) -> Team:
    """An organizer reopens the review of a team whose judging has started, with a reason (audited): the
    next decision (approve or reject) is taken, and closes the review again. Only needed, and only
    allowed, while the review stands (409 review_open otherwise)."""
    reason = audit.reason_text(reason, required=_("Give a reason."))
    if team.status == WITHDRAWN:
        raise StateConflictError(
            _("Team %(number)s is withdrawn and cannot be reviewed.", number=team.number), code="team_withdrawn"
        )
    if review_is_open(team):
        raise StateConflictError(
            _("The review of team %(number)s is open: there is nothing to reopen.", number=team.number), code="review_open"
        )
    team.review_reopened_at, team.updated_at = now, now
    db.session.flush()
    audit.record(
        actor=actor,
        action="team.reopen_review",
        object_type="team",
        object_id=team.id,
        now=now,
        after={"status": team.status},
        reason=reason,
    )
    return team


def withdraw_team(team: Team, reason: str | None, *, actor: User | None, now: datetime) -> Team:
    """Withdraw a team, with a reason: final, and its students are free to join another team.

    Captains withdraw while they can still edit and the team's judging has not started; organizers at any
    time (after judging has started, only they do: 409 judging_started).
    """
    reason = audit.reason_text(reason, required=_("Give a reason."))
    if team.status == WITHDRAWN:
        raise StateConflictError(_("Team %(number)s is already withdrawn.", number=team.number), code="team_withdrawn")
    if not is_organizer(actor, team.contest) and judging_round(team) is not None:
        raise StateConflictError(
            _("Judging of team %(number)s has started: only an organizer withdraws it now.", number=team.number),
            code="judging_started",
        )
    check_registration_open(team.contest, now, actor, editing=True)
    before = {"status": team.status}
    team.status, team.review_reason, team.updated_at = WITHDRAWN, reason, now
    for member in team.members:
        member.released = True
    db.session.flush()
    audit.record(
        actor=actor,
        action="team.withdraw",
        object_type="team",
        object_id=team.id,
        now=now,
        before=before,
        after={"status": WITHDRAWN},
        reason=reason,
    )
    notify_team(
        team,
        ("已退出", "Withdrawn"),
        (
            f"团队「{team.name}」（{team.number}）已退出比赛。原因：{reason}",
            f"Team {team.name} ({team.number}) is withdrawn. Reason: {reason}",
        ),
    )
    return team


def _refuse_approval_with_disputed_members(team: Team) -> None:
    """A team is not approved while a student their college disputes is in it."""
    for member in team.members:
        if team.dispute_of(member) is not None:
            raise StateConflictError(
                _(
                    "Team %(number)s cannot be approved while the college of %(name)s (%(id)s) disputes that student "
                    "is in it: take the student out of the team, or ask their college to lift the dispute.",
                    number=team.number,
                    name=member.name,
                    id=member.student_id,
                ),
                code="member_disputed",
            )


def review_team(team: Team, decision: str, reason: str | None, *, actor: User | None, now: datetime) -> Team:
    """The college's review: approve, or reject with a reason. Approval does not enter a round.

    A withdrawn team cannot be reviewed (409); once the team's judging has started, nor can any team until
    an organizer reopens its review (409 judging_started, `reopen_review`), and a decision closes the
    reopened review again. A team with a disputed member is not approved (409 member_disputed). Deciding
    what is already decided changes nothing.
    """
    if decision not in ("approve", "reject"):
        raise InvalidDataError(_("Decide approve or reject."), fields={"decision": [_("Choose approve or reject.")]})
    reason = audit.reason_text(reason, required=_("Give a reason.") if decision == "reject" else None)
    if team.status == WITHDRAWN:
        raise StateConflictError(
            _("Team %(number)s is withdrawn and cannot be reviewed.", number=team.number), code="team_withdrawn"
        )
    check_review_open(team)
    status = APPROVED if decision == "approve" else REJECTED
    if team.status == status and team.review_reason == reason:
        return team
    if status == APPROVED:
        _refuse_approval_with_disputed_members(team)
    before = {"status": team.status, "review_reason": team.review_reason}
    team.status, team.review_reason, team.review_reopened_at = status, reason, None
    team.reviewed_at, team.reviewed_by_id, team.updated_at = now, actor.id if actor else None, now
    audit.record(
        actor=actor,
        action=f"team.{decision}",
        object_type="team",
        object_id=team.id,
        now=now,
        before=before,
        after={"status": status, "review_reason": reason},
        reason=reason,
    )
    if status == APPROVED:
        notify_team(
            team,
            ("审核通过", "Approved"),
            (
                f"团队「{team.name}」（{team.number}）已通过学校审核。",
                f"Team {team.name} ({team.number}) is approved by its college.",
            ),
        )
    else:
        notify_team(
            team,
            ("未通过审核", "Not approved"),
            (
                f"团队「{team.name}」（{team.number}）未通过审核。原因：{reason}\n请修改后重新提交。",
                f"Team {team.name} ({team.number}) was not approved. Reason: {reason}\nPlease edit the team and submit it again.",
            ),
        )
    return team


def approve_teams(teams: Sequence[Team], *, actor: User | None, now: datetime) -> int:
    """Approve a selection at once, each team checked as if approved alone (`review_team`); all or none.
    Returns how many were not approved before."""
    approved = 0
    for team in teams:
        if team.status != APPROVED:
            review_team(team, "approve", None, actor=actor, now=now)
            approved += 1
    return approved
