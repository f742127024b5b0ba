"""What judges and organizers look at: a judge's assignments, a round's counts and progress, the teams that
need another judge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select

from app.extensions import db
from app.models import (
    OPEN,
    PUBLISHED,
    SHEET_STATUSES,
    Assignment,
    Entry,
    ResultSnapshot,
    Round,
    RoundJudge,
    ScoreSheet,
    Team,
    User,
)
from scoring.stats import to_decimal

NOT_STARTED, DRAFT, SUBMITTED = "not_started", "draft", "submitted"
SHEET_FILTERS = (NOT_STARTED, DRAFT, SUBMITTED)


@dataclass(frozen=True)
class JudgeAssignment:
    """One line of a judge's list. In a blind round the team is only its code there: number, name and title
    are left empty, so that no page can show them."""

    id: int
    round_id: int
    round_name: str
    round_open: bool
    blind: bool
    team_code: str
    team_number: str
    team_name: str
    project_title: str
    state: str
    total: object
    #: The round's decimals: a total is shown as the round shows its scores.
    decimals: int = 2

    @property
    def shown_total(self) -> object:
        """The sheet's total to the round's decimals (87.50, not the stored 87.5000); None before any total."""
        return None if self.total is None else to_decimal(self.total, self.decimals)


def judge_assignments(judge: User, state: str | None = None) -> list[JudgeAssignment]:
    """The judge's assignments in force (none set aside for a conflict) in open and closed rounds, with each
    sheet's state: in team-number order, or in a blind round in the order of the teams' codes there, and with
    nothing but that code of a blind round's team.

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
            Entry.code,
            Team.number,
            Team.name,
            Team.project_title,
            sheet_state,
            ScoreSheet.total,
            Round.decimals,
        )
        .join(Round, Round.id == Assignment.round_id)
        .join(Team, Team.id == Assignment.team_id)
        .join(Entry, (Entry.round_id == Assignment.round_id) & (Entry.team_id == Assignment.team_id))
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Assignment.judge_id == judge.id, Assignment.active, Round.status.in_(("open", "closed")))
        .order_by(Round.id, case((Round.blind, Entry.code), else_=Team.number))
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
            team_code=row[5],
            team_number="" if row[4] else row[6],
            team_name="" if row[4] else row[7],
            project_title="" if row[4] else row[8],
            state=row[9],
            total=row[10],
            decimals=row[11],
        )
        for row in db.session.execute(statement)
    ]


def team_code(assignment: Assignment) -> str:
    """The code the assignment's team has in its round (the one name of it a blind round's judge sees)."""
    return (
        db.session.scalar(select(Entry.code).where(Entry.round_id == assignment.round_id, Entry.team_id == assignment.team_id))
        or ""
    )


def assignment_views(round_: Round, assignments: Sequence[Assignment], *, blind: bool) -> list[dict[str, Any]]:
    """The API's view of assignments of `round_`: each with its sheet's status and its team's code in the round.
    For a judge of a blind round (`blind`), without the team's id: an earlier round's published results name
    the team of an id."""
    codes = dict(
        db.session.execute(
            select(Entry.team_id, Entry.code).where(
                Entry.round_id == round_.id, Entry.team_id.in_({assignment.team_id for assignment in assignments})
            )
        ).all()
    )
    return [
        {
            "id": assignment.id,
            "team_id": None if blind else assignment.team_id,
            "team_code": codes.get(assignment.team_id, ""),
            "judge_id": assignment.judge_id,
            "sheet_status": assignment.sheet.status if assignment.sheet else DRAFT,
            "manual": assignment.manual,
            "set_aside_at": assignment.set_aside_at,
            "set_aside_conflict": assignment.set_aside_conflict,
        }
        for assignment in assignments
    ]


