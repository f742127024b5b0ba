"""The job pages: a large import from its page goes to its job's page, which shows progress while it works,
then what it did or the rows to fix; each user's jobs are listed for them alone, in their language."""

import io

from sqlalchemy import func, select

from app.extensions import db
from app.models import Job, Team
from tests.conftest import finish_jobs
from tests.registration.test_transfer import HEADERS, good_team, workbook_bytes


def import_from_the_page(client, contest, rows):
    return client.post(
        f"/contests/{contest.id}/teams/import",
        data={"file": (io.BytesIO(workbook_bytes(rows)), "teams.xlsx")},
        content_type="multipart/form-data",
    )


def test_a_large_import_from_its_page_goes_to_the_jobs_page_and_ends_there(app, client, login_as, make_contest, make_college):
    contest = make_contest(language="zh")
    make_college(code="4133010335", name="浙江大学")
    login_as("organizer")
    app.config["JOB_THRESHOLD_ROWS"] = 4

    response = import_from_the_page(client, contest, good_team("1") + good_team("2"))

    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/")
    finish_jobs(app)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Teams import" in page and "Done" in page and "2 created." in page
    assert 'http-equiv="refresh"' not in page  # finished: the page stops looking again
    assert db.session.scalar(select(func.count(Team.id))) == 2


def test_a_large_import_with_bad_rows_shows_them_on_the_jobs_page(app, client, login_as, make_contest, make_college):
    contest = make_contest(language="zh")
    make_college(code="4133010335", name="浙江大学")
    login_as("organizer")
    app.config["JOB_THRESHOLD_ROWS"] = 4
    rows = good_team("1") + good_team("2")
    rows[5][HEADERS.index("邮箱 email")] = "bad-email"

    location = import_from_the_page(client, contest, rows).headers["Location"]
    finish_jobs(app)
    page = client.get(location).get_data(as_text=True)

    assert "Failed" in page and "Nothing was saved." in page
    assert "<td>7</td>" in page.replace(" ", "")
    assert db.session.scalar(select(func.count(Team.id))) == 0


def test_a_job_still_waiting_shows_its_progress_and_looks_again(client, login_as, make_contest):
    organizer = login_as("organizer")
    contest = make_contest()
    job = Job(kind="teams", owner=organizer, contest=contest, params={"contest_id": contest.id}, state="running")
    job.progress_done, job.progress_total = 5000, 20000
    db.session.add(job)
    db.session.commit()

    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)

    assert 'http-equiv="refresh"' in page
    assert '<progress max="20000" value="5000">' in page and "5,000 of 20,000 done." in page


def test_each_user_sees_their_own_jobs_in_their_language(client, login_as, make_user):
    mine = login_as("organizer")
    someone_else = make_user("organizer")
    for owner in (mine, someone_else):
        db.session.add(Job(kind="audit", owner=owner, params={}, state="done"))
    db.session.commit()
    client.get("/language/zh")

    page = client.get("/jobs").get_data(as_text=True)

    assert page.count("审计日志导出") == 1 and "我的任务" in page and "已完成" in page
    other = db.session.scalar(select(Job).where(Job.owner_id == someone_else.id))
    assert client.get(f"/jobs/{other.id}").status_code == 200  # listed for its owner alone, followed by organizers
