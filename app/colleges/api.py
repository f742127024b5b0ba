"""API: listColleges and importColleges."""

from flask_login import current_user

from app.api.blueprint import Blueprint
from app.colleges import services
from app.colleges.schemas import CollegeQuerySchema, CollegeSchema, ImportSummarySchema, UploadSchema
from app.extensions import db
from app.models import utcnow
from app.pagination import page_payload, page_schema
from app.permissions import can_manage_colleges, permitted
from app.spreadsheets import read_table

blp = Blueprint("api_colleges", __name__, url_prefix="/api/v1", description="The national colleges list")


@blp.route("/colleges", methods=["GET"])
@blp.arguments(CollegeQuerySchema, location="query")
@blp.response(200, page_schema(CollegeSchema))
@blp.doc(operationId="listColleges", security=[])
def list_colleges(args):
    statement = services.colleges_query(args.get("q"), args.get("province"), args.get("country"))
    return page_payload(db.paginate(statement, page=args["page"], per_page=args["per_page"], error_out=False))


@blp.route("/colleges/import", methods=["POST"])
@permitted(can_manage_colleges)
@blp.arguments(UploadSchema, location="files")
@blp.response(200, ImportSummarySchema)
@blp.doc(operationId="importColleges")
def import_colleges(files):
    upload = files["file"]
    summary = services.import_colleges(read_table(upload.stream, upload.filename), now=utcnow(), actor=current_user)
    return summary
