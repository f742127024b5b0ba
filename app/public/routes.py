"""The home page, public contest pages, and each role's dashboard."""

from flask import Blueprint, render_template
from flask_login import current_user

from app.contests.services import contests_query
from app.contests.stages import contest_stages
from app.extensions import db
from app.judging import queries as judging_queries
from app.models import Contest, utcnow
from app.permissions import can_list_teams, can_register_team, is_organizer, login_required
from app.public.dashboard import dashboard_panels

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
    now = utcnow()
    panels, stages = dashboard_panels(current_user, now)
    return render_template("public/dashboard.html", panels=panels, now=now, stages=stages)
