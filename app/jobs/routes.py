"""Pages: a job's progress and its file, and the signed-in user's recent jobs."""

from __future__ import annotations

from flask import Blueprint, render_template, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.jobs import services
from app.models.jobs import DONE, FAILED, QUEUED, RUNNING
from app.permissions import login_required

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

KIND_LABELS = {
    "teams": _l("Registrations export"),
    "round": _l("Round results export"),
    "contest_results": _l("Contest results export"),
    "audit": _l("Audit log export"),
    "import_teams": _l("Teams import"),
    "import_colleges": _l("Colleges import"),
    "compute_results": _l("Results computation"),
    "mail": _l("Mail"),
    "certificates_zip": _l("Certificates of a round"),
}
STATE_LABELS = {QUEUED: _l("Waiting to start"), RUNNING: _l("Working"), DONE: _l("Done"), FAILED: _l("Failed")}


@bp.context_processor
def _labels() -> dict:
    return {"kind_labels": KIND_LABELS, "state_labels": STATE_LABELS}


@bp.route("")
@login_required
def job_list():
    return render_template("jobs/list.html", jobs=services.recent_jobs(current_user))


@bp.route("/<string:job_id>")
@login_required
def job_page(job_id: str):
    """The job's progress bar while it works (the page looks again every few seconds), then its file or
    the reason it failed."""
    return render_template("jobs/job.html", job=services.visible_job(job_id, current_user))


@bp.route("/<string:job_id>/download")
@login_required
def download(job_id: str):
    job = services.visible_job(job_id, current_user)
    return send_file(services.job_file(job), as_attachment=True, download_name=job.result_name, max_age=0)
