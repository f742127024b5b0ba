"""Judging pages for data items: the organizers' import of a round's values (with the captains' objections
listed), and a captain's objection to one of the team's values. The routes join the judging blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.errors import ContestError
from app.extensions import db
from app.forms import UploadOutcome, flash_error, run_upload
from app.jobs import services as jobs
from app.judging import metrics
from app.judging.forms import MetricObjectionForm, MetricsImportForm
from app.judging.routes import bp
from app.models import Round, Team, utcnow
from app.pagination import PageOf, page_numbers
from app.permissions import allowed_on, can_manage_round, can_object_to_data
from app.spreadsheets import workbook_response


@bp.route("/rounds/<id:round_id>/metrics", methods=["GET", "POST"])
@allowed_on(Round, "round_id", can_manage_round)
def metrics_import(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    form = MetricsImportForm()
    outcome = UploadOutcome()
    if form.validate_on_submit():
        try:
            metrics.check_import_open(round_)
        except ContestError as error:
            outcome = UploadOutcome(status=flash_error(error))
        else:
            outcome = run_upload(
                form,
                lambda table: metrics.import_metrics(round_, table, actor=current_user, now=utcnow()),
                headers=metrics.metric_headers(round_),
                background=lambda upload, rows: jobs.start_import(
                    "import_metrics", upload, rows, actor=current_user, contest=round_.contest, round_=round_
                ),
            )
        if outcome.job is not None:
            return redirect(url_for("jobs.job_page", job_id=outcome.job.id))
        if outcome.result is not None:
            flash(ngettext("Values of %(num)d team imported.", "Values of %(num)d teams imported.", outcome.result), "success")
            return redirect(url_for("judging.metrics_import", round_id=round_.id))
    page, per_page = page_numbers()
    rows, total = metrics.value_rows(round_, page=page, per_page=per_page)
    return render_template(
        "judging/metrics.html",
        round=round_,
        form=form,
        bad_rows=outcome.bad_rows,
        pagination=PageOf(rows, total, page, per_page),
        objections=metrics.objections(round_),
    ), outcome.status


@bp.route("/rounds/<id:round_id>/metrics/template.xlsx")
@allowed_on(Round, "round_id", can_manage_round)
def metrics_template(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    return workbook_response(metrics.template_sheets(round_), f"data-values-{round_.id}.xlsx")


@bp.route("/rounds/<id:round_id>/teams/<id:team_id>/metrics/objection", methods=["POST"])
@allowed_on(Team, "team_id", can_object_to_data)
def metrics_objection(round_id: int, team_id: int):
    round_ = db.get_or_404(Round, round_id)
    team = db.get_or_404(Team, team_id)
    form = MetricObjectionForm()
    if form.validate_on_submit():
        try:
            metrics.object_to_value(round_, team, form.key.data or "", form.note.data or "", actor=current_user, now=utcnow())
        except ContestError as error:
            flash_error(error)
        else:
            flash(_("Your report is recorded; the organizers will check the value."), "success")
    return redirect(url_for("registration.team_show", team_id=team.id))
