"""`flask --app wsgi worker`: runs background jobs from Redis (LAUREL_REDIS_URL), as many processes as wanted."""

from __future__ import annotations

import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from app.jobs.queue import job_queue


def _watch_for_stale_jobs(app, every: float, stopped: threading.Event) -> None:
    """Now and then, jobs whose worker died (on any machine) are run again or failed: none stays running; and
    rounds whose notice ended with nothing waiting are finalized (their certificates issued, teams told)."""
    from app.extensions import db
    from app.jobs.runner import recover_all_stale
    from app.models import utcnow
    from app.notices.finalization import finalize_due

    while not stopped.wait(every):
        with app.app_context():
            try:
                recover_all_stale()
                finalize_due(utcnow())
            except Exception:  # the next round tries again
                app.logger.exception("could not look for stale jobs or notices that ended")
            finally:
                db.session.remove()


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop.")
@with_appcontext
def worker_command(burst: bool):
    """Run background jobs (exports, large imports, computations, mail) from the Redis queue."""
    from rq import Worker

    from app.jobs.queue import RedisQueue
    from app.jobs.runner import recover_all_stale

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "LAUREL_REDIS_URL is not set: jobs run inside the app's own process and need no worker. "
            "Set it (for example redis://127.0.0.1:6379/0) on the app and the worker to run jobs here."
        )
    queue = job_queue(current_app._get_current_object())
    assert isinstance(queue, RedisQueue)
    found = recover_all_stale()
    if found:
        click.echo(f"{found} job(s) left behind by a stopped worker: run again or failed.")
    app = current_app._get_current_object()
    stopped = threading.Event()
    watcher = threading.Thread(
        target=_watch_for_stale_jobs, args=(app, app.config["JOB_STALE_SECONDS"] / 2, stopped), daemon=True
    )
    watcher.start()
    try:
        Worker([queue.queue], connection=queue.connection).work(burst=burst, with_scheduler=False)
    finally:
        stopped.set()
