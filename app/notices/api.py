"""API: createObjection, listObjections, getObjection, addObjectionFile, getObjectionFile, assignObjection,
answerObjection, finalizeRound."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user

from app.api.blueprint import Blueprint
from app.colleges.schemas import UploadSchema
from app.errors import retry_after_text
from app.extensions import LIMITED_METHODS, db, limiter
from app.judging.schemas import RoundSchema
from app.models import Objection, Round, utcnow
from app.notices import objections
from app.notices.evidence import SIGNATURES, evidence_response
from app.notices.finalization import finalize_results
from app.notices.schemas import AnswerInSchema, AssignInSchema, ObjectionArgsSchema, ObjectionInSchema, ObjectionSchema
from app.pagination import page_payload, page_schema
from app.permissions import allowed_on, can_add_evidence, can_answer_objection, can_manage_round, can_object, can_view_objection

#: A file of evidence, in the type its content showed when it was added.
EVIDENCE_RESPONSE = {
    "description": "the file of evidence",
    "content": {kind: {"schema": {"type": "string", "format": "binary"}} for _signature, kind in SIGNATURES},
}

blp = Blueprint("api_notices", __name__, url_prefix="/api/v1", description="The public notice, objections and finalization")


def objection_limit() -> str:
    return current_app.config["OBJECTION_RATE_LIMIT"]


def objection_limit_key() -> str:
    """Objections are counted per account (its id and address, unique even where ids are reused): many
    objectors share a campus's network address."""
    return f"account:{current_user.id}:{current_user.email}"


def objection_limit_message() -> str:
    return _("You sent many objections and files in a short time. Try again in %(wait)s.", wait=retry_after_text())


#: One count for an account's objections and evidence files, on the pages and the API alike.
limited = limiter.shared_limit(
    objection_limit,
    scope="objections",
    key_func=objection_limit_key,
    methods=LIMITED_METHODS,
    error_message=objection_limit_message,
)


@blp.route("/rounds/<id:round_id>/objections", methods=["POST"])
@allowed_on(Round, "round_id", can_object)
@limited
@blp.arguments(ObjectionInSchema)
@blp.response(201, ObjectionSchema)
@blp.doc(operationId="createObjection")
def create_objection(data, round_id: int):
    """Object to a team's result (`team_id`) or to the whole list, during the round's notice (409
    `notice_closed` outside it); at most 5 objections waiting per account and round."""
    round_ = db.get_or_404(Round, round_id)
    return objections.create_objection(round_, team_id=data["team_id"], reason=data["reason"], author=current_user, now=utcnow())


@blp.route("/rounds/<id:round_id>/objections", methods=["GET"])
@allowed_on(Round, "round_id", can_object)
@blp.arguments(ObjectionArgsSchema, location="query")
@blp.response(200, page_schema(ObjectionSchema))
@blp.doc(operationId="listObjections")
def list_objections(args, round_id: int):
    """Organizers see every objection (filter by `state`, `assignee_id`); anyone else their own, with the answer."""
    round_ = db.get_or_404(Round, round_id)
    statement = objections.objections_seen_by(round_, current_user, state=args.get("state"), assignee_id=args.get("assignee_id"))
    return page_payload(db.paginate(statement, page=args["page"], per_page=args["per_page"], error_out=False))


@blp.route("/objections/<id:objection_id>", methods=["GET"])
@allowed_on(Objection, "objection_id", can_view_objection)
@blp.response(200, ObjectionSchema)
@blp.doc(operationId="getObjection")
def get_objection(objection_id: int):
    return db.get_or_404(Objection, objection_id)


@blp.route("/objections/<id:objection_id>/files", methods=["POST"])
@allowed_on(Objection, "objection_id", can_add_evidence)
@limited
@blp.arguments(UploadSchema, location="files")
@blp.response(201, ObjectionSchema)
@blp.doc(operationId="addObjectionFile")
def add_objection_file(files, objection_id: int):
    """Add a file of evidence (PDF, PNG or JPEG by its content, at most LAUREL_EVIDENCE_MAX_MB, 5 per
    objection) to one's own objection while it waits and the notice is open."""
    objection = db.get_or_404(Objection, objection_id)
    upload = files["file"]
    objections.add_evidence(objection, upload.stream, upload.filename or "", actor=current_user, now=utcnow())
    return objection


@blp.route("/objections/<id:objection_id>/files/<id:file_id>", methods=["GET"])
@allowed_on(Objection, "objection_id", can_view_objection)
@blp.doc(operationId="getObjectionFile", responses={"200": EVIDENCE_RESPONSE})
def get_objection_file(objection_id: int, file_id: int):
    return evidence_response(objection_id, file_id)


@blp.route("/objections/<id:objection_id>/assign", methods=["POST"])
@allowed_on(Objection, "objection_id", can_answer_objection)
@blp.arguments(AssignInSchema)
@blp.response(200, ObjectionSchema)
@blp.doc(operationId="assignObjection")
def assign_objection(data, objection_id: int):
    """Give a waiting objection to another organizer of the contest to answer."""
    objection = db.get_or_404(Objection, objection_id)
    return objections.assign_objection(objection, data["user_id"], actor=current_user, now=utcnow())


@blp.route("/objections/<id:objection_id>/answer", methods=["POST"])
@allowed_on(Objection, "objection_id", can_answer_objection)
@blp.arguments(AnswerInSchema)
@blp.response(200, ObjectionSchema)
@blp.doc(operationId="answerObjection")
def answer_objection(data, objection_id: int):
    """Answer once: the objector is mailed the decision and reply. An upheld objection may `withdraw_team`
    (its results computed again without it, with the reason) or `reopen_scoring` (the round goes back to closed)."""
    objection = db.get_or_404(Objection, objection_id)
    return objections.answer_objection(
        objection, decision=data["decision"], reply=data["reply"], action=data["action"], actor=current_user, now=utcnow()
    )


@blp.route("/rounds/<id:round_id>/finalize", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.response(200, RoundSchema)
@blp.doc(operationId="finalizeRound")
def finalize_round(round_id: int):
    """Make the results final once the notice has ended: 409 `objections_open` while one waits,
    `notice_open` before its last day has passed."""
    round_ = db.get_or_404(Round, round_id)
    finalize_results(round_, actor=current_user, now=utcnow())
    return round_
