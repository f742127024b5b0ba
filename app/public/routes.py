"""The home page, public contest pages, and each role's dashboard."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from app.colleges.services import province_names
from app.contests.services import contests_query
from app.contests.stages import contest_stages
from app.extensions import db
from app.judging import queries as judging_queries
from app.models import CAPTAIN, COORDINATOR, JUDGE, ORGANIZER, SUBMITTED, College, Contest, Team, utcnow
from app.permissions import can_create_contest, can_list_teams, can_register_team, is_organizer, login_required
from app.registration.queries import holding_students_of
from app.registration.services import contests_to_register_in

bp = Blueprint("public", __name__)


@bp.route("/")
def index():
    contests = db.session.scalars(contests_query().limit(20)).all()
    now = utcnow()
    return render_template("public/index.html", contests=contests, now=now, stages=contest_stages(contests, now))


@bp.route("/c/<id:contest_id>")
def contest(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    now = utcnow()
    return render_template(
        "public/contest.html",
        contest=contest,
        now=now,
        stages=contest_stages([contest], now),
        published_rounds=judging_queries.published_rounds(contest.id),
        can_edit=is_organizer(current_user, contest),
        can_list=can_list_teams(current_user, contest),
        can_register=can_register_team(current_user, contest),
    )


@bp.route("/dashboard")
@login_required
def dashboard():
    """One page per user, with a panel for each role they hold."""
    roles = current_user.role_names()
    now = utcnow()
    panels: dict = {}
    stages: dict = {}
    if ORGANIZER in roles:
        contests = contests_query()
        if not is_organizer(current_user):
            organized = {a.contest_id for a in current_user.roles if a.role == ORGANIZER and a.covers(None)}
            contests = contests.where(Contest.id.in_(organized))
        listed = db.session.scalars(contests.limit(10)).all()
        stages = contest_stages(listed, now)
        panels["organizer"] = {
            "contests": listed,
            "rounds": judging_queries.rounds_of_contests([contest.id for contest in listed]),
            "can_create": can_create_contest(current_user),
            "college_count": db.session.scalar(select(func.count(College.id))),
            "province_count": len(province_names()),
        }
    if COORDINATOR in roles:
        panels["coordinator"] = [
            {
                "college": db.session.get(College, a.college_id),
                "contest": db.session.get(Contest, a.contest_id),
                "waiting": db.session.scalar(
                    select(func.count(Team.id)).where(
                        Team.contest_id == a.contest_id, Team.college_id == a.college_id, Team.status == SUBMITTED
                    )
                ),
                # Teams of other colleges holding this college's students: its coordinator may dispute them.
                "elsewhere": db.session.scalar(
                    select(func.count(Team.id)).where(
                        Team.contest_id == a.contest_id,
                        Team.college_id != a.college_id,
                        holding_students_of(a.contest_id, {a.college_id}),
                    )
                ),
            }
            for a in current_user.roles
            if a.role == COORDINATOR
        ]
    if CAPTAIN in roles:
        panels["captain"] = {
            "teams": db.session.scalars(select(Team).where(Team.owner_id == current_user.id).order_by(Team.id)).all(),
            "open_contests": contests_to_register_in(current_user, db.session.scalars(contests_query().limit(20)), now),
        }
    if JUDGE in roles:
        assignments = judging_queries.judge_assignments(current_user)
        panels["judge"] = {"rounds": judging_queries.judge_open_rounds(assignments), "assignments": len(assignments)}
    return render_template("public/dashboard.html", panels=panels, now=now, stages=stages)
