"""Where a job runs: on RQ workers over Redis when LAUREL_REDIS_URL is set, else in a thread of this process.

A job is handed over only after the transaction that created it commits (a rollback forgets it), so a
worker never looks for a row that is not there yet. The queue carries the job's id and nothing else: the
row in the database says what to do, which is why any instance can answer for any job.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

PENDING_KEY = "laurel_jobs_to_start"
#: An export of a whole season takes minutes; RQ's default limit (3 minutes) would kill it.
JOB_TIMEOUT_SECONDS = 3 * 60 * 60


def start_after_commit(job_id: str) -> None:
    """Hand the job over once the current transaction commits."""
    db.session().info.setdefault(PENDING_KEY, []).append(job_id)


@event.listens_for(Session, "after_commit")
def _hand_over(session: Session) -> None:
    job_ids = session.info.pop(PENDING_KEY, [])
    if job_ids and has_app_context():
        queue = job_queue(current_app._get_current_object())
        for job_id in job_ids:
            queue.submit(job_id)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


class ThreadQueue:
    """Jobs run one after another in a thread of this process: `make run` needs no Redis and no worker.
    A job left behind when the process stops is found by its silent heartbeat (`app.jobs.runner`)."""

    def __init__(self, app: Flask):
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="laurel-job")
        self.futures: set[Future] = set()
        self.lock = threading.Lock()

    def submit(self, job_id: str) -> None:
        future = self.executor.submit(self._run, job_id)
        with self.lock:
            self.futures.add(future)
        future.add_done_callback(self._forget)

    def _run(self, job_id: str) -> None:
        from app.jobs.runner import run_job

        with self.app.app_context():
            run_job(job_id)

    def _forget(self, future: Future) -> None:
        with self.lock:
            self.futures.discard(future)
        if future.exception() is not None:  # the runner records a job's own failure; this is the runner's
            self.app.logger.error("a background job could not run", exc_info=future.exception())

    def drain(self, timeout: float = 120) -> None:
        """Wait until every job handed to this process has ended (tests, and the end of a command)."""
        with self.lock:
            pending = set(self.futures)
        wait(pending, timeout=timeout)


class RedisQueue:
    """Jobs go to RQ on the configured Redis; `flask --app wsgi worker` processes, anywhere, run them."""

    def __init__(self, url: str, name: str):
        from redis import Redis
        from rq import Queue

        self.connection = Redis.from_url(url)
        self.queue = Queue(name, connection=self.connection)

    def submit(self, job_id: str) -> None:
        self.queue.enqueue("app.jobs.runner.run_job_in_worker", job_id, job_timeout=JOB_TIMEOUT_SECONDS, result_ttl=0)

    def drain(self, timeout: float = 120) -> None:
        """Nothing to wait for here: the workers are other processes."""


def job_queue(app: Flask) -> ThreadQueue | RedisQueue:
    """The app's queue, made on first use."""
    queue = app.extensions.get("laurel_job_queue")
    if queue is None:
        url = app.config.get("REDIS_URL")
        queue = RedisQueue(url, app.config["JOB_QUEUE_NAME"]) if url else ThreadQueue(app)
        app.extensions["laurel_job_queue"] = queue
    return queue
