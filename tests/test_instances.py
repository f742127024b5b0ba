"""Two Laurel instances behind nginx, started by deploy/serve-instances (the README's production recipe) on
loopback, share what a user notices: a session signed in on one is signed in on the other and ends on both
at once; failed sign-ins on both count against one limit; a job started on one is seen, and finishes, on the
other. Needs PostgreSQL (LAUREL_TEST_DATABASE_URL), Redis (LAUREL_TEST_REDIS_URL) and nginx; skipped without
them, except that LAUREL_REQUIRE_CLUSTER=1 (CI) makes a missing nginx a failure."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from app.auth.services import create_user
from app.extensions import db
from app.models import utcnow
from bench.common import HttpClient, free_port
from bench.registration import CSRF_FIELD
from tests.conftest import PASSWORD, make_test_app

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "deploy" / "serve-instances"
REDIS_URL = os.environ.get("LAUREL_TEST_REDIS_URL")
#: Seconds the instances get to migrate the database and answer; the whole test stays well under a minute.
READY_TIMEOUT_S = 40
ACCOUNT_LIMIT = 3
#: Seconds a small export may take from its start, on a worker of its own, to its file.
JOB_TIMEOUT_S = 20


def nginx_installed() -> bool:
    return bool(shutil.which("nginx") or os.access("/usr/sbin/nginx", os.X_OK))


@dataclass
class Cluster:
    proxy: str
    instances: list[str]
    database_url: str
    log: Path
    process: subprocess.Popen


def wait_for(check, what: str, process: subprocess.Popen, log: Path, timeout: float = READY_TIMEOUT_S) -> None:
    """Poll `check()` until it is true, with a deadline; fail early, with the script's output, if it exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        if process.poll() is not None:
            pytest.fail(
                f"serve-instances exited with {process.returncode} before {what}:\n{log.read_text(errors='replace')[-4000:]}"
            )
        time.sleep(0.1)
    pytest.fail(f"no {what} within {timeout} s:\n{log.read_text(errors='replace')[-4000:]}")


def reset_schema(database_url: str) -> None:
    """An empty database, so that serve-instances migrates it from the start as in production."""
    from sqlalchemy import create_engine

    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def answers(base: str) -> bool:
    client = HttpClient(base, timeout=2)
    try:
        return client.request("GET", "/api/v1/health")[0] == 200
    except OSError:
        return False
    finally:
        client.close()


@pytest.fixture
def cluster(request, tmp_path) -> Iterator[Cluster]:
    if not (os.environ.get("LAUREL_TEST_DATABASE_URL") and REDIS_URL):
        pytest.skip("needs LAUREL_TEST_DATABASE_URL and LAUREL_TEST_REDIS_URL (CI sets them when the services answer)")
    if not nginx_installed():
        if os.environ.get("LAUREL_REQUIRE_CLUSTER") == "1":
            pytest.fail("nginx is missing (apt-get install nginx-light) and LAUREL_REQUIRE_CLUSTER=1")
        pytest.skip("nginx is not installed (Debian: apt-get install nginx-light)")
    database_url = request.getfixturevalue("postgres_url")  # this xdist worker's own database, as conftest makes it
    reset_schema(database_url)
    port, instance_ports = free_port(), [free_port(), free_port()]
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAUREL_")}
    env.update(
        LAUREL_DATABASE_URL=database_url,
        LAUREL_REDIS_URL=REDIS_URL,
        LAUREL_RATELIMIT_STORAGE_URI=REDIS_URL,
        LAUREL_SECRET_KEY=secrets.token_hex(32),
        LAUREL_PROXY_COUNT="1",
        LAUREL_INSTANCE_PATH=str(tmp_path / "instance"),
        LAUREL_LOGIN_ACCOUNT_RATE_LIMIT=f"{ACCOUNT_LIMIT} per minute",
        LAUREL_JOB_QUEUE_NAME=f"laurel-test-{secrets.token_hex(4)}",  # no other run's worker takes its jobs
    )
    log = tmp_path / "serve-instances.log"
    command = [sys.executable, str(SCRIPT), "--instances", "2", "--port", str(port), "--workers", "1"]
    command += ["--instance-ports", ",".join(map(str, instance_ports))]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: b"serve-instances: ready" in log.read_bytes(), "readiness", process, log)
        yield Cluster(
            proxy=f"http://127.0.0.1:{port}",
            instances=[f"http://127.0.0.1:{instance}" for instance in instance_ports],
            database_url=database_url,
            log=log,
            process=process,
        )
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        assert process.returncode == 0, log.read_text(errors="replace")[-3000:]
        assert not any(answers(f"http://127.0.0.1:{each}") for each in [port, *instance_ports])  # all stopped
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # whatever of the script's session is left, on any failure
        except ProcessLookupError:
            pass
        process.wait(timeout=10)
        reset_schema(database_url)
        app = make_test_app(database_url, str(tmp_path / "restore"))
        with app.app_context():
            db.create_all()  # the worker's database as conftest's postgres_url fixture left it
            db.engine.dispose()


