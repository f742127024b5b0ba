"""API: registerTeam, listTeams, getTeam, updateTeam, withdrawTeam, reviewTeam, reopenTeamReview, disputeMember,
liftDispute, importTeams, exportTeams."""

from flask import current_app
from flask_login import current_user

from app.api.blueprint import Blueprint
from app.colleges.schemas import UploadSchema
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.api import JOB_STARTED_DOC, job_started
from app.models import Contest, Team, utcnow
from app.pagination import page_payload, page_schema
from app.permissions import (
    allowed_on,
    can_dispute_members,
    can_edit_team,
    can_list_teams,
    can_register_team,
    can_reopen_review,
    can_review_team,
    can_view_team,
)
from app.registration import disputes, exports, imports, review, services
from app.registration.answer_columns import answer_headers
from app.registration.queries import TeamFilters, teams_query
from app.registration.schemas import (
    DisputeInSchema,
    ImportResultSchema,
    LiftDisputeInSchema,
    ReopenReviewSchema,
    ReviewSchema,
    TeamCreatedSchema,
    TeamInSchema,
    TeamPatchSchema,
    TeamQuerySchema,
    TeamSchema,
    TeamSummarySchema,
    WithdrawSchema,
)
from app.spreadsheets import XLSX_RESPONSE_DOC, read_table, workbook_response

blp = Blueprint("api_registration", __name__, url_prefix="/api/v1", description="Teams and their registration")


def _contest(contest_id: int) -> Contest:
    return db.get_or_404(Contest, contest_id)  # loaded and checked by `allowed_on` already


def _team(team_id: int) -> Team:
    return db.get_or_404(Team, team_id)


@blp.route("/contests/<id:contest_id>/teams", methods=["POST"])
@allowed_on(Contest, "contest_id", can_register_team)
@blp.arguments(TeamInSchema)
@blp.response(201, TeamCreatedSchema)
@blp.doc(operationId="registerTeam")
def register_team(data, contest_id: int):
    contest = _contest(contest_id)
    team = services.register_team(contest, data, actor=current_user, now=utcnow())
    return team


@blp.route("/contests/<id:contest_id>/teams", methods=["GET"])
@allowed_on(Contest, "contest_id", can_list_teams)
@blp.arguments(TeamQuerySchema, location="query")
@blp.response(200, page_schema(TeamSummarySchema))
@blp.doc(operationId="listTeams")
def list_teams(args, contest_id: int):
    contest = _contest(contest_id)
    page, per_page = args.pop("page"), args.pop("per_page")
    statement = teams_query(contest, TeamFilters(**args), viewer=current_user)
    return page_payload(db.paginate(statement, page=page, per_page=per_page, error_out=False))


@blp.route("/teams/<id:team_id>", methods=["GET"])
@allowed_on(Team, "team_id", can_view_team)
@blp.response(200, TeamSchema)
@blp.doc(operationId="getTeam")
def get_team(team_id: int):
    return _team(team_id)


@blp.route("/teams/<id:team_id>", methods=["PATCH"])
@allowed_on(Team, "team_id", can_edit_team)
@blp.arguments(TeamPatchSchema)
@blp.response(200, TeamSchema)
@blp.doc(operationId="updateTeam")
def update_team(changes, team_id: int):
    team = _team(team_id)
    services.update_team(team, changes, actor=current_user, now=utcnow())
    return team


@blp.route("/teams/<id:team_id>/withdraw", methods=["POST"])
@allowed_on(Team, "team_id", can_edit_team)
@blp.arguments(WithdrawSchema)
@blp.response(200, TeamSchema)
@blp.doc(operationId="withdrawTeam")
def withdraw_team(data, team_id: int):
    team = _team(team_id)
    review.withdraw_team(team, data["reason"], actor=current_user, now=utcnow())
    return team


@blp.route("/teams/<id:team_id>/review", methods=["POST"])
@allowed_on(Team, "team_id", can_review_team)
@blp.arguments(ReviewSchema)
@blp.response(200, TeamSchema)
@blp.doc(operationId="reviewTeam")
def review_team(data, team_id: int):
    team = _team(team_id)
    review.review_team(team, data["decision"], data.get("reason"), actor=current_user, now=utcnow())
    return team


@blp.route("/teams/<id:team_id>/review/reopen", methods=["POST"])
@allowed_on(Team, "team_id", can_reopen_review)
@blp.arguments(ReopenReviewSchema)
@blp.response(200, TeamSchema)
@blp.doc(operationId="reopenTeamReview")
def reopen_team_review(data, team_id: int):
    """Reopen the review of a team whose judging has started, with a reason: the next decision is taken."""
    team = _team(team_id)
    review.reopen_review(team, data["reason"], actor=current_user, now=utcnow())
    return team


@blp.route("/teams/<id:team_id>/disputes", methods=["POST"])
@allowed_on(Team, "team_id", can_dispute_members)
@blp.arguments(DisputeInSchema)
@blp.response(200, TeamSchema)
@blp.doc(operationId="disputeMember")
def dispute_member(data, team_id: int):
    """The member's college disputes that the student is in the team: the student holds no place in it."""
    team = _team(team_id)
    disputes.dispute_member(team, data["college_id"], data["student_id"], data["reason"], actor=current_user, now=utcnow())
    return team


@blp.route("/teams/<id:team_id>/disputes/lift", methods=["POST"])
@allowed_on(Team, "team_id", can_dispute_members)
@blp.arguments(LiftDisputeInSchema)
@blp.response(200, TeamSchema)
@blp.doc(operationId="liftDispute")
def lift_dispute(data, team_id: int):
    team = _team(team_id)
    disputes.lift_dispute(team, data["college_id"], data["student_id"], data.get("reason"), actor=current_user, now=utcnow())
    return team


@blp.route("/contests/<id:contest_id>/teams/import", methods=["POST"])
@allowed_on(Contest, "contest_id", can_list_teams)
@blp.arguments(UploadSchema, location="files")
@blp.response(201, ImportResultSchema)
@blp.alt_response(202, **JOB_STARTED_DOC)
@blp.doc(operationId="importTeams")
def import_teams(files, contest_id: int):
    contest = _contest(contest_id)
    upload = files["file"]
    table = read_table(upload.stream, upload.filename, headers=answer_headers(contest))
    if len(table.rows) > current_app.config["JOB_THRESHOLD_ROWS"]:
        return job_started(jobs.start_import("import_teams", upload, len(table.rows), actor=current_user, contest=contest))
    created = imports.import_teams(contest, table, actor=current_user, now=utcnow())
    return {"created": created}


@blp.route("/contests/<id:contest_id>/teams/export.xlsx", methods=["GET"])
@allowed_on(Contest, "contest_id", can_list_teams)
@blp.arguments(TeamQuerySchema, location="query")
@blp.doc(operationId="exportTeams", responses=XLSX_RESPONSE_DOC)
def export_teams(args, contest_id: int):
    contest = _contest(contest_id)
    args.pop("page"), args.pop("per_page")
    sheets = exports.registrations_workbook(contest, TeamFilters(**args), viewer=current_user)
    return workbook_response(sheets, f"registrations-{contest.year}-{contest.id}.xlsx")


@blp.route("/contests/<id:contest_id>/teams/template.xlsx", methods=["GET"])
@blp.doc(operationId="getTeamTemplate", security=[], responses=XLSX_RESPONSE_DOC)
def team_template(contest_id: int):
    contest = _contest(contest_id)
    return workbook_response(imports.template_sheets(contest), f"team-import-template-{contest.id}.xlsx")
