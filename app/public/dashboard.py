"""The dashboard's panels: for each role a user holds, what they have to do and where it is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from app.colleges.services import province_names
from app.contests.services import contests_query
from app.contests.stages import ContestStage, contest_stages
from app.extensions import db
from app.judging import queries as judging_queries
from app.models import CAPTAIN, COORDINATOR, JUDGE, ORGANIZER, SUBMITTED, College, Contest, Team, User
from app.permissions import can_create_contest, is_organizer
from app.registration.queries import holding_students_of
from app.registration.services import contests_to_register_in


def dashboard_panels(user: User, now: datetime) -> tuple[dict[str, Any], dict[int, ContestStage]]:
    """The panels of `user`'s roles, by role, and the stages of the contests the organizer panel lists."""
    roles = user.role_names()
    panels: dict[str, Any] = {}
    stages: dict[int, ContestStage] = {}
    if ORGANIZER in roles:
        panels["organizer"] = _organizer_panel(user)
        stages = contest_stages(panels["organizer"]["contests"], now)
    if COORDINATOR in roles:
        panels["coordinator"] = [_coordinator_item(a.contest_id, a.college_id) for a in user.roles if a.role == COORDINATOR]
    if CAPTAIN in roles:
        panels["captain"] = {
            "teams": db.session.scalars(select(Team).where(Team.owner_id == user.id).order_by(Team.id)).all(),
            "open_contests": contests_to_register_in(user, db.session.scalars(contests_query().limit(20)), now),
        }
    if JUDGE in roles:
        assignments = judging_queries.judge_assignments(user)
        panels["judge"] = {"rounds": judging_queries.judge_open_rounds(assignments), "assignments": len(assignments)}
    return panels, stages


def _organizer_panel(user: User) -> dict[str, Any]:
    contests = contests_query()
    if not is_organizer(user):
        organized = {a.contest_id for a in user.roles if a.role == ORGANIZER and a.covers(None)}
        contests = contests.where(Contest.id.in_(organized))
    listed = db.session.scalars(contests.limit(10)).all()
    return {
        "contests": listed,
        "rounds": judging_queries.rounds_of_contests([contest.id for contest in listed]),
        "can_create": can_create_contest(user),
        "college_count": db.session.scalar(select(func.count(College.id))),
        "province_count": len(province_names()),
    }


def _coordinator_item(contest_id: int, college_id: int) -> dict[str, Any]:
    return {
        "college": db.session.get(College, college_id),
        "contest": db.session.get(Contest, contest_id),
        "waiting": db.session.scalar(
            select(func.count(Team.id)).where(
                Team.contest_id == contest_id, Team.college_id == college_id, Team.status == SUBMITTED
            )
        ),
        # Teams of other colleges holding this college's students: its coordinator may dispute them.
        "elsewhere": db.session.scalar(
            select(func.count(Team.id)).where(
                Team.contest_id == contest_id,
                Team.college_id != college_id,
                holding_students_of(contest_id, {college_id}),
            )
        ),
    }
