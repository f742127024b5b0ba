"""API: downloadWork, downloadRoundWorks: a work's bytes, and a round's works as one streamed zip."""

from flask import Response
from flask_login import current_user

from app.api.blueprint import Blueprint
from app.extensions import db
from app.models import Round, Work, utcnow
from app.permissions import allowed_on, can_manage_round
from app.works.bulk import stream_round_zip, zip_name
from app.works.responses import work_file_response
from app.works.serving import can_open_work

blp = Blueprint("api_work_files", __name__, url_prefix="/api/v1", description="Opening works and a round's zip")


@blp.route("/works/<id:work_id>/file", methods=["GET"])
@allowed_on(Work, "work_id", can_open_work)
@blp.doc(
    operationId="downloadWork",
    responses={
        200: {"description": "the work's bytes: for a judge the version judged, named by the blind code on a blind round"},
        206: {"description": "the range asked for"},
        409: {"description": "the work is a link (`work_is_link`), or a PDF that cannot be made anonymous"},
    },
)
def download_work(work_id: int):
    """The file of a work: its team and the contest's organizers get any version, the team's judges (an
    assignment in force) the version judged. Each open is logged."""
    return work_file_response(db.get_or_404(Work, work_id), current_user, now=utcnow())


@blp.route("/rounds/<id:round_id>/works.zip", methods=["GET"])
@allowed_on(Round, "round_id", can_manage_round)
@blp.doc(
    operationId="downloadRoundWorks",
    responses={200: {"description": "a zip of the versions judged, streamed", "content": {"application/zip": {}}}},
)
def download_round_works(round_id: int):
    """Every file judged in the round as one zip (organizers), written while it is sent: `<team number>/<key>.<ext>`,
    or by the teams' codes with PDFs' metadata removed on a blind round."""
    round_ = db.get_or_404(Round, round_id)
    response = Response(stream_round_zip(round_), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{zip_name(round_)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
