"""API: createRound, getRound, updateRound, transitionRound, addEntries, addJudges, importMetrics."""

from flask import current_app
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.blueprint import Blueprint
from app.colleges.schemas import UploadSchema
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.api import JOB_STARTED_DOC, job_started
from app.judging import assignments, conflicts, judges, metrics, queries, services, sheets
from app.judging.schemas import (
    AddedSchema,
    AssignmentInSchema,
    AssignmentQuerySchema,
    AssignmentSchema,
    AutoAssignResultSchema,
    AutoAssignSchema,
    ConflictInSchema,
    ConflictSchema,
    EntriesInSchema,
    JudgeImportSchema,
    JudgeSchema,
    JudgesInSchema,
    MetricsImportedSchema,
    ReasonSchema,
    RoundInSchema,
    RoundPatchSchema,
    RoundSchema,
    SheetInSchema,
    SheetSchema,
    TeamNeedingJudgesSchema,
    TransitionSchema,
)
from app.models import Assignment, Contest, Round, User, utcnow
from app.pagination import PageArgsSchema, page_payload, page_schema
from app.permissions import (
    allowed_on,
    can_declare_conflict,
    can_edit_contest,
    can_manage_round,
    can_manage_sheet,
    can_score,
    can_view_round,
    can_view_sheet,
    is_organizer,
)
from app.spreadsheets import read_table

blp = Blueprint("api_judging", __name__, url_prefix="/api/v1", description="Rounds, score sheets, judges and scores")


