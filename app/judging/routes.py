"""Judging pages: the judge's dashboard and sheet; the organizer's rounds, progress and sheet history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.api.ids import id_from_text
from app.audit import history_of
from app.colleges.services import find_college
from app.errors import ContestError
from app.extensions import db
from app.forms import UploadOutcome, flash_error, run_upload, show_error_on_form
from app.judging import assignments, queries, services, sheets
from app.judging import judges as judges_module
from app.judging.conflicts import declare_conflict
from app.judging.forms import (
    AutoAssignForm,
    ConflictForm,
    JudgeImportForm,
    ManualAssignmentForm,
    RemoveAssignmentForm,
    RoundActionForm,
    RoundForm,
    UnlockForm,
    sheet_form_class,
    sheet_values,
)
from app.judging.labels import status_label
from app.models import (
    DRAFT,
    JUDGE,
    PUBLISHED,
    SHEET_SUBMITTED,
    Assignment,
    College,
    Conflict,
    Contest,
    Round,
    RoundJudge,
    Team,
    User,
    utcnow,
)
from app.permissions import (
    allowed_on,
    can_edit_contest,
    can_manage_round,
    can_manage_sheet,
    can_score,
    can_view_sheet,
    role_required,
)
from app.results.queries import group_names
from app.results.summary import round_summary
from app.works.requirements import FILE_TYPES
from app.works.serving import sheet_items
from scoring.numbers import integer_from_text
from scoring.sheets import plain_number

bp = Blueprint("judging", __name__)


@bp.route("/judge")
@role_required(JUDGE)
def dashboard():
    """The judge's assignments with their progress, filtered by the state of each sheet."""
    state = request.args.get("state")
    every = queries.judge_assignments(current_user)
    items = every if state not in queries.SHEET_FILTERS else [item for item in every if item.state == state]
    return render_template(
        "judging/dashboard.html", items=items, state=state, progress=queries.judge_progress(every), states=queries.SHEET_FILTERS
    )


