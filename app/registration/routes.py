"""Registration pages: a team's page and edit, coordinators' review, organizers' lists (captains' sign-up:
`signup_routes.py`, on this blueprint)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.ids import id_from_text
from app.audit import history_of
from app.certificates.services import team_certificates
from app.errors import ContestError
from app.extensions import db
from app.forms import UploadOutcome, flash_error, run_upload
from app.jobs import services as jobs
from app.judging.forms import MetricObjectionForm
from app.judging.metrics import team_open_values
from app.models import TEAM, TEAM_STATUSES, Contest, Team, Track, utcnow
from app.pagination import page_from_request
from app.permissions import (
    allowed_on,
    can_dispute_member,
    can_dispute_members,
    can_download_team_certificates,
    can_edit_team,
    can_hand_in,
    can_list_teams,
    can_object_to_data,
    can_register_team,
    can_reopen_review,
    can_review_team,
    can_view_team,
    coordinated_college_ids,
    is_organizer,
)
from app.registration import disputes, imports, review, services
from app.registration.answer_columns import answer_headers
from app.registration.answers import answered_questions
from app.registration.forms import (
    BulkApproveForm,
    DisputeForm,
    ReopenReviewForm,
    ReviewForm,
    TeamForm,
    TeamImportForm,
    WithdrawForm,
)
from app.registration.queries import SORTS, TeamFilters, entrant_countries, registration_counts, teams_query
from app.results.queries import published_results_of
from app.security import safe_next
from app.spreadsheets import workbook_response
from app.templating import TEAM_STATUS_LABELS
from app.works.forms import WorkUploadForm
from app.works.listing import team_works

bp = Blueprint("registration", __name__)


def _contest(contest_id: int) -> Contest:
    return db.get_or_404(Contest, contest_id)  # loaded and checked by `allowed_on` already


def _team(team_id: int) -> Team:
    return db.get_or_404(Team, team_id)


def chosen_track(contest: Contest, code: str | None) -> Track | None:
    """The track a registration form is shaped for: the one named (by the link, or the form sent), else the
    first when every track takes the same kind of entrant; None when the person has to choose first."""
    track = next((t for t in contest.tracks if t.code == (code or "").strip().upper()), None)
    if track is None and len({t.entrant for t in contest.tracks}) == 1:
        track = contest.tracks[0]
    return track


def registered_message(team: Team) -> str:
    if team.kind == TEAM:
        return _("Team %(number)s is registered and waits for its college's review.", number=team.number)
    if team.college_id is not None:
        return _("Entry %(number)s is registered and waits for its college's review.", number=team.number)
    return _("Entry %(number)s is registered and waits for the organizers' review.", number=team.number)


@bp.route("/contests/<id:contest_id>/register", methods=["GET", "POST"])
@allowed_on(Contest, "contest_id", can_register_team)
def team_new(contest_id: int):
    contest = _contest(contest_id)
    closed = services.registration_closed_error(contest, utcnow(), current_user)
    if closed is not None:  # the reason instead of a form that could not be saved
        return render_template("registration/team_form.html", contest=contest, team=None, closed=closed.message), (
            closed.status if request.method == "POST" else 200
        )
    track = chosen_track(contest, request.values.get("track"))
    if track is None:  # tracks of several entrant kinds: which one comes first, as the form's shape follows it
        return render_template("registration/choose_track.html", contest=contest)
    form = TeamForm.for_contest(contest)().prepare(contest, track)
    if request.method == "GET":  # back from proposing an institution, with it chosen
        form.choose_college(id_from_text(request.args.get("college_id")), current_user)
    status = 200
    if form.validate_on_submit():
        try:
            team = services.register_team(contest, form.to_input(), actor=current_user, now=utcnow())
        except ContestError as error:
            status = form.show_error(error)
        else:
            flash(registered_message(team), "success")
            return redirect(url_for("registration.team_show", team_id=team.id))
    return render_template(
        "registration/team_form.html", form=form, contest=contest, team=None, is_open=contest.registration_is_open(utcnow())
    ), status


@bp.route("/teams/<id:team_id>")
@allowed_on(Team, "team_id", can_view_team)
def team_show(team_id: int):
    return team_page(_team(team_id))


def team_page(team: Team, *, work_error: tuple[int, str, str] | None = None) -> str:
    """The team's page; `work_error` (round id, item key, message) shows a refused hand-in at its item."""
    now = utcnow()
    review_open = team.status != "withdrawn" and review.review_is_open(team)
    can_edit = can_edit_team(current_user, team)
    editing_closed = services.editing_closed_reason(team, current_user, now) if can_edit else None
    return render_template(
        "registration/team_show.html",
        team=team,
        now=now,
        can_edit=can_edit and editing_closed is None,
        editing_closed=editing_closed,
        can_review=can_review_team(current_user, team) and team.status != "withdrawn",
        review_open=review_open,
        judging_round=review.judging_round(team),
        can_reopen=can_reopen_review(current_user, team) and team.status != "withdrawn" and not review_open,
        # The colleges whose students' membership this viewer may dispute (or lift), while the review is open.
        disputable={c for c in team.student_college_ids if can_dispute_member(current_user, team, c)} if review_open else set(),
        review_form=ReviewForm(),
        withdraw_form=WithdrawForm(),
        reopen_form=ReopenReviewForm(),
        dispute_form=DisputeForm(),
        history=history_of("team", team.id),
        answers=answered_questions(team),
        results=published_results_of(team),
        certificates=team_certificates(team) if can_download_team_certificates(current_user, team) else [],
        data_values=team_open_values(team),
        can_object=can_object_to_data(current_user, team),
        objection_form=MetricObjectionForm(),
        works=team_works(team, now),
        can_hand_in=can_hand_in(current_user, team),
        organizer=is_organizer(current_user, team.contest),
        work_error=work_error,
        upload_form=WorkUploadForm,
    )