@blp.route("/contests/<id:contest_id>/rounds", methods=["POST"])
@allowed_on(Contest, "contest_id", can_edit_contest)
@blp.arguments(RoundInSchema)
@blp.response(201, RoundSchema)
@blp.doc(operationId="createRound")
def create_round(data, contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    round_ = services.create_round(contest, data, actor=current_user, now=utcnow())
    return round_


@blp.route("/rounds/<id:round_id>", methods=["GET"])
@allowed_on(Round, "round_id", can_view_round)
@blp.response(200, RoundSchema)
@blp.doc(operationId="getRound")
def get_round(round_id: int):
    return db.get_or_404(Round, round_id)


@blp.route("/rounds/<id:round_id>", methods=["PATCH"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(RoundPatchSchema)
@blp.response(200, RoundSchema)
@blp.doc(operationId="updateRound")
def update_round(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    services.update_round(round_, data, actor=current_user, now=utcnow())
    return round_


@blp.route("/rounds/<id:round_id>/status", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(TransitionSchema)
@blp.response(200, RoundSchema)
@blp.doc(operationId="transitionRound")
def transition_round(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    services.transition_round(round_, data["status"], actor=current_user, now=utcnow(), reason=data.get("reason"))
    return round_


@blp.route("/rounds/<id:round_id>/entries", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(EntriesInSchema)
@blp.response(200, AddedSchema)
@blp.doc(operationId="addEntries")
def add_entries(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    added = services.add_entries(
        round_, team_ids=data.get("team_ids"), all_approved=data["all_approved"], actor=current_user, now=utcnow()
    )
    return {"added": added}


@blp.route("/rounds/<id:round_id>/judges", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(JudgesInSchema)
@blp.response(200, AddedSchema)
@blp.doc(operationId="addJudges")
def add_judges(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    added = services.add_judges(round_, data["user_ids"], actor=current_user, now=utcnow())
    return {"added": added}


@blp.route("/rounds/<id:round_id>/assignments", methods=["GET"])
@allowed_on(Round, "round_id", can_view_round)
@blp.arguments(AssignmentQuerySchema, location="query")
@blp.response(200, page_schema(AssignmentSchema))
@blp.doc(operationId="listAssignments")
def list_assignments(args, round_id: int):
    """Organizers see every assignment of the round, those set aside for a conflict too; a judge sees their
    own in force, whatever judge_id says, and in a blind round each team by its code only."""
    round_ = db.get_or_404(Round, round_id)
    statement = select(Assignment).options(selectinload(Assignment.sheet)).where(Assignment.round_id == round_.id)
    organizer = is_organizer(current_user, round_.contest)
    if not organizer:
        statement = statement.where(Assignment.judge_id == current_user.id, Assignment.active)
    else:
        if args.get("judge_id"):
            statement = statement.where(Assignment.judge_id == args["judge_id"])
        if args.get("set_aside") is not None:
            statement = statement.where(~Assignment.active if args["set_aside"] else Assignment.active)
    statement = statement.order_by(Assignment.id)
    page = page_payload(db.paginate(statement, page=args["page"], per_page=args["per_page"], error_out=False))
    return {**page, "items": queries.assignment_views(round_, page["items"], blind=round_.blind and not organizer)}


@blp.route("/rounds/<id:round_id>/teams-needing-judges", methods=["GET"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(TeamNeedingJudgesSchema))
@blp.doc(operationId="listTeamsNeedingJudges")
def list_teams_needing_judges(args, round_id: int):
    """The teams that lost a judge to a conflict of interest and are now short of judges, by number."""
    teams = queries.teams_needing_judges(db.get_or_404(Round, round_id))
    first = (args["page"] - 1) * args["per_page"]
    return {"items": teams[first : first + args["per_page"]], "total": len(teams), **args}


@blp.route("/assignments/<id:assignment_id>/sheet", methods=["GET"])
@allowed_on(Assignment, "assignment_id", can_view_sheet)
@blp.response(200, SheetSchema)
@blp.doc(operationId="getScoreSheet")
def get_score_sheet(assignment_id: int):
    return sheets.sheet_view(db.get_or_404(Assignment, assignment_id))


@blp.route("/assignments/<id:assignment_id>/sheet", methods=["PUT"])
@allowed_on(Assignment, "assignment_id", can_score)
@blp.arguments(SheetInSchema)
@blp.response(200, SheetSchema)
@blp.doc(operationId="saveScoreSheet")
def save_score_sheet(data, assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    saved = sheets.save_sheet(
        assignment,
        data["scores"],
        comment=data.get("comment"),
        submit=data["submit"],
        version=data.get("version"),
        actor=current_user,
        now=utcnow(),
    )
    return saved


@blp.route("/assignments/<id:assignment_id>/sheet/unlock", methods=["POST"])
@allowed_on(Assignment, "assignment_id", can_manage_sheet)
@blp.arguments(ReasonSchema)
@blp.response(200, SheetSchema)
@blp.doc(operationId="unlockScoreSheet")
def unlock_score_sheet(data, assignment_id: int):
    assignment = db.get_or_404(Assignment, assignment_id)
    sheets.unlock_sheet(assignment, data["reason"], actor=current_user, now=utcnow())
    return sheets.sheet_view(assignment)


@blp.route("/rounds/<id:round_id>/assignments/auto", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(AutoAssignSchema)
@blp.response(200, AutoAssignResultSchema)
@blp.doc(operationId="autoAssign")
def auto_assign(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    result = assignments.auto_assign(round_, **data, actor=current_user, now=utcnow())
    return result


@blp.route("/rounds/<id:round_id>/assignments", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(AssignmentInSchema)
@blp.response(201, AssignmentSchema)
@blp.doc(operationId="createAssignment")
def create_assignment(data, round_id: int):
    round_ = db.get_or_404(Round, round_id)
    assignment = assignments.assign_judge(
        round_, data["team_id"], data["judge_id"], reason=data.get("reason"), actor=current_user, now=utcnow()
    )
    return queries.assignment_views(round_, [assignment], blind=False)[0]


@blp.route("/assignments/<id:assignment_id>", methods=["DELETE"])
@allowed_on(Assignment, "assignment_id", can_manage_sheet)
@blp.response(204)
@blp.doc(operationId="deleteAssignment")
def delete_assignment(assignment_id: int):
    assignments.remove_assignment(db.get_or_404(Assignment, assignment_id), actor=current_user, now=utcnow())


@blp.route("/judges/<id:user_id>/conflicts", methods=["POST"])
@allowed_on(User, "user_id", can_declare_conflict)
@blp.arguments(ConflictInSchema)
@blp.response(201, ConflictSchema)
@blp.doc(operationId="declareConflict")
def declare_conflict(data, user_id: int):
    conflict = conflicts.declare_conflict(
        db.get_or_404(User, user_id),
        college_id=data.get("college_id"),
        team_id=data.get("team_id"),
        reason=data.get("reason"),
        actor=current_user,
        now=utcnow(),
    )
    return conflict


@blp.route("/contests/<id:contest_id>/judges/import", methods=["POST"])
@allowed_on(Contest, "contest_id", can_edit_contest)
@blp.arguments(UploadSchema, location="files")
@blp.response(200, JudgeImportSchema)
@blp.doc(operationId="importJudges")
def import_judges(files, contest_id: int):
    upload = files["file"]
    result = judges.import_judges(
        db.get_or_404(Contest, contest_id), read_table(upload.stream, upload.filename), actor=current_user, now=utcnow()
    )
    return result


@blp.route("/contests/<id:contest_id>/judges", methods=["GET"])
@allowed_on(Contest, "contest_id", can_edit_contest)
@blp.response(200, JudgeSchema(many=True))
@blp.doc(operationId="listJudges")
def list_judges(contest_id: int):
    return [
        {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "college_id": profile.college_id if profile else None,
            "organization": profile.organization if profile else "",
            "province": profile.province if profile else "",
            "expertise": profile.expertise if profile else "",
        }
        for user, profile in judges.contest_judges(db.get_or_404(Contest, contest_id))
    ]


@blp.route("/rounds/<id:round_id>/metrics/import", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(UploadSchema, location="files")
@blp.response(200, MetricsImportedSchema)
@blp.alt_response(202, **JOB_STARTED_DOC)
@blp.doc(operationId="importMetrics")
def import_metrics(files, round_id: int):
    """Import the values of the round's data items: a .xlsx or .csv keyed by team number (团队编号 number),
    one column per data item headed by its key or name. All or nothing: any bad row answers 422 invalid_rows
    with every row's problem and saves nothing. The values of each item in the file replace the round's. A
    file of more rows than LAUREL_JOB_THRESHOLD_ROWS runs as a job. Refused (409) once the round is published."""
    round_ = db.get_or_404(Round, round_id)
    metrics.check_import_open(round_)
    upload = files["file"]
    table = read_table(upload.stream, upload.filename, headers=metrics.metric_headers(round_))
    if len(table.rows) > current_app.config["JOB_THRESHOLD_ROWS"]:
        return job_started(
            jobs.start_import(
                "import_metrics", upload, len(table.rows), actor=current_user, contest=round_.contest, round_=round_
            )
        )
    return {"imported": metrics.import_metrics(round_, table, actor=current_user, now=utcnow())}