def judge_progress(items: list[JudgeAssignment]) -> dict[str, int]:
    """How many of a judge's sheets (all of `judge_assignments`) are submitted, of how many."""
    counts = {NOT_STARTED: 0, DRAFT: 0, SUBMITTED: 0}
    for item in items:
        counts[item.state] += 1
    return {**counts, "total": sum(counts.values())}


@dataclass(frozen=True)
class JudgeRound:
    """One open round of a judge's, with their sheets in it by state."""

    id: int
    name: str
    not_started: int
    draft: int
    submitted: int


def judge_open_rounds(items: list[JudgeAssignment]) -> list[JudgeRound]:
    """The open rounds among a judge's assignments (all of `judge_assignments`), each with its sheets to do,
    in draft and submitted, in the order of the rounds."""
    counts: dict[tuple[int, str], dict[str, int]] = {}
    for item in items:
        if item.round_open:
            counts.setdefault((item.round_id, item.round_name), {NOT_STARTED: 0, DRAFT: 0, SUBMITTED: 0})[item.state] += 1
    return [
        JudgeRound(round_id, name, states[NOT_STARTED], states[DRAFT], states[SUBMITTED])
        for (round_id, name), states in sorted(counts.items())
    ]


@dataclass(frozen=True)
class RoundLine:
    """A round as the organizer's dashboard lists it: its status, and whether its results are computed."""

    id: int
    name: str
    status: str
    computed: bool


def rounds_of_contests(contest_ids: Sequence[int]) -> dict[int, list[RoundLine]]:
    """The rounds of these contests by contest id, in the order they were made, each with whether its
    results are computed (a snapshot exists). One query."""
    rounds: dict[int, list[RoundLine]] = {contest_id: [] for contest_id in contest_ids}
    if contest_ids:
        for contest_id, round_id, name, status, snapshot_id in db.session.execute(
            select(Round.contest_id, Round.id, Round.name, Round.status, ResultSnapshot.id)
            .outerjoin(ResultSnapshot, ResultSnapshot.round_id == Round.id)
            .where(Round.contest_id.in_(contest_ids))
            .order_by(Round.id)
        ):
            rounds[contest_id].append(RoundLine(round_id, name, status, snapshot_id is not None))
    return rounds


def published_rounds(contest_id: int) -> list[Round]:
    """The contest's published rounds, in the order they were made: the results anyone may read."""
    return list(
        db.session.scalars(select(Round).where(Round.contest_id == contest_id, Round.status == PUBLISHED).order_by(Round.id))
    )


#: The progress page lists this many of the teams still missing sheets, with the count of them all.
MISSING_SHOWN = 200


