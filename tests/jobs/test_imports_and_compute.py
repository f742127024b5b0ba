"""Work over a size threshold runs as a job: imports (still all-or-nothing), a round's computation, and mail
in bulk; and a job whose worker died is run again once, then failed, never left running."""

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.jobs.tasks import jobs_folder
from app.models import College, Job, ResultSnapshot, Team, utcnow
from tests.colleges.test_import import HEADER
from tests.colleges.test_import import upload as upload_colleges
from tests.conftest import finish_jobs, outbox
from tests.registration.test_transfer import HEADERS, good_team, workbook_bytes
from tests.registration.test_transfer import upload as upload_teams


def job_of(client, app, response, headers):
    assert response.status_code == 202, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/api/v1/jobs/{response.json['job_id']}")
    finish_jobs(app)
    return client.get(f"/api/v1/jobs/{response.json['job_id']}", headers=headers).json


def test_a_large_team_import_runs_as_a_job_and_mails_every_captain(app, client, contest_and_headers):
    contest, headers = contest_and_headers
    app.config["JOB_THRESHOLD_ROWS"] = 4  # two teams of four rows each: over it

    job = job_of(client, app, upload_teams(client, contest, headers, workbook_bytes(good_team("1") + good_team("2"))), headers)

    assert job["state"] == "done" and job["kind"] == "import_teams"
    assert job["details"] == {"created": 2}
    assert not list((jobs_folder() / job["id"]).glob("upload-*"))  # the upload is not kept once imported
    assert job["progress"] == {"done": 8, "total": 8}
    assert db.session.scalar(select(func.count(Team.id))) == 2
    assert {message["To"] for message in outbox(app)} >= {"t11@x.cn", "t21@x.cn"}


def test_a_large_import_with_a_bad_row_saves_nothing_and_the_job_lists_the_row(app, client, contest_and_headers):
    contest, headers = contest_and_headers
    app.config["JOB_THRESHOLD_ROWS"] = 4
    rows = good_team("1") + good_team("2")
    rows[5][HEADERS.index("邮箱 email")] = "bad-email"  # row 7

    job = job_of(client, app, upload_teams(client, contest, headers, workbook_bytes(rows)), headers)

    assert job["state"] == "failed"
    assert {(row["row"], row["column"]) for row in job["details"]["rows"]} == {(7, "email")}
    assert db.session.scalar(select(func.count(Team.id))) == 0


def test_a_file_that_is_no_spreadsheet_is_refused_at_once_without_a_job(app, client, contest_and_headers):
    contest, headers = contest_and_headers
    app.config["JOB_THRESHOLD_ROWS"] = 0

    response = upload_teams(client, contest, headers, b"not a workbook", filename="teams.xlsx")

    assert response.status_code == 422
    assert Job.query.count() == 0


def test_a_large_colleges_import_runs_as_a_job(app, client, make_user, token_for):
    headers = token_for(make_user("organizer"))
    app.config["JOB_THRESHOLD_ROWS"] = 1
    content = (HEADER + "4133010335,浙江大学,浙江省,杭州市,本科\n4111010001,北京大学,北京市,北京市,本科\n").encode()

    job = job_of(client, app, upload_colleges(client, headers, content), headers)

    assert job["state"] == "done" and job["details"] == {"created": 2, "updated": 0}
    assert db.session.scalar(select(func.count(College.id))) == 2


def test_a_large_rounds_results_are_computed_as_a_job(app, client, scored_round, make_user, token_for):
    built = scored_round([[80], [70], [90]])
    headers = token_for(make_user("organizer"))
    app.config["JOB_THRESHOLD_TEAMS"] = 2

    job = job_of(client, app, client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=headers), headers)

    assert job["state"] == "done" and job["details"]["teams"] == 3
    results = client.get(f"/api/v1/rounds/{built['round'].id}/results", headers=headers).json
    assert [row["score"] for row in results["items"]] == [90.0, 80.0, 70.0]


def test_a_computation_refused_by_its_rule_fails_with_the_rules_message(app, client, scored_round, make_user, token_for):
    built = scored_round([[80], [None], [90]])  # one sheet left as a draft
    headers = token_for(make_user("organizer"))
    app.config["JOB_THRESHOLD_TEAMS"] = 2

    job = job_of(client, app, client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=headers), headers)

    assert job["state"] == "failed"
    assert "submitted" in job["error"]
    assert db.session.scalar(select(func.count(ResultSnapshot.id))) == 0


def test_mail_to_many_goes_out_from_a_job_after_the_commit(app, client, contest_and_headers):
    contest, headers = contest_and_headers
    app.config["MAIL_JOB_THRESHOLD"] = 1  # the import itself is small; its two mails are "many"

    response = upload_teams(client, contest, headers, workbook_bytes(good_team("1") + good_team("2")))

    assert response.status_code == 201
    mail_job = db.session.scalar(select(Job).where(Job.kind == "mail"))
    assert mail_job is not None
    finish_jobs(app)
    db.session.refresh(mail_job)
    assert mail_job.state == "done" and mail_job.details == {"sent": 2}
    assert len(outbox(app)) == 2


def stale_job(owner, contest, *, attempts: int) -> Job:
    """A job whose worker died while running it: its heartbeat stopped long ago."""
    long_ago = utcnow() - timedelta(hours=1)
    job = Job(
        kind="teams",
        owner=owner,
        contest=contest,
        params={"contest_id": contest.id},
        state="running",
        attempts=attempts,
        created_at=long_ago,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    db.session.add(job)
    db.session.commit()
    return job


def test_a_job_whose_worker_died_runs_again_once(app, client, make_contest, make_user, token_for):
    organizer = make_user("organizer")
    headers = token_for(organizer)
    job = stale_job(organizer, make_contest(), attempts=1)

    seen = client.get(f"/api/v1/jobs/{job.id}", headers=headers).json
    assert seen["state"] in ("queued", "running", "done")
    finish_jobs(app)

    again = client.get(f"/api/v1/jobs/{job.id}", headers=headers).json
    assert again["state"] == "done" and "download_url" in again
    assert db.session.get(Job, job.id).attempts == 2


def test_a_job_whose_worker_died_twice_fails_with_the_reason(app, client, make_contest, make_user, token_for):
    organizer = make_user("organizer")
    job = stale_job(organizer, make_contest(), attempts=2)

    seen = client.get(f"/api/v1/jobs/{job.id}", headers=token_for(organizer)).json

    assert seen["state"] == "failed"
    assert "stopped" in seen["error"]


def test_a_running_job_with_a_live_heartbeat_is_left_alone(app, client, make_contest, make_user, token_for):
    organizer = make_user("organizer")
    job = stale_job(organizer, make_contest(), attempts=1)
    job.heartbeat_at = utcnow()
    db.session.commit()

    assert client.get(f"/api/v1/jobs/{job.id}", headers=token_for(organizer)).json["state"] == "running"
