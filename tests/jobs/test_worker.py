"""`flask --app wsgi worker`: jobs on Redis run by a worker process, and jobs left behind by a dead worker
are taken up again when a worker starts."""

import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from app.extensions import db
from tests.jobs.test_imports_and_compute import stale_job

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("LAUREL_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="set LAUREL_TEST_REDIS_URL to run the worker against Redis")


@pytest.fixture
def redis_app(app):
    """The test's app with its jobs on Redis, in a queue of its own (tests run beside each other)."""
    app.config["REDIS_URL"] = REDIS_URL
    app.config["JOB_QUEUE_NAME"] = f"laurel-test-{uuid.uuid4().hex}"
    app.extensions.pop("laurel_job_queue", None)
    yield app
    app.extensions.pop("laurel_job_queue", None)


def run_worker(app) -> subprocess.CompletedProcess:
    """One worker process on the test's database and Redis queue, running what waits, then stopping."""
    environment = {
        **os.environ,
        "LAUREL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LAUREL_INSTANCE_PATH": app.instance_path,
        "LAUREL_SECRET_KEY": secrets.token_hex(32),
        "LAUREL_REDIS_URL": REDIS_URL,
        "LAUREL_JOB_QUEUE_NAME": app.config["JOB_QUEUE_NAME"],
    }
    db.session.commit()
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@needs_redis
def test_a_job_on_redis_waits_for_a_worker_and_the_worker_runs_it(
    redis_app, client, make_contest, make_team, make_user, token_for
):
    contest = make_contest()
    make_team(contest, name="Worker team")
    headers = token_for(make_user("organizer"))

    job_id = client.post("/api/v1/exports", json={"kind": "teams", "contest_id": contest.id}, headers=headers).json["job_id"]
    assert client.get(f"/api/v1/jobs/{job_id}", headers=headers).json["state"] == "queued"  # no worker yet

    finished = run_worker(redis_app)

    assert finished.returncode == 0, finished.stderr
    job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json
    assert job["state"] == "done", job
    assert client.get(job["download_url"], headers=headers).status_code == 200


@needs_redis
def test_a_job_left_running_by_a_dead_worker_runs_again_when_a_worker_starts(
    redis_app, client, make_contest, make_user, token_for
):
    organizer = make_user("organizer")
    job = stale_job(organizer, make_contest(), attempts=1)

    finished = run_worker(redis_app)

    assert finished.returncode == 0, finished.stderr
    assert "left behind by a stopped worker" in finished.stdout
    seen = client.get(f"/api/v1/jobs/{job.id}", headers=token_for(organizer)).json
    assert seen["state"] == "done" and seen["download_url"]


def test_the_worker_without_redis_says_jobs_need_no_worker(runner):
    result = runner.invoke(args=["worker", "--burst"])

    assert result.exit_code != 0
    assert "LAUREL_REDIS_URL is not set" in result.output