def make_account(cluster: Cluster, tmp_path: Path, email: str) -> None:
    app = make_test_app(cluster.database_url, str(tmp_path / "maker"))
    with app.app_context():
        create_user(email=email, name="Instance Tester", password=PASSWORD, role="organizer", now=utcnow())
        db.session.commit()
        db.engine.dispose()


def csrf_token(client: HttpClient, path: str) -> str:
    status, _headers, body, _seconds = client.request("GET", path)
    match = CSRF_FIELD.search(body)
    assert status == 200 and match, f"GET {path} answered {status} without a csrf_token field"
    return (match.group(1) or match.group(2)).decode()


def on(base: str, cookies: dict[str, str], **options) -> HttpClient:
    """A client of instance `base` carrying `cookies`: the same browser, its request sent to another instance."""
    client = HttpClient(base, **options)
    client.cookies.update(cookies)
    return client


def test_two_instances_share_sessions_limits_and_jobs(cluster, tmp_path):
    email = f"tester-{secrets.token_hex(4)}@instances.laurel"  # a limit's counter of its own, whatever ran before
    make_account(cluster, tmp_path, email)
    first, second = cluster.instances

    # (a) Signed in through instance A: signed in on B. Signed out on B: signed out on A.
    browser = HttpClient(first)
    status, headers, _body, _seconds = browser.request(
        "POST", "/login", form={"email": email, "password": PASSWORD, "csrf_token": csrf_token(browser, "/login")}
    )
    assert status == 302 and "/login" not in headers["Location"]
    on_second = on(second, browser.cookies)
    status, _headers, body, _seconds = on_second.request("GET", "/account")
    assert status == 200 and email.encode() in body
    status, headers, _body, _seconds = on_second.request(
        "POST", "/logout", form={"csrf_token": csrf_token(on_second, "/account")}
    )
    assert status == 302
    status, headers, _body, _seconds = on(first, browser.cookies).request("GET", "/account")
    assert status == 302 and "/login" in headers["Location"]

    # (c) A job started on A is seen on B, finishes (run by the job worker), and its file downloads through nginx.
    status, body, _seconds = HttpClient(first).json("POST", "/api/v1/tokens", json_body={"email": email, "password": PASSWORD})
    assert status == 201, body
    bearer = {"Authorization": f"Bearer {body['token']}"}
    status, body, _seconds = HttpClient(first, headers=bearer).json("POST", "/api/v1/exports", json_body={"kind": "audit"})
    assert status == 202, body
    job_path = f"/api/v1/jobs/{body['job_id']}"
    seen = {}

    def finished_on_second() -> bool:
        status, seen["job"], _seconds = HttpClient(second, headers=bearer).json("GET", job_path)
        assert status == 200, seen["job"]
        return seen["job"]["state"] in ("done", "failed")

    wait_for(finished_on_second, "the job done", process=cluster.process, log=cluster.log, timeout=JOB_TIMEOUT_S)
    assert seen["job"]["state"] == "done" and seen["job"]["id"] == body["job_id"], seen["job"]
    status, headers, data, _seconds = HttpClient(cluster.proxy, headers=bearer).request("GET", seen["job"]["download_url"])
    assert status == 200 and data[:2] == b"PK" and "attachment" in headers["Content-Disposition"]  # an .xlsx file

    # (b) Failed sign-ins on A and B count against one limit: the next one, on either, is refused.
    wrong = {"email": email, "password": "not-the-password"}
    for attempt in range(ACCOUNT_LIMIT):
        status, body, _seconds = HttpClient(cluster.instances[attempt % 2]).json("POST", "/api/v1/tokens", json_body=wrong)
        assert status == 401, body
    status, body, _seconds = HttpClient(second).json("POST", "/api/v1/tokens", json_body=wrong)
    assert status == 429 and "Too many failed sign-ins to this account" in body["error"]["message"]
    status, body, _seconds = HttpClient(cluster.proxy).json("POST", "/api/v1/tokens", json_body={**wrong, "password": PASSWORD})
    assert status == 429  # through the proxy too: the limit is the account's, on every instance


def test_the_readme_recipe_and_make_run_this_script():
    recipe = (ROOT / "README.md").read_text(encoding="utf-8").split("## Running in production", 1)[1].split("\n## ", 1)[0]
    assert "deploy/serve-instances --instances" in recipe and "apt-get install nginx-light" in recipe
    printed = subprocess.run(
        ["make", "--dry-run", "--silent", "serve-instances", "N=3"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    assert "deploy/serve-instances --instances 3" in printed
