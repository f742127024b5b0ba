"""Where a student's place in a category is held: the one-student-per-category rule's query, which the
registration, the import and the disputes share."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import false, select

from app.extensions import db
from app.models import Team, TeamMember


@dataclass(frozen=True)
class Place:
    """The team that holds a student's place: whoever may not view it learns neither its number nor its name."""

    team_id: int
    number: str


def taken_students(
    contest_id: int,
    category: str,
    keys: Collection[tuple[int, str]],
    *,
    exclude_team_id: int | None = None,
) -> dict[tuple[int, str], Place]:
    """Students (college, student ID) already in another active team of this category: key -> the team.

    Written so that SQLite and PostgreSQL answer from the partial unique index (`released = false`
    matches its condition; plain IN lists on both key columns search it), then the exact pairs
    are picked in Python.
    """
    wanted = set(keys)
    taken: dict[tuple[int, str], Place] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 400):
        chunk = ordered[start : start + 400]
        statement = (
            select(TeamMember.college_id, TeamMember.student_id, Team.id, Team.number)
            .join(Team, Team.id == TeamMember.team_id)
            .where(
                TeamMember.contest_id == contest_id,
                TeamMember.category == category,
                TeamMember.released == false(),
                TeamMember.college_id.in_({college for college, _ in chunk}),
                TeamMember.student_id.in_({student for _, student in chunk}),
            )
        )
        if exclude_team_id is not None:
            statement = statement.where(TeamMember.team_id != exclude_team_id)
        for college_id, student_id, team_id, number in db.session.execute(statement):
            if (college_id, student_id) in wanted:
                taken[(college_id, student_id)] = Place(team_id, number)
    return taken
