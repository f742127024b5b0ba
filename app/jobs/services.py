"""Starting jobs and reading them back. Each start checks the asker's right to what the job will do, as
the synchronous page or API would, and hands the job over after the request's commit."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from app.errors import ContestError, ForbiddenError, InvalidDataError, NotFoundError
from app.extensions import db
from app.jobs.queue import start_after_commit
from app.jobs.runner import recover_stale
from app.jobs.tasks import EXPORT_KINDS, jobs_folder, messages_param
from app.models import Contest, Entry, Job, Round, User
from app.models.jobs import new_job_id
from app.permissions import (
    can_edit_contest,
    can_list_teams,
    can_manage_round,
    can_read_audit_log,
    can_see_job,
)

#: A user's jobs listed on their jobs page, newest first.
RECENT_JOBS = 20


def _start(kind: str, owner: User, contest: Contest | None, **params: Any) -> Job:
    locale = get_locale()
    job = Job(kind=kind, owner=owner, contest=contest, params={**params, "locale": str(locale) if locale else None})
    db.session.add(job)
    db.session.flush()
    start_after_commit(job.id)
    return job


def start_export(kind: str, *, actor: User, contest_id: int | None = None, round_id: int | None = None, **params: Any) -> Job:
    """An export as a job: "teams" (a contest's registrations, as far as the actor may see them), "round"
    (a round's results workbook), "contest_results" (every round of a contest) or "audit" (the audit log)."""
    if kind not in EXPORT_KINDS:
        raise ContestError(_("Unknown export: %(kind)s.", kind=kind), code="invalid_kind")
    if kind == "round":
        round_ = _required(Round, round_id, "round_id")
        _check(can_manage_round(actor, round_))
        return _start(kind, actor, round_.contest, round_id=round_.id, **params)
    if kind == "audit":
        _check(can_read_audit_log(actor))
        return _start(kind, actor, None, **params)
    contest = _required(Contest, contest_id, "contest_id")
    _check(can_list_teams(actor, contest) if kind == "teams" else can_edit_contest(actor, contest))
    return _start(kind, actor, contest, contest_id=contest.id, **params)


def _required(model, object_id: int | None, field: str):
    if object_id is None:
        raise InvalidDataError(
            _("This export needs %(field)s.", field=field), code="missing_field", fields={field: [_("Required.")]}
        )
    found = db.session.get(model, object_id)
    if found is None:
        raise NotFoundError(_("No such %(field)s: %(id)s.", field=field, id=object_id))
    return found


def _check(allowed: bool) -> None:
    if not allowed:
        raise ForbiddenError(_("You may not export this."))


def start_import(
    kind: str, upload: FileStorage, rows: int, *, actor: User, contest: Contest | None = None, round_: Round | None = None
) -> Job:
    """An import too large for a request, as a job: the upload is kept beside the job until it has run. The
    caller has checked the actor's right, as for an import in the request. An import into a round (a data
    import, `import_metrics`) names it."""
    extra = {"round_id": round_.id} if round_ is not None else {}
    job = _start(kind, actor, contest, contest_id=contest.id if contest else None, filename=upload.filename, rows=rows, **extra)
    name = "upload-" + (secure_filename(upload.filename or "") or "file")
    folder = jobs_folder() / job.id
    folder.mkdir(parents=True, exist_ok=True)
    upload.stream.seek(0)
    upload.save(folder / name)
    job.params = {**job.params, "upload": name}
    return job


def computes_in_background(round_: Round) -> bool:
    """A round of more teams than LAUREL_JOB_THRESHOLD_TEAMS is computed as a job."""
    entries = db.session.scalar(select(func.count(Entry.id)).where(Entry.round_id == round_.id))
    return entries > current_app.config["JOB_THRESHOLD_TEAMS"]


def start_compute(round_: Round, *, confirm: bool, actor: User) -> Job:
    return _start("compute_results", actor, round_.contest, round_id=round_.id, confirm=confirm)


def start_certificates_zip(round_: Round, *, actor: User) -> Job:
    """All of a round's certificates as one zip, made by a job (the caller has checked the actor runs the round)."""
    return _start("certificates_zip", actor, round_.contest, round_id=round_.id)


def start_mail_job(messages) -> None:
    """Mail too numerous for the request that caused it, as a job of the request's user, committed with the
    request's work (the caller is the commit itself) and sent by a worker."""
    owner = current_user._get_current_object()
    job = Job(id=new_job_id(), kind="mail", owner=owner, params={"messages": messages_param(messages)})
    db.session.add(job)
    start_after_commit(job.id)


def visible_job(job_id: str, viewer: User) -> Job:
    """The job, if `viewer` may see it (404 otherwise: a job's id is not a secret to confirm); a job whose
    worker died is dealt with first."""
    job = db.session.get(Job, job_id)
    if job is None or not can_see_job(viewer, job):
        raise NotFoundError(_("No such job."))
    recover_stale([job])
    return job


def recent_jobs(viewer: User) -> list[Job]:
    jobs = list(
        db.session.scalars(select(Job).where(Job.owner_id == viewer.id).order_by(Job.created_at.desc()).limit(RECENT_JOBS))
    )
    recover_stale(jobs)
    return jobs


def job_file(job: Job):
    """The file a finished job made; 404 saying why there is none (still working, failed, a kind that
    makes none, or gone from the jobs folder)."""
    path = jobs_folder() / job.result_path if job.state == "done" and job.result_path else None
    if path is None or not path.is_file():
        raise NotFoundError(_no_file_message(job))
    return path


def _no_file_message(job: Job) -> str:
    """Why a job has no file to download: still working, failed, or a kind that makes none."""
    if job.state in ("queued", "running"):
        return _("The file is not ready yet: the job is still working.")
    if job.state == "failed":
        return _("The job failed, so it made no file: %(error)s", error=job.error or "")
    return _("This job makes no file to download.")
