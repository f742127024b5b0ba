"""API: startExport, getJob, downloadJobFile, listJobs."""

import marshmallow as ma
from flask import jsonify, send_file, url_for
from flask_login import current_user

from app.api.blueprint import Blueprint
from app.api.ids import Id
from app.api.numbers import Integer
from app.jobs import services
from app.jobs.tasks import EXPORT_KINDS
from app.models.jobs import JOB_STATES
from app.permissions import login_required

blp = Blueprint("api_jobs", __name__, url_prefix="/api/v1", description="Background jobs: exports and large imports")


class ExportInSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(EXPORT_KINDS))
    contest_id = Id(load_default=None)
    round_id = Id(load_default=None)
    judge_names = ma.fields.Boolean(load_default=False, metadata={"description": "round: name the judges"})


class JobStartedSchema(ma.Schema):
    job_id = ma.fields.String(required=True)


class ProgressSchema(ma.Schema):
    done = Integer(required=True)
    total = Integer(required=True, metadata={"description": "0 while not known"})


class JobSchema(ma.Schema):
    id = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    state = ma.fields.String(required=True, validate=ma.validate.OneOf(JOB_STATES))
    progress = ma.fields.Nested(ProgressSchema, required=True)
    download_url = ma.fields.String(metadata={"description": "once done, when the job made a file"})
    error = ma.fields.String(metadata={"description": "why it failed"})
    details = ma.fields.Dict(metadata={"description": "what it found or did: an import's row errors or counts"})
    created_at = ma.fields.AwareDateTime(required=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)


def job_payload(job) -> dict:
    payload = {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "progress": {"done": job.progress_done, "total": job.progress_total},
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }
    if job.state == "done" and job.result_path:
        payload["download_url"] = url_for("api_jobs.download_job_file", job_id=job.id)
    if job.error:
        payload["error"] = job.error
    if job.details:
        payload["details"] = job.details
    return payload


def job_started(job):
    """202 with the job's id, and where to follow it: the answer of every operation that ran as a job."""
    response = jsonify({"job_id": job.id})
    response.status_code = 202
    response.headers["Location"] = url_for("api_jobs.get_job", job_id=job.id)
    return response


#: How an operation that may run as a job documents that answer.
JOB_STARTED_DOC = {"description": "the work runs as a background job: follow it with getJob", "schema": JobStartedSchema}


@blp.route("/exports", methods=["POST"])
@login_required
@blp.arguments(ExportInSchema)
@blp.response(202, JobStartedSchema)
@blp.doc(operationId="startExport")
def start_export(data):
    """Start an export as a background job; follow it with getJob."""
    job = services.start_export(data.pop("kind"), actor=current_user, **data)
    return {"job_id": job.id}


@blp.route("/jobs/<string:job_id>", methods=["GET"])
@login_required
@blp.response(200, JobSchema)
@blp.doc(operationId="getJob")
def get_job(job_id: str):
    """A job's state and progress; its owner and the organizers of its contest see it."""
    return job_payload(services.visible_job(job_id, current_user))


@blp.route("/jobs/<string:job_id>/download", methods=["GET"])
@login_required
@blp.doc(operationId="downloadJobFile", responses={200: {"description": "the file the job made"}})
def download_job_file(job_id: str):
    job = services.visible_job(job_id, current_user)
    return send_file(services.job_file(job), as_attachment=True, download_name=job.result_name, max_age=0)
