"""Organizer pages: the contests, and the form that creates and edits one."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.contests import services
from app.contests.forms import ContestForm
from app.contests.question_lines import question_lines
from app.errors import ContestError
from app.extensions import db
from app.models import ORGANIZER, Contest, utcnow
from app.pagination import page_from_request
from app.permissions import allowed_on, can_create_contest, can_edit_contest, permitted, role_required

bp = Blueprint("contests", __name__, url_prefix="/contests")


@bp.route("/")
@role_required(ORGANIZER)
def index():
    contests = page_from_request(services.contests_query())
    return render_template(
        "contests/index.html",
        contests=contests,
        now=utcnow(),
        can_create=can_create_contest(current_user),
        can_edit=lambda contest: can_edit_contest(current_user, contest),
    )


def _local(moment, timezone):
    return moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def _save(form: ContestForm, contest: Contest | None):
    """Run the create or update service for a submitted form: the redirect to the saved contest, or, when
    the service refuses, the error's status for the form that shows why."""
    try:
        if contest is None:
            contest = services.create_contest(form.to_data(), now=utcnow(), actor=current_user)
        else:
            services.update_contest(contest, form.to_data(), now=utcnow(), actor=current_user)
    except ContestError as error:
        return None, form.show_error(error)
    flash(_("The contest %(name)s is saved.", name=contest.name), "success")
    return redirect(url_for("public.contest", contest_id=contest.id)), None


@bp.route("/new", methods=["GET", "POST"])
@permitted(can_create_contest)
def new():
    form = ContestForm()
    status = 200
    if form.validate_on_submit():
        saved, status = _save(form, None)
        if saved:
            return saved
    elif not form.is_submitted():
        now = utcnow()
        timezone = current_app.config["TIMEZONE"]
        form.timezone.data = timezone
        form.year.data = _local(now, timezone).year
        form.registration_opens_at.data = _local(now, timezone).replace(second=0, microsecond=0)
        form.registration_closes_at.data = form.registration_opens_at.data + timedelta(days=30)
        for key, default, *_bounds in services.TEAM_RULES:
            form[key].data = default
        form.tracks[0].form.kind.data = "regular"
    form.add_blank_tracks()
    return render_template("contests/form.html", form=form, contest=None), status


@bp.route("/<id:contest_id>/edit", methods=["GET", "POST"])
@allowed_on(Contest, "contest_id", can_edit_contest)
def edit(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    form = ContestForm(obj=contest)
    status = 200
    if form.validate_on_submit():
        saved, status = _save(form, contest)
        if saved:
            return saved
    elif not form.is_submitted():
        form.registration_opens_at.data = _local(contest.registration_opens_at, contest.timezone)
        form.registration_closes_at.data = _local(contest.registration_closes_at, contest.timezone)
        form.budget.form.amount.data, form.budget.form.currency.data = contest.budget_amount, contest.budget_currency
        form.questions.data = question_lines(contest.registration_fields)
    form.add_blank_tracks()
    return render_template("contests/form.html", form=form, contest=contest), status
