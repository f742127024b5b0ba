"""API: listColleges, importColleges, proposeCollege, verifyCollege and mergeColleges."""

from flask import current_app
from flask_login import current_user

from app.api.blueprint import Blueprint
from app.colleges import merge, proposals, services
from app.colleges.schemas import (
    CollegeQuerySchema,
    CollegeSchema,
    ImportSummarySchema,
    MergeInSchema,
    MergeSummarySchema,
    ProposalInSchema,
    UploadSchema,
    VerifyInSchema,
)
from app.extensions import db
from app.jobs import services as jobs
from app.jobs.api import JOB_STARTED_DOC, job_started
from app.models import College, utcnow
from app.pagination import page_payload, page_schema
from app.permissions import allowed_on, can_check_college, can_manage_colleges, login_required, permitted, usable_colleges
from app.spreadsheets import read_table

blp = Blueprint("api_colleges", __name__, url_prefix="/api/v1", description="The national colleges list")


@blp.route("/colleges", methods=["GET"])
@blp.arguments(CollegeQuerySchema, location="query")
@blp.response(200, page_schema(CollegeSchema))
@blp.doc(operationId="listColleges", security=[])
def list_colleges(args):
    statement = services.colleges_query(
        args.get("q"),
        args.get("province"),
        args.get("country"),
        verified=args.get("verified"),
        visible=usable_colleges(current_user),
    )
    return page_payload(db.paginate(statement, page=args["page"], per_page=args["per_page"], error_out=False))


@blp.route("/colleges/import", methods=["POST"])
@permitted(can_manage_colleges)
@blp.arguments(UploadSchema, location="files")
@blp.response(200, ImportSummarySchema)
@blp.alt_response(202, **JOB_STARTED_DOC)
@blp.doc(operationId="importColleges")
def import_colleges(files):
    upload = files["file"]
    table = read_table(upload.stream, upload.filename)
    if len(table.rows) > current_app.config["JOB_THRESHOLD_ROWS"]:
        return job_started(jobs.start_import("import_colleges", upload, len(table.rows), actor=current_user))
    return services.import_colleges(table, now=utcnow(), actor=current_user)


@blp.route("/colleges/proposals", methods=["POST"])
@login_required
@blp.arguments(ProposalInSchema)
@blp.response(201, CollegeSchema)
@blp.doc(operationId="proposeCollege")
def propose_college(data):
    return proposals.propose_college(data, actor=current_user, now=utcnow())


@blp.route("/colleges/<id:college_id>/verify", methods=["POST"])
@allowed_on(College, "college_id", can_check_college)
@blp.arguments(VerifyInSchema)
@blp.response(200, CollegeSchema)
@blp.doc(operationId="verifyCollege")
def verify_college(data, college_id: int):
    return proposals.verify_college(db.session.get(College, college_id), data, actor=current_user, now=utcnow())


@blp.route("/colleges/<id:college_id>/merge", methods=["POST"])
@allowed_on(College, "college_id", can_check_college)
@blp.arguments(MergeInSchema)
@blp.response(200, MergeSummarySchema)
@blp.doc(operationId="mergeColleges")
def merge_colleges(data, college_id: int):
    source = db.session.get(College, college_id)
    target = db.session.get(College, data["into_college_id"])
    return merge.merge_colleges(source, target, actor=current_user, now=utcnow())
