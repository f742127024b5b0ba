"""Conflicts of interest (回避) that arise after judges are assigned.

A conflict can arise after an assignment is made: a judge (or an organizer) declares one, a judge's college
changes in the judges' import, a team's college or advisors change, or a school round stops letting its
college's own judges sit. Each of these calls `set_aside_conflicts`, which holds every assignment in force
to the same hard rules as a new one (`scoring.conflicts.conflict_reason`, through the same slots as the
assigner): an assignment they now forbid is set aside. Its judge can no longer score the team (a save is
409 `conflict_of_interest`), its sheet, even submitted, no longer counts in results, and the team, short of
a judge, is listed for the organizer (`queries.teams_needing_judges`) until it has its judges again. Nothing is
deleted: the sheet and its history stay, and the setting aside is in the audit trail with its reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit
from app.errors import InvalidDataError
from app.extensions import db
from app.judging.assignments import HARD_CONFLICTS, judge_slots, team_slots
from app.models import PUBLISHED, Assignment, College, Conflict, Round, ScoreSheet, Team, User
from scoring.conflicts import ADVISOR, DECLARED_COLLEGE, DECLARED_TEAM, OWN_COLLEGE, conflict_reason

#: The hard conflict rules as people read them, inside sentences too.
CONFLICT_LABELS = {
    OWN_COLLEGE: _l("the judge is of the team's college"),
    ADVISOR: _l("the judge advises the team"),
    DECLARED_COLLEGE: _l("the judge declared a conflict with the team's college"),
    DECLARED_TEAM: _l("the judge declared a conflict with the team"),
}


def conflict_label(conflict: str) -> str:
    return str(CONFLICT_LABELS.get(conflict, conflict))


def declare_conflict(
    judge: User, *, college_id: int | None, team_id: int | None, reason: str | None, actor: User | None, now: datetime
) -> Conflict:
    """A judge's declared conflict with a college or a team. It holds for every later assignment, and the
    judge's assignments it forbids now (that team, or every team of that college) are set aside."""
    if (college_id is None) == (team_id is None):
        raise InvalidDataError(
            _("Name either a college or a team."), fields={"college_id": [_("A college or a team, not both.")]}
        )
    if college_id is not None and db.session.get(College, college_id) is None:
        raise InvalidDataError(_("No college has id %(id)s.", id=college_id), fields={"college_id": [_("Unknown college.")]})
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise InvalidDataError(_("No team has id %(id)s.", id=team_id), fields={"team_id": [_("Unknown team.")]})
    statement = select(Conflict).where(Conflict.judge_id == judge.id)
    statement = statement.where(Conflict.college_id == college_id) if college_id else statement.where(Conflict.team_id == team_id)
    existing = db.session.scalar(statement)
    if existing is not None:  # declared again: its assignments are held to it again (made before it was applied)
        set_aside_conflicts(judge_ids=[judge.id], actor=actor, now=now, reason=audit.reason_text(reason))
        return existing
    conflict = Conflict(judge_id=judge.id, college_id=college_id, team_id=team_id, reason=(reason or "").strip(), created_at=now)
    db.session.add(conflict)
    db.session.flush()
    audit.record(
        actor=actor,
        action="conflict.declare",
        object_type="judge",
        object_id=judge.id,
        now=now,
        after={"college_id": college_id, "team_id": team_id},
        reason=reason,
    )
    set_aside_conflicts(judge_ids=[judge.id], actor=actor, now=now, reason=audit.reason_text(reason))
    return conflict


def set_aside_conflicts(
    *,
    judge_ids: Collection[int] | None = None,
    team_ids: Collection[int] | None = None,
    round_: Round | None = None,
    actor: User | None,
    now: datetime,
    reason: str | None = None,
) -> int:
    """Set aside every assignment in force, of `judge_ids`, of `team_ids` or of `round_`, that a hard conflict
    rule forbids now (own college, unless the round lets its college's judges sit; advisor; declared college
    or team). Each is audited (`assignment.set_aside`, with the rule, the sheet's status and `reason`).
    Returns how many were set aside.

    A published round is frozen: its assignments are held to the rules when it is reopened
    (`transition_round` calls this then). A closed round's results computed before a setting aside are
    stale: publishRound refuses them until they are computed again."""
    statement = (
        select(Assignment).join(Round, Round.id == Assignment.round_id).where(Assignment.active, Round.status != PUBLISHED)
    )
    if judge_ids is not None:
        statement = statement.where(Assignment.judge_id.in_(judge_ids))
    if team_ids is not None:
        statement = statement.where(Assignment.team_id.in_(team_ids))
    if round_ is not None:
        statement = statement.where(Assignment.round_id == round_.id)
    by_round: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in db.session.scalars(statement):
        by_round[assignment.round_id].append(assignment)
    events: list[dict[str, Any]] = []
    for round_id, assignments in by_round.items():
        in_round = db.session.get(Round, round_id)
        teams = team_slots(in_round, {a.team_id for a in assignments})
        judges = judge_slots(in_round, sorted({a.judge_id for a in assignments}))
        for assignment in assignments:
            if assignment.team_id not in teams:  # the team has left the round; its assignment plays no part
                continue
            problem = conflict_reason(
                teams[assignment.team_id], judges[assignment.judge_id], own_college_conflict=in_round.own_college_conflict
            )
            if problem not in HARD_CONFLICTS:
                continue
            assignment.set_aside_at, assignment.set_aside_conflict = now, problem
            sheet_status = db.session.scalar(select(ScoreSheet.status).where(ScoreSheet.assignment_id == assignment.id))
            events.append(
                {
                    "actor": actor,
                    "action": "assignment.set_aside",
                    "object_type": "assignment",
                    "object_id": assignment.id,
                    "now": now,
                    "before": {"team_id": assignment.team_id, "judge_id": assignment.judge_id, "sheet": sheet_status},
                    "after": {"conflict": problem, "counts": False},
                    "reason": reason,
                }
            )
    db.session.flush()
    audit.record_many(events)
    return len(events)
