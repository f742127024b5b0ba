"""API: createContest, listContests, getContest, updateContest."""

from flask import current_app
from flask_login import current_user

from app.api.blueprint import Blueprint
from app.contests import services
from app.contests.schemas import ContestCreateSchema, ContestQuerySchema, ContestSchema, ContestSummarySchema
from app.extensions import db
from app.models import Contest, utcnow
from app.pagination import page_payload, page_schema
from app.permissions import allowed_on, can_create_contest, can_edit_contest, permitted

blp = Blueprint("api_contests", __name__, url_prefix="/api/v1", description="Contests")


@blp.route("/contests", methods=["POST"])
@permitted(can_create_contest)
@blp.arguments(ContestCreateSchema)
@blp.response(201, ContestSchema)
@blp.doc(operationId="createContest")
def create_contest(data):
    data = services.with_defaults(data, current_app.config["TIMEZONE"])
    contest = services.create_contest(data, now=utcnow(), actor=current_user)
    return contest


@blp.route("/contests", methods=["GET"])
@blp.arguments(ContestQuerySchema, location="query")
@blp.response(200, page_schema(ContestSummarySchema))
@blp.doc(operationId="listContests", security=[])
def list_contests(args):
    return page_payload(db.paginate(services.contests_query(), page=args["page"], per_page=args["per_page"], error_out=False))


@blp.route("/contests/<id:contest_id>", methods=["GET"])
@blp.response(200, ContestSchema)
@blp.doc(operationId="getContest", security=[])
def get_contest(contest_id: int):
    return db.get_or_404(Contest, contest_id)


@blp.route("/contests/<id:contest_id>", methods=["PUT"])
@allowed_on(Contest, "contest_id", can_edit_contest)
@blp.arguments(ContestCreateSchema)
@blp.response(200, ContestSchema)
@blp.doc(operationId="updateContest")
def update_contest(data, contest_id: int):
    contest = db.get_or_404(Contest, contest_id)
    data = services.with_defaults(data, contest.timezone)
    services.update_contest(contest, data, now=utcnow(), actor=current_user)
    return contest
