"""Pages of the notice: raising an objection with evidence, one's own objections and the organizers' queue,
an objection's page (its evidence, the assignment and the answer), and the finalize button."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.api.ids import id_from_text
from app.errors import ContestError
from app.extensions import db
from app.forms import flash_error, show_error_on_form
from app.models import ORGANIZER, Entry, Objection, RoleAssignment, Round, Team, User, utcnow
from app.notices import objections, services
from app.notices.api import limited
from app.notices.evidence import evidence_response
from app.notices.finalization import finalize_results
from app.notices.forms import AnswerForm, AssignForm, EvidenceForm, ObjectionForm, QueueFilterForm
from app.pagination import page_from_request
from app.permissions import allowed_on, can_answer_objection, can_manage_round, can_object, can_view_objection, is_organizer

bp = Blueprint("notices", __name__)


def _uploads(field) -> list:
    return [upload for upload in field.data or [] if getattr(upload, "filename", None)]


def _organizers(round_: Round) -> list[User]:
    """The accounts that organize the round's contest (or every contest), for the assignment's list."""
    return list(
        db.session.scalars(
            select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(
                RoleAssignment.role == ORGANIZER,
                (RoleAssignment.contest_id == round_.contest_id) | RoleAssignment.contest_id.is_(None),
                RoleAssignment.college_id.is_(None),  # an organizer's role naming a college organizes nothing
                RoleAssignment.province.is_(None),
                User.active,
            )
            .distinct()
            .order_by(User.name)
        )
    )


@bp.route("/rounds/<id:round_id>/objections/new", methods=["GET", "POST"])
@allowed_on(Round, "round_id", can_object)
@limited
def objection_new(round_id: int):
    """The objector's form: a team of the round or the whole list, a reason, and files of evidence."""
    round_ = db.get_or_404(Round, round_id)
    form = ObjectionForm()
    teams = db.session.execute(
        select(Team.id, Team.number, Team.name)
        .join(Entry, Entry.team_id == Team.id)
        .where(Entry.round_id == round_.id)
        .order_by(Team.number)
    ).all()
    form.team_id.choices = [SelectChoice("", _("The whole list"))] + [
        SelectChoice(str(team.id), f"{team.number} {team.name}") for team in teams
    ]
    now = utcnow()
    status = 200
    if form.validate_on_submit():
        try:
            objection = objections.create_objection(
                round_, team_id=id_from_text(form.team_id.data), reason=form.reason.data, author=current_user, now=now
            )
            for upload in _uploads(form.files):
                objections.add_evidence(objection, upload.stream, upload.filename, actor=current_user, now=now)
        except ContestError as error:
            status = show_error_on_form(form, error, renames={"file": "files"})
        else:
            flash(_("Your objection is sent. The organizers will answer it here."), "success")
            return redirect(url_for("notices.objection_show", objection_id=objection.id))
    elif request.method == "GET" and not services.is_open_for_objections(round_, now):
        flash(_("This round's results take no objections now."), "error")
    return render_template("notices/new.html", round=round_, form=form, notice=services.notice_payload(round_, now)), status


@bp.route("/rounds/<id:round_id>/objections")
@allowed_on(Round, "round_id", can_object)
def objection_list(round_id: int):
    """Organizers: the queue of the round's objections, by state and assignee. Anyone else: their own."""
    round_ = db.get_or_404(Round, round_id)
    organizer = is_organizer(current_user, round_.contest)
    filters = QueueFilterForm(request.args)
    organizers = _organizers(round_) if organizer else []
    filters.assignee_id.choices = [SelectChoice("", _("anyone"))] + [SelectChoice(str(user.id), user.name) for user in organizers]
    state = request.args.get("state") if request.args.get("state") in ("open", "answered") else None
    statement = objections.objections_seen_by(
        round_, current_user, state=state, assignee_id=id_from_text(request.args.get("assignee_id"))
    )
    pagination = page_from_request(statement)
    return render_template(
        "notices/list.html",
        round=round_,
        organizer=organizer,
        filters=filters,
        pagination=pagination,
        notice=services.notice_payload(round_, utcnow()),
    )


@bp.route("/objections/<id:objection_id>", methods=["GET", "POST"])
@allowed_on(Objection, "objection_id", can_view_objection)
def objection_show(objection_id: int):
    """One objection: its reason and evidence, the answer; the objector adds evidence while it waits, the
    organizers assign and answer it."""
    objection = db.get_or_404(Objection, objection_id)
    round_ = objection.round
    organizer = can_answer_objection(current_user, objection)
    evidence_form, assign_form, answer_form = (
        EvidenceForm(prefix="evidence"),
        AssignForm(prefix="assign"),
        AnswerForm(prefix="answer"),
    )
    assign_form.user_id.choices = [SelectChoice(str(user.id), f"{user.name} <{user.email}>") for user in _organizers(round_)]
    now = utcnow()
    status = 200
    form = None
    try:
        if evidence_form.upload.data and evidence_form.validate_on_submit():
            form = evidence_form
            if objection.author_id != current_user.id:
                abort(403)
            for upload in _uploads(evidence_form.files):
                objections.add_evidence(objection, upload.stream, upload.filename, actor=current_user, now=now)
            flash(_("The evidence is added."), "success")
            return redirect(url_for("notices.objection_show", objection_id=objection.id))
        if assign_form.assign.data and assign_form.validate_on_submit():
            form = assign_form
            if not organizer:
                abort(403)
            objections.assign_objection(objection, id_from_text(assign_form.user_id.data) or 0, actor=current_user, now=now)
            flash(_("The objection is assigned."), "success")
            return redirect(url_for("notices.objection_show", objection_id=objection.id))
        if answer_form.answer.data and answer_form.validate_on_submit():
            form = answer_form
            if not organizer:
                abort(403)
            objections.answer_objection(
                objection,
                decision=answer_form.decision.data,
                reply=answer_form.reply.data,
                action=answer_form.action.data or None,
                actor=current_user,
                now=now,
            )
            flash(_("The answer is sent to the objector."), "success")
            return redirect(url_for("notices.objection_show", objection_id=objection.id))
    except ContestError as error:
        status = show_error_on_form(form, error, renames={"file": "files"}) if form is not None else flash_error(error)
    return render_template(
        "notices/show.html",
        objection=objection,
        round=round_,
        organizer=organizer,
        evidence_form=evidence_form,
        assign_form=assign_form,
        answer_form=answer_form,
    ), status


@bp.route("/objections/<id:objection_id>/files/<id:file_id>")
@allowed_on(Objection, "objection_id", can_view_objection)
def evidence_download(objection_id: int, file_id: int):
    return evidence_response(objection_id, file_id)


@bp.route("/rounds/<id:round_id>/finalize", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
def finalize(round_id: int):
    """The organizer's finalize button: back to the results page, saying what happened or why not."""
    round_ = db.get_or_404(Round, round_id)
    try:
        finalize_results(round_, actor=current_user, now=utcnow())
    except ContestError as error:
        flash_error(error)
    else:
        flash(_("The results are final."), "success")
    return redirect(url_for("results.results_table", round_id=round_.id))
