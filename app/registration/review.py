"""A team's life after registration: its college's review, and its withdrawal. Functions flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _

from app import audit
from app.errors import InvalidDataError, StateConflictError
from app.extensions import db
from app.models import APPROVED, REJECTED, WITHDRAWN, Team, User
from app.registration.services import check_registration_open, notify_team


def withdraw_team(team: Team, reason: str | None, *, actor: User | None, now: datetime) -> Team:
    """Withdraw a team: final, and its students are free to join another team.

    Captains withdraw while they can still edit; organizers at any time.
    """
    reason = audit.reason_text(reason, required=_("Give a reason."))
    if team.status == WITHDRAWN:
        raise StateConflictError(_("Team %(number)s is already withdrawn.", number=team.number), code="team_withdrawn")
    check_registration_open(team.contest, now, actor)
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
        "已退出 Withdrawn",
        f"团队「{team.name}」（{team.number}）已退出比赛。原因：{reason}\n"
        f"Team {team.name} ({team.number}) is withdrawn. Reason: {reason}\n",
    )
    return team


def review_team(team: Team, decision: str, reason: str | None, *, actor: User | None, now: datetime) -> Team:
    """The college's review: approve, or reject with a reason. Approved teams enter round 1.

    A withdrawn team cannot be reviewed (409); deciding what is already decided changes nothing.
    """
    if decision not in ("approve", "reject"):
        raise InvalidDataError(_("Decide approve or reject."), fields={"decision": [_("Choose approve or reject.")]})
    reason = audit.reason_text(reason, required=_("Give a reason.") if decision == "reject" else None)
    if team.status == WITHDRAWN:
        raise StateConflictError(
            _("Team %(number)s is withdrawn and cannot be reviewed.", number=team.number), code="team_withdrawn"
        )
    status = APPROVED if decision == "approve" else REJECTED
    if team.status == status and team.review_reason == reason:
        return team
    before = {"status": team.status, "review_reason": team.review_reason}
    team.status, team.review_reason = status, reason
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
            "审核通过 Approved",
            f"团队「{team.name}」（{team.number}）已通过学校审核。\n"
            f"Team {team.name} ({team.number}) is approved by its college.\n",
        )
    else:
        notify_team(
            team,
            "未通过审核 Not approved",
            f"团队「{team.name}」（{team.number}）未通过审核。原因：{reason}\n"
            f"请修改后重新提交。\nTeam {team.name} ({team.number}) was not approved. "
            f"Reason: {reason}\nPlease edit the team and submit it again.\n",
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
