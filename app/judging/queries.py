"""What judges and organizers look at: a judge's assignments, and a round's progress."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.extensions import db
from app.models import OPEN, Assignment, Entry, Round, ScoreSheet, Team, User

NOT_STARTED, DRAFT, SUBMITTED = "not_started", "draft", "submitted"
SHEET_FILTERS = (NOT_STARTED, DRAFT, SUBMITTED)


@dataclass(frozen=True)
class JudgeAssignment:
    id: int
    round_id: int
    round_name: str
    round_open: bool
    blind: bool
    team_number: str
    team_name: str
    project_title: str
    state: str
    total: object


def judge_assignments(judge: User, state: str | None = None) -> list[JudgeAssignment]:
    """The judge's assignments in open and closed rounds, in team-number order, with each sheet's state.

    One query, whatever the number of assignments.
    """
    sheet_state = case((ScoreSheet.id.is_(None), NOT_STARTED), (ScoreSheet.version == 0, NOT_STARTED), else_=ScoreSheet.status)
    statement = (
        select(
            Assignment.id,
            Round.id,
            Round.name,
            Round.status,
            Round.blind,
            Team.number,
            Team.name,
            Team.project_title,
            sheet_state,
            ScoreSheet.total,
        )
        .join(Round, Round.id == Assignment.round_id)
        .join(Team, Team.id == Assignment.team_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Assignment.judge_id == judge.id, Round.status.in_(("open", "closed")))
        .order_by(Round.id, Team.number)
    )
    if state in SHEET_FILTERS:
        statement = statement.where(sheet_state == state)
    return [
        JudgeAssignment(
            id=row[0],
            round_id=row[1],
            round_name=row[2],
            round_open=row[3] == OPEN,
            blind=row[4],
            team_number=row[5],
            team_name=row[6],
            project_title=row[7],
            state=row[8],
            total=row[9],
        )
        for row in db.session.execute(statement)
    ]


def judge_progress(items: list[JudgeAssignment]) -> dict[str, int]:
    """How many of a judge's sheets (all of `judge_assignments`) are submitted, of how many."""
    counts = {NOT_STARTED: 0, DRAFT: 0, SUBMITTED: 0}
    for item in items:
        counts[item.state] += 1
    return {**counts, "total": sum(counts.values())}


def round_progress(round_: Round) -> dict[str, object]:
    """Per judge (assigned, draft, submitted), per group (teams, sheets expected and in), the teams
    still missing sheets, and the judges to remind."""
    submitted = case((ScoreSheet.status == "submitted", 1), else_=0)
    drafted = case((ScoreSheet.status == "draft", 1), else_=0)
    per_judge = db.session.execute(
        select(User.id, User.name, User.email, func.count(Assignment.id), func.sum(drafted), func.sum(submitted))
        .join(Assignment, Assignment.judge_id == User.id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Assignment.round_id == round_.id)
        .group_by(User.id, User.name, User.email)
        .order_by(User.name)
    ).all()
    judges = [
        {
            "id": row[0],
            "name": row[1],
            "email": row[2],
            "assigned": row[3],
            "draft": int(row[4] or 0),
            "submitted": int(row[5] or 0),
        }
        for row in per_judge
    ]
    per_team = db.session.execute(
        select(Team.id, Team.number, Team.name, Entry.group_key, func.count(Assignment.id), func.sum(submitted))
        .join(Entry, (Entry.team_id == Team.id) & (Entry.round_id == round_.id))
        .outerjoin(Assignment, (Assignment.team_id == Team.id) & (Assignment.round_id == round_.id))
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .group_by(Team.id, Team.number, Team.name, Entry.group_key)
        .order_by(Team.number)
    ).all()
    groups: dict[str, dict[str, int]] = {}
    missing = []
    for _team_id, number, name, group, assigned, done in per_team:
        done = int(done or 0)
        stats = groups.setdefault(group, {"teams": 0, "expected": 0, "submitted": 0})
        stats["teams"] += 1
        stats["expected"] += max(assigned, round_.judges_per_team)
        stats["submitted"] += done
        if done < max(assigned, round_.judges_per_team):
            missing.append({"number": number, "name": name, "group": group, "assigned": assigned, "submitted": done})
    return {
        "judges": judges,
        "remind": [judge for judge in judges if judge["submitted"] < judge["assigned"]],
        "groups": groups,
        "missing": missing,
        "totals": {
            "teams": len(per_team),
            "assigned": sum(j["assigned"] for j in judges),
            "submitted": sum(j["submitted"] for j in judges),
        },
    }
