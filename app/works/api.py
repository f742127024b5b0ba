"""API: submitWork, listWorks, grantExtension.

A hand-in's file is read by werkzeug's form parser, which keeps the first 500 KB in memory and spools the
rest to a temporary file; `submit_work` then streams that into the store a chunk at a time. So a worker's
memory stays flat whatever the file's size, at the cost of writing the bytes twice (spool, then store). The
request's limit is the works ceiling (`LAUREL_MAX_WORK_MB`), not the forms' `LAUREL_MAX_UPLOAD_MB`, and a
body announced larger is refused (413) before a byte is read.
"""

from functools import wraps

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from app.api.blueprint import Blueprint
from app.errors import InvalidDataError, TooLargeError
from app.extensions import db
from app.models import Round, Team, utcnow
from app.pagination import page_schema
from app.permissions import allowed_on, can_hand_in, can_list_works, can_manage_round
from app.works import listing, services
from app.works.schemas import (
    ExtensionInSchema,
    ExtensionSchema,
    WorkFileInSchema,
    WorkItemSchema,
    WorkLinkInSchema,
    WorkListArgsSchema,
    WorkSchema,
)

blp = Blueprint("api_works", __name__, url_prefix="/api/v1", description="Works teams hand in, and their deadlines")

#: Room for a multipart body's boundaries and headers around the file itself.
MULTIPART_SLACK = 64 * 1024


def works_upload_limit(view):
    """A hand-in's body may be as large as the works ceiling: set before the body is parsed."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        limit = current_app.config["MAX_WORK_MB"] * 1024 * 1024 + MULTIPART_SLACK
        if (request.content_length or 0) > limit:
            raise TooLargeError(
                _("The upload is too large; the limit is %(limit)s MB.", limit=current_app.config["MAX_WORK_MB"]),
                details={"problem": "size"},
            )
        if request.mimetype == "multipart/form-data":
            request.max_content_length = limit
        return view(*args, **kwargs)

    return wrapped


@blp.route("/rounds/<id:round_id>/works/<id:team_id>/<string(maxlength=30):key>", methods=["PUT"])
@allowed_on(Team, "team_id", can_hand_in)
@works_upload_limit
@blp.arguments(WorkLinkInSchema, location="json", required=False)
@blp.response(201, WorkSchema)
@blp.alt_response(409, description="deadline_passed (naming the deadline), works_frozen, not_in_round")
@blp.alt_response(413, description="the file is over the item's max_mb; nothing is kept")
@blp.doc(operationId="submitWork", requestBody={"content": {"multipart/form-data": {"schema": WorkFileInSchema}}})
def submit_work(link, round_id: int, team_id: int, key: str):
    """Hand in a new version of an item: multipart field `file` for a file item, JSON `{url}` for a link.
    422 names what is wrong with a file (its `problem`: type, pages, size or content)."""
    round_ = db.get_or_404(Round, round_id)
    upload = request.files.get("file") if request.mimetype == "multipart/form-data" else None
    return services.submit_work(
        round_,
        db.get_or_404(Team, team_id),
        key,
        stream=upload.stream if upload is not None else None,
        url=(link or {}).get("url"),
        filename=upload.filename if upload is not None else None,
        user=current_user,
        now=utcnow(),
    )


@blp.route("/rounds/<id:round_id>/works", methods=["GET"])
@allowed_on(Round, "round_id", can_list_works)
@blp.arguments(WorkListArgsSchema, location="query")
@blp.response(200, page_schema(WorkItemSchema))
@blp.doc(operationId="listWorks")
def list_works(args, round_id: int):
    """Organizers see every version of every team; a judge the versions judged of their assigned teams (on a
    blind round by code, without file names); a team's owner every version of their own team's."""
    return listing.list_works(
        db.get_or_404(Round, round_id), current_user, team_id=args.get("team_id"), page=args["page"], per_page=args["per_page"]
    )


@blp.route("/rounds/<id:round_id>/extensions", methods=["POST"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.arguments(ExtensionInSchema)
@blp.response(201, ExtensionSchema)
@blp.doc(operationId="grantExtension")
def grant_extension(data, round_id: int):
    """One team's later deadline, with a reason (audited); a second grant moves it."""
    round_ = db.get_or_404(Round, round_id)
    team = db.session.get(Team, data["team_id"])
    if team is None or team.contest_id != round_.contest_id:
        raise InvalidDataError(
            _("No team of this contest has id %(id)s.", id=data["team_id"]), fields={"team_id": [_("Unknown team.")]}
        )
    return services.grant_extension(round_, team, data["until"], data["reason"], user=current_user, now=utcnow())