@bp.route("/assignments/<id:assignment_id>/sheet", methods=["GET", "POST"])
@allowed_on(Assignment, "assignment_id", can_view_sheet)
def sheet_edit(assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    round_ = assignment.round
    view = sheets.sheet_view(assignment)
    form = sheet_form_class(round_)()
    editable = (
        can_score(current_user, assignment)
        and assignment.active
        and view["status"] != SHEET_SUBMITTED
        and round_.status == "open"
    )
    status = 200
    if form.validate_on_submit():
        if not can_score(current_user, assignment):
            abort(403)
        submit = bool(form.submit_sheet.data)
        try:
            sheets.save_sheet(
                assignment,
                sheet_values(form, round_),
                comment=form.comment.data,
                submit=submit,
                version=integer_from_text(form.version.data or ""),
                actor=current_user,
                now=utcnow(),
            )
        except ContestError as error:
            status = flash_error(error)
            for name, messages in error.fields.items():
                field = form._fields.get("score_" + name.removeprefix("scores.")) or form._fields.get(name)
                if field is not None:
                    field.errors = list(messages)
            if error.code == "stale_sheet":
                return redirect(url_for("judging.sheet_edit", assignment_id=assignment.id))
        else:
            flash(_("Scores submitted.") if submit else _("Draft saved."), "success")
            return redirect(
                url_for("judging.dashboard") if submit else url_for("judging.sheet_edit", assignment_id=assignment.id)
            )
    elif not form.is_submitted():
        form.version.data = str(view["version"])
        form.comment.data = view["comment"]
        for key, value in view["scores"].items():
            if f"score_{key}" in form._fields:
                form[f"score_{key}"].data = plain_number(value)
    blind = round_.blind and not can_manage_sheet(current_user, assignment)
    return render_template(
        "judging/sheet.html",
        assignment=assignment,
        # The team's items beside the sheet; a judge whose assignment is set aside may no longer open them.
        items=sheet_items(round_, assignment.team_id, blind=blind)
        if assignment.active or can_manage_sheet(current_user, assignment)
        else [],
        round=round_,
        team=assignment.team,
        form=form,
        view=view,
        editable=editable,
        is_judge=can_score(current_user, assignment),
        # A blind round's judge knows the team by its code in the round only; organizers see everything.
        blind=blind,
        team_code=queries.team_code(assignment),
    ), status


@bp.route("/assignments/<id:assignment_id>/history", methods=["GET", "POST"])
@allowed_on(Assignment, "assignment_id", can_manage_sheet)
def sheet_history(assignment_id: int):
    """Every save, submit and unlock of one sheet; the organizer may unlock a submitted sheet here."""
    assignment = db.get_or_404(Assignment, assignment_id)
    form, remove_form = UnlockForm(), RemoveAssignmentForm(prefix="remove")
    status = 200
    if remove_form.submit.data and remove_form.validate_on_submit():
        round_id = assignment.round_id
        try:
            assignments.remove_assignment(assignment, actor=current_user, now=utcnow())
        except ContestError as error:
            status = flash_error(error)
        else:
            flash(_("The assignment is removed."), "success")
            return redirect(url_for("judging.round_progress", round_id=round_id))
    elif form.submit.data and form.validate_on_submit():
        try:
            sheets.unlock_sheet(assignment, form.reason.data, actor=current_user, now=utcnow())
        except ContestError as error:
            status = flash_error(error)
        else:
            flash(_("The sheet is unlocked; the judge can change it again."), "success")
            return redirect(url_for("judging.sheet_history", assignment_id=assignment.id))
    sheet = sheets.sheet_of(assignment)
    events = history_of("assignment", assignment.id) + (history_of("score_sheet", sheet.id) if sheet else [])
    return render_template(
        "judging/history.html",
        assignment=assignment,
        view=sheets.sheet_view(assignment),
        form=form,
        remove_form=remove_form,
        history=sorted(events, key=lambda event: (event.at, event.id)),
    ), status


@bp.route("/contests/<id:contest_id>/rounds")
@allowed_on(Contest, "contest_id", can_edit_contest)
def round_list(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    rounds = db.session.scalars(select(Round).where(Round.contest_id == contest.id).order_by(Round.id)).all()
    return render_template(
        "judging/rounds.html", contest=contest, rounds=rounds, counts={r.id: queries.round_counts(r) for r in rounds}
    )


@bp.route("/contests/<id:contest_id>/rounds/new", methods=["GET", "POST"])
@allowed_on(Contest, "contest_id", can_edit_contest)
def round_new(contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    form = RoundForm()
    status = 200
    if form.validate_on_submit():
        try:
            round_ = services.create_round(contest, form.to_data(contest.timezone), actor=current_user, now=utcnow())
        except ContestError as error:
            status = form.show_error(error)
        else:
            flash(_("The round %(name)s is created.", name=round_.name), "success")
            return redirect(url_for("judging.round_show", round_id=round_.id))
    elif not form.is_submitted() and (previous := db.session.get(Round, id_from_text(request.args.get("after")) or 0)):
        if previous.contest_id == contest.id:
            form.fill_next(previous)  # the round after `previous` (advancement's link): its sheet and rule
    form.add_blank_rows(6 if not form.is_submitted() and not form.criteria.entries else 2)
    return render_template(
        "judging/round_form.html", file_types=list(FILE_TYPES), form=form, contest=contest, round=None, locked=False
    ), status


@bp.route("/rounds/<id:round_id>/edit", methods=["GET", "POST"])
@allowed_on(Round, "round_id", can_manage_round)
def round_edit(round_id: int):
    """Change a round; its score sheet locks once the first score exists."""
    round_ = db.get_or_404(Round, round_id)
    form = RoundForm()
    locked = services.has_scores(round_)
    status = 200
    if form.validate_on_submit():
        try:
            data = form.to_data(round_.contest.timezone, include_criteria=not locked, include_works=round_.status == DRAFT)
            services.update_round(round_, data, actor=current_user, now=utcnow())
        except ContestError as error:
            status = form.show_error(error)
        else:
            flash(_("The round %(name)s is saved.", name=round_.name), "success")
            return redirect(url_for("judging.round_show", round_id=round_.id))
    elif not form.is_submitted():
        form.fill_from(round_)
    form.add_blank_rows(2)
    return render_template(
        "judging/round_form.html",
        file_types=list(FILE_TYPES),
        form=form,
        contest=round_.contest,
        round=round_,
        locked=locked,
        parts=assignments.panel_parts(round_),
    ), status


@bp.route("/rounds/<id:round_id>", methods=["GET", "POST"])
@allowed_on(Round, "round_id", can_manage_round)
def round_show(round_id: int):
    """The round's page: its sheet, counts and the organizer's actions."""
    round_ = db.get_or_404(Round, round_id)
    action_form, assign_form = RoundActionForm(), AutoAssignForm(prefix="assign")
    manual_form = ManualAssignmentForm(prefix="manual")
    round_judges = db.session.scalars(
        select(User).join(RoundJudge, RoundJudge.user_id == User.id).where(RoundJudge.round_id == round_.id).order_by(User.name)
    ).all()
    manual_form.judge_id.choices = [SelectChoice(str(judge.id), f"{judge.name} <{judge.email}>") for judge in round_judges]
    now = utcnow()
    status = 200
    try:
        if manual_form.submit.data and manual_form.validate_on_submit():
            team = db.session.scalar(
                select(Team).where(
                    Team.contest_id == round_.contest_id, Team.number == (manual_form.team_number.data or "").strip().upper()
                )
            )
            if team is None:
                manual_form.team_number.errors = [_("No team of this contest has this number.")]
            else:
                assignments.assign_judge(
                    round_,
                    team.id,
                    id_from_text(manual_form.judge_id.data) or 0,
                    reason=manual_form.reason.data,
                    actor=current_user,
                    now=now,
                )
                flash(_("Judge assigned to %(number)s.", number=team.number), "success")
                return redirect(url_for("judging.round_show", round_id=round_.id))
        if assign_form.submit.data and assign_form.validate_on_submit():
            result = assignments.auto_assign(round_, **assign_form.options(), actor=current_user, now=now)
            flash(*assignments.auto_assign_message(result))
            return redirect(url_for("judging.round_show", round_id=round_.id))
        if action_form.validate_on_submit() and action_form.action.data:
            action = action_form.action.data
            if action == "entries":
                added = services.add_entries(round_, all_approved=True, actor=current_user, now=now)
                flash(_("%(n)s approved teams added.", n=added), "success")
            elif action == "judges":
                judge_ids = [user.id for user, _profile in judges_module.contest_judges(round_.contest)]
                added = services.add_judges(round_, judge_ids, actor=current_user, now=now) if judge_ids else 0
                flash(_("%(n)s judges added.", n=added), "success")
            elif action in ("open", "closed"):
                services.transition_round(round_, action, actor=current_user, now=now)
                flash(_("The round is now %(status)s.", status=status_label(action)), "success")
            else:
                abort(400)
            return redirect(url_for("judging.round_show", round_id=round_.id))
    except ContestError as error:
        status = flash_error(error)
    return render_template(
        "judging/round.html",
        round=round_,
        counts=queries.round_counts(round_),
        judges=round_judges,
        action_form=action_form,
        assign_form=assign_form,
        manual_form=manual_form,
        published=round_.status == PUBLISHED,
        needing=queries.teams_needing_judges(round_),
        summary=round_summary(round_),
    ), status


@bp.route("/rounds/<id:round_id>/progress")
@allowed_on(Round, "round_id", can_manage_round)
def round_progress(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    progress = queries.round_progress(round_)
    return render_template(
        "judging/progress.html",
        round=round_,
        progress=progress,
        group_names=group_names(round_.grouping, progress["groups"]),
        needing=queries.teams_needing_judges(round_),
    )


@bp.route("/contests/<id:contest_id>/judges", methods=["GET", "POST"])
@allowed_on(Contest, "contest_id", can_edit_contest)
def judge_list(contest_id: int):
    """The contest's judges with their colleges and provinces, and the Excel import."""
    contest = db.get_or_404(Contest, contest_id)
    form = JudgeImportForm()
    outcome = UploadOutcome()
    if form.validate_on_submit():
        outcome = run_upload(form, lambda table: judges_module.import_judges(contest, table, actor=current_user, now=utcnow()))
        if outcome.result is not None:
            flash(
                _(
                    "%(created)s judges created, %(updated)s updated.",
                    created=outcome.result.created,
                    updated=outcome.result.updated,
                ),
                "success",
            )
    return render_template(
        "judging/judges.html",
        contest=contest,
        judges=judges_module.contest_judges(contest),
        form=form,
        result=outcome.result,
        bad_rows=outcome.bad_rows,
    ), outcome.status


@bp.route("/judge/conflicts", methods=["GET", "POST"])
@role_required(JUDGE)
def conflicts():
    """A judge declares the colleges and teams they must not score (回避)."""
    form = ConflictForm()
    status = 200
    if form.validate_on_submit():
        college = find_college(form.college.data) if (form.college.data or "").strip() else None
        number = (form.team_number.data or "").strip().upper()
        team = db.session.scalar(select(Team).where(Team.number == number)) if number else None
        if (form.college.data or "").strip() and college is None:
            form.college.errors = [_("Choose the college from the list.")]
        elif number and team is None:
            form.team_number.errors = [_("No team has this number.")]
        else:
            try:
                declare_conflict(
                    current_user,
                    college_id=college.id if college else None,
                    team_id=team.id if team else None,
                    reason=form.reason.data,
                    actor=current_user,
                    now=utcnow(),
                )
            except ContestError as error:
                status = show_error_on_form(form, error)
            else:
                flash(_("Conflict declared; you will not be assigned there."), "success")
                return redirect(url_for("judging.conflicts"))
    declared = db.session.execute(
        select(Conflict, College.name, Team.number)
        .outerjoin(College, College.id == Conflict.college_id)
        .outerjoin(Team, Team.id == Conflict.team_id)
        .where(Conflict.judge_id == current_user.id)
        .order_by(Conflict.id)
    ).all()
    return render_template("judging/conflicts.html", form=form, declared=declared), status