@bp.route("/teams/<id:team_id>/edit", methods=["GET", "POST"])
@allowed_on(Team, "team_id", can_edit_team)
def team_edit(team_id: int):
    team = _team(team_id)
    closed = services.editing_closed_reason(team, current_user, utcnow())
    if closed is not None:  # the reason instead of a form that could not be saved
        return render_template("registration/team_form.html", contest=team.contest, team=team, closed=closed), (
            409 if request.method == "POST" else 200
        )
    form = TeamForm.for_contest(team.contest)()
    if not form.is_submitted():
        form.fill_from(team)
    form.prepare(team.contest, team.track)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_team(team, form.to_input(), actor=current_user, now=utcnow())
        except ContestError as error:
            status = form.show_error(error)
        else:
            flash(_("Team %(number)s is saved.", number=team.number), "success")
            return redirect(url_for("registration.team_show", team_id=team.id))
    return render_template(
        "registration/team_form.html",
        form=form,
        contest=team.contest,
        team=team,
        is_open=team.contest.registration_is_open(utcnow()),
    ), status


@bp.route("/teams/<id:team_id>/withdraw", methods=["POST"])
@allowed_on(Team, "team_id", can_edit_team)
def team_withdraw(team_id: int):
    team = _team(team_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            review.withdraw_team(team, form.reason.data, actor=current_user, now=utcnow())
        except ContestError as error:
            flash_error(error)
        else:
            flash(_("Team %(number)s is withdrawn.", number=team.number), "success")
    return redirect(url_for("registration.team_show", team_id=team.id))


@bp.route("/teams/<id:team_id>/review", methods=["POST"])
@allowed_on(Team, "team_id", can_review_team)
def team_review(team_id: int):
    team = _team(team_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            review.review_team(team, form.decision.data, form.reason.data, actor=current_user, now=utcnow())
        except ContestError as error:
            flash_error(error)
        else:
            flash(_("Team %(number)s is now %(status)s.", number=team.number, status=TEAM_STATUS_LABELS[team.status]), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("registration.team_show", team_id=team.id))


@bp.route("/teams/<id:team_id>/review/reopen", methods=["POST"])
@allowed_on(Team, "team_id", can_reopen_review)
def team_review_reopen(team_id: int):
    """An organizer reopens the review of a team whose judging has started, with a reason."""
    team = _team(team_id)
    form = ReopenReviewForm()
    if form.validate_on_submit():
        try:
            review.reopen_review(team, form.reason.data, actor=current_user, now=utcnow())
        except ContestError as error:
            flash_error(error)
        else:
            flash(_("The review of team %(number)s is open for one more decision.", number=team.number), "success")
    return redirect(url_for("registration.team_show", team_id=team.id))


def _dispute_action(team_id: int, act: Callable[..., Team], done: str):
    """Run a dispute service for the form's member, then go back to the team's page."""
    team = _team(team_id)
    form = DisputeForm()
    if form.validate_on_submit() and form.college_id.data.isdigit():
        try:
            act(team, int(form.college_id.data), form.student_id.data, form.reason.data, actor=current_user, now=utcnow())
        except ContestError as error:
            flash_error(error)
        else:
            flash(done, "success")
    return redirect(url_for("registration.team_show", team_id=team.id))


@bp.route("/teams/<id:team_id>/disputes", methods=["POST"])
@allowed_on(Team, "team_id", can_dispute_members)
def member_dispute(team_id: int):
    """The member's college disputes that the student is in the team."""
    return _dispute_action(
        team_id, disputes.dispute_member, _("The student's membership is disputed: they hold no place in this team now.")
    )


@bp.route("/teams/<id:team_id>/disputes/lift", methods=["POST"])
@allowed_on(Team, "team_id", can_dispute_members)
def member_dispute_lift(team_id: int):
    return _dispute_action(team_id, disputes.lift_dispute, _("The dispute is lifted."))


def _filters() -> TeamFilters:
    return TeamFilters.from_args(request.args)


@bp.route("/contests/<id:contest_id>/teams")
@allowed_on(Contest, "contest_id", can_list_teams)
def team_list(contest_id: int):
    contest = _contest(contest_id)
    filters = _filters()
    teams = page_from_request(teams_query(contest, filters, viewer=current_user))
    from app.colleges.services import province_names

    return render_template(
        "registration/team_list.html",
        contest=contest,
        teams=teams,
        filters=filters,
        statuses=TEAM_STATUSES,
        provinces=province_names(),
        countries=entrant_countries(contest),
        is_organizer=is_organizer(current_user, contest),
        # A coordinator reviews their own colleges' teams only; the others listed hold their students.
        reviewable=None if is_organizer(current_user, contest) else coordinated_college_ids(current_user, contest),
        bulk_form=BulkApproveForm(),
        sorts=list(SORTS),
    )


@bp.route("/contests/<id:contest_id>/teams/approve", methods=["POST"])
@allowed_on(Contest, "contest_id", can_list_teams)
def team_bulk_approve(contest_id: int):
    """Approve a selection at once; each team is checked as if approved alone."""
    contest = _contest(contest_id)
    form = BulkApproveForm()
    if not form.validate_on_submit():
        abort(400)
    ids = [number for number in map(id_from_text, request.form.getlist("team_ids")) if number is not None]
    back = url_for("registration.team_list", contest_id=contest.id, **request.args)
    if not ids:
        flash(_("Tick the teams to approve first."), "error")
        return redirect(back)
    # Members come with the teams: each approval mails the captain.
    teams = db.session.scalars(
        select(Team)
        .options(selectinload(Team.members), selectinload(Team.disputes))
        .where(Team.contest_id == contest.id, Team.id.in_(ids))
    ).all()
    if any(not can_review_team(current_user, team) for team in teams):
        abort(403)
    try:
        approved = review.approve_teams(teams, actor=current_user, now=utcnow())
    except ContestError as error:
        flash_error(error)
    else:
        flash(ngettext("%(num)d team approved.", "%(num)d teams approved.", approved), "success")
    return redirect(back)


@bp.route("/contests/<id:contest_id>/registrations")
@allowed_on(Contest, "contest_id", is_organizer)
def dashboard(contest_id: int):
    contest = _contest(contest_id)
    return render_template(
        "registration/dashboard.html", contest=contest, counts=registration_counts(contest), statuses=TEAM_STATUSES
    )


@bp.route("/contests/<id:contest_id>/teams/export", methods=["POST"])
@allowed_on(Contest, "contest_id", can_list_teams)
def team_export(contest_id: int):
    """The registrations workbook of the list as filtered, made as a background job."""
    job = jobs.start_export("teams", actor=current_user, contest_id=contest_id, filters=asdict(_filters()))
    return redirect(url_for("jobs.job_page", job_id=job.id))


@bp.route("/contests/<id:contest_id>/teams/template.xlsx")
def team_template(contest_id: int):
    contest = _contest(contest_id)
    return workbook_response(imports.template_sheets(contest), f"team-import-template-{contest.id}.xlsx")


@bp.route("/contests/<id:contest_id>/teams/import", methods=["GET", "POST"])
@allowed_on(Contest, "contest_id", can_list_teams)
def team_import(contest_id: int):
    contest = _contest(contest_id)
    form = TeamImportForm()
    outcome = UploadOutcome()
    if form.validate_on_submit():
        outcome = run_upload(
            form,
            lambda table: imports.import_teams(contest, table, actor=current_user, now=utcnow()),
            headers=answer_headers(contest),
            background=lambda upload, rows: jobs.start_import("import_teams", upload, rows, actor=current_user, contest=contest),
        )
        if outcome.job is not None:
            return redirect(url_for("jobs.job_page", job_id=outcome.job.id))
        if outcome.result is not None:
            flash(ngettext("%(num)d team imported.", "%(num)d teams imported.", outcome.result), "success")
            return redirect(url_for("registration.team_list", contest_id=contest.id))
    return render_template("registration/team_import.html", contest=contest, form=form, bad_rows=outcome.bad_rows), outcome.status
