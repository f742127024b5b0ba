"""The home page, public contest pages, and each role's dashboard."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from app.colleges.services import province_names
from app.contests.services import contests_query
from app.extensions import db
from app.models import COORDINATOR, JUDGE, ORGANIZER, College, Contest, utcnow
from app.permissions import is_organizer, login_required

bp = Blueprint("public", __name__)


@bp.route("/")
def index():
    contests = db.session.scalars(contests_query().limit(20)).all()
    return render_template("public/index.html", contests=contests, now=utcnow())


@bp.route("/c/<int:contest_id>")
def contest(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    return render_template("public/contest.html", contest=contest, now=utcnow(),
                           can_edit=is_organizer(current_user, contest))


@bp.route("/dashboard")
@login_required
def dashboard():
    """One page per user, with a panel for each role they hold."""
    roles = current_user.role_names()
    panels = {}
    if ORGANIZER in roles:
        panels["organizer"] = {
            "contests": db.session.scalars(contests_query().limit(10)).all(),
            "college_count": db.session.scalar(select(func.count(College.id))),
            "province_count": len(province_names()),
        }
    if COORDINATOR in roles:
        panels["coordinator"] = [
            (db.session.get(College, a.college_id), db.session.get(Contest, a.contest_id))
            for a in current_user.roles if a.role == COORDINATOR
        ]
    if JUDGE in roles:
        panels["judge"] = True
    return render_template("public/dashboard.html", panels=panels, now=utcnow())
