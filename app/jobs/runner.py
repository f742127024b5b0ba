"""Running one job: claim it, keep its heartbeat, record its progress, and record how it ended.

Whatever happens, a job ends `done` or `failed` with its reason; none stays `running`. A job's own work
commits in its own session, like a request's; its progress and heartbeat are written on a connection of
their own, so they show while that work is still uncommitted. When the process running a job dies (a
worker restarted or killed), its heartbeat stops: the next look at the job (`recover_stale`) runs it again
once, or marks it failed with that reason.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from app.database import UNLESS_BUSY
from app.errors import ContestError
from app.extensions import db
from app.models import Job, utcnow
from app.models.jobs import DONE, FAILED, QUEUED, RUNNING

#: A job is run at most this many times: once, and once more after its worker died under it.
MAX_ATTEMPTS = 2
#: Progress is written at most this often, so that a fast loop does not spend its time on the bar.
PROGRESS_INTERVAL_SECONDS = 1.0


class Progress:
    """Counts a job's work and writes it down now and then: `progress.total = n`, then `progress.advance(k)`."""

    def __init__(self, job_id: str, engine):
        self.job_id = job_id
        self.engine = engine
        self.done = 0
        self.total = 0
        self.written_at = 0.0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if time.monotonic() - self.written_at >= PROGRESS_INTERVAL_SECONDS:
            self.write()

    def write(self) -> None:
        self.written_at = time.monotonic()
        _touch(self.engine, self.job_id, progress_done=self.done, progress_total=max(self.total, self.done))


def _touch(engine, job_id: str, **values) -> None:
    """Write progress or a heartbeat on a connection of its own. A busy database (SQLite's writer lock,
    held by the job's own transaction) skips it: the job goes on, and a later beat writes."""
    try:
        with engine.connect().execution_options(**{UNLESS_BUSY: True}) as connection, connection.begin():
            connection.execute(update(Job).where(Job.id == job_id, Job.state == RUNNING).values(heartbeat_at=utcnow(), **values))
    except Exception:  # the next beat tries again
        current_app.logger.debug("could not write job %s's progress", job_id, exc_info=True)


class Heartbeat(threading.Thread):
    """Touches the job's row every few seconds while the job runs, in whatever the job is doing."""

    def __init__(self, app, job_id: str, every: float):
        super().__init__(name=f"laurel-heartbeat-{job_id}", daemon=True)
        self.app = app
        self.job_id = job_id
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        with self.app.app_context():
            engine = db.engine
            while not self.stopped.wait(self.every):
                _touch(engine, self.job_id)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=self.every + 5)


def _claim(job_id: str) -> Job | None:
    """Take the job if it is still queued: of two workers handed the same job, one runs it."""
    now = utcnow()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == QUEUED)
        .values(state=RUNNING, attempts=Job.attempts + 1, started_at=now, heartbeat_at=now)
    ).rowcount
    db.session.commit()
    return db.session.get(Job, job_id) if claimed else None


def _end(job_id: str, **values) -> None:
    db.session.execute(update(Job).where(Job.id == job_id).values(finished_at=utcnow(), **values))
    db.session.commit()


def run_job(job_id: str) -> None:
    """Run the job if it is queued; record its result or its reason for failing."""
    from app.jobs.tasks import TASKS

    job = _claim(job_id)
    if job is None:
        return
    app = current_app._get_current_object()
    heartbeat = Heartbeat(app, job_id, app.config["JOB_HEARTBEAT_SECONDS"])
    heartbeat.start()
    progress = Progress(job_id, db.engine)
    try:
        with force_locale(job.params.get("locale") or app.config["BABEL_DEFAULT_LOCALE"]):
            try:
                outcome = TASKS[job.kind](job, progress)
                db.session.commit()
            except ContestError as error:
                db.session.rollback()
                _end(job_id, state=FAILED, error=error.message, details=dict(error.details or {}) or None)
                return
            except Exception:
                db.session.rollback()
                app.logger.exception("job %s (%s) failed", job_id, job.kind)
                _end(
                    job_id, state=FAILED, error=_("The job stopped on an unexpected error; it was logged for the administrators.")
                )
                return
        _end(
            job_id,
            state=DONE,
            progress_done=max(progress.done, progress.total),
            progress_total=max(progress.done, progress.total),
            result_path=outcome.path,
            result_name=outcome.name,
            details=outcome.details,
        )
    finally:
        heartbeat.stop()
        _drop_upload(job)


def _drop_upload(job: Job) -> None:
    """An import's upload is kept until its job has ended (a job run again reads it again), then removed."""
    from app.jobs.tasks import jobs_folder

    upload = (job.params or {}).get("upload")
    if upload:
        (jobs_folder() / job.id / upload).unlink(missing_ok=True)


_engine_pid: list[int] = []


def run_job_in_worker(job_id: str) -> None:
    """RQ's entry point. RQ runs each job in a forked child: the connections inherited from the worker
    belong to the parent, so the child drops them (without closing them) and opens its own."""
    if not has_app_context():  # pragma: no cover - `flask --app wsgi worker` pushes one
        raise RuntimeError("run the worker with `flask --app wsgi worker`")
    if _engine_pid != [os.getpid()]:
        db.engine.dispose(close=False)
        _engine_pid[:] = [os.getpid()]
    try:
        run_job(job_id)
    finally:
        db.session.remove()


def recover_stale(jobs: list[Job]) -> None:
    """Jobs whose worker died: a running job whose heartbeat stopped, or a queued one no one took (the
    process holding it stopped). Each is handed over again, or fails when it already had its attempts.

    Called by whoever looks at jobs, a reader included: the repair is written on a connection of its own
    and committed at once, as the runner writes progress, since it is the system's bookkeeping and not the
    reader's work. Each update names the state it expects, so two readers repair a job once.
    """
    from app.jobs.queue import job_queue

    app = current_app._get_current_object()
    now = utcnow()
    silent_since = now - timedelta(seconds=app.config["JOB_STALE_SECONDS"])
    for job in jobs:
        if job.finished or (job.heartbeat_at or job.created_at) > silent_since:
            continue
        silent = (
            Job.id == job.id,
            Job.state.in_((QUEUED, RUNNING)),
            Job.heartbeat_at.is_(None) | (Job.heartbeat_at <= silent_since),
        )
        with db.engine.begin() as connection:
            if job.attempts >= MAX_ATTEMPTS:
                reason = _("The worker running this job stopped before it ended, twice; start it again.")
                connection.execute(update(Job).where(*silent).values(state=FAILED, finished_at=now, error=reason))
                requeued = False
            else:
                requeued = bool(connection.execute(update(Job).where(*silent).values(state=QUEUED, heartbeat_at=now)).rowcount)
        if requeued:
            job_queue(app).submit(job.id)
        db.session.refresh(job)


def recover_all_stale() -> int:
    """Every job whose worker died, dealt with as `recover_stale` does; how many were found."""
    from sqlalchemy import or_, select

    silent_since = utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    stale = list(
        db.session.scalars(
            select(Job).where(
                Job.state.in_((QUEUED, RUNNING)),
                or_(Job.heartbeat_at <= silent_since, Job.heartbeat_at.is_(None) & (Job.created_at <= silent_since)),
            )
        )
    )
    recover_stale(stale)
    db.session.rollback()
    return len(stale)