def round_progress(round_: Round) -> dict[str, object]:
    """Per judge (assigned, draft, submitted), per group (teams, sheets expected and in), the teams still
    missing sheets (the first `MISSING_SHOWN` by number, and how many in all), and the judges to remind.
    Assignments set aside for a conflict count for nothing here. A team expects at least the round's judges
    per team.
    """
    # Naming the sheet's status in the join lets the database count from the index on (assignment, status)
    # alone, without reading each of the round's sheets.
    counted = and_(ScoreSheet.assignment_id == Assignment.id, ScoreSheet.status.in_(SHEET_STATUSES))
    drafted = func.sum(case((ScoreSheet.status == DRAFT, 1), else_=0))
    submitted = func.sum(case((ScoreSheet.status == SUBMITTED, 1), else_=0))
    in_round = (Assignment.round_id == round_.id, Assignment.active)
    per_judge = [
        {"id": judge_id, "name": name, "email": email, "assigned": assigned, DRAFT: draft or 0, SUBMITTED: done or 0}
        for judge_id, name, email, assigned, draft, done in db.session.execute(
            select(User.id, User.name, User.email, func.count(Assignment.id), drafted, submitted)
            .join(Assignment, Assignment.judge_id == User.id)
            .outerjoin(ScoreSheet, counted)
            .where(*in_round)
            .group_by(User.id, User.name, User.email)
            .order_by(User.name)
        )
    ]
    teams = {
        team_id: (assigned, done or 0)
        for team_id, assigned, done in db.session.execute(
            select(Assignment.team_id, func.count(Assignment.id), submitted)
            .outerjoin(ScoreSheet, counted)
            .where(*in_round)
            .group_by(Assignment.team_id)
        )
    }
    groups: dict[str, dict[str, int]] = {}
    missing = []
    for number, name, group, team_id in db.session.execute(
        select(Team.number, Team.name, Entry.group_key, Team.id)
        .join(Entry, Entry.team_id == Team.id)
        .where(Entry.round_id == round_.id)
        .order_by(Team.number)
    ):
        assigned, done = teams.get(team_id, (0, 0))
        expected = max(assigned, round_.judges_per_team)
        stats = groups.setdefault(group, {"teams": 0, "expected": 0, "submitted": 0})
        stats["teams"] += 1
        stats["expected"] += expected
        stats["submitted"] += done
        if done < expected:
            missing.append({"number": number, "name": name, "group": group, "assigned": assigned, "submitted": done})
    return {
        "judges": per_judge,
        "remind": [judge for judge in per_judge if judge[SUBMITTED] < judge["assigned"]],
        "groups": groups,
        "missing": missing[:MISSING_SHOWN],
        "missing_count": len(missing),
        "totals": {
            "teams": sum(group["teams"] for group in groups.values()),
            "assigned": sum(judge["assigned"] for judge in per_judge),
            "submitted": sum(judge[SUBMITTED] for judge in per_judge),
        },
    }


def teams_needing_judges(round_: Round) -> list[dict[str, Any]]:
    """The round's teams that lost a judge to a conflict and have fewer judges in force than the round's
    judges per team, by number: each with its judges in force and those set aside."""
    in_force = func.sum(case((Assignment.active, 1), else_=0))
    set_aside = func.count(Assignment.id) - in_force
    lost_a_judge = select(Assignment.team_id).where(Assignment.round_id == round_.id, ~Assignment.active)
    rows = db.session.execute(
        select(Team.id, Team.number, Team.name, in_force, set_aside)
        .join(Assignment, Assignment.team_id == Team.id)
        .where(Assignment.round_id == round_.id, Assignment.team_id.in_(lost_a_judge))
        .group_by(Team.id, Team.number, Team.name)
        .having(set_aside > 0, in_force < round_.judges_per_team)
        .order_by(Team.number)
    ).all()
    return [
        {"team_id": team_id, "team_number": number, "team_name": name, "judges": judges, "set_aside": aside}
        for team_id, number, name, judges, aside in rows
    ]


def round_counts(round_: Round) -> dict[str, int]:
    """Entries, judges, assignments in force and their sheets by status, assignments set aside for a
    conflict, and the teams that lost a judge so and now need another, for the round's page and getRound."""
    sheets = dict(
        db.session.execute(
            select(ScoreSheet.status, func.count(ScoreSheet.id))
            .join(Assignment)
            .where(Assignment.round_id == round_.id, Assignment.active)
            .group_by(ScoreSheet.status)
        ).all()
    )
    assignments = dict(
        db.session.execute(
            select(Assignment.active, func.count(Assignment.id))
            .where(Assignment.round_id == round_.id)
            .group_by(Assignment.active)
        ).all()
    )
    return {
        "entries": db.session.scalar(select(func.count(Entry.id)).where(Entry.round_id == round_.id)),
        "judges": db.session.scalar(select(func.count(RoundJudge.id)).where(RoundJudge.round_id == round_.id)),
        "assignments": assignments.get(True, 0),
        "sheets_draft": sheets.get("draft", 0),
        "sheets_submitted": sheets.get("submitted", 0),
        "set_aside": assignments.get(False, 0),
        "teams_needing_judges": len(teams_needing_judges(round_)) if assignments.get(False) else 0,
    }
